// What became of each inbound message (table-design.ts: INBOX#<messageId> / RECEIPT|NOISE|QUARANTINE): ids and
// verdicts only. QUARANTINE and NOISE are listed for the officer on the byStatusV2 index (gsi1pk INBOX#QUARANTINE
// / INBOX#NOISE, sorted by receipt); RECEIPT marks a message that opened or joined a case.
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { indexKeys, keys } from "./keys.ts";
import { isConditionFailed, repository, type Table } from "./table.ts";

export type InboxKind = "QUARANTINE" | "NOISE" | "RECEIPT";

/** One outcome: its kind, and the fields the intake stored with it. */
export interface InboxItem {
  kind: InboxKind;
  fields: Record<string, unknown>;
}

export interface InboxStore {
  /** The outcomes recorded for a message (none: never handled to the end). */
  outcomes(messageId: string, options?: { limit?: number }): Promise<InboxItem[]>;
  /** Writes one outcome once; false when it was already there (a retry). */
  record(
    kind: InboxKind,
    message: { messageId: string; receivedAt: string },
    fields: Record<string, unknown>,
  ): Promise<boolean>;
}

class DynamoInboxStore implements InboxStore {
  constructor(private readonly table: Table) {}

  async outcomes(messageId: string, options: { limit?: number } = {}): Promise<InboxItem[]> {
    const out = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.inboxPartition(messageId) },
        ConsistentRead: true,
        ...(options.limit ? { Limit: options.limit } : {}),
      }),
    );
    return (out.Items ?? []).map(({ pk: _pk, sk, ...fields }) => ({ kind: sk as InboxKind, fields }));
  }

  async record(
    kind: InboxKind,
    message: { messageId: string; receivedAt: string },
    fields: Record<string, unknown>,
  ): Promise<boolean> {
    const listed =
      kind === "RECEIPT"
        ? {}
        : {
            gsi1pk: indexKeys.inboxList(kind),
            // The sort key of the old byStatus index, and of byStatusV2 (issue 18, table-design.ts).
            gsi1sk: `${message.receivedAt}#${message.messageId}`,
            receivedAt: message.receivedAt,
          };
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...keys.inbox(message.messageId, kind), ...fields, ...listed },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }
}

/** The inbox repository of the runtime's table. */
export const inboxStore: (table: Table) => InboxStore = repository((table) => new DynamoInboxStore(table));
