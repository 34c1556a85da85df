// Local AWS End User Messaging (issue 17): the two API operations cfm calls, answered on loopback so the
// handlers send SMS and WhatsApp messages locally through the real AWS SDK clients, exactly as in AWS
// (AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2 and AWS_ENDPOINT_URL_SOCIALMESSAGING point here):
// - SMS: `SendTextMessage`, AWS JSON 1.0 (`X-Amz-Target: PinpointSMSVoiceV2.SendTextMessage`);
// - WhatsApp: `SendWhatsAppMessage`, REST JSON (`POST /v1/whatsapp/send`, the Meta message base64-encoded).
// What was sent is kept in memory and appended to a JSON Lines file under the local data dir (the local
// outbox, `GET /local/outbox?channel=sms|whatsapp`), loaded back at start like the mailbox.
import { randomUUID } from "node:crypto";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { z } from "zod";

export type MessagingChannel = "sms" | "whatsapp";

export interface SentMessage {
  channel: MessagingChannel;
  to: string;
  body: string;
  at: string;
  messageId: string;
  /** SMS: the origination identity. WhatsApp: the phone number id. */
  from: string;
  /** WhatsApp: the approved template used outside the 24-hour window. */
  template?: string;
}

export interface MessagingLocal {
  url: string;
  messages(channel?: MessagingChannel): SentMessage[];
  close(): Promise<void>;
}

const smsRequest = z.object({
  DestinationPhoneNumber: z.string().regex(/^\+[1-9]\d{6,14}$/),
  OriginationIdentity: z.string().min(1),
  MessageBody: z.string().min(1).max(1600),
});
const whatsappRequest = z.object({
  originationPhoneNumberId: z.string().min(1),
  metaApiVersion: z.string().min(1),
  message: z.string().min(1),
});
const metaMessage = z.discriminatedUnion("type", [
  z.object({
    messaging_product: z.literal("whatsapp"),
    to: z.string(),
    type: z.literal("text"),
    text: z.object({ body: z.string().min(1).max(4096) }),
  }),
  z.object({
    messaging_product: z.literal("whatsapp"),
    to: z.string(),
    type: z.literal("template"),
    template: z.object({
      name: z.string(),
      language: z.object({ code: z.string() }),
      components: z
        .array(
          z.object({
            type: z.string(),
            parameters: z.array(z.object({ type: z.string(), text: z.string().optional() })).optional(),
          }),
        )
        .optional(),
    }),
  }),
]);

function load(file: string | undefined): SentMessage[] {
  if (!file || !existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as SentMessage];
      } catch {
        return []; // a line cut by a crash mid-write
      }
    });
}

export async function startMessagingLocal(
  port: number,
  options: { persistFile?: string } = {},
): Promise<MessagingLocal> {
  const sent = load(options.persistFile);
  const keep = (message: SentMessage) => {
    sent.push(message);
    if (options.persistFile) appendFileSync(options.persistFile, `${JSON.stringify(message)}\n`);
  };
  const answer = (
    response: import("node:http").ServerResponse,
    status: number,
    body: unknown,
    type = "application/json",
  ) => {
    response.writeHead(status, { "Content-Type": type });
    response.end(JSON.stringify(body));
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      let json: unknown;
      try {
        json = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      } catch {
        return answer(response, 400, { __type: "ValidationException", message: "body is not JSON" });
      }
      const target = request.headers["x-amz-target"];
      if (request.method === "POST" && target === "PinpointSMSVoiceV2.SendTextMessage") {
        const parsed = smsRequest.safeParse(json);
        if (!parsed.success)
          return answer(
            response,
            400,
            { __type: "ValidationException", message: parsed.error.issues[0]?.message },
            "application/x-amz-json-1.0",
          );
        const messageId = randomUUID();
        keep({
          channel: "sms",
          to: parsed.data.DestinationPhoneNumber,
          body: parsed.data.MessageBody,
          at: new Date().toISOString(),
          messageId,
          from: parsed.data.OriginationIdentity,
        });
        return answer(response, 200, { MessageId: messageId }, "application/x-amz-json-1.0");
      }
      if (request.method === "POST" && request.url === "/v1/whatsapp/send") {
        const parsed = whatsappRequest.safeParse(json);
        const meta = parsed.success
          ? metaMessage.safeParse(
              (() => {
                try {
                  return JSON.parse(Buffer.from(parsed.data.message, "base64").toString("utf8"));
                } catch {
                  return null;
                }
              })(),
            )
          : null;
        if (!parsed.success || !meta?.success)
          return answer(response, 400, { message: "not a WhatsApp message" }, "application/json");
        const m = meta.data;
        const messageId = randomUUID();
        const params =
          m.type === "template"
            ? (m.template.components ?? []).flatMap((c) => (c.parameters ?? []).map((p) => p.text ?? ""))
            : [];
        keep({
          channel: "whatsapp",
          to: m.to,
          body: m.type === "text" ? m.text.body : `[${m.template.name}] ${params.join(" ")}`.trim(),
          at: new Date().toISOString(),
          messageId,
          from: parsed.data.originationPhoneNumberId,
          ...(m.type === "template" ? { template: m.template.name } : {}),
        });
        return answer(response, 200, { messageId });
      }
      if (request.method === "GET" && request.url?.startsWith("/store")) return answer(response, 200, sent);
      return answer(response, 404, { message: "not an operation of the local End User Messaging" });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    messages: (channel) => sent.filter((m) => !channel || m.channel === channel),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
