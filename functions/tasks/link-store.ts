// Task links in DynamoDB. Only the SHA-256 of a link's id is stored, with the task token, the case, the
// step, the intended actor and the expiry; a per-case pointer lets a re-issued step revoke its old link.
// The task token never leaves this table: not in a URL, an email or a log.
import { randomUUID } from "node:crypto";
import {
  DeleteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Language } from "../domain/config.ts";
import { deadlineAfter } from "../domain/deadlines.ts";
import { LinkAlreadyUsedError } from "../errors.ts";
import type { Runtime } from "../lib/runtime.ts";
import { keys } from "../store/keys.ts";
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

const linkKey = keys.link;
const pointerKey = keys.linkPointer;

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
  const previous = await rt.doc.send(
    new GetCommand({
      TableName: rt.tableName,
      Key: pointerKey(input.reference, input.step),
      ConsistentRead: true,
    }),
  );
  const item: TaskLink = {
    ...input,
    idHash: link.idHash,
    status: "active",
    createdAt: rt.now().toISOString(),
  };
  await rt.doc.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: rt.tableName, Item: { ...linkKey(link.idHash), ...item } } },
        {
          Put: {
            TableName: rt.tableName,
            Item: { ...pointerKey(input.reference, input.step), idHash: link.idHash },
          },
        },
      ],
    }),
  );
  const old = previous.Item?.idHash as string | undefined;
  if (old && old !== link.idHash) await revokeLink(rt, old);
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
  const pointer = await rt.doc.send(
    new GetCommand({ TableName: rt.tableName, Key: pointerKey(reference, step), ConsistentRead: true }),
  );
  const idHash = pointer.Item?.idHash as string | undefined;
  if (!idHash) return false;
  try {
    await rt.doc.send(
      new UpdateCommand({
        TableName: rt.tableName,
        Key: linkKey(idHash),
        UpdateExpression: "SET taskToken = :t, expiresAt = :e",
        ConditionExpression: "#s = :active",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":t": taskToken, ":e": expiresAt, ":active": "active" },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === "ConditionalCheckFailedException") return false;
    throw error;
  }
}

export async function revokeLink(rt: Runtime, idHash: string): Promise<void> {
  try {
    await rt.doc.send(
      new UpdateCommand({
        TableName: rt.tableName,
        Key: linkKey(idHash),
        UpdateExpression: "SET #s = :revoked",
        ConditionExpression: "#s = :active",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":revoked": "revoked", ":active": "active" },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
  }
}

/** Revokes the current link of a step, if any (the step ended another way, e.g. the appeal window passed). */
export async function revokeStepLink(rt: Runtime, reference: string, step: TaskAction): Promise<void> {
  const pointer = await rt.doc.send(
    new GetCommand({ TableName: rt.tableName, Key: pointerKey(reference, step), ConsistentRead: true }),
  );
  const idHash = pointer.Item?.idHash as string | undefined;
  if (idHash) await revokeLink(rt, idHash);
}

/** The current link of a step (the one its pointer names), if any: the follow-up page acts through it. */
export async function currentStepLink(
  rt: Runtime,
  reference: string,
  step: TaskAction,
): Promise<TaskLink | null> {
  const pointer = await rt.doc.send(
    new GetCommand({ TableName: rt.tableName, Key: pointerKey(reference, step), ConsistentRead: true }),
  );
  const idHash = pointer.Item?.idHash as string | undefined;
  return idHash ? getLink(rt, idHash) : null;
}

export async function getLink(rt: Runtime, idHash: string): Promise<TaskLink | null> {
  const out = await rt.doc.send(
    new GetCommand({ TableName: rt.tableName, Key: linkKey(idHash), ConsistentRead: true }),
  );
  if (!out.Item) return null;
  const { pk: _pk, sk: _sk, ...link } = out.Item;
  return link as TaskLink;
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
  try {
    await rt.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: rt.tableName,
              Key: linkKey(link.idHash),
              UpdateExpression: "SET #s = :used, submissionId = :id, usedAt = :at",
              ConditionExpression: "#s = :active AND taskToken = :token",
              ExpressionAttributeNames: { "#s": "status" },
              ExpressionAttributeValues: {
                ":used": "used",
                ":active": "active",
                ":id": submission.id,
                ":at": submission.at,
                ":token": link.taskToken,
              },
            },
          },
          {
            Put: {
              TableName: rt.tableName,
              Item: {
                ...keys.submission(link.reference, submission.id),
                ...submission,
                // T-12: kept no longer than the case itself is.
                expiresAt: Math.floor(
                  new Date(
                    deadlineAfter(rt.config, submission.at, {
                      duration: rt.config.retention,
                      days: "calendar",
                    }),
                  ).getTime() / 1000,
                ),
              },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
        ],
      }),
    );
  } catch (error) {
    if ((error as Error).name === "TransactionCanceledException")
      throw new LinkAlreadyUsedError("link already used");
    throw error;
  }
  return submission;
}

/** Gives a consumed link back (SendTaskSuccess failed for a reason that is not final). */
export async function releaseLink(rt: Runtime, link: TaskLink, submissionId: string): Promise<void> {
  try {
    await rt.doc.send(
      new UpdateCommand({
        TableName: rt.tableName,
        Key: linkKey(link.idHash),
        UpdateExpression: "SET #s = :active REMOVE submissionId, usedAt",
        // Only the consumption being undone: never revive a link revoked meanwhile.
        ConditionExpression: "#s = :used AND submissionId = :id",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":active": "active", ":used": "used", ":id": submissionId },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
  }
}

export async function getSubmission(rt: Runtime, reference: string, id: string): Promise<Submission | null> {
  const out = await rt.doc.send(
    new GetCommand({
      TableName: rt.tableName,
      Key: keys.submission(reference, id),
      ConsistentRead: true,
    }),
  );
  if (!out.Item) return null;
  const { pk: _pk, sk: _sk, ...submission } = out.Item;
  return submission as Submission;
}

export async function deleteSubmission(rt: Runtime, reference: string, id: string): Promise<void> {
  await rt.doc.send(new DeleteCommand({ TableName: rt.tableName, Key: keys.submission(reference, id) }));
}

/** Every submission stored for a case (a handful at most), oldest first. */
export async function submissionsOf(rt: Runtime, reference: string): Promise<Submission[]> {
  const out = await rt.doc.send(
    new QueryCommand({
      TableName: rt.tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": keys.casePartition(reference), ":prefix": keys.submissionPrefix },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? [])
    .map(({ pk: _pk, sk: _sk, expiresAt: _e, ...submission }) => submission as Submission)
    .sort((a, b) => a.at.localeCompare(b.at));
}

/** The active links of a case's steps (the console's "My tasks": each step has at most one). */
export async function activeLinksOf(rt: Runtime, reference: string): Promise<TaskLink[]> {
  const pointers = await rt.doc.send(
    new QueryCommand({
      TableName: rt.tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :sk)",
      ExpressionAttributeValues: { ":pk": keys.casePartition(reference), ":sk": keys.linkPointerPrefix },
      ConsistentRead: true,
    }),
  );
  const links = await Promise.all((pointers.Items ?? []).map((item) => getLink(rt, String(item.idHash))));
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
