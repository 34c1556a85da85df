// The rules of the procedure that decide how a case moves: who acts at each step, when each step's wait
// ends, how many reminders a step gets, whether a case can be appealed, whether there is a contact step,
// where triage routes a case, how it closes, and who must never be told about it. Pure functions of the
// organisation config and the case, used alike by the workflow (functions/workflow/steps.ts), the task pages,
// resume (functions/workflow/resume.ts) and the history bound (workflows/history-bound.ts). No AWS imports.

import { InvalidDecisionError } from "../errors.ts";
import type { CaseContent, CaseRecord, DeadlineStep, Deadlines } from "./complaint.ts";
import type { OrgConfig } from "./config.ts";
import type { ShortPath } from "./config-schema.ts";
import { deadlineAfter, initialDeadlines, progressUpdateDue, reminderDue } from "./deadlines.ts";
import { caseConfig } from "./live-config.ts";
import { categoryOf, escalationTarget, holderOf, holdersOf, unnamedHolderOf } from "./routing.ts";
import {
  type CloseCause,
  type Closure,
  type HumanStep,
  type Kind,
  SHORT_PATH_KINDS,
  type ShortPathKind,
  STEP_DEADLINE,
  type TriageRoute,
} from "./vocabulary.ts";

/** The actor id of a step the complainant takes (the appeal, H-E1), not a staff address. */
export const COMPLAINANT = "complainant";

// ------------------------------------------------------------------------------------------- case shape

/**
 * suggestions, information requests and positive feedback take a short path of their own: acknowledged,
 * routed to the right person, answered (or thanked), closed. Never severity, admissibility, investigation,
 * "founded" or an appeal: those belong to complaints.
 */
export function isShortPath(kind: Kind): kind is ShortPathKind {
  return (SHORT_PATH_KINDS as readonly string[]).includes(kind);
}

/** a kind's short path as the organisation sets it; unset, the triage role within the response deadline. */
export function shortPathOf(config: OrgConfig, kind: ShortPathKind): ShortPath {
  return config.shortPaths[kind] ?? { route: config.steps.triage, answer: config.deadlines.respond };
}

/** when a short path's answer is due, counted from receipt (on the calendar `config` carries). */
export function shortPathAnswerBy(config: OrgConfig, kind: ShortPathKind, receivedAt: string): string {
  return deadlineAfter(config, receivedAt, shortPathOf(config, kind).answer);
}

/**
 * The deadlines a case carries from receipt. R-6: a short path has the acknowledgement and its answer (kept
 * as the response deadline, so count it); no triage, no contact, no T-2 written notice (whose
 * 45-day commitment is about complaints).
 */
export function deadlinesAtReceipt(config: OrgConfig, kind: Kind, receivedAt: string): Deadlines {
  const deadlines = initialDeadlines(config, receivedAt);
  if (!isShortPath(kind)) return deadlines;
  return {
    acknowledge: deadlines.acknowledge,
    respond: shortPathAnswerBy(config, kind, receivedAt),
  };
}

/** H-C3: the contact step exists when the organisation sets its deadline (procedure T has none). */
export function hasContactStep(config: OrgConfig): boolean {
  return config.deadlines.contact !== undefined;
}

/**
 * H-D4, H-E1, T-11: a case can be appealed when the organisation allows appeals and the complainant can be
 * told the answer: by email (the appeal link travels in the response email) or on the follow-up page with
 * their receipt code (web intake, anonymous included).
 */
export function isAppealable(config: OrgConfig, record: Pick<CaseRecord, "reachable" | "followUp">): boolean {
  return (record.reachable || record.followUp === true) && config.appeals.max > 0;
}

/** T-11: whether the complainant may still appeal this case. */
export function appealsLeft(config: OrgConfig, record: Pick<CaseRecord, "appeals">): boolean {
  return record.appeals < config.appeals.max;
}

