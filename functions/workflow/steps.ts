// What each state of the complaint workflow does (workflows/complaint-workflow.ts). The Lambda handlers in
// functions/handlers/ are thin wrappers over these functions. Every function is idempotent: run twice with
// the same input it writes no second event (event ids are deterministic) and sends no second email (outbox).
// Inputs and outputs carry ids and flags only: no personal data enters Step Functions.
import { createHash } from "node:crypto";
import { sendToComplainant } from "../channels/send.ts";
import { keepsDetailsPrivate } from "../domain/access.ts";
import { type ComplainantRoute, complainantRoute } from "../domain/complainant-channel.ts";
import {
  type CaseContent,
  type CaseRecord,
  type Investigation,
  investigationOf,
} from "../domain/complaint.ts";
import type { Language } from "../domain/config.ts";
import { labelIn } from "../domain/config-schema.ts";
import { completeStep, deadlineAfter, metDeadline, secondsUntil } from "../domain/deadlines.ts";
import { caseConfig } from "../domain/live-config.ts";
import {
  type CaseFlags,
  COMPLAINANT,
  caseFlags,
  closureFor,
  cycleSuffix,
  deadlinesStartingWith,
  escalationRecipient,
  firstAssignee,
  lateStart,
  neverTold,
  nextProgressUpdate,
  owesProgressUpdate,
  progressLinkExpiry,
  reminderBudget,
  reminderRound,
  repliedAfterResponse,
  stepActor,
  stepCheckpoint,
  triageCopyRecipients,
  triagedRoute,
} from "../domain/procedure.ts";
import { categoryOf, implicatedToInform, languageOf, notifiedFor, staffMember } from "../domain/routing.ts";
import {
  applyAnswer,
  applyAppeal,
  applyAppealDecision,
  applyAssignment,
  applyClosureCheck,
  applyConclusion,
  applyContact,
  applyTriage,
  type Decision,
} from "../domain/transitions.ts";
import { type HumanStep as DecisionStep, STEP_DEADLINE } from "../domain/vocabulary.ts";
import { SubmissionNotFoundError, TooManyRemindersError } from "../errors.ts";
import { translate } from "../i18n/i18n.ts";
import { caseConsoleUrl as consoleUrl } from "../lib/console-url.ts";
import { emitMetric } from "../lib/metrics.ts";
import type { Runtime } from "../lib/runtime.ts";
import { caseEmailBase } from "../mail/case-email.ts";
import { outboxStatus, sendOnce } from "../mail/mailer.ts";
import { responseData } from "../mail/response-data.ts";
import type { CaseDetails, TaskData, Step as TemplateStep } from "../mail/templates.ts";
import { satisfactionUrl } from "../public/tokens.ts";
import type { Change } from "../store/complaint-store.ts";
import { getSubmission, issueLink, rebindLink, revokeStepLink, submissionsOf } from "../tasks/link-store.ts";

export { SubmissionNotFoundError, TooManyRemindersError };

const SYSTEM = "cfm";
/** The staff step an email names: a step's own, but the appeal window's, which the conclusion's handler minds. */
const templateStep = (step: DecisionStep): TemplateStep => (step === "appeal" ? "conclusion" : step);

const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex").slice(0, 24);

/** What a staff email may say: nothing but the reference for a sensitive case (CONTRACT, H-D1). */
function details(rt: Runtime, record: CaseRecord, language: Language): CaseDetails {
  if (record.sensitive) return { sensitive: true };
  const label = record.category ? labelIn(categoryOf(rt.config, record.category).label, language) : undefined;
  return label ? { sensitive: false, categoryLabel: label } : { sensitive: false };
}

/** What every email to the complainant carries (no name for a sensitive or anonymous case). */
function toComplainant(rt: Runtime, record: CaseRecord, content: CaseContent) {
  return {
    ...caseEmailBase(rt.config, record),
    recipientName: complainantName(record, content),
    sensitive: record.sensitive,
  };
}

/** Where the complainant's messages go: email, SMS or WhatsApp (issue 17), or nowhere. */
function complainantTo(rt: Runtime, record: CaseRecord, content: CaseContent): ComplainantRoute | null {
  return complainantRoute(rt.config, record, content);
}

function complainantName(record: CaseRecord, content: CaseContent): string | undefined {
  if (record.sensitive || record.anonymous) return undefined;
  return content.representative?.name ?? content.complainant?.name ?? undefined;
}

// ---------------------------------------------------------------- receive / acknowledge

export type { CaseFlags };

/** Receive: the case exists (intake wrote it); the triage officer is its first assignee (H-B1). */
export async function receive(rt: Runtime, reference: string): Promise<CaseFlags> {
  const triageOfficer = firstAssignee(rt.config);
  const { record } = await rt.store.update(reference, (r) =>
    r.assignee ? null : { record: { assignee: triageOfficer } },
  );
  emitMetric("ComplaintsReceived", { Channel: record.channel });
  return caseFlags(rt.config, record);
}

