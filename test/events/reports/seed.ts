// Writes status records straight into the table (for the report tests and bench/reports.ts), with the
// index attributes ComplaintStore writes: test/integration/reports-load.test.ts checks they match what
// store.create() writes, so a change to the store's indexes fails there instead of skewing the reports.
import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { ReportCase } from "../../../functions/reports/compute.ts";
import { nextDeadline } from "../../../functions/store/complaint-store.ts";

export function indexAttributesOf(record: ReportCase): Record<string, string> {
  const next = nextDeadline(record) ?? "9999";
  const attributes: Record<string, string> = {
    gsi1pk: `STATUS#${record.status}`,
    gsi1sk: `${record.receivedAt}#${record.reference}`,
    gsi4pk: `RECEIVED#${record.receivedAt.slice(0, 7)}`,
    gsi4sk: `${record.receivedAt}#${record.reference}`,
  };
  if (record.assignee && record.status !== "closed") {
    attributes.gsi2pk = `ASSIGNEE#${record.assignee}`;
    attributes.gsi2sk = `${next}#${record.reference}`;
  }
  if (record.status !== "closed") {
    attributes.gsi3pk = "OPEN";
    attributes.gsi3sk = `${next}#${record.reference}`;
  }
  return attributes;
}

export function statusItem(record: ReportCase): Record<string, unknown> {
  return { pk: `CASE#${record.reference}`, sk: "STATUS", ...record, ...indexAttributesOf(record) };
}

/** BatchWrite in batches of 25, `parallel` batches at a time, retrying unprocessed items. */
export async function batchPut(
  doc: DynamoDBDocumentClient,
  tableName: string,
  items: ReadonlyArray<Record<string, unknown>>,
  parallel = 16,
): Promise<void> {
  const batches: Array<Array<Record<string, unknown>>> = [];
  for (let i = 0; i < items.length; i += 25)
    batches.push(items.slice(i, i + 25) as Array<Record<string, unknown>>);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const batch = batches[next++];
      if (!batch) return;
      let requests = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 10) throw new Error("BatchWrite: items still unprocessed after 10 retries");
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
        if (requests.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}