/**
 * H-D4: "il s'efforce d'en discuter avec les plaignants et de leur offrir si possible des explications … (pour
 * autant que les plaintes soient de nature non sensible). Si les plaignants continuent à ne pas être satisfaits,
 * il les renvoie à la procédure d'appel." Whether a dissatisfied complainant is offered explanations before the
 * appeal: the organisation's procedure says so, and the case is not sensitive. The appeal window is unchanged.
 */
export function offersExplanations(
  config: Pick<OrgConfig, "appeals">,
  record: Pick<CaseRecord, "sensitive" | "category">,
): boolean {
  return config.appeals.explanationsFirst && !record.sensitive && record.category !== null;
}

/**
 * H-D4: who explains the answer to a complainant who asks: the handler (the complaints handler, "avec le
 * soutien de la personne responsable"), and the responsible person; else the coordinator.
 */
export function explainers(
  config: Pick<OrgConfig, "organisation">,
  record: Pick<CaseRecord, "handler" | "responsible">,
): string[] {
  const named = [record.handler, record.responsible].filter((a): a is string => !!a);
  return named.length > 0 ? [...new Set(named)] : [config.organisation.coordinator];
}

/** T-11: whether the appeal officer may still extend the decision deadline. */
export function appealExtensionAvailable(
  config: OrgConfig,
  record: Pick<CaseRecord, "appealExtensions">,
): boolean {
  return !!config.deadlines.appealExtension && record.appealExtensions < config.appeals.extensions;
}

/** The flags the state machine branches on (execution state carries flags, never personal data). */
export interface CaseFlags {
  reachable: boolean;
  contact: boolean;
  appealable: boolean;
  /** the case takes its kind's short path from receipt (a kind, never personal data). */
  short: boolean;
}

export function caseFlags(
  config: OrgConfig,
  record: Pick<CaseRecord, "reachable" | "followUp" | "kind">,
): CaseFlags {
  const short = isShortPath(record.kind);
  return {
    reachable: record.reachable,
    contact: hasContactStep(config),
    // nothing to appeal on a short path.
    appealable: !short && isAppealable(config, record),
    short,
  };
}

// ------------------------------------------------------------------------------------------- routes

/** H-C3 (e) referral, T-4 inadmissibility, else investigation: where a triage decision sends a case. */
export function triageRoute(config: OrgConfig, category: string, admissible: boolean | null): TriageRoute {
  if (categoryOf(config, category).outcome === "referral") return "referral";
  return admissible === false ? "inadmissible" : "investigate";
}

/** The triage route of a case already triaged (resume, a retried apply); null before triage. */
export function triagedRoute(
  config: OrgConfig,
  record: Pick<CaseRecord, "category" | "admissible" | "kind">,
): TriageRoute | null {
  if (isShortPath(record.kind)) return "answer";
  return record.category ? triageRoute(config, record.category, record.admissible) : null;
}

/**
 * T-10: whether the complainant wrote back after the response was sent (a message of theirs, not a stranger's,
 * on the case). A window that passes after such a reply did not pass "without reply".
 */
export function repliedAfterResponse(
  record: Pick<CaseRecord, "completedAt">,
  content: Pick<CaseContent, "messages">,
): boolean {
  const sent = record.completedAt?.respond;
  return sent !== undefined && content.messages.some((m) => !m.unknownSender && m.at >= sent);
}

/**
 * How the case closes, by what ended it (T-10: no reply within the window closes it as configured; when the
 * complainant did reply without contesting, it closes resolved, never as "no reply").
 */
export function closureFor(config: OrgConfig, cause: CloseCause | string, replied = false): Closure {
  switch (cause) {
    case "referred":
      return "referred";
    case "inadmissible":
      return "inadmissible";
    case "appeal-decided":
      return "appeal-decided";
    case "window-passed":
      return replied ? "resolved" : config.appeals.closeWithoutReply;
    case "responded":
    case "answered":
      return "resolved";
    default:
      throw new InvalidDecisionError(`unknown closure cause ${cause}`);
  }
}

// ------------------------------------------------------------------------------------------- actors

