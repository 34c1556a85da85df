// How a report reads the table: one byPeriod query per month partition, covering the period exactly.
import { describe, expect, it } from "vitest";
import type { CaseRecord } from "../../functions/domain/complaint.ts";
import { receivedInPeriod } from "../../functions/reports/load.ts";

function fakeStore() {
  const calls: Array<[string, string]> = [];
  return {
    calls,
    receivedBetween: async (from: string, to: string): Promise<CaseRecord[]> => {
      calls.push([from, to]);
      return [{ reference: `${from}|${to}` } as CaseRecord];
    },
  };
}

describe("receivedInPeriod", () => {
  it("splits a local-time period at UTC month starts, one query per month partition", async () => {
    const store = fakeStore();
    // Q1 2026 in Paris: 2025-12-31T23:00Z to 2026-03-31T22:00Z.
    const cases = await receivedInPeriod(store, "2025-12-31T23:00:00.000Z", "2026-03-31T22:00:00.000Z");
    expect(store.calls).toEqual([
      ["2025-12-31T23:00:00.000Z", "2026-01-01T00:00:00.000Z"],
      ["2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z"],
      ["2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z"],
      ["2026-03-01T00:00:00.000Z", "2026-03-31T22:00:00.000Z"],
    ]);
    expect(cases).toHaveLength(4);
  });

  it("makes one query for a period inside one month", async () => {
    const store = fakeStore();
    await receivedInPeriod(store, "2026-03-02T00:00:00.000Z", "2026-03-09T00:00:00.000Z");
    expect(store.calls).toEqual([["2026-03-02T00:00:00.000Z", "2026-03-09T00:00:00.000Z"]]);
  });

  it("ends exactly at a month start without an empty extra query", async () => {
    const store = fakeStore();
    await receivedInPeriod(store, "2026-01-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z");
    expect(store.calls).toEqual([
      ["2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z"],
      ["2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z"],
    ]);
  });
});
