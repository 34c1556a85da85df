// Task links, their per-step pointers and the decisions posted through them (table-design.ts: LINK#,
// LINKPTR#, SUBMISSION#). What a link means (minting, expiry, who may act) is functions/tasks/link-store.ts's;
// this is where the items live. Only the hash of a link's id is stored; the task token never leaves the table.
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { LinkAlreadyUsedError } from "../errors.ts";
import { keys } from "./keys.ts";
import { isConditionFailed, itemsWithPrefix, repository, type Table } from "./table.ts";

/** A task link as stored (functions/tasks/link-store.ts narrows `step` and `language`). */
export interface StoredLink {
  idHash: string;
  reference: string;
  step: string;
  actor: string;
  taskToken: string;
  expiresAt: string;
  status: "active" | "used" | "revoked";
  language: string;
  createdAt: string;
  submissionId?: string;
}

/** A decision posted on a task page, as stored until the workflow applies it. */
export interface StoredSubmission {
  id: string;
  reference: string;
  step: string;
  actor: string;
  at: string;
  values: object;
}

export interface TaskLinkStore {
  /** The id hash of a step's current link (its pointer), if any. */
  currentOf(reference: string, step: string): Promise<string | null>;
  /** Writes a new link, then points its step at it. */
  putCurrent(link: StoredLink): Promise<void>;
  get(idHash: string): Promise<StoredLink | null>;
  /** Moves an active link to a new task token and expiry; false when it is no longer active. */
  rebind(idHash: string, taskToken: string, expiresAt: string): Promise<boolean>;
  /** Revokes an active link (nothing when it is already used or revoked). */
  revoke(idHash: string): Promise<void>;
  /**
   * Marks the link used and stores the submission in one transaction, only if the link is still active with
   * this task token: of two concurrent posts exactly one wins; the other gets LinkAlreadyUsedError.
   */
  consume(link: StoredLink, submission: StoredSubmission, expiresAtEpoch: number): Promise<void>;
  /** Undoes that consumption (only that one: a link revoked meanwhile stays revoked). */
  release(idHash: string, submissionId: string): Promise<void>;
  submission(reference: string, id: string): Promise<StoredSubmission | null>;
  deleteSubmission(reference: string, id: string): Promise<void>;
  /** Every submission stored for a case, in no particular order. */
  submissionsOf(reference: string): Promise<StoredSubmission[]>;
  /** The id hashes the step pointers of a case name (one per step at most). */
  pointersOf(reference: string): Promise<string[]>;
}

class DynamoTaskLinkStore implements TaskLinkStore {
  constructor(private readonly table: Table) {}

  async currentOf(reference: string, step: string): Promise<string | null> {
    const { doc, tableName } = this.table;
    const out = await doc.send(
      new GetCommand({ TableName: tableName, Key: keys.linkPointer(reference, step), ConsistentRead: true }),
    );
    return (out.Item?.idHash as string | undefined) ?? null;
  }

  async putCurrent(link: StoredLink): Promise<void> {
    const { doc, tableName } = this.table;
    // Two plain writes, the link first (issue 18: a transaction bills each of its writes twice). A failure
    // between them leaves a link whose id only the failed invocation knew (never emailed: harmless, its TTL ends
    // it) and the pointer unchanged; the retry mints another. The pointer never names a link that does not exist.
    await doc.send(new PutCommand({ TableName: tableName, Item: { ...keys.link(link.idHash), ...link } }));
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.linkPointer(link.reference, link.step), idHash: link.idHash },
      }),
    );
  }

  async get(idHash: string): Promise<StoredLink | null> {
    const { doc, tableName } = this.table;
    const out = await doc.send(
      new GetCommand({ TableName: tableName, Key: keys.link(idHash), ConsistentRead: true }),
    );
    if (!out.Item) return null;
    const { pk: _pk, sk: _sk, ...link } = out.Item;
    return link as StoredLink;
  }

  async rebind(idHash: string, taskToken: string, expiresAt: string): Promise<boolean> {
    const { doc, tableName } = this.table;
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.link(idHash),
          UpdateExpression: "SET taskToken = :t, expiresAt = :e",
          ConditionExpression: "#s = :active",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":t": taskToken, ":e": expiresAt, ":active": "active" },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async revoke(idHash: string): Promise<void> {
    const { doc, tableName } = this.table;
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.link(idHash),
          UpdateExpression: "SET #s = :revoked",
          ConditionExpression: "#s = :active",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":revoked": "revoked", ":active": "active" },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  async consume(link: StoredLink, submission: StoredSubmission, expiresAtEpoch: number): Promise<void> {
    const { doc, tableName } = this.table;
    try {
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: keys.link(link.idHash),
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
                TableName: tableName,
                Item: {
                  ...keys.submission(link.reference, submission.id),
                  ...submission,
                  expiresAt: expiresAtEpoch,
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
  }

  async release(idHash: string, submissionId: string): Promise<void> {
    const { doc, tableName } = this.table;
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.link(idHash),
          UpdateExpression: "SET #s = :active REMOVE submissionId, usedAt",
          ConditionExpression: "#s = :used AND submissionId = :id",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":active": "active", ":used": "used", ":id": submissionId },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  async submission(reference: string, id: string): Promise<StoredSubmission | null> {
    const { doc, tableName } = this.table;
    const out = await doc.send(
      new GetCommand({ TableName: tableName, Key: keys.submission(reference, id), ConsistentRead: true }),
    );
    if (!out.Item) return null;
    const { pk: _pk, sk: _sk, ...submission } = out.Item;
    return submission as StoredSubmission;
  }

  async deleteSubmission(reference: string, id: string): Promise<void> {
    const { doc, tableName } = this.table;
    await doc.send(new DeleteCommand({ TableName: tableName, Key: keys.submission(reference, id) }));
  }

  async submissionsOf(reference: string): Promise<StoredSubmission[]> {
    const items = await itemsWithPrefix(this.table, keys.casePartition(reference), keys.submissionPrefix);
    return items.map(({ pk: _pk, sk: _sk, expiresAt: _e, ...submission }) => submission as StoredSubmission);
  }

  async pointersOf(reference: string): Promise<string[]> {
    const items = await itemsWithPrefix(this.table, keys.casePartition(reference), keys.linkPointerPrefix);
    return items.map((item) => String(item.idHash));
  }
}

/** The task-link repository of the runtime's table. */
export const taskLinkStore: (table: Table) => TaskLinkStore = repository(
  (table) => new DynamoTaskLinkStore(table),
);
