// Every view of a sensitive case (or one not yet triaged) is recorded, who and when, under the case's own
// partition (CONTRACT.md "Staff console": the coordinator can read that record on the case page).
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Runtime } from "../lib/runtime.ts";
import { keys } from "../store/keys.ts";

export interface CaseView {
  at: string;
  who: string;
  /** What was shown: the details, or the status only. */
  shown: "details" | "status";
  /** What was opened: the case page or an attachment. */
  what: "page" | "attachment";
}

export async function recordView(rt: Runtime, reference: string, view: CaseView): Promise<void> {
  await rt.doc.send(
    new PutCommand({
      TableName: rt.tableName,
      Item: { ...keys.view(reference, view.at, view.who), ...view },
    }),
  );
}

/** The newest views first (at most `limit`). */
export async function viewsOf(rt: Runtime, reference: string, limit = 200): Promise<CaseView[]> {
  const out = await rt.doc.send(
    new QueryCommand({
      TableName: rt.tableName,
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
