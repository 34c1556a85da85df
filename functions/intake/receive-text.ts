// Text intake (issue 17): one inbound SMS, WhatsApp message or signed-webhook message becomes a new case, a
// message added to the open case of that number's conversation, an appeal, a satisfaction answer, or an
// opt-out/opt-in, on the same core as email (receive-email.ts): the raw copy kept first, `INBOX#<id>`
// items recording each outcome (a redelivery answers at once, as a duplicate), openCase idempotent on the
// message id, the assignee told through the same notification.
// Logs carry ids only: never a phone number, a name or a text.
import { PutObjectCommand } from "@aws-sdk/client-s3";
import {
  askAppealConfirmation,
  clearPendingAppeal,
  conversationOf,
  isOptedOut,
  type PhoneChannel,
  recordInbound,
  recordOptOut,
} from "../channels/conversations.ts";
import { intentOf } from "../channels/keywords.ts";
import { sendReply } from "../channels/send.ts";
import type { CaseRecord, Channel } from "../domain/complaint.ts";
import type { Language } from "../domain/config.ts";
import { offersExplanations } from "../domain/procedure.ts";
import { translate } from "../i18n/i18n.ts";
import { log } from "../lib/logger.ts";
import { emitMetric } from "../lib/metrics.ts";
import { type Runtime, requireEnv } from "../lib/runtime.ts";
import { s3 } from "../lib/s3.ts";
import { appealOpenUntil, fileAppeal, recordSatisfaction } from "../public/cases.ts";
import { requestExplanations } from "../workflow/explanations.ts";
import { openCase } from "./open-case.ts";
import { detectLanguage } from "./parse-inbound.ts";
import { fitText, Inbox, notifyAssignee } from "./receive-email.ts";
import { parseInboundSms, parseInboundWhatsApp, snsNotifications } from "./sns-text-events.ts";

/** Where the raw copy of each inbound text message is kept (the raw-mail bucket, same expiry). */
export const RAW_TEXT_PREFIX = "channels/";

const DESCRIPTION_MAX_BYTES = 100_000;
/** T-11: how long the OUI to an appeal question counts (the question says 48 hours). */
export const APPEAL_CONFIRM_MS = 48 * 60 * 60 * 1000;
const MESSAGE_MAX_BYTES = 20_000;

export interface InboundText {
  /** Unique per message at its provider, prefixed by it (`sms:<inboundMessageId>`, `whatsapp:<wamid>`). */
  messageId: string;
  /** The case's channel when the message opens one. */
  channel: Channel;
  /** The conversation replies go on (SMS or WhatsApp), or null when cfm cannot answer on it. */
  conversation: PhoneChannel | null;
  /** E.164. */
  from: string;
  text: string;
  receivedAt: string;
  /** A name the channel gives (a WhatsApp profile name). */
  name?: string;
  /** The provider's payload, kept as received. */
  raw: string;
  /** Who the timeline names as actor ("sms", "whatsapp", "webhook:<source>"). */
  actor: string;
}

export type TextIntakeResult =
  | { messageId: string; reference: string }
  | { messageId: string; reference: string; attached: true }
  | { messageId: string; reference: string; appeal: true }
  /** T-11: an appeal asked for by text, waiting for the number's OUI. */
  | { messageId: string; reference: string; appealPending: true }
  | { messageId: string; reference: string; explanations: true }
  | { messageId: string; reference: string; satisfaction: number }
  | { messageId: string; duplicate: true; reference: string }
  | { messageId: string; optedOut: boolean; reference?: string };

