// Rate-limit windows of the public pages (table-design.ts: THROTTLE#), by a keyed hash that
// functions/public/throttle.ts computes (never the network address); DynamoDB deletes each by TTL.
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "./keys.ts";
import { repository, type Table } from "./table.ts";

export interface ThrottleStore {
  /** Counts one attempt in the window and answers the window's count (the item expires at `expiresAtEpoch`). */
  count(hash: string, expiresAtEpoch: number): Promise<number>;
  /** The window's count so far (0 when none). */
  attempts(hash: string): Promise<number>;
}

class DynamoThrottleStore implements ThrottleStore {
  constructor(private readonly table: Table) {}

  async count(hash: string, expiresAtEpoch: number): Promise<number> {
    const out = await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: keys.throttle(hash),
        UpdateExpression: "ADD attempts :one SET expiresAt = if_not_exists(expiresAt, :ttl)",
        ExpressionAttributeValues: { ":one": 1, ":ttl": expiresAtEpoch },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    return Number(out.Attributes?.attempts ?? 1);
  }

  async attempts(hash: string): Promise<number> {
    const out = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: keys.throttle(hash), ConsistentRead: true }),
    );
    return Number(out.Item?.attempts ?? 0);
  }
}

/** The throttle repository of the runtime's table. */
export const throttleStore: (table: Table) => ThrottleStore = repository(
  (table) => new DynamoThrottleStore(table),
);