/**
 * Who acts at a step: H-B1 triage (the triage role), H-B3/H-C1 assignment (the responsible person), H-C2-H-C4
 * contact and conclusion (whoever holds the case), H-E1 the appeal (the complainant), H-E2 the appeal
 * decision, H-F2 the closure check. T-3, T-7: a role's holder named in the complaint (`named`, the
 * concerned staff) never gets the step; it goes to the next holder, their supervisor, the president, then
 * the coordinator (routing.unnamedHolderOf).
 */
export function stepActor(
  config: OrgConfig,
  record: CaseRecord,
  step: HumanStep,
  named: readonly string[] = [],
): string {
  // Issue 12: the coordinator gave this step to someone else (e.g. before leave); it stays with them.
  const given = record.stepActors?.[step];
  if (given && step !== "appeal") return given;
  const holder = (role: string) => unnamedHolderOf(config, role, named);
  switch (step) {
    case "triage":
      return holder(config.steps.triage);
    case "assignment":
      return record.responsible ?? holder(config.steps.triage);
    case "contact":
    case "conclusion":
      return record.assignee ?? record.responsible ?? holder(config.steps.investigation);
    case "appeal":
      return COMPLAINANT;
    case "appeal-decision":
      return holder(config.steps.appeal);
    case "closure":
      return holder(config.steps.closure);
    case "answer":
      // the person the kind is routed to (a complaint reclassified meanwhile: the triage role).
      return holder(isShortPath(record.kind) ? shortPathOf(config, record.kind).route : config.steps.triage);
  }
}

/**
 * H-B1: the complaints officer triages "with the supervisor" ("il discute et définit avec son supérieur
 * hiérarchique la nature de la plainte"): the holders of the config's `steps.triageCopy` roles are told of each
 * triage task, never the triage actor themself nor anyone named in the complaint (T-7).
 */
export function triageCopyRecipients(
  config: OrgConfig,
  actor: string,
  named: readonly string[] = [],
): string[] {
  const addresses = config.steps.triageCopy.flatMap((role) => holdersOf(config, role).map((s) => s.address));
  return [...new Set(addresses)].filter((a) => a !== actor && !named.includes(a));
}

/**
 * H-E1 (issue 14): who may record an appeal received outside the complainant's link (by post, phone, in person,
 * SMS): the complaints officer (the closure check's role, H-F2), the appeal officers (H-E1: "auprès d'un chargé
 * de procédures d'appel"), and the case's responsible person and handler, who discuss the answer with the
 * complainant (H-D4). The coordinator may always.
 */
export function appealRecorders(
  config: OrgConfig,
  record: Pick<CaseRecord, "responsible" | "handler">,
): string[] {
  const holders = (role: string) => holdersOf(config, role).map((member) => member.address);
  return [
    ...new Set([
      ...holders(config.steps.closure),
      ...holders(config.steps.appeal),
      ...[record.responsible, record.handler].filter((a): a is string => !!a),
    ]),
  ];
}

/**
 * H-C3: the complainant's phone, email and address show on the page of the person who must contact them (the
 * contact step's actor), and on no other task page (T-8, R-10). An anonymous complainant left none to show.
 */
export function showsComplainantContact(record: Pick<CaseRecord, "anonymous">, step: string): boolean {
  return step === "contact" && !record.anonymous;
}

/** H-B1: the triage officer is a new case's first assignee. */
export function firstAssignee(config: OrgConfig): string {
  return holderOf(config, config.steps.triage);
}

/**
 * T-7: the people named in a complaint receive nothing about it (no task, notification or escalation);
 * the only message about a case that reaches them is T-3's written notice to implicated staff.
 */
export function neverTold(content: Pick<CaseContent, "concernedStaff">): readonly string[] {
  return content.concernedStaff;
}

/** H-D5: who is told when a step is overdue: the assignee's supervisor, else the coordinator; never T-7's named. */
export function escalationRecipient(
  config: OrgConfig,
  assignee: string | null,
  content: Pick<CaseContent, "concernedStaff">,
): string {
  return escalationTarget(config, assignee, neverTold(content));
}

