// Phone numbers (issue 17). A complainant's number is personal data like an email address: kept in the
// case's content record only, purged with it, never in Step Functions state, logs or staff notifications of a
// sensitive case. Pure: no AWS.
import { z } from "zod";

/** E.164: "+", a country code that does not start with 0, at most 15 digits in all. */
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

/** A number as people write it ("+223 70 12 34 56", "00223-70.12.34.56") in E.164, or null. */
export function normalisePhone(text: string): string | null {
  const trimmed = text.trim();
  if (!/^[+0-9][0-9 ().\-\u00a0]*$/.test(trimmed)) return null;
  let digits = trimmed.replace(/[^\d+]/g, "");
  if (digits.startsWith("00")) digits = `+${digits.slice(2)}`;
  return E164_PATTERN.test(digits) ? digits : null;
}

/** A phone number in E.164 (already normalised, as AWS End User Messaging sends it). */
export const e164 = z.string().regex(E164_PATTERN, "must be a phone number in E.164 form (+22370123456)");

/** A phone number as a person may write it, normalised to E.164. */
export const phoneNumber = z.string().transform((value, ctx) => {
  const normalised = normalisePhone(value);
  if (!normalised) {
    ctx.addIssue({ code: "custom", message: "must be a phone number with its country code (+223…)" });
    return z.NEVER;
  }
  return normalised;
});

/** "+223••••••56": enough for a person to recognise a number, never enough to dial it (pages, not logs). */
export function maskPhone(phone: string): string {
  if (phone.length < 8) return "••••";
  return `${phone.slice(0, 4)}${"•".repeat(phone.length - 6)}${phone.slice(-2)}`;
}
