// Outgoing email through SES v2, sent at most once per outbox item: a retried handler finds the outbox
// record and does not send again. Throttling is rethrown as TransientError (Step Functions or the caller
// retries it); a rejected message is recorded on the outbox item and raised as MailRejectedError.
import { type SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import type { Language } from "../domain/config.ts";
import {
  MailRejectedError,
  SEND_CLAIM_STALE_SECONDS,
  SendInProgressError,
  TransientError,
} from "../errors.ts";
import type { Runtime } from "../lib/runtime.ts";
import { type OutboxAddress, outboxStore } from "../store/outbox-store.ts";
import type { Table } from "../store/table.ts";
import { renderEmail, type TemplateData, type TemplateId } from "./templates.ts";

export { MailRejectedError, TransientError };

/** A claim older than this with no "sent" mark is taken to be a crashed send and is sent again. */
const STALE_CLAIM_MS = SEND_CLAIM_STALE_SECONDS * 1000;
/**
 * An attempt that finds a claim going stale within this long waits for it and sends, rather than throwing: the
 * workflow's retries have full jitter and can all fall inside a claim's life (issue 15's crash test: the
 * restarted acknowledgement's six retries were spent in 35 s and the case went to needs-attention). A Lambda
 * that died at its 30 s timeout left a claim that goes stale within 10 s of its retry. 15 s leaves the rest of
 * a 30 s Lambda for the send.
 */
const MAX_TAKEOVER_WAIT_MS = 15_000;
const THROTTLING = new Set([
  "TooManyRequestsException",
  "ThrottlingException",
  "LimitExceededException",
  "SendingPausedException",
]);

/** What sending needs from the runtime (the reports handler passes a smaller one). */
export type MailRuntime = Table &
  Pick<Runtime, "fromAddress" | "configurationSet" | "now"> & {
    ses: SESv2Client;
  };

export type { OutboxAddress };

export interface Message {
  to: string[];
  replyTo: string;
  subject: string;
  text: string;
  html: string;
  attachments?: Array<{ fileName: string; contentType: string; content: Uint8Array }>;
}

/** The state of an outbox item: "sent", "sending", "rejected", or null when nothing was claimed. */
export async function outboxStatus(rt: Table, at: OutboxAddress): Promise<string | null> {
  return outboxStore(rt).status(at);
}

/**
 * Sends `message` once for `key`: claims the outbox item (a conditional put), sends, marks it sent. `label`
 * names the message in errors (no personal data); `meta` is stored on the outbox item.
 */
export async function sendViaOutbox(
  rt: MailRuntime,
  key: OutboxAddress,
  label: string,
  meta: Record<string, string | number>,
  message: Message,
): Promise<"sent" | "already-sent"> {
  return deliverOnce(rt, key, { label, service: "SES" }, meta, async () => {
    const out = await rt.ses.send(
      new SendEmailCommand({
        FromEmailAddress: rt.fromAddress,
        Destination: { ToAddresses: message.to },
        ReplyToAddresses: [message.replyTo],
        ConfigurationSetName: rt.configurationSet,
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: "UTF-8" },
            Body: {
              Text: { Data: message.text, Charset: "UTF-8" },
              Html: { Data: message.html, Charset: "UTF-8" },
            },
            // Auto-responders must not answer our mail (no loops with the intake address).
            Headers: [{ Name: "Auto-Submitted", Value: "auto-generated" }],
            ...(message.attachments?.length
              ? {
                  Attachments: message.attachments.map((a) => ({
                    FileName: a.fileName,
                    ContentType: a.contentType,
                    ContentDisposition: "ATTACHMENT" as const,
                    ContentTransferEncoding: "BASE64" as const,
                    RawContent: a.content,
                  })),
                }
              : {}),
          },
        },
      }),
    );
    return out.MessageId ?? "";
  });
}

/**
 * The outbox protocol of every outgoing message (email, SMS, WhatsApp): claims the item, runs `deliver`
 * (which answers the provider's message id), marks it sent. Throttling (or an error the SDK marks retryable)
 * releases the claim and throws TransientError; any other error marks the item rejected and throws
 * MailRejectedError. `transient` names further errors of the provider that are worth a retry.
 */
export async function deliverOnce(
  rt: Table & Pick<MailRuntime, "now">,
  key: OutboxAddress,
  what: { label: string; service: string; transient?: ReadonlySet<string> },
  meta: Record<string, string | number>,
  deliver: () => Promise<string>,
): Promise<"sent" | "already-sent"> {
  const { label } = what;
  const outbox = outboxStore(rt);
  const claim = () => {
    const now = rt.now();
    return outbox.claim(key, meta, now, new Date(now.getTime() - STALE_CLAIM_MS));
  };
  let claimed = await claim();
  if (!claimed) {
    const held = await outbox.lookup(key);
    if (held?.status === "rejected") throw new MailRejectedError(`${label} was rejected`);
    if (held?.status !== "sending") return "already-sent";
    // Another attempt holds a claim: not sent yet, so not "already sent". One going stale soon (a crashed
    // attempt's) is waited for and taken over; a young one is retried later.
    const staleIn = Date.parse(held.claimedAt ?? "") + STALE_CLAIM_MS - rt.now().getTime();
    if (staleIn <= MAX_TAKEOVER_WAIT_MS) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, staleIn) + 50));
      claimed = await claim();
    }
    if (!claimed) {
      if ((await outbox.status(key)) === "sent") return "already-sent";
      throw new SendInProgressError(`${label} is being sent`);
    }
  }
  let messageId: string;
  try {
    messageId = await deliver();
  } catch (error) {
    const name = (error as Error).name;
    if (THROTTLING.has(name) || what.transient?.has(name) || (error as { $retryable?: unknown }).$retryable) {
      // Release the claim so the retry sends.
      await outbox.release(key);
      throw new TransientError(`${what.service} throttled ${label}`);
    }
    await outbox.reject(key, name);
    throw new MailRejectedError(`${label} was rejected by ${what.service} (${name})`);
  }
  // Outside the provider's error handling: a failure here must not release the claim (that would send
  // twice); the claim goes stale instead, and only an attempt past STALE_CLAIM_MS sends again.
  await outbox.markSent(key, messageId, rt.now().toISOString());
  return "sent";
}

export interface OutgoingEmail<T extends TemplateId> {
  reference: string;
  /** Unique per message of the case, e.g. "acknowledgement" or "task:triage:<token hash>". */
  key: string;
  to: string;
  template: T;
  language: Language;
  data: TemplateData[T];
}

/** One email of a case, rendered from its template, sent once per (case, key). */
export async function sendOnce<T extends TemplateId>(
  rt: Runtime,
  email: OutgoingEmail<T>,
): Promise<"sent" | "already-sent"> {
  const rendered = renderEmail(email.template, email.language, email.data);
  return sendViaOutbox(
    rt,
    { reference: email.reference, key: email.key },
    `${email.template} for ${email.reference}`,
    { template: email.template },
    { to: [email.to], replyTo: rt.config.organisation.intakeAddress, ...rendered },
  );
}
