// Issue 18: the count rules of the report aggregates (functions/reports/tally.ts), checked directly: what one
// case adds, what a change moves, and that frozen day sums corrected by the open overdue cases give the same
// report as a recount from every case (R-3, R-5, R-6, R-11, T-13, T-14).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { syntheticCase } from "../../bench/reports.ts";
import type { CaseRecord } from "../../functions/domain/complaint.ts";
import { loadConfigText } from "../../functions/domain/config.ts";
import {
  addTallies,
  binValue,
  caseTally,
  counter,
  durationBin,
  FROZEN,
  foldDue,
  lateAtRest,
  receivedDay,
  reportCutoff,
  storedByDay,
  storedTally,
  sumTallies,
  type Tally,
  tallyDelta,
} from "../../functions/domain/report-tally.ts";
import {
  computeReport,
  isLate,
  LIST_PAGE,
  lateRows,
  pendingRows,
  reportFromTallies,
} from "../../functions/reports/compute.ts";
import { makePeriod, previousPeriod } from "../../functions/reports/periods.ts";
import { aggregateUpdate, itemOf } from "../../functions/store/aggregate-store.ts";
import { nextDeadline } from "../../functions/store/complaint-store.ts";
import { caseRecord } from "../events/case-record.ts";
import {
  HUMANITARIAN,
  HUMANITARIAN_JUSTIFICATIONS,
  HUMANITARIAN_NOW,
  PREVIOUS,
} from "../events/reports/cases.ts";

const humanitarian = loadConfigText(readFileSync("config/humanitarian.example.yaml", "utf8"), "humanitarian");
const training = loadConfigText(readFileSync("config/training-provider.example.yaml", "utf8"), "training");

