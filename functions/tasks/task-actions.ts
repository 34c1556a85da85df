// What a task link does, independent of HTTP: look a link up (GET: changes nothing) and act on it (POST:
// validate, consume once, SendTaskSuccess). The task-pages handler renders these results as HTML.

import { createHash } from "node:crypto";
import { SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { keepsDetailsPrivate } from "../domain/access.ts";
import type { CaseRecord } from "../domain/complaint.ts";
import type { Language } from "../domain/config.ts";
import { deadlineAfter, factsTooOld } from "../domain/deadlines.ts";
import { caseConfig } from "../domain/live-config.ts";
import {
  appealExtensionAvailable,
  caseFlags,
  isLateResponse,
  neverTold,
  offersExplanations,
} from "../domain/procedure.ts";
import { languageOf, staffMember } from "../domain/routing.ts";
import { applyAppealMember } from "../domain/transitions.ts";
import { InvalidDecisionError } from "../errors.ts";
import { translate } from "../i18n/i18n.ts";
import { caseConsoleUrl } from "../lib/console-url.ts";
import type { Runtime } from "../lib/runtime.ts";
import { sfn } from "../lib/sfn.ts";
import { caseEmailBase } from "../mail/case-email.ts";
import { sendOnce } from "../mail/mailer.ts";
import { previewResponse, type ResponsePreview } from "../mail/response-data.ts";
import { requestExplanations } from "../workflow/explanations.ts";
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

/** The timeline id of what a form records without a workflow step: one per link and form, so a replayed POST records once. */
const formEventId = (kind: string, task: LoadedTask, nonce: string) =>
  `${kind}:${createHash("sha256").update(`${task.link.idHash}:${nonce}`).digest("hex").slice(0, 24)}`;

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
  /** Appeal: the complainant may ask for explanations first (H-D4). */
  explanations: boolean;
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
    explanations: link.step === "appeal" && offersExplanations(rt.config, record),
    factsTooOld:
      link.step === "triage" &&
      factsTooOld(rt.config, (await rt.store.getContent(record.reference)).factsDate, record.receivedAt),
  };
}

export type SubmitResult =
  | LinkProblem
  | { kind: "invalid"; task: LoadedTask; errors: Record<string, string>; values: FormBody }
  | {
      kind: "done";
      link: TaskLink;
      record: CaseRecord;
      submissionId: string;
      /**
       * The step stays open and the link valid: H-F2 the closure check answered "not yet"; H-E2 the appeal
       * officer assigned the member handling the appeal.
       */
      pending?: "closure" | "appeal-member" | "explanations";
    };

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
    explanations: task.explanations,
  });
  if (!parsed.ok)
    return { kind: "invalid", task, errors: parsed.errors as Record<string, string>, values: body };
  const { nonce: _nonce, ...values } = parsed.value as FormValues[TaskAction] & { nonce: string };
  if (link.step === "progress")
    return recordProgress(rt, task, values as { note: string }, String(body.nonce));
  if (link.step === "closure" && (values as { confirm?: string }).confirm === "not-yet")
    return closureNotYet(rt, task, (values as { note: string }).note, String(body.nonce));
  if (link.step === "appeal" && (values as { request?: string }).request === "explanations")
    return explanationRequest(rt, task, (values as { reason: string }).reason, String(body.nonce));
  if (link.step === "appeal-decision" && (values as { decision?: string }).decision === "assign")
    return appealMember(rt, task, (values as { member: string }).member, String(body.nonce), lang, body);
  const completed = await completeLink(rt, link, values);
  if (completed.kind !== "done") return { kind: completed.kind, link, record: task.record };
  return { kind: "done", link, record: task.record, submissionId: completed.submissionId };
}

export type PreviewResult =
  | LinkProblem
  | { kind: "invalid"; task: LoadedTask; errors: Record<string, string>; values: FormBody }
  | { kind: "preview"; task: LoadedTask; values: FormBody; preview: ResponsePreview };

/**
 * Issue 14: the conclusion form posted with `preview=yes`: validated as a submission would be, nothing
 * recorded, and the response rendered exactly as the complainant will receive it (response-data.ts). An
 * appeal link that would go with it is shown with a placeholder address and the window's end from now.
 */