/** a short path found to be a complaint: its flags again (it may now be appealed), before its triage. */
export async function reclassified(rt: Runtime, reference: string): Promise<CaseFlags> {
  return caseFlags(rt.config, await rt.store.require(reference));
}

/** H-A2, T-2: acknowledge (and send the written notice) unless the complainant cannot be written to. */
export async function acknowledge(
  rt: Runtime,
  reference: string,
  next?: PrepareNext,
): Promise<CaseRecord | undefined> {
  const record = await rt.store.require(reference);
  const content = await rt.store.getContent(reference);
  const to = complainantTo(rt, record, content);
  if (record.reachable && to) {
    const base = toComplainant(rt, record, content);
    await sendToComplainant(rt, {
      reference,
      key: "acknowledgement",
      to,
      template: "acknowledgement",
      language: record.language,
      data: {
        ...base,
        receivedAt: record.receivedAt,
        respondBy: record.deadlines.respond ?? record.receivedAt,
        contactBy: record.deadlines.contact,
      },
    });
    if (record.deadlines.writtenNotice) {
      const rule = rt.config.deadlines.respond;
      await sendToComplainant(rt, {
        reference,
        key: "written-notice",
        to,
        template: "written-notice",
        language: record.language,
        data: {
          ...base,
          receivedAt: record.receivedAt,
          respondBy: record.deadlines.respond ?? record.receivedAt,
          respondWithinDays: Number(/P(\d+)D/.exec(rule.duration)?.[1] ?? 0) || undefined,
          workingDays: rule.days === "working",
        },
      });
    }
  }
  const at = rt.now().toISOString();
  let preparedInWrite = false;
  const { record: after, applied } = await rt.store.update(
    reference,
    (r, content) => {
      if (r.met.acknowledge !== undefined) return null;
      let completed = completeStep(r, "acknowledge", at);
      if (r.deadlines.writtenNotice) completed = completeStep({ ...r, ...completed }, "writtenNotice", at);
      const change: Change = {
        record: { ...completed, status: r.status === "received" ? "acknowledged" : r.status },
        event: {
          id: "acknowledged",
          type: "acknowledged",
          actor: SYSTEM,
          detail: record.reachable ? (to?.channel ?? "no-contact") : "no-contact",
        },
      };
      const withNext = next ? withPrepared(rt, change, r, content, next) : change;
      preparedInWrite = withNext !== change;
      return withNext;
    },
    { withContent: next !== undefined },
  );
  if (after.met.acknowledge === false) emitMetric("AcknowledgedLate");
  // The record with the next step prepared, when this call wrote it (a retry finds it written: prepare).
  return applied && preparedInWrite ? after : undefined;
}

// ---------------------------------------------------------------- human steps

/** T-3, T-7: the step never goes to a person named in the complaint. */
const actorFor = (rt: Runtime, record: CaseRecord, step: DecisionStep, content: CaseContent | undefined) =>
  stepActor(rt.config, record, step, content ? neverTold(content) : []);
const checkpoint = (rt: Runtime, record: CaseRecord, step: DecisionStep) =>
  stepCheckpoint(rt.config, record, step);

/** What preparing `step` changes on the case (its deadline and actor, a late start), or null: nothing. */
function preparePatch(
  rt: Runtime,
  r: CaseRecord,
  content: CaseContent | undefined,
  step: DecisionStep,
  now: Date,
): Change["record"] | null {
  const deadlines = deadlinesStartingWith(rt.config, r, step, now);
  const actor = actorFor(rt, r, step, content);
  const assignee = actor === COMPLAINANT ? r.assignee : actor;
  const all = { ...r.deadlines, ...deadlines };
  const late = lateStart({ ...r, deadlines: all }, step, now.toISOString());
  if (Object.keys(deadlines).length === 0 && assignee === r.assignee && !late) return null;
  return {
    deadlines: all,
    assignee,
    ...(late ? { lateStarts: { ...r.lateStarts, [step]: late } } : {}),
  };
}

/**
 * The next step prepared in the same write as the change before it (issue 18: one transaction, where the
 * preparation was a second one with its own day counters).
 */
export interface PrepareNext {
  step: DecisionStep;
  now: Date;
}
function withPrepared(
  rt: Runtime,
  change: Change,
  r: CaseRecord,
  content: CaseContent | undefined,
  next: PrepareNext,
): Change {
  const after = { ...r, ...change.record } as CaseRecord;
  let patch: Change["record"] | null;
  try {
    patch = preparePatch(rt, after, { ...content, ...change.content } as CaseContent, next.step, next.now);
  } catch {
    // A step that cannot be prepared (no holder of its role) must not undo the action before it: the action
    // commits alone, and `prepare` after it (then.ts) fails as before, into needs-attention.
    return change;
  }
  // A new object only when the preparation is in it: callers tell by identity whether to prepare again.
  return patch ? { ...change, record: { ...change.record, ...patch } } : change;
}