// ------------------------------------------------------------------------------------------- deadlines

/** Deadlines that start with their step (the others are set at receipt or by an earlier decision). */
export function deadlinesStartingWith(
  config: OrgConfig,
  record: CaseRecord,
  step: HumanStep,
  now: Date,
): Deadlines {
  if (record.deadlines[STEP_DEADLINE[step]]) return {};
  const d = config.deadlines;
  // Issue 12: counted on the calendar the case keeps from its receipt.
  const calendar = caseConfig(config, record);
  if (step === "assignment") return { assign: deadlineAfter(calendar, now, d.assign) };
  if (step === "closure") return { closure: deadlineAfter(calendar, now, d.closure) }; // H-F2
  if (step === "appeal") return { appealWindowEnds: deadlineAfter(calendar, now, d.appealWindow) }; // H-D4
  // No contact deadline configured: the contact answers to the response deadline.
  if (step === "contact" && !d.contact)
    return { contact: deadlineAfter(calendar, record.receivedAt, d.respond) };
  return {};
}

/**
 * How many times a missed step is reminded and escalated before the case needs attention. The conclusion
 * adds H-D3's progress updates to the complainant; the appeal window has none (T-10: it just passes).
 */
export function reminderBudget(config: OrgConfig, step: HumanStep): number {
  const { maxReminders, maxProgressUpdates } = config.escalation;
  if (step === "appeal") return 0;
  return step === "conclusion" ? maxReminders + maxProgressUpdates : maxReminders;
}

/** H-D3: the steps before the response, during which the complainant is still waiting for the outcome. */
const BEFORE_RESPONSE: ReadonlySet<HumanStep> = new Set(["triage", "assignment", "contact", "conclusion"]);

/**
 * H-D3: a case past the response deadline (6 weeks) gives the complainant regular updated information,
 * whatever step it is at (triage, assignment, contact or conclusion), when one of that step's overdue wake-ups
 * comes. The conclusion step wakes at the update interval itself (stepCheckpoint); the other steps wake at
 * their reminders, so an update goes out at the first wake-up one interval after the last update.
 */
export function owesProgressUpdate(
  config: OrgConfig,
  record: Pick<CaseRecord, "reachable" | "deadlines" | "status">,
  step: HumanStep,
  now: string,
  lastUpdateAt: string | null,
): boolean {
  if (!record.reachable || record.status === "closed" || !BEFORE_RESPONSE.has(step)) return false;
  const respondBy = record.deadlines.respond;
  if (!respondBy || now < respondBy) return false;
  if (step === "conclusion" || !lastUpdateAt) return true;
  return nextProgressUpdate(config, lastUpdateAt) <= now;
}

/** H-D3: when the update after one sent at `at` is due (the configured interval, else the reminder interval). */
export function nextProgressUpdate(config: OrgConfig, at: string): string {
  return deadlineAfter(
    config,
    at,
    config.deadlines.progressUpdateInterval ?? config.escalation.reminderInterval,
  );
}

/** T-11: how many decision rounds a step can run (the appeal decision restarts once per extension). */
export function stepRounds(config: OrgConfig, step: HumanStep): number {
  return step === "appeal-decision" ? config.appeals.extensions + 1 : 1;
}

/**
 * Issue 14: the instant a step begins after its deadline already passed (null: on time, already recorded, or a
 * wait after a reminder). Recorded once by the step's prepare; stepCheckpoint counts from it.
 */
export function lateStart(
  record: Pick<CaseRecord, "deadlines" | "reminders" | "lateStarts">,
  step: HumanStep,
  now: string,
): string | null {
  const deadline = record.deadlines[STEP_DEADLINE[step]];
  if (!deadline || deadline >= now) return null;
  if ((record.reminders[step] ?? 0) > 0 || record.lateStarts?.[step]) return null;
  return now;
}

/**
 * When the step's current wait ends: its deadline, then each reminder (for the conclusion, H-D3's progress
 * updates once progressUpdateInterval is set).
 */
