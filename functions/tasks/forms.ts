// The POST bodies of the task pages (CONTRACT.md "Task pages"): one zod schema per action, built from the
// organisation config where choices come from it. Bodies arrive as application/x-www-form-urlencoded,
// parsed to a record of strings. Unknown fields are ignored and never passed on; every kept string is
// trimmed and capped; error messages are in the page's language (fr, en).
import * as z from "zod";
import { KINDS, SEVERITIES } from "../domain/complaint.ts";
import type { Language, OrgConfig } from "../domain/config.ts";
import { factsTooOld } from "../domain/deadlines.ts";
import {
  APPEAL_DECISIONS,
  ASSIGNMENT_DECISIONS,
  OUTCOMES,
  TASK_STEPS,
  type TaskStep,
} from "../domain/vocabulary.ts";
import { FormBodyTooLargeError } from "../errors.ts";
import { translate, type Values } from "../i18n/i18n.ts";

export { FormBodyTooLargeError };

/** The steps a task link serves (vocabulary.ts). */
export const TASK_ACTIONS = TASK_STEPS;
export type TaskAction = TaskStep;
export { APPEAL_DECISIONS, ASSIGNMENT_DECISIONS, OUTCOMES };

/** The field names each form posts (the hidden `nonce` included), as CONTRACT.md names them. */
export const FORM_FIELDS = {
  triage: [
    "kind",
    "category",
    "severity",
    "admissible",
    "reason",
    "conflict",
    "concerned",
    "factsDate",
    "nonce",
  ],
  assignment: ["decision", "delegate", "courseOfAction", "risks", "nonce"],
  contact: ["contacted", "nextUpdateBy", "note", "nonce"],
  progress: ["note", "nonce"],
  conclusion: ["outcome", "measures", "response", "justification", "nonce"],
  "appeal-decision": ["decision", "member", "reasoning", "nonce"],
  closure: ["confirm", "note", "nonce"],
  appeal: ["request", "reason", "nonce"],
  answer: ["decision", "text", "nonce"],
} as const satisfies Record<TaskAction, readonly string[]>;
export type FormField<A extends TaskAction> = (typeof FORM_FIELDS)[A][number];

/** Caps of the free-text fields, matching the content record (complaint.ts). */
export const TEXT_LIMITS = {
  triage: { reason: 5000 },
  assignment: { courseOfAction: 5000, risks: 5000 },
  contact: { note: 5000 },
  progress: { note: 5000 },
  conclusion: { measures: 10_000, response: 20_000, justification: 5000 },
  "appeal-decision": { reasoning: 10_000 },
  closure: { note: 5000 },
  appeal: { reason: 10_000 },
  answer: { text: 20_000 },
} as const satisfies { [A in TaskAction]: Partial<Record<FormField<A>, number>> };
/** The complainant's appeal must say something (H-E1, T-11). */
export const APPEAL_REASON_MIN = 10;
const NONCE_MAX = 64;
const ADDRESS_MAX = 320;
/** A larger body is refused before parsing (a 20,000-character response percent-encodes to ~180 kB). */
export const MAX_FORM_BODY_LENGTH = 512 * 1024;

// Custom issue messages are codes, translated by `message()`.
type Code =
  | "required"
  | "choice"
  | "invalid"
  | "staff"
  | "reason-inadmissible"
  | "delegate-required"
  | "justification-late"
  | "extension-unavailable"
  | "facts-too-old"
  | "referral-text"
  | "closure-note"
  | "answer-text"
  | "course-of-action"
  | "appeal-member"
  | "explanations-unavailable";

const text = (max: number) => z.string().max(max);
const nonce = z.string().max(NONCE_MAX);
const yes = z.literal("yes").transform(() => true as const);
const optionalYes = z
  .literal("yes")
  .optional()
  .transform((v) => v === "yes");

function staffAddress(config: OrgConfig) {
  const addresses = new Set(config.staff.map((s) => s.address.toLowerCase()));
  return z
    .string()
    .max(ADDRESS_MAX)
    .transform((s) => s.toLowerCase())
    .refine((s) => addresses.has(s), { message: "staff" satisfies Code });
}

