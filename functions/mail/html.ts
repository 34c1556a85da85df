// Outgoing email bodies: one block model rendered twice, as plain text and as HTML, so the two versions
// always carry the same content. The HTML is built for mail clients, not browsers: inline styles only,
// tables for layout (Outlook ignores max-width and most CSS), no external assets, no remote images,
// 600px wide at most and fluid below that (phones).
import type { Language } from "../domain/config.ts";
import { TemplateDataError } from "../errors.ts";
import { translate } from "../i18n/i18n.ts";
import { escapeHtml } from "../web/escape.ts";

/** Bad template data (an unknown date, an unsafe link, a malformed reference): a programming error upstream. */
export { TemplateDataError };

export type Block =
  | { type: "paragraph"; text: string }
  | { type: "heading"; text: string }
  /** Text written by a person (a response, a note, a description): kept as written, line breaks included. */
  | { type: "quote"; text: string }
  | { type: "list"; items: string[] }
  /** Label/value rows, e.g. the reference and the dates. */
  | { type: "facts"; rows: ReadonlyArray<readonly [label: string, value: string]> }
  /** A link, shown as a button in HTML and as the bare URL in text. */
  | { type: "button"; label: string; url: string };

export interface EmailDocument {
  language: Language;
  /** The subject, used as the HTML <title>. */
  title: string;
  /** The inbox preview line (hidden in the HTML body). */
  preheader?: string;
  /** The name shown in the header band (the organisation). */
  header: string;
  blocks: Block[];
  /** Small print under the content, one line each. */
  footer: string[];
}

export { escapeHtml };

/** Only absolute http(s) links go into an email: never javascript:, data: or relative links. */
export function assertSafeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TemplateDataError(`not an absolute URL: ${url.slice(0, 80)}`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    throw new TemplateDataError(`only http(s) links may be sent, got ${parsed.protocol}`);
  return url;
}

/** The label separator: French puts a non-breaking space before the colon. */
export function colon(language: Language): string {
  return translate(language, "format.colon");
}

const normaliseNewlines = (text: string) => text.replace(/\r\n?/g, "\n").trim();

// ---------------------------------------------------------------------------------------------------------
// Plain text

function textBlock(block: Block, language: Language): string {
  switch (block.type) {
    case "paragraph":
      return normaliseNewlines(block.text);
    case "heading":
      return block.text;
    case "quote":
      return normaliseNewlines(block.text);
    case "list":
      return block.items.map((item) => `- ${normaliseNewlines(item)}`).join("\n");
    case "facts":
      return block.rows.map(([label, value]) => `${label}${colon(language)}${value}`).join("\n");
    case "button":
      return `${block.label}${colon(language).trimEnd()}\n${assertSafeUrl(block.url)}`;
  }
}

export function renderText(doc: EmailDocument): string {
  const parts: string[] = [];
  for (const [i, block] of doc.blocks.entries()) {
    // A heading sticks to the block it introduces.
    const separator = i === 0 ? "" : doc.blocks[i - 1]?.type === "heading" ? "\n" : "\n\n";
    parts.push(separator, textBlock(block, doc.language));
  }
  return `${parts.join("")}\n\n--\n${doc.footer.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------------------
// HTML

const FONT = "font-family:Arial,Helvetica,sans-serif;";
const TEXT_COLOUR = "#1f2937";
const MUTED = "#4b5563";
const ACCENT = "#1e3a8a";

/** Escaped text with its line breaks kept. */
const escapedLines = (text: string) => escapeHtml(normaliseNewlines(text)).replace(/\n/g, "<br>");

function htmlBlock(block: Block, language: Language): string {
  switch (block.type) {
    case "paragraph":
      return `<p style="margin:0 0 16px 0;">${escapedLines(block.text)}</p>`;
    case "heading":
      return `<h2 style="margin:24px 0 8px 0;${FONT}font-size:18px;line-height:24px;color:${ACCENT};">${escapeHtml(block.text)}</h2>`;
    case "quote": {
      const paragraphs = normaliseNewlines(block.text)
        .split(/\n{2,}/)
        .map((p) => `<p style="margin:0 0 8px 0;">${escapedLines(p)}</p>`)
        .join("");
      return (
        `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 16px 0;">` +
        `<tr><td style="border-left:4px solid #cbd5e1;background-color:#f8fafc;padding:12px 12px 4px 12px;">${paragraphs}</td></tr></table>`
      );
    }
    case "list":
      return `<ul style="margin:0 0 16px 0;padding:0 0 0 24px;">${block.items
        .map((item) => `<li style="margin:0 0 6px 0;">${escapedLines(item)}</li>`)
        .join("")}</ul>`;
    case "facts": {
      const rows = block.rows
        .map(
          ([label, value]) =>
            `<tr><td valign="top" style="padding:4px 12px 4px 0;color:${MUTED};">${escapeHtml(label)}${escapeHtml(colon(language).trimEnd())}</td>` +
            `<td valign="top" style="padding:4px 0;font-weight:bold;">${escapedLines(value)}</td></tr>`,
        )
        .join("");
      return `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 16px 0;${FONT}font-size:16px;line-height:22px;color:${TEXT_COLOUR};">${rows}</table>`;
    }
    case "button": {
      // A "bulletproof" button: the coloured cell renders in Outlook even where the link's padding does not.
      const href = escapeHtml(assertSafeUrl(block.url));
      return (
        `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 24px 0;">` +
        `<tr><td align="center" bgcolor="${ACCENT}" style="border-radius:6px;background-color:${ACCENT};">` +
        `<a href="${href}" target="_blank" style="display:inline-block;padding:14px 28px;${FONT}font-size:16px;font-weight:bold;line-height:20px;color:#ffffff;text-decoration:none;border-radius:6px;">${escapeHtml(block.label)}</a>` +
        `</td></tr></table>`
      );
    }
  }
}

export function renderHtml(doc: EmailDocument): string {
  const preheader = doc.preheader
    ? `<div style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all;">${escapeHtml(doc.preheader)}</div>`
    : "";
  const body = doc.blocks.map((block) => htmlBlock(block, doc.language)).join("\n");
  const footer = doc.footer.map((line) => `<p style="margin:0 0 4px 0;">${escapedLines(line)}</p>`).join("");
  return `<!DOCTYPE html>
<html lang="${doc.language}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="format-detection" content="telephone=no,date=no,address=no,email=no">
<title>${escapeHtml(doc.title)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
${preheader}
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#f3f4f6" style="background-color:#f3f4f6;">
<tr><td align="center" style="padding:16px 8px;">
<!--[if mso]><table role="presentation" width="600" align="center" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;margin:0 auto;">
<tr><td bgcolor="${ACCENT}" style="background-color:${ACCENT};padding:16px 24px;${FONT}font-size:18px;line-height:24px;font-weight:bold;color:#ffffff;">${escapeHtml(doc.header)}</td></tr>
<tr><td bgcolor="#ffffff" style="background-color:#ffffff;padding:24px;${FONT}font-size:16px;line-height:24px;color:${TEXT_COLOUR};word-wrap:break-word;overflow-wrap:anywhere;">
${body}
</td></tr>
<tr><td style="padding:16px 24px;${FONT}font-size:13px;line-height:18px;color:${MUTED};word-wrap:break-word;overflow-wrap:anywhere;">${footer}</td></tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr>
</table>
</body>
</html>
`;
}
