// What one case adds to its period's report figures (issue 18): flat counters that add up, so that a period's
// figures can be kept as per-day sums in the case's own transactions (the store's AGG items) instead of being
// recounted from every case at report time. Pure: no AWS, no config, no content record, no personal data (a
// counter name holds a vocabulary id, a category id, or a duration in milliseconds; never a person).
//
// The count rules live here and only here: reports/compute.ts (the recount from the cases) and the aggregate path
// (reports/load.ts) both turn tallies into a Report (reportFromTallies), so they cannot disagree.
//
// Time: a few figures depend on when the report is made (R-11: an open step past its deadline counts as missed;
// a category's open cases past a deadline). `caseTally(c, FROZEN)` is the case's contribution with every
// undecided deadline still running; it differs from `caseTally(c, now)` only for an open case whose next
// deadline is before now, which the byDeadline index lists. The stored sums are frozen tallies; the report
// corrects them with the live tallies of those cases (liveCorrection).
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
  /** One case whose step completed `ms` milliseconds after receipt (an exact histogram: medians stay exact). */
  time: (step: "acknowledge" | "respond", elapsedMs: number) => `t.${step}.${elapsedMs}`,
  appeals: (what: "filed" | "decided" | "upheld" | "revised" | "open" | "extended") => `appeals.${what}`,
  referredClosed: "referred.closed",
  loop: (what: "closed" | "asked" | "answered" | "satisfied" | "score" | "communicated") => `loop.${what}`,
} as const;

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

/** The counters a change of a case moves, and by how much (after − before); empty when no figure moves. */
export function tallyDelta(before: CaseRecord | null, after: CaseRecord | null): Tally {
  return addTallies(after ? caseTally(after, FROZEN) : {}, before ? caseTally(before, FROZEN) : {}, -1);
}

/**
 * What must be added to frozen sums to get the figures as of `now`: for each case of the period whose next
 * deadline has passed (open, so its tally may depend on time), its live tally minus its frozen one.
 */
export function liveCorrection(cases: Iterable<CaseRecord>, now: string): Tally {
  const out: Tally = {};
  for (const c of cases) addInto(addInto(out, caseTally(c, now)), caseTally(c, FROZEN), -1);
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
