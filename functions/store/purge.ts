// T-12: a case is kept, with every piece of evidence, for the retention period after its closure, then erased
// whole. The clock is the TTL (`expiresAt`) the closure sets on the status and content records; when DynamoDB
// deletes either, its stream hands the reference to the purge (functions/handlers/purge.ts), which deletes
// everything else of the case: the objects it points to in S3 (the raw messages, which are the evidence, and
// the attachments), then every remaining item of the case partition (content, timeline, outbox, submissions,
// link pointers, console views). Idempotent: a retried purge finds less to delete.
import { DeleteObjectsCommand } from "@aws-sdk/client-s3";
import { BatchWriteCommand, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { PurgeIncompleteError } from "../errors.ts";
import type { Runtime } from "../lib/runtime.ts";
import { s3 } from "../lib/s3.ts";
import { keys } from "./keys.ts";

export interface RetentionBuckets {
  /** Raw messages (email MIME, webhook payloads), and files too large to extract, which point into them. */
  raw: string;
  /** Extracted attachments. */
  attachments: string;
}

export interface PurgeResult {
  /** False when the case is not expired (its status record is there): nothing was deleted. */
  purged: boolean;
  items: number;
  objects: number;
}

/** What the purge needs of a content record: where the case's evidence is in S3. */
export interface Evidence {
  rawMessageKey: string | null;
  attachments: ReadonlyArray<{ key: string; oversized: boolean }>;
  messages: ReadonlyArray<{
    rawMessageKey: string;
    attachments?: ReadonlyArray<{ key: string; oversized: boolean }> | undefined;
  }>;
}

const file = z.object({ key: z.string(), oversized: z.boolean() });
/** The evidence fields of a content item (extra fields ignored: the purge reads no personal data). */
const evidenceSchema = z.object({
  rawMessageKey: z.string().nullable(),
  attachments: z.array(file),
  messages: z.array(z.object({ rawMessageKey: z.string(), attachments: z.array(file).optional() })),
});

/** The same fields in a stream record's image (DynamoDB JSON), for a content record the TTL removed. */
const s = z.object({ S: z.string() });
const fileImage = z.object({ M: z.object({ key: s, oversized: z.object({ BOOL: z.boolean() }) }) });
const evidenceImage = z.object({
  rawMessageKey: z.union([s, z.object({ NULL: z.literal(true) })]).optional(),
  attachments: z.object({ L: z.array(fileImage) }).optional(),
  messages: z
    .object({
      L: z.array(
        z.object({
          M: z.object({ rawMessageKey: s, attachments: z.object({ L: z.array(fileImage) }).optional() }),
        }),
      ),
    })
    .optional(),
});

export function evidenceFromImage(image: unknown): Evidence {
  const parsed = evidenceImage.parse(image);
  const files = (list?: { L: Array<z.infer<typeof fileImage>> }) =>
    (list?.L ?? []).map((f) => ({ key: f.M.key.S, oversized: f.M.oversized.BOOL }));
  return {
    rawMessageKey: parsed.rawMessageKey && "S" in parsed.rawMessageKey ? parsed.rawMessageKey.S : null,
    attachments: files(parsed.attachments),
    messages: (parsed.messages?.L ?? []).map((m) => ({
      rawMessageKey: m.M.rawMessageKey.S,
      attachments: files(m.M.attachments),
    })),
  };
}

/** The S3 objects of a case, by bucket: its raw messages and every attachment, kept aside ones included. */
export function caseObjects(content: Evidence, buckets: RetentionBuckets): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>([
    [buckets.raw, new Set()],
    [buckets.attachments, new Set()],
  ]);
  const raw = out.get(buckets.raw)!;
  const attachments = out.get(buckets.attachments)!;
  const files = [...content.attachments, ...content.messages.flatMap((m) => m.attachments ?? [])];
  if (content.rawMessageKey) raw.add(content.rawMessageKey);
  for (const message of content.messages) raw.add(message.rawMessageKey);
  // An oversized file (or one a channel could not copy) is not extracted: its key is the raw message's.
  for (const f of files) (f.oversized ? raw : attachments).add(f.key);
  return out;
}

const BATCH_WRITE = 25;
const DELETE_OBJECTS = 1000;

/**
 * Erases an expired case (T-12): when its status record is gone or past its expiry. The status and content
 * records carry the same TTL, and DynamoDB deletes them in no set order: the stream hands over whichever goes
 * first, with the content's image when it is the content (`evidence`), so the S3 objects are never lost track
 * of. Does nothing for a case that is not expired (reopened, say).
 */
export async function purgeCase(
  rt: Runtime,
  reference: string,
  buckets: RetentionBuckets,
  evidence?: Evidence,
): Promise<PurgeResult> {
  const status = (
    await rt.doc.send(
      new GetCommand({ TableName: rt.tableName, Key: keys.status(reference), ConsistentRead: true }),
    )
  ).Item;
  const now = Math.floor(rt.now().getTime() / 1000);
  if (status && !(typeof status.expiresAt === "number" && status.expiresAt <= now))
    return { purged: false, items: 0, objects: 0 };
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await rt.doc.send(
      new QueryCommand({
        TableName: rt.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.casePartition(reference) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);

  // S3 first: the content item lists the objects, and stays until they are gone (a failure retries with it).
  let objects = 0;
  const contentItem = items.find((item) => item.sk === keys.content(reference).sk);
  const found = evidence ?? (contentItem ? evidenceSchema.parse(contentItem) : undefined);
  if (found) {
    for (const [bucket, set] of caseObjects(found, buckets)) {
      const list = [...set];
      for (let i = 0; i < list.length; i += DELETE_OBJECTS) {
        const chunk = list.slice(i, i + DELETE_OBJECTS);
        const out = await s3().send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        // A missing key is not an error for DeleteObjects; anything reported here is (access, KMS).
        if (out.Errors?.length)
          throw new PurgeIncompleteError(
            `${reference}: ${out.Errors.length} object(s) of ${bucket} not deleted (${out.Errors[0]?.Code})`,
          );
        objects += chunk.length;
      }
    }
  }

  // Then the items, the content last.
  const ordered = [...items.filter((i) => i !== contentItem), ...(contentItem ? [contentItem] : [])];
  for (let i = 0; i < ordered.length; i += BATCH_WRITE) {
    let requests = ordered
      .slice(i, i + BATCH_WRITE)
      .map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt === 5)
        throw new PurgeIncompleteError(`${reference}: items still unprocessed after retries`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt * Math.random()));
      const out = await rt.doc.send(new BatchWriteCommand({ RequestItems: { [rt.tableName]: requests } }));
      requests = (out.UnprocessedItems?.[rt.tableName] ?? []) as typeof requests;
    }
  }
  return { purged: true, items: ordered.length, objects };
}
