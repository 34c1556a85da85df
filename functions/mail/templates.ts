// Every email of the procedures (H and T in docs/procedures.md), in French (the default) and English.
// Pure: no AWS, no clock, no config lookup; the caller passes everything an email shows.
//
// Confidentiality is enforced twice (CONTRACT.md Emails, H-D1, H-D3, T-8, R-10): the data types make the
// complainant's name, the description and the category impossible to pass for a sensitive case, and
// renderEmail strips them at runtime anyway, so a cast or a bad Step Functions payload cannot leak them.
import type { Closure, Kind } from "../domain/complaint.ts";
import type { Language } from "../domain/config.ts";
import { REFERENCE_PATTERN } from "../domain/vocabulary.ts";
import { type Block, colon, type EmailDocument, renderHtml, renderText, TemplateDataError } from "./html.ts";

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
  // to staff
  "task",
  "notification",
  "reminder",
  "escalation",
  "implicated-staff",
  "message-received",
  "needs-attention",
] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

/** The staff steps a task link serves (CONTRACT.md Task pages). */
export const STEPS = [
  "triage",
  "assign",
  "contact",
  "progress",
  "conclusion",
  "appeal-decision",
  "closure",
] as const;
export type Step = (typeof STEPS)[number];

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
  /** What was filed (R-6); words the emails ("your suggestion"). Default: complaint. */
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
  AppealOffer &
  (
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
      }
    | {
        sensitive: true;
        complainantName?: never;
        categoryLabel?: never;
        description?: never;
        message?: never;
      }
  ) & { receivedAt: IsoInstant; step?: Step };

/** To the coordinator: the case could not proceed automatically. */
export type NeedsAttentionData = ToStaff & {
  reason: NeedsAttentionReason;
  /** A short technical detail, no personal data. */
  detail?: string;
  step?: Step;
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
  task: TaskData;
  notification: NotificationData;
  reminder: ReminderData;
  escalation: EscalationData;
  "implicated-staff": ImplicatedStaffData;
  "message-received": MessageReceivedData;
  "needs-attention": NeedsAttentionData;
};

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