export async function previewTask(rt: Runtime, token: string, body: FormBody): Promise<PreviewResult> {
  const task = await loadTask(rt, token);
  if (task.kind !== "open") return task;
  const { link, record } = task;
  // Only the conclusion previews; another step's page is shown again as posted.
  if (link.step !== "conclusion") return { kind: "invalid", task, errors: {}, values: body };
  const secret = await rt.linkSecret();
  if (!verifyCsrfNonce(secret, link.idHash, body.nonce, { now: realNow() }).ok)
    return {
      kind: "invalid",
      task,
      errors: { nonce: translate(link.language, "pages.form.field.expired") },
      values: body,
    };
  const parsed = parseForm("conclusion", body, {
    language: link.language,
    config: rt.config,
    late: task.late,
  });
  if (!parsed.ok)
    return { kind: "invalid", task, errors: parsed.errors as Record<string, string>, values: body };
  const now = rt.now();
  const appeal = caseFlags(rt.config, record).appealable
    ? {
        appealUrl: new URL("…", rt.taskBaseUrl).toString(),
        appealDeadline: deadlineAfter(caseConfig(rt.config, record), now, rt.config.deadlines.appealWindow),
      }
    : {};
  const content = await rt.store.getContent(record.reference);
  const shown = previewResponse(
    rt.config,
    record,
    content,
    { outcome: parsed.value.outcome, response: parsed.value.response },
    appeal,
  );
  // The appeal link does not exist yet: say what goes there instead of a placeholder address.
  const placeholder = "appealUrl" in appeal ? appeal.appealUrl : null;
  const preview =
    placeholder && shown.channel !== "none"
      ? {
          ...shown,
          text: shown.text
            .split(placeholder)
            .join(
              translate(
                link.language,
                offersExplanations(rt.config, record)
                  ? "pages.task.preview.explanationsLink"
                  : "pages.task.preview.appealLink",
              ),
            ),
        }
      : shown;
  return { kind: "preview", task, values: body, preview };
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
 * H-F2: "not yet": the complaints officer checked the case and the appeal procedure is not finished. Nothing
 * waits for this answer: the note is recorded (a progress note, kept private for a sensitive case, H-D1), the
 * responsible person is emailed what remains, and the link stays usable to close the case later. Idempotent
 * per form (the event id derives from its nonce).
 */
async function closureNotYet(
  rt: Runtime,
  task: LoadedTask,
  note: string,
  nonce: string,
): Promise<SubmitResult> {
  const at = rt.now().toISOString();
  const id = formEventId("closure-not-yet", task, nonce);
  const { record } = await rt.store.update(
    task.record.reference,
    (current, content) => ({
      ...(keepsDetailsPrivate(current)
        ? { details: { progress: [{ at, note }] } }
        : { content: { progress: [...(content?.progress ?? []), { at, note }] } }),
      event: { id, at, type: "progress", actor: task.link.actor, detail: "closure-not-yet" },
    }),
    { withContent: true },
  );
  const responsible = record.responsible;
  if (responsible && responsible !== task.link.actor) {
    const language = languageOf(rt.config, responsible);
    await sendOnce(rt, {
      reference: record.reference,
      key: id,
      to: responsible,
      template: "closure-pending",
      language,
      data: {
        ...caseEmailBase(rt.config, record),
        recipientName: staffMember(rt.config, responsible)?.name,
        officerName: staffMember(rt.config, task.link.actor)?.name ?? task.link.actor,
        ...(record.sensitive ? { sensitive: true as const } : { sensitive: false as const, note }),
      },
    });
  }
  return { kind: "done", link: task.link, record, submissionId: id, pending: "closure" };
}

/**
 * H-D4: the complainant asks for explanations before appealing. Nothing waits for this (non-blocking): the
 * question is kept with the case and on the timeline, the handler and the responsible person are emailed it with
 * the case page, and the same link still appeals until the appeal window ends (unchanged). Idempotent per form.
 */
async function explanationRequest(
  rt: Runtime,
  task: LoadedTask,
  question: string,
  nonce: string,
): Promise<SubmitResult> {
  const id = formEventId("explanations", task, nonce);
  const record = await requestExplanations(rt, task.record.reference, question, id);
  return { kind: "done", link: task.link, record, submissionId: id, pending: "explanations" };
}

/**
 * H-E2: the appeal officer assigns the member who handles the appeal and keeps the complainant and parties
 * informed. Nothing waits for this answer: the case records the member (`appealHandler`, an `assigned` event),
 * the member is emailed the case page, and the link stays usable for the decision. Idempotent per form.
 */
async function appealMember(
  rt: Runtime,
  task: LoadedTask,
  member: string,
  nonce: string,
  language: Language,
  body: FormBody,
): Promise<SubmitResult> {
  const at = rt.now().toISOString();
  const id = formEventId("appeal-member", task, nonce);
  const named = neverTold(await rt.store.getContent(task.record.reference));
  try {
    applyAppealMember(task.record, member, task.link.actor, named);
  } catch (error) {
    if (!(error instanceof InvalidDecisionError)) throw error;
    // T-7: a person named in the complaint is never given its appeal.
    return {
      kind: "invalid",
      task,
      errors: { member: translate(language, "pages.form.error.appeal-member-named") },
      values: body,
    };
  }
  const { record } = await rt.store.update(task.record.reference, (current) => {
    const decided = applyAppealMember(current, member, task.link.actor, named);
    return { record: decided.record, event: { id, at, ...decided.event } };
  });
  const to = record.appealHandler ?? member.toLowerCase();
  await sendOnce(rt, {
    reference: record.reference,
    key: id,
    to,
    template: "appeal-member",
    language: languageOf(rt.config, to),
    data: {
      ...caseEmailBase(rt.config, record),
      sensitive: true,
      recipientName: staffMember(rt.config, to)?.name,
      officerName: staffMember(rt.config, task.link.actor)?.name ?? task.link.actor,
      decisionBy: record.deadlines.appealDecision ?? at,
      caseUrl: caseConsoleUrl(rt.taskBaseUrl, record.reference),
    },
  });
  return { kind: "done", link: task.link, record, submissionId: id, pending: "appeal-member" };
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
  const id = formEventId("progress", task, nonce);
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
