// What one case adds to its period's report figures (issue 18): flat counters that add up, so that a period's
// figures can be kept as per-day sums in the case's own transactions (the store's AGG items) instead of being
// recounted from every case at report time. Pure: no AWS, no config, no content record, no personal data (a
// counter name holds a vocabulary id, a category id, or a duration in milliseconds; never a person).
//
// The count rules live here and only here: reports/compute.ts (the recount from the cases) and the aggregate path
// (reports/load.ts) both turn tallies into a Report (reportFromTallies), so they cannot disagree.
//
// Time: a few figures depend on when the report is made (R-11: an open step past its deadline counts as missed;
// a category's open cases past a deadline; T-13: a case still open past its response deadline). A report counts
// the deadlines passed before the local day it is made on (reportCutoff: its figures are the same whenever in
// the day it runs). `caseTally(c, FROZEN)` is the case's contribution with every undecided deadline still
// running; `dueTally` says, per local day of an undecided deadline, what the case's figures move by when that
// day is over. The day items keep both (storedTally), so a report adds the `due` counters of the days before its
// own (foldDue) and reads no case to correct its figures.
import { DateTime } from "luxon";
import * as z from "zod";
import type { CaseRecord, DeadlineStep } from "./complaint.ts";
import { acknowledgementNeverSent, deadlineOutcome } from "./procedure.ts";

/** Counter name → count. Counters absent or 0 mean the same. */
export type Tally = Record<string, number>;

/** Counters as read back from an aggregate item: names are free-form, values whole numbers. */
export const tallySchema = z.record(z.string().min(1).max(200), z.number().int());

/** The deadlines of the R-11 indicator. */
export const R11_STEPS = ["acknowledge", "contact", "respond", "appealDecision"] as const;
export type R11Step = (typeof R11_STEPS)[number];

/** An instant before every deadline: a tally "as of" it has every undecided deadline running. */
export const FROZEN = new Date(0).toISOString();

/** Steps that are not staff work: the complainant's appeal window running out is not "pending". */
const NOT_PENDING: ReadonlySet<DeadlineStep> = new Set(["appealWindowEnds"]);

const ms = (iso: string) => new Date(iso).getTime();

/** The null category's name in counters (category ids are `[a-z][a-z0-9-]*`, so it cannot clash). */
export const UNTRIAGED = "~";

/** Counter names, spelled once. */
export const counter = {
  total: "n",
  kind: (v: string) => `kind.${v}`,
  channel: (v: string) => `channel.${v}`,
  severity: (v: string | null) => `severity.${v ?? "none"}`,
  status: (v: string) => `status.${v}`,
  closure: (v: string | null) => `closure.${v ?? "open"}`,
  /** Per category: n, open, openNotReferred, sensitive, overdue, respondMet, respondDone, sev.<severity>. */
  category: (id: string | null, what: string) => `cat.${id ?? UNTRIAGED}.${what}`,
  r11: (step: R11Step, what: "met" | "done") => `r11.${step}.${what}`,
  overallMet: "r11.overall.met",
  overallDone: "r11.overall.done",
  acknowledgementsNotSent: "ackNotSent",
  /** Cases whose record carries completion instants (the timings are available). */
  timed: "timed",
  /** One case whose step completed `elapsedMs` after receipt, in its duration bin (durationBin). */
  time: (step: "acknowledge" | "respond", elapsedMs: number) => `t.${step}.${durationBin(elapsedMs)}`,
  appeals: (what: "filed" | "decided" | "upheld" | "revised" | "open" | "extended") => `appeals.${what}`,
  referredClosed: "referred.closed",
  loop: (what: "closed" | "asked" | "answered" | "satisfied" | "score" | "communicated") => `loop.${what}`,
  /**
   * T-13: late cases (n), of which justified (the `late` flag: a late conclusion records it with the
   * justification), answered late without one, and still open past the response deadline (awaiting).
   */
  late: (what: "n" | "justified" | "unjustified" | "awaiting") => `late.${what}`,
  /** What `name` moves by once the local day `day` (YYYY-MM-DD) of an undecided deadline is over (dueTally). */
  due: (day: string, name: string) => `due.${day}.${name}`,
} as const;