/** Handles one inbound text message. Throws on AWS failures so that the caller's retry runs it again. */
export async function receiveText(rt: Runtime, message: InboundText): Promise<TextIntakeResult> {
  const { messageId, receivedAt } = message;
  const raw = { bucket: requireEnv("RAW_BUCKET"), key: rawTextKey(message) };
  const inbox = new Inbox(rt, messageId, receivedAt, raw);
  const previous = await inbox.previousOutcome();
  if (previous) {
    log("INFO", "text intake: message already handled", { messageId });
    if ("reference" in previous) return { messageId, duplicate: true, reference: previous.reference };
    return { messageId, optedOut: !("noise" in previous && String(previous.noise) === "opt-in") };
  }
  // The raw copy first: whatever happens next, what was received is kept.
  await s3().send(
    new PutObjectCommand({
      Bucket: raw.bucket,
      Key: raw.key,
      Body: message.raw,
      ContentType: "application/json",
      ...(process.env.KMS_KEY_ID
        ? { ServerSideEncryption: "aws:kms", SSEKMSKeyId: process.env.KMS_KEY_ID, BucketKeyEnabled: true }
        : {}),
    }),
  );
  emitMetric("ChannelMessageReceived", { Channel: message.channel });

  const intent = intentOf(message.text);
  const conversation = message.conversation
    ? await conversationOf(rt, message.conversation, message.from)
    : null;
  const current = conversation ? await rt.store.get(conversation.reference) : null;

  if (intent.kind === "opt-out" || intent.kind === "opt-in") {
    const optedOut = intent.kind === "opt-out";
    await recordOptOut(rt, message.from, receivedAt, optedOut);
    if (current)
      await rt.store.update(current.reference, () => ({
        event: {
          id: `message:${messageId}`.slice(0, 200),
          at: receivedAt,
          type: "message",
          actor: message.actor,
          detail: optedOut ? "opt-out: no more SMS to this number" : "opt-in: SMS allowed again",
        },
      }));
    await inbox.record("NOISE", { kind: intent.kind, ...(current ? { reference: current.reference } : {}) });
    if (optedOut) emitMetric("SmsOptOut");
    log("INFO", `text intake: ${intent.kind} recorded`, { messageId, reference: current?.reference });
    return { messageId, optedOut, ...(current ? { reference: current.reference } : {}) };
  }

  if (current && current.status === "closed") {
    // Closing the loop: a digit in reply to the closing message is the satisfaction answer, once.
    if (intent.kind === "satisfaction" && !current.satisfaction) {
      const done = await recordSatisfaction(rt, current.reference, { score: intent.score });
      if (done === "done") {
        await inbox.record("RECEIPT", { reference: current.reference, outcome: "satisfaction" });
        log("INFO", "text intake: satisfaction recorded", { messageId, reference: current.reference });
        return { messageId, reference: current.reference, satisfaction: intent.score };
      }
    }
    // Anything else after closure is a new matter: a new case.
  } else if (current) {
    // T-11: the appeal is the complainant's only one. A text starting with the word ("Appel de Moussa ce matin",
    // a phone call) must not spend it: the text is added to the case, and the appeal is filed when the number
    // answers OUI to the question sent back, while the appeal is open.
    // Where cfm cannot ask (the channel is not configured for replies, or the number opted out of SMS), the
    // text is a message: the assignee is told and staff record the appeal (H-E1, `record-appeal`).
    const channel = message.conversation;
    if (
      intent.kind === "appeal" &&
      channel &&
      rt.config.channels[channel] &&
      !(channel === "sms" && (await isOptedOut(rt, message.from))) &&
      (await appealOpenUntil(rt, current))
    ) {
      // Asked before the message's outcome is recorded: a retry after a crash asks again (sent once per key).
      await attach(rt, inbox, current, message, () => askToConfirm(rt, current, message, inbox.raw.key));
      return { messageId, reference: current.reference, appealPending: true };
    }
    const pending = conversation?.pendingAppeal;
    if (channel && pending?.reference === current.reference && intent.kind !== "confirm")
      // Only the answer to the question confirms: a later "oui" to something else must not spend the appeal.
      await clearPendingAppeal(rt, channel, message.from, current.reference);
    if (
      intent.kind === "confirm" &&
      message.conversation &&
      pending?.reference === current.reference &&
      Date.parse(receivedAt) - Date.parse(pending.at) <= APPEAL_CONFIRM_MS
    ) {
      const reason = await pendingReason(rt, current.reference, pending.rawMessageKey);
      if ((await fileAppeal(rt, current, reason)) === "done") {
        await clearPendingAppeal(rt, message.conversation, message.from, current.reference);
        await recordInbound(rt, message.conversation, message.from, current.reference, receivedAt);
        await inbox.record("RECEIPT", { reference: current.reference, outcome: "appeal" });
        log("INFO", "text intake: appeal filed", { messageId, reference: current.reference });
        return { messageId, reference: current.reference, appeal: true };
      }
      // Too late (the window passed): the OUI is a message like any other.
      await clearPendingAppeal(rt, message.conversation, message.from, current.reference);
    } else if (intent.kind === "confirm" && message.conversation && pending?.reference === current.reference)
      // Past the 48 hours: the OUI is a message, and the question is asked again if APPEL comes again.
      await clearPendingAppeal(rt, message.conversation, message.from, current.reference);
    // H-D4: explanations before an appeal, where the procedure offers them, while the answer can be appealed.
    if (
      intent.kind === "explanations" &&
      current.status === "responded" &&
      offersExplanations(rt.config, current)
    ) {
      await requestExplanations(
        rt,
        current.reference,
        fitText(intent.question || message.text, MESSAGE_MAX_BYTES),
        `explanations:${messageId}`.slice(0, 200),
      );
      if (message.conversation)
        await recordInbound(rt, message.conversation, message.from, current.reference, receivedAt);
      await inbox.record("RECEIPT", { reference: current.reference, outcome: "attached" });
      log("INFO", "text intake: explanations requested", { messageId, reference: current.reference });
      return { messageId, reference: current.reference, explanations: true };
    }
    return attach(rt, inbox, current, message);
  }
  return openNew(rt, inbox, message);
}