/** French typography on the template's own text (never on user strings): non-breaking spaces. */
function fr(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = "";
  strings.forEach((s, i) => {
    out += s.replace(/ ([:;!?»])/g, "\u00a0$1").replace(/« /g, "«\u00a0");
    if (i < values.length) out += String(values[i]);
  });
  return out;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(language: Language, timeZone: string): Intl.DateTimeFormat {
  const key = `${language}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(language === "fr" ? "fr-FR" : "en-GB", {
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
  return `${part("weekday")} ${language === "fr" && day === "1" ? "1er" : day} ${part("month")} ${part("year")}`;
}

/** Complainant-supplied text shown to staff: links are defanged so a complaint cannot smuggle one in. */
const defang = (text: string) => text.replace(/\b(h)tt(ps?):\/\//gi, "$1xx$2://");
/** A long text shown in an email, cut with a pointer to the case file. */
function excerpt(text: string, max = 1500): string {
  const chars = Array.from(text.trim());
  return chars.length > max ? `${chars.slice(0, max).join("").trimEnd()}…` : chars.join("");
}
const present = (s: string | undefined): s is string => typeof s === "string" && s.trim() !== "";
const plural = (n: number, one: string, many: string) => `${n} ${Math.abs(n) === 1 ? one : many}`;

interface Noun {
  /** fr "votre plainte" / en "your complaint" */
  your: string;
  /** fr "la plainte" / en "the complaint" */
  the: string;
  /** fr "de la plainte" (du message) / en "of the complaint" */
  ofThe: string;
}

const NOUNS: Record<Language, Record<Kind, Noun>> = {
  fr: {
    complaint: { your: "votre plainte", the: "la plainte", ofThe: "de la plainte" },
    suggestion: { your: "votre suggestion", the: "la suggestion", ofThe: "de la suggestion" },
    "information-request": {
      your: "votre demande d’information",
      the: "la demande d’information",
      ofThe: "de la demande d’information",
    },
    positive: { your: "votre message", the: "le message", ofThe: "du message" },
  },
  en: {
    complaint: { your: "your complaint", the: "the complaint", ofThe: "of the complaint" },
    suggestion: { your: "your suggestion", the: "the suggestion", ofThe: "of the suggestion" },
    "information-request": {
      your: "your information request",
      the: "the information request",
      ofThe: "of the information request",
    },
    positive: { your: "your feedback", the: "the feedback", ofThe: "of the feedback" },
  },
};

interface Ctx {
  language: Language;
  /** A date for humans in the organisation's zone and this language. */
  date: (iso: IsoInstant) => string;
  /** "[CFM-2026-000001]": the subject tag (CONTRACT.md Emails). */
  ref: string;
  noun: Noun;
  org: string;
}

interface Content {
  subject: string;
  blocks: Block[];
  preheader?: string;
}

interface Template<D> {
  audience: "complainant" | "staff";
  fr: (data: D, ctx: Ctx) => Content;
  en: (data: D, ctx: Ctx) => Content;
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

const OUTCOME_FR: Record<Outcome, string> = {
  founded: "fondée",
  unfounded: "non fondée",
  "partly-founded": "en partie fondée",
};
const OUTCOME_EN: Record<Outcome, string> = {
  founded: "founded",
  unfounded: "not founded",
  "partly-founded": "partly founded",
};

/** H-D4, T-10, T-11: the appeal paragraph of a response. */
function appealBlocks(d: AppealOffer, c: Ctx): Block[] {
  if (!present(d.appealUrl) || !present(d.appealDeadline)) return [];
  return c.language === "fr"
    ? [
        h("Si vous n’êtes pas d’accord"),
        p(
          fr`Vous pouvez faire appel de cette décision jusqu’au ${c.date(d.appealDeadline)}. Un seul appel est possible.`,
        ),
        button("Faire appel", d.appealUrl),
        p("Sans appel de votre part d’ici là, le dossier sera clos."),
      ]
    : [
        h("If you disagree"),
        p(`You can appeal this decision until ${c.date(d.appealDeadline)}. Only one appeal is possible.`),
        button("Appeal this decision", d.appealUrl),
        p("If you do not appeal by then, the case will be closed."),
      ];
}

// Staff: the action of each step, its label and what to do on the task page.
const ACTION_FR: Record<Step, (c: Ctx) => string> = {
  triage: (c) => `trier ${c.noun.the} ${c.ref}`,
  assign: (c) => `prendre en charge ${c.noun.the} ${c.ref}`,
  contact: (c) => `contacter le plaignant au sujet ${c.noun.ofThe} ${c.ref}`,
  progress: (c) => `donner des nouvelles au plaignant sur ${c.noun.the} ${c.ref}`,
  conclusion: (c) => `conclure l’enquête sur ${c.noun.the} ${c.ref}`,
  "appeal-decision": (c) => `statuer sur l’appel concernant ${c.noun.the} ${c.ref}`,
  closure: (c) => `vérifier et clôturer ${c.noun.the} ${c.ref}`,
};
const ACTION_EN: Record<Step, (c: Ctx) => string> = {
  triage: (c) => `triage ${c.noun.the} ${c.ref}`,
  assign: (c) => `take charge of ${c.noun.the} ${c.ref}`,
  contact: (c) => `contact the complainant about ${c.noun.the} ${c.ref}`,
  progress: (c) => `update the complainant on ${c.noun.the} ${c.ref}`,
  conclusion: (c) => `conclude the investigation of ${c.noun.the} ${c.ref}`,
  "appeal-decision": (c) => `decide the appeal on ${c.noun.the} ${c.ref}`,
  closure: (c) => `check and close ${c.noun.the} ${c.ref}`,
};
const STEP_FR: Record<Step, string> = {
  triage: "tri",
  assign: "prise en charge",
  contact: "contact avec le plaignant",
  progress: "point d’avancement",
  conclusion: "conclusion",
  "appeal-decision": "décision d’appel",
  closure: "clôture",
};
const STEP_EN: Record<Step, string> = {
  triage: "triage",
  assign: "assignment",
  contact: "contact with the complainant",
  progress: "progress update",
  conclusion: "conclusion",
  "appeal-decision": "appeal decision",
  closure: "closure",
};

function instructionsFr(step: Step, sensitive: boolean): string {
  switch (step) {
    case "triage": // H-B1, T-4, T-5
      return "Choisissez la catégorie, la gravité et la recevabilité, puis indiquez la raison de votre choix.";
    case "assign": // H-C1, H-C2
      return "Acceptez le dossier ou déléguez l’enquête. Notez les risques, notamment de représailles contre le plaignant ou les témoins.";
    case "contact": // H-C3
      return "Contactez le plaignant, expliquez-lui la suite et donnez-lui une date pour de nouvelles informations. Puis notez ce contact.";
    case "progress": // H-D3
      return "Donnez au plaignant des nouvelles de l’avancement, puis notez-les.";
    case "conclusion": // H-D1, T-9
      return sensitive
        ? fr`Indiquez seulement le résultat et la procédure qui suit. Les détails restent avec vous : ne les notez pas dans le système.`
        : "Indiquez le résultat (fondée, non fondée, en partie fondée), les mesures prises et la réponse au plaignant.";
    case "appeal-decision": // H-E2, T-11
      return "Réexaminez chaque étape, chaque résultat et chaque mesure, puis maintenez ou modifiez la décision en expliquant pourquoi.";
    case "closure": // H-F2
      return "Vérifiez que le traitement (et l’appel éventuel) s’est bien déroulé, puis clôturez le dossier.";
  }
}
function instructionsEn(step: Step, sensitive: boolean): string {
  switch (step) {
    case "triage":
      return "Choose the category, the severity and whether it is admissible, then give the reason for your choice.";
    case "assign":
      return "Accept the case or delegate the investigation. Note the risks, especially of retaliation against the complainant or witnesses.";
    case "contact":
      return "Contact the complainant, explain what happens next and give them a date for further information. Then log the contact.";
    case "progress":
      return "Give the complainant an update on progress, then log it.";
    case "conclusion":
      return sensitive
        ? "Record only the outcome and the procedure that follows. The details stay with you: do not record them in the system."
        : "Record the outcome (founded, unfounded, partly founded), the measures taken and the response to the complainant.";
    case "appeal-decision":
      return "Review every step, result and measure, then uphold or revise the decision and explain why.";
    case "closure":
      return "Check that the handling (and any appeal) was completed correctly, then close the case.";
  }
}

/** The case details a staff email may show: non-sensitive cases only, user text defanged and cut. */
function detailBlocks(d: CaseDetails, language: Language, show: { description: boolean }): Block[] {
  if (d.sensitive !== false) {
    return [
      p(
        language === "fr"
          ? fr`Dossier confidentiel : cet e-mail ne contient volontairement aucun détail.`
          : "Confidential case: this email deliberately contains no details.",
      ),
    ];
  }
  const rows = facts(
    present(d.categoryLabel) && [language === "fr" ? "Catégorie" : "Category", d.categoryLabel],
    present(d.complainantName) && [
      language === "fr" ? "Plaignant" : "Complainant",
      defang(d.complainantName),
    ],
  );
  return blocks(
    rows.type === "facts" && rows.rows.length > 0 && rows,
    show.description && present(d.description) && [h("Description"), quote(excerpt(defang(d.description)))],
  );
}

// ---------------------------------------------------------------------------------------------------------
// The templates

const acknowledgement: Template<AcknowledgementData> = {
  audience: "complainant",
  fr: (d, c) => ({
    subject: `Nous avons bien reçu ${c.noun.your} ${c.ref}`,
    blocks: [
      p(`Nous avons bien reçu ${c.noun.your} le ${c.date(d.receivedAt)}. Merci de nous avoir écrit.`),
      facts(
        ["Référence", d.reference],
        ["Date de réception", c.date(d.receivedAt)],
        ["Réponse au plus tard le", c.date(d.respondBy)],
      ),
      h(fr`Et maintenant ?`),
      list(
        `Nous allons examiner ${c.noun.your}.`,
        present(d.contactBy) &&
          `Une personne chargée de votre dossier vous contactera avant le ${c.date(d.contactBy)}.`,
        `Nous vous répondrons au plus tard le ${c.date(d.respondBy)}.`,
        "Votre dossier est traité de manière confidentielle.",
      ),
    ],
  }),
  en: (d, c) => ({
    subject: `We have received ${c.noun.your} ${c.ref}`,
    blocks: [
      p(`We received ${c.noun.your} on ${c.date(d.receivedAt)}. Thank you for writing to us.`),
      facts(
        ["Reference", d.reference],
        ["Date received", c.date(d.receivedAt)],
        ["Answer by", c.date(d.respondBy)],
      ),
      h("What happens next"),
      list(
        `We will look into ${c.noun.your}.`,
        present(d.contactBy) &&
          `A person in charge of your case will contact you before ${c.date(d.contactBy)}.`,
        `We will answer you by ${c.date(d.respondBy)} at the latest.`,
        "Your case is handled confidentially.",
      ),
    ],
  }),
};

const writtenNotice: Template<WrittenNoticeData> = {
  audience: "complainant",
  fr: (d, c) => {
    const within =
      d.respondWithinDays !== undefined
        ? `dans un délai de ${plural(d.respondWithinDays, "jour", "jours")}${d.workingDays ? " ouvrés" : ""}, soit `
        : "";
    return {
      subject: `Avis de réception de ${c.noun.your} ${c.ref}`,
      blocks: [
        p(`Nous confirmons avoir reçu ${c.noun.your} le ${c.date(d.receivedAt)}.`),
        p(`Nous nous engageons à traiter ${c.noun.your} ${within}au plus tard le ${c.date(d.respondBy)}.`),
        facts(
          ["Référence", d.reference],
          ["Date de réception", c.date(d.receivedAt)],
          ["Traitement au plus tard le", c.date(d.respondBy)],
        ),
      ],
    };
  },
  en: (d, c) => {
    const within =
      d.respondWithinDays !== undefined
        ? `within ${plural(d.respondWithinDays, d.workingDays ? "working day" : "day", d.workingDays ? "working days" : "days")}, that is `
        : "";
    return {
      subject: `Notice of receipt of ${c.noun.your} ${c.ref}`,
      blocks: [
        p(`We confirm that we received ${c.noun.your} on ${c.date(d.receivedAt)}.`),
        p(`We commit to handling ${c.noun.your} ${within}by ${c.date(d.respondBy)} at the latest.`),
        facts(
          ["Reference", d.reference],
          ["Date received", c.date(d.receivedAt)],
          ["Handled by", c.date(d.respondBy)],
        ),
      ],
    };
  },
};

const filingInstructions: Template<FilingInstructionsData> = {
  audience: "complainant",
  fr: (d, c) => ({
    subject: `Comment déposer votre plainte par écrit ${c.ref}`,
    blocks: blocks(
      p(
        present(d.contactedAt)
          ? `Merci de nous avoir fait part de votre plainte le ${c.date(d.contactedAt)}.`
          : "Merci de nous avoir fait part de votre plainte.",
      ),
      p(
        "Pour que nous puissions l’examiner, votre plainte doit être écrite. Le dossier sera ouvert dès sa réception.",
      ),
      h(fr`Comment faire ?`),
      list(
        fr`Par e-mail : répondez à ce message, ou écrivez à ${d.intakeAddress} avec la référence ${c.ref} dans l’objet.`,
        present(d.postalAddress) && fr`Par courrier : ${d.postalAddress}`,
      ),
      h(fr`Que mettre dans votre plainte ?`),
      list(
        fr`la date ;`,
        fr`votre nom, votre adresse et votre téléphone (ou ceux de la personne qui vous représente) ;`,
        fr`le service concerné ;`,
        fr`les faits, leur date et les personnes concernées ;`,
        "ce que vous attendez de nous.",
      ),
    ),
  }),
  en: (d, c) => ({
    subject: `How to file your complaint in writing ${c.ref}`,
    blocks: blocks(
      p(
        present(d.contactedAt)
          ? `Thank you for telling us about your complaint on ${c.date(d.contactedAt)}.`
          : "Thank you for telling us about your complaint.",
      ),
      p(
        "So that we can look into it, your complaint must be in writing. We will open your case when we receive it.",
      ),
      h("How to do it"),
      list(
        `By email: reply to this message, or write to ${d.intakeAddress} with the reference ${c.ref} in the subject.`,
        present(d.postalAddress) && `By post: ${d.postalAddress}`,
      ),
      h("What to put in your complaint"),
      list(
        "the date;",
        "your name, address and phone number (or those of the person representing you);",
        "the service concerned;",
        "the facts, their date and the people involved;",
        "what you expect from us.",
      ),
    ),
  }),
};

const contact: Template<ContactData> = {
  audience: "complainant",
  fr: (d, c) => ({
    subject: `Suivi de ${c.noun.your} ${c.ref}`,
    blocks: blocks(
      present(d.handlerName) && p(`${d.handlerName} est la personne chargée de suivre ${c.noun.your}.`),
      p(`Nous examinons maintenant ${c.noun.your}.`),
      present(d.note) && quote(d.note),
      p(`Nous vous donnerons de nouvelles informations au plus tard le ${c.date(d.nextUpdateBy)}.`),
    ),
  }),
  en: (d, c) => ({
    subject: `Follow-up on ${c.noun.your} ${c.ref}`,
    blocks: blocks(
      present(d.handlerName) && p(`${d.handlerName} is the person in charge of ${c.noun.your}.`),
      p(`We are now looking into ${c.noun.your}.`),
      present(d.note) && quote(d.note),
      p(`We will give you more information by ${c.date(d.nextUpdateBy)} at the latest.`),
    ),
  }),
};

const progressUpdate: Template<ProgressUpdateData> = {
  audience: "complainant",
  fr: (d, c) => ({
    subject: `Des nouvelles de ${c.noun.your} ${c.ref}`,
    blocks: blocks(
      p(
        `Nous avons reçu ${c.noun.your} le ${c.date(d.receivedAt)}. Son traitement prend du temps, et nous continuons d’y travailler.`,
      ),
      present(d.note) && quote(d.note),
      present(d.nextUpdateBy) &&
        p(`Nous vous donnerons de nouvelles informations au plus tard le ${c.date(d.nextUpdateBy)}.`),
      p("Merci de votre patience."),
    ),
  }),
  en: (d, c) => ({
    subject: `Update on ${c.noun.your} ${c.ref}`,
    blocks: blocks(
      p(
        `We received ${c.noun.your} on ${c.date(d.receivedAt)}. Handling it is taking time, and we are still working on it.`,
      ),
      present(d.note) && quote(d.note),
      present(d.nextUpdateBy) &&
        p(`We will give you more information by ${c.date(d.nextUpdateBy)} at the latest.`),
      p("Thank you for your patience."),
    ),
  }),
};

const response: Template<ResponseData> = {
  audience: "complainant",
  fr: (d, c) => ({
    subject: `Réponse à votre plainte ${c.ref}`,
    blocks: blocks(
      p("Nous avons terminé l’examen de votre plainte."),
      p(fr`Notre conclusion : votre plainte est ${OUTCOME_FR[d.outcome]}.`),
      d.sensitive
        ? // H-D3: a sensitive case learns only the outcome and the procedure that follows.
          [
            h("La suite"),
            present(d.procedure)
              ? quote(d.procedure)
              : p(
                  d.outcome === "unfounded"
                    ? "Aucune suite ne sera donnée à cette plainte."
                    : "Notre organisation applique maintenant les procédures prévues dans ce cas.",
                ),
            p("Pour protéger toutes les personnes concernées, nous ne pouvons pas donner plus de détails."),
          ]
        : [
            present(d.investigation) && [h("Ce que nous avons vérifié"), quote(d.investigation)],
            h("Notre réponse"),
            quote(d.responseText),
            present(d.measures) && [h("Les mesures prises"), quote(d.measures)],
            // H-D4: explanations first, for non-sensitive cases.
            p(
              fr`Si vous avez des questions sur cette réponse, répondez à cet e-mail : nous vous donnerons des explications.`,
            ),
          ],
      appealBlocks(d, c),
    ),
  }),
  en: (d, c) => ({
    subject: `Response to your complaint ${c.ref}`,
    blocks: blocks(
      p("We have finished looking into your complaint."),
      p(`Our conclusion: your complaint is ${OUTCOME_EN[d.outcome]}.`),
      d.sensitive
        ? [
            h("What happens next"),
            present(d.procedure)
              ? quote(d.procedure)
              : p(
                  d.outcome === "unfounded"
                    ? "No further action will be taken on this complaint."
                    : "Our organisation is now applying the procedures provided for in such cases.",
                ),
            p("To protect everyone involved, we cannot give more details."),
          ]
        : [
            present(d.investigation) && [h("What we checked"), quote(d.investigation)],
            h("Our response"),
            quote(d.responseText),
            present(d.measures) && [h("Measures taken"), quote(d.measures)],
            p("If you have questions about this response, reply to this email and we will explain."),
          ],
      appealBlocks(d, c),
    ),
  }),
};

const referral: Template<ReferralData> = {
  audience: "complainant",
  fr: (d, c) => ({
    subject: `Où adresser ${c.noun.your} ${c.ref}`,
    blocks: blocks(
      p(`Après examen, ${c.noun.your} ne concerne pas les activités ni le personnel de notre organisation.`),
      present(d.referredTo) && p(fr`Nous vous orientons vers : ${d.referredTo}.`),
      h("Où vous adresser"),
      quote(d.referralNote),
      p(`Nous clôturons donc notre dossier ${c.ref}.`),
    ),
  }),
  en: (d, c) => ({
    subject: `Where to take ${c.noun.your} ${c.ref}`,
    blocks: blocks(
      p(
        `Having looked into it, ${c.noun.your} is not about the activities or the staff of our organisation.`,
      ),
      present(d.referredTo) && p(`We refer you to: ${d.referredTo}.`),
      h("Where to go"),
      quote(d.referralNote),
      p(`We are therefore closing our case ${c.ref}.`),
    ),
  }),
};

const inadmissible: Template<InadmissibleData> = {
  audience: "complainant",
  fr: (d, c) => ({
    subject: fr`Décision sur votre plainte ${c.ref} : non recevable`,
    blocks: [
      p(
        present(d.receivedAt)
          ? fr`Nous avons examiné votre plainte reçue le ${c.date(d.receivedAt)}. Notre décision : elle n’est pas recevable, nous ne pouvons donc pas la traiter.`
          : fr`Nous avons examiné votre plainte. Notre décision : elle n’est pas recevable, nous ne pouvons donc pas la traiter.`,
      ),
      h(fr`Pourquoi ?`),
      quote(d.reason),
      p("Si vous pensez que c’est une erreur, répondez à cet e-mail."),
    ],
  }),
  en: (d, c) => ({
    subject: `Decision on your complaint ${c.ref}: not admissible`,
    blocks: [
      p(
        present(d.receivedAt)
          ? `We have looked into your complaint received on ${c.date(d.receivedAt)}. Our decision: it is not admissible, so we cannot handle it.`
          : "We have looked into your complaint. Our decision: it is not admissible, so we cannot handle it.",
      ),
      h("Why"),
      quote(d.reason),
      p("If you think this is a mistake, reply to this email."),
    ],
  }),
};

const appealAcknowledgement: Template<AppealAcknowledgementData> = {
  audience: "complainant",
  fr: (d, c) => ({
    subject: `Nous avons bien reçu votre appel ${c.ref}`,
    blocks: [
      p(`Nous avons bien reçu votre appel le ${c.date(d.receivedAt)}.`),
      p(fr`Tout votre dossier va être réexaminé : chaque étape, chaque résultat et chaque mesure.`),
      facts(
        ["Référence", d.reference],
        ["Appel reçu le", c.date(d.receivedAt)],
        ["Décision au plus tard le", c.date(d.decisionBy)],
      ),
      p(`Nous vous donnerons la décision au plus tard le ${c.date(d.decisionBy)}.`),
    ],
  }),
  en: (d, c) => ({
    subject: `We have received your appeal ${c.ref}`,
    blocks: [
      p(`We received your appeal on ${c.date(d.receivedAt)}.`),
      p("Your whole case will be reviewed again: every step, every result and every measure."),
      facts(
        ["Reference", d.reference],
        ["Appeal received", c.date(d.receivedAt)],
        ["Decision by", c.date(d.decisionBy)],
      ),
      p(`We will give you the decision by ${c.date(d.decisionBy)} at the latest.`),
    ],
  }),
};

const appealExtension: Template<AppealExtensionData> = {
  audience: "complainant",
  fr: (d, c) => ({
    subject: fr`Votre appel ${c.ref} : nouvelle date de décision`,
    blocks: blocks(
      p("L’examen de votre appel demande plus de temps que prévu."),
      present(d.reason) && quote(d.reason),
      p(
        `Nous vous donnerons la décision au plus tard le ${c.date(d.decisionBy)}${
          present(d.previousDecisionBy) ? `, au lieu du ${c.date(d.previousDecisionBy)}` : ""
        }.`,
      ),
      p("Ce délai ne peut être prolongé qu’une seule fois."),
    ),
  }),
  en: (d, c) => ({
    subject: `Your appeal ${c.ref}: new decision date`,
    blocks: blocks(
      p("Reviewing your appeal is taking longer than planned."),
      present(d.reason) && quote(d.reason),
      p(
        `We will give you the decision by ${c.date(d.decisionBy)} at the latest${
          present(d.previousDecisionBy) ? `, instead of ${c.date(d.previousDecisionBy)}` : ""
        }.`,
      ),
      p("This deadline can be extended only once."),
    ),
  }),
};

const appealDecision: Template<AppealDecisionData> = {
  audience: "complainant",
  fr: (d, c) => ({
    subject: `Décision sur votre appel ${c.ref}`,
    blocks: [
      p(
        d.decision === "upheld"
          ? "Nous avons réexaminé votre dossier. La décision est maintenue."
          : "Nous avons réexaminé votre dossier. La décision est modifiée.",
      ),
      h("Les raisons"),
      quote(d.reasoning),
      p(fr`Cette décision est définitive : il n’est pas possible de faire un nouvel appel.`),
    ],
  }),
  en: (d, c) => ({
    subject: `Decision on your appeal ${c.ref}`,
    blocks: [
      p(
        d.decision === "upheld"
          ? "We have reviewed your case again. The decision is upheld."
          : "We have reviewed your case again. The decision has been revised.",
      ),
      h("The reasons"),
      quote(d.reasoning),
      p("This decision is final: no further appeal is possible."),
    ],
  }),
};

const appealRefused: Template<AppealRefusedData> = {
  audience: "complainant",
  fr: (d, c) => ({
    subject: fr`Nouvel appel sur votre plainte ${c.ref} : non accepté`,
    blocks: [
      p("Nous avons bien reçu votre nouvelle demande d’appel."),
      p(
        present(d.appealDecidedAt)
          ? fr`Un seul appel est possible par plainte. La décision d’appel du ${c.date(d.appealDecidedAt)} est définitive : nous ne pouvons pas accepter un second appel.`
          : fr`Un seul appel est possible par plainte. La décision d’appel est définitive : nous ne pouvons pas accepter un second appel.`,
      ),
    ],
  }),
  en: (d, c) => ({
    subject: `New appeal on your complaint ${c.ref}: not accepted`,
    blocks: [
      p("We have received your new request to appeal."),
      p(
        present(d.appealDecidedAt)
          ? `Only one appeal is possible per complaint. The appeal decision of ${c.date(d.appealDecidedAt)} is final: we cannot accept a second appeal.`
          : "Only one appeal is possible per complaint. The appeal decision is final: we cannot accept a second appeal.",
      ),
    ],
  }),
};

const CLOSURE_FR: Record<Closure, (c: Ctx) => string> = {
  resolved: (c) => `Le traitement de ${c.noun.your} est terminé.`,
  referred: (c) => `Comme indiqué, ${c.noun.your} relève d’un autre organisme.`,
  inadmissible: (c) => `Comme indiqué dans notre décision, ${c.noun.your} n’était pas recevable.`,
  "no-response": () => "Nous n’avons pas reçu de réponse de votre part dans le délai prévu.",
  "appeal-decided": () => "La décision sur votre appel a été rendue.",
};
const CLOSURE_EN: Record<Closure, (c: Ctx) => string> = {
  resolved: (c) => `The handling of ${c.noun.your} is complete.`,
  referred: (c) => `As we told you, ${c.noun.your} is a matter for another organisation.`,
  inadmissible: (c) => `As stated in our decision, ${c.noun.your} was not admissible.`,
  "no-response": () => "We did not receive a reply from you within the time allowed.",
  "appeal-decided": () => "The decision on your appeal has been given.",
};

const closure: Template<ClosureData> = {
  audience: "complainant",
  fr: (d, c) => ({
    subject: `Clôture de votre dossier ${c.ref}`,
    blocks: [
      p(CLOSURE_FR[d.closure](c)),
      p(`Votre dossier ${c.ref} est maintenant clos. Merci de nous avoir fait part de ${c.noun.your}.`),
      p("Pour une nouvelle plainte, écrivez-nous dans un nouvel e-mail."),
    ],
  }),
  en: (d, c) => ({
    subject: `Your case ${c.ref} is closed`,
    blocks: [
      p(CLOSURE_EN[d.closure](c)),
      p(`Your case ${c.ref} is now closed. Thank you for sharing ${c.noun.your} with us.`),
      p("For a new complaint, please write to us in a new email."),
    ],
  }),
};

const task: Template<TaskData> = {
  audience: "staff",
  fr: (d, c) => ({
    subject: fr`Action requise : ${ACTION_FR[d.step](c)} avant le ${c.date(d.dueBy)}`,
    blocks: blocks(
      p(fr`À faire avant le ${c.date(d.dueBy)} : ${ACTION_FR[d.step](c)}.`),
      p(instructionsFr(d.step, d.sensitive)),
      button("Ouvrir la tâche", d.taskUrl),
      detailBlocks(d, "fr", { description: true }),
    ),
  }),
  en: (d, c) => ({
    subject: `Action required: ${ACTION_EN[d.step](c)} by ${c.date(d.dueBy)}`,
    blocks: blocks(
      p(`To do by ${c.date(d.dueBy)}: ${ACTION_EN[d.step](c)}.`),
      p(instructionsEn(d.step, d.sensitive)),
      button("Open the task", d.taskUrl),
      detailBlocks(d, "en", { description: true }),
    ),
  }),
};

const reminder: Template<ReminderData> = {
  audience: "staff",
  fr: (d, c) => ({
    subject: fr`Rappel : ${ACTION_FR[d.step](c)} – en retard (échéance : ${c.date(d.dueBy)})`,
    blocks: blocks(
      p(
        fr`Rappel${d.reminderNumber ? ` n° ${d.reminderNumber}` : ""} : l’échéance du ${c.date(d.dueBy)} est dépassée. Merci de ${ACTION_FR[d.step](c)} dès que possible.`,
      ),
      p(instructionsFr(d.step, d.sensitive)),
      button("Ouvrir la tâche", d.taskUrl),
      detailBlocks(d, "fr", { description: true }),
    ),
  }),
  en: (d, c) => ({
    subject: `Reminder: ${ACTION_EN[d.step](c)} – overdue (due ${c.date(d.dueBy)})`,
    blocks: blocks(
      p(
        `Reminder${d.reminderNumber ? ` no. ${d.reminderNumber}` : ""}: the deadline of ${c.date(d.dueBy)} has passed. Please ${ACTION_EN[d.step](c)} as soon as possible.`,
      ),
      p(instructionsEn(d.step, d.sensitive)),
      button("Open the task", d.taskUrl),
      detailBlocks(d, "en", { description: true }),
    ),
  }),
};

const escalation: Template<EscalationData> = {
  audience: "staff",
  fr: (d, c) => ({
    subject: fr`Action requise : relancer le traitement ${c.noun.ofThe} ${c.ref} – ${plural(d.daysLate, "jour", "jours")} de retard`,
    blocks: blocks(
      p(
        fr`L’étape « ${STEP_FR[d.step]} » ${c.noun.ofThe} ${c.ref} est en retard de ${plural(d.daysLate, "jour", "jours")}.`,
      ),
      facts(
        ["Étape", STEP_FR[d.step]],
        ["Responsable", d.assignee],
        ["Échéance", c.date(d.dueBy)],
        ["Retard", plural(d.daysLate, "jour", "jours")],
        d.remindersSent !== undefined && ["Rappels envoyés", String(d.remindersSent)],
      ),
      p(
        d.recipientRole === "supervisor"
          ? `Vous recevez ce message car ${d.assignee} travaille sous votre responsabilité.`
          : "Vous recevez ce message car vous coordonnez le mécanisme de plaintes.",
      ),
      p("Merci de faire avancer le dossier avec cette personne."),
      d.sensitive === false && present(d.categoryLabel) && facts(["Catégorie", d.categoryLabel]),
      d.sensitive !== false && detailBlocks(d, "fr", { description: false }),
    ),
  }),
  en: (d, c) => ({
    subject: `Action required: follow up ${c.noun.the} ${c.ref} – ${plural(d.daysLate, "day", "days")} late`,
    blocks: blocks(
      p(
        `The "${STEP_EN[d.step]}" step ${c.noun.ofThe} ${c.ref} is ${plural(d.daysLate, "day", "days")} late.`,
      ),
      facts(
        ["Step", STEP_EN[d.step]],
        ["Assignee", d.assignee],
        ["Due", c.date(d.dueBy)],
        ["Late by", plural(d.daysLate, "day", "days")],
        d.remindersSent !== undefined && ["Reminders sent", String(d.remindersSent)],
      ),
      p(
        d.recipientRole === "supervisor"
          ? `You receive this message because ${d.assignee} works under your responsibility.`
          : "You receive this message because you coordinate the complaints mechanism.",
      ),
      p("Please move the case forward with this person."),
      d.sensitive === false && present(d.categoryLabel) && facts(["Category", d.categoryLabel]),
      d.sensitive !== false && detailBlocks(d, "en", { description: false }),
    ),
  }),
};

const notification: Template<NotificationData> = {
  audience: "staff",
  fr: (d, c) => ({
    subject: fr`Pour information : signalement ${c.noun.ofThe} ${c.ref}`,
    blocks: blocks(
      p(`Le mécanisme de plaintes vous signale ${c.noun.the} ${c.ref}, en tant que ${d.notifiedAs}.`),
      present(d.responsibleName) &&
        p(`La personne responsable du dossier est ${d.responsibleName}. Contactez-la si nécessaire.`),
      p("Prenez les mesures prévues pour votre rôle et ne partagez pas cette information."),
      detailBlocks(d, "fr", { description: true }),
    ),
  }),
  en: (d, c) => ({
    subject: `For your information: ${c.noun.the} ${c.ref} is flagged to you`,
    blocks: blocks(
      p(`The complaints mechanism flags ${c.noun.the} ${c.ref} to you, as ${d.notifiedAs}.`),
      present(d.responsibleName) &&
        p(`The person responsible for the case is ${d.responsibleName}. Contact them if needed.`),
      p("Take the steps your role requires, and do not share this information."),
      detailBlocks(d, "en", { description: true }),
    ),
  }),
};

const implicatedStaff: Template<ImplicatedStaffData> = {
  audience: "staff",
  fr: (d, c) => ({
    subject: fr`Information : une plainte vous concerne ${c.ref}`,
    blocks: blocks(
      p(`Nous vous informons par écrit qu’une plainte reçue le ${c.date(d.receivedAt)} vous concerne.`),
      d.sensitive === false && present(d.categoryLabel) && facts(["Catégorie", d.categoryLabel]),
      p("Elle sera traitée selon notre procédure, de manière impartiale et confidentielle."),
      present(d.contactName) && p(`Pour toute question, adressez-vous à ${d.contactName}.`),
      p(
        "L’identité de la personne qui a déposé la plainte ne vous est pas communiquée. Ne cherchez pas à la connaître et ne contactez pas cette personne à ce sujet. Toute forme de représailles est interdite.",
      ),
    ),
  }),
  en: (d, c) => ({
    subject: `Notice: a complaint concerns you ${c.ref}`,
    blocks: blocks(
      p(`We inform you in writing that a complaint received on ${c.date(d.receivedAt)} concerns you.`),
      d.sensitive === false && present(d.categoryLabel) && facts(["Category", d.categoryLabel]),
      p("It will be handled according to our procedure, impartially and confidentially."),
      present(d.contactName) && p(`For any question, contact ${d.contactName}.`),
      p(
        "The identity of the person who made the complaint is not shared with you. Do not try to find it out, and do not contact that person about it. Any form of retaliation is forbidden.",
      ),
    ),
  }),
};

const messageReceived: Template<MessageReceivedData> = {
  audience: "staff",
  fr: (d, c) => ({
    subject: `Nouveau message sur ${c.noun.the} ${c.ref}`,
    blocks: blocks(
      p(`Un nouveau message a été ajouté au dossier ${c.ref} le ${c.date(d.receivedAt)}.`),
      d.sensitive === false
        ? [
            detailBlocks(d, "fr", { description: false }),
            present(d.message) && [h("Message"), quote(excerpt(defang(d.message)))],
          ]
        : p(fr`Dossier confidentiel : le message n’est pas reproduit ici. Lisez-le dans le dossier.`),
      p("Tenez-en compte dans le traitement du dossier."),
    ),
  }),
  en: (d, c) => ({
    subject: `New message on ${c.noun.the} ${c.ref}`,
    blocks: blocks(
      p(`A new message was added to case ${c.ref} on ${c.date(d.receivedAt)}.`),
      d.sensitive === false
        ? [
            detailBlocks(d, "en", { description: false }),
            present(d.message) && [h("Message"), quote(excerpt(defang(d.message)))],
          ]
        : p("Confidential case: the message is not copied here. Read it in the case file."),
      p("Take it into account when handling the case."),
    ),
  }),
};

const NEEDS_ATTENTION_FR: Record<NeedsAttentionReason, string> = {
  unreadable: "Le message reçu n’a pas pu être lu.",
  "sender-unverified": "L’expéditeur du message n’a pas pu être vérifié.",
  "suspected-spam": "Le message reçu ressemble à un spam.",
  "attachment-oversized": "Une pièce jointe dépasse la taille autorisée.",
  "conflict-of-interest": fr`La direction est mise en cause : confiez le dossier à la personne prévue pour ce cas.`,
  "no-recipient": "Personne n’est désigné pour l’étape suivante (rôle sans titulaire ou adresse manquante).",
  undeliverable: "Un e-mail du dossier n’a pas pu être remis à son destinataire.",
  "reminders-exhausted": fr`Les rappels et les relances n’ont pas suffi : la tâche est toujours en attente.`,
  error: "Une erreur technique a interrompu le traitement automatique.",
};
const NEEDS_ATTENTION_EN: Record<NeedsAttentionReason, string> = {
  unreadable: "The message received could not be read.",
  "sender-unverified": "The sender of the message could not be verified.",
  "suspected-spam": "The message received looks like spam.",
  "attachment-oversized": "An attachment is larger than allowed.",
  "conflict-of-interest":
    "The management is named in the complaint: give the case to the person designated for this.",
  "no-recipient": "Nobody is designated for the next step (a role nobody holds, or a missing address).",
  undeliverable: "An email about the case could not be delivered.",
  "reminders-exhausted": "Reminders and escalations did not help: the task is still waiting.",
  error: "A technical error stopped the automatic handling.",
};

const needsAttention: Template<NeedsAttentionData> = {
  audience: "staff",
  fr: (d, c) => ({
    subject: fr`Action requise : le dossier ${c.ref} demande votre attention`,
    blocks: blocks(
      p(`Le dossier ${c.ref} ne peut pas avancer automatiquement.`),
      p(NEEDS_ATTENTION_FR[d.reason]),
      facts(d.step && ["Étape", STEP_FR[d.step]], present(d.detail) && ["Détail", d.detail]),
      p("Vérifiez le dossier et faites-le avancer."),
      d.sensitive === false && present(d.categoryLabel) && facts(["Catégorie", d.categoryLabel]),
      d.sensitive !== false && detailBlocks(d, "fr", { description: false }),
    ),
  }),
  en: (d, c) => ({
    subject: `Action required: case ${c.ref} needs your attention`,
    blocks: blocks(
      p(`Case ${c.ref} cannot move forward automatically.`),
      p(NEEDS_ATTENTION_EN[d.reason]),
      facts(d.step && ["Step", STEP_EN[d.step]], present(d.detail) && ["Detail", d.detail]),
      p("Check the case and move it forward."),
      d.sensitive === false && present(d.categoryLabel) && facts(["Category", d.categoryLabel]),
      d.sensitive !== false && detailBlocks(d, "en", { description: false }),
    ),
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
  task,
  notification,
  reminder,
  escalation,
  "implicated-staff": implicatedStaff,
  "message-received": messageReceived,
  "needs-attention": needsAttention,
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

function greeting(language: Language, name: string | undefined): string {
  const who = present(name) ? ` ${name.trim()}` : "";
  return language === "fr" ? `Bonjour${who},` : `Hello${who},`;
}

function footer(
  audience: "complainant" | "staff",
  language: Language,
  data: { reference: string; organisation: string; sensitive?: boolean },
  hasLink: boolean,
): string[] {
  const c = colon(language);
  if (audience === "complainant") {
    return language === "fr"
      ? [
          `${data.organisation} – mécanisme de plaintes et de retours`,
          `Référence${c}${data.reference}. Pour nous écrire, répondez à cet e-mail sans changer l’objet.`,
        ]
      : [
          `${data.organisation} – complaints and feedback mechanism`,
          `Reference${c}${data.reference}. To write to us, reply to this email without changing the subject.`,
        ];
  }
  const lines =
    language === "fr"
      ? [
          `Référence${c}${data.reference}`,
          `Message automatique – mécanisme de plaintes, ${data.organisation}.`,
        ]
      : [`Reference${c}${data.reference}`, `Automatic message – complaints mechanism, ${data.organisation}.`];
  if (hasLink)
    lines.push(
      language === "fr"
        ? fr`Ce lien est personnel : ne transférez pas cet e-mail.`
        : "This link is personal: do not forward this email.",
    );
  else if (data.sensitive)
    lines.push(
      language === "fr"
        ? fr`Dossier confidentiel : ne transférez pas cet e-mail.`
        : "Confidential case: do not forward this email.",
    );
  return lines;
}

/**
 * Renders one email in plain text and HTML. French is the default for an unknown language.
 * Throws TemplateDataError on a malformed reference, date, time zone or link.
 */
export function renderEmail<K extends TemplateId>(
  id: K,
  language: Language,
  data: TemplateData[K],
): RenderedEmail {
  const template: Template<TemplateData[K]> = TEMPLATES[id];
  if (!template) throw new TemplateDataError(`unknown email template: ${String(id)}`);
  const lang: Language = language === "en" ? "en" : "fr";
  const safe = redact(id, data as unknown as Record<string, unknown>) as unknown as TemplateData[K] & Common;
  if (typeof safe.reference !== "string" || !REFERENCE_PATTERN.test(safe.reference))
    throw new TemplateDataError(`not a reference CFM-YYYY-NNNNNN: ${String(safe.reference)}`);
  // Fails fast on a missing or unknown zone, even for an email without dates (Intl would use the host's).
  if (typeof safe.timeZone !== "string" || safe.timeZone === "")
    throw new TemplateDataError("timeZone is required (the organisation's IANA time zone)");
  formatter(lang, safe.timeZone);

  const ctx: Ctx = {
    language: lang,
    date: (iso) => formatDate(iso, safe.timeZone, lang),
    ref: `[${safe.reference}]`,
    noun: NOUNS[lang][safe.kind ?? "complaint"] ?? NOUNS[lang].complaint,
    org: safe.organisation,
  };
  const content = template[lang](safe, ctx);
  const body: Block[] = [p(greeting(lang, safe.recipientName)), ...content.blocks];
  if (template.audience === "complainant")
    body.push(
      p(
        lang === "fr"
          ? `Cordialement,\nLe service des plaintes\n${safe.organisation}`
          : `Kind regards,\nThe complaints team, ${safe.organisation}`,
      ),
    );
  const doc: EmailDocument = {
    language: lang,
    title: content.subject,
    // The inbox preview: the first sentence of the content rather than the greeting.
    preheader: content.preheader ?? content.blocks.find((b) => b.type === "paragraph")?.text,
    header: safe.organisation,
    blocks: body,
    footer: footer(
      template.audience,
      lang,
      safe as Common & { sensitive?: boolean },
      body.some((b) => b.type === "button"),
    ),
  };
  // A subject is one line: user strings must not inject headers.
  const subject = content.subject.replace(/[\r\n]+/g, " ").trim();
  return { subject, text: renderText(doc), html: renderHtml(doc) };
}
