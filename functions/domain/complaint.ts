// The complaint record, split in two (H-D1, R-10): the status record holds what any staff member may
// see and what the workflow needs; the content record holds the complainant's identity, the description
// and investigation details, and is read only for the full view.
import * as z from "zod";
import { LANGUAGES } from "./config-schema.ts";
import { caseCalendarSchema } from "./live-config.ts";
import {
  APPEAL_OUTCOMES,
  CHANNELS,
  CLOSURES,
  DEADLINE_STEPS,
  EVENT_TYPES,
  FLAGS,
  HUMAN_STEPS,
  KINDS,
  OUTCOMES,
  REFERENCE_FORMAT,
  REFERENCE_PATTERN,
  SEVERITIES,
  STATUSES,
} from "./vocabulary.ts";

export type { Channel, Closure, DeadlineStep, EventType, Flag, Kind, Status } from "./vocabulary.ts";
// The ids are defined once in vocabulary.ts; re-exported here for the modules that import them with the record.
export {
  CHANNELS,
  CLOSURES,
  DEADLINE_STEPS,
  EVENT_TYPES,
  FLAGS,
  KINDS,
  SEVERITIES,
  STATUSES,
  WRITTEN_CHANNELS,
} from "./vocabulary.ts";

export const REFERENCE_REGEX = REFERENCE_PATTERN;
export const reference = z.string().regex(REFERENCE_PATTERN, `must be a reference ${REFERENCE_FORMAT}`);

const iso = z.iso.datetime({ offset: true });
const address = z.email().transform((s) => s.toLowerCase());

export const deadlinesSchema = z.partialRecord(z.enum(DEADLINE_STEPS), iso);
export type Deadlines = z.infer<typeof deadlinesSchema>;

/** The status record: no personal data about the complainant, no description. */
export const caseRecordSchema = z.strictObject({
  reference,
  sourceId: z.string().min(1).max(512),
  kind: z.enum(KINDS),
  status: z.enum(STATUSES),
  closure: z.enum(CLOSURES).nullable(),
  channel: z.enum(CHANNELS),
  language: z.enum(LANGUAGES),
  anonymous: z.boolean(),
  /** Whether the complainant can be written to (an email address is known). */
  reachable: z.boolean(),
  sensitive: z.boolean(),
  category: z.string().nullable(),
  severity: z.enum(SEVERITIES).nullable(),
  admissible: z.boolean().nullable(),
  /** Who must act now (the current step's actor). */
  assignee: address.nullable(),
  /** H-C1: the responsible person for the case once assigned. */
  responsible: address.nullable(),
  /** H-C2: who investigates (the responsible person, or the handler they delegated to); reads the private details. */
  handler: address.nullable().optional(),
  /**
   * H-E2: the member the appeal officer assigned to handle the appeal and keep the complainant and parties
   * informed (the appeal's reminders and decision go to them too).
   */
  appealHandler: address.nullable().optional(),
  receivedAt: iso,
  deadlines: deadlinesSchema,
  overdue: z.array(z.enum(DEADLINE_STEPS)),
  /** Deadlines met or missed once their step completed (for reports, R-11). */
  met: z.partialRecord(z.enum(DEADLINE_STEPS), z.boolean()),
  /** When each step completed (reports: time to acknowledge and to respond, R-11). */
  completedAt: z.partialRecord(z.enum(DEADLINE_STEPS), iso).optional(),
  flags: z.array(z.enum(FLAGS)),
  reminders: z.partialRecord(z.string(), z.number().int().min(0)),
  appeals: z.number().int().min(0),
  appealExtensions: z.number().int().min(0),
  appealOutcome: z.enum(APPEAL_OUTCOMES).nullable(),
  attachments: z.number().int().min(0),
  closedAt: iso.nullable(),
  /** The complainant follows the case with a receipt code on the follow-up page (web intake). */
  followUp: z.boolean().optional(),
  /** Closing the loop: the complainant's answer to "are you satisfied?" (1 to 5), once. */
  satisfaction: z.strictObject({ score: z.number().int().min(1).max(5), at: iso }).optional(),
  /** When the complainant first read the answer on the follow-up page (the outcome was communicated). */
  outcomeSeenAt: iso.optional(),
  /** Issue 12: executions started after the first (resume, retriage, reopen…): the next is `<ref>-<runs>`. */
  runs: z.number().int().min(0).optional(),
  /** Issue 12: when the coordinator last resumed the case; the resumed step's wait starts again from it. */
  resumedAt: iso.optional(),
  /** Issue 12: times the case left `closed` again (reopen, a late appeal), so its closing steps run again. */
  reopened: z.number().int().min(0).optional(),
  /** Issue 12: a step the coordinator gave to someone else than the procedure's actor (reassign). */
  stepActors: z.partialRecord(z.enum(HUMAN_STEPS), address).optional(),
  /**
   * Issue 14: when a step began after its deadline had passed (e.g. the contact, due 2 weeks from receipt,
   * reached after a late assignment): its actor gets one reminder interval from then before reminders start.
   */
  lateStarts: z.partialRecord(z.enum(HUMAN_STEPS), iso).optional(),
  /** Issue 12: the config version the case was received under and its calendar, which its deadlines keep. */
  calendar: caseCalendarSchema.optional(),
  version: z.number().int().min(1),
  updatedAt: iso,
});
export type CaseRecord = z.infer<typeof caseRecordSchema>;

