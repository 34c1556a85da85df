// Issue 16: spent human checks (table-design.ts: HUMANCHECK#), by the hash of the check's id, with the hash of
// the submission that spent it; DynamoDB deletes each by TTL once the check could no longer be used anyway.
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "./keys.ts";
import { isConditionFailed, repository, type Table } from "./table.ts";
import { TTL_ATTRIBUTE } from "./table-design.ts";

export interface HumanCheckStore {
  /**
   * Records the check as spent by `submissionHash`, once: true when this call spent it; otherwise the hash of
   * the submission that did (or null).
   */
  spend(idHash: string, submissionHash: string, expiresAtEpoch: number): Promise<true | string | null>;
}

class DynamoHumanCheckStore implements HumanCheckStore {
  constructor(private readonly table: Table) {}

  async spend(idHash: string, submissionHash: string, expiresAtEpoch: number): Promise<true | string | null> {
    const key = keys.humanCheck(idHash);
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...key, submission: submissionHash, [TTL_ATTRIBUTE]: expiresAtEpoch },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const out = await this.table.doc.send(
        new GetCommand({ TableName: this.table.tableName, Key: key, ConsistentRead: true }),
      );
      return (out.Item?.submission as string | undefined) ?? null;
    }
  }
}

/** The human-check repository of the runtime's table. */
export const humanCheckStore: (table: Table) => HumanCheckStore = repository(
  (table) => new DynamoHumanCheckStore(table),
);