/** The seconds until `step`'s wait ends (the callback's timeout), on a record where it is prepared. */
export function secondsToWait(rt: Runtime, record: CaseRecord, step: DecisionStep, now: Date): number {
  return secondsUntil(checkpoint(rt, record, step), now);
}

/** prepare: set the step's deadline and actor; answer the seconds until the wait ends (the task timeout). */
export async function prepare(
  rt: Runtime,
  reference: string,
  step: DecisionStep,
): Promise<{ seconds: number }> {
  const now = rt.now();
  const { record } = await rt.store.update(
    reference,
    (r, content) => {
      const patch = preparePatch(rt, r, content, step, now);
      return patch ? { record: patch } : null;
    },
    { withContent: true },
  );
  return { seconds: secondsToWait(rt, record, step, now) };
}

/** open: the callback task's Lambda. Emails one task link (the token stays in the link store). */
export async function open(
  rt: Runtime,
  reference: string,
  step: DecisionStep,
  taskToken: string,
): Promise<void> {
  const record = await rt.store.require(reference);
  const expiresAt = checkpoint(rt, record, step);
  if (step === "appeal") return openAppeal(rt, record, taskToken, expiresAt);
  const actor = actorFor(rt, record, step, await rt.store.getContent(reference));
  const language = languageOf(rt.config, actor);
  const k = record.reminders[step] ?? 0;
  const round = reminderRound(record, step);
  const emailKey = `task:${step}:${round}${k}`;
  // A retried or resumed open for a task already emailed keeps the emailed link: it now answers to this token.
  const emailed = (await outboxStatus(rt, { reference, key: emailKey })) === "sent";
  if (emailed && (await rebindLink(rt, reference, step, taskToken, expiresAt))) return;
  const { url } = await issueLink(rt, { reference, step, actor, taskToken, expiresAt, language });
  const data = {
    ...caseEmailBase(rt.config, record),
    ...details(rt, record, language),
    recipientName: staffMember(rt.config, actor)?.name,
    step: templateStep(step),
    taskUrl: url,
    dueBy: record.deadlines[STEP_DEADLINE[step]] ?? expiresAt,
  };
  // The emailed link was used or revoked meanwhile: the new one needs an email of its own.
  const key = emailed ? `${emailKey}:${tokenHash(taskToken)}` : emailKey;
  if (k === 0) {
    if (step === "conclusion") await openProgress(rt, record, actor, language, data);
    await sendOnce(rt, { reference, key, to: actor, template: "task", language, data });
    if (step === "triage") await triageCopy(rt, record, actor, round);
  } else
    await sendOnce(rt, {
      reference,
      key,
      to: actor,
      template: "reminder",
      language,
      data: { ...data, reminderNumber: k },
    });
}

/**
 * H-B1: the complaints officer triages "with the supervisor": each holder of `steps.triageCopy` is told, once
 * per triage round, who triages the case and by when, with the console link; the untriaged case counts as
 * sensitive, so the email names nothing but the reference. Never a person named in the complaint (T-7).
 */
async function triageCopy(rt: Runtime, record: CaseRecord, actor: string, round: string): Promise<void> {
  const content = await rt.store.getContent(record.reference);
  const recipients = triageCopyRecipients(rt.config, actor, neverTold(content));
  const officerName = staffMember(rt.config, actor)?.name ?? actor;
  for (const address of recipients)
    await sendOnce(rt, {
      reference: record.reference,
      key: `triage-copy:${round}${address}`,
      to: address,
      template: "triage-copy",
      language: languageOf(rt.config, address),
      data: {
        ...caseEmailBase(rt.config, record),
        sensitive: true,
        officerName,
        dueBy: record.deadlines.triage ?? rt.now().toISOString(),
        caseUrl: caseConsoleUrl(rt, record.reference),
      },
    });
  const [first, ...rest] = recipients.map((address) => ({
    id: `triage-copy:${round}${address}`,
    type: "notified" as const,
    actor: SYSTEM,
    detail: address,
  }));
  if (first) await rt.store.update(record.reference, () => ({ event: first, also: rest }));
}

/**
 * Issue 12: a task link given to another person by the coordinator (reassign), emailed once per action and
 * step, with the step's own task email (one link per email).
 */
export async function emailTask(
  rt: Runtime,
  record: CaseRecord,
  step: DecisionStep | "progress",
  actor: string,
  taskUrl: string,
  expiresAt: string,
  key: string,
): Promise<void> {
  const language = languageOf(rt.config, actor);
  await sendOnce(rt, {
    reference: record.reference,
    key,
    to: actor,
    template: "task",
    language,
    data: {
      ...caseEmailBase(rt.config, record),
      ...details(rt, record, language),
      recipientName: staffMember(rt.config, actor)?.name,
      step: step === "progress" ? "progress" : templateStep(step),
      taskUrl,
      dueBy: (step === "progress" ? undefined : record.deadlines[STEP_DEADLINE[step]]) ?? expiresAt,
    },
  });
}