// The factories expect the cleaned record parseForm builds (trimmed, blanks removed, strings only):
// handlers call parseForm, not the schemas directly.

/**
 * H-B1 triage, T-4 admissibility (written reason when inadmissible; facts too old cannot be admitted), H-C3 (e)
 * the referral says where to turn, T-7 conflict, H-B3 (d) employee concerned.
 */
export function triageForm(
  config: OrgConfig,
  context: { factsTooOld?: boolean; receivedAt?: string | undefined } = {},
) {
  // T-4: the date of the facts is checked at admissibility (seed 4.3), the date the officer records here
  // (from the complaint's text, e.g. an email that gave none) first, else the one the complainant gave.
  const tooOld = (v: unknown) => {
    const date = (v as { factsDate?: unknown }).factsDate;
    // The refinements run even when a field failed (when: () => true): an unreadable date is that field's error.
    if (typeof date === "string" && !z.iso.date().safeParse(date).success) return false;
    return typeof date === "string" && context.receivedAt
      ? factsTooOld(config, date, context.receivedAt)
      : context.factsTooOld === true;
  };
  const ids = config.categories.map((c) => c.id) as [string, ...string[]];
  const referral = new Set(config.categories.filter((c) => c.outcome === "referral").map((c) => c.id));
  const limits = TEXT_LIMITS.triage;
  // a case the officer reads as a suggestion, an information request or positive feedback leaves for its
  // short path: category, severity and admissibility are asked of complaints only.
  const complaint = (v: unknown) => {
    const kind = (v as { kind?: unknown }).kind;
    return kind === undefined || kind === "complaint";
  };
  const requiredForComplaints = (field: "category" | "severity" | "admissible") =>
    [
      (v: unknown) => !(complaint(v) && absent(v, field)),
      { path: [field] as PropertyKey[], message: "required" satisfies Code, when: () => true },
    ] as const;
  return (
    z
      .object({
        kind: z.enum(KINDS).optional(),
        category: z.enum(ids).optional(),
        severity: z.enum(SEVERITIES).optional(),
        admissible: z.enum(["yes", "no"]).optional(),
        reason: text(limits.reason).optional(),
        conflict: optionalYes,
        concerned: staffAddress(config).optional(),
        factsDate: z.iso.date().optional(),
        nonce,
      })
      .refine(...requiredForComplaints("category"))
      .refine(...requiredForComplaints("severity"))
      .refine(...requiredForComplaints("admissible"))
      .refine((v) => !(isRaw(v, "admissible", "no") && absent(v, "reason")), {
        path: ["reason"],
        message: "reason-inadmissible" satisfies Code,
        when: () => true,
      })
      // T-4: facts older than the maximum age at receipt make the complaint inadmissible.
      .refine((v) => !(isRaw(v, "admissible", "yes") && tooOld(v)), {
        path: ["admissible"],
        message: "facts-too-old" satisfies Code,
        when: () => true,
      })
      // H-C3 (e): a referral tells the complainant where to turn (the organisation, a mediator, the authorities).
      .refine(
        (v) =>
          !(
            typeof (v as { category?: unknown }).category === "string" &&
            referral.has((v as { category: string }).category) &&
            absent(v, "reason")
          ),
        { path: ["reason"], message: "referral-text" satisfies Code, when: () => true },
      )
      .transform((v) => {
        const { admissible, ...rest } = v;
        if (!complaint(v)) {
          // Not a complaint: nothing of a complaint's triage is passed on.
          const {
            category: _c,
            severity: _s,
            conflict: _f,
            concerned: _p,
            factsDate: _d,
            ...shortPath
          } = rest;
          return shortPath;
        }
        return { ...rest, admissible: admissible === "yes" };
      })
  );
}

/**
 * H-C1: the responsible person reviews the case, decides the course of action (required: "décide de la marche à
 * suivre") and identifies the risks (retaliation); H-C2 delegation to the handler.
 */
