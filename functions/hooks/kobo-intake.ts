// A mapped Kobo submission becomes one case (issue 17), on the same core as email: the raw payload kept
// first, the attachments fetched from the Kobo API and stored before the case is written (a failure leaves no
// half-written case, only objects a retry overwrites), the case opened idempotently on the submission's root
// UUID: a resubmission or an edit of it never opens a second case.
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { CaseContent } from "../domain/complaint.ts";
import { labelIn } from "../domain/config-schema.ts";
import { categoryOf } from "../domain/routing.ts";
import { TransientError } from "../errors.ts";
import { translate } from "../i18n/i18n.ts";
import { openCase } from "../intake/open-case.ts";
import { attachmentKey } from "../intake/receive-email.ts";
import { log } from "../lib/logger.ts";
import { emitMetric } from "../lib/metrics.ts";
import { type Runtime, requireEnv } from "../lib/runtime.ts";
import { s3 } from "../lib/s3.ts";
import type { KoboCase } from "./kobo-mapping.ts";

export const KOBO_ACTOR = "kobo";
const FETCH_TIMEOUT_MS = 20_000;

export type KoboResult = { reference: string; created: boolean };

async function put(bucket: string, key: string, body: Uint8Array | string, type: string) {
  const kmsKeyId = process.env.KMS_KEY_ID;
  await s3().send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: type,
      ...(kmsKeyId ? { ServerSideEncryption: "aws:kms", SSEKMSKeyId: kmsKeyId, BucketKeyEnabled: true } : {}),
    }),
  );
}

export async function receiveKobo(
  rt: Runtime,
  form: string,
  submission: KoboCase,
  instance: string,
  rawBody: string,
  apiToken: string | undefined,
): Promise<KoboResult> {
  const rawKey = `hooks/kobo/${form}/${instance.replace(/[^A-Za-z0-9-]/g, "_")}.json`;
  // Every version received is kept (an edit too), before anything else.
  await put(requireEnv("RAW_BUCKET"), rawKey, rawBody, "application/json");

  for (const source of [submission.sourceId, submission.replaces]) {
    if (!source) continue;
    const existing = await rt.store.referenceForSource(source);
    if (existing) {
      log("INFO", "kobo: submission already has its case (resubmitted or edited)", {
        form,
        reference: existing,
      });
      return { reference: existing, created: false };
    }
  }

  const attachments = await fetchAttachments(rt, submission, apiToken, rawKey);
  const hint = submission.categoryHint
    ? labelIn(categoryOf(rt.config, submission.categoryHint).label, submission.language)
    : null;
  const content: Partial<Omit<CaseContent, "reference">> = {
    complainant: submission.complainant,
    // The field officer's category hint, for the triage officer (triage decides the category).
    subject: `KoboToolbox (${form})${hint ? ` · ${translate(submission.language, "pages.kobo.categoryHint", { category: hint })}` : ""}`,
    description: submission.description,
    place: submission.place,
    factsDate: submission.factsDate,
    attachments,
    rawMessageKey: rawKey,
  };
  const { reference, created } = await openCase(rt, {
    sourceId: submission.sourceId,
    kind: submission.kind,
    channel: submission.channel,
    language: submission.language,
    anonymous: submission.anonymous,
    receivedAt: rt.now().toISOString(),
    actor: KOBO_ACTOR,
    content,
  });
  if (created) emitMetric("ChannelMessageReceived", { Channel: "kobo" });
  log("INFO", created ? "kobo: case opened" : "kobo: case already opened", {
    form,
    reference,
    attachments: attachments.length,
  });
  return { reference, created };
}

/**
 * Downloads each attachment from the configured Kobo server only (a payload cannot make cfm fetch another
 * host) with the API token, within the attachment cap, and stores it. A network failure or a 5xx is
 * transient (Kobo retries the submission); a file over the cap is listed, flagged oversized, not copied.
 */
async function fetchAttachments(
  rt: Runtime,
  submission: KoboCase,
  apiToken: string | undefined,
  /** A file not copied is listed with the raw payload's key (its download URL is in it), as email does. */
  rawKey: string,
): Promise<CaseContent["attachments"]> {
  if (submission.attachments.length === 0) return [];
  const server = new URL(rt.config.channels.kobo?.server ?? "https://kf.kobotoolbox.org");
  const bucket = requireEnv("ATTACHMENTS_BUCKET");
  const cap = rt.config.intake.attachmentCapBytes;
  const folder = `kobo-${submission.sourceId.split(":").at(-1)}`;
  const out: CaseContent["attachments"] = [];
  for (const [index, attachment] of submission.attachments.entries()) {
    const url = new URL(attachment.url);
    const key = attachmentKey(folder, index + 1, attachment.filename);
    if (url.origin !== server.origin) {
      log("WARN", "kobo: attachment not on the configured Kobo server, not fetched", { index });
      out.push({
        key: rawKey,
        filename: attachment.filename,
        contentType: attachment.contentType,
        size: 0,
        oversized: true,
      });
      continue;
    }
    let response: Response;
    try {
      response = await fetch(url, {
        headers: apiToken ? { Authorization: `Token ${apiToken}` } : {},
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
        redirect: "follow",
      });
    } catch (error) {
      throw new TransientError(
        `kobo: attachment ${index + 1} could not be fetched (${(error as Error).name})`,
      );
    }
    if (response.status >= 500 || response.status === 429)
      throw new TransientError(`kobo: attachment ${index + 1}: HTTP ${response.status}`);
    if (!response.ok) {
      // 401/403/404: the token or the file is wrong; the case is still opened, the file listed as missing.
      log("WARN", "kobo: attachment refused by the Kobo server", { index, status: response.status });
      out.push({
        key: rawKey,
        filename: attachment.filename,
        contentType: attachment.contentType,
        size: 0,
        oversized: true,
      });
      continue;
    }
    const declared = Number(response.headers.get("content-length") ?? 0);
    const bytes = declared > cap ? null : new Uint8Array(await response.arrayBuffer());
    if (!bytes || bytes.byteLength > cap) {
      out.push({
        key: rawKey,
        filename: attachment.filename,
        contentType: attachment.contentType,
        size: bytes?.byteLength ?? declared,
        oversized: true,
      });
      continue;
    }
    await put(bucket, key, bytes, attachment.contentType);
    out.push({
      key,
      filename: attachment.filename,
      contentType: attachment.contentType,
      size: bytes.byteLength,
      oversized: false,
    });
  }
  return out;
}
