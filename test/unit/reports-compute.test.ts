// Report figures (R-5, R-6, R-11, H-G1, T-13, T-14) against hand-computed expectations on the fixtures in
// test/events/reports/cases.ts. Every expected number below was worked out by hand from the fixture's
// comments, not by running the code.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CaseRecord } from "../../functions/domain/complaint.ts";
import { loadConfigText } from "../../functions/domain/config.ts";
import { deadlineAfter, respondRule } from "../../functions/domain/deadlines.ts";
import {
  computeReport,
  loopIndicators,
  medianAndP90,
  suppressGroup,
} from "../../functions/reports/compute.ts";
import { caseRecord } from "../events/case-record.ts";
import {
  HUMANITARIAN,
  HUMANITARIAN_JUSTIFICATIONS,
  HUMANITARIAN_NOW,
  PREVIOUS,
  TRAINING,
  TRAINING_NOW,
} from "../events/reports/cases.ts";

const humanitarian = loadConfigText(readFileSync("config/humanitarian.example.yaml", "utf8"), "humanitarian");
const training = loadConfigText(readFileSync("config/training-provider.example.yaml", "utf8"), "training");

const q1 = (extra: Partial<Parameters<typeof computeReport>[1]> = {}) =>
  computeReport(HUMANITARIAN, {
    from: "2026-01-01",
    to: "2026-03-31",
    kind: "quarterly",
    key: "2026-Q1",
    config: humanitarian,
    now: HUMANITARIAN_NOW,
    previous: PREVIOUS,
    justifications: HUMANITARIAN_JUSTIFICATIONS,
    ...extra,
  });

describe("report fixtures", () => {
  it("carry the deadlines each config gives (calendar days for H, working days and holidays for T)", () => {
    for (const [config, cases] of [
      [humanitarian, [...HUMANITARIAN, ...PREVIOUS]],
      [training, TRAINING],
    ] as const) {
      for (const c of cases) {
        const d = config.deadlines;
        expect(c.deadlines.acknowledge, c.reference).toBe(deadlineAfter(config, c.receivedAt, d.acknowledge));
        expect(c.deadlines.triage, c.reference).toBe(deadlineAfter(config, c.receivedAt, d.triage));
        expect(c.deadlines.respond, c.reference).toBe(
          deadlineAfter(config, c.receivedAt, respondRule(config, c.severity)),
        );
        if (d.contact)
          expect(c.deadlines.contact, c.reference).toBe(deadlineAfter(config, c.receivedAt, d.contact));
        if (d.writtenNotice)
          expect(c.deadlines.writtenNotice, c.reference).toBe(
            deadlineAfter(config, c.receivedAt, d.writtenNotice),
          );
      }
    }
  });

  it("T-2, T-5: the working-day deadlines skip 1, 8 and 14 May 2026 (hand-checked)", () => {
    const t1 = TRAINING.find((c) => c.reference === "CFM-2026-000101");
    const t3 = TRAINING.find((c) => c.reference === "CFM-2026-000103");
    expect(t1?.deadlines.acknowledge).toBe("2026-05-11T08:00:00.000Z");
    expect(t1?.deadlines.respond).toBe("2026-05-19T08:00:00.000Z");
    expect(t3?.deadlines.acknowledge).toBe("2026-05-21T08:00:00.000Z");
  });
});