/**
 * H-C4: while investigating, the handler records progress in the system, as often as needed, from a
 * standing link of its own (one link per email, so its own email, sent before the conclusion task so the task
 * stays the newest). It lasts until the case is answered, or the conclusion step's last possible wait.
 */
async function openProgress(
  rt: Runtime,
  record: CaseRecord,
  actor: string,
  language: Language,
  data: TaskData,
): Promise<void> {
  const key = { reference: record.reference, key: "task:progress" };
  if ((await outboxStatus(rt, key)) === "sent") return;
  const respondBy = record.deadlines.respond ?? rt.now().toISOString();
  const expiresAt = progressLinkExpiry(rt.config, respondBy);
  const progress = await issueLink(rt, {
    reference: record.reference,
    step: "progress",
    actor,
    taskToken: "",
    expiresAt,
    language,
  });
  await sendOnce(rt, {
    reference: record.reference,
    key: "task:progress",
    to: actor,
    template: "task",
    language,
    // Issue 14: the date the link works until, as its page shows it (not the conclusion's deadline).
    data: { ...data, step: "progress", taskUrl: progress.url, dueBy: expiresAt },
  });
}

/** The complainant's appeal link travels in the response email (H-D3, H-D4, T-9, T-11). */
async function openAppeal(
  rt: Runtime,
  record: CaseRecord,
  taskToken: string,
  expiresAt: string,
): Promise<void> {
  // The complainant keeps the link of a response already sent; a response not sent yet (a retried send)
  // goes out with a new link.
  const responseSent =
    (await outboxStatus(rt, { reference: record.reference, key: `response${cycleSuffix(record)}` })) ===
    "sent";
  if (responseSent && (await rebindLink(rt, record.reference, "appeal", taskToken, expiresAt))) return;
  const content = await rt.store.getContent(record.reference);
  const to = complainantTo(rt, record, content);
  if (!to && !record.followUp) return;
  const { url } = await issueLink(rt, {
    reference: record.reference,
    step: "appeal",
    actor: COMPLAINANT,
    taskToken,
    expiresAt,
    language: record.language,
  });
  // No address (an anonymous web complainant): the follow-up page offers the appeal through this link.
  if (!to) return;
  await sendResponse(rt, record, content, to, {
    appealUrl: url,
    appealDeadline: record.deadlines.appealWindowEnds ?? expiresAt,
  });
}

/** The investigation of a case: H-D1's private details are read only when the case keeps them. */
async function investigation(rt: Runtime, record: CaseRecord, content: CaseContent): Promise<Investigation> {
  return investigationOf(
    content,
    keepsDetailsPrivate(record) ? await rt.store.getDetails(record.reference) : null,
  );
}

async function sendResponse(
  rt: Runtime,
  record: CaseRecord,
  content: CaseContent,
  to: ComplainantRoute,
  appeal: { appealUrl: string; appealDeadline: string } | Record<string, never>,
): Promise<void> {
  const outcome = content.outcome ?? "unfounded";
  const found = await investigation(rt, record, content);
  await sendToComplainant(rt, {
    reference: record.reference,
    key: `response${cycleSuffix(record)}`,
    to,
    template: "response",
    language: record.language,
    // Issue 14: the text written for the complainant, word for word (previewed on the conclusion page);
    // the internal record of the measures never goes out.
    data: responseData(rt.config, record, content, { outcome, response: found.response }, appeal),
  });
}

/** apply: the submission the task page stored becomes the case's new state, with its timeline event. */
export async function apply(
  rt: Runtime,
  reference: string,
  step: DecisionStep,
  submissionId: string,
  next?: PrepareNext & { route?: string },
): Promise<{ route: string; prepared?: CaseRecord }> {
  const submission = await getSubmission(rt, reference, submissionId);
  if (!submission || submission.step !== step)
    throw new SubmissionNotFoundError(`no ${step} submission ${submissionId} for ${reference}`);
  const at = submission.at;
  const values = submission.values as Record<string, string | undefined>;
  const eventId = `${step}:${submissionId}`;
  // A retry after the decision committed (e.g. its email was throttled) must not decide again on the
  // changed case: it finds the decision's event, takes the route from it and only finishes the emails.
  const done = await rt.store.event(reference, eventId);
  if (done) {
    const record = await rt.store.require(reference);
    const route = routeOf(rt, step, record, done.type);
    await afterDecision(rt, step, record, route);
    return { route };
  }
  let decision: Decision | undefined;
  let prepared = false;
  const result = await rt.store.update(
    reference,
    (record, content) => {
      decision = decide(rt, step, record, content!, values, at, submission.actor);
      const change: Change = {
        record: decision.record,
        content: decision.content,
        ...(decision.details ? { details: decision.details } : {}),
        event: { id: eventId, at, ...decision.event },
        // Ids after the decision's own, so the timeline (ordered by time, then id) lists them after it.
        also: decision.also?.map((e) => ({ id: `${eventId}:${e.type}`, at, ...e })),
      };
      const wanted = next !== undefined && (next.route === undefined || next.route === decision.route);
      const withNext = wanted && next ? withPrepared(rt, change, record, content, next) : change;
      prepared = withNext !== change;
      return withNext;
    },
    { withContent: true },
  );
  if (!decision) throw new Error("unreachable: no decision");
  await afterDecision(rt, step, result.record, decision.route);
  return { route: decision.route, ...(prepared ? { prepared: result.record } : {}) };
}

