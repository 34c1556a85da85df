// POST /api/complaints/{reference}/actions (CONTRACT.md "Operations", issue 12) and the console's case-page
// forms. The rules (who, which status, what changes) are in functions/domain/actions.ts; this module reads,
// writes each action as one transaction with its timeline event (who, why) and does what follows:
//   note, record-contact (no step waiting)   the event only
//   reassign      the step(s) of one person go to another: links re-issued to the new person and emailed, the
//                 old ones revoked; the step stays with the new person for its reminders
//   resume, retriage, record-contact (the contact step waiting), record-appeal, reopen
//                 the case moves: its running execution (if any) is stopped, the links issued before the action
//                 are revoked, and the next execution, `<reference>-<n>`, starts at the case's step (resume.ts),
//                 whose task email carries a fresh link.
// Idempotent: the event id comes from the caller and their Idempotency-Key, so a retry finds its event, changes
// nothing more, and only finishes what follows (starting an execution by its name is idempotent too).
import { createHash } from "node:crypto";
import { DescribeExecutionCommand, StopExecutionCommand } from "@aws-sdk/client-sfn";
import {
  type ActionEffect,
  type ActionRefusal,
  actionEffect,
  actionSchema,
  type CaseAction,
  currentHumanStep,
  refusal,
} from "../domain/actions.ts";
import type { CaseContent, CaseRecord, TimelineEvent } from "../domain/complaint.ts";
import { executionName, stepActor } from "../domain/procedure.ts";
import { HUMAN_STEPS, type HumanStep } from "../domain/vocabulary.ts";
import { startWorkflow } from "../intake/open-case.ts";
import { type Runtime, requireEnv } from "../lib/runtime.ts";
import { sfn } from "../lib/sfn.ts";
import { outboxStatus } from "../mail/mailer.ts";
import { activeLinksOf, issueLink, revokeLink, type TaskLink } from "../tasks/link-store.ts";
import { resumePlan } from "../workflow/resume.ts";
import { emailTask } from "../workflow/steps.ts";
import type { Caller } from "./auth.ts";

export type ActionResult =
  | { ok: true; applied: boolean; record: CaseRecord }
  | { ok: false; status: 400 | 403 | 404 | 409 | 422; errors: Record<string, string> };

export function actionEventId(caller: Caller, key: string): string {
  return `action-${createHash("sha256").update(`${caller.actor.toLowerCase()}\n${key}`).digest("hex").slice(0, 32)}`;
}

export function parseAction(input: unknown): { action?: CaseAction; errors: Record<string, string> } {
  const parsed = actionSchema.safeParse(input);
  if (parsed.success) return { action: parsed.data, errors: {} };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.map(String).join(".") || "action";
    errors[key] ??= issue.message;
  }
  return { errors };
}

const refused = (r: ActionRefusal): ActionResult => ({
  ok: false,
  status: r.status,
  errors: { [r.field ?? "action"]: r.error },
});

export async function takeAction(
  rt: Runtime,
  caller: Caller,
  reference: string,
  key: string,
  action: CaseAction,
): Promise<ActionResult> {
  const record = await rt.store.get(reference);
  if (!record) return { ok: false, status: 404, errors: { reference: "no such case" } };
  const content = await rt.store.getContent(reference);
  const eventId = actionEventId(caller, key);
  // A replay: the event is there, the action was taken; only what follows it is finished (idempotently).
  const done = await rt.store.event(reference, eventId);
  if (done) {
    if (done.type === "reassigned") await completeReassign(rt, record, done);
    else if (done.type !== "note" && done.type !== "contacted") await restart(rt, record, content, done.at);
    return { ok: true, applied: false, record };
  }
  const now = rt.now().toISOString();
  const refusedNow = refusal(rt.config, caller.audience, record, content, action, now, caller.actor);
  if (refusedNow) return refused(refusedNow);
  if (action.action === "reassign") return reassign(rt, caller, record, content, action, eventId, now);

  let effect: ActionEffect | undefined;
  let refusedLater: ActionRefusal | null = null;
  const result = await rt.store.update(
    reference,
    (current, currentContent) => {
      // Decided again on the latest case (a concurrent change retries the transaction).
      refusedLater = refusal(rt.config, caller.audience, current, currentContent!, action, now, caller.actor);
      if (refusedLater) return null;
      effect = actionEffect(rt.config, current, currentContent!, action, now);
      return {
        record: effect.record,
        content: effect.content,
        ...(effect.details ? { details: effect.details } : {}),
        event: {
          id: eventId,
          at: now,
          type: effect.event.type,
          actor: caller.actor,
          detail: effect.event.detail,
        },
      };
    },
    { withContent: true },
  );
  if (refusedLater) return refused(refusedLater);
  if (result.applied && effect?.restart)
    await restart(rt, result.record, await rt.store.getContent(reference), now, record);
  return { ok: true, applied: result.applied, record: result.record };
}

