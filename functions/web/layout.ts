// The HTML layout shared by every server-rendered page (task pages, public form, console): a complete mobile
// page in the reader's language, one inline <style> block, and the security headers that allow exactly it.
// Plain HTML that works without JavaScript on a low-end phone over a slow link.
import { escapeHtml } from "./escape.ts";
import { type SecurityHeaderOptions, securityHeaders, styleHash } from "./headers.ts";

/** The base stylesheet: readable type, large touch targets, visible focus, GOV.UK-style error states. */
export const BASE_CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:1rem;line-height:1.5;color:#1b1b1b;background:#f4f4f4}
main{max-width:40rem;margin:0 auto;padding:1rem;background:#fff;min-height:100vh}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
a{color:#005ea5}
.ref{color:#505050;margin:0}
dl{margin:0 0 1rem}
dt{font-weight:600;margin-top:.5rem}
dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
.field{margin:1.25rem 0}
fieldset{border:0;padding:0;margin:0}
legend,label.main{display:block;font-weight:600;margin-bottom:.25rem;padding:0}
input{accent-color:#00703c}
.hint{color:#505050;margin:0 0 .25rem}
.choice{display:flex;align-items:flex-start;gap:.5rem;margin:.35rem 0}
.choice input{width:1.4rem;height:1.4rem;margin:.1rem 0 0;flex:none}
select,textarea,.text{display:block;width:100%;font:inherit;padding:.5rem;border:2px solid #505050;border-radius:0;background:#fff;color:inherit}
textarea{min-height:6rem;resize:vertical}
.invalid select,.invalid textarea,.invalid .text{border-color:#b00020}
.error{color:#b00020;font-weight:600;margin:0 0 .25rem}
.summary{border:4px solid #b00020;padding:.75rem 1rem;margin:0 0 1rem}
.summary h2{margin-top:0}
.summary a{color:#b00020}
.notice{border-left:6px solid #00703c;padding:.5rem 1rem;margin:1rem 0;background:#f0f7f3}
.warning{border-left:6px solid #b00020;padding:.5rem 1rem;margin:1rem 0;background:#fdf2f2}
button{font:inherit;font-weight:600;padding:.75rem 1.5rem;border:0;background:#00703c;color:#fff;cursor:pointer;width:100%;max-width:20rem}
button:focus,a:focus,input:focus,select:focus,textarea:focus{outline:3px solid #fd0;outline-offset:0}
.code{font-family:ui-monospace,monospace;overflow-wrap:anywhere}
`.trim();

/** A stylesheet with its CSP hash, computed once. */
export interface Stylesheet {
  css: string;
  hash: string;
}

export function stylesheet(...parts: string[]): Stylesheet {
  const css = parts.map((p) => p.trim()).join("\n");
  return { css, hash: styleHash(css) };
}

export const BASE_STYLESHEET: Stylesheet = stylesheet(BASE_CSS);

export interface HtmlResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface HtmlPageInput {
  statusCode: number;
  /** The page language (`<html lang>` and Content-Language). */
  language: string;
  /** The document title, plain text (escaped here). */
  title: string;
  /** The page's HTML inside <main>, already escaped by its renderer. */
  main: string;
  /** BASE_STYLESHEET unless the page extends it (stylesheet(BASE_CSS, more)). */
  style?: Stylesheet;
  /** Header options beyond the style hash (caching, indexing, image sources). */
  headers?: Omit<SecurityHeaderOptions, "styleHash">;
  /** Markup before <main>, e.g. a skip link or a language switcher. */
  before?: string;
  /** An id for <main> (the target of a skip link). */
  mainId?: string;
}

/** A complete HTML page and the headers that go with it (CSP allowing exactly its style block). */
export function htmlPage(input: HtmlPageInput): HtmlResponse {
  const style = input.style ?? BASE_STYLESHEET;
  const language = escapeHtml(input.language);
  const body = `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="${escapeHtml(input.headers?.referrerPolicy ?? "no-referrer")}">
${input.headers?.indexable ? "" : '<meta name="robots" content="noindex, nofollow">\n'}<title>${escapeHtml(input.title)}</title>
<style>${style.css}</style>
</head>
<body>
${input.before ?? ""}<main${input.mainId ? ` id="${escapeHtml(input.mainId)}"` : ""}>
${input.main}
</main>
</body>
</html>
`;
  return {
    statusCode: input.statusCode,
    headers: {
      ...securityHeaders({ ...input.headers, styleHash: style.hash }),
      "Content-Language": input.language,
    },
    body,
  };
}
