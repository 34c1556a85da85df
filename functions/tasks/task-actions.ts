// What a task link does, independent of HTTP: look a link up (GET: changes nothing) and act on it (POST:
// validate, consume once, SendTaskSuccess). The task-pages handler renders these results as HTML.

import { createHash } from "node:crypto";
import { SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { keepsDetailsPrivate } from "../domain/access.ts";
import type { CaseRecord } from "../domain/complaint.ts";
import type { Language } from "../domain/config.ts";
import { factsTooOld } from "../domain/deadlines.ts";
import { appealExtensionAvailable, isLateResponse } from "../domain/procedure.ts";
import { translate } from "../i18n/i18n.ts";
import type { Runtime } from "../lib/runtime.ts";
import { sfn } from "../lib/sfn.ts";
import { type FormBody, type FormValues, parseForm, type TaskAction } from "./forms.ts";
import {
  consumeWithSubmission,
  deleteSubmission,
  getLink,
  LinkAlreadyUsedError,
  releaseLink,
  type TaskLink,
} from "./link-store.ts";
import { csrfNonce, verifyCsrfNonce, verifyLink } from "./link-token.ts";

export type LinkProblem =
  | { kind: "forbidden" } // tampered or malformed signature
  | { kind: "not-found" }
  | { kind: "already-done"; link: TaskLink; record: CaseRecord | null }
  | { kind: "expired"; link: TaskLink; record: CaseRecord | null };

export type LoadedTask = {
  kind: "open";
  link: TaskLink;
  record: CaseRecord;
  nonce: string;
  late: boolean;
  extensionAvailable: boolean;
  /** Triage: the facts are too old to be admitted (T-4). */
  factsTooOld: boolean;
};

/** Errors of SendTaskSuccess that mean the step is over (timed out, re-issued or finished). */
const FINAL_TOKEN_ERRORS = new Set(["TaskTimedOut", "InvalidToken", "TaskDoesNotExist"]);

/** Nonces run on the real clock, not the local stack's virtual one (a clock jump must not expire a form). */
const realNow = () => Math.round(performance.timeOrigin + performance.now());

export async function loadTask(rt: Runtime, token: string): Promise<LoadedTask | LinkProblem> {
  const secret = await rt.linkSecret();
  const verified = verifyLink(secret, token);
  if (!verified.ok) return { kind: "forbidden" };
  const link = await getLink(rt, verified.idHash);
  if (!link) return { kind: "not-found" };
  const record = await rt.store.get(link.reference);
  if (link.status === "used") return { kind: "already-done", link, record };
  if (
    link.status !== "active" ||
    !record ||
    record.status === "closed" ||
    rt.now().toISOString() > link.expiresAt
  )
    return { kind: "expired", link, record };
  // H-C4: progress is recorded while the case is being investigated, not after the response.
  if (link.step === "progress" && !["assigned", "investigating"].includes(record.status))
    return { kind: "expired", link, record };
  return {
    kind: "open",
    link,
    record,
    nonce: csrfNonce(secret, link.idHash, realNow()),
    late: link.step === "conclusion" && isLateResponse(record, rt.now().toISOString()),
    extensionAvailable: link.step === "appeal-decision" && appealExtensionAvailable(rt.config, record),
    factsTooOld:
      link.step === "triage" &&
      factsTooOld(rt.config, (await rt.store.getContent(record.reference)).factsDate, record.receivedAt),
  };
}

export type SubmitResult =
  | LinkProblem
  | { kind: "invalid"; task: LoadedTask; errors: Record<string, string>; values: FormBody }
  | { kind: "done"; link: TaskLink; record: CaseRecord; submissionId: string };

export async function submitTask(
  rt: Runtime,
  token: string,
  body: FormBody,
  language?: Language,
): Promise<SubmitResult> {
  const task = await loadTask(rt, token);
  if (task.kind !== "open") return task;
  const { link } = task;
  const lang = language ?? link.language;
  const secret = await rt.linkSecret();
  const nonce = verifyCsrfNonce(secret, link.idHash, body.nonce, { now: realNow() });
  if (!nonce.ok) {
    const message = translate(lang, "pages.form.field.expired");
    return { kind: "invalid", task, errors: { nonce: message }, values: body };
  }
  const parsed = parseForm(link.step as TaskAction, body, {
    language: lang,
    config: rt.config,
    late: task.late,
    extensionAvailable: task.extensionAvailable,
    factsTooOld: task.factsTooOld,
    receivedAt: task.record.receivedAt,
    // R-6: positive feedback may be thanked without a text of one's own.
    answerTextRequired: task.record.kind !== "positive",
  });
  if (!parsed.ok)
    return { kind: "invalid", task, errors: parsed.errors as Record<string, string>, values: body };
  const { nonce: _nonce, ...values } = parsed.value as FormValues[TaskAction] & { nonce: string };
  if (link.step === "progress")
    return recordProgress(rt, task, values as { note: string }, String(body.nonce));
  const completed = await completeLink(rt, link, values);
  if (completed.kind !== "done") return { kind: completed.kind, link, record: task.record };
  return { kind: "done", link, record: task.record, submissionId: completed.submissionId };
}

/**
 * Consumes an active link with validated values and hands them to the waiting workflow step, exactly once.
 * Shared by the task pages and the complainant's follow-up page (which acts through the appeal link).
 */
export async function completeLink(
  rt: Runtime,
  link: TaskLink,
  values: Omit<FormValues[TaskAction], "nonce">,
): Promise<{ kind: "done"; submissionId: string } | { kind: "already-done" | "expired" }> {
  let submissionId: string;
  try {
    submissionId = (await consumeWithSubmission(rt, link, values)).id;
  } catch (error) {
    if (error instanceof LinkAlreadyUsedError) return { kind: "already-done" };
    throw error;
  }
  try {
    await sfn().send(
      new SendTaskSuccessCommand({ taskToken: link.taskToken, output: JSON.stringify({ submissionId }) }),
    );
  } catch (error) {
    const name = (error as Error).name;
    // The workflow will never apply this submission: drop it, so no recovery applies it later either.
    await deleteSubmission(rt, link.reference, submissionId);
    if (FINAL_TOKEN_ERRORS.has(name)) return { kind: "expired" };
    // Not final (throttling, network): give the link back so the person can try again.
    await releaseLink(rt, link, submissionId);
    throw error;
  }
  return { kind: "done", submissionId };
}

/**
 * H-C4: a progress note is recorded directly (no workflow step waits for it) and the standing link stays
 * usable. The event id derives from the form's nonce, so a replayed POST records the note once.
 */
async function recordProgress(
  rt: Runtime,
  task: LoadedTask,
  values: { note: string },
  nonce: string,
): Promise<SubmitResult> {
  const at = rt.now().toISOString();
  const id = `progress:${createHash("sha256").update(`${task.link.idHash}:${nonce}`).digest("hex").slice(0, 24)}`;
  const { record } = await rt.store.update(
    task.record.reference,
    (record, content) => ({
      // H-D1: a sensitive case's notes are appended to its private details, never the shared content.
      ...(keepsDetailsPrivate(record)
        ? { details: { progress: [{ at, note: values.note }] } }
        : { content: { progress: [...(content?.progress ?? []), { at, note: values.note }] } }),
      event: { id, at, type: "progress", actor: task.link.actor, detail: "note" },
    }),
    { withContent: true },
  );
  return { kind: "done", link: task.link, record, submissionId: id };
}