/** T-11: asks the number to confirm the appeal its text asked for, and remembers which text asked. */
async function askToConfirm(
  rt: Runtime,
  current: CaseRecord,
  message: InboundText,
  rawMessageKey: string,
): Promise<void> {
  const channel = message.conversation as PhoneChannel;
  await askAppealConfirmation(rt, channel, message.from, {
    reference: current.reference,
    rawMessageKey,
    at: message.receivedAt,
  });
  const { organisation } = rt.config;
  const language = current.language;
  const text = translate(language, "sms.appealConfirm", {
    organisation: organisation.name,
    reference: current.reference,
  });
  await sendReply(rt, {
    reference: current.reference,
    key: `appeal-confirm:${message.messageId}`.slice(0, 200),
    channel,
    phone: message.from,
    text,
    what: "appeal-confirmation",
  });
  log("INFO", "text intake: appeal asked, confirmation requested", {
    messageId: message.messageId,
    reference: current.reference,
  });
}

/** The reasons of the text that asked for the appeal (its words after APPEL), from the case's content. */
async function pendingReason(rt: Runtime, reference: string, rawMessageKey: string): Promise<string> {
  const content = await rt.store.getContent(reference);
  const asked = content?.messages.find((m) => m.rawMessageKey === rawMessageKey)?.text ?? "";
  const intent = intentOf(asked);
  return (intent.kind === "appeal" && intent.reason) || asked || "Appel confirmé par SMS.";
}

