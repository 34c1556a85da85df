// Issue 15: which outbox item an email sent by SES belongs to, read back from SES's own "Send" event.
//
// A send is claimed, sent, then marked sent (functions/mail/mailer.ts). A crash between SES accepting the message
// and the mark leaves the claim, and the attempt that takes the stale claim over would send it again. SES
// publishes a Send event for every message it accepts (the configuration set's EventBridge destination,
// infra/constructs/mail-events.ts); each message carries its outbox item in a header, so the event marks the
// item sent and the takeover finds it done. Locally, local/ses-local.ts publishes the same event for each
// message the emulator stores. Pure: no AWS import.
import * as z from "zod";
import type { OutboxAddress } from "../store/outbox-store.ts";

/**
 * The header naming the outbox item: the case reference (already in the subject) and the message's outbox key,
 * which names at most the recipient's own address (a triage copy's key does).
 */
export const OUTBOX_HEADER = "X-CFM-Outbox";

const address = z.union([
  z.object({ reference: z.string().min(1).max(64), key: z.string().min(1).max(300) }).strict(),
  z.object({ filingSource: z.string().min(1).max(300) }).strict(),
  z.object({ report: z.string().min(1).max(64), period: z.string().min(1).max(32) }).strict(),
]);

/** The header's value: the address as base64url JSON (SES accepts any printable value; this has no spaces). */
export function outboxHeaderValue(at: OutboxAddress): string {
  return Buffer.from(JSON.stringify(at), "utf8").toString("base64url");
}

/** The address a header value names, or null when it is not one of ours. */
export function outboxFromHeader(value: string): OutboxAddress | null {
  if (!/^[A-Za-z0-9_-]{1,1200}$/.test(value)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const parsed = address.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** What cfm reads of SES's event (EventBridge `detail-type: Email Sent`; the SNS form has the same `mail`). */
export const sesSendEvent = z.object({
  source: z.literal("aws.ses").optional(),
  detail: z.object({
    eventType: z.string(),
    mail: z.object({
      messageId: z.string().min(1),
      timestamp: z.string().datetime({ offset: true }),
      headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
    }),
  }),
});
export type SesSendEvent = z.infer<typeof sesSendEvent>;

export type SentReceipt =
  | { kind: "sent"; at: OutboxAddress; messageId: string; sentAt: string }
  /** Not a Send event, or a message without (or with a foreign) outbox header: nothing to record. */
  | { kind: "ignored"; reason: string };

/** The outbox item a Send event confirms. */
export function sentReceipt(event: SesSendEvent): SentReceipt {
  const { eventType, mail } = event.detail;
  if (eventType !== "Send") return { kind: "ignored", reason: `event type ${eventType}` };
  const header = (mail.headers ?? []).find((h) => h.name.toLowerCase() === OUTBOX_HEADER.toLowerCase());
  if (!header) return { kind: "ignored", reason: "no outbox header" };
  const at = outboxFromHeader(header.value.trim());
  if (!at) return { kind: "ignored", reason: "outbox header not readable" };
  return { kind: "sent", at, messageId: mail.messageId, sentAt: new Date(mail.timestamp).toISOString() };
}
