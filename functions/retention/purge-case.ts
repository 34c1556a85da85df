// T-12: a case is kept, with every piece of evidence, for the retention period after its closure, then erased
// whole. The clock is the TTL (`expiresAt`) the closure sets on the status and content records; when DynamoDB
// deletes either, its stream hands the reference to the purge (functions/handlers/purge.ts), which deletes
// everything else of the case: the objects it points to in S3 (the raw messages, which are the evidence, and
// the attachments), then every remaining item of the case partition (content, timeline, outbox, submissions,
// link pointers, console views; functions/store/purge.ts). Idempotent: a retried purge finds less to delete.
import { DeleteObjectsCommand } from "@aws-sdk/client-s3";
import { PurgeIncompleteError } from "../errors.ts";
import type { Runtime } from "../lib/runtime.ts";
import { s3 } from "../lib/s3.ts";
import { deleteCaseItems, type Evidence, expiredCaseItems } from "../store/purge.ts";

export { type Evidence, evidenceFromImage } from "../store/purge.ts";

const DELETE_OBJECTS = 1000;

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

/**
 * Erases an expired case (T-12): when its status record is gone or past its expiry. The stream hands over
 * whichever of the status and content records goes first, with the content's image when it is the content
 * (`evidence`), so the S3 objects are never lost track of. Does nothing for a case that is not expired.
 */
export async function purgeCase(
  rt: Runtime,
  reference: string,
  buckets: RetentionBuckets,
  evidence?: Evidence,
): Promise<PurgeResult> {
  const expired = await expiredCaseItems(rt, reference, Math.floor(rt.now().getTime() / 1000));
  if (!expired) return { purged: false, items: 0, objects: 0 };

  // S3 first: the content item lists the objects, and stays until they are gone (a failure retries with it).
  let objects = 0;
  const found = evidence ?? expired.evidence;
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
  return { purged: true, items: await deleteCaseItems(rt, reference, expired), objects };
}