/** Prefix of the deadline-day counters (counter.due). */
export const DUE_PREFIX = "due.";

/** Durations under an hour: bins of 5 minutes (12 bins); from an hour: 16 bins per doubling (about 4.4 % wide). */
const LINEAR_BINS = 12;
const BINS_PER_DOUBLING = 16;
const MINUTE = 60_000;

/**
 * The bin of a duration (ms) in the completion-time histograms: a fixed scale, so that a day item holds at most
 * a bounded number of bins whatever the number of cases (about 230 up to two years, some 140 in use for times
 * of 1 to 60 days). Medians and 90th percentiles are then exact to the bin: within ±2.2 % (half a bin) from an
 * hour on, ±2.5 minutes below.
 */
export function durationBin(elapsedMs: number): number {
  const minutes = Math.max(0, elapsedMs) / MINUTE;
  if (minutes < 60) return Math.floor(minutes / 5);
  return LINEAR_BINS + Math.floor(BINS_PER_DOUBLING * Math.log2(minutes / 60));
}

/** The duration (ms) a bin stands for: its middle (geometric from an hour on). */
export function binValue(bin: number): number {
  if (bin < LINEAR_BINS) return (bin * 5 + 2.5) * MINUTE;
  return 60 * 2 ** ((bin - LINEAR_BINS + 0.5) / BINS_PER_DOUBLING) * MINUTE;
}

/** The local date (YYYY-MM-DD) a case was received on: the day its counters are kept under. */
export function receivedDay(receivedAt: string, timeZone: string): string {
  const day = DateTime.fromISO(receivedAt, { zone: timeZone }).toISODate();
  if (!day) throw new RangeError(`receivedAt is not an instant: ${receivedAt}`);
  return day;
}

/** Steps of an open case whose deadline passed, earliest deadline first. */
export function pastSteps(c: CaseRecord, now: number): Array<[DeadlineStep, string]> {
  if (c.status === "closed") return [];
  return (Object.entries(c.deadlines) as Array<[DeadlineStep, string]>)
    .filter(([step, at]) => !NOT_PENDING.has(step) && c.met[step] === undefined && ms(at) < now)
    .sort((a, b) => ms(a[1]) - ms(b[1]));
}

/** The closing email carries the satisfaction question unless the case went elsewhere (their own email). */
const askedByEmail = (c: CaseRecord) =>
  c.reachable && c.closure !== "referred" && c.closure !== "inadmissible";

function add(t: Tally, name: string, by = 1): void {
  t[name] = (t[name] ?? 0) + by;
}

