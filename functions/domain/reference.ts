// Case references: CFM-YYYY-NNNNNN, written here only (pure: used by intake, the store, the API and emails) (year of receipt, then a 6-digit sequence number, zero-padded).
// The acknowledgement puts the reference in its subject as "[CFM-YYYY-NNNNNN]", so a reply
// ("Re: RE: TR: [CFM-2026-000123] …") carries it back and is added to that case, not opened as a new one.

import { InvalidReferenceError } from "../errors.ts";
import { REFERENCE_PATTERN, REFERENCE_SEARCH_SOURCE } from "./vocabulary.ts";

/** The format is defined once, in the vocabulary (anchored, no flags: safe to share, e.g. in zod `.regex()`). */
export { InvalidReferenceError, REFERENCE_PATTERN };

// Search form: mail clients and people sometimes change the case ("cfm-2026-000123") or drop the brackets.
// Word boundaries so that "CFM-2026-0001234" (7 digits) or "XCFM-…" are not read as a reference.
const SEARCH_SOURCE = REFERENCE_SEARCH_SOURCE;

/** Builds "CFM-2026-000123" from (2026, 123). Throws InvalidReferenceError outside 1000-9999 / 1-999999. */
export function formatReference(year: number, n: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new InvalidReferenceError(`reference year must be a 4-digit integer, got ${year}`);
  }
  if (!Number.isInteger(n) || n < 1 || n > 999_999) {
    throw new InvalidReferenceError(`reference number must be an integer from 1 to 999999, got ${n}`);
  }
  return `CFM-${year}-${String(n).padStart(6, "0")}`;
}

/** The inverse of formatReference; null when the string is not exactly one reference. */
export function parseReference(reference: string): { year: number; n: number } | null {
  if (!REFERENCE_PATTERN.test(reference)) return null;
  const [, year, n] = reference.split("-");
  return { year: Number(year), n: Number(n) };
}

/** Every reference in a subject, upper-cased, de-duplicated, in order of appearance. */
export function extractReferences(subject: string): string[] {
  const found: string[] = [];
  // A fresh global regex per call: a shared one would carry lastIndex between calls.
  for (const match of subject.matchAll(new RegExp(SEARCH_SOURCE, "gi"))) {
    const reference = `CFM-${match[1]}-${match[2]}`;
    if (!found.includes(reference)) found.push(reference);
  }
  return found;
}
