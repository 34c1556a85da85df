// Writes status records straight into the table (for the report tests and bench/reports.ts), with the
// index attributes ComplaintStore writes (its own function; reports-load.test.ts also checks the result).
import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { ReportCase } from "../../../functions/reports/compute.ts";
import { indexAttributes } from "../../../functions/store/complaint-store.ts";

export function statusItem(record: ReportCase): Record<string, unknown> {
  return { pk: `CASE#${record.reference}`, sk: "STATUS", ...record, ...indexAttributes(record) };
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