export function assignmentForm(config: OrgConfig) {
  return z
    .object({
      decision: z.enum(ASSIGNMENT_DECISIONS),
      delegate: staffAddress(config).optional(),
      courseOfAction: text(TEXT_LIMITS.assignment.courseOfAction).optional(),
      risks: text(TEXT_LIMITS.assignment.risks).optional(),
      nonce,
    })
    .refine((v) => !absent(v, "courseOfAction"), {
      path: ["courseOfAction"],
      message: "course-of-action" satisfies Code,
      when: () => true,
    })
    .refine((v) => !(isRaw(v, "decision", "delegate") && absent(v, "delegate")), {
      path: ["delegate"],
      message: "delegate-required" satisfies Code,
      when: () => true,
    })
    .transform(({ delegate, ...rest }) =>
      // An accepted case is not delegated: a stray delegate field is dropped, not passed on.
      rest.decision === "delegate" ? { ...rest, delegate: delegate as string } : rest,
    );
}

/**
 * H-C3: the complainant was contacted, informed of the case, and given a date for further information ("leur
 * donner une date à laquelle des informations supplémentaires leur seront fournies"): that date is required.
 */
export function contactForm() {
  return z.object({
    contacted: yes,
    nextUpdateBy: z.iso.date(),
    note: text(TEXT_LIMITS.contact.note).optional(),
    nonce,
  });
}

/** H-C4: a progress update. */
export function progressForm() {
  return z.object({ note: text(TEXT_LIMITS.progress.note), nonce });
}

/** H-D1/H-D3/T-9 conclusion; T-13: a late response must justify its delay. */
export function conclusionForm(options: { late: boolean }) {
  const limits = TEXT_LIMITS.conclusion;
  return z
    .object({
      outcome: z.enum(OUTCOMES),
      measures: text(limits.measures).optional(),
      response: text(limits.response),
      justification: text(limits.justification).optional(),
      nonce,
    })
    .refine((v) => !(options.late && absent(v, "justification")), {
      path: ["justification"],
      message: "justification-late" satisfies Code,
      when: () => true,
    });
}

/**
 * H-E2/T-11: the appeal decision, with its reasoning; `extend` only while an extension remains. H-E2: `assign`
 * names the member (a staff address) who handles the appeal and keeps the complainant and parties informed; it
 * needs no reasoning and leaves the decision open.
 */
export function appealDecisionForm(config: OrgConfig, options: { extensionAvailable: boolean }) {
  return z
    .object({
      decision: z.enum(APPEAL_DECISIONS),
      member: staffAddress(config).optional(),
      reasoning: text(TEXT_LIMITS["appeal-decision"].reasoning).optional(),
      nonce,
    })
    .refine((v) => !(isRaw(v, "decision", "extend") && !options.extensionAvailable), {
      path: ["decision"],
      message: "extension-unavailable" satisfies Code,
      when: () => true,
    })
    .refine((v) => !(isRaw(v, "decision", "assign") && absent(v, "member")), {
      path: ["member"],
      message: "appeal-member" satisfies Code,
      when: () => true,
    })
    .refine((v) => isRaw(v, "decision", "assign") || !absent(v, "reasoning"), {
      path: ["reasoning"],
      message: "required" satisfies Code,
      when: () => true,
    })
    .transform(({ member, reasoning, ...rest }) =>
      // Only an assignment names a member; only a decision carries the reasoning.
      rest.decision === "assign"
        ? { ...rest, member: member as string }
        : { ...rest, reasoning: reasoning as string },
    );
}

/** The closure check's answers: closed now, or not yet (the appeal procedure is not finished). */
export const CLOSURE_ANSWERS = ["yes", "not-yet"] as const;

/**
 * H-F2: the officer confirms the appeal was completed correctly before closing, or answers "not yet" with what
 * remains to be done (the case stays open, the responsible person is told).
 */
export function closureForm() {
  return z
    .object({
      confirm: z.enum(CLOSURE_ANSWERS),
      note: text(TEXT_LIMITS.closure.note).optional(),
      nonce,
    })
    .refine((v) => !(isRaw(v, "confirm", "not-yet") && absent(v, "note")), {
      path: ["note"],
      message: "closure-note" satisfies Code,
      when: () => true,
    });
}

/**
 * the short path's answer: sent to the person and the case closed, or it is a complaint after all
 * and goes to triage. A suggestion or an information request needs the answer's text; positive feedback may
 * be thanked without one.
 */
