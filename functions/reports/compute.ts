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
import { acknowledgementNeverSent, deadlineOutcome } from "../domain/procedure.ts";
import { buckets, makePeriod, type Period, previousPeriod, type ReportKind } from "./periods.ts";

/** The deadlines of the R-11 indicator. */
export const R11_STEPS = ["acknowledge", "contact", "respond", "appealDecision"] as const;
export type R11Step = (typeof R11_STEPS)[number];

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
  /** open cases past a deadline, as of generatedAt (whatever their date of receipt). */
  pending: PendingRow[];
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
  const closed = cases.filter((c) => c.status === "closed");
  // The closing email carries the question unless the case went elsewhere (referred, inadmissible: their
  // own email); the follow-up page asks every closed case.
  const askedByEmail = (c: CaseRecord) =>
    c.reachable && c.closure !== "referred" && c.closure !== "inadmissible";
  const asked = closed.filter((c) => askedByEmail(c) || c.followUp === true || c.satisfaction !== undefined);
  const scores = closed.flatMap((c) => (c.satisfaction ? [c.satisfaction.score] : []));
  const satisfied = scores.filter((score) => score >= 4).length;
  const communicated = closed.filter((c) => c.reachable || c.outcomeSeenAt !== undefined).length;
  return {
    asked: asked.length,
    answered: scores.length,
    responseRate: ratio(scores.length, asked.length),
    satisfied,
    satisfactionRate: ratio(satisfied, scores.length),
    averageScore: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
    closed: closed.length,
    communicated,
    communicatedShare: ratio(communicated, closed.length),
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
/** Steps that are not staff work: the complainant's appeal window running out is not "pending". */
const NOT_PENDING: ReadonlySet<DeadlineStep> = new Set(["appealWindowEnds"]);

const ms = (iso: string) => new Date(iso).getTime();

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

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

/** R-11 per deadline: met among the decided ones (met, or missed: completed late or still open past it). */
function stepShare(cases: readonly CaseRecord[], step: R11Step, now: string): Share {
  let met = 0;
  let completed = 0;
  for (const c of cases) {
    const outcome = deadlineOutcome(c, step, now);
    if (outcome !== "met" && outcome !== "missed") continue;
    completed += 1;
    if (outcome === "met") met += 1;
  }
  return shareOf(met, completed);
}

/** A case counts for the overall indicator once one R-11 deadline is decided; it is "within" if all were met. */
function overallShare(cases: readonly CaseRecord[], now: string): Share {
  let met = 0;
  let completed = 0;
  for (const c of cases) {
    const done = R11_STEPS.map((s) => deadlineOutcome(c, s, now)).filter(
      (o) => o === "met" || o === "missed",
    );
    if (done.length === 0) continue;
    completed += 1;
    if (done.every((o) => o === "met")) met += 1;
  }
  return shareOf(met, completed);
}

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

function timing(cases: readonly ReportCase[], step: "acknowledge" | "respond"): Timing {
  const days: number[] = [];
  for (const c of cases) {
    const at = c.completedAt?.[step];
    if (at) days.push((ms(at) - ms(c.receivedAt)) / DAY_MS);
  }
  const { median, p90 } = medianAndP90(days);
  return { count: days.length, medianDays: median, p90Days: p90 };
}

/** Steps of an open case whose deadline passed, earliest deadline first. */
function pastSteps(c: CaseRecord, now: number): Array<[DeadlineStep, string]> {
  if (c.status === "closed") return [];
  return (Object.entries(c.deadlines) as Array<[DeadlineStep, string]>)
    .filter(([step, at]) => !NOT_PENDING.has(step) && c.met[step] === undefined && ms(at) < now)
    .sort((a, b) => ms(a[1]) - ms(b[1]));
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

function categoryRows(config: OrgConfig, cases: readonly CaseRecord[], now: number): CategoryRow[] {
  const groups = new Map<string | null, CaseRecord[]>();
  for (const category of config.categories) groups.set(category.id, []);
  for (const c of cases) {
    const list = groups.get(c.category) ?? [];
    list.push(c);
    groups.set(c.category, list);
  }
  const ids = [...groups.keys()].filter((id) => id !== null || (groups.get(null)?.length ?? 0) > 0);
  const rows = ids.map((id) => {
    const list = groups.get(id) ?? [];
    const known = id === null ? undefined : config.categories.find((c) => c.id === id);
    return {
      id,
      list,
      label:
        id === null ? { fr: "Pas encore trié", en: "Not triaged yet" } : (known?.label ?? { fr: id, en: id }),
      // A category unknown to the current config is sensitive if any of its cases is.
      sensitive: known?.sensitive ?? list.some((c) => c.sensitive),
    };
  });
  // The column of totals adds up to the overall total, which is shown: hide a complement there too,
  // preferably a sensitive category (it shows no breakdown that would give the hidden total back).
  const totals: Cell[] = rows.map((r) => small(r.list.length));
  if (totals.filter((t) => t === "<3").length === 1) {
    const candidates = rows
      .map((r, i) => ({ i, n: r.list.length, sensitive: r.sensitive }))
      .filter(({ i, n }) => n > 0 && totals[i] !== "<3")
      .sort((a, b) => Number(b.sensitive) - Number(a.sensitive) || a.n - b.n);
    const pick = candidates[0];
    if (pick) totals[pick.i] = "x";
  }
  return rows.map((r, i): CategoryRow => {
    const total = totals[i]!;
    if (r.sensitive) return { id: r.id, label: r.label, sensitive: true, total };
    const list = r.list;
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
    const open = list.filter((c) => c.status !== "closed").length;
    const [openCell, closedCell] = suppressGroup([open, list.length - open], shown);
    const severity =
      r.id === null
        ? null
        : (() => {
            const cells = suppressGroup(
              SEVERITIES.map((s) => list.filter((c) => c.severity === s).length),
              shown,
            );
            return { high: cells[0]!, medium: cells[1]!, low: cells[2]! };
          })();
    const respond = stepShare(list, "respond", new Date(now).toISOString());
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
        overdue: small(list.filter((c) => pastSteps(c, now).length > 0).length),
        respondMet: metCell!,
        respondMissed: missedCell!,
        respondShare,
      },
    };
  });
}