describe("caseTally: what one case adds", () => {
  it("counts a closed, satisfied, on-time case in each dimension once", () => {
    const c = caseRecord({
      kind: "suggestion",
      channel: "phone",
      category: "programme",
      severity: "low",
      status: "closed",
      closure: "resolved",
      receivedAt: "2026-03-02T09:00:00.000Z",
      deadlines: { acknowledge: "2026-03-09T09:00:00.000Z", respond: "2026-04-13T09:00:00.000Z" },
      met: { acknowledge: true, respond: true },
      completedAt: { acknowledge: "2026-03-03T09:00:00.000Z", respond: "2026-03-20T21:00:00.000Z" },
      satisfaction: { score: 4, at: "2026-03-25T09:00:00.000Z" },
    });
    expect(caseTally(c, FROZEN)).toEqual({
      n: 1,
      "kind.suggestion": 1,
      "channel.phone": 1,
      "severity.low": 1,
      "status.closed": 1,
      "closure.resolved": 1,
      "cat.programme.n": 1,
      "cat.programme.sev.low": 1,
      "cat.programme.respondDone": 1,
      "cat.programme.respondMet": 1,
      "r11.acknowledge.done": 1,
      "r11.acknowledge.met": 1,
      "r11.respond.done": 1,
      "r11.respond.met": 1,
      "r11.overall.done": 1,
      "r11.overall.met": 1,
      timed: 1,
      // Duration bins (durationBin): 1 day and 18.5 days.
      [`t.acknowledge.${durationBin(86_400_000)}`]: 1,
      [`t.respond.${durationBin(1_598_400_000)}`]: 1,
      "loop.closed": 1,
      "loop.asked": 1,
      "loop.answered": 1,
      "loop.score": 4,
      "loop.satisfied": 1,
      "loop.communicated": 1,
    });
  });

  it("holds no personal data: counter names are ids, categories and durations only", () => {
    const names = Object.keys(
      caseTally(
        caseRecord({
          assignee: "handler@example.org",
          responsible: "programme@example.org",
          reference: "CFM-2026-000042",
          category: "fraud",
          sensitive: true,
        }),
        FROZEN,
      ),
    );
    expect(names.join(" ")).not.toMatch(/@|CFM-/);
  });

  it("R-11: an open step past its deadline is missed as of now, running when frozen", () => {
    const c = caseRecord({
      category: "programme",
      status: "investigating",
      deadlines: { respond: "2026-03-10T09:00:00.000Z" },
    });
    expect(caseTally(c, FROZEN)).not.toHaveProperty("r11.respond.done");
    const live = caseTally(c, "2026-03-11T00:00:00.000Z");
    expect(live).toMatchObject({
      "r11.respond.done": 1,
      "r11.overall.done": 1,
      "cat.programme.overdue": 1,
      "cat.programme.respondDone": 1,
    });
    expect(live).not.toHaveProperty("r11.respond.met");
    // What the deadline's day moves once it is over, kept beside the frozen tally.
    const stored = storedTally(c, "UTC");
    expect(foldDue(stored, "2026-03-10")).toEqual(caseTally(c, FROZEN));
    expect(foldDue(stored, "2026-03-11")).toEqual(live);
    expect(stored).toMatchObject({ "due.2026-03-10.r11.respond.done": 1, "due.2026-03-10.late.awaiting": 1 });
  });

  it("T-13: counts late cases, justified (the late flag), answered late, and awaiting (as of the cutoff)", () => {
    const base = { category: "programme", deadlines: { respond: "2026-03-10T09:00:00.000Z" } } as const;
    expect(
      caseTally(caseRecord({ ...base, met: { respond: false }, status: "closed" }), FROZEN),
    ).toMatchObject({
      "late.n": 1,
      "late.unjustified": 1,
    });
    expect(
      caseTally(caseRecord({ ...base, flags: ["late"], status: "investigating" }), FROZEN),
    ).toMatchObject({
      "late.n": 1,
      "late.justified": 1,
    });
    const open = caseRecord({ ...base, status: "investigating" });
    expect(caseTally(open, FROZEN)).not.toHaveProperty("late.n");
    expect(caseTally(open, "2026-03-11T00:00:00.000Z")).toMatchObject({ "late.n": 1, "late.awaiting": 1 });
  });

  it("a report counts the deadlines passed before its local day (Bamako and Paris, DST)", () => {
    expect(reportCutoff("2026-03-29T15:00:00.000Z", "Europe/Paris")).toBe("2026-03-28T23:00:00.000Z");
    expect(reportCutoff("2026-03-30T15:00:00.000Z", "Europe/Paris")).toBe("2026-03-29T22:00:00.000Z");
    expect(reportCutoff("2026-03-29T15:00:00.000Z", "Africa/Bamako")).toBe("2026-03-29T00:00:00.000Z");
  });
});

describe("tallyDelta: what a change moves", () => {
  const received = caseRecord({
    reference: "CFM-2026-000007",
    deadlines: { triage: "2026-03-05T09:00:00.000Z" },
  });

  it("moves nothing for a bookkeeping change (a reminder), so no day item is written", () => {
    expect(tallyDelta(received, { ...received, reminders: { triage: 1 }, version: 2 }, "UTC")).toEqual({});
  });

  it("moves a triaged case from 'not triaged' to its category, and records the triage's status", () => {
    const triaged: CaseRecord = {
      ...received,
      status: "assigned",
      category: "fraud",
      severity: "high",
      sensitive: true,
      met: { triage: true },
    };
    // The deadline-day counters of the triage deadline (now met) go, and the category moves.
    expect(tallyDelta(received, triaged, "UTC")).toEqual({
      "due.2026-03-05.cat.~.overdue": -1,
      "status.received": -1,
      "status.assigned": 1,
      "severity.none": -1,
      "severity.high": 1,
      "cat.~.n": -1,
      "cat.~.open": -1,
      "cat.~.openNotReferred": -1,
      "cat.fraud.n": 1,
      "cat.fraud.open": 1,
      "cat.fraud.openNotReferred": 1,
      "cat.fraud.sensitive": 1,
      "cat.fraud.sev.high": 1,
    });
  });

  it("a creation adds the whole tally and an erasure takes it back", () => {
    expect(tallyDelta(null, received, "UTC")).toEqual(storedTally(received, "UTC"));
    expect(addTallies(tallyDelta(null, received, "UTC"), tallyDelta(received, null, "UTC"))).toEqual({});
  });

  it("T-13: a late answer puts the case among those late at rest", () => {
    expect(lateAtRest(received)).toBe(false);
    expect(lateAtRest({ ...received, met: { respond: false } })).toBe(true);
    expect(lateAtRest({ ...received, flags: ["late"] })).toBe(true);
  });
});

