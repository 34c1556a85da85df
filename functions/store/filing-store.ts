// T-1 filings (table-design.ts: SOURCE#<id> / FILING and FILING#<year> / COUNTER): an oral complaint answered
// with filing instructions, no case opened, recorded once per source so that a replay gets the same answer.
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "./keys.ts";
import { isConditionFailed, repository, type Table } from "./table.ts";

export interface StoredFiling {
  /** The reference given to the complainant, when they were sent the instructions (else null). */
  reference: string | null;
  at: string;
  /** A digest of the request that recorded it (a replay with another body is told apart). */
  fingerprint?: string;
}

export interface FilingStore {
  get(sourceId: string): Promise<StoredFiling | null>;
  /** Records a filing once per source: false when one was there already (a concurrent replay won). */
  create(
    sourceId: string,
    filing: { channel: string; at: string; reference: string | null; fingerprint: string },
  ): Promise<boolean>;
  /** Counts one more filing in `year` and answers its number (1, 2, …). */
  nextNumber(year: number): Promise<number>;
}

class DynamoFilingStore implements FilingStore {
  constructor(private readonly table: Table) {}

  async get(sourceId: string): Promise<StoredFiling | null> {
    const out = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: keys.filing(sourceId), ConsistentRead: true }),
    );
    if (!out.Item) return null;
    return {
      reference: (out.Item.reference as string | null) ?? null,
      at: String(out.Item.at),
      ...(out.Item.fingerprint ? { fingerprint: String(out.Item.fingerprint) } : {}),
    };
  }

  async create(
    sourceId: string,
    filing: { channel: string; at: string; reference: string | null; fingerprint: string },
  ): Promise<boolean> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...keys.filing(sourceId), sourceId, ...filing },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async nextNumber(year: number): Promise<number> {
    const out = await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: keys.filingCounter(year),
        UpdateExpression: "ADD #v :one",
        ExpressionAttributeNames: { "#v": "value" },
        ExpressionAttributeValues: { ":one": 1 },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    return Number(out.Attributes?.value ?? 1);
  }
}

/** The filing repository of the runtime's table. */
export const filingStore: (table: Table) => FilingStore = repository((table) => new DynamoFilingStore(table));
