// The procedure's messages to the complainant on their channel (issue 17): email as before (sendOnce), SMS
// through AWS End User Messaging SMS (SendTextMessage), WhatsApp through AWS End User Messaging Social
// (SendWhatsAppMessage). Each message is sent once per (case, key) through the same outbox as email; the
// outbox item records the channel, the template and the SMS encoding and segments, never the number or text.
import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { SendWhatsAppMessageCommand, SocialMessagingClient } from "@aws-sdk/client-socialmessaging";
import type { ComplainantRoute } from "../domain/complainant-channel.ts";
import type { ComplainantMessage, Language } from "../domain/config.ts";
import { log } from "../lib/logger.ts";
import { emitMetric } from "../lib/metrics.ts";
import { type Runtime, SENDER_CLIENT_OPTIONS } from "../lib/runtime.ts";
import { deliverOnce, outboxStatus, sendOnce } from "../mail/mailer.ts";
import type { TemplateData } from "../mail/templates.ts";
import { outboxStore } from "../store/outbox-store.ts";
import { conversationOf, isOptedOut } from "./conversations.ts";
import { renderShortText } from "./short-texts.ts";
import { splitSms, toGsmFriendly } from "./sms-encoding.ts";
import { chooseWhatsApp } from "./whatsapp-message.ts";

let sms: PinpointSMSVoiceV2Client | undefined;
let social: SocialMessagingClient | undefined;
// Built on first use (cold starts: most Lambdas never send an SMS).
const smsClient = () => {
  sms ??= new PinpointSMSVoiceV2Client(SENDER_CLIENT_OPTIONS);
  return sms;
};
const socialClient = () => {
  social ??= new SocialMessagingClient(SENDER_CLIENT_OPTIONS);
  return social;
};

/** End User Messaging errors worth a retry beyond the throttling names every sender shares. */
const SMS_TRANSIENT = new Set(["InternalServerException", "ServiceQuotaExceededException"]);
const SOCIAL_TRANSIENT = new Set(["InternalServiceException", "ThrottledRequestException"]);

export interface ToComplainant<T extends ComplainantMessage> {
  reference: string;
  /** Unique per message of the case (the outbox key), as for sendOnce. */
  key: string;
  to: ComplainantRoute;
  template: T;
  language: Language;
  data: TemplateData[T];
}

export type SendOutcome = "sent" | "already-sent" | "opted-out" | "no-template";

/** Sends one of the procedure's messages to the complainant, once, on their channel. */
export async function sendToComplainant<T extends ComplainantMessage>(
  rt: Runtime,
  message: ToComplainant<T>,
): Promise<SendOutcome> {
  const { to } = message;
  if (to.channel === "email")
    return sendOnce(rt, {
      reference: message.reference,
      key: message.key,
      to: to.to,
      template: message.template,
      language: message.language,
      data: message.data as never,
    });
  if (to.channel === "sms") return sendSms(rt, message, to.to);
  return sendWhatsApp(rt, message, to.to);
}

/** An outbox item that records why nothing was sent (shown on the case; never retried). */
async function recordUnsent(rt: Runtime, reference: string, key: string, fields: Record<string, string>) {
  await outboxStore(rt).recordUnsent({ reference, key }, fields, rt.now().toISOString());
}

async function sendSms<T extends ComplainantMessage>(
  rt: Runtime,
  message: ToComplainant<T>,
  phone: string,
): Promise<SendOutcome> {
  const settings = rt.config.channels.sms;
  if (!settings) throw new Error("unreachable: an SMS route without channels.sms");
  const outboxKey = { reference: message.reference, key: message.key };
  if ((await outboxStatus(rt, outboxKey)) === "sent") return "already-sent";
  // STOP honoured: the number asked for no more SMS (recorded when it did, on the case and OPTOUT#).
  if (await isOptedOut(rt, phone)) {
    await recordUnsent(rt, message.reference, message.key, {
      template: message.template,
      channel: "sms",
      status: "opted-out",
    });
    log("INFO", "sms: not sent, the number opted out", { reference: message.reference, key: message.key });
    return "opted-out";
  }
  const body = renderShortText(message.template, message.language, message.data as never, {
    maxSegments: settings.maxSegments,
    askSatisfaction: true,
  });
  return deliverSms(rt, outboxKey, `${message.template} SMS`, { template: message.template }, phone, body);
}

/** One SMS, once per outbox item: the encoding and segments recorded, never the number or the text. */
async function deliverSms(
  rt: Runtime,
  outboxKey: { reference: string; key: string },
  what: string,
  meta: Record<string, string>,
  phone: string,
  body: string,
): Promise<"sent" | "already-sent"> {
  const settings = rt.config.channels.sms;
  if (!settings) throw new Error("unreachable: an SMS route without channels.sms");
  const { encoding, segments } = splitSms(body);
  const result = await deliverOnce(
    rt,
    outboxKey,
    { label: `${what} for ${outboxKey.reference}`, service: "SMS", transient: SMS_TRANSIENT },
    { ...meta, channel: "sms", encoding, segments: segments.length },
    async () => {
      const out = await smsClient().send(
        new SendTextMessageCommand({
          DestinationPhoneNumber: phone,
          OriginationIdentity: settings.originationIdentity ?? settings.number,
          MessageBody: body,
          MessageType: "TRANSACTIONAL",
          ...(settings.configurationSet ? { ConfigurationSetName: settings.configurationSet } : {}),
          // Delivery events carry the reference back; no personal data.
          Context: { reference: outboxKey.reference },
        }),
      );
      return out.MessageId ?? "";
    },
  );
  if (result === "sent") emitMetric("SmsSent");
  return result;
}

