// Rate limits for the public pages, without tracking people: the network address is kept only as a keyed
// hash (HMAC with the link secret, so the small IPv4 space cannot be reversed from the table), one item per
// fixed window, which DynamoDB deletes by TTL. The limit reads the current window and the one before, weighted
// by how much of it the last `windowMs` still covers (a sliding-window estimate): with fixed windows alone a
// burst across a window's end was allowed twice the limit (seen in CI: 30 forms let through for a limit of
// 20). An estimate: it assumes the previous window's attempts were spread evenly. Nothing stored links two windows or an address to a case: each key hashes the address with its
// window's start.
import { createHmac } from "node:crypto";
import type { Runtime } from "../lib/runtime.ts";
import { throttleStore } from "../store/throttle-store.ts";

export type ThrottleBucket = "submit" | "follow-up";

export interface ThrottleState {
  allowed: boolean;
  /** Seconds until a throttled address may try again (if it makes no attempt meanwhile). */
  retryAfter: number;
}

/** Rate limits run on the real clock: the local stack's virtual clock only moves forward by jumps. */
const realNow = () => Math.round(performance.timeOrigin + performance.now());

async function windowsFor(
  rt: Pick<Runtime, "linkSecret">,
  bucket: ThrottleBucket,
  address: string,
  windowMs: number,
  now: number,
) {
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const secret = await rt.linkSecret();
  const hashOf = (start: number) =>
    createHmac("sha256", secret)
      .update(`throttle:${bucket}:${address}:${start}`)
      .digest("base64url")
      .slice(0, 32);
  return {
    current: hashOf(windowStart),
    previous: hashOf(windowStart - windowMs),
    windowStart,
    windowEnd: windowStart + windowMs,
    /** The share of the previous window still inside the last `windowMs`. */
    previousWeight: 1 - (now - windowStart) / windowMs,
  };
}

/**
 * Seconds until one more attempt is allowed, if none is made meanwhile: while this window lasts, the previous
 * window's share must fall to what the limit leaves; past it, this window's count becomes the previous one.
 */
export function secondsUntilAllowed(
  counts: { previous: number; current: number },
  limit: number,
  at: { now: number; windowStart: number; windowMs: number },
): number {
  const { now, windowStart, windowMs } = at;
  const room = limit - 1 - counts.current; // what the previous window may still weigh
  const when =
    room >= 0
      ? windowStart + windowMs * (1 - (counts.previous === 0 ? 1 : Math.min(1, room / counts.previous)))
      : windowStart + windowMs + windowMs * (1 - (limit - 1) / counts.current);
  return Math.max(1, Math.ceil((when - now) / 1000));
}

/**
 * The attempts of the last `windowMs`, estimated from the two fixed windows it overlaps; a part of an attempt
 * of the previous window counts whole (the estimate errs on the strict side, never lets one more through).
 */
export const slidingCount = (previous: number, current: number, previousWeight: number): number =>
  Math.ceil(previous * previousWeight) + current;

/** Counts one attempt; allowed while the last window's estimated count stays within `limit`. */
export async function countAttempt(
  rt: Runtime,
  bucket: ThrottleBucket,
  address: string,
  limit: number,
  windowMs: number,
  now = realNow(),
): Promise<ThrottleState> {
  const w = await windowsFor(rt, bucket, address, windowMs, now);
  const store = throttleStore(rt);
  // The current window's item outlives its window: it is the next one's `previous`.
  const expiresAt = Math.ceil((w.windowEnd + windowMs) / 1000) + 60;
  const [current, previous] = await Promise.all([
    store.count(w.current, expiresAt),
    store.attempts(w.previous),
  ]);
  return {
    allowed: slidingCount(previous, current, w.previousWeight) <= limit,
    retryAfter: secondsUntilAllowed({ previous, current }, limit, {
      now,
      windowStart: w.windowStart,
      windowMs,
    }),
  };
}

/** Whether the address is over `limit` in the last window, without counting (checked before a receipt code). */
export async function isThrottled(
  rt: Runtime,
  bucket: ThrottleBucket,
  address: string,
  limit: number,
  windowMs: number,
  now = realNow(),
): Promise<ThrottleState> {
  const w = await windowsFor(rt, bucket, address, windowMs, now);
  const store = throttleStore(rt);
  const [current, previous] = await Promise.all([store.attempts(w.current), store.attempts(w.previous)]);
  return {
    allowed: slidingCount(previous, current, w.previousWeight) < limit,
    retryAfter: secondsUntilAllowed({ previous, current }, limit, {
      now,
      windowStart: w.windowStart,
      windowMs,
    }),
  };
}