async function attach(
  rt: Runtime,
  inbox: Inbox,
  current: CaseRecord,
  message: InboundText,
  /** Runs once the message is on the case, before its outcome is recorded. */
  then?: () => Promise<void>,
): Promise<TextIntakeResult> {
  const { messageId, receivedAt } = message;
  const reference = current.reference;
  const { record, applied } = await rt.store.update(
    reference,
    (_r, content) => {
      if (!content || content.messages.some((m) => m.rawMessageKey === inbox.raw.key)) return null;
      return {
        content: {
          messages: [
            ...content.messages,
            {
              at: receivedAt,
              from: message.from,
              text: fitText(message.text, MESSAGE_MAX_BYTES),
              rawMessageKey: inbox.raw.key,
            },
          ],
        },
        event: {
          id: `message:${messageId}`.slice(0, 200),
          at: receivedAt,
          type: "message",
          actor: message.actor,
          detail: message.channel,
        },
      };
    },
    { withContent: true },
  );
  if (message.conversation)
    await recordInbound(rt, message.conversation, message.from, reference, receivedAt);
  await notifyAssignee(rt, record, messageId, receivedAt, { text: message.text, unknownSender: undefined });
  await then?.();
  await inbox.record("RECEIPT", { reference, outcome: applied ? "attached" : "duplicate" });
  log("INFO", "text intake: message added to a case", { messageId, reference, retried: !applied });
  return applied ? { messageId, reference, attached: true } : { messageId, duplicate: true, reference };
}

async function openNew(rt: Runtime, inbox: Inbox, message: InboundText): Promise<TextIntakeResult> {
  const { messageId, receivedAt } = message;
  const fallback: Language = rt.config.organisation.languages[0] ?? "fr";
  const detected = detectLanguage(message.text, undefined, fallback);
  const language = rt.config.organisation.languages.includes(detected) ? detected : fallback;
  const { reference, created } = await openCase(rt, {
    sourceId: messageId,
    kind: "complaint",
    channel: message.channel,
    language,
    anonymous: false,
    receivedAt,
    actor: message.actor,
    content: {
      complainant: { phone: message.from, ...(message.name ? { name: message.name.slice(0, 200) } : {}) },
      description: fitText(message.text, DESCRIPTION_MAX_BYTES),
      rawMessageKey: inbox.raw.key,
    },
  });
  if (message.conversation)
    await recordInbound(rt, message.conversation, message.from, reference, receivedAt);
  await inbox.record("RECEIPT", { reference, outcome: created ? "case" : "duplicate" });
  log("INFO", created ? "text intake: case opened" : "text intake: case already opened (redelivery)", {
    messageId,
    reference,
  });
  return created ? { messageId, reference } : { messageId, duplicate: true, reference };
}

/** `channels/<provider>/<safe id>.json`: deterministic, so a retry overwrites rather than duplicates. */
function rawTextKey(message: InboundText): string {
  const safe = message.messageId.replace(/[^A-Za-z0-9._:-]+/g, "_").slice(0, 200);
  return `${RAW_TEXT_PREFIX}${safe.replace(":", "/")}.json`;
}

// ---------------------------------------------------------------------------------------------------------
// The SNS notifications of AWS End User Messaging (SMS two-way channel, WhatsApp event destination)

/** Inbound SMS: each notification of the event is one message. */
export async function receiveSmsEvent(rt: Runtime, event: unknown): Promise<TextIntakeResult[]> {
  const results: TextIntakeResult[] = [];
  for (const notification of snsNotifications(event)) {
    const sms = parseInboundSms(notification);
    results.push(
      await receiveText(rt, {
        ...sms,
        channel: "sms",
        conversation: "sms",
        raw: JSON.stringify(notification),
        actor: "sms",
      }),
    );
  }
  return results;
}

/** Inbound WhatsApp: a notification may carry several messages, or only delivery receipts (none). */
export async function receiveWhatsAppEvent(rt: Runtime, event: unknown): Promise<TextIntakeResult[]> {
  const results: TextIntakeResult[] = [];
  for (const notification of snsNotifications(event)) {
    for (const message of parseInboundWhatsApp(notification))
      results.push(
        await receiveText(rt, {
          ...message,
          channel: "whatsapp",
          conversation: "whatsapp",
          raw: JSON.stringify(notification),
          actor: "whatsapp",
        }),
      );
  }
  return results;
}
