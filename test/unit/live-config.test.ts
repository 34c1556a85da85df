// Issue 12: the live part of the config (what a push changes without a deploy), its overlay on the deployed
// config checked by the same checker as a config file, a case's pinned calendar, and the Lambdas' cache.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfigText, type OrgConfig } from "../../functions/domain/config.ts";
import { deadlineAfter } from "../../functions/domain/deadlines.ts";
import {
  caseConfig,
  type LiveConfig,
  liveDigest,
  liveOf,
  overlay,
  pinCalendar,
  structuralChanges,
} from "../../functions/domain/live-config.ts";
import { LiveConfigCache } from "../../functions/lib/live-config.ts";
import { recordedMetrics } from "../../functions/lib/metrics.ts";
import type { StoredConfig } from "../../functions/store/config-store.ts";

process.env.CFM_METRICS = "memory"; // what an alarm would see, kept in memory

const load = (file: string): OrgConfig => loadConfigText(readFileSync(file, "utf8"), file);
const H = load("config/humanitarian.example.yaml");
const T = load("config/training-provider.example.yaml");

const newcomer = {
  address: "nadia@example.org",
  name: "Nadia Benali",
  roles: ["complaints-handler"],
  management: false,
};

function stored(live: LiveConfig, version: number): StoredConfig {
  return {
    version,
    digest: liveDigest(live),
    pushedAt: "2026-03-02T09:00:00.000Z",
    pushedBy: "test",
    source: "x",
    live,
  };
}

describe("live config overlay", () => {
  it("gives back the deployed config when the live part is the deployed one", () => {
    const result = overlay(T, liveOf(T));
    expect(result).toEqual({ ok: true, config: T });
  });

  it("lays the pushed staff, calendar, reminders and report recipients over the deployed procedure", () => {
    const live: LiveConfig = {
      ...liveOf(T),
      staff: [newcomer, ...T.staff],
      holidays: [...T.organisation.holidays, "2026-03-04"],
      escalation: { ...T.escalation, maxReminders: 3 },
      reports: [{ kind: "monthly", to: ["nadia@example.org"] }],
    };
    const result = overlay(T, live);
    if (!result.ok) throw new Error(result.problems.join("\n"));
    expect(result.config.staff[0]?.address).toBe("nadia@example.org");
    expect(result.config.organisation.holidays).toContain("2026-03-04");
    expect(result.config.escalation.maxReminders).toBe(3);
    // Schedules stay deployed; each takes the pushed recipients of its kind, or keeps its own.
    expect(result.config.reports.map((r) => [r.kind, r.schedule, r.to])).toEqual(
      T.reports.map((r) => [r.kind, r.schedule, r.kind === "monthly" ? ["nadia@example.org"] : r.to]),
    );
    // The structure is the deployed one.
    expect(result.config.deadlines).toEqual(T.deadlines);
    expect(result.config.categories).toEqual(T.categories);
  });

  it("refuses a live part that does not fit the deployed procedure, with the checker's messages", () => {
    // Procedure H's directory on procedure T's structure: nobody holds T's roles any more, and H's roles are unknown.
    const result = overlay(T, liveOf(H));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContain(
      'staff.3.roles.0: unknown role "programme-officer" (declare it under roles)',
    );
    const withoutHandler = overlay(T, {
      ...liveOf(T),
      staff: T.staff.filter((s) => !s.roles.includes("complaints-handler")),
    });
    expect(withoutHandler.ok ? [] : withoutHandler.problems).toContain(
      'steps.investigation: the investigation step is routed to role "complaints-handler", which nobody in staff holds',
    );
  });

  it("names the sections a push does not apply (they need a deploy), and only those", () => {
    const edited: OrgConfig = {
      ...T,
      staff: [newcomer, ...T.staff],
      organisation: { ...T.organisation, holidays: [], name: "Autre nom" },
      deadlines: { ...T.deadlines, triage: { duration: "P5D", days: "working" } },
      reports: T.reports.map((r) => ({ ...r, to: ["nadia@example.org"] })),
    };
    expect(structuralChanges(T, edited)).toEqual(["deadlines", "organisation.name"]);
    expect(structuralChanges(T, T)).toEqual([]);
  });

  it("gives one digest to one content, whatever the key order", () => {
    const live = liveOf(T);
    const reordered = Object.fromEntries(Object.entries(live).reverse()) as LiveConfig;
    expect(liveDigest(reordered)).toBe(liveDigest(live));
    expect(liveDigest({ ...live, holidays: [...live.holidays, "2026-03-04"] })).not.toBe(liveDigest(live));
  });
});

