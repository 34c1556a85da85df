// Phone conversations (issue 17): which open case a number's SMS or WhatsApp messages go to, when the number
// last wrote (WhatsApp's 24-hour service window), and which numbers opted out of SMS. Items are keyed by an
// HMAC of the number with the link secret: the table never holds a number outside a case's content record,
// and a leaked key list cannot be reversed by trying every number of a country.
import { createHmac } from "node:crypto";
import { deadlineAfter } from "../domain/deadlines.ts";
import type { Runtime } from "../lib/runtime.ts";
import { conversationStore, type PendingAppeal } from "../store/conversation-store.ts";

export type { PendingAppeal };

export type PhoneChannel = "sms" | "whatsapp";

export interface Conversation {
  reference: string;
  /** The last message the number sent on this channel (ISO). */
  lastInboundAt: string;
  /** T-11: an appeal asked for by text, waiting for the complainant's OUI. */
  pendingAppeal?: PendingAppeal;
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
  return conversationStore(rt).get(channel, await phoneHash(rt, phone));
}

/** The number wrote at `at` about `reference` (a new case, or a message added to it). */
export async function recordInbound(
  rt: Runtime,
  channel: PhoneChannel,
  phone: string,
  reference: string,
  at: string,
): Promise<void> {
  await conversationStore(rt).recordInbound(
    channel,
    await phoneHash(rt, phone),
    reference,
    at,
    expiry(rt, at),
  );
}

export async function isOptedOut(rt: Runtime, phone: string): Promise<boolean> {
  return conversationStore(rt).isOptedOut(await phoneHash(rt, phone));
}

/** STOP: no SMS to this number any more (kept until the number opts back in). */
export async function recordOptOut(rt: Runtime, phone: string, at: string, optedOut: boolean): Promise<void> {
  await conversationStore(rt).setOptOut(await phoneHash(rt, phone), optedOut, at);
}

/** T-11: the number asked to appeal `pending.reference` by text; filed when it confirms (receive-text.ts). */
export async function askAppealConfirmation(
  rt: Runtime,
  channel: PhoneChannel,
  phone: string,
  pending: PendingAppeal,
): Promise<void> {
  await conversationStore(rt).setPendingAppeal(channel, await phoneHash(rt, phone), pending);
}

export async function clearPendingAppeal(
  rt: Runtime,
  channel: PhoneChannel,
  phone: string,
  reference: string,
): Promise<void> {
  await conversationStore(rt).clearPendingAppeal(channel, await phoneHash(rt, phone), reference);
}
