// The public forms' fields and their validation (zod), with error messages in the page language. Pure: no
// AWS, no I/O. Field names are the contract's (CONTRACT.md "The complainant's web form and follow-up").
import * as z from "zod";
import { KINDS, type Kind, REFERENCE_REGEX } from "../domain/complaint.ts";
import type { OrgConfig, WebField } from "../domain/config.ts";
import { normalisePhone } from "../domain/phone.ts";
import { isLanguage, type Language, type Translator } from "../i18n/i18n.ts";
import { APPEAL_REASON_MIN } from "../tasks/forms.ts";
import { looksLikeReceipt, normaliseReceipt } from "./receipt.ts";

export { APPEAL_REASON_MIN };

/** A POST body larger than this is refused before parsing (413): the form's fields fit well within it. */
export const PUBLIC_BODY_MAX_BYTES = 64 * 1024;

export const LIMITS = {
  description: 10_000,
  descriptionMin: 10,
  name: 200,
  contact: 200,
  representative: 200,
  relation: 200,
  place: 500,
  service: 500,
  personsConcerned: 2000,
  expectations: 5000,
  message: 5000,
  reason: 10_000,
  comment: 2000,
} as const;

/** Every field name /submit accepts, in page order (the error summary follows it). */
export const SUBMIT_FIELDS = [
  "language",
  "kind",
  "description",
  "factsDate",
  "place",
  "service",
  "personsConcerned",
  "expectations",
  "name",
  "contact",
  "anonymous",
  "representative",
  "relation",
  "consent",
  "answer",
] as const;

export type FormBody = Record<string, string>;

export interface Submission {
  kind: Kind;
  language: Language;
  description: string;
  anonymous: boolean;
  consentToShare: boolean;
  name?: string;
  email?: string;
  phone?: string;
  representative?: { name: string; relation?: string };
  factsDate?: string;
  place?: string;
  service?: string;
  personsConcerned?: string;
  expectations?: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

const PHONE = /^\+?[0-9][0-9 ().-]{4,22}[0-9]$/;

/** A phone number (6 to 15 digits, spaces and dashes allowed) or an email address, or neither. */
export function parseContact(input: string): { email: string } | { phone: string } | null {
  const text = input.trim();
  if (text.includes("@")) {
    const email = z.email().safeParse(text);
    return email.success ? { email: email.data.toLowerCase() } : null;
  }
  const digits = text.replace(/\D/g, "");
  if (PHONE.test(text) && digits.length >= 6 && digits.length <= 15)
    return { phone: normalisePhone(text) ?? text.replace(/\s+/g, " ") };
  return null;
}

/** Collapses what a browser may send for one field into one trimmed string (\r\n as \n). */
function field(body: FormBody, name: string): string {
  return (body[name] ?? "").replace(/\r\n?/g, "\n").trim();
}

export function parseSubmission(
  body: FormBody,
  o: { config: OrgConfig; t: Translator; today: string },
): Parsed<Submission> {
  const { t } = o;
  const errors: Record<string, string> = {};
  const asked = new Set<WebField>(o.config.web.fields);
  const text = (name: string, max: number): string | undefined => {
    const value = field(body, name);
    if (value.length > max) errors[name] = t("public.errors.tooLong", { max });
    return value || undefined;
  };

  const kind = field(body, "kind");
  if (!(KINDS as readonly string[]).includes(kind)) errors.kind = t("public.errors.kind");
  const language = field(body, "language");
  const description = field(body, "description");
  if (!description) errors.description = t("public.errors.descriptionMissing");
  else if (description.length < LIMITS.descriptionMin)
    errors.description = t("public.errors.descriptionShort", { min: LIMITS.descriptionMin });
  else if (description.length > LIMITS.description)
    errors.description = t("public.errors.tooLong", { max: LIMITS.description });

  const anonymous = field(body, "anonymous") === "yes";
  const name = text("name", LIMITS.name);
  const contactText = text("contact", LIMITS.contact);
  const contact = contactText ? parseContact(contactText) : null;
  if (contactText && !contact && !errors.contact) errors.contact = t("public.errors.contact");

  const value: Submission = {
    kind: kind as Kind,
    language: isLanguage(language) ? language : (o.config.organisation.languages[0] ?? "fr"),
    description,
    anonymous,
    consentToShare: field(body, "consent") === "yes",
  };
  // "Stay anonymous": the name and the contact are not kept, whatever was typed (the hint says so).
  if (!anonymous) {
    if (name) value.name = name;
    if (contact && "email" in contact) value.email = contact.email;
    if (contact && "phone" in contact) value.phone = contact.phone;
  }
  if (asked.has("representative")) {
    const representative = text("representative", LIMITS.representative);
    const relation = text("relation", LIMITS.relation);
    if (representative) value.representative = { name: representative, ...(relation ? { relation } : {}) };
  }
  if (asked.has("factsDate")) {
    const date = field(body, "factsDate");
    if (date) {
      const valid = z.iso.date().safeParse(date);
      if (!valid.success || date > o.today) errors.factsDate = t("public.errors.factsDate");
      else value.factsDate = date;
    }
  }
  for (const name of ["place", "service", "personsConcerned", "expectations"] as const)
    if (asked.has(name)) {
      const v = text(name, LIMITS[name]);
      if (v) value[name] = v;
    }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value };
}