/**
 * The case moves on: the execution of the run before stops (if still running), links issued before the action
 * are revoked, and the run's execution starts at the case's step (named `<reference>-<runs>`: idempotent).
 */
async function restart(
  rt: Runtime,
  record: CaseRecord,
  content: CaseContent,
  actionAt: string,
  before?: CaseRecord,
): Promise<void> {
  const previous = before ? executionName(before) : null;
  if (previous && previous !== executionName(record)) await stopIfRunning(previous);
  for (const link of await activeLinksOf(rt, record.reference))
    if (link.step !== "progress" && link.createdAt <= actionAt) await revokeLink(rt, link.idHash);
  const plan = resumePlan(rt.config, record, content);
  if (!plan) return;
  await startWorkflow(
    record.reference,
    plan.resumeAt === "receive" ? {} : { resumeAt: plan.resumeAt, case: plan.case },
    executionName(record),
  );
}

async function stopIfRunning(name: string): Promise<void> {
  const stateMachineArn = requireEnv("STATE_MACHINE_ARN");
  const executionArn = `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
  try {
    const described = await sfn().send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== "RUNNING") return;
    await sfn().send(
      new StopExecutionCommand({
        executionArn,
        error: "Superseded",
        cause: "a coordinator action restarted the case",
      }),
    );
  } catch (error) {
    if ((error as Error).name !== "ExecutionDoesNotExist") throw error;
  }
}

/**
 * Reassign: the steps of one person on this case (the current step's actor by default) go to another. The
 * record (assignee, responsible, the steps given) changes with the event, then each of the person's open links
 * is re-issued to the new person (the old one is revoked) and emailed.
 */
async function reassign(
  rt: Runtime,
  caller: Caller,
  record: CaseRecord,
  content: CaseContent,
  action: Extract<CaseAction, { action: "reassign" }>,
  eventId: string,
  at: string,
): Promise<ActionResult> {
  const from = action.from ?? (record.assignee as string);
  const links = (await activeLinksOf(rt, record.reference)).filter((l) => l.actor === from);
  const steps = new Set<HumanStep>();
  for (const link of links)
    if ((HUMAN_STEPS as readonly string[]).includes(link.step) && link.step !== "appeal")
      steps.add(link.step as HumanStep);
  const current = currentHumanStep(rt.config, record, content);
  if (current && current !== "appeal" && stepActor(rt.config, record, current) === from) steps.add(current);
  if (steps.size === 0 && record.assignee !== from && record.responsible !== from)
    return { ok: false, status: 409, errors: { from: "from: this person holds no open step of the case" } };
  const result = await rt.store.update(reference(record), (r) => {
    if (r.version !== record.version) return null; // moved meanwhile: the caller sees the new state
    const stepActors = { ...r.stepActors };
    for (const step of steps) stepActors[step] = action.to;
    return {
      record: {
        stepActors,
        ...(r.assignee === from ? { assignee: action.to } : {}),
        ...(r.responsible === from ? { responsible: action.to } : {}),
        // H-D1: whoever takes over the investigation keeps its details.
        ...(r.handler === from ? { handler: action.to } : {}),
      },
      event: {
        id: eventId,
        at,
        type: "reassigned",
        actor: caller.actor,
        detail: `${from} → ${action.to}: ${action.reason}`.slice(0, 500),
      },
    };
  });
  if (!result.applied)
    return result.record.version === record.version
      ? { ok: true, applied: false, record: result.record }
      : { ok: false, status: 409, errors: { action: "reassign: the case changed meanwhile; try again" } };
  for (const link of links) await handOver(rt, result.record, link, action.to, eventId);
  return { ok: true, applied: true, record: result.record };
}

/** One open link of the person replaced, re-issued to the new person (the old one revoked) and emailed. */
async function handOver(
  rt: Runtime,
  record: CaseRecord,
  link: TaskLink,
  to: string,
  eventId: string,
): Promise<void> {
  const { url } = await issueLink(rt, {
    reference: record.reference,
    step: link.step,
    actor: to,
    taskToken: link.taskToken,
    expiresAt: link.expiresAt,
    language: link.language,
  });
  await emailTask(
    rt,
    record,
    link.step as HumanStep | "progress",
    to,
    url,
    link.expiresAt,
    handOverKey(eventId, link),
  );
}

const handOverKey = (eventId: string, link: Pick<TaskLink, "step">) => `reassigned:${eventId}:${link.step}`;

/** The `from → to: reason` detail of a `reassigned` event (addresses hold neither spaces nor arrows). */
export function reassignedParties(detail: string | undefined): { from: string; to: string } | null {
  const match = /^(\S+) → (\S+?):/.exec(detail ?? "");
  return match ? { from: match[1]!, to: match[2]! } : null;
}

/**
 * A retried reassign whose transaction committed but whose links were not all handed over (a crash, a timeout
 * between the two): every link the replaced person still holds from before the action is handed over, and a
 * link already re-issued to the new person whose email never went out is issued again and emailed (its URL
 * cannot be rebuilt: only its hash is stored). What was done is not done twice (the outbox keys the emails).
 */
async function completeReassign(rt: Runtime, record: CaseRecord, event: TimelineEvent): Promise<void> {
  const parties = reassignedParties(event.detail);
  if (!parties) return;
  for (const link of await activeLinksOf(rt, record.reference)) {
    const stale = link.actor === parties.from && link.createdAt <= event.at;
    const unsent =
      link.actor === parties.to &&
      link.createdAt >= event.at &&
      (await outboxStatus(rt, { reference: record.reference, key: handOverKey(event.id, link) })) !== "sent";
    if (stale || unsent) await handOver(rt, record, link, parties.to, event.id);
  }
}

const reference = (record: CaseRecord) => record.reference;

export interface ReassignAllResult {
  moved: string[];
  refused: Record<string, string>;
}

/**
 * Before leave or a departure: every open case assigned to `from` (byAssignee index) has every step `from`
 * holds on it given to `to`, one case-level `reassign` each (its own transaction, event and emails), keyed on
 * the caller's key and the reference, so a retried request moves nothing twice.
 */
export async function reassignAll(
  rt: Runtime,
  caller: Caller,
  key: string,
  input: { from: string; to: string; reason: string },
): Promise<ReassignAllResult | { refused: ActionRefusal }> {
  if (caller.audience !== "coordinator")
    return { refused: { status: 403, error: "only the coordinator takes actions on a case" } };
  const out: ReassignAllResult = { moved: [], refused: {} };
  for (const record of await rt.store.byAssignee(input.from)) {
    if (record.status === "closed") continue;
    const result = await takeAction(rt, caller, record.reference, `${key}:${record.reference}`, {
      action: "reassign",
      ...input,
    });
    if (result.ok && result.applied) out.moved.push(record.reference);
    else if (result.ok)
      continue; // taken by an earlier try of the same request
    else out.refused[record.reference] = Object.values(result.errors).join("; ");
  }
  // A retried request: a case whose reassignment committed is assigned to `to` now; its hand-over is finished.
  for (const record of await rt.store.byAssignee(input.to)) {
    const done = await rt.store.event(record.reference, actionEventId(caller, `${key}:${record.reference}`));
    if (done?.type === "reassigned") await completeReassign(rt, record, done);
  }
  return out;
}
