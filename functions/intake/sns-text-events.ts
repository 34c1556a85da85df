// The SNS notifications AWS End User Messaging publishes for inbound messages (issue 17), validated with zod:
// - SMS: the phone number's two-way channel publishes `Message` = JSON with originationNumber,
//   destinationNumber, messageKeyword, messageBody, inboundMessageId (AWS End User Messaging SMS User Guide,
//   "Two-way SMS messaging");
// - WhatsApp: the WhatsApp Business Account's event destination publishes `Message` = JSON with `context`
//   and `whatsAppWebhookEntry`, Meta's webhook entry (a JSON string, or an object), whose changes carry
//   `messages` (inbound) and `statuses` (delivery receipts, not messages).
// A Lambda subscription delivers `{Records: [{Sns: {...}}]}`; the local stack posts the notification itself.
import { z } from "zod";
import { normalisePhone } from "../domain/phone.ts";
import { InvalidInputError } from "../errors.ts";

export { InvalidInputError };

const iso = z.iso.datetime({ offset: true });

const snsNotification = z.object({
  Type: z.literal("Notification"),
  MessageId: z.string().min(1),
  TopicArn: z.string().optional(),
  Message: z.string().min(2),
  Timestamp: iso,
});
export type SnsNotification = z.infer<typeof snsNotification>;

const lambdaSnsEvent = z.object({
  Records: z.array(z.object({ EventSource: z.literal("aws:sns").optional(), Sns: snsNotification })).min(1),
});

/** The notifications of a Lambda SNS event, or the one notification posted locally. */
export function snsNotifications(event: unknown): SnsNotification[] {
  const asLambda = lambdaSnsEvent.safeParse(event);
  if (asLambda.success) return asLambda.data.Records.map((r) => r.Sns);
  const single = snsNotification.safeParse(event);
  if (single.success) return [single.data];
  const issue = single.error.issues[0];
  throw new InvalidInputError(
    `not an SNS notification: ${issue?.path.join(".") || "(body)"}: ${issue?.message ?? "invalid"}`,
  );
}

function json(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidInputError(`${what}: not JSON`);
  }
}

function first<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InvalidInputError(
    `${what}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`,
  );
}

const e164Loose = z.string().transform((value, ctx) => {
  const phone = normalisePhone(value);
  if (!phone) {
    ctx.addIssue({ code: "custom", message: "not a phone number in E.164" });
    return z.NEVER;
  }
  return phone;
});

const inboundSms = z.object({
  originationNumber: e164Loose,
  destinationNumber: z.string().min(1),
  messageKeyword: z.string().optional(),
  messageBody: z.string().max(10_000),
  inboundMessageId: z.string().min(1).max(200),
  previousPublishedMessageId: z.string().optional(),
});

export interface ParsedText {
  messageId: string;
  from: string;
  to: string;
  text: string;
  receivedAt: string;
  name?: string;
}

export function parseInboundSms(notification: SnsNotification): ParsedText {
  const message = first(inboundSms, json(notification.Message, "Message"), "Message");
  return {
    messageId: `sms:${message.inboundMessageId}`,
    from: message.originationNumber,
    to: message.destinationNumber,
    text: message.messageBody,
    receivedAt: new Date(notification.Timestamp).toISOString(),
  };
}

const waMessage = z.object({
  from: z.string().regex(/^\+?\d{7,15}$/),
  id: z.string().min(1).max(200),
  timestamp: z.string().regex(/^\d+$/),
  type: z.string(),
  text: z.object({ body: z.string().max(10_000) }).optional(),
  image: z.object({ caption: z.string().optional() }).optional(),
  video: z.object({ caption: z.string().optional() }).optional(),
  document: z.object({ caption: z.string().optional(), filename: z.string().optional() }).optional(),
  button: z.object({ text: z.string() }).optional(),
  interactive: z.unknown().optional(),
});

const waEntry = z.object({
  id: z.string(),
  changes: z.array(
    z.object({
      field: z.string(),
      value: z.object({
        messaging_product: z.literal("whatsapp"),
        metadata: z.object({ display_phone_number: z.string(), phone_number_id: z.string() }),
        contacts: z
          .array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string() }).optional() }))
          .optional(),
        messages: z.array(waMessage).optional(),
        statuses: z.array(z.unknown()).optional(),
      }),
    }),
  ),
});

const socialEvent = z.object({
  context: z.object({
    MetaWabaIds: z.array(z.object({ wabaId: z.string(), arn: z.string() })).optional(),
    MetaPhoneNumberIds: z.array(z.object({ metaPhoneNumberId: z.string(), arn: z.string() })).optional(),
  }),
  whatsAppWebhookEntry: z.union([z.string(), z.record(z.string(), z.unknown())]),
  aws_account_id: z.string().optional(),
  message_timestamp: z.string().optional(),
  messageId: z.string().optional(),
});

/** The inbound messages of one WhatsApp event (none for a delivery receipt). */
export function parseInboundWhatsApp(notification: SnsNotification): ParsedText[] {
  const event = first(socialEvent, json(notification.Message, "Message"), "Message");
  const entryValue =
    typeof event.whatsAppWebhookEntry === "string"
      ? json(event.whatsAppWebhookEntry, "whatsAppWebhookEntry")
      : event.whatsAppWebhookEntry;
  const entry = first(waEntry, entryValue, "whatsAppWebhookEntry");
  const out: ParsedText[] = [];
  for (const change of entry.changes) {
    if (change.field !== "messages") continue;
    const { value } = change;
    for (const m of value.messages ?? []) {
      const from = normalisePhone(m.from.startsWith("+") ? m.from : `+${m.from}`);
      if (!from) throw new InvalidInputError("whatsAppWebhookEntry: a message's from is not a phone number");
      const name = value.contacts?.find((c) => c.wa_id === m.from.replace(/^\+/, ""))?.profile?.name;
      out.push({
        messageId: `whatsapp:${m.id}`,
        from,
        to: value.metadata.display_phone_number,
        text: textOf(m),
        receivedAt: new Date(Number(m.timestamp) * 1000).toISOString(),
        ...(name ? { name } : {}),
      });
    }
  }
  return out;
}

/** The words of a WhatsApp message; media are not downloaded: the raw copy says what came. */
function textOf(m: z.infer<typeof waMessage>): string {
  if (m.type === "text" && m.text) return m.text.body;
  if (m.type === "button" && m.button) return m.button.text;
  const caption = m.image?.caption ?? m.video?.caption ?? m.document?.caption ?? "";
  return `[WhatsApp ${m.type}]${caption ? ` ${caption}` : ""}`;
}
