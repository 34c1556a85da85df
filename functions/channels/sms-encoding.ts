// SMS encoding and segments (3GPP TS 23.038 and 23.040). Pure: no AWS, no I/O.
//
// A text made only of the GSM 03.38 default alphabet (plus its extension table, each extension character
// taking two septets: ESC + the character) goes as GSM-7: 160 septets in one SMS, 153 per segment of a
// concatenated SMS (the user data header takes 7). Anything else goes as UCS-2: 70 UTF-16 code units in one
// SMS, 67 per segment. Operators bill per segment, so the catalog texts are made GSM-7 where they can be
// (toGsmFriendly) and the segment count of every message is recorded.

export type SmsEncoding = "GSM-7" | "UCS-2";

/** The GSM 03.38 default alphabet (basic character set), in code order; "\u001b" (ESC) excluded. */
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/** The extension table: each costs two septets (ESC + code). */
const GSM_EXTENSION = "\f^{}\\[~]|€";

const BASIC = new Set(Array.from(GSM_BASIC));
const EXTENSION = new Set(Array.from(GSM_EXTENSION));

export const LIMITS = {
  "GSM-7": { single: 160, segment: 153 },
  "UCS-2": { single: 70, segment: 67 },
} as const satisfies Record<SmsEncoding, { single: number; segment: number }>;

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENSION.has(ch)) return false;
  return true;
}

export function encodingOf(text: string): SmsEncoding {
  return isGsm7(text) ? "GSM-7" : "UCS-2";
}

/** The size of one character in its encoding's units: septets for GSM-7, UTF-16 code units for UCS-2. */
function unitsOf(ch: string, encoding: SmsEncoding): number {
  if (encoding === "UCS-2") return ch.length; // a character outside the BMP is a surrogate pair: 2 units
  return EXTENSION.has(ch) ? 2 : 1;
}

/** The length of a text in its encoding's units (extension characters count 2 in GSM-7). */
export function smsLength(text: string, encoding: SmsEncoding = encodingOf(text)): number {
  let n = 0;
  for (const ch of text) n += unitsOf(ch, encoding);
  return n;
}

export interface SmsSegments {
  encoding: SmsEncoding;
  /** Units of the whole text: septets (GSM-7) or UTF-16 code units (UCS-2). */
  length: number;
  /** The parts as the handset receives them; never an extension pair or a surrogate pair cut in two. */
  segments: string[];
}

/** Splits a text into the segments it is sent as (one segment when it fits in a single SMS). */
export function splitSms(text: string): SmsSegments {
  const encoding = encodingOf(text);
  const length = smsLength(text, encoding);
  const limits = LIMITS[encoding];
  if (length <= limits.single) return { encoding, length, segments: text === "" ? [] : [text] };
  const segments: string[] = [];
  let current = "";
  let used = 0;
  for (const ch of text) {
    const units = unitsOf(ch, encoding);
    if (used + units > limits.segment) {
      segments.push(current);
      current = "";
      used = 0;
    }
    current += ch;
    used += units;
  }
  if (current !== "") segments.push(current);
  return { encoding, length, segments };
}

export function segmentCount(text: string): number {
  return splitSms(text).segments.length;
}

// Letters French (and English) texts use that the GSM alphabet lacks, with the GSM letter that reads the
// same. Only applied to whole texts that become GSM-7 by it: a single Arabic or Bambara letter (ɛ, ɔ, ŋ)
// keeps the text in UCS-2, unchanged.
const GSM_FRIENDLY: Readonly<Record<string, string>> = {
  â: "a",
  á: "a",
  ã: "a",
  ç: "c",
  ê: "e",
  ë: "e",
  î: "i",
  ï: "i",
  í: "i",
  ô: "o",
  ó: "o",
  õ: "o",
  û: "u",
  ú: "u",
  œ: "oe",
  Œ: "OE",
  À: "A",
  Â: "A",
  È: "E",
  Ê: "E",
  Ë: "E",
  Î: "I",
  Ï: "I",
  Ô: "O",
  Ù: "U",
  Û: "U",
  "\u2019": "'",
  "\u2018": "'",
  "«": '"',
  "»": '"',
  "\u201c": '"',
  "\u201d": '"',
  "\u2013": "-",
  "\u2014": "-",
  "\u2026": "...",
  "\u00a0": " ",
  "\u202f": " ",
};

/**
 * The text in GSM-7 when replacing accented letters the GSM alphabet lacks (ê, â, î, ô, û, ç, typographic
 * quotes and spaces) makes it GSM-7; otherwise the text unchanged. A French SMS then costs half as much
 * (the alphabet's only cedilla is the capital Ç, so ç becomes c).
 */
export function toGsmFriendly(text: string): string {
  if (isGsm7(text)) return text;
  let out = "";
  for (const ch of text) out += GSM_FRIENDLY[ch] ?? ch;
  return isGsm7(out) ? out : text;
}
