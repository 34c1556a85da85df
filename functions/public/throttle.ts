// Rate limits for the public pages, without tracking people: the network address is kept only as a keyed
// hash (HMAC with the link secret, so the small IPv4 space cannot be reversed from the table), for one fixed
// window, in an item DynamoDB deletes by TTL. Nothing links two windows or an address to a case.
import { createHmac } from "node:crypto";
import type { Runtime } from "../lib/runtime.ts";
import { throttleStore } from "../store/throttle-store.ts";

export type ThrottleBucket = "submit" | "follow-up";

export interface ThrottleState {
  allowed: boolean;
  /** Seconds until the window ends (when a throttled address may try again). */
  retryAfter: number;
}

/** Rate limits run on the real clock: the local stack's virtual clock only moves forward by jumps. */
const realNow = () => Math.round(performance.timeOrigin + performance.now());

async function keyFor(rt: Runtime, bucket: ThrottleBucket, address: string, windowMs: number, now: number) {
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const secret = await rt.linkSecret();
  const hash = createHmac("sha256", secret)
    .update(`throttle:${bucket}:${address}:${windowStart}`)
    .digest("base64url")
    .slice(0, 32);
  return { hash, windowEnd: windowStart + windowMs };
}

/** Counts one attempt; allowed while the window's count stays within `limit`. */
export async function countAttempt(
  rt: Runtime,
  bucket: ThrottleBucket,
  address: string,
  limit: number,
  windowMs: number,
): Promise<ThrottleState> {
  const now = realNow();
  const { hash, windowEnd } = await keyFor(rt, bucket, address, windowMs, now);
  const attempts = await throttleStore(rt).count(hash, Math.ceil(windowEnd / 1000) + 60);
  return { allowed: attempts <= limit, retryAfter: Math.max(1, Math.ceil((windowEnd - now) / 1000)) };
}

/** Whether the address is over `limit` in this window, without counting (checked before a receipt code). */
export async function isThrottled(
  rt: Runtime,
  bucket: ThrottleBucket,
  address: string,
  limit: number,
  windowMs: number,
): Promise<ThrottleState> {
  const now = realNow();
  const { hash, windowEnd } = await keyFor(rt, bucket, address, windowMs, now);
  const attempts = await throttleStore(rt).attempts(hash);
  return { allowed: attempts < limit, retryAfter: Math.max(1, Math.ceil((windowEnd - now) / 1000)) };
}