/** What one case adds to the figures of its period, as of `now` (an ISO instant; FROZEN for the stored sums). */
export function caseTally(c: CaseRecord, now: string): Tally {
  const t: Tally = {};
  const nowMs = ms(now);
  add(t, counter.total);
  add(t, counter.kind(c.kind));
  add(t, counter.channel(c.channel));
  add(t, counter.severity(c.severity));
  add(t, counter.status(c.status));
  add(t, counter.closure(c.closure));

  const open = c.status !== "closed";
  const cat = (what: string) => counter.category(c.category, what);
  add(t, cat("n"));
  if (open) add(t, cat("open"));
  if (open && c.closure !== "referred") add(t, cat("openNotReferred"));
  if (c.sensitive) add(t, cat("sensitive"));
  if (c.severity) add(t, cat(`sev.${c.severity}`));
  if (pastSteps(c, nowMs).length > 0) add(t, cat("overdue"));

  const outcomes = R11_STEPS.map((step) => [step, deadlineOutcome(c, step, now)] as const);
  for (const [step, outcome] of outcomes) {
    if (outcome !== "met" && outcome !== "missed") continue;
    add(t, counter.r11(step, "done"));
    if (outcome === "met") add(t, counter.r11(step, "met"));
    if (step === "respond") {
      add(t, cat("respondDone"));
      if (outcome === "met") add(t, cat("respondMet"));
    }
  }
  // R-11 overall: once one deadline is decided the case counts; it is "within" if all decided ones were met.
  const decided = outcomes.filter(([, o]) => o === "met" || o === "missed");
  if (decided.length > 0) {
    add(t, counter.overallDone);
    if (decided.every(([, o]) => o === "met")) add(t, counter.overallMet);
  }
  if (acknowledgementNeverSent(c)) add(t, counter.acknowledgementsNotSent);

  if (c.completedAt !== undefined) add(t, counter.timed);
  for (const step of ["acknowledge", "respond"] as const) {
    const at = c.completedAt?.[step];
    if (at) add(t, counter.time(step, ms(at) - ms(c.receivedAt)));
  }

  if (c.appeals > 0) add(t, counter.appeals("filed"));
  if (c.appealOutcome !== null) add(t, counter.appeals("decided"));
  if (c.appealOutcome === "upheld") add(t, counter.appeals("upheld"));
  if (c.appealOutcome === "revised") add(t, counter.appeals("revised"));
  if (c.appeals > 0 && c.appealOutcome === null && open) add(t, counter.appeals("open"));
  if (c.appealExtensions > 0) add(t, counter.appeals("extended"));
  if (c.closure === "referred" && !open) add(t, counter.referredClosed);

  // T-13 (compute.ts isLate): answered late or justified whatever the time; or still open past the deadline.
  if (lateAtRest(c)) {
    add(t, counter.late("n"));
    add(t, counter.late(c.flags.includes("late") ? "justified" : "unjustified"));
  } else if (
    open &&
    c.met.respond === undefined &&
    c.deadlines.respond !== undefined &&
    ms(c.deadlines.respond) < nowMs
  ) {
    add(t, counter.late("n"));
    add(t, counter.late("awaiting"));
  }

  if (!open) {
    add(t, counter.loop("closed"));
    if (askedByEmail(c) || c.followUp === true || c.satisfaction !== undefined) add(t, counter.loop("asked"));
    if (c.satisfaction) {
      add(t, counter.loop("answered"));
      add(t, counter.loop("score"), c.satisfaction.score);
      if (c.satisfaction.score >= 4) add(t, counter.loop("satisfied"));
    }
    if (c.reachable || c.outcomeSeenAt !== undefined) add(t, counter.loop("communicated"));
  }
  return t;
}

/**
 * T-13: a case late whatever the time (answered after the response deadline, or a delay justified). The day
 * items list these cases' references (not counters: the report lists them); an open case that is late only
 * because its deadline passed is among the byDeadline index's cases.
 */
export function lateAtRest(c: CaseRecord): boolean {
  return c.met.respond === false || c.flags.includes("late");
}

/** Adds sign × b into `into` (changed in place, zeroes dropped) and returns it: sums stay linear in the cases. */
function addInto(into: Tally, b: Tally, sign: 1 | -1 = 1): Tally {
  for (const [name, value] of Object.entries(b)) {
    const next = (into[name] ?? 0) + sign * value;
    if (next === 0) delete into[name];
    else into[name] = next;
  }
  return into;
}

/** a + sign × b, dropping zeroes (a new tally). */
export function addTallies(a: Tally, b: Tally, sign: 1 | -1 = 1): Tally {
  return addInto({ ...a }, b, sign);
}

export function sumTallies(tallies: Iterable<Tally>): Tally {
  const out: Tally = {};
  for (const t of tallies) addInto(out, t);
  return out;
}

/**
 * What the case's figures move by when each local day holding one of its undecided deadlines is over:
 * `due.<day>.<name>` counters (what caseTally gives once that day's deadlines have passed, minus what it gave
 * before). Empty for a closed case. A handful of days per case (one per deadline), and the cases received on
 * one day have their deadlines on a few days: the day item stays small.
 */