/**
 * Decisions taken while no execution waited for them (the local stack stopped between a task page's
 * SendTaskSuccess and the apply): applied now, as the execution would have, before the case resumes.
 */
export async function applyPending(rt: Runtime, reference: string): Promise<number> {
  let applied = 0;
  for (const submission of await submissionsOf(rt, reference)) {
    const step = submission.step as DecisionStep;
    if (!(step in STEP_DEADLINE)) continue;
    if (await rt.store.event(reference, `${step}:${submission.id}`)) continue;
    await apply(rt, reference, step, submission.id);
    applied++;
  }
  return applied;
}

/** The route a committed decision took, read back from the case (for a retried apply). */
function routeOf(rt: Runtime, step: DecisionStep, record: CaseRecord, eventType: string): string {
  if (step === "triage") return triagedRoute(rt.config, record) ?? "investigate";
  if (step === "appeal-decision") return eventType === "appeal-extended" ? "extend" : "decided";
  if (step === "answer") return eventType === "retriaged" ? "complaint" : "answered";
  return "next";
}

function decide(
  rt: Runtime,
  step: DecisionStep,
  record: CaseRecord,
  content: CaseContent,
  values: Record<string, string | undefined>,
  at: string,
  actor: string,
): Decision {
  const v = values as never;
  switch (step) {
    case "triage":
      return applyTriage(rt.config, record, content, v, at, actor);
    case "assignment":
      return applyAssignment(record, v, at, actor);
    case "contact":
      return applyContact(record, v, at, actor);
    case "conclusion":
      return applyConclusion(record, v, at, actor);
    case "appeal":
      return applyAppeal(rt.config, record, v, at, neverTold(content));
    case "appeal-decision":
      return applyAppealDecision(rt.config, record, v, at, actor);
    case "closure":
      return applyClosureCheck(record, at, actor);
    case "answer":
      return applyAnswer(rt.config, record, v, at, actor);
  }
}

/** Emails a decision triggers for the complainant. */
async function afterDecision(
  rt: Runtime,
  step: DecisionStep,
  record: CaseRecord,
  route: string,
): Promise<void> {
  if (step !== "appeal" && step !== "appeal-decision") return;
  const content = await rt.store.getContent(record.reference);
  const to = complainantTo(rt, record, content);
  if (!to || !record.reachable) return;
  const base = toComplainant(rt, record, content);
  if (step === "appeal")
    await sendToComplainant(rt, {
      reference: record.reference,
      key: "appeal-acknowledgement",
      to,
      template: "appeal-acknowledgement",
      language: record.language,
      data: {
        ...base,
        receivedAt: rt.now().toISOString(),
        decisionBy: record.deadlines.appealDecision ?? "",
      },
    });
  else if (route === "extend")
    await sendToComplainant(rt, {
      reference: record.reference,
      key: `appeal-extension:${record.appealExtensions}`,
      to,
      template: "appeal-extension",
      language: record.language,
      data: { ...base, decisionBy: record.deadlines.appealDecision ?? "" },
    });
}