/**
 * The aggregate path of load.ts without DynamoDB: the stored day sums (frozen tallies and deadline-day counters)
 * folded at the report's day, the first page of the pending list and of the late list (earliest received first).
 */
function viaAggregates(
  cases: readonly CaseRecord[],
  config: typeof humanitarian,
  options: { from: string; to: string; kind: "monthly" | "annual" | "quarterly"; now: string },
) {
  const tz = config.organisation.timeZone;
  const period = makePeriod(options.kind, options.from, options.to, tz);
  const before = previousPeriod(period, tz);
  const asOf = reportCutoff(options.now, tz);
  const cutoff = Date.parse(asOf);
  const reportDay = receivedDay(options.now, tz);
  const within = (c: CaseRecord, p: typeof period) => c.receivedAt >= p.start && c.receivedAt < p.end;
  const stored = storedByDay(cases, tz);
  const days = new Map<string, Tally>();
  for (const [day, t] of stored)
    if (day >= period.from && day <= period.to) days.set(day, foldDue(t, reportDay));
  const previous = foldDue(
    sumTallies([...stored].filter(([day]) => day >= before.from && day <= before.to).map(([, t]) => t)),
    reportDay,
  );
  const open = cases.filter((c) => {
    const next = c.status === "closed" ? null : nextDeadline(c);
    return next !== null && next < asOf;
  });
  const nowMs = Date.parse(options.now);
  const late = cases.filter((c) => within(c, period) && isLate(c, cutoff));
  return reportFromTallies({
    config,
    now: options.now,
    period,
    previousPeriod: before,
    days,
    previous,
    late: lateRows(late, { justifications: HUMANITARIAN_JUSTIFICATIONS }, cutoff, nowMs).slice(0, LIST_PAGE),
    pending: pendingRows(open, cutoff, nowMs).slice(0, LIST_PAGE),
    pendingTotal: open.length,
  });
}

describe("stored day sums folded at the report's day = a recount from every case", () => {
  it("on the hand-checked fixture (Q1 2026, procedure H)", () => {
    const cases = [...HUMANITARIAN, ...PREVIOUS];
    const options = {
      from: "2026-01-01",
      to: "2026-03-31",
      kind: "quarterly",
      now: HUMANITARIAN_NOW,
    } as const;
    const recount = computeReport(cases, {
      ...options,
      config: humanitarian,
      previous: cases,
      open: cases,
      justifications: HUMANITARIAN_JUSTIFICATIONS,
    });
    const aggregated = viaAggregates(cases, humanitarian, options);
    expect(aggregated).toEqual(recount);
    expect(aggregated.total).toBe(13);
  });

  it("on 1,200 synthetic cases, monthly and annual, at two instants, in Bamako and in Paris (DST)", () => {
    const cases = Array.from({ length: 1200 }, (_, i) => {
      const c = syntheticCase(i, 1200);
      // Variety the generator lacks: untriaged, unknown categories, unreachable, recorded overdue, answers.
      if (i % 17 === 0) c.category = null;
      if (i % 23 === 0) c.category = "removed-category";
      if (i % 13 === 0) c.reachable = false;
      if (i % 19 === 0) c.overdue = ["respond"];
      if (i % 11 === 0 && c.status === "closed") c.satisfaction = { score: (i % 5) + 1, at: c.receivedAt };
      return c;
    });
    for (const config of [humanitarian, training])
      for (const now of ["2026-12-20T08:00:00.000Z", "2026-06-01T00:00:00.000Z"])
        for (const [kind, from, to] of [
          ["monthly", "2026-03-01", "2026-03-31"],
          ["annual", "2026-01-01", "2026-12-31"],
        ] as const) {
          const recount = computeReport(cases, {
            from,
            to,
            kind,
            now,
            config,
            previous: cases,
            open: cases,
            justifications: HUMANITARIAN_JUSTIFICATIONS,
          });
          const aggregated = viaAggregates(cases, config, { from, to, kind, now });
          expect(aggregated, `${config.organisation.timeZone} ${kind} at ${now}`).toEqual(recount);
          expect(recount.pendingTotal + recount.late.total).toBeGreaterThan(0);
        }
  }, 120_000);
});

