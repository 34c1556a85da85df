// Phone conversations (issue 17): which open case a number's SMS or WhatsApp messages go to, when the number
// last wrote (WhatsApp's 24-hour service window), and which numbers opted out of SMS. Items are keyed by an
// HMAC of the number with the link secret: the table never holds a number outside a case's content record,
// and a leaked key list cannot be reversed by trying every number of a country.
import { createHmac } from "node:crypto";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { deadlineAfter } from "../domain/deadlines.ts";
import type { Runtime } from "../lib/runtime.ts";
import { keys } from "../store/keys.ts";

export type PhoneChannel = "sms" | "whatsapp";

export interface Conversation {
  reference: string;
  /** The last message the number sent on this channel (ISO). */
  lastInboundAt: string;
}

export async function phoneHash(rt: Pick<Runtime, "linkSecret">, phone: string): Promise<string> {
  return createHmac("sha256", await rt.linkSecret())
    .update(`phone:${phone}`)
    .digest("base64url")
    .slice(0, 32);
}

/** Epoch seconds: the conversation item goes with the retention of the case it points to (T-12). */
function expiry(rt: Runtime, from: string): number {
  const until = deadlineAfter(rt.config, from, { duration: rt.config.retention, days: "calendar" });
  return Math.floor(new Date(until).getTime() / 1000);
}

export async function conversationOf(
  rt: Runtime,
  channel: PhoneChannel,
  phone: string,
): Promise<Conversation | null> {
  const out = await rt.doc.send(
    new GetCommand({
      TableName: rt.tableName,
      Key: keys.conversation(channel, await phoneHash(rt, phone)),
      ConsistentRead: true,
    }),
  );
  if (!out.Item) return null;
  return { reference: String(out.Item.reference), lastInboundAt: String(out.Item.lastInboundAt) };
}

/** The number wrote at `at` about `reference` (a new case, or a message added to it). */
export async function recordInbound(
  rt: Runtime,
  channel: PhoneChannel,
  phone: string,
  reference: string,
  at: string,
): Promise<void> {
  // Never moves lastInboundAt backwards (a redelivered older message).
  await rt.doc
    .send(
      new UpdateCommand({
        TableName: rt.tableName,
        Key: keys.conversation(channel, await phoneHash(rt, phone)),
        UpdateExpression: "SET #ref = :r, lastInboundAt = :at, #ch = :c, expiresAt = :e",
        ConditionExpression: "attribute_not_exists(lastInboundAt) OR lastInboundAt <= :at OR #ref <> :r",
        ExpressionAttributeNames: { "#ref": "reference", "#ch": "channel" },
        ExpressionAttributeValues: { ":r": reference, ":at": at, ":c": channel, ":e": expiry(rt, at) },
      }),
    )
    .catch((error: Error) => {
      if (error.name !== "ConditionalCheckFailedException") throw error;
    });
}

export async function isOptedOut(rt: Runtime, phone: string): Promise<boolean> {
  const out = await rt.doc.send(
    new GetCommand({
      TableName: rt.tableName,
      Key: keys.optOut(await phoneHash(rt, phone)),
      ConsistentRead: true,
    }),
  );
  return out.Item !== undefined && out.Item.optedOut === true;
}

/** STOP: no SMS to this number any more (kept until the number opts back in). */
export async function recordOptOut(rt: Runtime, phone: string, at: string, optedOut: boolean): Promise<void> {
  await rt.doc.send(
    new PutCommand({
      TableName: rt.tableName,
      Item: { ...keys.optOut(await phoneHash(rt, phone)), optedOut, at },
    }),
  );
}