/** overdue: a step's deadline passed. Remind (through the next task email), escalate, count it. */
export async function overdue(rt: Runtime, reference: string, step: DecisionStep): Promise<void> {
  const before = await rt.store.require(reference);
  const current = before.reminders[step] ?? 0;
  // A retry of an overdue that already committed finds the new count's wait still running: it only resends
  // that reminder's emails (the outbox keeps them single). Otherwise this is the next reminder.
  const retry = rt.now().toISOString() < checkpoint(rt, before, step);
  const k = retry ? current : current + 1;
  const max = reminderBudget(rt.config, step);
  if (k > max) throw new TooManyRemindersError(`${reference}: ${step} still open after ${max} reminders`);
  // T-11: an extended appeal decision starts a new round of reminders with ids of its own (so does a resumed run).
  const round = reminderRound(before, step);
  const deadlineStep = STEP_DEADLINE[step];
  const assignee = before.assignee;
  // T-7: the escalation never goes to a person named in the complaint.
  const content = await rt.store.getContent(reference);
  const target = escalationRecipient(rt.config, assignee, content);
  const { record, applied } = retry
    ? { record: before, applied: false }
    : await rt.store.update(reference, (r) => {
        if ((r.reminders[step] ?? 0) >= k) return null;
        return {
          record: {
            reminders: { ...r.reminders, [step]: k },
            overdue: r.overdue.includes(deadlineStep) ? r.overdue : [...r.overdue, deadlineStep],
          },
          event: { id: `reminder:${step}:${round}${k}`, type: "reminder", actor: SYSTEM, detail: step },
          also: [{ id: `escalated:${step}:${round}${k}`, type: "escalated", actor: SYSTEM, detail: target }],
        };
      });
  if (!retry && !applied && (record.reminders[step] ?? 0) < k)
    // The reminder's event exists but the count did not move: waiting again would loop without end.
    throw new Error(`${reference}: reminder ${round}${k} of ${step} was already recorded`);
  if (applied) {
    emitMetric("StepOverdue", { Step: deadlineStep });
    if (k === 1) emitMetric("DeadlineBreached", { Step: deadlineStep });
  }
  const language = languageOf(rt.config, target);
  const deadline = record.deadlines[deadlineStep] ?? rt.now().toISOString();
  await sendOnce(rt, {
    reference,
    key: `escalation:${step}:${round}${k}`,
    to: target,
    template: "escalation",
    language,
    data: {
      ...caseEmailBase(rt.config, record),
      ...details(rt, record, language),
      step: templateStep(step),
      assignee: assignee ?? "-",
      dueBy: deadline,
      daysLate: Math.max(0, Math.floor((rt.now().getTime() - new Date(deadline).getTime()) / 86_400_000)),
      remindersSent: k,
      recipientRole: target === rt.config.organisation.coordinator ? "coordinator" : "supervisor",
    },
  });
  // H-E2: the member handling the appeal is reminded too: they keep the complainant and parties informed.
  const member = step === "appeal-decision" ? record.appealHandler : null;
  if (member && member !== assignee && !neverTold(content).includes(member))
    await sendOnce(rt, {
      reference,
      key: `appeal-member-reminder:${round}${k}`,
      to: member,
      template: "appeal-member",
      language: languageOf(rt.config, member),
      data: {
        ...caseEmailBase(rt.config, record),
        sensitive: true,
        recipientName: staffMember(rt.config, member)?.name,
        officerName: staffMember(rt.config, assignee ?? "")?.name ?? assignee ?? "-",
        decisionBy: deadline,
        caseUrl: caseConsoleUrl(rt, reference),
        reminder: true,
      },
    });
  await progressUpdate(rt, record, content, step, `${round}${k}`, k);
}

/**
 * H-D3: past the response deadline, the complainant gets regular updated information, whatever step the
 * case is at (procedure.owesProgressUpdate). The conclusion's updates keep their ids (`progress-update:<k>`).
 */
async function progressUpdate(
  rt: Runtime,
  record: CaseRecord,
  content: CaseContent,
  step: DecisionStep,
  wakeUp: string,
  k: number,
): Promise<void> {
  const now = rt.now().toISOString();
  const respondBy = record.deadlines.respond;
  if (!record.reachable || !respondBy || now < respondBy) return;
  const last =
    step === "conclusion"
      ? null
      : ((await rt.store.timeline(record.reference))
          .filter((e) => e.type === "notified" && e.detail === "progress-update")
          .at(-1)?.at ?? null);
  if (!owesProgressUpdate(rt.config, record, step, now, last)) return;
  const to = complainantTo(rt, record, content);
  if (!to) return;
  const id = step === "conclusion" ? `progress-update:${k}` : `progress-update:${step}:${wakeUp}`;
  await sendToComplainant(rt, {
    reference: record.reference,
    key: id,
    to,
    template: "progress-update",
    language: record.language,
    data: {
      ...toComplainant(rt, record, content),
      receivedAt: record.receivedAt,
      nextUpdateBy: step === "conclusion" ? checkpoint(rt, record, step) : nextProgressUpdate(rt.config, now),
    },
  });
  await rt.store.update(record.reference, () => ({
    event: { id, type: "notified", actor: SYSTEM, detail: "progress-update" },
  }));
}

// ---------------------------------------------------------------- automatic steps

/** H-B2: notify the roles of the category; T-3: inform implicated staff. Never a person concerned (T-7). */
export async function notify(rt: Runtime, reference: string): Promise<void> {
  const record = await rt.store.require(reference);
  const content = await rt.store.getContent(reference);
  if (!record.category) return;
  const facts = {
    concernedStaff: content.concernedStaff,
    conflict: record.flags.includes("conflict-of-interest"),
  };
  const category = categoryOf(rt.config, record.category);
  const notified = notifiedFor(rt.config, record.category, facts);
  for (const address of notified) {
    const language = languageOf(rt.config, address);
    const role = category.notify.find((r) => staffMember(rt.config, address)?.roles.includes(r)) ?? "";
    await sendOnce(rt, {
      reference,
      key: `notification:${address}`,
      to: address,
      template: "notification",
      language,
      data: {
        ...caseEmailBase(rt.config, record),
        ...details(rt, record, language),
        notifiedAs: rt.config.roles[role]?.[language] ?? role,
      },
    });
  }
  const implicated = implicatedToInform(rt.config, facts);
  for (const address of implicated) {
    const language = languageOf(rt.config, address);
    await sendOnce(rt, {
      reference,
      key: `implicated:${address}`,
      to: address,
      template: "implicated-staff",
      language,
      data: { ...caseEmailBase(rt.config, record), sensitive: true, receivedAt: record.receivedAt },
    });
  }
  const events = [...notified, ...implicated].map((address) => ({
    id: `notified:${address}`,
    type: "notified" as const,
    actor: SYSTEM,
    detail: address,
  }));
  const [first, ...rest] = events;
  if (first) await rt.store.update(reference, () => ({ event: first, also: rest }));
}

