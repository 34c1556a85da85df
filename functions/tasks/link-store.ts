// Task links. Only the SHA-256 of a link's id is stored (functions/store/task-link-store.ts), with the task
// token, the case, the step, the intended actor and the expiry; a per-case pointer lets a re-issued step revoke
// its old link. The task token never leaves the table: not in a URL, an email or a log.
import { randomUUID } from "node:crypto";
import type { Language } from "../domain/config.ts";
import { deadlineAfter } from "../domain/deadlines.ts";
import { LinkAlreadyUsedError } from "../errors.ts";
import type { Runtime } from "../lib/runtime.ts";
import { taskLinkStore } from "../store/task-link-store.ts";
import type { FormValues, TaskAction } from "./forms.ts";
import { mintLink } from "./link-token.ts";

export { LinkAlreadyUsedError };

export type LinkStatus = "active" | "used" | "revoked";

export interface TaskLink {
  idHash: string;
  reference: string;
  step: TaskAction;
  /** A staff address, or "complainant" for the complainant's appeal link. */
  actor: string;
  taskToken: string;
  expiresAt: string;
  status: LinkStatus;
  language: Language;
  createdAt: string;
  submissionId?: string;
}

export interface Submission<A extends TaskAction = TaskAction> {
  id: string;
  reference: string;
  step: A;
  actor: string;
  at: string;
  values: Omit<FormValues[A], "nonce">;
}

/** Mints a link for a step and revokes the step's previous link (re-issue after a timeout or reassignment). */
export async function issueLink(
  rt: Runtime,
  input: {
    reference: string;
    step: TaskAction;
    actor: string;
    taskToken: string;
    expiresAt: string;
    language: Language;
  },
): Promise<{ url: string; idHash: string }> {
  const secret = await rt.linkSecret();
  const link = mintLink(secret);
  const links = taskLinkStore(rt);
  const previous = await links.currentOf(input.reference, input.step);
  const item: TaskLink = {
    ...input,
    idHash: link.idHash,
    status: "active",
    createdAt: rt.now().toISOString(),
  };
  await links.putCurrent(item);
  if (previous && previous !== link.idHash) await revokeLink(rt, previous);
  return { url: `${rt.taskBaseUrl}${link.token}`, idHash: link.idHash };
}

/** Points the step's existing active link at a new task token (the complainant keeps the link they hold). */
export async function rebindLink(
  rt: Runtime,
  reference: string,
  step: TaskAction,
  taskToken: string,
  expiresAt: string,
): Promise<boolean> {
  const links = taskLinkStore(rt);
  const idHash = await links.currentOf(reference, step);
  if (!idHash) return false;
  return links.rebind(idHash, taskToken, expiresAt);
}

export async function revokeLink(rt: Runtime, idHash: string): Promise<void> {
  await taskLinkStore(rt).revoke(idHash);
}

/** Revokes the current link of a step, if any (the step ended another way, e.g. the appeal window passed). */
export async function revokeStepLink(rt: Runtime, reference: string, step: TaskAction): Promise<void> {
  const idHash = await taskLinkStore(rt).currentOf(reference, step);
  if (idHash) await revokeLink(rt, idHash);
}

/** The current link of a step (the one its pointer names), if any: the follow-up page acts through it. */
export async function currentStepLink(
  rt: Runtime,
  reference: string,
  step: TaskAction,
): Promise<TaskLink | null> {
  const idHash = await taskLinkStore(rt).currentOf(reference, step);
  return idHash ? getLink(rt, idHash) : null;
}

export async function getLink(rt: Runtime, idHash: string): Promise<TaskLink | null> {
  return (await taskLinkStore(rt).get(idHash)) as TaskLink | null;
}

/**
 * Stores the submission and consumes the link in one transaction: of two concurrent POSTs, exactly one
 * wins; the other gets LinkAlreadyUsedError.
 */
export async function consumeWithSubmission<A extends TaskAction>(
  rt: Runtime,
  link: TaskLink,
  values: Omit<FormValues[A], "nonce">,
): Promise<Submission<A>> {
  const submission: Submission<A> = {
    id: randomUUID(),
    reference: link.reference,
    step: link.step as A,
    actor: link.actor,
    at: rt.now().toISOString(),
    values,
  };
  // T-12: kept no longer than the case itself is.
  const expiresAt = Math.floor(
    new Date(
      deadlineAfter(rt.config, submission.at, { duration: rt.config.retention, days: "calendar" }),
    ).getTime() / 1000,
  );
  await taskLinkStore(rt).consume(link, submission, expiresAt);
  return submission;
}

/** Gives a consumed link back (SendTaskSuccess failed for a reason that is not final). */
export async function releaseLink(rt: Runtime, link: TaskLink, submissionId: string): Promise<void> {
  await taskLinkStore(rt).release(link.idHash, submissionId);
}

export async function getSubmission(rt: Runtime, reference: string, id: string): Promise<Submission | null> {
  return (await taskLinkStore(rt).submission(reference, id)) as Submission | null;
}

export async function deleteSubmission(rt: Runtime, reference: string, id: string): Promise<void> {
  await taskLinkStore(rt).deleteSubmission(reference, id);
}

/** Every submission stored for a case (a handful at most), oldest first. */
export async function submissionsOf(rt: Runtime, reference: string): Promise<Submission[]> {
  const submissions = (await taskLinkStore(rt).submissionsOf(reference)) as Submission[];
  return submissions.sort((a, b) => a.at.localeCompare(b.at));
}

/** The active links of a case's steps (the console's "My tasks": each step has at most one). */
export async function activeLinksOf(rt: Runtime, reference: string): Promise<TaskLink[]> {
  const pointers = await taskLinkStore(rt).pointersOf(reference);
  const links = await Promise.all(pointers.map((idHash) => getLink(rt, idHash)));
  const now = rt.now().toISOString();
  return links.filter((l): l is TaskLink => l !== null && l.status === "active" && l.expiresAt > now);
}

/**
 * The console opens a task for its actor with a fresh link to the same step (the emailed one is revoked, as
 * on any re-issue): the store keeps only hashes, so the emailed URL cannot be rebuilt.
 */
export async function reissueForActor(
  rt: Runtime,
  reference: string,
  step: TaskAction,
  actor: string,
): Promise<string | null> {
  const link = (await activeLinksOf(rt, reference)).find((l) => l.step === step);
  if (!link || link.actor !== actor) return null;
  const { url } = await issueLink(rt, {
    reference,
    step,
    actor,
    taskToken: link.taskToken,
    expiresAt: link.expiresAt,
    language: link.language,
  });
  return url;
}
