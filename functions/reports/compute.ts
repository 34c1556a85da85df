// Report figures from status records: pure, no AWS, no content record (R-3, R-5, R-6, R-11, H-G1, T-13,
// T-14). Cases belong to a period by their date of receipt; their state is the one at the time of the
// report. Everything that could point to a person is suppressed here, once, so every output built from a
// Report (JSON, CSV, XLSX, email) is safe to share with the report's recipients:
// - a sensitive category (H-D1) is shown as a count only, never broken down;
// - a count of 1 or 2 in a category × dimension cell is shown "<3"; when it is the only hidden cell of a
//   group whose total is shown, a second cell is hidden ("x") so it cannot be recovered by subtraction;
// - the pending and late lists show only the reference and the step of a sensitive case.
import {
  type CaseRecord,
  CHANNELS,
  CLOSURES,
  type DeadlineStep,
  KINDS,
  SEVERITIES,
  STATUSES,
} from "../domain/complaint.ts";
import type { OrgConfig } from "../domain/config.ts";
import {
  binValue,
  caseTally,
  counter,
  FROZEN,
  pastSteps,
  R11_STEPS,
  type R11Step,
  reportCutoff,
  sumTallies,
  type Tally,
  tallyByDay,
  UNTRIAGED,
} from "../domain/report-tally.ts";
import { buckets, makePeriod, type Period, previousPeriod, type ReportKind } from "./periods.ts";

export { R11_STEPS, type R11Step };

/**
 * Rows of each list (pending, late) a report holds: the first page, most urgent or earliest first; the totals
 * are always whole, and the rest is in the console's case list and on the next pages of the staff API's
 * `GET /api/reports/list` (issue 18: a report's time no longer grows with its lists).
 */
export const LIST_PAGE = 50;

/** A cell that may be hidden: "<3" for a count of 1 or 2, "x" for a complementary hidden cell. */
export type Cell = number | "<3" | "x";

/**
 * A status record as the report reads it. `completedAt` (the instant each step completed) is what the
 * completion times need; until the record carries it, those figures are reported as unavailable.
 */
export type ReportCase = CaseRecord;

export interface Share {
  met: number;
  completed: number;
  /** met / completed, between 0 and 1; null when no step completed. */
  share: number | null;
}

export interface Indicator extends Share {
  previous: Share | null;
  /** Change since the previous period in percentage points (one decimal); null without both shares. */
  change: number | null;
}

export interface Timing {
  /** Cases whose step completed (with a known completion instant). */
  count: number;
  /** Exact to the duration bin (report-tally.ts durationBin: within ±2.2 % from an hour on). */
  medianDays: number | null;
  p90Days: number | null;
}

export interface CategoryRow {
  /** null: not triaged yet. */
  id: string | null;
  label: { fr: string; en: string };
  sensitive: boolean;
  total: Cell;
  /** The breakdown, absent for a sensitive category (H-D1). */
  breakdown?: {
    open: Cell;
    closed: Cell;
    severity: Record<(typeof SEVERITIES)[number], Cell> | null;
    /** Open cases past a deadline. */
    overdue: Cell;
    respondMet: Cell;
    respondMissed: Cell;
    /** Shown only when at least 3 responses completed and neither cell is hidden. */
    respondShare: number | null;
  };
}

export interface PendingRow {
  reference: string;
  sensitive: boolean;
  /** Steps past their deadline, earliest first. */
  steps: DeadlineStep[];
  /** The rest is absent for a sensitive case. */
  deadline?: string;
  daysOverdue?: number;
  assignee?: string | null;
  category?: string | null;
  status?: CaseRecord["status"];
}

export interface LateRow {
  reference: string;
  sensitive: boolean;
  /** T-13: a justification of the delay was recorded. */
  justified: boolean;
  /** Whether the response has been given (false: still open past the deadline). */
  responded: boolean;
  deadline?: string;
  respondedAt?: string | null;
  daysLate?: number | null;
  category?: string | null;
  /** The justification text: only when asked for (the coordinator's export) and never for a sensitive case. */
  justification?: string | null;
}

