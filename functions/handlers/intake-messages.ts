// Inbound SMS and WhatsApp Lambda (issue 17): subscribed to the SNS topics of AWS End User Messaging SMS (the
// phone number's two-way channel) and Social (the WhatsApp Business Account's event destination). Any
// failure is thrown so that SNS retries the delivery (every step is idempotent on the message id); a
// malformed notification is logged by name and dropped (retrying cannot fix it), its raw copy not being
// recoverable from a payload that is not one.
import middy from "@middy/core";
import { InvalidInputError } from "../errors.ts";
import { receiveSmsEvent, receiveWhatsAppEvent } from "../intake/receive-text.ts";
import { invocationDeadline } from "../lib/invocation.ts";
import { log } from "../lib/logger.ts";
import { liveConfig } from "../lib/middleware.ts";
import { requireEnv, runtime } from "../lib/runtime.ts";

// At init: a misconfigured function fails at start, clearly (runtime.ts).
const rt = runtime();
// Each topic exists only when its channel is configured (infra/constructs/channels.ts).
const SMS_TOPIC_ARN = process.env.SMS_TOPIC_ARN;
const WHATSAPP_TOPIC_ARN = process.env.WHATSAPP_TOPIC_ARN;
if (!SMS_TOPIC_ARN && !WHATSAPP_TOPIC_ARN) requireEnv("SMS_TOPIC_ARN");
requireEnv("RAW_BUCKET");
requireEnv("STATE_MACHINE_ARN");

type SnsEvent = { Records?: Array<{ Sns?: { TopicArn?: string } }> };

export const handler = middy()
  .use(liveConfig(rt))
  .use(invocationDeadline())
  .handler(async (event: unknown) => {
    const topic = (event as SnsEvent).Records?.[0]?.Sns?.TopicArn;
    try {
      if (topic && topic === SMS_TOPIC_ARN) return await receiveSmsEvent(rt, event);
      if (topic && topic === WHATSAPP_TOPIC_ARN) return await receiveWhatsAppEvent(rt, event);
      throw new InvalidInputError("notification from an unknown topic");
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      log("ERROR", "messaging intake: notification rejected", { error: error.name, reason: error.message });
      return [];
    }
  });
