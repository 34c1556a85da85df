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
import { timeLeftMs } from "../lib/invocation.ts";
import { type Runtime, SENDER_CLIENT_OPTIONS } from "../lib/runtime.ts";
import { type OutboxAddress, outboxStore } from "../store/outbox-store.ts";
import type { Table } from "../store/table.ts";
import { OUTBOX_HEADER, outboxHeaderValue } from "./sent-receipt.ts";
import { renderEmail, type TemplateData, type TemplateId } from "./templates.ts";

export { MailRejectedError, TransientError };

/** A claim older than this with no "sent" mark is taken to be a crashed send and is sent again. */
const STALE_CLAIM_MS = SEND_CLAIM_STALE_SECONDS * 1000;
/**
 * An attempt that finds a claim going stale soon waits for it and sends, rather than throwing: the workflow's
 * retries have full jitter and can all fall inside a claim's life (issue 15's crash test: the restarted
 * acknowledgement's six retries were spent in 35 s and the case went to needs-attention). It waits at most this
 * long, and only while the invocation keeps SEND_BUDGET_MS for the send after the wait (a 15 s page Lambda
 * never waits; a 30 s workflow Lambda waits up to about 16 s).
 */
const MAX_TAKEOVER_WAIT_MS = 20_000;
/** What a send may take once claimed: the senders' clients' connection and request timeouts, and a margin. */
const SEND_BUDGET_MS =
  SENDER_CLIENT_OPTIONS.requestHandler.connectionTimeout +
  SENDER_CLIENT_OPTIONS.requestHandler.requestTimeout +
  2_000;

/** Network failures before the request went out: nothing was sent, the claim is given back. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);
/** Failures after the request went out: the provider may have sent it; the claim is kept until it is stale. */
const IN_DOUBT_CODES = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT"]);

function failureKind(error: unknown): "not-sent" | "in-doubt" | "other" {
  const { name, code, message } = error as { name?: string; code?: string; message?: string };
  if (
    (code && NOT_SENT_CODES.has(code)) ||
    (name === "TimeoutError" && /did not establish a connection/.test(message ?? ""))
  )
    return "not-sent";
  if (name === "TimeoutError" || (code && IN_DOUBT_CODES.has(code)) || /socket hang up/.test(message ?? ""))
    return "in-doubt";
  return "other";
}
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
            Headers: [
              // Auto-responders must not answer our mail (no loops with the intake address).
              { Name: "Auto-Submitted", Value: "auto-generated" },
              // SES's Send event names the item, so that a crash after SES accepted the message does not send
              // it again (functions/mail/sent-receipt.ts).
              { Name: OUTBOX_HEADER, Value: outboxHeaderValue(key) },
            ],
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
    // attempt's) is waited for and taken over, when this invocation has the time; a young one is retried later.
    const staleIn = Date.parse(held.claimedAt ?? "") + STALE_CLAIM_MS - rt.now().getTime();
    if (staleIn <= Math.min(MAX_TAKEOVER_WAIT_MS, timeLeftMs() - SEND_BUDGET_MS)) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, staleIn) + 50));
      claimed = await claim();
    }
    if (!claimed) {
      const now = await outbox.status(key);
      if (now === "sent") return "already-sent";
      if (now === "rejected") throw new MailRejectedError(`${label} was rejected`);
      throw new SendInProgressError(`${label} is being sent`);
    }
  }
  let messageId: string;
  try {
    messageId = await deliver();
  } catch (error) {
    const name = (error as Error).name;
    const kind = failureKind(error);
    if (kind === "in-doubt") {
      // The provider may have the message: sending it again now could send it twice. The claim stays; an
      // attempt after it is stale sends (at least once, rather than perhaps never).
      throw new SendInProgressError(`${label}: ${what.service} did not answer (${name})`);
    }
    if (
      kind === "not-sent" ||
      THROTTLING.has(name) ||
      what.transient?.has(name) ||
      (error as { $retryable?: unknown }).$retryable
    ) {
      // Release the claim so the retry sends.
      await outbox.release(key, claimed);
      throw new TransientError(`${what.service} throttled or unreachable for ${label} (${name})`);
    }
    await outbox.reject(key, name, claimed);
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
