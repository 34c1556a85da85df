// The console's page frame on the shared web layer (functions/web/layout.ts: the same document, base stylesheet,
// CSP-by-hash and security headers as the task and public pages), with the console's own additions: a header
// with navigation, the language switch and sign-out, wider tables and filters. No script. Pages are built with
// hono/html, which escapes every interpolated value; the words come from the catalogs (`console` group).
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { LANGUAGES, type Language, type Translator } from "../i18n/i18n.ts";
import { securityHeaders } from "../web/headers.ts";
import { BASE_CSS, type HtmlResponse, htmlPage, stylesheet } from "../web/layout.ts";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** What the console adds to the base stylesheet (it comes after, so it wins where both set a property). */
const CONSOLE_CSS = `
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
.ref{white-space:nowrap}
@media (max-width:40rem){.cards thead{position:absolute;left:-9999px}.cards tr{display:block;border-bottom:1px solid #ccc;padding:.25rem 0}.cards td{display:grid;grid-template-columns:7.5rem 1fr;gap:.5rem;border:0;padding:.15rem .25rem}.cards td::before{content:attr(data-label);font-weight:600}.cards td:empty{display:none}}
dl{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:.25rem 1rem;margin:0 0 1rem}
dt{font-weight:600;margin:0}
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
.invalid input,.invalid select,.invalid textarea{border-color:#b00020}
.notice{border-left:6px solid #0b5394;background:#eef2f5;padding:.5rem 1rem;margin:1rem 0}
.warn{border-left-color:#b00020}
.late{color:#b00020;font-weight:700}
.tag{display:inline-block;padding:0 .4rem;border:1px solid #505050;font-size:.9rem;margin:0 .25rem .25rem 0}
button,.button{font:inherit;font-weight:600;padding:.5rem 1.25rem;border:0;background:#00703c;color:#fff;cursor:pointer;text-decoration:none;display:inline-block;width:auto;max-width:none}
.secondary{background:#505050}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #fd0;outline-offset:0}
.pages{display:flex;gap:1rem;align-items:center;margin:1rem 0}
.chart{display:grid;grid-template-columns:minmax(6rem,12rem) 1fr auto;gap:.25rem .5rem;align-items:center}
.chart .bar-fill{background:#0b5394;height:1.1rem;min-width:2px}
.inline{display:inline}
.lang{display:inline}.lang button{background:transparent;border:2px solid #fff;color:#fff;padding:.25rem .75rem}
`;

export const CONSOLE_STYLESHEET = stylesheet(BASE_CSS, CONSOLE_CSS);
export const CONSOLE_STYLE_HASH = CONSOLE_STYLESHEET.hash;

export interface ConsoleHeaderOptions {
  /** Origins a console form may redirect to (browsers apply form-action to the redirect too): the IdP's sign-out. */
  formTargets?: readonly string[];
}

/** Every console response, HTML or not: no caching of case data, no framing, no script (shared headers). */
export function consoleHeaders(o: ConsoleHeaderOptions = {}): Record<string, string> {
  const { "Content-Type": _html, ...headers } = securityHeaders({
    styleHash: CONSOLE_STYLE_HASH,
    ...headerOptions(o),
  });
  return headers;
}

function headerOptions(o: ConsoleHeaderOptions) {
  return {
    imgSrc: "'self'",
    formTargets: o.formTargets ?? [],
    // Same-origin referrers: console URLs carry no token, and with no-referrer a browser posts a form with
    // `Origin: null`, which the console's same-origin check refuses.
    referrerPolicy: "same-origin",
  };
}

export type Section = "tasks" | "cases" | "intake" | "pending" | "reports" | null;

export interface Frame {
  title: string;
  section: Section;
  language: Language;
  t: Translator;
  /** The path to come back to after switching language. */
  path: string;
  /** Signed in: name, coordinator or not, the CSRF token of the sign-out and language forms. */
  who?: { name: string; coordinator: boolean; csrf: string } | undefined;
}

const NAV: Array<{ section: Exclude<Section, null>; href: string; coordinator?: true }> = [
  { section: "tasks", href: "/console/" },
  { section: "cases", href: "/console/cases" },
  { section: "intake", href: "/console/intake" },
  { section: "pending", href: "/console/pending" },
  { section: "reports", href: "/console/reports", coordinator: true },
];

export async function layout(
  frame: Frame,
  body: Html,
  status: number,
  options: ConsoleHeaderOptions = {},
): Promise<HtmlResponse> {
  const { who, t } = frame;
  const nav = who
    ? html`<nav aria-label="${t("console.nav.label")}"><ul>${NAV.filter(
        (n) => !n.coordinator || who.coordinator,
      ).map(
        (n) =>
          html`<li><a href="${n.href}"${raw(n.section === frame.section ? ' aria-current="page"' : "")}>${t(`console.nav.${n.section}`)}</a></li>`,
      )}</ul></nav>
${LANGUAGES.filter((l) => l !== frame.language).map((l) => html`<form class="lang" method="post" action="/console/language"><input type="hidden" name="_csrf" value="${who.csrf}"><input type="hidden" name="language" value="${l}"><input type="hidden" name="return" value="${frame.path}"><button type="submit" lang="${l}">${t(`console.language.${l}`)}</button></form>`)}
<form class="who" method="post" action="/console/sign-out"><span>${who.name}</span><input type="hidden" name="_csrf" value="${who.csrf}"><button type="submit">${t("console.nav.signOut")}</button></form>`
    : "";
  const before = await html`<a class="skip" href="#main">${t("console.nav.skip")}</a>
<header><div class="bar"><span class="brand">${t("console.nav.brand")}</span>${nav}</div></header>
`;
  const main = await body;
  return htmlPage({
    statusCode: status,
    language: frame.language,
    title: `${frame.title} · cfm`,
    main: String(main),
    style: CONSOLE_STYLESHEET,
    before: String(before),
    mainId: "main",
    headers: headerOptions(options),
  });
}
