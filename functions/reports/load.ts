// What a report reads, by Query and BatchGetItem only (never a Scan): the cases received in the period and
// in the previous one (byPeriod index, one partition per month), the open cases with a past deadline
// (byDeadline index, sorted by next deadline, read up to now), and for late cases only, the T-13
// justification from their content record (projected to that one attribute).
import type { OrgConfig } from "../domain/config.ts";
import type { ComplaintStore } from "../store/complaint-store.ts";
import { type ComputeOptions, computeReport, type Report, type ReportCase } from "./compute.ts";
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

/** Loads and computes a period's report as of now. */
export async function buildReport(
  rt: ReportRuntime,
  period: Period,
  options: Pick<ComputeOptions, "includeJustificationText"> = {},
): Promise<Report> {
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