const person = z.strictObject({
  name: z.string().max(200).optional(),
  email: address.optional(),
  phone: z.string().max(50).optional(),
  address: z.string().max(500).optional(),
});

export const attachmentSchema = z.strictObject({
  key: z.string().min(1),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int().min(0),
  oversized: z.boolean(),
});

/** The content record: everything personal or sensitive (H-D1, T-8, R-10). */
export const caseContentSchema = z.strictObject({
  reference,
  complainant: person.nullable(),
  /** H-A1: a third party or representative may file for the complainant. */
  representative: person.extend({ relation: z.string().max(200).optional() }).nullable(),
  subject: z.string().max(1000),
  description: z.string().max(200_000),
  /** T-6: the date of the facts, the service and persons concerned, the complainant's expectations. */
  factsDate: z.iso.date().nullable(),
  /** Where the facts happened (web form). */
  place: z.string().max(500).nullable().optional(),
  /** Closing the loop: the comment that came with the satisfaction score. */
  satisfactionComment: z.string().max(2000).nullable().optional(),
  service: z.string().max(500).nullable(),
  personsConcerned: z.string().max(2000).nullable(),
  /** Staff addresses concerned (H-B3 (d) line manager, T-3 notice, T-7 conflict of interest). */
  concernedStaff: z.array(address),
  expectations: z.string().max(5000).nullable(),
  /** T-8: whether the complainant agreed that their identity be shared beyond the people handling the case
   * (null: not asked, e.g. a complaint by email). Absent on cases recorded before the field existed. */
  consentToShare: z.boolean().nullable().default(null),
  attachments: z.array(attachmentSchema),
  rawMessageKey: z.string().nullable(),
  triageReason: z.string().max(5000).nullable(),
  /** H-C1: the course of action the responsible person decided at the review (absent on older cases). */
  courseOfAction: z.string().max(5000).nullable().default(null),
  risks: z.string().max(5000).nullable(),
  contactNote: z.string().max(5000).nullable(),
  progress: z.array(z.strictObject({ at: iso, note: z.string().max(5000) })),
  outcome: z.enum(OUTCOMES).nullable(),
  measures: z.string().max(10_000).nullable(),
  response: z.string().max(20_000).nullable(),
  /** T-13: a late response carries the justification of its delay. */
  lateJustification: z.string().max(5000).nullable(),
  appealReason: z.string().max(10_000).nullable(),
  /** H-D4: what the complainant asked to have explained about the answer (non-sensitive cases only). */
  explanationRequests: z.array(z.strictObject({ at: iso, text: z.string().max(10_000) })).optional(),
  appealReasoning: z.string().max(10_000).nullable(),
  messages: z.array(
    z.strictObject({
      at: iso,
      from: z.string().nullable(),
      text: z.string(),
      rawMessageKey: z.string(),
      /** Issue 15: from neither the complainant nor their representative: shown with its sender, never acted on. */
      unknownSender: z.boolean().optional(),
      /** Issue 15: the files of a message from an unknown sender, kept aside (never the case's attachments). */
      attachments: z.array(attachmentSchema).optional(),
    }),
  ),
});
export type CaseContent = z.infer<typeof caseContentSchema>;

