// Issue 18: counts the cases written before the aggregates existed (or before a change of the organisation's
// time zone) in the day items, then marks the aggregates ready, after which reports read them instead of
// recounting. Idempotent and safe beside live traffic: each case is counted in a transaction conditioned on its
// version and on not being counted yet (ComplaintStore.countInAggregates), and every change made meanwhile
// counts itself. Run it once after the deploy that brings the aggregates (`cfm aggregates backfill`, the
// runbook); running it again counts nothing twice.
import type { ComplaintStore } from "../store/complaint-store.ts";

export interface BackfillResult {
  /** Months read (byPeriod partitions). */
  months: number;
  /** Cases read, and cases this run counted (the others were counted already). */
  read: number;
  counted: number;
  since: number;
}

/** The first year with a case: the earliest year whose reference counter exists, looking back to 2000. */
export async function firstYear(store: Pick<ComplaintStore, "lastNumber">, now: Date): Promise<number> {
  let first = now.getUTCFullYear();
  for (let year = first; year >= 2000; year--) if ((await store.lastNumber(year)) > 0) first = year;
  return first;
}

export async function backfillAggregates(
  store: ComplaintStore,
  options: { now: Date; since?: number; progress?: (month: string, read: number, counted: number) => void },
): Promise<BackfillResult> {
  const since = options.since ?? (await firstYear(store, options.now));
  const last = options.now.toISOString().slice(0, 7);
  const result: BackfillResult = { months: 0, read: 0, counted: 0, since };
  const cursor = new Date(Date.UTC(since, 0, 1));
  for (;;) {
    const month = cursor.toISOString().slice(0, 7);
    if (month > last) break;
    const start = cursor.toISOString();
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
    const records = await store.receivedBetween(start, cursor.toISOString());
    const counted = await store.countInAggregates(records);
    result.months += 1;
    result.read += records.length;
    result.counted += counted;
    options.progress?.(month, records.length, counted);
  }
  await store.aggregates().markReady(options.now.toISOString(), result.counted);
  return result;
}