export function answerForm(options: { textRequired: boolean }) {
  return z
    .object({
      decision: z.enum(["answer", "complaint"]),
      text: text(TEXT_LIMITS.answer.text).optional(),
      nonce,
    })
    .refine((v) => !(options.textRequired && isRaw(v, "decision", "answer") && absent(v, "text")), {
      path: ["text"],
      message: "answer-text" satisfies Code,
      when: () => true,
    });
}

/** What the complainant asks for through the answer's link: explanations first (H-D4), or the appeal. */
export const APPEAL_REQUESTS = ["explanations", "appeal"] as const;

/**
 * H-E1/T-11: the complainant's written appeal. H-D4: where explanations are offered (procedure
 * `offersExplanations`), `request=explanations` asks for them instead (the reason is then the question); absent,
 * it is an appeal.
 */
export function appealForm(options: { explanations: boolean } = { explanations: false }) {
  return z
    .object({
      request: z.enum(APPEAL_REQUESTS).optional(),
      reason: z.string().min(APPEAL_REASON_MIN).max(TEXT_LIMITS.appeal.reason),
      nonce,
    })
    .refine((v) => !(isRaw(v, "request", "explanations") && !options.explanations), {
      path: ["request"],
      message: "explanations-unavailable" satisfies Code,
      when: () => true,
    })
    .transform(({ request, ...rest }) => (request === "explanations" ? { ...rest, request } : rest));
}

export type TriageValues = z.output<ReturnType<typeof triageForm>>;
export type AssignmentValues = z.output<ReturnType<typeof assignmentForm>>;
export type ContactValues = z.output<ReturnType<typeof contactForm>>;
export type ProgressValues = z.output<ReturnType<typeof progressForm>>;
export type ConclusionValues = z.output<ReturnType<typeof conclusionForm>>;
export type AppealDecisionValues = z.output<ReturnType<typeof appealDecisionForm>>;
export type ClosureValues = z.output<ReturnType<typeof closureForm>>;
export type AppealValues = z.output<ReturnType<typeof appealForm>>;
export type AnswerValues = z.output<ReturnType<typeof answerForm>>;
export interface FormValues {
  triage: TriageValues;
  assignment: AssignmentValues;
  contact: ContactValues;
  progress: ProgressValues;
  conclusion: ConclusionValues;
  "appeal-decision": AppealDecisionValues;
  closure: ClosureValues;
  appeal: AppealValues;
  answer: AnswerValues;
}

export interface FormOptions {
  language: Language;
  config: OrgConfig;
  /** conclusion: the response deadline has passed (T-13). */
  late?: boolean;
  /** triage: the facts are older than the organisation's maximum age at receipt (T-4). */
  factsTooOld?: boolean;
  /** triage: the case's instant of receipt, against which a date of the facts given at triage is checked (T-4). */
  receivedAt?: string;
  /** appeal decision: an extension remains (T-11). */
  extensionAvailable?: boolean;
  /** appeal: the complainant may ask for explanations first (H-D4, procedure.offersExplanations). */
  explanations?: boolean;
  /** answer: the answer needs a text (R-6: a suggestion, an information request; not positive feedback). */
  answerTextRequired?: boolean;
}

export type FormBody = Readonly<Record<string, unknown>>;
export type FormResult<A extends TaskAction> =
  | { ok: true; value: FormValues[A] }
  | { ok: false; errors: Partial<Record<FormField<A>, string>> };

function isRaw(v: unknown, field: string, expected: string): boolean {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[field] === expected;
}
function absent(v: unknown, field: string): boolean {
  return typeof v !== "object" || v === null || (v as Record<string, unknown>)[field] === undefined;
}

function schemaFor(action: TaskAction, options: FormOptions): z.ZodType {
  switch (action) {
    case "triage":
      return triageForm(options.config, {
        factsTooOld: options.factsTooOld ?? false,
        receivedAt: options.receivedAt,
      });
    case "assignment":
      return assignmentForm(options.config);
    case "contact":
      return contactForm();
    case "progress":
      return progressForm();
    case "conclusion":
      return conclusionForm({ late: options.late ?? false });
    case "appeal-decision":
      return appealDecisionForm(options.config, {
        extensionAvailable: options.extensionAvailable ?? false,
      });
    case "closure":
      return closureForm();
    case "appeal":
      return appealForm({ explanations: options.explanations ?? false });
    case "answer":
      return answerForm({ textRequired: options.answerTextRequired ?? true });
  }
}