/**
 * H-D1: the investigation's details of a case that counts as sensitive (untriaged included), kept out of the
 * shared records in an item of their own that only the responsible person and the handler read (and the
 * coordinator when `sensitiveDetails.coordinator` says so): access.ts `accessTo(...).investigation`.
 */
export const caseDetailsSchema = z.strictObject({
  reference,
  /** H-C1: the course of action decided at the review. */
  courseOfAction: z.string().max(5000).nullable(),
  risks: z.string().max(5000).nullable(),
  contactNote: z.string().max(5000).nullable(),
  progress: z.array(z.strictObject({ at: iso, note: z.string().max(5000) })),
  measures: z.string().max(10_000).nullable(),
  response: z.string().max(20_000).nullable(),
});
export type CaseDetails = z.infer<typeof caseDetailsSchema>;
/** The fields a sensitive case keeps in its private details instead of the content record. */
export const PRIVATE_FIELDS = [
  "courseOfAction",
  "risks",
  "contactNote",
  "progress",
  "measures",
  "response",
] as const;
export type Investigation = Omit<CaseDetails, "reference">;
/** A change to the private details: the fields given are set; `progress` notes are appended. */
export type DetailsPatch = Partial<Investigation>;

/** An investigation with nothing recorded yet (the private details' start; what a hidden content holds). */
export const noInvestigation = (): Investigation => ({
  courseOfAction: null,
  risks: null,
  contactNote: null,
  progress: [],
  measures: null,
  response: null,
});

export function emptyDetails(ref: string): CaseDetails {
  return { reference: ref, ...noInvestigation() };
}

/** The investigation as its readers see it: the private details over what the content record holds. */
export function investigationOf(content: CaseContent, details: CaseDetails | null): Investigation {
  return {
    courseOfAction: details?.courseOfAction ?? content.courseOfAction,
    risks: details?.risks ?? content.risks,
    contactNote: details?.contactNote ?? content.contactNote,
    progress: [...content.progress, ...(details?.progress ?? [])].sort((a, b) => a.at.localeCompare(b.at)),
    measures: details?.measures ?? content.measures,
    response: details?.response ?? content.response,
  };
}

export const timelineEventSchema = z.strictObject({
  /** Unique per case; a retried handler reuses it, so the event is written once. */
  id: z.string().min(1).max(200),
  at: iso,
  type: z.enum(EVENT_TYPES),
  actor: z.string().min(1).max(320),
  /** Non-personal detail: a step name, a role, a category id (never shown for sensitive cases to general staff). */
  detail: z.string().max(500).optional(),
});
export type TimelineEvent = z.infer<typeof timelineEventSchema>;

export function emptyContent(ref: string): CaseContent {
  return {
    reference: ref,
    complainant: null,
    representative: null,
    subject: "",
    description: "",
    factsDate: null,
    service: null,
    personsConcerned: null,
    concernedStaff: [],
    expectations: null,
    consentToShare: null,
    attachments: [],
    rawMessageKey: null,
    triageReason: null,
    courseOfAction: null,
    risks: null,
    contactNote: null,
    progress: [],
    outcome: null,
    measures: null,
    response: null,
    lateJustification: null,
    appealReason: null,
    appealReasoning: null,
    messages: [],
  };
}