/** After the conclusion: the case is answered (H-D3, T-9). The email goes now, or with the appeal link. */
export async function respond(
  rt: Runtime,
  reference: string,
  appealable: boolean,
  next?: PrepareNext,
): Promise<CaseRecord | undefined> {
  const now = rt.now();
  const at = now.toISOString();
  let preparedInWrite = false;
  const { record, applied } = await rt.store.update(
    reference,
    (r, content) => {
      if (r.status === "responded") return null;
      const change: Change = {
        record: {
          status: "responded",
          ...completeStep(r, "respond", at),
          deadlines: appealable
            ? {
                ...r.deadlines,
                appealWindowEnds: deadlineAfter(
                  caseConfig(rt.config, r),
                  now,
                  rt.config.deadlines.appealWindow,
                ),
              }
            : r.deadlines,
          assignee: appealable ? r.assignee : null,
        },
        event: {
          id: `responded${cycleSuffix(r)}`,
          type: "responded",
          actor: r.assignee ?? SYSTEM,
          detail: metDeadline(r, "respond", at) ? "on-time" : "late",
        },
      };
      const withNext = next ? withPrepared(rt, change, r, content, next) : change;
      preparedInWrite = withNext !== change;
      return withNext;
    },
    { withContent: next !== undefined },
  );
  if (applied && record.met.respond === false) emitMetric("DeadlineBreached", { Step: "respond" });
  if (!appealable && record.reachable) {
    const content = await rt.store.getContent(reference);
    const to = complainantTo(rt, record, content);
    if (to) await sendResponse(rt, record, content, to, {});
  }
  return applied && preparedInWrite ? record : undefined;
}

/** H-C3 (e): referral; T-4: the written decision of inadmissibility. */
export async function answerWithoutInvestigation(
  rt: Runtime,
  reference: string,
  kind: "referral" | "inadmissible",
): Promise<void> {
  const record = await rt.store.require(reference);
  const content = await rt.store.getContent(reference);
  const to = complainantTo(rt, record, content);
  if (record.reachable && to) {
    const base = toComplainant(rt, record, content);
    if (kind === "referral")
      await sendToComplainant(rt, {
        reference,
        key: `referral${cycleSuffix(record)}`,
        to,
        template: "referral",
        language: record.language,
        data: { ...base, referralNote: content.triageReason ?? "" },
      });
    else
      await sendToComplainant(rt, {
        reference,
        key: `inadmissible${cycleSuffix(record)}`,
        to,
        template: "inadmissible",
        language: record.language,
        data: { ...base, reason: content.triageReason ?? "", receivedAt: record.receivedAt },
      });
  }
  const at = rt.now().toISOString();
  await rt.store.update(reference, (r) => ({
    record: { ...completeStep(r, "respond", at), status: "responded" },
    event: { id: `responded${cycleSuffix(r)}`, type: "responded", actor: r.assignee ?? SYSTEM, detail: kind },
  }));
}

/**
 * the answer to a suggestion or an information request, or the thanks for positive feedback, in the
 * person's words: its own email (never "votre plainte est fondée", never an appeal link), which also says the
 * matter is closed.
 */
export async function sendAnswer(rt: Runtime, reference: string): Promise<void> {
  const record = await rt.store.require(reference);
  if (!record.reachable) return;
  const content = await rt.store.getContent(reference);
  const to = complainantTo(rt, record, content);
  if (!to) return;
  await sendToComplainant(rt, {
    reference,
    key: `answer${cycleSuffix(record)}`,
    to,
    template: "answer",
    language: record.language,
    data: { ...toComplainant(rt, record, content), answerText: content.response ?? undefined },
  });
}

/** H-F1: all parties are informed of the appeal decision. */
export async function informParties(rt: Runtime, reference: string): Promise<void> {
  const record = await rt.store.require(reference);
  const content = await rt.store.getContent(reference);
  const to = complainantTo(rt, record, content);
  if (record.reachable && to && record.appealOutcome)
    await sendToComplainant(rt, {
      reference,
      key: "appeal-decision",
      to,
      template: "appeal-decision",
      language: record.language,
      data: {
        ...toComplainant(rt, record, content),
        decision: record.appealOutcome,
        reasoning: content.appealReasoning ?? "",
      },
    });
  // T-7: a party named in the complaint is not told (the closure check goes to someone else, see stepActor).
  const named = neverTold(content);
  // H-E2: the member who handled the appeal is told of its decision too.
  const closer = stepActor(rt.config, record, "closure", named);
  const staff = [
    ...new Set(
      [record.responsible, closer, record.appealHandler].filter(
        (a): a is string => !!a && !named.includes(a),
      ),
    ),
  ];
  for (const address of staff) {
    const language = languageOf(rt.config, address);
    await sendOnce(rt, {
      reference,
      key: `appeal-decided:${address}`,
      to: address,
      template: "notification",
      language,
      data: {
        ...caseEmailBase(rt.config, record),
        ...details(rt, record, language),
        // H-F1: each party is told in the role it holds on the case (never an empty "en tant que .").
        notifiedAs:
          address === record.responsible
            ? roleLabel(rt, address, language)
            : address === closer
              ? roleLabel(rt, address, language, rt.config.steps.closure)
              : translate(language, "mail.appealMember.role"),
        step: "appeal-decision",
      },
    });
  }
  await rt.store.update(reference, () => ({
    event: { id: "parties-informed", type: "notified", actor: SYSTEM, detail: "appeal-decision" },
  }));
}

