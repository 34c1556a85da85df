// Inbound email → InboundMessage: the pure part of intake (no AWS here; the raw message stays with the caller,
// in S3). parseInbound never throws: mail from the public is often malformed, and a message that cannot be
// parsed still has to reach a human (flagged `unreadable`), never crash the workflow.

import { createHash } from "node:crypto";
import { domainToASCII } from "node:url";
import type { AddressObject, Attachment, HeaderValue, ParsedMail, SimpleParserOptions } from "mailparser";
import addressparser from "nodemailer/lib/addressparser";
import * as z from "zod";
import { extractReferences, REFERENCE_PATTERN } from "../domain/reference.ts";

/**
 * mailparser, loaded on the first parse (issue 18): the Lambdas that only reach this module for detectLanguage or
 * the address helpers (channel-hooks, intake-messages) never evaluate it.
 */
async function simpleParser(source: Buffer, options: SimpleParserOptions): Promise<ParsedMail> {
  return (await import("mailparser")).simpleParser(source, options);
}

/** A language code with a catalog (the text itself is recognised as French or English only). */
export type Language = string;

export interface ParseInboundOptions {
  /** Attachments larger than this (decoded bytes) are flagged `oversized` and their content is not kept. */
  attachmentCapBytes: number;
  /** The language when neither the text nor Content-Language tells. */
  defaultLanguage: Language;
  /** Our own address: mail from it (or carrying it in X-Loop) is a loop, so noise. */
  intakeAddress: string;
}

const addressSchema = z.object({ address: z.string().nullable(), name: z.string().nullable() });

export const noiseSchema = z.object({
  kind: z.enum(["auto-reply", "bounce", "delivery-report"]),
  reason: z.string().min(1),
});

export const inboundAttachmentSchema = z.object({
  /** Sanitised: no path separators or control characters; generated when the part named none. */
  filename: z.string().min(1),
  contentType: z.string().min(1),
  /** Decoded size in bytes (also for an oversized attachment, whose content is empty). */
  size: z.number().int().nonnegative(),
  /** Embedded in the HTML body (cid: image in multipart/related), e.g. a signature logo or a pasted screenshot. */
  inline: z.boolean(),
  oversized: z.boolean(),
  /** Empty when oversized: the raw message still holds it. */
  content: z.instanceof(Buffer),
  /** Content-ID without angle brackets, as referenced by `cid:` URLs. */
  contentId: z.string().optional(),
  /** The declared type was not a valid MIME type (e.g. a control character in it): replaced by a default. */
  sanitisedType: z.boolean().optional(),
});

export const inboundMessageSchema = z.object({
  /** The RFC 5322 Message-ID, angle brackets included. */
  messageId: z.string().nullable(),
  from: addressSchema,
  replyTo: addressSchema.optional(),
  /**
   * Addresses to write back to when the From has none usable (issue 15), in order of preference: Reply-To,
   * Sender, Return-Path. The envelope sender (SES `mail.source`) is the caller's last resort.
   */
  fallbackAddresses: z.array(
    z.object({ source: z.enum(["reply-to", "sender", "return-path"]), address: z.string() }),
  ),
  /** The From address was recovered from an encoded-word or an internationalised domain (issue 15). */
  fromRecovered: z.boolean(),
  /** Something in a header (an attachment's type) was not valid and was replaced by a default (issue 15). */
  sanitised: z.boolean(),
  subject: z.string(),
  /** Plain text (converted from HTML for an HTML-only message), forwarded .eml attachments appended. */
  text: z.string(),
  date: z.iso.datetime().nullable(),
  language: z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/),
  references: z.array(z.string().regex(REFERENCE_PATTERN)),
  /** Auto-replies, bounces and delivery/read reports: never acknowledged, never open a case (mail loops). */
  noise: noiseSchema.nullable(),
  attachments: z.array(inboundAttachmentSchema),
  forwarded: z.boolean(),
  /** The MIME structure could not be parsed as declared; what is here is a best-effort recovery. */
  unreadable: z.boolean(),
  /** What went wrong, for staff and logs: never personal data (no names, addresses, subjects, file names). */
  problems: z.array(z.string()),
});

export type InboundMessage = z.infer<typeof inboundMessageSchema>;
export type InboundAttachment = z.infer<typeof inboundAttachmentSchema>;
export type Noise = z.infer<typeof noiseSchema>;

