// What a report reads, by Query and BatchGetItem only (never a Scan). Two paths give the same report:
// - aggregates (issue 18), once the backfill has counted every case in the organisation's time zone: the day
//   items of the period and of the previous one (one Query each, at most 366 items a year), the open cases
//   with a past deadline (byDeadline index, read up to now), which both make the pending list and correct the
//   day counters for the figures that depend on the time of the report (tally.ts), the status records of the
//   period's cases late at rest (listed in the day items), and their T-13 justifications;
// - recount, before the backfill (or in another time zone than the aggregates'): the cases received in the
//   period and in the previous one (byPeriod index, one partition per month), the same open cases, and the
//   justifications of the late ones. It is logged, so a slow report says why.

import type { CaseRecord } from "../domain/complaint.ts";
import type { OrgConfig } from "../domain/config.ts";
import { addTallies, liveCorrection, receivedDay, sumTallies, type Tally } from "../domain/report-tally.ts";
import { log } from "../lib/logger.ts";
import type { ComplaintStore } from "../store/complaint-store.ts";
import {
  type ComputeOptions,
  computeReport,
  isLate,
  lateRows,
  pendingRows,
  type Report,
  type ReportCase,
  reportFromTallies,
} from "./compute.ts";
import { type Period, previousPeriod } from "./periods.ts";

/** The part of the runtime a report needs. */
export interface ReportRuntime {
  config: OrgConfig;
  store: ComplaintStore;
  now(): Date;
}

export interface ReportInputs {
  cases: ReportCase[];
  previous: ReportCase[];
  open: ReportCase[];
  justifications: Map<string, string | null>;
}

/** T-13 justifications of the given cases, read from their content records (that attribute only). */
export async function loadJustifications(
  rt: Pick<ReportRuntime, "store">,
  references: readonly string[],
): Promise<Map<string, string | null>> {
  return rt.store.lateJustifications(references);
}

/**
 * Cases received in [start, end): one receivedBetween call per calendar month (UTC, the index's partition),
 * all in parallel, since each month is its own partition of the byPeriod index.
 */
export async function receivedInPeriod(
  store: Pick<ComplaintStore, "receivedBetween">,
  start: string,
  end: string,
): Promise<ReportCase[]> {
  const bounds: string[] = [start];
  const cursor = new Date(start);
  for (;;) {
    cursor.setUTCDate(1);
    cursor.setUTCHours(0, 0, 0, 0);
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
    if (cursor.toISOString() >= end) break;
    bounds.push(cursor.toISOString());
  }
  bounds.push(end);
  const parts = await Promise.all(bounds.slice(1).map((to, i) => store.receivedBetween(bounds[i]!, to)));
  return parts.flat();
}

function mayBeLate(c: ReportCase, now: number): boolean {
  if (c.met.respond === false || c.flags.includes("late")) return true;
  const due = c.deadlines.respond;
  return c.status !== "closed" && c.met.respond === undefined && due !== undefined && Date.parse(due) < now;
}

export async function loadReportInputs(
  rt: ReportRuntime,
  period: Period,
  options: { previous?: boolean; justifications?: boolean } = {},
): Promise<ReportInputs> {
  const now = rt.now();
  const before = previousPeriod(period, rt.config.organisation.timeZone);
  const [cases, previous, open] = await Promise.all([
    receivedInPeriod(rt.store, period.start, period.end),
    options.previous === false ? Promise.resolve([]) : receivedInPeriod(rt.store, before.start, before.end),
    rt.store.openByNextDeadline(now.toISOString(), Number.POSITIVE_INFINITY),
  ]);
  const late = cases.filter((c) => mayBeLate(c, now.getTime())).map((c) => c.reference);
  const justifications =
    options.justifications === false ? new Map<string, string | null>() : await loadJustifications(rt, late);
  return { cases, previous, open, justifications };
}

/** Loads and computes a period's report as of now: from the aggregates when they are ready, else by recount. */
export async function buildReport(
  rt: ReportRuntime,
  period: Period,
  options: Pick<ComputeOptions, "includeJustificationText"> & { path?: "aggregates" | "recount" } = {},
): Promise<Report> {
  const timeZone = rt.config.organisation.timeZone;
  const path =
    options.path ??
    (rt.store.timeZone === timeZone && (await rt.store.aggregates().ready()) ? "aggregates" : "recount");
  if (path === "aggregates") return reportFromAggregates(rt, period, options);
  if (options.path === undefined)
    log("WARN", "report recounted from the cases: the aggregates are not ready in this time zone", {
      timeZone,
      aggregatesIn: rt.store.timeZone,
      period: period.key,
    });
  const inputs = await loadReportInputs(rt, period);
  return computeReport(inputs.cases, {
    from: period.from,
    to: period.to,
    key: period.key,
    kind: period.kind,
    config: rt.config,
    now: rt.now().toISOString(),
    previous: inputs.previous,
    open: inputs.open,
    justifications: inputs.justifications,
    includeJustificationText: options.includeJustificationText,
  });
}

const within = (c: CaseRecord, p: Period) => c.receivedAt >= p.start && c.receivedAt < p.end;

/**
 * Issue 18: a period's report from its day items, corrected for the time of the report by the open cases
 * whose next deadline has passed (the only ones whose figures moved since their last change).
 */
export async function reportFromAggregates(
  rt: ReportRuntime,
  period: Period,
  options: Pick<ComputeOptions, "includeJustificationText"> = {},
): Promise<Report> {
  const now = rt.now();
  const at = now.toISOString();
  const timeZone = rt.config.organisation.timeZone;
  const before = previousPeriod(period, timeZone);
  const aggregates = rt.store.aggregates();
  const [days, previousDays, open] = await Promise.all([
    aggregates.days(period.from, period.to),
    aggregates.days(before.from, before.to),
    rt.store.openByNextDeadline(at, Number.POSITIVE_INFINITY),
  ]);
  const openHere = open.filter((c) => within(c, period));
  const tallies = new Map<string, Tally>([...days].map(([day, d]) => [day, d.counters]));
  const byDay = new Map<string, CaseRecord[]>();
  for (const c of openHere) {
    const day = receivedDay(c.receivedAt, timeZone);
    byDay.set(day, [...(byDay.get(day) ?? []), c]);
  }
  for (const [day, cases] of byDay)
    tallies.set(day, addTallies(tallies.get(day) ?? {}, liveCorrection(cases, at)));
  const previous = addTallies(
    sumTallies([...previousDays.values()].map((d) => d.counters)),
    liveCorrection(
      open.filter((c) => within(c, before)),
      at,
    ),
  );

  // T-13: the cases late at rest, listed by the day items, and the open ones past their response deadline.
  const atRest = await rt.store.records([...days.values()].flatMap((d) => d.late));
  const candidates = new Map<string, CaseRecord>();
  for (const c of [...atRest, ...openHere]) if (within(c, period)) candidates.set(c.reference, c);
  const late = [...candidates.values()].filter((c) => isLate(c, now.getTime()));
  const justifications = await loadJustifications(
    rt,
    late.map((c) => c.reference),
  );
  return reportFromTallies({
    config: rt.config,
    now: at,
    period,
    previousPeriod: before,
    days: tallies,
    previous,
    late: lateRows(
      late,
      { justifications, includeJustificationText: options.includeJustificationText },
      now.getTime(),
    ),
    pending: pendingRows(open, now.getTime()),
  });
}