/**
 * A reply to a text the complainant has just sent (not one of the procedure's messages: T-11's confirmation
 * question), on the channel it came by, once per (case, key). WhatsApp: a text, the person having just
 * written (inside the 24-hour window); SMS: not to a number that opted out.
 */
export async function sendReply(
  rt: Runtime,
  reply: {
    reference: string;
    key: string;
    channel: "sms" | "whatsapp";
    phone: string;
    text: string;
    what: string;
  },
): Promise<SendOutcome> {
  const outboxKey = { reference: reply.reference, key: reply.key };
  if ((await outboxStatus(rt, outboxKey)) === "sent") return "already-sent";
  if (reply.channel === "sms") {
    if (await isOptedOut(rt, reply.phone)) {
      await recordUnsent(rt, reply.reference, reply.key, {
        template: reply.what,
        channel: "sms",
        status: "opted-out",
      });
      return "opted-out";
    }
    return deliverSms(
      rt,
      outboxKey,
      `${reply.what} SMS`,
      { template: reply.what },
      reply.phone,
      toGsmFriendly(reply.text),
    );
  }
  const settings = rt.config.channels.whatsapp;
  if (!settings) throw new Error("unreachable: a WhatsApp reply without channels.whatsapp");
  const payload = {
    messaging_product: "whatsapp" as const,
    to: reply.phone,
    type: "text" as const,
    text: { body: reply.text, preview_url: false as const },
  };
  const result = await deliverOnce(
    rt,
    outboxKey,
    {
      label: `${reply.what} WhatsApp message for ${reply.reference}`,
      service: "WhatsApp",
      transient: SOCIAL_TRANSIENT,
    },
    { template: reply.what, channel: "whatsapp", kind: "text" },
    async () => {
      const out = await socialClient().send(
        new SendWhatsAppMessageCommand({
          originationPhoneNumberId: settings.phoneNumberId,
          metaApiVersion: settings.metaApiVersion,
          message: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      );
      return out.messageId ?? "";
    },
  );
  if (result === "sent") emitMetric("WhatsAppSent", { Kind: "text" });
  return result;
}

async function sendWhatsApp<T extends ComplainantMessage>(
  rt: Runtime,
  message: ToComplainant<T>,
  phone: string,
): Promise<SendOutcome> {
  const settings = rt.config.channels.whatsapp;
  if (!settings) throw new Error("unreachable: a WhatsApp route without channels.whatsapp");
  const outboxKey = { reference: message.reference, key: message.key };
  if ((await outboxStatus(rt, outboxKey)) === "sent") return "already-sent";
  const text = renderShortText(message.template, message.language, message.data as never, {
    askSatisfaction: true,
  });
  const conversation = await conversationOf(rt, "whatsapp", phone);
  const choice = chooseWhatsApp(settings, {
    to: phone,
    message: message.template,
    language: message.language,
    text,
    reference: message.reference,
    lastInboundAt: conversation?.lastInboundAt ?? null,
    now: rt.now(),
  });
  if (choice.kind === "no-template") {
    // Outside the 24-hour window with no approved template: WhatsApp would refuse the message. Recorded,
    // counted, and the officer sees it (config check asks for a `default` template).
    await recordUnsent(rt, message.reference, message.key, {
      template: message.template,
      channel: "whatsapp",
      status: "no-template",
    });
    emitMetric("WhatsAppUndeliverable");
    log("WARN", "whatsapp: outside the 24-hour window and no template declared", {
      reference: message.reference,
      key: message.key,
    });
    return "no-template";
  }
  const result = await deliverOnce(
    rt,
    outboxKey,
    {
      label: `${message.template} WhatsApp message for ${message.reference}`,
      service: "WhatsApp",
      transient: SOCIAL_TRANSIENT,
    },
    {
      template: message.template,
      channel: "whatsapp",
      kind: choice.kind,
      ...(choice.kind === "template" ? { whatsappTemplate: choice.template } : {}),
    },
    async () => {
      const out = await socialClient().send(
        new SendWhatsAppMessageCommand({
          originationPhoneNumberId: settings.phoneNumberId,
          metaApiVersion: settings.metaApiVersion,
          message: new TextEncoder().encode(JSON.stringify(choice.payload)),
        }),
      );
      return out.messageId ?? "";
    },
  );
  if (result === "sent") emitMetric("WhatsAppSent", { Kind: choice.kind });
  return result;
}