export function parseFollowUpLogin(
  body: FormBody,
  t: Translator,
): Parsed<{ reference: string; receipt: string }> {
  const errors: Record<string, string> = {};
  const reference = field(body, "reference").toUpperCase().replace(/\s+/g, "");
  const receipt = field(body, "receipt");
  if (!REFERENCE_REGEX.test(reference)) errors.reference = t("public.errors.reference");
  if (!looksLikeReceipt(receipt)) errors.receipt = t("public.errors.receipt");
  return Object.keys(errors).length
    ? { ok: false, errors }
    : { ok: true, value: { reference, receipt: normaliseReceipt(receipt) } };
}

export function parseMessage(body: FormBody, t: Translator): Parsed<{ message: string }> {
  const message = field(body, "message");
  if (!message) return { ok: false, errors: { message: t("public.errors.message") } };
  if (message.length > LIMITS.message)
    return { ok: false, errors: { message: t("public.errors.tooLong", { max: LIMITS.message }) } };
  return { ok: true, value: { message } };
}

/** H-D4: the complainant's question about the answer. */
export function parseQuestion(body: FormBody, t: Translator): Parsed<{ question: string }> {
  const question = field(body, "question");
  if (!question) return { ok: false, errors: { question: t("public.errors.question") } };
  if (question.length > LIMITS.message)
    return { ok: false, errors: { question: t("public.errors.tooLong", { max: LIMITS.message }) } };
  return { ok: true, value: { question } };
}

export function parseAppeal(body: FormBody, t: Translator): Parsed<{ reason: string }> {
  const reason = field(body, "reason");
  if (reason.length < APPEAL_REASON_MIN)
    return { ok: false, errors: { reason: t("public.errors.appealShort", { min: APPEAL_REASON_MIN }) } };
  if (reason.length > LIMITS.reason)
    return { ok: false, errors: { reason: t("public.errors.tooLong", { max: LIMITS.reason }) } };
  return { ok: true, value: { reason } };
}

export function parseSatisfaction(
  body: FormBody,
  t: Translator,
): Parsed<{ score: number; comment?: string }> {
  const score = Number(field(body, "score"));
  const comment = field(body, "comment");
  const errors: Record<string, string> = {};
  if (!Number.isInteger(score) || score < 1 || score > 5) errors.score = t("public.errors.score");
  if (comment.length > LIMITS.comment) errors.comment = t("public.errors.tooLong", { max: LIMITS.comment });
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { score, ...(comment ? { comment } : {}) } };
}