export function stepCheckpoint(config: OrgConfig, record: CaseRecord, step: HumanStep): string {
  const deadline = record.deadlines[STEP_DEADLINE[step]];
  if (!deadline) throw new Error(`step ${step} of ${record.reference} has no deadline`);
  const k = record.reminders[step] ?? 0;
  const calendar = caseConfig(config, record);
  // Issue 12: a resumed step's actor gets one reminder interval from the resumption before reminders resume;
  // issue 14: so does the actor of a step that began after its deadline (its first link is not born expired,
  // and its first reminder does not come with the task).
  const late = [record.resumedAt, record.lateStarts?.[step]]
    .filter((at): at is string => !!at && at > deadline)
    .sort()
    .at(-1);
  const base = late ? reminderDue(calendar, late, 1) : deadline;
  if (step === "conclusion" && config.deadlines.progressUpdateInterval)
    return progressUpdateDue(calendar, base, k);
  return reminderDue(calendar, base, k);
}

// ------------------------------------------------------------------------------------------- executions

/** Issue 12: the execution of a case's current run: the reference, then `-<n>` for each restart. */
export function executionName(record: Pick<CaseRecord, "reference" | "runs">): string {
  return record.runs ? `${record.reference}-${record.runs}` : record.reference;
}

/**
 * The part of a reminder's ids that tells its round apart: T-11's extension of the appeal decision, and each
 * run of the case (a resumed step counts its reminders again, under new ids).
 */
export function reminderRound(
  record: Pick<CaseRecord, "runs" | "appealExtensions">,
  step: HumanStep,
): string {
  const extension = step === "appeal-decision" ? `${record.appealExtensions}:` : "";
  return record.runs ? `${extension}run${record.runs}:` : extension;
}

/** Issue 12: ids of the closing steps (response, closure) of a case reopened n times carry `:n`. */
export function cycleSuffix(record: Pick<CaseRecord, "reopened">): string {
  return record.reopened ? `:${record.reopened}` : "";
}

/** T-13: a response given after its deadline is late (and must say why). */
export function isLateResponse(record: Pick<CaseRecord, "deadlines">, at: string): boolean {
  return record.deadlines.respond !== undefined && at > record.deadlines.respond;
}

/**
 * an acknowledgement that was never sent, because the complainant cannot be written to (phone only,
 * anonymous): its deadline is not applicable, neither met nor missed.
 */
export function acknowledgementNeverSent(record: Pick<CaseRecord, "reachable">): boolean {
  return !record.reachable;
}

/** Where a deadline stands for R-11's indicator: met, missed, still running, or not applicable. */
export type DeadlineOutcome = "met" | "missed" | "running" | "not-applicable";

/**
 * the share of complaints handled within the set deadlines. A step still open past its deadline counts
 * as missed (not as "not yet completed"), and an acknowledgement that was never sent, because the complainant
 * cannot be written to (phone, anonymous), is not counted as met: it is left out.
 */
export function deadlineOutcome(
  record: Pick<CaseRecord, "reachable" | "met" | "deadlines" | "overdue" | "status">,
  step: DeadlineStep,
  now: string,
): DeadlineOutcome {
  if (step === "acknowledge" && acknowledgementNeverSent(record)) return "not-applicable";
  const met = record.met[step];
  if (met !== undefined) return met ? "met" : "missed";
  if (record.overdue.includes(step)) return "missed";
  const deadline = record.deadlines[step];
  // A closed case never reached this step (a referral has no contact): nothing to count.
  if (!deadline || record.status === "closed") return "not-applicable";
  return Date.parse(deadline) < Date.parse(now) ? "missed" : "running";
}

/** H-C4: the investigator's standing progress link lasts as long as the conclusion step's last possible wait. */
export function progressLinkExpiry(config: OrgConfig, respondBy: string): string {
  return progressUpdateDue(config, respondBy, reminderBudget(config, "conclusion") + 1);
}
