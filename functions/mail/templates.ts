// Every email of the procedures (H and T in docs/procedures.md), in every language with a catalog (French
// first). The words are in functions/i18n/locales/<language>.json under `mail`; this module picks the
// messages, fills in the values and formats the dates. Pure: no AWS, no clock, no config lookup.
//
// Confidentiality is enforced twice (CONTRACT.md Emails, H-D1, H-D3, T-8, R-10): the data types make the
// complainant's name, the description and the category impossible to pass for a sensitive case, and
// renderEmail strips them at runtime anyway, so a cast or a bad Step Functions payload cannot leak them.
import { type Closure, KINDS, type Kind } from "../domain/complaint.ts";
import { REFERENCE_PATTERN, TASK_STEPS, type TaskStep } from "../domain/vocabulary.ts";
import {
  DEFAULT_LANGUAGE,
  isLanguage,
  type Language,
  type Translator,
  translate,
  translator,
  type Values,
} from "../i18n/i18n.ts";
import { type Block, type EmailDocument, renderHtml, renderText, TemplateDataError } from "./html.ts";

export { escapeHtml, TemplateDataError } from "./html.ts";

export const TEMPLATE_IDS = [
  // to the complainant (or their representative)
  "acknowledgement",
  "written-notice",
  "filing-instructions",
  "contact",
  "progress-update",
  "response",
  "referral",
  "inadmissible",
  "appeal-acknowledgement",
  "appeal-extension",
  "appeal-decision",
  "appeal-refused",
  "closure",
  "answer",
  // to staff
  "task",
  "notification",
  "reminder",
  "escalation",
  "implicated-staff",
  "message-received",
  "needs-attention",
  "triage-copy",
  "closure-pending",
  "appeal-member",
  "explanation-request",
] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

/** The staff steps a task link serves (CONTRACT.md Task pages): the task steps but the complainant's appeal. */
export type Step = Exclude<TaskStep, "appeal">;
export const STEPS: readonly Step[] = TASK_STEPS.filter((step): step is Step => step !== "appeal");