export interface Report {
  kind: ReportKind;
  organisation: string;
  timeZone: string;
  generatedAt: string;
  period: Period;
  previousPeriod: Period | null;
  total: number;
  counts: {
    kind: Record<(typeof KINDS)[number], number>;
    channel: Record<(typeof CHANNELS)[number], number>;
    severity: Record<(typeof SEVERITIES)[number] | "none", number>;
    status: Record<(typeof STATUSES)[number], number>;
    closure: Record<(typeof CLOSURES)[number] | "open", number>;
  };
  categories: CategoryRow[];
  /** the share of cases handled within the set deadlines. */
  r11: {
    /** Cases with at least one completed R-11 step, all of them met. */
    overall: Indicator;
    steps: Record<R11Step, Indicator>;
    series: Array<{ label: string; unit: "day" | "week" | "month"; from: string; to: string } & Share>;
    /** Cases whose acknowledgement was never sent (phone, anonymous): left out of the acknowledgement share. */
    acknowledgementsNotSent: number;
  };
  timings: { available: boolean; acknowledge: Timing; respond: Timing };
  /**
   * open cases past a staff deadline passed before the report's day (whatever their date of receipt): the
   * first LIST_PAGE, earliest deadline first.
   */
  pending: PendingRow[];
  /** How many open cases are past a deadline (the whole list: `pending` is its first page). */
  pendingTotal: number;
  appeals: {
    filed: number;
    decided: number;
    upheld: number;
    revised: number;
    open: number;
    extended: number;
  };
  /** H-C3 (e): cases referred elsewhere. */
  referrals: { total: number; closed: number };
  /**
   * Closing the loop (IFRC feedback kit; CHS commitment 5), over the closed cases received in the period:
   * the satisfaction question's response rate and result, and how many outcomes reached the complainant.
   */
  loop: LoopIndicators;
  /** T-13: cases answered after the response deadline, or still open past it. */
  late: {
    total: number;
    justified: number;
    /** Answered late with no justification recorded. */
    unjustified: number;
    /** Still open past the response deadline, no justification yet. */
    awaiting: number;
    /** The first LIST_PAGE late cases, earliest received first (`total` counts them all). */
    rows: LateRow[];
  };
}

export interface LoopIndicators {
  /** Closed cases whose complainant was asked the question (closing email or follow-up page). */
  asked: number;
  answered: number;
  /** answered / asked. */
  responseRate: number | null;
  /** Answers of 4 or 5 out of 5. */
  satisfied: number;
  /** satisfied / answered. */
  satisfactionRate: number | null;
  averageScore: number | null;
  closed: number;
  /** Closed cases whose outcome reached the complainant: by email, or read on the follow-up page. */
  communicated: number;
  communicatedShare: number | null;
}

const ratio = (n: number, d: number) => (d > 0 ? n / d : null);

/** Closing the loop, from the status records alone (no personal data, no comment). */
export function loopIndicators(cases: readonly CaseRecord[]): LoopIndicators {
  return loopFromTally(sumTallies(cases.map((c) => caseTally(c, FROZEN))));
}

function loopFromTally(t: Tally): LoopIndicators {
  const get = (what: Parameters<typeof counter.loop>[0]) => t[counter.loop(what)] ?? 0;
  const [asked, answered, satisfied, closed, communicated] = [
    get("asked"),
    get("answered"),
    get("satisfied"),
    get("closed"),
    get("communicated"),
  ];
  return {
    asked,
    answered,
    responseRate: ratio(answered, asked),
    satisfied,
    satisfactionRate: ratio(satisfied, answered),
    averageScore: answered ? get("score") / answered : null,
    closed,
    communicated,
    communicatedShare: ratio(communicated, closed),
  };
}

export interface ComputeOptions {
  /** YYYY-MM-DD, local, inclusive. */
  from: string;
  /** YYYY-MM-DD, local, inclusive. */
  to: string;
  /** The cases of the previous period, for the trends. */
  previous?: ReportCase[];
  config: OrgConfig;
  now: string;
  kind: ReportKind;
  /** The period's key (outbox, file names); derived from the dates when absent. */
  key?: string;
  /**
   * Open cases with a past deadline (openByNextDeadline), for the pending list. When absent the list is
   * built from the open cases among `cases`.
   */
  open?: ReportCase[];
  /** T-13: the recorded justification of each late case (from the content records), by reference. */
  justifications?: ReadonlyMap<string, string | null>;
  /** Put the justification text of non-sensitive late cases in the report (the coordinator's export). */
  includeJustificationText?: boolean;
}