function isLate(c: CaseRecord, now: number): boolean {
  if (c.met.respond === false || c.flags.includes("late")) return true;
  return (
    c.status !== "closed" &&
    c.met.respond === undefined &&
    c.deadlines.respond !== undefined &&
    ms(c.deadlines.respond) < now
  );
}

function lateRows(cases: readonly ReportCase[], options: ComputeOptions, now: number): LateRow[] {
  const rows: LateRow[] = [];
  for (const c of cases) {
    if (!isLate(c, now)) continue;
    const responded = c.met.respond !== undefined;
    const text = options.justifications?.get(c.reference);
    // Without the content records, the "late" flag stands for a justification: the conclusion of a late
    // response records both together (T-13, applyConclusion).
    const justified =
      options.justifications !== undefined
        ? typeof text === "string" && text.trim() !== ""
        : c.flags.includes("late");
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
  return rows.sort((a, b) => a.reference.localeCompare(b.reference));
}

function pendingRows(cases: readonly CaseRecord[], now: number): PendingRow[] {
  const rows: Array<PendingRow & { sortKey: number }> = [];
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.reference)) continue;
    seen.add(c.reference);
    const past = pastSteps(c, now);
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

export function computeReport(cases: ReportCase[], options: ComputeOptions): Report {
  const { config } = options;
  const timeZone = config.organisation.timeZone;
  const now = ms(options.now);
  if (Number.isNaN(now)) throw new RangeError(`now is not an instant: ${options.now}`);
  const period = makePeriod(options.kind, options.from, options.to, timeZone, options.key);
  const inScope = cases.filter((c) => inPeriod(c, period));
  const prevPeriod = options.previous ? previousPeriod(period, timeZone) : null;
  const previous = prevPeriod ? (options.previous ?? []).filter((c) => inPeriod(c, prevPeriod)) : null;

  const counts: Report["counts"] = {
    kind: zeroes(KINDS),
    channel: zeroes(CHANNELS),
    severity: zeroes([...SEVERITIES, "none"] as const),
    status: zeroes(STATUSES),
    closure: zeroes([...CLOSURES, "open"] as const),
  };
  for (const c of inScope) {
    counts.kind[c.kind] += 1;
    counts.channel[c.channel] += 1;
    counts.severity[c.severity ?? "none"] += 1;
    counts.status[c.status] += 1;
    counts.closure[c.closure ?? "open"] += 1;
  }

  const steps = Object.fromEntries(
    R11_STEPS.map((s) => [
      s,
      indicator(stepShare(inScope, s, options.now), previous ? stepShare(previous, s, options.now) : null),
    ]),
  ) as Record<R11Step, Indicator>;
  const series = buckets(period, timeZone).map((b) => ({
    label: b.label,
    unit: b.unit,
    from: b.from,
    to: b.to,
    ...overallShare(
      inScope.filter((c) => ms(c.receivedAt) >= ms(b.start) && ms(c.receivedAt) < ms(b.end)),
      options.now,
    ),
  }));

  const referralCategories = new Set(
    config.categories.filter((c) => c.outcome === "referral").map((c) => c.id),
  );
  const referred = inScope.filter(
    (c) =>
      c.closure === "referred" ||
      (c.status !== "closed" && c.category !== null && referralCategories.has(c.category)),
  );

  const late = lateRows(inScope, options, now);
  const withTimes = inScope.some((c) => c.completedAt !== undefined);

  return {
    kind: options.kind,
    organisation: config.organisation.name,
    timeZone,
    generatedAt: new Date(now).toISOString(),
    period,
    previousPeriod: prevPeriod,
    total: inScope.length,
    counts,
    categories: categoryRows(config, inScope, now),
    r11: {
      overall: indicator(
        overallShare(inScope, options.now),
        previous ? overallShare(previous, options.now) : null,
      ),
      steps,
      series,
      acknowledgementsNotSent: inScope.filter(acknowledgementNeverSent).length,
    },
    timings: {
      available: withTimes,
      acknowledge: timing(inScope, "acknowledge"),
      respond: timing(inScope, "respond"),
    },
    pending: pendingRows(options.open ?? inScope, now),
    appeals: {
      filed: inScope.filter((c) => c.appeals > 0).length,
      decided: inScope.filter((c) => c.appealOutcome !== null).length,
      upheld: inScope.filter((c) => c.appealOutcome === "upheld").length,
      revised: inScope.filter((c) => c.appealOutcome === "revised").length,
      open: inScope.filter((c) => c.appeals > 0 && c.appealOutcome === null && c.status !== "closed").length,
      extended: inScope.filter((c) => c.appealExtensions > 0).length,
    },
    referrals: { total: referred.length, closed: referred.filter((c) => c.status === "closed").length },
    loop: loopIndicators(inScope),
    late: {
      total: late.length,
      justified: late.filter((r) => r.justified).length,
      unjustified: late.filter((r) => !r.justified && r.responded).length,
      awaiting: late.filter((r) => !r.justified && !r.responded).length,
      rows: late,
    },
  };
}