describe("computeReport: procedure H, Q1 2026", () => {
  it("counts the cases received in the period only, by local date of receipt", () => {
    const report = q1();
    expect(report.total).toBe(13);
    expect(report.period).toMatchObject({ from: "2026-01-01", to: "2026-03-31", key: "2026-Q1" });
    expect(report.previousPeriod).toMatchObject({ from: "2025-10-01", to: "2025-12-31", key: "2025-Q4" });
  });

  it("R-6: counts by kind, channel, severity, status and closure", () => {
    const { counts } = q1();
    expect(counts.kind).toEqual({ complaint: 10, suggestion: 1, "information-request": 1, positive: 1 });
    expect(counts.channel).toEqual({
      email: 6,
      web: 0,
      letter: 1,
      phone: 2,
      "in-person": 2,
      "suggestion-box": 1,
      hotline: 1,
      "staff-report": 0,
      sms: 0,
      whatsapp: 0,
      kobo: 0,
    });
    expect(counts.severity).toEqual({ high: 3, medium: 4, low: 5, none: 1 });
    expect(counts.status).toEqual({
      received: 1,
      acknowledged: 0,
      triage: 0,
      assigned: 1,
      investigating: 3,
      responded: 1,
      appeal: 0,
      closed: 7,
    });
    expect(counts.closure).toEqual({
      resolved: 3,
      referred: 2,
      inadmissible: 0,
      "no-response": 0,
      "appeal-decided": 2,
      open: 6,
    });
  });

  it("R-11: the share met per deadline among decided ones (an open step past its deadline is missed), and its change since Q4 2025", () => {
    const { r11 } = q1();
    expect(r11.steps.acknowledge).toMatchObject({
      met: 11,
      completed: 12,
      previous: { met: 4, completed: 5 },
    });
    expect(r11.steps.acknowledge.share).toBeCloseTo(11 / 12, 10);
    expect(r11.steps.acknowledge.change).toBe(11.7); // 91.67 % - 80 %
    // Contact: H6 (assigned, contact deadline 16 March passed, not contacted) counts as missed: 7 of 10.
    expect(r11.steps.contact).toMatchObject({ met: 7, completed: 10, change: -5 }); // 70 % - 75 %
    // Respond: H5 and H12, still investigating past their 6 weeks, are missed: 5 of 10; Q4 2025's P5 too: 3 of 5.
    expect(r11.steps.respond).toMatchObject({ met: 5, completed: 10, share: 0.5, change: -10 });
    expect(r11.steps.respond.previous).toEqual({ met: 3, completed: 5, share: 0.6 });
    expect(r11.steps.appealDecision).toMatchObject({ met: 1, completed: 2, share: 0.5, change: null });
    expect(r11.steps.appealDecision.previous).toEqual({ met: 0, completed: 0, share: null });
  });

  it("R-11 overall: a case is within the deadlines when every decided deadline was met", () => {
    const { r11 } = q1();
    // H1, H3, H4, H7, H9 of the 12 with a decided deadline (H8's are all still running; H6's contact is
    // past); Q4 2025: P1, P4 of 5 (P5 is past its response deadline).
    expect(r11.overall).toMatchObject({ met: 5, completed: 12, change: 1.7 });
    expect(r11.overall.share).toBeCloseTo(5 / 12, 10);
    expect(r11.overall.previous).toEqual({ met: 2, completed: 5, share: 0.4 });
    expect(r11.series.map((b) => [b.label, b.met, b.completed])).toEqual([
      ["2026-01", 2, 6],
      ["2026-02", 2, 4],
      ["2026-03", 1, 2],
    ]);
  });

  it("R-11 (issue 14): an open case 29 and 68 days past its deadlines is not reported as within them", () => {
    const open = HUMANITARIAN.find((c) => c.reference === "CFM-2026-000012")!;
    const report = q1({ previous: undefined });
    const without = computeReport(
      HUMANITARIAN.filter((c) => c !== open),
      {
        from: "2026-01-01",
        to: "2026-03-31",
        kind: "quarterly",
        key: "2026-Q1",
        config: humanitarian,
        now: HUMANITARIAN_NOW,
      },
    );
    // Adding a case that is late everywhere lowers the share; it never raises it or leaves it out.
    expect(report.r11.overall.completed).toBe(without.r11.overall.completed + 1);
    expect(report.r11.overall.met).toBe(without.r11.overall.met);
    expect(report.r11.steps.respond.completed).toBe(without.r11.steps.respond.completed + 1);
  });

  it("R-11 (issue 14): an acknowledgement never sent (the complainant cannot be written to) is not counted as met", () => {
    const unreachable = HUMANITARIAN.map((c) =>
      c.reference === "CFM-2026-000001" ? { ...c, reachable: false } : c,
    );
    const report = computeReport(unreachable, {
      from: "2026-01-01",
      to: "2026-03-31",
      kind: "quarterly",
      key: "2026-Q1",
      config: humanitarian,
      now: HUMANITARIAN_NOW,
    });
    expect(report.r11.steps.acknowledge).toMatchObject({ met: 10, completed: 11 });
    // ... and the report says how many were left out (they are not hidden in the share).
    expect(report.r11.acknowledgementsNotSent).toBe(1);
    expect(q1().r11.acknowledgementsNotSent).toBe(0);
  });

  it("gives no trend without the previous period", () => {
    const report = q1({ previous: undefined });
    expect(report.previousPeriod).toBeNull();
    expect(report.r11.overall.previous).toBeNull();
    expect(report.r11.overall.change).toBeNull();
  });

  it("times to acknowledge and to respond: median and 90th percentile (nearest rank), in days", () => {
    const { timings } = q1();
    expect(timings.available).toBe(true);
    // Exact to the duration bin (issue 18: report-tally.ts durationBin, within ±2.2 %):
    // 1/24, 1/8, 1 ×7, 2, 3, 8 → median (1 + 1) / 2, p90 the 11th of 12.
    expect(timings.acknowledge).toEqual({ count: 12, medianDays: 1.01, p90Days: 2.97 });
    // 3, 28, 32, 36, 39, 44, 46, 49 → median (36 + 39) / 2, p90 the 8th of 8.
    const { count, medianDays, p90Days } = timings.respond;
    expect(count).toBe(8);
    expect(Math.abs((medianDays ?? 0) - 37.5) / 37.5).toBeLessThan(0.022);
    expect(Math.abs((p90Days ?? 0) - 49) / 49).toBeLessThan(0.022);
  });

  it("reports the times as unavailable when the records carry no completion instants", () => {
    const report = computeReport(
      HUMANITARIAN.map(({ completedAt: _c, ...rest }) => rest),
      { from: "2026-01-01", to: "2026-03-31", kind: "custom", config: humanitarian, now: HUMANITARIAN_NOW },
    );
    expect(report.timings).toEqual({
      available: false,
      acknowledge: { count: 0, medianDays: null, p90Days: null },
      respond: { count: 0, medianDays: null, p90Days: null },
    });
  });

  it("R-5: the pending list holds open cases past a staff deadline, earliest first; sensitive: reference and step only", () => {
    const { pending } = q1();
    expect(pending).toEqual([
      { reference: "CFM-2026-000006", sensitive: true, steps: ["contact"] },
      {
        reference: "CFM-2026-000012",
        sensitive: false,
        steps: ["respond"],
        deadline: "2026-03-16T15:00:00.000Z",
        daysOverdue: 16,
        assignee: "handler@example.org",
        category: "programme",
        status: "investigating",
      },
      { reference: "CFM-2026-000005", sensitive: true, steps: ["respond"] },
      // Issue 18: a case open past its appeal window (the workflow closes it then: this one is stuck) is
      // listed too, so that the list holds what its total counts (every open case past its next deadline).
      {
        reference: "CFM-2026-000002",
        sensitive: false,
        steps: ["appealWindowEnds"],
        deadline: "2026-04-01T10:00:00.000Z",
        daysOverdue: 1,
        assignee: "programme@example.org",
        category: "programme",
        status: "responded",
      },
    ]);
  });

  it("R-5: with the open cases of the byDeadline index, older overdue cases join the list", () => {
    const open = [...HUMANITARIAN, ...PREVIOUS].filter((c) => c.status !== "closed");
    const { pending } = q1({ open });
    expect(pending.map((p) => [p.reference, p.daysOverdue ?? null])).toEqual([
      ["CFM-2025-000105", 61],
      ["CFM-2026-000006", null],
      ["CFM-2026-000012", 16],
      ["CFM-2026-000005", null],
      ["CFM-2026-000002", 1],
    ]);
  });

  it("appeals filed and their outcomes, and referrals (H-C3 (e))", () => {
    const report = q1();
    expect(report.appeals).toEqual({ filed: 2, decided: 2, upheld: 1, revised: 1, open: 0, extended: 0 });
    expect(report.referrals).toEqual({ total: 2, closed: 2 });
  });

  it("T-13: late cases, with whether a justification was recorded; the text only on request and never for a sensitive case", () => {
    const report = q1({ includeJustificationText: true });
    expect(report.late).toMatchObject({ total: 5, justified: 2, unjustified: 1, awaiting: 2 });
    // Earliest received first (issue 18: the report holds the first page).
    expect(report.late.rows).toEqual([
      { reference: "CFM-2026-000011", sensitive: true, justified: true, responded: true },
      {
        reference: "CFM-2026-000013",
        sensitive: false,
        justified: false,
        responded: true,
        deadline: "2026-02-23T09:00:00.000Z",
        respondedAt: "2026-02-25T09:00:00.000Z",
        daysLate: 2,
        category: "out-of-scope",
        justification: null,
      },
      {
        reference: "CFM-2026-000002",
        sensitive: false,
        justified: true,
        responded: true,
        deadline: "2026-02-23T10:00:00.000Z",
        respondedAt: "2026-03-02T10:00:00.000Z",
        daysLate: 7,
        category: "programme",
        justification: HUMANITARIAN_JUSTIFICATIONS.get("CFM-2026-000002"),
      },
      {
        reference: "CFM-2026-000012",
        sensitive: false,
        justified: false,
        responded: false,
        deadline: "2026-03-16T15:00:00.000Z",
        respondedAt: null,
        daysLate: 16,
        category: "programme",
        justification: null,
      },
      { reference: "CFM-2026-000005", sensitive: true, justified: false, responded: false },
    ]);
    expect(JSON.stringify(report)).not.toContain("Témoin indisponible");
    expect(JSON.stringify(q1())).not.toContain("Enquêteur en congé");
  });

  it("T-13: without the content records, the 'late' flag stands for a recorded justification", () => {
    const report = q1({ justifications: undefined });
    expect(report.late).toMatchObject({ total: 5, justified: 2, unjustified: 1, awaiting: 2 });
  });

  it("H-D1: sensitive categories as counts only; category cells of 1 or 2 shown as <3", () => {
    const rows = q1().categories;
    expect(rows.map((r) => [r.id, r.sensitive, r.total])).toEqual([
      ["programme", false, 7],
      ["sexual-exploitation-abuse", true, "<3"],
      ["fraud", true, "<3"],
      ["misconduct", true, "<3"],
      ["out-of-scope", false, "<3"],
      [null, false, "<3"],
    ]);
    for (const row of rows.filter((r) => r.sensitive)) expect(row.breakdown).toBeUndefined();
    // programme: open 3 / closed 4; high 2, medium 3, low 2; 1 overdue (H12); responses 4 on time, 1 late:
    // the single hidden "1" gets its complement hidden ("x"), so 7 - 4 cannot give it back.
    expect(rows[0]?.breakdown).toEqual({
      open: 3,
      closed: 4,
      severity: { high: "<3", medium: 3, low: "<3" },
      overdue: "<3",
      respondMet: "x",
      respondMissed: "<3",
      respondShare: null,
    });
    // out-of-scope (total hidden itself): 2 closed, both low; responses 1 on time (H4), 1 late (H13).
    expect(rows[4]?.breakdown).toEqual({
      open: 0,
      closed: "<3",
      severity: { high: 0, medium: 0, low: "<3" },
      overdue: 0,
      respondMet: "<3",
      respondMissed: "<3",
      respondShare: null,
    });
  });
});

