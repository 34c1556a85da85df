// The ids the whole system shares: case kinds, channels, statuses, closures, outcomes, steps, deadlines,
// timeline event types, flags and the reference format. One list each, imported everywhere (records, forms,
// workflow inputs, the state machine, emails, pages, reports). User-visible labels of these ids live in the
// translation catalogs, never here. CONTRACT.md spells every id the API shows.

// ------------------------------------------------------------------------------------------- reference

/** CFM-YYYY-NNNNNN: year of receipt, then a 6-digit sequence number (CONTRACT.md). Anchored, no flags. */
export const REFERENCE_PATTERN = /^CFM-\d{4}-\d{6}$/;
/** The same format searched inside a text ("Re: [CFM-2026-000123]"); word bounds reject 7 digits. */
export const REFERENCE_SEARCH_SOURCE = String.raw`\bCFM-(\d{4})-(\d{6})\b`;
export const REFERENCE_FORMAT = "CFM-YYYY-NNNNNN";

// ------------------------------------------------------------------------------------------- the case

export const KINDS = ["complaint", "suggestion", "information-request", "positive"] as const;
export const CHANNELS = [
  "email",
  "web",
  "letter",
  "phone",
  "in-person",
  "suggestion-box",
  "hotline",
  "staff-report",
  // Issue 17: two-way SMS and WhatsApp (AWS End User Messaging), KoboToolbox forms (REST Services).
  "sms",
  "whatsapp",
  "kobo",
] as const;
/** T-1: written channels open a case under a written-only procedure (a staff report is the FSEI). */
export const WRITTEN_CHANNELS: readonly Channel[] = ["email", "web", "letter", "staff-report"];
export const STATUSES = [
  "received",
  "acknowledged",
  "triage",
  "assigned",
  "investigating",
  "responded",
  "appeal",
  "closed",
] as const;
export const CLOSURES = ["resolved", "referred", "inadmissible", "no-response", "appeal-decided"] as const;
export const SEVERITIES = ["high", "medium", "low"] as const;
/** H-D1: the outcome of an investigation. */
export const OUTCOMES = ["founded", "unfounded", "partly-founded"] as const;
/** H-E2: the outcome of an appeal. */
export const APPEAL_OUTCOMES = ["upheld", "revised"] as const;
/**
 * H-E2, T-11: what the appeal officer may decide (an extension is not an outcome). `assign` names the member who
 * handles the appeal and keeps the complainant and parties informed (H-E2); it does not end the step.
 */
export const APPEAL_DECISIONS = [...APPEAL_OUTCOMES, "extend", "assign"] as const;
/** H-C1, H-C2: the responsible person takes the case or delegates it. */
export const ASSIGNMENT_DECISIONS = ["accept", "delegate"] as const;
export const FLAGS = [
  "suspected-spam",
  "sender-unverified",
  "unreadable",
  "attachment-oversized",
  "needs-attention",
  "conflict-of-interest",
  "late",
  // Issue 15 (intake): the reply address came from a fallback (decoded From, Reply-To, Sender, Return-Path,
  // envelope), none was usable, a header was replaced by a default, a message came from someone who is
  // neither the complainant nor their representative.
  "sender-recovered",
  "no-reply-address",
  "content-sanitised",
  "unknown-sender",
] as const;
/** The timeline's event types (CONTRACT.md). */
export const EVENT_TYPES = [
  "received",
  "acknowledged",
  "triaged",
  "notified",
  "assigned",
  "delegated",
  "contacted",
  "progress",
  "message",
  "responded",
  "appeal-filed",
  "appeal-extended",
  "appeal-decided",
  "reminder",
  "escalated",
  "closed",
  // Coordinator actions (issue 12): an internal note, a step given to another person.
  "note",
  "reassigned",
  // Issue 12: a needs-attention case resumed, a triage corrected, a closed case reopened.
  "resumed",
  "retriaged",
  "reopened",
  // Issue 16: a receipt code issued for a case on request (the code itself is never recorded).
  "receipt-issued",
] as const;

