// `cfm poster`: a printable A4 poster (one HTML page, the QR code as inline SVG) pointing people to the web
// form, for distribution sites, offices and community centres. French first; texts from the catalogs.
import QRCode from "qrcode";
import type { OrgConfig } from "../domain/config.ts";
import { PosterUrlError } from "../errors.ts";
import { type Language, translator } from "../i18n/i18n.ts";
import { escapeHtml } from "../web/escape.ts";

/** The poster for the form at `url` (…/submit), in `language`. */
export async function renderPoster(config: OrgConfig, url: string, language: Language): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PosterUrlError(`--url: not an absolute URL: ${url}`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    throw new PosterUrlError(`--url: only an http(s) address can go on a poster, got ${parsed.protocol}`);
  const t = translator(language);
  // Error correction M survives a creased or dirty print; the margin is the quiet zone scanners need.
  const svg = await QRCode.toString(parsed.href, { type: "svg", errorCorrectionLevel: "M", margin: 4 });
  const followUp = new URL("follow-up", parsed.href.replace(/submit\/?$/, "")).href;
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(config.organisation.name)} · ${escapeHtml(t("public.poster.title"))}</title>
<style>
@page{size:A4;margin:15mm}
body{font-family:system-ui,Arial,sans-serif;color:#1b1b1b;text-align:center;margin:0}
h1{font-size:32pt;margin:0 0 6mm}
.org{font-size:16pt;color:#505050;margin:0 0 8mm}
.lead{font-size:18pt;margin:0 0 8mm}
.qr{width:110mm;height:110mm;margin:0 auto 6mm}
.qr svg{width:100%;height:100%}
.url{font-family:ui-monospace,monospace;font-size:13pt;overflow-wrap:anywhere}
ul{display:inline-block;text-align:left;font-size:15pt;margin:6mm 0}
.small{font-size:12pt;color:#505050}
</style>
</head>
<body>
<p class="org">${escapeHtml(config.organisation.name)}</p>
<h1>${escapeHtml(t("public.poster.title"))}</h1>
<p class="lead">${escapeHtml(t("public.poster.lead"))}</p>
<div class="qr" role="img" aria-label="${escapeHtml(t("public.poster.qr"))}">${svg}</div>
<p class="url">${escapeHtml(parsed.href)}</p>
<ul>
<li>${escapeHtml(t("public.poster.free"))}</li>
<li>${escapeHtml(t("public.poster.anonymous"))}</li>
<li>${escapeHtml(t("public.poster.code"))}</li>
</ul>
<p class="small">${escapeHtml(t("public.poster.followUp"))} <span class="url">${escapeHtml(followUp)}</span></p>
<p class="small">${escapeHtml(t("public.poster.email", { address: config.organisation.intakeAddress }))}</p>
</body>
</html>
`;
}
