// What a report reads, by Query and BatchGetItem only (never a Scan). Two paths give the same report:
// - aggregates (issue 18), once the backfill has counted every case in the organisation's time zone: the day
//   items of the period and of the previous one (one Query each), whose deadline-day counters give the figures
//   that depend on the day of the report (report-tally.ts); the first page of the pending list (byDeadline
//   index, in deadline order) and its count (the open cases by next-deadline day, aggregate-store.ts); the first page of the late list (the day items' references,
//   day by day) and its T-13 justifications. Nothing in it grows with the period's cases but the day items;
// - recount, before the backfill (or in another time zone than the aggregates'): the cases received in the
//   period and in the previous one (byPeriod index, one partition per month), the same open cases, and the
//   justifications of the late ones. It is logged, so a slow report says why.

import { DateTime } from "luxon";
import type { OrgConfig } from "../domain/config.ts";
import {
  counter,
  foldDue,
  lateAtRest,
  receivedDay,
  reportCutoff,
  sumTallies,
  type Tally,
} from "../domain/report-tally.ts";
import { log } from "../lib/logger.ts";
import type { DayAggregate } from "../store/aggregate-store.ts";
import type { ComplaintStore } from "../store/complaint-store.ts";
import {
  type ComputeOptions,
  computeReport,
  isLate,
  type LateRow,
  LIST_PAGE,
  lateOrder,
  lateRows,
  type PendingRow,
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

function mayBeLate(c: ReportCase, cutoff: number): boolean {
  if (c.met.respond === false || c.flags.includes("late")) return true;
  const due = c.deadlines.respond;
  return (
    c.status !== "closed" && c.met.respond === undefined && due !== undefined && Date.parse(due) < cutoff
  );
}

export async function loadReportInputs(
  rt: ReportRuntime,
  period: Period,
  options: { previous?: boolean; justifications?: boolean } = {},
): Promise<ReportInputs> {
  const timeZone = rt.config.organisation.timeZone;
  const asOf = reportCutoff(rt.now().toISOString(), timeZone);
  const before = previousPeriod(period, timeZone);
  const [cases, previous, open] = await Promise.all([
    receivedInPeriod(rt.store, period.start, period.end),
    options.previous === false ? Promise.resolve([]) : receivedInPeriod(rt.store, before.start, before.end),
    rt.store.openByNextDeadline(asOf, Number.POSITIVE_INFINITY),
  ]);
  const late = cases.filter((c) => mayBeLate(c, Date.parse(asOf))).map((c) => c.reference);
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

/**
 * the pending rows up to `count` (earliest deadline first), from the byDeadline index read in order up to
 * the cutoff: a few more index entries than rows, since a case waiting only for its appeal window is not listed.
 */
export async function pendingUpTo(
  store: Pick<ComplaintStore, "openByNextDeadline">,
  asOf: string,
  count: number,
  now: number,
): Promise<PendingRow[]> {
  for (let limit = count + 10; ; limit *= 4) {
    const open = await store.openByNextDeadline(asOf, limit);
    const rows = pendingRows(open, Date.parse(asOf), now);
    if (rows.length >= count || open.length < limit) return rows.slice(0, count);
  }
}

/** The UTC bounds of a local day. */
function dayBounds(day: string, timeZone: string): [string, string] {
  const start = DateTime.fromISO(day, { zone: timeZone }).startOf("day");
  return [start.toUTC().toISO() ?? "", start.plus({ days: 1 }).toUTC().toISO() ?? ""];
}

/**
 * T-13: the period's late cases up to `count`, earliest received first, reading only the days needed: day by
 * day, the references of the cases late at rest (the day item's set) and, on a day whose counters say some of
 * its cases are still open past the response deadline, that day's cases.
 */
async function lateUpTo(
  rt: ReportRuntime,
  days: ReadonlyMap<string, DayAggregate>,
  tallies: ReadonlyMap<string, Tally>,
  count: number,
  options: Pick<ComputeOptions, "includeJustificationText">,
): Promise<LateRow[]> {
  const timeZone = rt.config.organisation.timeZone;
  const now = rt.now();
  const cutoff = Date.parse(reportCutoff(now.toISOString(), timeZone));
  // Which days hold the first `count` late cases (their counters and references say so), then those days' reads
  // all at once.
  const atRest: string[] = [];
  const awaitingDays: string[] = [];
  let found = 0;
  for (const day of [...days.keys()].sort()) {
    if (found >= count) break;
    const late = days.get(day)?.late ?? [];
    const awaiting = tallies.get(day)?.[counter.late("awaiting")] ?? 0;
    atRest.push(...late);
    if (awaiting > 0) awaitingDays.push(day);
    found += late.length + awaiting;
  }
  const [rested, ...opened] = await Promise.all([
    rt.store.records(atRest),
    ...awaitingDays.map((day) => rt.store.receivedBetween(...dayBounds(day, timeZone))),
  ]);
  const open = opened.flat().filter((c) => !lateAtRest(c) && isLate(c, cutoff));
  const candidates = [...(rested ?? []), ...open]
    .filter((c) => isLate(c, cutoff))
    .sort(lateOrder)
    .slice(0, count);
  const justifications = await loadJustifications(
    rt,
    candidates.map((c) => c.reference),
  );
  return lateRows(
    candidates,
    { justifications, includeJustificationText: options.includeJustificationText },
    cutoff,
    now.getTime(),
  );
}

/**
 * Issue 18: a period's report from its day items alone: their counters, with the deadline-day counters of the
 * days before the report's added (foldDue), give every figure; the lists are read up to their first page (the
 * pending one from the byDeadline index in deadline order, with a COUNT of the whole; the late one day by day).
 */
export async function reportFromAggregates(
  rt: ReportRuntime,
  period: Period,
  options: Pick<ComputeOptions, "includeJustificationText"> = {},
): Promise<Report> {
  const now = rt.now();
  const at = now.toISOString();
  const timeZone = rt.config.organisation.timeZone;
  const asOf = reportCutoff(at, timeZone);
  const reportDay = receivedDay(at, timeZone);
  const before = previousPeriod(period, timeZone);
  const aggregates = rt.store.aggregates();
  const [days, previousDays, pending, pendingTotal] = await Promise.all([
    aggregates.days(period.from, period.to),
    aggregates.days(before.from, before.to),
    pendingUpTo(rt.store, asOf, LIST_PAGE, now.getTime()),
    aggregates.openBefore(reportDay),
  ]);
  const tallies = new Map<string, Tally>([...days].map(([day, d]) => [day, foldDue(d.counters, reportDay)]));
  const previous = foldDue(sumTallies([...previousDays.values()].map((d) => d.counters)), reportDay);
  return reportFromTallies({
    config: rt.config,
    now: at,
    period,
    previousPeriod: before,
    days: tallies,
    previous,
    late: await lateUpTo(rt, days, tallies, LIST_PAGE, options),
    pending,
    pendingTotal,
  });
}

/** One page of a report's list (the staff API's GET /api/reports/list). */
export interface ListPage<Row> {
  list: "pending" | "late";
  page: number;
  pageSize: number;
  total: number;
  rows: Row[];
  /** The next page's number; null on the last. */
  next: number | null;
}

/**
 * Page `page` (from 1) of a report's pending or late list, as the report would list it. Reads the rows up to
 * that page's end: bounded by the page asked, not by the list's length.
 */
export async function reportListPage(
  rt: ReportRuntime,
  period: Period,
  list: "pending" | "late",
  page: number,
  options: Pick<ComputeOptions, "includeJustificationText"> = {},
): Promise<ListPage<PendingRow> | ListPage<LateRow>> {
  const now = rt.now();
  const at = now.toISOString();
  const timeZone = rt.config.organisation.timeZone;
  const asOf = reportCutoff(at, timeZone);
  const end = page * LIST_PAGE;
  const shape = <Row>(total: number, rows: Row[]) => ({
    list,
    page,
    pageSize: LIST_PAGE,
    total,
    rows: rows.slice(end - LIST_PAGE, end),
    next: total > end ? page + 1 : null,
  });
  const ready = rt.store.timeZone === timeZone && (await rt.store.aggregates().ready());
  if (list === "pending") {
    const [rows, total] = await Promise.all([
      pendingUpTo(rt.store, asOf, end, now.getTime()),
      ready ? rt.store.aggregates().openBefore(receivedDay(at, timeZone)) : rt.store.countOpenBefore(asOf),
    ]);
    return shape(total, rows);
  }
  if (!ready) {
    // Before the backfill: recounted from the period's cases (as buildReport does).
    const inputs = await loadReportInputs(rt, period, { previous: false });
    const rows = lateRows(
      inputs.cases,
      { justifications: inputs.justifications, ...options },
      Date.parse(asOf),
      now.getTime(),
    );
    return shape(rows.length, rows);
  }
  const days = await rt.store.aggregates().days(period.from, period.to);
  const reportDay = receivedDay(at, timeZone);
  const tallies = new Map<string, Tally>([...days].map(([day, d]) => [day, foldDue(d.counters, reportDay)]));
  const total = sumTallies(tallies.values())[counter.late("n")] ?? 0;
  return shape(total, await lateUpTo(rt, days, tallies, end, options));
}
