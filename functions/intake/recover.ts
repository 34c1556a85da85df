// Recovery sweep (issue 15): a raw message whose intake never recorded an outcome (the Lambda died after
// SES stored it and every retry failed too; locally, the stack was killed mid-intake) is processed again.
// Safe to run at any time and as often as wanted: intake is idempotent on the SES messageId (INBOX#… items)
// and on the message itself (SOURCE#…), so a message being processed concurrently is answered once.
// Runs as a scheduled Lambda in AWS (infra/constructs/intake.ts) and, locally, at start and periodically.
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { log } from "../lib/logger.ts";
import { emitMetric } from "../lib/metrics.ts";
import type { Runtime } from "../lib/runtime.ts";
import { s3 } from "../lib/s3.ts";
import { inboxStore } from "../store/inbox-store.ts";
import { type IntakeResult, RAW_PREFIX, receiveEmail } from "./receive-email.ts";
import { makeSesEvent, type VerdictName, type VerdictStatus } from "./ses-event.ts";

export interface SweepOptions {
  bucket: string;
  prefix?: string;
  /** Messages younger than this are left to the intake in flight (SES/Lambda retries take minutes). */
  olderThanMs: number;
  /** Messages older than this are not looked at (they were swept before); Infinity locally. */
  lookbackMs: number;
  now: Date;
  /**
   * The local stack: its raw copies carry their verdicts as metadata, which its S3 emulator writes after the
   * object's bytes, before it answers the upload. A copy without them is an upload cut by a crash: possibly
   * truncated, and never acknowledged to the sender, who sends the message again. It is left alone (processing
   * a truncated copy would open a second, partial case beside the retried one). SES's own copies in AWS have
   * no such metadata and are always processed.
   */
  requireVerdictsMetadata?: boolean;
}

export interface SweepResult {
  checked: number;
  recovered: Array<{ key: string; result: IntakeResult }>;
  failed: string[];
  /** Uploads cut before they were acknowledged (requireVerdictsMetadata): left to the sender's retry. */
  interrupted: string[];
}

/** Object metadata the local stack writes with each raw message: the receipt verdicts it was given. */
export const VERDICTS_METADATA = "cfm-verdicts";

const SES_MESSAGE_ID = /^[A-Za-z0-9][A-Za-z0-9._=+-]{0,254}$/;

export async function sweepRawMessages(rt: Runtime, options: SweepOptions): Promise<SweepResult> {
  const prefix = options.prefix ?? RAW_PREFIX;
  const youngest = options.now.getTime() - options.olderThanMs;
  const oldest = options.now.getTime() - options.lookbackMs;
  const result: SweepResult = { checked: 0, recovered: [], failed: [], interrupted: [] };
  let token: string | undefined;
  do {
    const page = await s3().send(
      new ListObjectsV2Command({ Bucket: options.bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? "";
      const modified = object.LastModified?.getTime() ?? 0;
      if (modified > youngest || modified < oldest) continue;
      const messageId = key.slice(prefix.length);
      if (!SES_MESSAGE_ID.test(messageId)) continue;
      result.checked++;
      if (await hasOutcome(rt, messageId)) continue;
      try {
        const verdicts = await verdictsOf(options.bucket, key, options.requireVerdictsMetadata === true);
        if (!verdicts) {
          result.interrupted.push(key);
          continue;
        }
        const event = makeSesEvent({
          messageId,
          bucket: options.bucket,
          key,
          verdicts,
          recipients: [rt.config.organisation.intakeAddress],
          timestamp: object.LastModified ?? options.now,
        });
        const outcome = await receiveEmail(event, rt);
        result.recovered.push({ key, result: outcome });
        emitMetric("MailRecovered");
        log("WARN", "intake sweep: message without an outcome processed", { messageId });
      } catch (error) {
        // One bad message never stops the sweep; the next sweep tries it again.
        result.failed.push(key);
        log("ERROR", "intake sweep: message could not be processed", {
          messageId,
          error: (error as Error).name,
        });
      }
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return result;
}

/** Whether the intake recorded what became of this delivery (INBOX#<messageId>: RECEIPT, NOISE, QUARANTINE). */
export async function hasOutcome(rt: Runtime, messageId: string): Promise<boolean> {
  return (await inboxStore(rt).outcomes(messageId, { limit: 1 })).length > 0;
}

/**
 * The receipt verdicts of a stored message: the local stack's metadata, else the X-SES-Spam-Verdict and
 * X-SES-Virus-Verdict headers SES prepends to the message it stores (the first occurrence is SES's own; a
 * sender's copy could only come after). SPF, DKIM and DMARC are not in the stored message: unknown
 * (PROCESSING_FAILED), which flags nothing, as when SES could not check. Null: `required` and no metadata (an
 * upload cut by a crash, SweepOptions.requireVerdictsMetadata).
 */
async function verdictsOf(
  bucket: string,
  key: string,
  required: boolean,
): Promise<Partial<Record<VerdictName, VerdictStatus>> | null> {
  const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const stored = head.Metadata?.[VERDICTS_METADATA];
  if (!stored && required) return null;
  if (stored) {
    try {
      const parsed = JSON.parse(stored) as Record<string, unknown>;
      const out: Partial<Record<VerdictName, VerdictStatus>> = {};
      for (const name of ["spam", "virus", "spf", "dkim", "dmarc"] as const)
        if (parsed[name] === "PASS" || parsed[name] === "FAIL") out[name] = parsed[name];
      return out;
    } catch {
      // Not ours: read the headers below.
    }
  }
  const top = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: "bytes=0-16383" }));
  const text = (await top.Body?.transformToString("latin1")) ?? "";
  const headerBlock = text.split(/\r?\n\r?\n/)[0] ?? "";
  const verdict = (name: "Spam" | "Virus"): VerdictStatus => {
    const value = new RegExp(`^X-SES-${name}-Verdict:[ \\t]*([A-Z_]+)[ \\t]*\\r?$`, "im").exec(
      headerBlock,
    )?.[1];
    return value === "PASS" || value === "FAIL" || value === "GRAY" ? value : "PROCESSING_FAILED";
  };
  return {
    spam: verdict("Spam"),
    virus: verdict("Virus"),
    spf: "PROCESSING_FAILED",
    dkim: "PROCESSING_FAILED",
    dmarc: "PROCESSING_FAILED",
  };
}