describe("small-cell suppression", () => {
  it("hides 1 and 2, never 0 or 3", () => {
    expect(suppressGroup([0, 1, 2, 3], false)).toEqual([0, "<3", "<3", 3]);
  });

  it("hides the smallest other non-zero cell when only one is hidden and the total is shown", () => {
    expect(suppressGroup([1, 9, 5])).toEqual(["<3", 9, "x"]);
    expect(suppressGroup([2, 0, 7])).toEqual(["<3", 0, "x"]);
    expect(suppressGroup([1, 2, 5])).toEqual(["<3", "<3", 5]);
  });

  it("hides a second category total when only one is small, preferring a sensitive category", () => {
    const base = HUMANITARIAN.filter((c) => c.category === "programme"); // 7
    const sea = HUMANITARIAN.find((c) => c.reference === "CFM-2026-000005")!;
    const sensitive = Array.from({ length: 4 }, (_, i) => ({
      ...sea,
      reference: `CFM-2026-0001${10 + i}`,
    }));
    const referral = HUMANITARIAN.find((c) => c.reference === "CFM-2026-000004")!;
    const report = computeReport([...base, ...sensitive, referral], {
      from: "2026-01-01",
      to: "2026-03-31",
      kind: "custom",
      config: humanitarian,
      now: HUMANITARIAN_NOW,
    });
    expect(report.categories.map((r) => [r.id, r.total])).toEqual([
      ["programme", 7],
      ["sexual-exploitation-abuse", "x"],
      ["fraud", 0],
      ["misconduct", 0],
      ["out-of-scope", "<3"],
    ]);
  });
});