describe("a case's calendar", () => {
  it("keeps the holidays from its receipt on, and its deadlines are counted on them", () => {
    const pinned = pinCalendar(T, 2, "2026-03-02T09:00:00.000Z");
    expect(pinned).toMatchObject({ version: 2, workingDays: ["mon", "tue", "wed", "thu", "fri"] });
    expect(pinned.holidays).not.toContain("2026-01-01");
    expect(pinned.holidays).toContain("2026-04-06");
    const later: OrgConfig = { ...T, organisation: { ...T.organisation, holidays: ["2026-03-04"] } };
    const rule = { duration: "P2D", days: "working" as const };
    // Counted on the current calendar, the holiday moves the deadline; on the case's, it does not.
    expect(deadlineAfter(later, "2026-03-02T09:00:00.000Z", rule).slice(0, 10)).toBe("2026-03-05");
    expect(
      deadlineAfter(caseConfig(later, { calendar: pinned }), "2026-03-02T09:00:00.000Z", rule).slice(0, 10),
    ).toBe("2026-03-04");
    // A case received before calendars were pinned counts on the current one.
    expect(caseConfig(later, {})).toBe(later);
  });
});

describe("the functions' live config cache", () => {
  const live1: LiveConfig = { ...liveOf(T), staff: [newcomer, ...T.staff] };

  it("reads at most once per cache period, and takes a new version after it", async () => {
    let now = 0;
    let reads = 0;
    let item: StoredConfig | null = null;
    const cache = new LiveConfigCache(
      T,
      async () => {
        reads += 1;
        return item;
      },
      { ttlMs: 60_000, clock: () => now },
    );
    await cache.refresh();
    expect([cache.version, reads]).toEqual([0, 1]);
    expect(cache.config).toBe(T);
    item = stored(live1, 1);
    now = 59_000;
    await Promise.all([cache.refresh(), cache.refresh()]);
    expect([cache.version, reads]).toEqual([0, 1]);
    now = 60_000;
    await Promise.all([cache.refresh(), cache.refresh()]);
    expect([cache.version, reads]).toEqual([1, 2]);
    expect(cache.config.staff[0]?.address).toBe("nadia@example.org");
    await cache.refresh(true);
    expect(reads).toBe(3);
  });

  it("keeps the last good version when a push does not fit the deployed procedure, and says so once", async () => {
    let now = 0;
    let item: StoredConfig | null = stored(live1, 1);
    const cache = new LiveConfigCache(T, async () => item, { ttlMs: 1000, clock: () => now });
    await cache.refresh();
    expect(cache.version).toBe(1);
    const before = recordedMetrics().filter((m) => m.name === "ConfigRejected").length;
    item = stored(liveOf(H), 2);
    now = 5000;
    await cache.refresh();
    now = 10_000;
    await cache.refresh();
    expect(cache.version).toBe(1);
    expect(cache.config.staff[0]?.address).toBe("nadia@example.org");
    expect(recordedMetrics().filter((m) => m.name === "ConfigRejected").length).toBe(before + 1);
  });

  it("keeps the version in force when the table cannot be read, and tries again at the next invocation", async () => {
    let fail = false;
    let reads = 0;
    const cache = new LiveConfigCache(
      T,
      async () => {
        reads += 1;
        if (fail)
          throw Object.assign(new Error("throttled"), { name: "ProvisionedThroughputExceededException" });
        return stored(live1, 1);
      },
      { ttlMs: 0 },
    );
    await cache.refresh();
    fail = true;
    await cache.refresh();
    expect(cache.version).toBe(1);
    fail = false;
    await cache.refresh();
    expect([cache.version, reads]).toEqual([1, 3]);
  });
});