/** Control characters other than tab and newline never belong in a form value. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** One clean string per known field: CRLF to LF, control characters dropped, trimmed; empty = absent. */
function clean(action: TaskAction, body: FormBody): { fields: Record<string, string>; invalid: string[] } {
  const fields: Record<string, string> = {};
  const invalid: string[] = [];
  for (const name of FORM_FIELDS[action]) {
    const raw = Object.hasOwn(body, name) ? body[name] : undefined;
    if (raw === undefined) continue;
    // A repeated field (parameter pollution) or a non-string is refused, never guessed at.
    if (typeof raw !== "string") {
      invalid.push(name);
      continue;
    }
    const value = raw.replace(/\r\n?/g, "\n").replace(CONTROL, "").trim();
    if (value !== "") fields[name] = value;
  }
  return { fields, invalid };
}

const CODES = [
  "required",
  "choice",
  "invalid",
  "staff",
  "reason-inadmissible",
  "delegate-required",
  "justification-late",
  "extension-unavailable",
  "facts-too-old",
  "referral-text",
  "closure-note",
  "answer-text",
  "course-of-action",
  "appeal-member",
  "explanations-unavailable",
] as const satisfies readonly Code[];

/** A field error in the page language (catalog `pages.form`). */
const errorText = (language: Language, code: Code, values?: Values) =>
  translate(language, `pages.form.error.${code}`, values);

/** Field-specific wording where the generic one would be unclear (checkboxes, the hidden nonce). */
const FIELD_SPECIFIC = new Set(["nonce", "contacted", "confirm", "nextUpdateBy"]);
const fieldText = (language: Language, field: string) =>
  FIELD_SPECIFIC.has(field) ? translate(language, `pages.form.field.${field}`) : undefined;

function message(issue: z.core.$ZodIssue, field: string, language: Language): string {
  const specific = fieldText(language, field);
  switch (issue.code) {
    case "invalid_type":
      return specific ?? errorText(language, "required"); // only strings reach zod: a wrong type is a missing field
    case "invalid_value":
      return specific ?? errorText(language, "choice");
    case "too_big":
      return translate(language, "pages.form.error.tooLong", { max: Number(issue.maximum) });
    case "too_small":
      return translate(language, "pages.form.error.tooShort", { min: Number(issue.minimum) });
    case "custom":
      return (CODES as readonly string[]).includes(issue.message)
        ? errorText(language, issue.message as Code)
        : errorText(language, "invalid");
    default:
      return errorText(language, "invalid");
  }
}

/** Validates a parsed form body for one action. Never throws on hostile input. */
export function parseForm<A extends TaskAction>(
  action: A,
  body: FormBody,
  options: FormOptions,
): FormResult<A> {
  const { fields, invalid } = clean(action, body);
  const result = schemaFor(action, options).safeParse(fields);
  const errors: Record<string, string> = {};
  for (const name of invalid)
    errors[name] = fieldText(options.language, name) ?? errorText(options.language, "invalid");
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = String(issue.path[0] ?? "");
      if (field && !(field in errors)) errors[field] = message(issue, field, options.language);
    }
  }
  if (Object.keys(errors).length > 0)
    return { ok: false, errors: errors as Partial<Record<FormField<A>, string>> };
  return { ok: true, value: (result as { data: FormValues[A] }).data };
}

/**
 * application/x-www-form-urlencoded to a record: a repeated name becomes an array (refused by parseForm).
 * The record has no prototype, so `__proto__` and friends are plain keys.
 */
export function parseFormBody(raw: string): Record<string, string | string[]> {
  if (raw.length > MAX_FORM_BODY_LENGTH) throw new FormBodyTooLargeError("form body too large");
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of new URLSearchParams(raw)) {
    const previous = out[name];
    out[name] =
      previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return out;
}