describe("computeReport: procedure T, April-May 2026 (Europe/Paris, working days)", () => {
  const report = computeReport(TRAINING, {
    from: "2026-04-01",
    to: "2026-05-31",
    kind: "custom",
    config: training,
    now: TRAINING_NOW,
  });

  it("assigns cases to the period by the local date in Paris", () => {
    expect(report.total).toBe(4);
    expect(report.period.start).toBe("2026-03-31T22:00:00.000Z");
    expect(report.period.end).toBe("2026-05-31T22:00:00.000Z");
  });

  it("R-5: an untouched case is pending on triage, written notice and acknowledgement; the working-day deadline across Ascension is not yet past", () => {
    expect(report.pending).toEqual([
      {
        reference: "CFM-2026-000102",
        sensitive: false,
        steps: ["triage", "writtenNotice", "acknowledge"],
        deadline: "2026-05-13T08:00:00.000Z",
        daysOverdue: 7,
        assignee: "officer@example.org",
        category: null,
        status: "received",
      },
    ]);
  });

  it("R-11: the acknowledgement 8 calendar days after receipt met its 5-working-day deadline", () => {
    // T102's acknowledgement, still not sent past its 5 working days (18 May, after Ascension), is missed.
    expect(report.r11.steps.acknowledge).toMatchObject({ met: 2, completed: 3 });
    expect(report.r11.steps.respond).toMatchObject({ met: 2, completed: 2, share: 1 });
    // 61 days: one bar per ISO week, the first and last clipped to the period.
    expect(report.r11.series).toHaveLength(9);
    expect(report.r11.series[0]).toMatchObject({ label: "2026-W14", from: "2026-04-01", to: "2026-04-05" });
    expect(report.r11.series[8]).toMatchObject({ label: "2026-W22", from: "2026-05-25", to: "2026-05-31" });
  });
});