const DAY_MS = 86_400_000;

const ms = (iso: string) => new Date(iso).getTime();

function inPeriod(c: CaseRecord, period: Period): boolean {
  const t = ms(c.receivedAt);
  return t >= ms(period.start) && t < ms(period.end);
}

function shareOf(met: number, completed: number): Share {
  return { met, completed, share: completed > 0 ? met / completed : null };
}

function indicator(current: Share, previous: Share | null): Indicator {
  const change =
    previous && current.share !== null && previous.share !== null
      ? Math.round((current.share - previous.share) * 1000) / 10
      : null;
  return { ...current, previous, change };
}

const stepShare = (t: Tally, step: R11Step): Share =>
  shareOf(t[counter.r11(step, "met")] ?? 0, t[counter.r11(step, "done")] ?? 0);
const overallShare = (t: Tally): Share => shareOf(t[counter.overallMet] ?? 0, t[counter.overallDone] ?? 0);

/** Median (mean of the two middle values for an even count) and 90th percentile (nearest rank). */
export function medianAndP90(values: number[]): { median: number | null; p90: number | null } {
  if (values.length === 0) return { median: null, p90: null };
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const p90 = sorted[Math.ceil(0.9 * n) - 1]!;
  return { median: round2(median), p90: round2(p90) };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Median and 90th percentile of a step's completion times, from the histogram of the tally (exact to the bin). */
function timing(t: Tally, step: "acknowledge" | "respond"): Timing {
  const prefix = `t.${step}.`;
  const bins = Object.entries(t)
    .filter(([name, n]) => name.startsWith(prefix) && n > 0)
    .map(([name, n]) => [binValue(Number(name.slice(prefix.length))), n] as const)
    .sort((a, b) => a[0] - b[0]);
  const count = bins.reduce((sum, [, n]) => sum + n, 0);
  if (count === 0) return { count: 0, medianDays: null, p90Days: null };
  /** The value of rank i (0-based) in the sorted values, in days. */
  const at = (i: number) => {
    let seen = 0;
    for (const [value, n] of bins) {
      seen += n;
      if (i < seen) return value / DAY_MS;
    }
    throw new RangeError(`rank ${i} beyond ${count} values`);
  };
  const mid = Math.floor(count / 2);
  const median = count % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
  return { count, medianDays: round2(median), p90Days: round2(at(Math.ceil(0.9 * count) - 1)) };
}

/** Primary suppression of one count. */
export function small(value: number): Cell {
  return value > 0 && value < 3 ? "<3" : value;
}

/**
 * Suppression of a group of counts whose total is shown: primary ("<3" for 1 and 2), then, if exactly one
 * cell is hidden, the smallest other non-zero cell is hidden too ("x") so the first cannot be recovered by
 * subtracting the others from the total. With the total itself hidden, primary suppression is enough.
 */
export function suppressGroup(values: readonly number[], totalShown = true): Cell[] {
  const cells = values.map(small);
  if (!totalShown) return cells;
  if (cells.filter((c) => c === "<3").length !== 1) return cells;
  let pick = -1;
  values.forEach((v, i) => {
    if (cells[i] !== "<3" && v > 0 && (pick < 0 || v < values[pick]!)) pick = i;
  });
  if (pick >= 0) cells[pick] = "x";
  return cells;
}

/** The categories of a tally: the config's in its order, then unknown ids (a category since removed), then "not triaged". */
function categoryIds(config: OrgConfig, t: Tally): Array<string | null> {
  const known = config.categories.map((c) => c.id);
  const seen = new Set<string>();
  for (const [name, n] of Object.entries(t)) {
    if (n <= 0 || !name.startsWith("cat.") || !name.endsWith(".n")) continue;
    seen.add(name.slice(4, -2));
  }
  const unknown = [...seen].filter((id) => id !== UNTRIAGED && !known.includes(id)).sort();
  return [...known, ...unknown, ...(seen.has(UNTRIAGED) ? [null] : [])];
}

function categoryRows(config: OrgConfig, t: Tally): CategoryRow[] {
  const rows = categoryIds(config, t).map((id) => {
    const known = id === null ? undefined : config.categories.find((c) => c.id === id);
    const get = (what: string) => t[counter.category(id, what)] ?? 0;
    return {
      id,
      get,
      n: get("n"),
      label:
        id === null ? { fr: "Pas encore trié", en: "Not triaged yet" } : (known?.label ?? { fr: id, en: id }),
      // A category unknown to the current config is sensitive if any of its cases is.
      sensitive: known?.sensitive ?? get("sensitive") > 0,
    };
  });
  // The column of totals adds up to the overall total, which is shown: hide a complement there too,
  // preferably a sensitive category (it shows no breakdown that would give the hidden total back).
  const totals: Cell[] = rows.map((r) => small(r.n));
  if (totals.filter((t) => t === "<3").length === 1) {
    const candidates = rows
      .map((r, i) => ({ i, n: r.n, sensitive: r.sensitive }))
      .filter(({ i, n }) => n > 0 && totals[i] !== "<3")
      .sort((a, b) => Number(b.sensitive) - Number(a.sensitive) || a.n - b.n);
    const pick = candidates[0];
    if (pick) totals[pick.i] = "x";
  }
  return rows.map((r, i): CategoryRow => {
    const total = totals[i]!;
    if (r.sensitive) return { id: r.id, label: r.label, sensitive: true, total };
    // A hidden total ("x") hides its whole breakdown, which would give it back.
    if (total === "x") {
      const x = "x" as const;
      return {
        id: r.id,
        label: r.label,
        sensitive: false,
        total,
        breakdown: {
          open: x,
          closed: x,
          severity: r.id === null ? null : { high: x, medium: x, low: x },
          overdue: x,
          respondMet: x,
          respondMissed: x,
          respondShare: null,
        },
      };
    }
    const shown = total !== "<3";
    const open = r.get("open");
    const [openCell, closedCell] = suppressGroup([open, r.n - open], shown);
    const severity =
      r.id === null
        ? null
        : (() => {
            const cells = suppressGroup(
              SEVERITIES.map((s) => r.get(`sev.${s}`)),
              shown,
            );
            return { high: cells[0]!, medium: cells[1]!, low: cells[2]! };
          })();
    const respond = shareOf(r.get("respondMet"), r.get("respondDone"));
    const [metCell, missedCell] = suppressGroup([respond.met, respond.completed - respond.met], true);
    const respondShare =
      respond.completed >= 3 && typeof metCell === "number" && typeof missedCell === "number"
        ? respond.share
        : null;
    return {
      id: r.id,
      label: r.label,
      sensitive: false,
      total,
      breakdown: {
        open: openCell!,
        closed: closedCell!,
        severity,
        overdue: small(r.get("overdue")),
        respondMet: metCell!,
        respondMissed: missedCell!,
        respondShare,
      },
    };
  });
}

export function isLate(c: CaseRecord, now: number): boolean {
  if (c.met.respond === false || c.flags.includes("late")) return true;
  return (
    c.status !== "closed" &&
    c.met.respond === undefined &&
    c.deadlines.respond !== undefined &&
    ms(c.deadlines.respond) < now
  );
}

/** Late cases in list order: earliest received first. */
export const lateOrder = (a: CaseRecord, b: CaseRecord) =>
  a.receivedAt.localeCompare(b.receivedAt) || a.reference.localeCompare(b.reference);

/**
 * T-13 rows of the late cases among `cases` as of `cutoff` (reportCutoff), earliest received first; `now` (the
 * report's instant) ends the delay of a case still open.
 */
export function lateRows(
  cases: readonly ReportCase[],
  options: Pick<ComputeOptions, "justifications" | "includeJustificationText">,
  cutoff: number,
  now: number = cutoff,
): LateRow[] {
  const rows: LateRow[] = [];
  for (const c of [...cases].sort(lateOrder)) {
    if (!isLate(c, cutoff)) continue;
    const responded = c.met.respond !== undefined;
    const text = options.justifications?.get(c.reference);
    // The "late" flag is the justification's mark: the conclusion of a late response records both together
    // (T-13, applyConclusion), and the day counters count it (report-tally.ts counter.late).
    const justified = c.flags.includes("late");
    if (c.sensitive) {
      rows.push({ reference: c.reference, sensitive: true, justified, responded });
      continue;
    }
    const deadline = c.deadlines.respond;
    const respondedAt = c.completedAt?.respond ?? null;
    const end = respondedAt ? ms(respondedAt) : responded ? null : now;
    const row: LateRow = {
      reference: c.reference,
      sensitive: false,
      justified,
      responded,
      deadline: deadline ?? "",
      respondedAt,
      daysLate: deadline && end !== null ? Math.max(0, Math.floor((end - ms(deadline)) / DAY_MS)) : null,
      category: c.category,
    };
    if (options.includeJustificationText) row.justification = justified ? (text ?? null) : null;
    rows.push(row);
  }
  return rows;
}

/**
 * R-5 rows of the open cases among `cases` with a staff deadline passed before `cutoff`, earliest deadline
 * first; days overdue are counted to `now`.
 */
export function pendingRows(
  cases: readonly CaseRecord[],
  cutoff: number,
  now: number = cutoff,
): PendingRow[] {
  const rows: Array<PendingRow & { sortKey: number }> = [];
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.reference)) continue;
    seen.add(c.reference);
    // A case past no staff deadline but its appeal window (the workflow closes it then: one still open is
    // stuck) is listed with that step, so that the list holds every open case whose next deadline has passed,
    // as its total counts them (a COUNT of the byDeadline index).
    const staff = pastSteps(c, cutoff);
    const past: Array<[DeadlineStep, string]> =
      staff.length > 0 || c.status === "closed"
        ? staff
        : (Object.entries(c.deadlines) as Array<[DeadlineStep, string]>).filter(
            ([step, at]) => c.met[step] === undefined && ms(at) < cutoff,
          );
    const first = past[0];
    if (!first) continue;
    const steps = past.map(([s]) => s);
    const sortKey = ms(first[1]);
    if (c.sensitive) rows.push({ reference: c.reference, sensitive: true, steps, sortKey });
    else
      rows.push({
        reference: c.reference,
        sensitive: false,
        steps,
        deadline: first[1],
        daysOverdue: Math.floor((now - ms(first[1])) / DAY_MS),
        assignee: c.assignee,
        category: c.category,
        status: c.status,
        sortKey,
      });
  }
  return rows
    .sort((a, b) => a.sortKey - b.sortKey || a.reference.localeCompare(b.reference))
    .map(({ sortKey: _s, ...row }) => row);
}

