// T-12: the table's stream (old images), filtered in the event source mapping to the status and content records
// DynamoDB's TTL deleted (infra/constructs/retention.ts). Each one erases the rest of its case
// (functions/retention/purge-case.ts); a content record's image says where the case's S3 objects are. Nothing of the
// image is logged.
// A failed record is reported alone (ReportBatchItemFailures) and retried; after the retries it goes to the
// mapping's failure queue, which an alarm watches.
import middy from "@middy/core";
import * as z from "zod";
import { log } from "../lib/logger.ts";
import { parseEvent } from "../lib/middleware.ts";
import { requireEnv, runtime } from "../lib/runtime.ts";
import { evidenceFromImage, purgeCase } from "../retention/purge-case.ts";

const rt = runtime();
const buckets = { raw: requireEnv("RAW_BUCKET"), attachments: requireEnv("ATTACHMENTS_BUCKET") };

const CASE_PARTITION = /^CASE#([A-Za-z0-9-]+)$/;

const streamRecord = z.object({
  eventID: z.string(),
  eventName: z.string(),
  userIdentity: z.object({ type: z.string(), principalId: z.string() }).optional(),
  dynamodb: z.object({
    Keys: z.object({ pk: z.object({ S: z.string() }), sk: z.object({ S: z.string() }) }),
    OldImage: z.record(z.string(), z.unknown()).optional(),
    SequenceNumber: z.string(),
  }),
});
const streamEvent = z.object({ Records: z.array(streamRecord) });

const EXPIRING = new Set(["STATUS", "CONTENT"]);

/** The reference of a status or content record that DynamoDB's TTL deleted; null for any other change. */
export function expiredCase(record: z.infer<typeof streamRecord>): string | null {
  const byTtl =
    record.eventName === "REMOVE" &&
    record.userIdentity?.type === "Service" &&
    record.userIdentity.principalId === "dynamodb.amazonaws.com";
  if (!byTtl || !EXPIRING.has(record.dynamodb.Keys.sk.S)) return null;
  return CASE_PARTITION.exec(record.dynamodb.Keys.pk.S)?.[1] ?? null;
}

export const handler = middy()
  .use(parseEvent(streamEvent))
  .handler(async (event: z.infer<typeof streamEvent>) => {
    const failures: Array<{ itemIdentifier: string }> = [];
    for (const record of event.Records) {
      const reference = expiredCase(record);
      if (!reference) continue;
      try {
        const image = record.dynamodb.Keys.sk.S === "CONTENT" ? record.dynamodb.OldImage : undefined;
        const result = await purgeCase(rt, reference, buckets, image ? evidenceFromImage(image) : undefined);
        log("INFO", "T-12: expired case erased", { reference, ...result });
      } catch (error) {
        log("ERROR", "T-12: expired case not erased", { reference, error: (error as Error).name });
        failures.push({ itemIdentifier: record.dynamodb.SequenceNumber });
      }
    }
    return { batchItemFailures: failures };
  });