describe("counter names", () => {
  it("spell the untriaged category apart from any category id", () => {
    expect(counter.category(null, "n")).toBe("cat.~.n");
    expect(sumTallies([{ a: 1 }, { a: -1, b: 2 }])).toEqual({ b: 2 });
  });
});

describe("day items: what grows with the cases lives apart, so a write stays small (DynamoDB bills by item size)", () => {
  it("spreads duration bins over 4 histogram items per step, deadline-day counters in their own, the rest in the counters item", () => {
    expect(itemOf("t.respond.107")).toBe("respond#3");
    expect(itemOf("t.acknowledge.84")).toBe("acknowledge#0");
    expect(itemOf("due.2026-03-10.r11.respond.done")).toBe("due");
    expect(itemOf("status.closed")).toBeUndefined();
    expect(itemOf("cat.programme.n")).toBeUndefined();
  });

  it("bins durations on a fixed scale: 5 minutes under an hour, then within ±2.2 % (medians exact to the bin)", () => {
    expect(durationBin(0)).toBe(0);
    expect(durationBin(59 * 60_000)).toBe(11);
    expect(durationBin(3_600_000)).toBe(12);
    for (const ms of [3_600_000, 86_400_000, 20 * 86_400_000, 63 * 86_400_000, 700 * 86_400_000]) {
      const value = binValue(durationBin(ms));
      expect(Math.abs(value - ms) / ms).toBeLessThan(0.022);
    }
    // Two years fit in about 240 bins: a day item holds a bounded number of them whatever the cases.
    expect(durationBin(730 * 86_400_000)).toBeLessThan(240);
  });

  it("keeps every item of a day of 1,000 cases small: counters under 3 KB, the others under 4 KB", () => {
    const perYear = 365_000;
    const first = Math.floor((perYear * 68) / 365);
    const cases = Array.from({ length: 3000 }, (_, i) => syntheticCase(first + i, perYear)).filter((c) =>
      c.receivedAt.startsWith("2026-03-10"),
    );
    expect(cases.length).toBeGreaterThan(900);
    const tally = storedByDay(cases, "Africa/Bamako").get("2026-03-10") ?? {};
    const updates = aggregateUpdate("t", "Africa/Bamako", "2026-03-10", tally, {
      add: cases.filter(lateAtRest).map((c) => c.reference),
    });
    // An item's size, as DynamoDB counts it: attribute names plus values (a number: about a byte per two digits).
    const sizes = updates.map((u) => {
      const names = Object.values(u.Update?.ExpressionAttributeNames ?? {});
      const values = Object.values(u.Update?.ExpressionAttributeValues ?? {});
      const bytes =
        names.reduce((sum, n) => sum + Buffer.byteLength(n), 0) +
        values.reduce<number>(
          (sum, v) =>
            sum +
            (v instanceof Set
              ? [...v].reduce((a, r) => a + Buffer.byteLength(String(r)), 0)
              : String(v).length / 2 + 1),
          0,
        );
      return { sk: u.Update?.Key?.sk as string, bytes };
    });
    expect(sizes.find((s) => s.sk === "DAY#2026-03-10")!.bytes).toBeLessThan(3 * 1024);
    for (const { sk, bytes } of sizes) expect(bytes, sk).toBeLessThan(4 * 1024);
    expect(sizes.length).toBeGreaterThan(8);
  });
});