describe("medianAndP90", () => {
  it("handles one value, odd and even counts", () => {
    expect(medianAndP90([])).toEqual({ median: null, p90: null });
    expect(medianAndP90([4])).toEqual({ median: 4, p90: 4 });
    expect(medianAndP90([5, 1, 3])).toEqual({ median: 3, p90: 5 });
    expect(medianAndP90([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual({ median: 5.5, p90: 9 });
  });
});

describe("closing the loop (IFRC feedback kit, CHS commitment 5)", () => {
  const closed = (overrides: Partial<CaseRecord>): CaseRecord =>
    caseRecord({ status: "closed", closure: "resolved", closedAt: "2026-02-01T10:00:00.000Z", ...overrides });

  it("the satisfaction rate, its response rate and the share of outcomes communicated, over closed cases", () => {
    const cases = [
      closed({
        reference: "CFM-2026-000001",
        reachable: true,
        satisfaction: { score: 5, at: "2026-02-02T10:00:00.000Z" },
      }),
      closed({ reference: "CFM-2026-000002", reachable: true }),
      closed({
        reference: "CFM-2026-000003",
        reachable: false,
        followUp: true,
        outcomeSeenAt: "2026-01-20T10:00:00.000Z",
        satisfaction: { score: 2, at: "2026-02-02T10:00:00.000Z" },
      }),
      // Anonymous by email, never told: neither asked nor communicated.
      closed({ reference: "CFM-2026-000004", reachable: false }),
      // Referred elsewhere: its own email, not the satisfaction question.
      closed({ reference: "CFM-2026-000005", reachable: true, closure: "referred" }),
      caseRecord({ reference: "CFM-2026-000006", status: "investigating", reachable: true }),
    ];

    expect(loopIndicators(cases)).toEqual({
      asked: 3,
      answered: 2,
      responseRate: 2 / 3,
      satisfied: 1,
      satisfactionRate: 0.5,
      averageScore: 3.5,
      closed: 5,
      communicated: 4,
      communicatedShare: 0.8,
    });
  });

  it("gives no rate without answers", () => {
    expect(loopIndicators([])).toMatchObject({
      responseRate: null,
      satisfactionRate: null,
      averageScore: null,
    });
  });
});