// Bounds: the parser is third-party code fed with untrusted input.
const PARSE_TIMEOUT_MS = 30_000;
const MAX_FORWARD_DEPTH = 3;
const RECOVERY_HEADER_LINE_CAP = 4000;
const RECOVERY_TEXT_CAP = 1_000_000; // bytes
const LANGUAGE_SAMPLE_CHARS = 20_000;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]+/g;
// Text keeps tabs and line breaks.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const TEXT_CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]+/g;

const PARSER_OPTIONS = { keepCidLinks: true, skipTextToHtml: true, skipTextLinks: true } as const;

export async function parseInbound(
  raw: Buffer | Uint8Array,
  options: ParseInboundOptions,
): Promise<InboundMessage> {
  try {
    return await withTimeout(parseAt(toBuffer(raw), options, 0), PARSE_TIMEOUT_MS);
  } catch (error) {
    // Last resort: anything unexpected (our bug or the parser's) still yields a message for a human.
    return {
      ...emptyMessage(options.defaultLanguage),
      unreadable: true,
      problems: [`internal parse failure: ${describeError(error)}`],
    };
  }
}

function toBuffer(raw: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
}

function emptyMessage(language: Language): InboundMessage {
  return {
    messageId: null,
    from: { address: null, name: null },
    fallbackAddresses: [],
    fromRecovered: false,
    sanitised: false,
    subject: "",
    text: "",
    date: null,
    language,
    references: [],
    noise: null,
    attachments: [],
    forwarded: false,
    unreadable: false,
    problems: [],
  };
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`parser did not finish within ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function parseAt(raw: Buffer, options: ParseInboundOptions, depth: number): Promise<InboundMessage> {
  const problems: string[] = [];
  if (!raw.some((byte) => byte > 0x20)) {
    return { ...emptyMessage(options.defaultLanguage), unreadable: true, problems: ["empty message"] };
  }
  // One Latin-1 view of the bytes (lossless) for the raw scans below, not one per scan: messages can be 30 MB.
  const { prepared, latin1 } = replaceUnknownCharsets(raw, problems);

  let mail: ParsedMail;
  try {
    mail = await simpleParser(prepared, PARSER_OPTIONS);
  } catch (error) {
    problems.push(`MIME parse error: ${describeError(error)}`);
    return recover(prepared, latin1, problems, options);
  }
  if (!hasRecognisableHeaders(mail)) {
    problems.push("no headers");
    return recover(prepared, latin1, problems, options);
  }

  let unreadable = false;
  let text = mail.text ?? "";
  const html = typeof mail.html === "string" ? mail.html : "";
  if (text.trim() === "" && html.trim() !== "") {
    // mailparser converts HTML to text only for a root HTML part; an HTML-only body inside
    // multipart/mixed (HTML + attachments) comes back without text.
    text = await htmlToText(html, problems);
  }
  if (mail.textConversionError) problems.push("HTML could not be converted to text");

  const structure = checkMultipartStructure(mail, latin1);
  if (structure.problem) problems.push(structure.problem);
  if (structure.broken) {
    unreadable = true;
    if (text.trim() === "") text = recoverBodyText(prepared, latin1);
  }

  const attachments = mail.attachments.map((attachment, index) =>
    toInboundAttachment(attachment, index, options.attachmentCapBytes),
  );
  if (attachments.some((a) => a.sanitisedType)) problems.push("invalid attachment content type replaced");
  if (structure.truncated && text.trim() === "" && attachments.length === 0) unreadable = true;

  const forwardedParts = await describeForwardedAttachments(mail.attachments, options, depth, problems);
  if (forwardedParts.length > 0) text = [text.trimEnd(), ...forwardedParts].join("\n\n");

  return finish(mail, { text, attachments, unreadable, problems, latin1, options });
}

interface FinishInput {
  text: string;
  attachments: InboundAttachment[];
  unreadable: boolean;
  problems: string[];
  /** The raw message as Latin-1. */
  latin1: string;
  options: ParseInboundOptions;
}

function finish(mail: ParsedMail, input: FinishInput): InboundMessage {
  const { problems, options } = input;
  const subject = cleanLine(mail.subject ?? "");
  if (subject === "") problems.push("empty subject");

  const from = firstAddress(mail.from);
  if (!mail.from) problems.push("no From");
  else if (from.address === null) problems.push("From has no valid address");
  else if (from.recovered) problems.push("From address recovered");

  const replyToAddress = mail.replyTo ? firstAddress(mail.replyTo) : null;
  const fallbackAddresses: InboundMessage["fallbackAddresses"] = [];
  if (replyToAddress?.address)
    fallbackAddresses.push({ source: "reply-to", address: replyToAddress.address });
  const sender = mail.headers.get("sender") as AddressObject | undefined;
  const senderAddress =
    sender && typeof sender === "object" && "value" in sender ? firstAddress(sender) : null;
  if (senderAddress?.address) fallbackAddresses.push({ source: "sender", address: senderAddress.address });
  const returnPath = normaliseAddress(/<([^<>]*)>/.exec(rawHeader(mail, "return-path") ?? "")?.[1] ?? "");
  if (returnPath) fallbackAddresses.push({ source: "return-path", address: returnPath });
  const date = parseDateHeader(mail, problems);
  const messageId = mail.messageId ? cleanLine(mail.messageId) : null;
  if (!messageId) problems.push("no Message-ID");

  const text = cleanText(input.text);
  if (text.trim() === "") problems.push("empty body");
  if (text.includes("\uFFFD") || subject.includes("\uFFFD")) problems.push("undecodable characters replaced");

  const message: InboundMessage = {
    messageId: messageId || null,
    from: { address: from.address, name: from.name },
    fallbackAddresses,
    fromRecovered: from.recovered,
    sanitised: input.attachments.some((a) => a.sanitisedType),
    subject,
    text,
    date,
    language: detectLanguage(
      `${subject}\n${text}`,
      headerText(mail, "content-language"),
      options.defaultLanguage,
    ),
    references: extractReferences(subject),
    noise: classifyNoise(mail, { from: from.address, subject, text, intakeAddress: options.intakeAddress }),
    attachments: input.attachments,
    forwarded: isForwarded(mail, subject, text, input.latin1),
    unreadable: input.unreadable,
    problems: [...new Set(problems)],
  };
  if (replyToAddress && replyToAddress.address !== null)
    message.replyTo = { address: replyToAddress.address, name: replyToAddress.name };
  return message;
}

// ---------------------------------------------------------------------------------------------------------
// Recovery of a message the parser could not handle: headers re-parsed from a bounded copy, body as text.

async function recover(
  raw: Buffer,
  latin1: string,
  problems: string[],
  options: ParseInboundOptions,
): Promise<InboundMessage> {
  const separator = /\r?\n\r?\n/.exec(latin1);
  const headerBlock = separator ? latin1.slice(0, separator.index) : latin1;
  const kept = unfoldHeaderLines(headerBlock)
    .filter((line) => /^[!-9;-~]+:/.test(line))
    .map((line) => line.slice(0, RECOVERY_HEADER_LINE_CAP));
  let mail: ParsedMail | null = null;
  if (kept.length > 0) {
    try {
      // Only the headers, each bounded, with no body: what made the full parse fail is gone.
      mail = await simpleParser(Buffer.from(`${kept.join("\r\n")}\r\n\r\n`, "latin1"), PARSER_OPTIONS);
    } catch {
      mail = null;
    }
  }
  const recognised = mail !== null && hasRecognisableHeaders(mail);
  const bodyStart = recognised && separator ? separator.index + separator[0].length : 0;
  const text = decodeBytes(raw.subarray(bodyStart, bodyStart + RECOVERY_TEXT_CAP));
  if (!recognised || mail === null) {
    const message: InboundMessage = {
      ...emptyMessage(options.defaultLanguage),
      text: cleanText(text),
      unreadable: true,
      problems,
    };
    message.language = detectLanguage(message.text, undefined, options.defaultLanguage);
    return message;
  }
  return finish(mail, {
    text: stripMimeMarkup(text),
    attachments: [],
    unreadable: true,
    problems,
    latin1,
    options,
  });
}

function unfoldHeaderLines(block: string): string[] {
  return block.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/);
}

const KNOWN_HEADERS = new Set([
  "from",
  "to",
  "cc",
  "subject",
  "date",
  "message-id",
  "received",
  "return-path",
  "mime-version",
  "content-type",
  "reply-to",
  "sender",
  "delivered-to",
]);

function hasRecognisableHeaders(mail: ParsedMail): boolean {
  return mail.headerLines.some((line) => KNOWN_HEADERS.has(line.key));
}

function recoverBodyText(raw: Buffer, latin1: string): string {
  const separator = /\r?\n\r?\n/.exec(latin1);
  const body = separator ? raw.subarray(separator.index + separator[0].length) : Buffer.alloc(0);
  return stripMimeMarkup(decodeBytes(body.subarray(0, RECOVERY_TEXT_CAP)));
}

// Delimiter lines, part headers and base64 blocks of a body whose structure could not be followed.
function stripMimeMarkup(text: string): string {
  return text
    .split(/\r?\n/)
    .filter(
      (line) =>
        !/^--\S+\s*$/.test(line) &&
        !/^content-[a-z-]+\s*:/i.test(line) &&
        !/^[A-Za-z0-9+/]{40,}={0,2}$/.test(line),
    )
    .join("\n")
    .trim();
}

// UTF-8 when the bytes are valid UTF-8, otherwise Windows-1252 (the usual 8-bit charset of French mail).
// `stream`: a character cut by a byte cap at the end is dropped, not taken for invalid UTF-8.
function decodeBytes(bytes: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Structure checks

interface StructureCheck {
  problem?: string;
  /** The declared multipart structure could not be followed at all. */
  broken: boolean;
  /** The closing delimiter is missing: the message was cut. */
  truncated: boolean;
}

function checkMultipartStructure(mail: ParsedMail, latin1: string): StructureCheck {
  const contentType = structuredHeader(mail.headers.get("content-type"));
  if (!contentType || !/^multipart\//i.test(contentType.value)) return { broken: false, truncated: false };
  const boundary = contentType.params.boundary;
  if (!boundary) {
    return { problem: "multipart without a boundary parameter", broken: true, truncated: false };
  }
  // The boundary was decoded from the header; compare on the same bytes.
  const encoded = Buffer.from(boundary, "utf8").toString("latin1");
  const delimiter = new RegExp(`^--${escapeRegExp(encoded)}[ \\t]*\\r?$`, "m");
  if (!delimiter.test(latin1)) {
    return { problem: "MIME boundary not found in the body", broken: true, truncated: false };
  }
  if (!latin1.includes(`--${encoded}--`)) {
    return { problem: "truncated: no closing MIME boundary", broken: false, truncated: true };
  }
  return { broken: false, truncated: false };
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// ---------------------------------------------------------------------------------------------------------
// Charsets: mailparser silently decodes an unknown charset as UTF-8 (accents become U+FFFD). We note the
// problem and, on the copy we parse, relabel it with the most plausible charset instead.

// `(?:3D)?`: inside a quoted-printable HTML part, `charset=iso-8859-1` reads `charset=3Diso-8859-1`.
const CHARSET_PARAM = /(charset\s*=(?:3D)?\s*"?)([^"\s;,()=]+)/gi;
const ENCODED_WORD = /(=\?)([^?*\s]+)((?:\*[^?]*)?\?[bq]\?)/gi;

function replaceUnknownCharsets(raw: Buffer, problems: string[]): { prepared: Buffer; latin1: string } {
  const latin1 = raw.toString("latin1");
  const unknown = new Set<string>();
  for (const pattern of [CHARSET_PARAM, ENCODED_WORD]) {
    for (const match of latin1.matchAll(pattern)) {
      const label = match[2] ?? "";
      if (!isKnownCharset(label)) unknown.add(label);
    }
  }
  if (unknown.size === 0) return { prepared: raw, latin1 };
  for (const label of unknown) problems.push(`unknown charset ${safeToken(label)}`);
  const substitute = looksLikeUtf8(raw) ? "utf-8" : "windows-1252";
  const relabel = (prefix: string, label: string, suffix = "") =>
    unknown.has(label) ? `${prefix}${substitute}${suffix}` : `${prefix}${label}${suffix}`;
  const relabelled = latin1
    .replace(CHARSET_PARAM, (_, prefix: string, label: string) => relabel(prefix, label))
    .replace(ENCODED_WORD, (_, prefix: string, label: string, suffix: string) =>
      relabel(prefix, label, suffix),
    );
  return { prepared: Buffer.from(relabelled, "latin1"), latin1: relabelled };
}

const knownCharsets = new Map<string, boolean>();

function isKnownCharset(label: string): boolean {
  const key = label.toLowerCase().replace(/^["']|["']$/g, "");
  const cached = knownCharsets.get(key);
  if (cached !== undefined) return cached;
  const candidates = [
    key,
    key.replace(/^win(?:dows)?[-_]?(\d+)$/, "windows-$1"),
    key.replace(/^iso[-_]?8859[-_]?(\d+)$/, "iso-8859-$1"),
    key.replace(/^utf[-_]?8$/, "utf-8"),
    key.replace(/^cp[-_]?(125\d)$/, "windows-$1"),
  ];
  const known = candidates.some((candidate) => {
    try {
      new TextDecoder(candidate);
      return true;
    } catch {
      return false;
    }
  });
  if (knownCharsets.size < 1000) knownCharsets.set(key, known);
  return known;
}

function looksLikeUtf8(raw: Buffer): boolean {
  if (!raw.some((byte) => byte >= 0x80)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(raw);
    return true;
  } catch {
    return false;
  }
}

// Something from the message that ends up in `problems`: a short token, nothing else.
function safeToken(value: string): string {
  return value.replace(/[^A-Za-z0-9._:+-]/g, "?").slice(0, 40);
}

// ---------------------------------------------------------------------------------------------------------
// HTML → text through mailparser's own converter (it converts a root text/html part).

async function htmlToText(html: string, problems: string[]): Promise<string> {
  try {
    const wrapped = Buffer.concat([
      Buffer.from("Content-Type: text/html; charset=utf-8\r\n\r\n", "latin1"),
      Buffer.from(html, "utf8"),
    ]);
    const converted = await simpleParser(wrapped, PARSER_OPTIONS);
    if (converted.textConversionError) problems.push("HTML could not be converted to text");
    return converted.text ?? "";
  } catch {
    problems.push("HTML could not be converted to text");
    return "";
  }
}

// ---------------------------------------------------------------------------------------------------------
// Attachments

const EXTENSIONS: Record<string, string> = {
  "application/pdf": "pdf",
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/gif": "gif",
  "message/rfc822": "eml",
  "text/plain": "txt",
  "text/html": "html",
  "application/ms-tnef": "dat",
  "text/rfc822-headers": "txt",
  "message/delivery-status": "txt",
  "message/disposition-notification": "txt",
};

// type "/" subtype, RFC 6838 restricted names: what S3 and HTTP accept as a Content-Type header.
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

function toInboundAttachment(attachment: Attachment, index: number, capBytes: number): InboundAttachment {
  const declared = typeOf(attachment);
  // Issue 15: `application/p\x18df` once made the S3 upload throw; a bad type is replaced, never fatal.
  const sanitisedType = declared !== "" && !MIME_TYPE.test(declared);
  const contentType = declared === "" || sanitisedType ? "application/octet-stream" : declared;
  const size = attachment.size ?? attachment.content.length;
  const oversized = size > capBytes;
  const result: InboundAttachment = {
    filename:
      sanitiseFilename(attachment.filename) ?? `attachment-${index + 1}.${EXTENSIONS[contentType] ?? "bin"}`,
    contentType,
    size,
    inline:
      attachment.related === true || (attachment.contentDisposition === "inline" && Boolean(attachment.cid)),
    oversized,
    content: oversized ? Buffer.alloc(0) : attachment.content,
  };
  if (attachment.cid) result.contentId = cleanLine(attachment.cid).slice(0, 500);
  if (sanitisedType) result.sanitisedType = true;
  return result;
}

function sanitiseFilename(filename: string | undefined): string | undefined {
  if (!filename) return undefined;
  const base = filename.split(/[/\\]/).pop() ?? "";
  const clean = base
    .replace(CONTROL_CHARACTERS, "")
    .replace(/^[.\s]+/, "")
    .trim()
    .slice(0, 200);
  return clean === "" ? undefined : clean;
}

// A forwarded message sent as an .eml attachment: its text is appended, so the complaint is readable in the case.
async function describeForwardedAttachments(
  attachments: Attachment[],
  options: ParseInboundOptions,
  depth: number,
  problems: string[],
): Promise<string[]> {
  if (depth >= MAX_FORWARD_DEPTH) return [];
  const parts: string[] = [];
  for (const attachment of attachments) {
    if (typeOf(attachment) !== "message/rfc822") continue;
    const inner = await parseAt(attachment.content, options, depth + 1);
    if (inner.unreadable) problems.push("forwarded message unreadable");
    const meta = [
      inner.from.address
        ? `From: ${inner.from.name ? `${inner.from.name} ` : ""}<${inner.from.address}>`
        : null,
      inner.subject ? `Subject: ${inner.subject}` : null,
      inner.date ? `Date: ${inner.date}` : null,
    ].filter((line): line is string => line !== null);
    parts.push([...meta, "", inner.text].join("\n").trim());
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------------------
// Headers

function structuredHeader(
  value: HeaderValue | undefined,
): { value: string; params: Record<string, string> } | null {
  const first = Array.isArray(value) ? value[0] : value;
  if (!first || typeof first !== "object" || first instanceof Date) return null;
  const { value: main, params } = first as { value?: unknown; params?: unknown };
  if (typeof main !== "string" || typeof params !== "object" || params === null) return null;
  const strings = Object.entries(params).filter(
    (entry): entry is [string, string] => typeof entry[1] === "string",
  );
  return { value: main.toLowerCase(), params: Object.fromEntries(strings) };
}

function headerText(mail: ParsedMail, key: string): string | undefined {
  const value = mail.headers.get(key);
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === "string") return first;
  if (first instanceof Date) return first.toISOString();
  if (first && typeof first === "object") {
    if ("text" in first && typeof first.text === "string") return first.text;
    if ("value" in first && typeof first.value === "string") return first.value;
  }
  return undefined;
}

function rawHeader(mail: ParsedMail, key: string): string | undefined {
  const line = mail.headerLines.find((header) => header.key === key)?.line;
  if (line === undefined) return undefined;
  return line
    .slice(line.indexOf(":") + 1)
    .replace(/\r?\n[ \t]+/g, " ")
    .trim();
}

// What SES can send to: an ASCII local part (no SMTPUTF8) at an ASCII (punycode) domain with a dot.
const ASCII_EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/**
 * An address we can write to, or null: trimmed, an internationalised domain converted to punycode
 * (`exämple.org` → `xn--exmple-cua.org`), a local part that SES can send to (ASCII).
 */
export function normaliseAddress(value: string): string | null {
  const text = value.trim().replace(/^<|>$/g, "");
  const at = text.lastIndexOf("@");
  if (at < 1 || at === text.length - 1) return null;
  const local = text.slice(0, at);
  const domain = domainToASCII(
    text
      .slice(at + 1)
      .toLowerCase()
      .replace(/\.$/, ""),
  );
  if (domain === "") return null;
  const address = `${local}@${domain}`;
  if (!ASCII_EMAIL.test(address) || local.startsWith(".") || local.endsWith(".") || local.includes(".."))
    return null;
  return address;
}

interface FoundAddress {
  address: string | null;
  name: string | null;
  /** Found only after decoding (an encoded-word holding name and address) or converting an IDN domain. */
  recovered: boolean;
}

function firstAddress(header: AddressObject | undefined): FoundAddress {
  const entries = (header?.value ?? []).flatMap((entry) => (entry.group ? entry.group : [entry]));
  const candidates: FoundAddress[] = [];
  for (const entry of entries) {
    const declared = entry.address?.trim() ?? "";
    const name = cleanLine(entry.name ?? "");
    if (declared !== "") {
      const address = normaliseAddress(declared);
      candidates.push({ address, name: name || null, recovered: address !== null && address !== declared });
      continue;
    }
    // Issue 15: one RFC 2047 encoded-word wrapping both name and address (Python's compat32 writes this for a
    // non-ASCII name) decodes into a "name" holding `Name <address>`: parse the decoded text again.
    for (const inner of reparse(name)) {
      const address = normaliseAddress(inner.address);
      if (address) candidates.push({ address, name: cleanLine(inner.name) || null, recovered: true });
    }
    if (name !== "") candidates.push({ address: null, name, recovered: false });
  }
  const found = candidates.find((c) => c.address !== null) ?? candidates[0];
  return found ?? { address: null, name: null, recovered: false };
}

function reparse(text: string): Array<{ address: string; name: string }> {
  if (!text.includes("@")) return [];
  try {
    return addressparser(text.slice(0, 2000), { flatten: true }).filter(
      (entry): entry is { address: string; name: string } => typeof entry.address === "string",
    );
  } catch {
    return [];
  }
}

/**
 * A fingerprint of what the sender wrote (issue 15): the originator headers and the body, not the trace
 * headers each hop or SES adds (Received, Return-Path, X-SES-…, Authentication-Results), so that the same
 * message delivered twice has the same fingerprint and a forged Message-ID on other content does not.
 */
export function contentFingerprint(raw: Buffer | Uint8Array): string {
  const bytes = toBuffer(raw);
  const latin1 = bytes.toString("latin1");
  const separator = /\r?\n\r?\n/.exec(latin1);
  const headerBlock = separator ? latin1.slice(0, separator.index) : latin1;
  const body = separator ? bytes.subarray(separator.index + separator[0].length) : Buffer.alloc(0);
  const kept = unfoldHeaderLines(headerBlock)
    .map((line) => /^([!-9;-~]+):\s*(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && FINGERPRINT_HEADERS.has((m[1] ?? "").toLowerCase()))
    .map((m) => `${(m[1] ?? "").toLowerCase()}:${(m[2] ?? "").replace(/\s+/g, " ").trim()}`);
  const hash = createHash("sha256");
  hash.update(kept.join("\n"));
  hash.update("\n\n");
  // Line endings differ between SMTP (CRLF) and an HTTP upload of the same file (often LF).
  hash.update(body.toString("latin1").replace(/\r\n/g, "\n").replace(/\s+$/, ""), "latin1");
  return hash.digest("hex");
}

const FINGERPRINT_HEADERS = new Set([
  "from",
  "sender",
  "reply-to",
  "to",
  "cc",
  "subject",
  "date",
  "message-id",
  "in-reply-to",
  "references",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
]);

// mailparser replaces an unparseable Date with the current time; the raw header is read instead.
function parseDateHeader(mail: ParsedMail, problems: string[]): string | null {
  const value = rawHeader(mail, "date");
  if (value === undefined) {
    problems.push("no Date");
    return null;
  }
  const date = new Date(value);
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 1900 || year > 9999) {
    problems.push("invalid Date header");
    return null;
  }
  return date.toISOString();
}

// Single-line values (subject, names): no control characters, so nothing can inject header lines downstream.
function cleanLine(value: string): string {
  return value.replace(CONTROL_CHARACTERS, " ").replace(/\s+/g, " ").trim();
}

function cleanText(value: string): string {
  return value
    .replace(/\r\n?/g, "\n")
    .replace(TEXT_CONTROL_CHARACTERS, "")
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, " ").slice(0, 120);
}

// ---------------------------------------------------------------------------------------------------------
// Noise: never acknowledged and never a case, to avoid mail loops (RFC 3834).

const AUTO_REPLY_SUBJECT =
  /^\s*(?:réponse automatique|reponse automatique|automatic reply|auto(?:matic)?[- ]?reply|autoreply|out of (?:the )?office|absen(?:ce|t|te)(?: du bureau)?|abwesen(?:d|heit)|respuesta automática)\b[^:]{0,40}:/i;
const BOUNCE_SUBJECT =
  /^\s*(?:delivery status notification|undeliverable|undelivered mail|mail delivery (?:failed|failure|subsystem)|returned mail|failure notice|delivery failure|non remis|non distribuable|échec de (?:la )?remise)/i;
const PRECEDENCE_NOISE = new Set(["bulk", "auto_reply", "list", "junk"]);
const DSN_SUCCESS = new Set(["delivered", "relayed", "expanded"]);

interface NoiseInput {
  from: string | null;
  subject: string;
  text: string;
  intakeAddress: string;
}

function classifyNoise(mail: ParsedMail, input: NoiseInput): Noise | null {
  const header = (key: string) => headerText(mail, key)?.trim().toLowerCase();
  const fromLocal = input.from?.split("@")[0]?.toLowerCase() ?? "";

  const contentType = structuredHeader(mail.headers.get("content-type"));
  if (contentType?.value === "multipart/report") {
    const reportType = contentType.params["report-type"]?.toLowerCase();
    if (reportType === "disposition-notification") {
      return { kind: "delivery-report", reason: "multipart/report: read receipt (MDN)" };
    }
    if (reportType === "delivery-status") {
      const actions = [...input.text.matchAll(/^Action:\s*([a-z]+)/gim)].map((m) =>
        (m[1] ?? "").toLowerCase(),
      );
      if (actions.length > 0 && actions.every((action) => DSN_SUCCESS.has(action))) {
        return {
          kind: "delivery-report",
          reason: "multipart/report: delivery status notification (success)",
        };
      }
      return { kind: "bounce", reason: "multipart/report: delivery status notification" };
    }
    return {
      kind: "delivery-report",
      reason: `multipart/report (${safeToken(reportType ?? "no report-type")})`,
    };
  }
  if (header("x-failed-recipients") !== undefined)
    return { kind: "bounce", reason: "X-Failed-Recipients header" };
  if (fromLocal === "mailer-daemon" || fromLocal === "postmaster") {
    return { kind: "bounce", reason: `From ${fromLocal}@` };
  }

  const autoSubmitted = header("auto-submitted")?.split(";")[0]?.trim();
  if (autoSubmitted !== undefined && autoSubmitted !== "no") {
    return { kind: "auto-reply", reason: `Auto-Submitted: ${safeToken(autoSubmitted)}` };
  }
  if (mail.headers.has("x-autoreply")) return { kind: "auto-reply", reason: "X-Autoreply header" };
  if (mail.headers.has("x-autorespond")) return { kind: "auto-reply", reason: "X-Autorespond header" };
  const precedence = header("precedence");
  if (precedence !== undefined && PRECEDENCE_NOISE.has(precedence)) {
    return { kind: "auto-reply", reason: `Precedence: ${precedence}` };
  }

  const intake = input.intakeAddress.trim().toLowerCase();
  if (input.from !== null && input.from.toLowerCase() === intake) {
    return { kind: "auto-reply", reason: "mail loop: From is the intake address" };
  }
  if (intake !== "" && header("x-loop")?.includes(intake)) {
    return { kind: "auto-reply", reason: "mail loop: X-Loop names the intake address" };
  }

  // A subject alone proves nothing ("Absence de distribution à Kati" is a complaint): only with a header
  // that automated senders set.
  const automatedHint =
    mail.headers.has("x-auto-response-suppress") ||
    mail.headers.has("x-ms-exchange-inbox-rules-loop") ||
    mail.headers.has("x-ms-exchange-generated-message-source") ||
    rawHeader(mail, "return-path") === "<>" ||
    /^(?:no-?reply|do-?not-?reply|ne-?pas-?repondre)$/.test(fromLocal);
  if (automatedHint && AUTO_REPLY_SUBJECT.test(input.subject)) {
    return { kind: "auto-reply", reason: "auto-reply subject with automated-sender headers" };
  }
  if (automatedHint && BOUNCE_SUBJECT.test(input.subject)) {
    return { kind: "bounce", reason: "bounce subject with automated-sender headers" };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Forwarding: a staff member or a representative passing a complaint on (H-A1).

const FORWARD_MARKER =
  /^[ \t>]*(?:-{2,}[ \t]*(?:forwarded message|message transféré|message transmis|message réexpédié)[ \t]*-*|begin forwarded message:|début du message réexpédié[ \t]*:)/im;
const ORIGINAL_MARKER =
  /^[ \t>]*(?:-{2,}[ \t]*(?:original message|message d['’]origine)[ \t]*-{2,}|(?:de|from)[ \t]*:.*\n[ \t>]*(?:envoyé|sent)[ \t]*:)/im;
const FORWARD_SUBJECT = /^\s*(?:(?:re|aw|réf)\s*:\s*)*(?:fwd?|tr|wg)\s*:/i;

function isForwarded(mail: ParsedMail, subject: string, text: string, latin1: string): boolean {
  if (mail.attachments.some((attachment) => typeOf(attachment) === "message/rfc822")) return true;
  // An inline message/rfc822 part is expanded into the text by mailparser: only the raw shows it.
  if (/^content-type:[ \t]*message\/rfc822/im.test(latin1)) return true;
  if (FORWARD_MARKER.test(text)) return true;
  return FORWARD_SUBJECT.test(subject) && ORIGINAL_MARKER.test(text);
}

// ---------------------------------------------------------------------------------------------------------
// Language: a stop-word score on the complainant's own words (quoted replies removed), then Content-Language.

const FRENCH_WORDS = new Set(
  (
    "le la les des est une pour nous je bonjour merci et du de dans que qui pas avec sur vous mon ma mes " +
    "ai sont été cette ce au aux madame monsieur plainte nos votre notre"
  ).split(" "),
);
const ENGLISH_WORDS = new Set(
  (
    "the and is are to hello thanks please of in that this with for my we you not have was dear regards " +
    "thank would it complaint our your been"
  ).split(" "),
);

export function detectLanguage(
  text: string,
  contentLanguage: string | undefined,
  fallback: Language,
): Language {
  const own = text
    .slice(0, LANGUAGE_SAMPLE_CHARS)
    .split(
      /^(?:le .{0,200} a écrit ?:|on .{0,200} wrote:|_{10,}|-{2,} ?(?:original message|message d['’]origine))/im,
    )[0]
    ?.split("\n")
    .filter((line) => !line.trimStart().startsWith(">"))
    .join("\n")
    .toLowerCase();
  let fr = 0;
  let en = 0;
  for (const word of own?.split(/[^\p{L}]+/u) ?? []) {
    if (FRENCH_WORDS.has(word)) fr++;
    else if (ENGLISH_WORDS.has(word)) en++;
  }
  if (fr + en >= 2) {
    if (fr >= 2 * en && fr > en) return "fr";
    if (en >= 2 * fr && en > fr) return "en";
  }
  const declared = contentLanguage?.trim().toLowerCase().slice(0, 2);
  if (declared === "fr" || declared === "en") return declared;
  return fallback;
}

/** mailparser can leave a non-string content type on a mangled part (found by the property test). */
function typeOf(attachment: { contentType?: unknown }): string {
  return typeof attachment.contentType === "string" ? attachment.contentType.toLowerCase() : "";
}
