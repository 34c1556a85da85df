// Who opened a case's details, and when (table-design.ts: CASE#<ref> / VIEW#<at>#<who>), under the case's own
// partition so that they go with it (CONTRACT.md "Staff console": the coordinator reads them on the case page).
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "./keys.ts";
import { repository, type Table } from "./table.ts";

export interface CaseView {
  at: string;
  who: string;
  /** What was shown: the details, or the status only. */
  shown: "details" | "status";
  /** What was opened: the case page or an attachment. */
  what: "page" | "attachment";
}

export interface ViewStore {
  record(reference: string, view: CaseView): Promise<void>;
  /** The newest views first (at most `limit`). */
  of(reference: string, limit: number): Promise<CaseView[]>;
}

class DynamoViewStore implements ViewStore {
  constructor(private readonly table: Table) {}

  async record(reference: string, view: CaseView): Promise<void> {
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...keys.view(reference, view.at, view.who), ...view },
      }),
    );
  }

  async of(reference: string, limit: number): Promise<CaseView[]> {
    const out = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": keys.casePartition(reference), ":prefix": keys.viewPrefix },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => ({
      at: String(item.at),
      who: String(item.who),
      shown: item.shown === "details" ? "details" : "status",
      what: item.what === "attachment" ? "attachment" : "page",
    }));
  }
}

/** The view-log repository of the runtime's table. */
export const viewStore: (table: Table) => ViewStore = repository((table) => new DynamoViewStore(table));