export const OUTCOMES = ["founded", "unfounded", "partly-founded"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const NEEDS_ATTENTION_REASONS = [
  "unreadable",
  "sender-unverified",
  "suspected-spam",
  "attachment-oversized",
  "conflict-of-interest",
  "no-recipient",
  "undeliverable",
  "reminders-exhausted",
  "error",
] as const;
export type NeedsAttentionReason = (typeof NEEDS_ATTENTION_REASONS)[number];

/** An ISO 8601 instant ("2026-12-06T23:30:00Z"); shown as a date in the organisation's time zone. */
export type IsoInstant = string;

interface Common {
  /** CFM-YYYY-NNNNNN */
  reference: string;
  /** The organisation's name (config organisation.name). */
  organisation: string;
  /** The organisation's IANA time zone: every date is shown as a local date there. */
  timeZone: string;
  /** Greeting name. For the complainant, dropped when the case is sensitive. */
  recipientName?: string;
  /** What was filed; words the emails ("your suggestion"). Default: complaint. */
  kind?: Kind;
}

interface ToComplainant extends Common {
  /** A sensitive case: the complainant is greeted without their name (the email may be seen by others). */
  sensitive?: boolean;
}

/**
 * What a staff email may say about the case. Only a non-sensitive case may carry the complainant's name,
 * the description and the category; for a sensitive one the types forbid them and rendering drops them.
 */
export type CaseDetails =
  | { sensitive: false; complainantName?: string; categoryLabel?: string; description?: string }
  | { sensitive: true; complainantName?: never; categoryLabel?: never; description?: never };

type ToStaff = Common & CaseDetails;

/** H-D4, T-11: the appeal link and its deadline travel together. */
export type AppealOffer =
  | { appealUrl: string; appealDeadline: IsoInstant }
  | { appealUrl?: undefined; appealDeadline?: undefined };

/** H-A2, T-2: the acknowledgement. */
export interface AcknowledgementData extends ToComplainant {
  receivedAt: IsoInstant;
  /** The deadline to respond (H-D3, T-5). */
  respondBy: IsoInstant;
  /** H-C3: the date by which the complainant will be contacted. */
  contactBy?: IsoInstant;
}

/** T-2: the written notice. */
export interface WrittenNoticeData extends ToComplainant {
  receivedAt: IsoInstant;
  respondBy: IsoInstant;
  /** "within 45 days": shown with respondBy when given. */
  respondWithinDays?: number;
  workingDays?: boolean;
}

/** T-1: an oral complaint is answered with how to file it in writing. */
export interface FilingInstructionsData extends ToComplainant {
  /** Where to email the written complaint (config organisation.intakeAddress). */
  intakeAddress: string;
  /** Where to post it, one line or several. */
  postalAddress?: string;
  /** When the oral complaint was made. */
  contactedAt?: IsoInstant;
}

/** H-C3: the handler's first contact, with a date for further information. */
export interface ContactData extends ToComplainant {
  nextUpdateBy: IsoInstant;
  handlerName?: string;
  /** The handler's words to the complainant. */
  note?: string;
}

/** H-D3: cases longer than 6 weeks get regular updates. */
export interface ProgressUpdateData extends ToComplainant {
  receivedAt: IsoInstant;
  note?: string;
  nextUpdateBy?: IsoInstant;
}

/**
 * H-D3, T-9: the response. Non-sensitive: the outcome report. Sensitive: only whether the complaint is
 * founded and the procedure that follows (never the measures nor the investigation).
 */
export type ResponseData = Common &
  AppealOffer & {
    /** H-D4: a dissatisfied complainant is offered explanations first, then the appeal (non-sensitive only). */
    explanationsFirst?: boolean;
  } & (
    | {
        sensitive: false;
        outcome: Outcome;
        /** The text for the complainant (the conclusion form's `response`). */
        responseText: string;
        /** T-9: the nature and result of the investigation. */
        investigation?: string;
        /** T-9: corrective actions (the conclusion form's `measures`). */
        measures?: string;
        procedure?: never;
      }
    | {
        sensitive: true;
        outcome: Outcome;
        /** The procedure that follows, in the responsible person's words (no measures, no details). */
        procedure?: string;
        responseText?: never;
        investigation?: never;
        measures?: never;
      }
  );

/** H-C3 (e): referred to the organisation concerned, a mediator or the local authorities. */
export interface ReferralData extends ToComplainant {
  /** The officer's referral note: where to go and how. */
  referralNote: string;
  /** Who the complainant is referred to. */
  referredTo?: string;
}

/** T-4: the written decision of inadmissibility. */
export interface InadmissibleData extends ToComplainant {
  reason: string;
  receivedAt?: IsoInstant;
}

/** H-E2, T-11 */
export interface AppealAcknowledgementData extends ToComplainant {
  receivedAt: IsoInstant;
  decisionBy: IsoInstant;
}

/** T-11: extended once by 1 month. */
export interface AppealExtensionData extends ToComplainant {
  decisionBy: IsoInstant;
  previousDecisionBy?: IsoInstant;
  reason?: string;
}

/** H-F1: final. */
export interface AppealDecisionData extends ToComplainant {
  decision: "upheld" | "revised";
  reasoning: string;
}

/** T-11: only one appeal. */
export interface AppealRefusedData extends ToComplainant {
  /** When the first appeal was decided. */
  appealDecidedAt?: IsoInstant;
}

export interface ClosureData extends ToComplainant {
  closure: Closure;
  /** Closing the loop: the one satisfaction question (functions/public). */
  satisfactionUrl?: string;
}

/**
 * the answer to a suggestion or an information request, or the thanks for positive feedback, which also
 * closes the matter. Never an outcome ("fondée") nor an appeal link: the type has neither.
 */
export interface AnswerData extends ToComplainant {
  /** The answer in the person's words (optional for positive feedback: the thanks stand alone). */
  answerText?: string;
  outcome?: never;
  appealUrl?: never;
}

/** One task link, what to do, by when. */
export type TaskData = ToStaff & { step: Step; taskUrl: string; dueBy: IsoInstant };

/** A deadline passed: the same task link again. */
export type ReminderData = TaskData & { reminderNumber?: number };

/** H-B2: the staff delegate or the finance manager is told of a sensitive case. */
export type NotificationData = ToStaff & {
  /** The recipient's role label, in the email's language ("délégué du personnel"). */
  notifiedAs: string;
  responsibleName?: string;
  step?: Step;
};

/** To the assignee's supervisor or the coordinator. Shows the category at most, never the content. */
export type EscalationData = ToStaff & {
  step: Step;
  /** The assignee's name or address. */
  assignee: string;
  dueBy: IsoInstant;
  daysLate: number;
  remindersSent?: number;
  recipientRole: "supervisor" | "coordinator";
};

/** T-3: a staff member implicated in a complaint is told in writing; never who complained (T-8). */
export type ImplicatedStaffData = Common &
  ({ sensitive: false; categoryLabel?: string } | { sensitive: true; categoryLabel?: never }) & {
    receivedAt: IsoInstant;
    /** Who to ask about the case. */
    contactName?: string;
    complainantName?: never;
    description?: never;
    step?: Step;
  };

/** A complainant's follow-up message was added to the case (timeline `message`). */
export type MessageReceivedData = Common &
  (
    | {
        sensitive: false;
        complainantName?: string;
        categoryLabel?: string;
        description?: never;
        message?: string;
        /** Issue 15: the address of a sender who is neither the complainant nor their representative. */
        sender?: string;
      }
    | {
        sensitive: true;
        complainantName?: never;
        categoryLabel?: never;
        description?: never;
        message?: never;
        sender?: never;
      }
  ) & {
    receivedAt: IsoInstant;
    step?: Step;
    unknownSender?: boolean;
    /**
     * H-E1 (issue 14): the case is answered and may still be appealed: the message may be an appeal, which
     * the recipient records from the case page (an appeal by phone, letter or SMS has no link of its own).
     */
    appealCaseUrl?: string;
  };

/** H-F2: the closure check answered "not yet": the responsible person is told what remains. */
export type ClosurePendingData = ToStaff & {
  /** Who checked (name or address). */
  officerName: string;
  /** What remains to be done (never for a sensitive case). */
  note?: string;
};

/**
 * H-B1: the supervisor the complaints officer triages with. An untriaged case counts as sensitive: the email
 * carries the reference, who triages and by when, and the console link (where the page decides what they read).
 */
export type TriageCopyData = Common & {
  sensitive: true;
  complainantName?: never;
  categoryLabel?: never;
  description?: never;
  /** The triage officer's name. */
  officerName: string;
  dueBy: IsoInstant;
  caseUrl: string;
};

/**
 * H-E2: the member the appeal officer assigned to handle an appeal and keep the complainant and parties
 * informed: when assigned, and (`reminder`) each time the appeal decision is overdue. No detail of the case:
 * the console's case page decides what they read.
 */
export type AppealMemberData = Common & {
  sensitive: true;
  complainantName?: never;
  categoryLabel?: never;
  description?: never;
  /** The appeal officer who assigned them (name or address). */
  officerName: string;
  /** The appeal decision's deadline. */
  decisionBy: IsoInstant;
  caseUrl: string;
  reminder?: boolean;
};

/**
 * H-D4: the complainant asks for explanations of the answer before appealing (non-sensitive cases only): to the
 * handler and the responsible person, with the question and the case page.
 */
export type ExplanationRequestData = Common & {
  sensitive: false;
  complainantName?: string;
  question: string;
  /** The end of the appeal window, unchanged by the request. */
  appealDeadline?: IsoInstant;
  caseUrl: string;
};

/** To the coordinator: the case could not proceed automatically. */
export type NeedsAttentionData = ToStaff & {
  reason: NeedsAttentionReason;
  /** A short technical detail, no personal data. */
  detail?: string;
  step?: Step;
  /** Issue 12: the case page in the console, where the fitting action is offered. */
  caseUrl?: string;
};

export type TemplateData = {
  acknowledgement: AcknowledgementData;
  "written-notice": WrittenNoticeData;
  "filing-instructions": FilingInstructionsData;
  contact: ContactData;
  "progress-update": ProgressUpdateData;
  response: ResponseData;
  referral: ReferralData;
  inadmissible: InadmissibleData;
  "appeal-acknowledgement": AppealAcknowledgementData;
  "appeal-extension": AppealExtensionData;
  "appeal-decision": AppealDecisionData;
  "appeal-refused": AppealRefusedData;
  closure: ClosureData;
  answer: AnswerData;
  task: TaskData;
  notification: NotificationData;
  reminder: ReminderData;
  escalation: EscalationData;
  "implicated-staff": ImplicatedStaffData;
  "message-received": MessageReceivedData;
  "needs-attention": NeedsAttentionData;
  "triage-copy": TriageCopyData;
  "closure-pending": ClosurePendingData;
  "appeal-member": AppealMemberData;
  "explanation-request": ExplanationRequestData;
};

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(language: Language, timeZone: string): Intl.DateTimeFormat {
  const key = `${language}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(translate(language, "format.locale"), {
        timeZone,
        weekday: "long",
        day: "numeric",
        month: "long",
        year: "numeric",
      });
    } catch {
      throw new TemplateDataError(`unknown time zone: ${timeZone}`);
    }
    formatters.set(key, f);
  }
  return f;
}

/** "lundi 7 décembre 2026" / "Monday 7 December 2026", the local date in the organisation's zone. */
export function formatDate(iso: IsoInstant, timeZone: string, language: Language): string {
  const date = typeof iso === "string" && /^\d{4}-\d{2}-\d{2}T/.test(iso) ? new Date(iso) : undefined;
  if (!date || Number.isNaN(date.getTime()))
    throw new TemplateDataError(`not an ISO 8601 instant: ${String(iso)}`);
  const parts = formatter(language, timeZone).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const day = part("day");
  // The catalog's ordinal of the first day ("1er" in French), else the number.
  const dayText = day === "1" ? translate(language, "format.firstDay") : day;
  return translate(language, "format.date", {
    weekday: part("weekday"),
    day: dayText,
    month: part("month"),
    year: part("year"),
  });
}

const timeFormatters = new Map<string, Intl.DateTimeFormat>();
/**
 * "mardi 1er décembre 2026 à 16 h 58 (heure de Bamako)" / "Tuesday 1 December 2026 at 16:58 (Bamako time)":
 * a deadline with its hour, in the organisation's zone named by its city (what "UTC+0" never told an officer).
 */
export function formatDateTime(iso: IsoInstant, timeZone: string, language: Language): string {
  const date = formatDate(iso, timeZone, language);
  const key = `${language}|${timeZone}`;
  let f = timeFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    timeFormatters.set(key, f);
  }
  const parts = f.formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const place = (timeZone.split("/").at(-1) ?? timeZone).replaceAll("_", " ");
  const hour = String(Number(part("hour"))); // "8 h 05", not "08 h 05"
  return translate(language, "format.dateTime", { date, hour, minute: part("minute"), place });
}

/** Complainant-supplied text shown to staff: links are defanged so a complaint cannot smuggle one in. */
const defang = (text: string) => text.replace(/\b(h)tt(ps?):\/\//gi, "$1xx$2://");
/** A long text shown in an email, cut with a pointer to the case file. */
function excerpt(text: string, max = 1500): string {
  const chars = Array.from(text.trim());
  return chars.length > max ? `${chars.slice(0, max).join("").trimEnd()}…` : chars.join("");
}
const present = (s: string | undefined): s is string => typeof s === "string" && s.trim() !== "";

/** What a template needs to word its email: the messages of one language, with the case's values bound. */
interface Ctx {
  language: Language;
  /** A date for humans in the organisation's zone and this language. */
  date: (iso: IsoInstant) => string;
  /**
   * The message `mail.<key>`, interpolated with the case's values ({{ref}}: "[CFM-2026-000001]", the subject
   * tag of CONTRACT.md Emails; {{noun.your|the|ofThe}}: how this language names what was filed) and `values`.
   */
  t: (key: string, values?: Values) => string;
  /** A label of the shared vocabulary (catalog `labels`), in this language. */
  label: Translator;
}

interface Content {
  subject: string;
  blocks: Block[];
  preheader?: string;
}

interface Template<D> {
  audience: "complainant" | "staff";
  content: (data: D, ctx: Ctx) => Content;
}

const p = (text: string): Block => ({ type: "paragraph", text });
const h = (text: string): Block => ({ type: "heading", text });
const quote = (text: string): Block => {
  // Required person-written text (a response, a reason) missing from a runtime payload.
  if (typeof text !== "string") throw new TemplateDataError("a required text field is missing");
  return { type: "quote", text };
};
const list = (...items: Array<string | false | undefined>): Block => ({
  type: "list",
  items: items.filter((i): i is string => typeof i === "string"),
});
const facts = (...rows: Array<readonly [string, string] | false | undefined>): Block => ({
  type: "facts",
  rows: rows.filter((r): r is readonly [string, string] => Array.isArray(r)),
});
const button = (label: string, url: string): Block => ({ type: "button", label, url });
/** A template's blocks, some included conditionally (`present(x) && p(...)`), some in groups. */
type Part = Block | false | undefined | readonly Part[];
const blocks = (...parts: Part[]): Block[] =>
  parts.flatMap((part): Block[] => {
    if (part === false || part === undefined) return [];
    return Array.isArray(part) ? blocks(...part) : [part as Block];
  });

/** "3 jours" / "3 days", by the language's plural rules (fr: 0 and 1 are singular). */
const days = (c: Ctx, count: number) => c.t("days", { count });

/** H-D4, T-10, T-11: the appeal paragraph of a response. */
function appealBlocks(d: AppealOffer, c: Ctx): Block[] {
  if (!present(d.appealUrl) || !present(d.appealDeadline)) return [];
  return [
    h(c.t("appeal.heading")),
    p(c.t("appeal.until", { appealDeadline: c.date(d.appealDeadline) })),
    button(c.t("appeal.button"), d.appealUrl),
    p(c.t("appeal.otherwise")),
  ];
}

/**
 * H-D4: a complainant who is not satisfied asks for explanations first (the link's page offers that choice, or
 * a reply to the email); if still not satisfied, appeals through the same link until the window ends.
 */
function explanationsThenAppeal(d: AppealOffer, c: Ctx): Block[] {
  if (!present(d.appealUrl) || !present(d.appealDeadline)) return [];
  return [
    h(c.t("explanations.heading")),
    p(c.t("explanations.first")),
    button(c.t("explanations.button"), d.appealUrl),
    p(c.t("explanations.thenAppeal", { appealDeadline: c.date(d.appealDeadline) })),
    p(c.t("appeal.otherwise")),
  ];
}

/** The shared label of a staff step, lower case as emails name it ("tri", "décision sur l'appel"). */
const stepLabel = (c: Ctx, step: Step) => c.label(`taskStep.${step}`).toLocaleLowerCase(c.language);

/** Staff: the action of a step ("trier la plainte [CFM-…]"). */
const action = (c: Ctx, step: Step) => c.t(`action.${step}`);

/** Staff: what to do on the task page. H-B1, T-4, T-5 (triage); H-C1, H-C2; H-C3; H-D3; H-D1, T-9; H-E2, T-11; H-F2. */
const instructions = (c: Ctx, step: Step, sensitive: boolean) =>
  c.t(step === "conclusion" && sensitive ? "instructions.conclusionSensitive" : `instructions.${step}`);

/** The case details a staff email may show: non-sensitive cases only, user text defanged and cut. */
function detailBlocks(d: CaseDetails, c: Ctx, show: { description: boolean }): Block[] {
  if (d.sensitive !== false) return [p(c.t("details.confidential"))];
  const rows = facts(
    present(d.categoryLabel) && [c.t("fact.category"), d.categoryLabel],
    present(d.complainantName) && [c.t("fact.complainant"), defang(d.complainantName)],
  );
  return blocks(
    rows.type === "facts" && rows.rows.length > 0 && rows,
    show.description &&
      present(d.description) && [h(c.t("heading.description")), quote(excerpt(defang(d.description)))],
  );
}

// ---------------------------------------------------------------------------------------------------------
// The templates: which messages, in which order, under which conditions. The words are in the catalogs
// (functions/i18n/locales/<language>.json, under `mail`).

const acknowledgement: Template<AcknowledgementData> = {
  audience: "complainant",
  content: (d, c) => {
    const receivedAt = c.date(d.receivedAt);
    const respondBy = c.date(d.respondBy);
    return {
      subject: c.t("acknowledgement.subject"),
      blocks: [
        p(c.t("acknowledgement.intro", { receivedAt })),
        facts(
          [c.t("fact.reference"), d.reference],
          [c.t("fact.received"), receivedAt],
          [c.t("fact.answerBy"), respondBy],
        ),
        h(c.t("acknowledgement.next")),
        list(
          c.t("acknowledgement.examine"),
          present(d.contactBy) && c.t("acknowledgement.contactBy", { contactBy: c.date(d.contactBy) }),
          c.t("acknowledgement.answerBy", { respondBy }),
          c.t("acknowledgement.confidential"),
        ),
      ],
    };
  },
};

const writtenNotice: Template<WrittenNoticeData> = {
  audience: "complainant",
  content: (d, c) => {
    const receivedAt = c.date(d.receivedAt);
    const respondBy = c.date(d.respondBy);
    const commit =
      d.respondWithinDays === undefined
        ? c.t("writtenNotice.commit", { respondBy })
        : c.t(d.workingDays ? "writtenNotice.commitWithinWorking" : "writtenNotice.commitWithin", {
            count: d.respondWithinDays,
            respondBy,
          });
    return {
      subject: c.t("writtenNotice.subject"),
      blocks: [
        p(c.t("writtenNotice.confirm", { receivedAt })),
        p(commit),
        facts(
          [c.t("fact.reference"), d.reference],
          [c.t("fact.received"), receivedAt],
          [c.t("fact.handledBy"), respondBy],
        ),
      ],
    };
  },
};

const filingInstructions: Template<FilingInstructionsData> = {
  audience: "complainant",
  content: (d, c) => ({
    subject: c.t("filingInstructions.subject"),
    blocks: blocks(
      p(
        present(d.contactedAt)
          ? c.t("filingInstructions.thanksOn", { contactedAt: c.date(d.contactedAt) })
          : c.t("filingInstructions.thanks"),
      ),
      p(c.t("filingInstructions.mustBeWritten")),
      h(c.t("filingInstructions.how")),
      list(
        c.t("filingInstructions.byEmail", { intakeAddress: d.intakeAddress }),
        present(d.postalAddress) && c.t("filingInstructions.byPost", { postalAddress: d.postalAddress }),
      ),
      h(c.t("filingInstructions.what")),
      list(
        c.t("filingInstructions.date"),
        c.t("filingInstructions.identity"),
        c.t("filingInstructions.service"),
        c.t("filingInstructions.facts"),
        c.t("filingInstructions.expectation"),
      ),
    ),
  }),
};

const contact: Template<ContactData> = {
  audience: "complainant",
  content: (d, c) => ({
    subject: c.t("contact.subject"),
    blocks: blocks(
      present(d.handlerName) && p(c.t("contact.handler", { handlerName: d.handlerName })),
      p(c.t("contact.examining")),
      present(d.note) && quote(d.note),
      p(c.t("contact.nextUpdate", { nextUpdateBy: c.date(d.nextUpdateBy) })),
    ),
  }),
};

const progressUpdate: Template<ProgressUpdateData> = {
  audience: "complainant",
  content: (d, c) => ({
    subject: c.t("progressUpdate.subject"),
    blocks: blocks(
      p(c.t("progressUpdate.intro", { receivedAt: c.date(d.receivedAt) })),
      present(d.note) && quote(d.note),
      present(d.nextUpdateBy) &&
        p(c.t("progressUpdate.nextUpdate", { nextUpdateBy: c.date(d.nextUpdateBy) })),
      p(c.t("progressUpdate.patience")),
    ),
  }),
};

const response: Template<ResponseData> = {
  audience: "complainant",
  content: (d, c) => ({
    subject: c.t("response.subject"),
    blocks: blocks(
      p(c.t("response.finished")),
      p(c.t("response.conclusion", { outcome: c.label(`outcome.${d.outcome}`) })),
      d.sensitive
        ? // H-D3: a sensitive case learns only the outcome and the procedure that follows.
          [
            h(c.t("response.next")),
            present(d.procedure)
              ? quote(d.procedure)
              : p(c.t(d.outcome === "unfounded" ? "response.noAction" : "response.procedures")),
            p(c.t("response.noDetails")),
          ]
        : [
            present(d.investigation) && [h(c.t("response.checked")), quote(d.investigation)],
            h(c.t("response.ourResponse")),
            quote(d.responseText),
            present(d.measures) && [h(c.t("response.measures")), quote(d.measures)],
            // H-D4: explanations first, for non-sensitive cases (with the appeal link when there is one).
            !(d.explanationsFirst && present(d.appealUrl)) && p(c.t("response.questions")),
          ],
      d.explanationsFirst && !d.sensitive && present(d.appealUrl)
        ? explanationsThenAppeal(d, c)
        : appealBlocks(d, c),
    ),
  }),
};

const referral: Template<ReferralData> = {
  audience: "complainant",
  content: (d, c) => ({
    subject: c.t("referral.subject"),
    blocks: blocks(
      p(c.t("referral.notOurs")),
      present(d.referredTo) && p(c.t("referral.referredTo", { referredTo: d.referredTo })),
      h(c.t("referral.where")),
      quote(d.referralNote),
      p(c.t("referral.closing")),
    ),
  }),
};

const inadmissible: Template<InadmissibleData> = {
  audience: "complainant",
  content: (d, c) => ({
    subject: c.t("inadmissible.subject"),
    blocks: [
      p(
        present(d.receivedAt)
          ? c.t("inadmissible.decisionOn", { receivedAt: c.date(d.receivedAt) })
          : c.t("inadmissible.decision"),
      ),
      h(c.t("inadmissible.why")),
      quote(d.reason),
      p(c.t("inadmissible.mistake")),
    ],
  }),
};

const appealAcknowledgement: Template<AppealAcknowledgementData> = {
  audience: "complainant",
  content: (d, c) => {
    const receivedAt = c.date(d.receivedAt);
    const decisionBy = c.date(d.decisionBy);
    return {
      subject: c.t("appealAcknowledgement.subject"),
      blocks: [
        p(c.t("appealAcknowledgement.received", { receivedAt })),
        p(c.t("appealAcknowledgement.review")),
        facts(
          [c.t("fact.reference"), d.reference],
          [c.t("fact.appealReceived"), receivedAt],
          [c.t("fact.decisionBy"), decisionBy],
        ),
        p(c.t("appealAcknowledgement.decisionBy", { decisionBy })),
      ],
    };
  },
};

const appealExtension: Template<AppealExtensionData> = {
  audience: "complainant",
  content: (d, c) => ({
    subject: c.t("appealExtension.subject"),
    blocks: blocks(
      p(c.t("appealExtension.longer")),
      present(d.reason) && quote(d.reason),
      p(
        present(d.previousDecisionBy)
          ? c.t("appealExtension.decisionByInstead", {
              decisionBy: c.date(d.decisionBy),
              previousDecisionBy: c.date(d.previousDecisionBy),
            })
          : c.t("appealExtension.decisionBy", { decisionBy: c.date(d.decisionBy) }),
      ),
      p(c.t("appealExtension.once")),
    ),
  }),
};

const appealDecision: Template<AppealDecisionData> = {
  audience: "complainant",
  content: (d, c) => ({
    subject: c.t("appealDecision.subject"),
    blocks: [
      p(c.t(d.decision === "upheld" ? "appealDecision.upheld" : "appealDecision.revised")),
      h(c.t("appealDecision.reasons")),
      quote(d.reasoning),
      p(c.t("appealDecision.final")),
    ],
  }),
};

const appealRefused: Template<AppealRefusedData> = {
  audience: "complainant",
  content: (d, c) => ({
    subject: c.t("appealRefused.subject"),
    blocks: [
      p(c.t("appealRefused.received")),
      p(
        present(d.appealDecidedAt)
          ? c.t("appealRefused.onlyOneOn", { appealDecidedAt: c.date(d.appealDecidedAt) })
          : c.t("appealRefused.onlyOne"),
      ),
    ],
  }),
};

const closure: Template<ClosureData> = {
  audience: "complainant",
  content: (d, c) => ({
    subject: c.t("closure.subject"),
    blocks: [
      p(c.t(`closure.reason.${d.closure}`)),
      p(c.t("closure.closed")),
      ...(d.satisfactionUrl
        ? [p(c.t("closure.satisfaction")), button(c.t("closure.satisfactionButton"), d.satisfactionUrl)]
        : []),
      p(c.t("closure.newComplaint")),
    ],
  }),
};

const answer: Template<AnswerData> = {
  audience: "complainant",
  content: (d, c) => {
    const kind = d.kind === "suggestion" || d.kind === "information-request" ? d.kind : "positive";
    return {
      subject: c.t(`answer.subject.${kind}`),
      blocks: blocks(
        p(c.t(`answer.intro.${kind}`)),
        present(d.answerText) && quote(d.answerText),
        p(c.t("answer.closed")),
        p(c.t("answer.again")),
      ),
    };
  },
};

const task: Template<TaskData> = {
  audience: "staff",
  content: (d, c) => {
    const values = { action: action(c, d.step), dueBy: c.date(d.dueBy) };
    // Issue 14: the progress link is a standing link, not an action due: its email says until when it works
    // (the date its page shows), never "Action requise".
    const standing = d.step === "progress";
    return {
      subject: c.t(standing ? "task.progressSubject" : "task.subject", values),
      blocks: blocks(
        p(c.t(standing ? "task.progressTodo" : "task.todo", values)),
        p(instructions(c, d.step, d.sensitive)),
        button(c.t("task.button"), d.taskUrl),
        detailBlocks(d, c, { description: true }),
      ),
    };
  },
};

const reminder: Template<ReminderData> = {
  audience: "staff",
  content: (d, c) => {
    const values = { action: action(c, d.step), dueBy: c.date(d.dueBy) };
    return {
      subject: c.t("reminder.subject", values),
      blocks: blocks(
        p(
          d.reminderNumber
            ? c.t("reminder.introNumbered", { ...values, reminderNumber: d.reminderNumber })
            : c.t("reminder.intro", values),
        ),
        p(instructions(c, d.step, d.sensitive)),
        button(c.t("task.button"), d.taskUrl),
        detailBlocks(d, c, { description: true }),
      ),
    };
  },
};

const escalation: Template<EscalationData> = {
  audience: "staff",
  content: (d, c) => {
    // The first escalation fires at the deadline itself: "0 jours de retard" read as no delay at all.
    const late = d.daysLate < 1 ? c.t("escalation.lessThanADay") : days(c, d.daysLate);
    const step = stepLabel(c, d.step);
    return {
      subject: c.t("escalation.subject", { late }),
      blocks: blocks(
        p(c.t("escalation.late", { step, late })),
        facts(
          [c.t("fact.step"), step],
          [c.t("fact.assignee"), d.assignee],
          [c.t("fact.due"), c.date(d.dueBy)],
          [c.t("fact.lateBy"), late],
          d.remindersSent !== undefined && [c.t("fact.remindersSent"), String(d.remindersSent)],
        ),
        p(
          d.recipientRole === "supervisor"
            ? c.t("escalation.becauseSupervisor", { assignee: d.assignee })
            : c.t("escalation.becauseCoordinator"),
        ),
        p(c.t("escalation.moveForward")),
        d.sensitive === false && present(d.categoryLabel) && facts([c.t("fact.category"), d.categoryLabel]),
        d.sensitive !== false && detailBlocks(d, c, { description: false }),
      ),
    };
  },
};

const notification: Template<NotificationData> = {
  audience: "staff",
  content: (d, c) => ({
    subject: c.t("notification.subject"),
    blocks: blocks(
      p(c.t("notification.flagged", { notifiedAs: d.notifiedAs })),
      present(d.responsibleName) &&
        p(c.t("notification.responsible", { responsibleName: d.responsibleName })),
      p(c.t("notification.act")),
      detailBlocks(d, c, { description: true }),
    ),
  }),
};

const implicatedStaff: Template<ImplicatedStaffData> = {
  audience: "staff",
  content: (d, c) => ({
    subject: c.t("implicatedStaff.subject"),
    blocks: blocks(
      p(c.t("implicatedStaff.inform", { receivedAt: c.date(d.receivedAt) })),
      d.sensitive === false && present(d.categoryLabel) && facts([c.t("fact.category"), d.categoryLabel]),
      p(c.t("implicatedStaff.handled")),
      present(d.contactName) && p(c.t("implicatedStaff.contact", { contactName: d.contactName })),
      p(c.t("implicatedStaff.identity")),
    ),
  }),
};

const messageReceived: Template<MessageReceivedData> = {
  audience: "staff",
  content: (d, c) => ({
    subject: c.t("messageReceived.subject"),
    blocks: blocks(
      p(c.t("messageReceived.added", { receivedAt: c.date(d.receivedAt) })),
      // Issue 15: a message from neither the complainant nor their representative is announced as such.
      d.unknownSender &&
        p(
          d.sender
            ? c.t("messageReceived.unknownSenderNamed", { sender: d.sender })
            : c.t("messageReceived.unknownSender"),
        ),
      d.sensitive === false
        ? [
            detailBlocks(d, c, { description: false }),
            present(d.message) && [h(c.t("heading.message")), quote(excerpt(defang(d.message)))],
          ]
        : p(c.t("messageReceived.confidential")),
      p(c.t("messageReceived.consider")),
      present(d.appealCaseUrl) && [
        p(c.t("messageReceived.appealHint")),
        button(c.t("messageReceived.appealButton"), d.appealCaseUrl),
      ],
    ),
  }),
};

const closurePending: Template<ClosurePendingData> = {
  audience: "staff",
  content: (d, c) => ({
    subject: c.t("closurePending.subject"),
    blocks: blocks(
      p(c.t("closurePending.notYet", { officerName: d.officerName })),
      d.sensitive === false && present(d.note) && [h(c.t("closurePending.remains")), quote(excerpt(d.note))],
      p(c.t("closurePending.act")),
      detailBlocks(d, c, { description: false }),
    ),
  }),
};

const appealMember: Template<AppealMemberData> = {
  audience: "staff",
  content: (d, c) => ({
    subject: c.t(d.reminder ? "appealMember.reminderSubject" : "appealMember.subject"),
    blocks: [
      d.reminder
        ? p(c.t("appealMember.overdue", { decisionBy: c.date(d.decisionBy) }))
        : p(c.t("appealMember.assigned", { officerName: d.officerName, decisionBy: c.date(d.decisionBy) })),
      p(c.t("appealMember.inform")),
      button(c.t("appealMember.button"), d.caseUrl),
    ],
  }),
};

const explanationRequest: Template<ExplanationRequestData> = {
  audience: "staff",
  content: (d, c) => ({
    subject: c.t("explanationRequest.subject"),
    blocks: blocks(
      p(
        present(d.complainantName)
          ? c.t("explanationRequest.askedBy", { complainantName: d.complainantName })
          : c.t("explanationRequest.asked"),
      ),
      h(c.t("explanationRequest.question")),
      quote(excerpt(defang(d.question))),
      p(c.t("explanationRequest.act")),
      present(d.appealDeadline) &&
        p(c.t("explanationRequest.appealStill", { appealDeadline: c.date(d.appealDeadline) })),
      button(c.t("explanationRequest.button"), d.caseUrl),
    ),
  }),
};

const needsAttention: Template<NeedsAttentionData> = {
  audience: "staff",
  content: (d, c) => ({
    subject: c.t("needsAttention.subject"),
    blocks: blocks(
      p(c.t("needsAttention.blocked")),
      p(c.t(`needsAttention.reason.${d.reason}`)),
      facts(
        d.step && [c.t("fact.step"), stepLabel(c, d.step)],
        present(d.detail) && [c.t("fact.detail"), d.detail],
      ),
      p(
        d.reason === "reminders-exhausted" || d.reason === "error"
          ? c.t(`needsAttention.action.${d.reason}`)
          : c.t("needsAttention.check"),
      ),
      present(d.caseUrl) && button(c.t("needsAttention.button"), d.caseUrl),
      d.sensitive === false && present(d.categoryLabel) && facts([c.t("fact.category"), d.categoryLabel]),
      d.sensitive !== false && detailBlocks(d, c, { description: false }),
    ),
  }),
};

const triageCopy: Template<TriageCopyData> = {
  audience: "staff",
  content: (d, c) => ({
    subject: c.t("triageCopy.subject"),
    blocks: [
      p(c.t("triageCopy.with", { officerName: d.officerName, dueBy: c.date(d.dueBy) })),
      p(c.t("triageCopy.untriaged")),
      button(c.t("triageCopy.button"), d.caseUrl),
    ],
  }),
};

const TEMPLATES: { [K in TemplateId]: Template<TemplateData[K]> } = {
  acknowledgement,
  "written-notice": writtenNotice,
  "filing-instructions": filingInstructions,
  contact,
  "progress-update": progressUpdate,
  response,
  referral,
  inadmissible,
  "appeal-acknowledgement": appealAcknowledgement,
  "appeal-extension": appealExtension,
  "appeal-decision": appealDecision,
  "appeal-refused": appealRefused,
  closure,
  answer,
  task,
  notification,
  reminder,
  escalation,
  "implicated-staff": implicatedStaff,
  "message-received": messageReceived,
  "needs-attention": needsAttention,
  "triage-copy": triageCopy,
  "closure-pending": closurePending,
  "appeal-member": appealMember,
  "explanation-request": explanationRequest,
};

/** Who an email goes to: the complainant (or their representative) or a staff member. */
export function audienceOf(id: TemplateId): "complainant" | "staff" {
  return TEMPLATES[id].audience;
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

/** Fields that never appear in an email about a sensitive case, whatever the caller passed. */
const SENSITIVE_FIELDS = [
  "complainantName",
  "description",
  "categoryLabel",
  "message",
  "responseText",
  "investigation",
  "measures",
] as const;

function redact(id: TemplateId, data: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...data };
  // Staff emails and the response treat anything but an explicit `false` as sensitive: the safe side of a
  // bad payload. Other complainant emails carry nothing sensitive but the greeting.
  const strict = TEMPLATES[id].audience === "staff" || id === "response";
  const sensitive = strict ? copy.sensitive !== false : copy.sensitive === true;
  if (id === "implicated-staff") {
    delete copy.complainantName; // T-8
    delete copy.description;
  }
  if (!sensitive) return copy;
  for (const field of SENSITIVE_FIELDS) delete copy[field];
  copy.sensitive = true;
  // To the complainant, recipientName is the complainant's own name.
  if (TEMPLATES[id].audience === "complainant") delete copy.recipientName;
  return copy;
}

function footer(
  audience: "complainant" | "staff",
  c: Ctx,
  data: { reference: string; organisation: string; sensitive?: boolean },
  hasLink: boolean,
): string[] {
  const values = { reference: data.reference, organisation: data.organisation };
  if (audience === "complainant")
    return [c.t("footer.complainantOrganisation", values), c.t("footer.complainantReference", values)];
  const lines = [c.t("footer.staffReference", values), c.t("footer.staffAutomatic", values)];
  if (hasLink) lines.push(c.t("footer.personalLink"));
  else if (data.sensitive) lines.push(c.t("footer.confidential"));
  return lines;
}

/**
 * Renders one email in plain text and HTML, in `language` if it has a catalog, else French (a message
 * missing from a catalog falls back to `organisationLanguage`, then French).
 * Throws TemplateDataError on a malformed reference, date, time zone or link.
 */
export function renderEmail<K extends TemplateId>(
  id: K,
  language: Language,
  data: TemplateData[K],
  organisationLanguage?: Language,
): RenderedEmail {
  const template: Template<TemplateData[K]> = TEMPLATES[id];
  if (!template) throw new TemplateDataError(`unknown email template: ${String(id)}`);
  const lang: Language = isLanguage(language) ? language : DEFAULT_LANGUAGE;
  const safe = redact(id, data as unknown as Record<string, unknown>) as unknown as TemplateData[K] & Common;
  if (typeof safe.reference !== "string" || !REFERENCE_PATTERN.test(safe.reference))
    throw new TemplateDataError(`not a reference CFM-YYYY-NNNNNN: ${String(safe.reference)}`);
  // Fails fast on a missing or unknown zone, even for an email without dates (Intl would use the host's).
  if (typeof safe.timeZone !== "string" || safe.timeZone === "")
    throw new TemplateDataError("timeZone is required (the organisation's IANA time zone)");
  formatter(lang, safe.timeZone);

  const t = translator(lang, organisationLanguage);
  const kind = KINDS.includes(safe.kind as Kind) ? (safe.kind as Kind) : "complaint";
  const noun = {
    your: t(`mail.noun.${kind}.your`),
    the: t(`mail.noun.${kind}.the`),
    ofThe: t(`mail.noun.${kind}.ofThe`),
  };
  const ctx: Ctx = {
    language: lang,
    date: (iso) => formatDate(iso, safe.timeZone, lang),
    t: (key, values) => t(`mail.${key}`, { ref: `[${safe.reference}]`, noun, ...values }),
    label: (key, values) => t(`labels.${key}`, values),
  };
  const content = template.content(safe, ctx);
  const name = present(safe.recipientName) ? safe.recipientName.trim() : undefined;
  const greeting = name === undefined ? ctx.t("greeting") : ctx.t("greetingName", { name });
  const body: Block[] = [p(greeting), ...content.blocks];
  if (template.audience === "complainant")
    body.push(p(ctx.t("signOff", { organisation: safe.organisation })));
  const doc: EmailDocument = {
    language: lang,
    title: content.subject,
    // The inbox preview: the first sentence of the content rather than the greeting.
    preheader: content.preheader ?? content.blocks.find((b) => b.type === "paragraph")?.text,
    header: safe.organisation,
    blocks: body,
    footer: footer(
      template.audience,
      ctx,
      safe as Common & { sensitive?: boolean },
      // A task link is personal (anyone holding it acts); a link to the console asks its reader to sign in.
      body.some((b) => b.type === "button" && !new URL(b.url).pathname.includes("/console/")),
    ),
  };
  // A subject is one line: user strings must not inject headers.
  const subject = content.subject.replace(/[\r\n]+/g, " ").trim();
  return { subject, text: renderText(doc), html: renderHtml(doc) };
}
