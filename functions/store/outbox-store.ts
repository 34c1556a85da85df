// Outbox items: one per outgoing message (email, SMS, WhatsApp, report), so that each is sent at most once.
// The sending protocol (claim, deliver, mark; what is retried) is the mailer's (functions/mail/mailer.ts);
// this is where the items live.
import { randomUUID } from "node:crypto";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type ItemKey, keys } from "./keys.ts";
import { isConditionFailed, repository, type Table } from "./table.ts";

/** Which outbox item: a message about a case, the T-1 filing instructions of a source, a scheduled report. */
export type OutboxAddress =
  | { reference: string; key: string }
  | { filingSource: string }
  | { report: string; period: string };

export interface OutboxStore {
  /** "sent", "sending", "rejected" (or why nothing was sent: "opted-out", "no-template"); null: never claimed. */
  status(at: OutboxAddress): Promise<string | null>;
  /** The status and, for a claim, when it was taken (ISO); null: never claimed. */
  lookup(at: OutboxAddress): Promise<{ status: string; claimedAt?: string } | null>;
  /**
   * Claims the item for one send: the claim's id when claimed (new, or a claim older than `staleBefore`, taken
   * to be a crashed send); null when it is sent, rejected, or held by a fresh claim (`status` tells which).
   */
  claim(
    at: OutboxAddress,
    meta: Record<string, string | number>,
    now: Date,
    staleBefore: Date,
  ): Promise<string | null>;
  /**
   * Gives the claim back, so that a retry sends (the provider throttled): only while it is still this claim, so
   * that an attempt overtaken by another never frees the other's claim.
   */
  release(at: OutboxAddress, claimId: string): Promise<void>;
  /** Marks the message rejected, only while it is still this claim. */
  reject(at: OutboxAddress, errorName: string, claimId: string): Promise<void>;
  markSent(at: OutboxAddress, messageId: string, sentAt: string): Promise<void>;
  /**
   * Marks a claimed item sent on the provider's word (SES's Send event, functions/mail/sent-receipt.ts): only
   * while it is claimed, so that a mark already written, or a rejection, stays. True when this marked it.
   */
  confirmSent(at: OutboxAddress, messageId: string, sentAt: string): Promise<boolean>;
  /** Records, once, why a message of a case was not sent (shown on the case; never retried). */
  recordUnsent(
    at: { reference: string; key: string },
    fields: Record<string, string>,
    recordedAt: string,
  ): Promise<void>;
}

function keyOf(at: OutboxAddress): ItemKey {
  if ("filingSource" in at) return keys.filingOutbox(at.filingSource);
  if ("report" in at) return keys.reportOutbox(at.report, at.period);
  return keys.outbox(at.reference, at.key);
}

class DynamoOutboxStore implements OutboxStore {
  constructor(private readonly table: Table) {}

  async status(at: OutboxAddress): Promise<string | null> {
    return (await this.lookup(at))?.status ?? null;
  }

  async lookup(at: OutboxAddress): Promise<{ status: string; claimedAt?: string } | null> {
    const { doc, tableName } = this.table;
    const out = await doc.send(
      new GetCommand({ TableName: tableName, Key: keyOf(at), ConsistentRead: true }),
    );
    if (!out.Item) return null;
    const claimedAt = out.Item.claimedAt as string | undefined;
    return { status: out.Item.status as string, ...(claimedAt ? { claimedAt } : {}) };
  }

  async claim(
    at: OutboxAddress,
    meta: Record<string, string | number>,
    now: Date,
    staleBefore: Date,
  ): Promise<string | null> {
    const { doc, tableName } = this.table;
    const claimId = randomUUID();
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keyOf(at), ...meta, status: "sending", claimedAt: now.toISOString(), claimId },
          ConditionExpression: "attribute_not_exists(pk) OR (#s = :sending AND claimedAt < :stale)",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":sending": "sending", ":stale": staleBefore.toISOString() },
        }),
      );
      return claimId;
    } catch (error) {
      if (isConditionFailed(error)) return null;
      throw error;
    }
  }

  async release(at: OutboxAddress, claimId: string): Promise<void> {
    await this.ifStillClaimed(at, claimId, "SET claimedAt = :old", { ":old": "1970-01-01T00:00:00.000Z" });
  }

  async reject(at: OutboxAddress, errorName: string, claimId: string): Promise<void> {
    await this.ifStillClaimed(at, claimId, "SET #s = :rejected, #e = :error", {
      ":rejected": "rejected",
      ":error": errorName,
    });
  }

  private async ifStillClaimed(
    at: OutboxAddress,
    claimId: string,
    update: string,
    values: Record<string, string>,
  ): Promise<void> {
    const { doc, tableName } = this.table;
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(at),
          UpdateExpression: update,
          ConditionExpression: "claimId = :claim",
          ...(update.includes("#s") ? { ExpressionAttributeNames: { "#s": "status", "#e": "error" } } : {}),
          ExpressionAttributeValues: { ...values, ":claim": claimId },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error; // another attempt took the claim over: theirs now
    }
  }

  async markSent(at: OutboxAddress, messageId: string, sentAt: string): Promise<void> {
    const { doc, tableName } = this.table;
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keyOf(at),
        UpdateExpression: "SET #s = :sent, messageId = :id, sentAt = :at",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":sent": "sent", ":id": messageId, ":at": sentAt },
      }),
    );
  }

  async confirmSent(at: OutboxAddress, messageId: string, sentAt: string): Promise<boolean> {
    const { doc, tableName } = this.table;
    // Usually the sender's mark came first: an eventually consistent read (half a read unit) finds it, where
    // a failed conditional write would still cost a write unit. A stale read only means the write is tried.
    const seen = await doc.send(
      new GetCommand({
        TableName: tableName,
        Key: keyOf(at),
        ProjectionExpression: "#s",
        ExpressionAttributeNames: { "#s": "status" },
      }),
    );
    // Done already (the sender's mark, or a rejection): nothing to do. Not seen (an eventually consistent read
    // that missed a fresh claim) or claimed: the conditional write decides.
    if (seen.Item?.status === "sent" || seen.Item?.status === "rejected") return false;
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(at),
          UpdateExpression: "SET #s = :sent, messageId = :id, sentAt = :at, confirmedBy = :event",
          ConditionExpression: "#s = :sending",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: {
            ":sent": "sent",
            ":sending": "sending",
            ":id": messageId,
            ":at": sentAt,
            ":event": "send-event",
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async recordUnsent(
    at: { reference: string; key: string },
    fields: Record<string, string>,
    recordedAt: string,
  ): Promise<void> {
    const { doc, tableName } = this.table;
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keyOf(at), ...fields, at: recordedAt },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
}

/** The outbox repository of the runtime's table. */
export const outboxStore: (table: Table) => OutboxStore = repository((table) => new DynamoOutboxStore(table));