/** The label of the role a staff member is told in: the one given, else their first role. */
function roleLabel(rt: Runtime, address: string, language: Language, role?: string): string {
  const id = role ?? staffMember(rt.config, address)?.roles[0] ?? "";
  return rt.config.roles[id]?.[language] ?? id;
}

/** Close (H-F2, T-10, T-12): closure reason, retention expiry, the complainant told. */
export async function close(rt: Runtime, reference: string, cause: string): Promise<void> {
  const before = await rt.store.require(reference);
  // T-10: a reply inside the window is not "no reply" (the assignee was told of it when it came in).
  const replied =
    cause === "window-passed" && repliedAfterResponse(before, await rt.store.getContent(reference));
  const closure = closureFor(rt.config, cause, replied);
  if (cause === "window-passed") await revokeStepLink(rt, reference, "appeal");
  const at = rt.now().toISOString();
  const retainUntil = new Date(
    deadlineAfter(rt.config, at, { duration: rt.config.retention, days: "calendar" }),
  );
  // A retry after the closure committed still sends the closure email (the outbox keeps it single).
  const { record } = await rt.store.update(reference, (r) => {
    if (r.status === "closed") return null;
    const met = cause === "window-passed" ? { ...r.met, appealWindowEnds: true } : r.met;
    return {
      record: { status: "closed", closure, closedAt: at, assignee: null, met, overdue: [] },
      event: { id: `closed${cycleSuffix(r)}`, type: "closed", actor: SYSTEM, detail: closure },
      expiresAt: Math.floor(retainUntil.getTime() / 1000),
    };
  });
  const closedAs = record.closure ?? closure;
  if (!record.reachable || closedAs === "referred" || closedAs === "inadmissible") return;
  // the answer (or the thanks) already told the person the matter is closed.
  if (cause === "answered") return;
  const content = await rt.store.getContent(reference);
  const to = complainantTo(rt, record, content);
  if (to)
    await sendToComplainant(rt, {
      reference,
      key: `closure${cycleSuffix(record)}`,
      to,
      template: "closure",
      language: record.language,
      data: {
        ...toComplainant(rt, record, content),
        closure: closedAs,
        // Closing the loop (CHS commitment 5): one question, on a link that answers for this case only.
        satisfactionUrl: satisfactionUrl(rt.taskBaseUrl, await rt.linkSecret(), reference),
      },
    });
}

/** The console's page of a case (the console is served beside the task links, under /console). */
export function caseConsoleUrl(rt: Runtime, reference: string): string {
  return consoleUrl(rt.taskBaseUrl, reference);
}

/** Needs attention: flag the case, tell the coordinator, count it. All data stays where it is. */
export async function needsAttention(rt: Runtime, reference: string, error: string): Promise<void> {
  const record = await rt.store.require(reference);
  const coordinator = rt.config.organisation.coordinator;
  await rt.store.update(reference, (r) =>
    r.flags.includes("needs-attention")
      ? null
      : {
          record: { flags: [...r.flags, "needs-attention"] },
          event: {
            id: `needs-attention:${r.version}`,
            type: "escalated",
            actor: SYSTEM,
            detail: `needs-attention: ${error}`.slice(0, 200),
          },
        },
  );
  emitMetric("NeedsAttention");
  // Keyed on the flagging event, so a retry (which finds the flag already set) sends no second email.
  const flagged = (await rt.store.timeline(reference))
    .filter((e) => e.id.startsWith("needs-attention:"))
    .at(-1);
  const language = languageOf(rt.config, coordinator);
  await sendOnce(rt, {
    reference,
    key: flagged?.id ?? `needs-attention:${record.version}`,
    to: coordinator,
    template: "needs-attention",
    language,
    data: {
      ...caseEmailBase(rt.config, record),
      ...details(rt, record, language),
      reason: error === "TooManyRemindersError" ? "reminders-exhausted" : "error",
      detail: error.slice(0, 100),
      // Issue 12: the case page, where the coordinator resumes or reassigns the case.
      caseUrl: caseConsoleUrl(rt, reference),
    },
  });
}