export function dueTally(c: CaseRecord, timeZone: string): Tally {
  if (c.status === "closed") return {};
  const lastOfDay = new Map<string, number>();
  for (const [step, at] of Object.entries(c.deadlines) as Array<[DeadlineStep, string]>) {
    if (c.met[step] !== undefined) continue;
    const day = receivedDay(at, timeZone);
    lastOfDay.set(day, Math.max(lastOfDay.get(day) ?? Number.NEGATIVE_INFINITY, ms(at)));
  }
  const out: Tally = {};
  let before = caseTally(c, FROZEN);
  for (const [day, last] of [...lastOfDay].sort((a, b) => a[1] - b[1])) {
    const after = caseTally(c, new Date(last + 1).toISOString());
    for (const [name, n] of Object.entries(addTallies(after, before, -1))) out[counter.due(day, name)] = n;
    before = after;
  }
  return out;
}

/**
 * The local day of an open case's next deadline, any step (the byDeadline index's key): the day item of the
 * pending count it is counted in; null for a closed case or one with no deadline left.
 */
export function nextDeadlineDay(c: CaseRecord, timeZone: string): string | null {
  if (c.status === "closed") return null;
  let next: string | null = null;
  for (const [step, at] of Object.entries(c.deadlines) as Array<[DeadlineStep, string]>)
    if (c.met[step] === undefined && (next === null || at < next)) next = at;
  return next === null ? null : receivedDay(next, timeZone);
}

/** What the day items keep for one case: its frozen tally and its deadline-day counters. */
export function storedTally(c: CaseRecord, timeZone: string): Tally {
  return addInto(caseTally(c, FROZEN), dueTally(c, timeZone));
}

/** The counters a change of a case moves, and by how much (after − before); empty when no figure moves. */
export function tallyDelta(before: CaseRecord | null, after: CaseRecord | null, timeZone: string): Tally {
  return addTallies(
    after ? storedTally(after, timeZone) : {},
    before ? storedTally(before, timeZone) : {},
    -1,
  );
}

/**
 * The first instant a report made at `now` does not count deadlines from: the start of its local day. Deadlines
 * passed before it count (an open step past its deadline is missed); those of the report's own day do not yet.
 */
export function reportCutoff(now: string, timeZone: string): string {
  const start = DateTime.fromISO(now, { zone: timeZone }).startOf("day").toUTC().toISO();
  if (!start) throw new RangeError(`not an instant: ${now}`);
  return start;
}

/**
 * Stored counters (storedTally sums) as of a report made on local day `reportDay`: the `due` counters of the
 * days before it added in, all `due` counters dropped.
 */
export function foldDue(stored: Tally, reportDay: string): Tally {
  const out: Tally = {};
  for (const [name, n] of Object.entries(stored)) {
    if (!name.startsWith(DUE_PREFIX)) {
      out[name] = (out[name] ?? 0) + n;
      continue;
    }
    const day = name.slice(DUE_PREFIX.length, DUE_PREFIX.length + 10);
    if (day >= reportDay) continue;
    const target = name.slice(DUE_PREFIX.length + 11);
    out[target] = (out[target] ?? 0) + n;
  }
  for (const [name, n] of Object.entries(out)) if (n === 0) delete out[name];
  return out;
}

/** Tallies of cases as of `now`, by local day of receipt (the recount path's equivalent of the AGG items). */
export function tallyByDay(cases: Iterable<CaseRecord>, timeZone: string, now: string): Map<string, Tally> {
  const days = new Map<string, Tally>();
  for (const c of cases) {
    const day = receivedDay(c.receivedAt, timeZone);
    const t = days.get(day) ?? {};
    days.set(day, addInto(t, caseTally(c, now)));
  }
  return days;
}

/** The day items' counters of cases (storedTally sums by local day of receipt), as the store keeps them. */
export function storedByDay(cases: Iterable<CaseRecord>, timeZone: string): Map<string, Tally> {
  const days = new Map<string, Tally>();
  for (const c of cases) {
    const day = receivedDay(c.receivedAt, timeZone);
    days.set(day, addInto(days.get(day) ?? {}, storedTally(c, timeZone)));
  }
  return days;
}
