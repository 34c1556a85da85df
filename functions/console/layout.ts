// The console's page frame: header with navigation and sign-out, one inline <style> block allowed by its hash
// (CSP default-src 'none': no script, no third-party asset), French first. Pages are built with hono/html,
// which escapes every interpolated value.
import { createHash } from "node:crypto";
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:1rem;line-height:1.5;color:#1b1b1b;background:#f4f4f4}
header{background:#0b3d5c;color:#fff;padding:.5rem 1rem}
header a{color:#fff}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fd0;color:#000;padding:.25rem .5rem}
.bar{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;align-items:center;max-width:72rem;margin:0 auto}
.brand{font-weight:700;margin-right:auto}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
.who{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}
.who button{background:transparent;border:2px solid #fff;color:#fff;padding:.25rem .75rem;width:auto}
main{max-width:72rem;margin:0 auto;padding:1rem;background:#fff;min-height:80vh}
h1{font-size:1.5rem;margin:.25rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem;border-bottom:1px solid #ccc}
a{color:#0b5394}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #ccc;vertical-align:top}
th{background:#eef2f5}
.table{overflow-x:auto}
dl{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:.25rem 1rem;margin:0 0 1rem}
dt{font-weight:600}dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
@media (max-width:40rem){dl{grid-template-columns:1fr}dd{margin-bottom:.5rem}}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end;background:#eef2f5;padding:.75rem;margin-bottom:1rem}
.filters .field{margin:0;min-width:0;max-width:100%}
.filters select{width:100%}
@media (max-width:40rem){.filters .field{flex:1 1 100%}.filters input[type=search],.filters input[type=date]{width:100%}}
.field{margin:1rem 0}
label,legend{display:block;font-weight:600;margin-bottom:.2rem}
fieldset{border:1px solid #ccc;padding:.5rem 1rem;margin:1rem 0}
input[type=text],input[type=email],input[type=tel],input[type=date],input[type=search],select,textarea{font:inherit;padding:.4rem;border:2px solid #505050;background:#fff;color:inherit;max-width:100%}
textarea{width:100%;min-height:6rem}
.wide{width:100%}
.choice{display:flex;gap:.5rem;align-items:flex-start;margin:.25rem 0}
.choice label{font-weight:400}
.hint{color:#505050;margin:0 0 .25rem;font-size:.95rem}
.error{color:#b00020;font-weight:600;margin:0 0 .25rem}
.invalid input,.invalid select,.invalid textarea{border-color:#b00020}
.summary{border:4px solid #b00020;padding:.75rem 1rem;margin:0 0 1rem}
.summary a{color:#b00020}
.notice{border-left:6px solid #0b5394;background:#eef2f5;padding:.5rem 1rem;margin:1rem 0}
.warn{border-left-color:#b00020}
.late{color:#b00020;font-weight:700}
.tag{display:inline-block;padding:0 .4rem;border:1px solid #505050;font-size:.9rem;margin:0 .25rem .25rem 0}
button,.button{font:inherit;font-weight:600;padding:.5rem 1.25rem;border:0;background:#00703c;color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
.secondary{background:#505050}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #fd0;outline-offset:0}
.pages{display:flex;gap:1rem;align-items:center;margin:1rem 0}
.chart{display:grid;grid-template-columns:minmax(6rem,12rem) 1fr auto;gap:.25rem .5rem;align-items:center}
.chart .bar-fill{background:#0b5394;height:1.1rem;min-width:2px}
.inline{display:inline}
`.trim();

export const CONSOLE_STYLE_HASH = `sha256-${createHash("sha256").update(CSS, "utf8").digest("base64")}`;

/**
 * Every console response: no caching of case data, no framing, no script. `formTargets`: origins a console
 * form may redirect to (browsers apply form-action to the redirect too): the identity provider's sign-out.
 */
export function consoleHeaders(formTargets: string[] = []): Record<string, string> {
  const CSP = [
    "default-src 'none'",
    `style-src '${CONSOLE_STYLE_HASH}'`,
    "img-src 'self'",
    ["form-action 'self'", ...formTargets].join(" "),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
  return {
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Robots-Tag": "noindex, nofollow",
  };
}

export type Section = "tasks" | "cases" | "intake" | "pending" | "reports" | null;

export interface Frame {
  title: string;
  section: Section;
  /** Signed in: name, coordinator or not, the CSRF token of the sign-out form. */
  who?: { name: string; coordinator: boolean; csrf: string } | undefined;
}

const NAV: Array<{ section: Exclude<Section, null>; href: string; label: string; coordinator?: true }> = [
  { section: "tasks", href: "/console/", label: "Mes tâches" },
  { section: "cases", href: "/console/cases", label: "Dossiers" },
  { section: "intake", href: "/console/intake", label: "Enregistrer une plainte" },
  { section: "pending", href: "/console/pending", label: "En attente cette semaine" },
  { section: "reports", href: "/console/reports", label: "Rapports", coordinator: true },
];

export function layout(frame: Frame, body: Html): Html {
  const { who } = frame;
  const nav = who
    ? html`<nav aria-label="Console"><ul>${NAV.filter((n) => !n.coordinator || who.coordinator).map(
        (n) =>
          html`<li><a href="${n.href}"${raw(n.section === frame.section ? ' aria-current="page"' : "")}>${n.label}</a></li>`,
      )}</ul></nav>
<form class="who" method="post" action="/console/sign-out"><span>${who.name}</span><input type="hidden" name="_csrf" value="${who.csrf}"><button type="submit">Se déconnecter</button></form>`
    : "";
  return html`<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${frame.title} · cfm</title>
<style>${raw(CSS)}</style>
</head>
<body>
<a class="skip" href="#main">Aller au contenu</a>
<header><div class="bar"><span class="brand">cfm · console</span>${nav}</div></header>
<main id="main">
${body}
</main>
</body>
</html>`;
}