/** The recount: every case of the period read and counted (the aggregates' reference, load.ts). */
export function computeReport(cases: ReportCase[], options: ComputeOptions): Report {
  const { config } = options;
  const timeZone = config.organisation.timeZone;
  const now = ms(options.now);
  if (Number.isNaN(now)) throw new RangeError(`now is not an instant: ${options.now}`);
  const asOf = reportCutoff(options.now, timeZone);
  const cutoff = ms(asOf);
  const period = makePeriod(options.kind, options.from, options.to, timeZone, options.key);
  const inScope = cases.filter((c) => inPeriod(c, period));
  const prevPeriod = options.previous ? previousPeriod(period, timeZone) : null;
  const previous = prevPeriod ? (options.previous ?? []).filter((c) => inPeriod(c, prevPeriod)) : null;
  const pending = pendingRows(options.open ?? inScope, cutoff, now);
  return reportFromTallies({
    config,
    now: options.now,
    period,
    previousPeriod: prevPeriod,
    days: tallyByDay(inScope, timeZone, asOf),
    previous: previous ? sumTallies(previous.map((c) => caseTally(c, asOf))) : null,
    late: lateRows(inScope, options, cutoff, now).slice(0, LIST_PAGE),
    pending: pending.slice(0, LIST_PAGE),
    pendingTotal: pending.length,
  });
}