// ------------------------------------------------------------------------------------------- steps

/** Deadlines a case carries; `overdue` lists those whose deadline passed while their step was open. */
export const DEADLINE_STEPS = [
  "acknowledge",
  "writtenNotice",
  "triage",
  "assign",
  "contact",
  "respond",
  "appealWindowEnds",
  "appealDecision",
  "closure",
] as const;

/**
 * The human steps of the workflow, each waiting for one decision from one person, and the deadline it
 * answers to. The state machine, the workflow inputs, the task links and the pages use these ids.
 */
export const HUMAN_STEPS = [
  "triage",
  "assignment",
  "contact",
  "conclusion",
  "appeal",
  "appeal-decision",
  "closure",
  // a suggestion, information request or positive feedback is answered (or thanked) by the person its
  // kind is routed to, then closed: no severity, admissibility, investigation nor appeal.
  "answer",
] as const;
export const STEP_DEADLINE = {
  triage: "triage",
  assignment: "assign",
  contact: "contact",
  conclusion: "respond",
  appeal: "appealWindowEnds",
  "appeal-decision": "appealDecision",
  closure: "closure",
  answer: "respond",
} as const satisfies Record<HumanStep, DeadlineStep>;

/** What a task link serves: a human step, or H-C4's standing progress link during the investigation. */
export const TASK_STEPS = [
  "triage",
  "assignment",
  "contact",
  "progress",
  "conclusion",
  "appeal-decision",
  "closure",
  "appeal",
  "answer",
] as const satisfies readonly TaskStep[];

/** Where a stopped execution can restart (a local restart; an operator after needs-attention). */
export const RESUMABLE_STEPS = [
  "acknowledge",
  "triage",
  "notify",
  "referral",
  "inadmissible",
  "assignment",
  "contact",
  "conclusion",
  "respond",
  "appeal",
  "appeal-decision",
  "closure",
  "close-after-appeal",
  // the short path of a suggestion, information request or positive feedback.
  "answer",
  "send-answer",
] as const;

/**
 * Where triage sends a case: investigation, H-C3 (e) referral, T-4 inadmissibility, or R-6's short path (the
 * officer found a suggestion, an information request or positive feedback, not a complaint).
 */
export const TRIAGE_ROUTES = ["investigate", "referral", "inadmissible", "answer"] as const;
/** the kinds that take the short path (every kind but a complaint). */
export const SHORT_PATH_KINDS = ["suggestion", "information-request", "positive"] as const;
export type ShortPathKind = (typeof SHORT_PATH_KINDS)[number];
/** What ended a case, from which its closure follows (procedure.closureFor). */
export const CLOSE_CAUSES = [
  "referred",
  "inadmissible",
  "window-passed",
  "responded",
  "appeal-decided",
  // a suggestion, information request or positive feedback answered (or thanked).
  "answered",
] as const;

export type Kind = (typeof KINDS)[number];
export type Channel = (typeof CHANNELS)[number];
export type Status = (typeof STATUSES)[number];
export type Closure = (typeof CLOSURES)[number];
export type Severity = (typeof SEVERITIES)[number];
export type Outcome = (typeof OUTCOMES)[number];
export type AppealOutcome = (typeof APPEAL_OUTCOMES)[number];
export type Flag = (typeof FLAGS)[number];
export type EventType = (typeof EVENT_TYPES)[number];
export type DeadlineStep = (typeof DEADLINE_STEPS)[number];
export type HumanStep = (typeof HUMAN_STEPS)[number];
export type TaskStep = HumanStep | "progress";
export type ResumableStep = (typeof RESUMABLE_STEPS)[number];
export type TriageRoute = (typeof TRIAGE_ROUTES)[number];
export type CloseCause = (typeof CLOSE_CAUSES)[number];
