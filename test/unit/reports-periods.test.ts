// Report periods in the organisation's time zone (R-3, R-5, H-G1, T-14).
import { describe, expect, it } from "vitest";
import {
  buckets,
  InvalidPeriodError,
  makePeriod,
  previousPeriod,
  scheduledPeriod,
} from "../../functions/reports/periods.ts";

const PARIS = "Europe/Paris";

describe("scheduledPeriod", () => {
  it("monthly: the previous calendar month, bounds in local time across the spring DST change", () => {
    const p = scheduledPeriod("monthly", new Date("2026-04-01T05:00:00Z"), PARIS);
    expect(p).toEqual({
      kind: "monthly",
      from: "2026-03-01",
      to: "2026-03-31",
      key: "2026-03",
      start: "2026-02-28T23:00:00.000Z",
      end: "2026-03-31T22:00:00.000Z",
    });
  });

  it("uses the local date: 00:30 on 1 January in Paris is still 31 December in UTC", () => {
    const now = new Date("2025-12-31T23:30:00Z");
    expect(scheduledPeriod("monthly", now, PARIS).key).toBe("2025-12");
    expect(scheduledPeriod("quarterly", now, PARIS)).toMatchObject({
      key: "2025-Q4",
      from: "2025-10-01",
      to: "2025-12-31",
    });
    expect(scheduledPeriod("annual", now, PARIS)).toMatchObject({
      key: "2025",
      from: "2025-01-01",
      to: "2025-12-31",
    });
    expect(scheduledPeriod("monthly", now, "UTC").key).toBe("2025-11");
  });

  it("H-G1 quarterly and T-14 annual", () => {
    expect(scheduledPeriod("quarterly", new Date("2026-07-01T07:00:00Z"), "Africa/Bamako")).toMatchObject({
      key: "2026-Q2",
      from: "2026-04-01",
      to: "2026-06-30",
    });
    expect(scheduledPeriod("annual", new Date("2026-01-15T07:00:00Z"), PARIS)).toMatchObject({ key: "2025" });
  });

  it("R-5 weekly pending: the 7 days before today, keyed by ISO week (once per week)", () => {
    const monday = scheduledPeriod("weekly-pending", new Date("2026-03-02T07:00:00Z"), PARIS);
    expect(monday).toMatchObject({ from: "2026-02-23", to: "2026-03-01", key: "2026-W10" });
    const retriedLater = scheduledPeriod("weekly-pending", new Date("2026-03-02T16:00:00Z"), PARIS);
    expect(retriedLater.key).toBe(monday.key);
  });
});

describe("previousPeriod", () => {
  it("a whole-month period steps back by as many months; other periods by as many days", () => {
    const q1 = makePeriod("custom", "2026-01-01", "2026-03-31", PARIS);
    expect(previousPeriod(q1, PARIS)).toMatchObject({ from: "2025-10-01", to: "2025-12-31" });
    const feb = makePeriod("monthly", "2026-02-01", "2026-02-28", PARIS, "2026-02");
    expect(previousPeriod(feb, PARIS)).toMatchObject({
      from: "2026-01-01",
      to: "2026-01-31",
      key: "2026-01",
    });
    const tenDays = makePeriod("custom", "2026-03-05", "2026-03-14", PARIS);
    expect(previousPeriod(tenDays, PARIS)).toMatchObject({ from: "2026-02-23", to: "2026-03-04" });
  });
});

describe("makePeriod", () => {
  it("rejects impossible dates and reversed periods", () => {
    expect(() => makePeriod("custom", "2026-02-30", "2026-03-01", PARIS)).toThrow(InvalidPeriodError);
    expect(() => makePeriod("custom", "2026-03-02", "2026-03-01", PARIS)).toThrow(/before it starts/);
    expect(() => makePeriod("custom", "01/03/2026", "2026-03-01", PARIS)).toThrow(/YYYY-MM-DD/);
  });
});

describe("buckets", () => {
  it("days up to 14 days, ISO weeks up to 62, months beyond", () => {
    const week = buckets(makePeriod("custom", "2026-03-02", "2026-03-08", PARIS), PARIS);
    expect(week.map((b) => b.label)).toEqual([
      "2026-03-02",
      "2026-03-03",
      "2026-03-04",
      "2026-03-05",
      "2026-03-06",
      "2026-03-07",
      "2026-03-08",
    ]);
    const march = buckets(makePeriod("monthly", "2026-03-01", "2026-03-31", PARIS), PARIS);
    expect(march.map((b) => [b.label, b.from, b.to])).toEqual([
      ["2026-W09", "2026-03-01", "2026-03-01"],
      ["2026-W10", "2026-03-02", "2026-03-08"],
      ["2026-W11", "2026-03-09", "2026-03-15"],
      ["2026-W12", "2026-03-16", "2026-03-22"],
      ["2026-W13", "2026-03-23", "2026-03-29"],
      ["2026-W14", "2026-03-30", "2026-03-31"],
    ]);
    const year = buckets(makePeriod("annual", "2025-01-01", "2025-12-31", PARIS), PARIS);
    expect(year).toHaveLength(12);
    expect(year[2]).toMatchObject({
      label: "2025-03",
      start: "2025-02-28T23:00:00.000Z",
      end: "2025-03-31T22:00:00.000Z",
    });
  });
});