/** What a report is made of, however it was read: tallies as of its day (reportCutoff), and the lists' first pages. */
export interface TallyInputs {
  config: OrgConfig;
  now: string;
  period: Period;
  previousPeriod: Period | null;
  /** The period's tallies as of the report's cutoff, by local day of receipt (days with no case may be absent). */
  days: ReadonlyMap<string, Tally>;
  /** The previous period's tally as of the cutoff, for the trends; null for none. */
  previous: Tally | null;
  /** T-13: the first page of the period's late cases (lateRows); their counts are the tally's. */
  late: LateRow[];
  /** the first page of the open cases past a staff deadline (pendingRows), and how many there are. */
  pending: PendingRow[];
  pendingTotal: number;
}

/** The report of a period from its tallies (the count rules are tally.ts's; this only reads and hides). */
export function reportFromTallies(inputs: TallyInputs): Report {
  const { config, period } = inputs;
  const timeZone = config.organisation.timeZone;
  const now = ms(inputs.now);
  if (Number.isNaN(now)) throw new RangeError(`now is not an instant: ${inputs.now}`);
  const inDays = (from: string, to: string) =>
    sumTallies([...inputs.days].filter(([day]) => day >= from && day <= to).map(([, t]) => t));
  const t = inDays(period.from, period.to);
  const previous = inputs.previous;

  const pick = <K extends string>(keys: readonly K[], name: (k: K) => string) =>
    Object.fromEntries(keys.map((k) => [k, t[name(k)] ?? 0])) as Record<K, number>;
  const counts: Report["counts"] = {
    kind: pick(KINDS, counter.kind),
    channel: pick(CHANNELS, counter.channel),
    severity: pick([...SEVERITIES, "none"] as const, (s) => counter.severity(s === "none" ? null : s)),
    status: pick(STATUSES, counter.status),
    closure: pick([...CLOSURES, "open"] as const, (c) => counter.closure(c === "open" ? null : c)),
  };

  const steps = Object.fromEntries(
    R11_STEPS.map((s) => [s, indicator(stepShare(t, s), previous ? stepShare(previous, s) : null)]),
  ) as Record<R11Step, Indicator>;
  const series = buckets(period, timeZone).map((b) => ({
    label: b.label,
    unit: b.unit,
    from: b.from,
    to: b.to,
    ...overallShare(inDays(b.from, b.to)),
  }));

  const referralCategories = config.categories.filter((c) => c.outcome === "referral").map((c) => c.id);
  const referredOpen = referralCategories.reduce(
    (sum, id) => sum + (t[counter.category(id, "openNotReferred")] ?? 0),
    0,
  );
  const late = inputs.late;

  return {
    kind: period.kind,
    organisation: config.organisation.name,
    timeZone,
    generatedAt: new Date(now).toISOString(),
    period,
    previousPeriod: inputs.previousPeriod,
    total: t[counter.total] ?? 0,
    counts,
    categories: categoryRows(config, t),
    r11: {
      overall: indicator(overallShare(t), previous ? overallShare(previous) : null),
      steps,
      series,
      acknowledgementsNotSent: t[counter.acknowledgementsNotSent] ?? 0,
    },
    timings: {
      available: (t[counter.timed] ?? 0) > 0,
      acknowledge: timing(t, "acknowledge"),
      respond: timing(t, "respond"),
    },
    pending: inputs.pending,
    pendingTotal: inputs.pendingTotal,
    appeals: {
      filed: t[counter.appeals("filed")] ?? 0,
      decided: t[counter.appeals("decided")] ?? 0,
      upheld: t[counter.appeals("upheld")] ?? 0,
      revised: t[counter.appeals("revised")] ?? 0,
      open: t[counter.appeals("open")] ?? 0,
      extended: t[counter.appeals("extended")] ?? 0,
    },
    referrals: {
      total: (t[counter.closure("referred")] ?? 0) + referredOpen,
      closed: t[counter.referredClosed] ?? 0,
    },
    loop: loopFromTally(t),
    late: {
      total: t[counter.late("n")] ?? 0,
      justified: t[counter.late("justified")] ?? 0,
      unjustified: t[counter.late("unjustified")] ?? 0,
      awaiting: t[counter.late("awaiting")] ?? 0,
      rows: late,
    },
  };
}
