// Issue 18 on DynamoDB Local: the report counters kept per local day in each change's own transaction (the AGG
// items) always equal a recount from the cases; cases written before the aggregates are recounted by the report
// until the backfill, which counts each of them once (idempotent); and a report read from the aggregates is the
// same report, in every format, as one recounted from the cases (R-3, R-5, R-11, T-13, T-14).
import { readFileSync } from "node:fs";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { syntheticCase } from "../../bench/reports.ts";
import { main } from "../../bin/cli.ts";
import type { CaseRecord } from "../../functions/domain/complaint.ts";
import { caseRecordSchema, emptyContent } from "../../functions/domain/complaint.ts";
import { loadConfigText } from "../../functions/domain/config.ts";
import { lateAtRest, nextDeadlineDay, storedByDay, type Tally } from "../../functions/domain/report-tally.ts";
import { logger } from "../../functions/lib/logger.ts";
import { backfillAggregates } from "../../functions/reports/backfill.ts";
import { LIST_PAGE, lateRows, pendingRows } from "../../functions/reports/compute.ts";
import { buildReport, type ReportRuntime, reportListPage } from "../../functions/reports/load.ts";
import { makePeriod } from "../../functions/reports/periods.ts";
import { renderCsv, renderHtmlSummary, renderXlsx } from "../../functions/reports/render.ts";
import { ComplaintStore, type NewCase } from "../../functions/store/complaint-store.ts";
import { caseRecord } from "../events/case-record.ts";
import { asStored, HUMANITARIAN, HUMANITARIAN_NOW, PREVIOUS } from "../events/reports/cases.ts";
import { batchPut, statusItem } from "../events/reports/seed.ts";
import { freshTable } from "../helpers/dynamo.ts";

const humanitarian = loadConfigText(readFileSync("config/humanitarian.example.yaml", "utf8"), "humanitarian");
const STORED_WITH_COMPLETED_AT = "completedAt" in caseRecordSchema.shape;
const now = () => new Date(HUMANITARIAN_NOW);
/** The report fixtures, as an older release wrote them: no counters, no mark. */
const seeded = () => asStored([...HUMANITARIAN, ...PREVIOUS], STORED_WITH_COMPLETED_AT);

function newCase(sourceId: string, receivedAt: string): NewCase {
  const { reference: _r, ...content } = emptyContent("CFM-2026-000000");
  const {
    reference: _ref,
    sourceId: _s,
    version: _v,
    updatedAt: _u,
    ...record
  } = caseRecord({
    receivedAt,
    deadlines: {
      triage: new Date(Date.parse(receivedAt) + 3 * 86_400_000).toISOString(),
      respond: new Date(Date.parse(receivedAt) + 42 * 86_400_000).toISOString(),
    },
  });
  return { sourceId, actor: "officer@example.org", record, content };
}

/** Every day item of the store's zone in [from, to], and the recount of the same cases, side by side. */
async function compare(store: ComplaintStore, references: readonly string[], from: string, to: string) {
  const records = (await store.records(references)) as CaseRecord[];
  // Frozen tallies and deadline-day counters (issue 18: storedTally), as the store keeps them.
  const recount = storedByDay(records, store.timeZone);
  const days = await store.aggregates().days(from, to);
  const stored = new Map<string, Tally>([...days].map(([day, d]) => [day, d.counters]));
  // A day whose cases all moved away keeps an item of zeroes: the same as no item.
  for (const [day, t] of stored) if (Object.values(t).every((v) => v === 0)) stored.delete(day);
  for (const t of stored.values()) for (const [k, v] of Object.entries(t)) if (v === 0) delete t[k];
  const late = [...days.values()].flatMap((d) => d.late).sort();
  const lateRecount = records
    .filter(lateAtRest)
    .map((r) => r.reference)
    .sort();
  return { stored, recount, late, lateRecount };
}

describe("day items kept in the cases' own transactions", () => {
  let store: ComplaintStore;
  beforeAll(async () => {
    const table = await freshTable("cfm-agg");
    // Paris: local days differ from UTC days, and 29 March 2026 is a DST change.
    store = new ComplaintStore(
      table.doc,
      table.tableName,
      () => new Date("2026-04-20T08:00:00Z"),
      "current",
      "Europe/Paris",
    );
  });

  it("equal a recount from the cases after creations, triage, closure, appeal, answers and a moved date", async () => {
    const created = await Promise.all(
      [
        "2026-03-28T22:30:00.000Z", // 28 March UTC, 28 March 23:30 in Paris
        "2026-03-28T23:30:00.000Z", // 29 March 00:30 in Paris (DST day)
        "2026-03-29T12:00:00.000Z",
        "2026-03-30T08:00:00.000Z",
      ].map((at, i) => store.create(newCase(`agg-${i}`, at))),
    );
    const refs = created.map((c) => c.reference);
    const [a, b, c, d] = refs as [string, string, string, string];
    await store.update(a, () => ({
      record: { status: "assigned", category: "programme", severity: "high", met: { triage: true } },
      event: { id: "triaged", type: "triaged", actor: "officer@example.org" },
    }));
    await store.update(b, () => ({
      record: { category: "fraud", sensitive: true, severity: "medium", met: { triage: false } },
    }));
    await store.update(c, (r) => ({
      record: {
        status: "closed",
        closure: "resolved",
        closedAt: "2026-04-10T08:00:00.000Z",
        met: { ...r.met, respond: false },
        completedAt: { respond: "2026-04-10T08:00:00.000Z" },
        flags: ["late"],
        satisfaction: { score: 5, at: "2026-04-11T08:00:00.000Z" },
      },
      event: { id: "closed", type: "closed", actor: "officer@example.org" },
    }));
    await store.update(c, () => ({
      record: { status: "investigating", closure: null, closedAt: null, appeals: 1 },
      event: { id: "appeal-filed", type: "appeal-filed", actor: "complainant" },
    }));
    // A receipt date corrected across days moves the case between two day items.
    await store.update(d, () => ({ record: { receivedAt: "2026-03-27T10:00:00.000Z" } }));
    // A bookkeeping change moves no counter.
    await store.update(a, () => ({ record: { reminders: { assign: 1 } } }));

    const { stored, recount, late, lateRecount } = await compare(store, refs, "2026-03-01", "2026-04-30");
    expect(stored).toEqual(recount);
    expect([...stored.keys()].sort()).toEqual(["2026-03-27", "2026-03-28", "2026-03-29"]);
    expect(late).toEqual(lateRecount);
    expect(late).toEqual([c]);
    // R-5's count: the open cases by local day of their next deadline, moved in the same transactions.
    const records = (await store.records(refs)) as CaseRecord[];
    for (const day of ["2026-03-31", "2026-04-01", "2026-05-15", "2100-01-01"])
      expect(await store.aggregates().openBefore(day), day).toBe(
        records.filter((r) => (nextDeadlineDay(r, store.timeZone) ?? "~") < day).length,
      );
  });

  it("stay exact when cases of the same day change at the same time (conflicting transactions retry)", async () => {
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        store.create(newCase(`same-day-${i}`, "2026-05-04T09:00:00.000Z")),
      ),
    );
    const refs = created.map((c) => c.reference);
    await Promise.all(
      refs.map((ref, i) =>
        store.update(ref, () => ({
          record: { status: "assigned", category: i % 2 ? "programme" : "fraud", severity: "low" },
          event: { id: "triaged", type: "triaged", actor: "officer@example.org" },
        })),
      ),
    );
    const { stored, recount } = await compare(store, refs, "2026-05-04", "2026-05-04");
    expect(stored).toEqual(recount);
    expect(stored.get("2026-05-04")).toMatchObject({ n: 12, "status.assigned": 12, "cat.fraud.n": 6 });
  }, 60_000);
});

describe("cases written before the aggregates: the recount, then the backfill", () => {
  let rt: ReportRuntime;
  let store: ComplaintStore;
  const q1 = () =>
    makePeriod("quarterly", "2026-01-01", "2026-03-31", humanitarian.organisation.timeZone, "2026-Q1");

  beforeAll(async () => {
    const table = await freshTable("cfm-agg-backfill");
    store = new ComplaintStore(
      table.doc,
      table.tableName,
      now,
      "current",
      humanitarian.organisation.timeZone,
    );
    rt = { config: humanitarian, store, now };
    // Written as an older release wrote them: no counters, no mark.
    await batchPut(table.doc, table.tableName, seeded().map(statusItem));
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("recounts from the cases, and says so in the log, while the aggregates are not ready", async () => {
    const warn = vi.spyOn(logger, "warn").mockImplementation(() => undefined);
    expect(await store.aggregates().ready()).toBe(false);
    const report = await buildReport(rt, q1());
    expect(report.total).toBe(13);
    expect(warn).toHaveBeenCalledWith(
      "report recounted from the cases: the aggregates are not ready in this time zone",
      expect.objectContaining({ period: "2026-Q1" }),
    );
  });

  it("counts each old case once, a case changed before the backfill included, and counts nothing on a second run", async () => {
    // An old case changed by the new release: its whole tally goes in with the change.
    const changed = seeded()[0]!.reference;
    await store.update(changed, () => ({ record: { reminders: { contact: 1 } } }));
    const first = await backfillAggregates(store, { now: now(), since: 2025 });
    expect(first).toMatchObject({ read: seeded().length, counted: seeded().length - 1, since: 2025 });
    const second = await backfillAggregates(store, { now: now(), since: 2025 });
    expect(second).toMatchObject({ read: seeded().length, counted: 0 });
    expect(await store.aggregates().ready()).toBe(true);

    const { stored, recount, late, lateRecount } = await compare(
      store,
      seeded().map((c) => c.reference),
      "2025-01-01",
      "2026-12-31",
    );
    expect(stored).toEqual(recount);
    expect(late).toEqual(lateRecount);
    expect(late.length).toBeGreaterThan(0);
  });

  it("then reads the aggregates: the same report as the recount, as JSON, CSV, XLSX and email", async () => {
    const warn = vi.spyOn(logger, "warn").mockImplementation(() => undefined);
    const aggregated = await buildReport(rt, q1(), { includeJustificationText: true });
    expect(warn).not.toHaveBeenCalled();
    const recounted = await buildReport(rt, q1(), { includeJustificationText: true, path: "recount" });
    expect(aggregated).toEqual(recounted);
    expect(aggregated.total).toBe(13);
    expect(aggregated.pending.length).toBeGreaterThan(0);
    expect(aggregated.late.total).toBeGreaterThan(0);
    // The lists' pages (GET /api/reports/list) from the day items: the report's first page, the whole total.
    const late = await reportListPage(rt, q1(), "late", 1, { includeJustificationText: true });
    expect(late).toMatchObject({ total: aggregated.late.total, rows: aggregated.late.rows, next: null });
    const pending = await reportListPage(rt, q1(), "pending", 1);
    expect(pending).toMatchObject({ total: aggregated.pendingTotal, rows: aggregated.pending, next: null });
    for (const language of ["fr", "en"] as const) {
      const options = { language, config: humanitarian };
      expect(renderCsv(aggregated, options)).toBe(renderCsv(recounted, options));
      expect(renderHtmlSummary(aggregated, options)).toBe(renderHtmlSummary(recounted, options));
    }
    // XLSX carries its creation time: compare the sheets' cell values.
    const ExcelJS = (await import("exceljs")).default;
    const cells = async (report: typeof aggregated) => {
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(
        (await renderXlsx(report, { language: "fr", config: humanitarian })) as unknown as ArrayBuffer,
      );
      return book.worksheets.map((sheet) => sheet.getSheetValues());
    };
    expect(await cells(aggregated)).toEqual(await cells(recounted));
  });

  it("keeps counting the changes made after the backfill", async () => {
    const open = seeded().find((c) => c.status !== "closed")!;
    await store.update(open.reference, (r) => ({
      record: {
        status: "closed",
        closure: "resolved",
        closedAt: HUMANITARIAN_NOW,
        met: { ...r.met, respond: true },
      },
      event: { id: "closed-after-backfill", type: "closed", actor: "officer@example.org" },
    }));
    const aggregated = await buildReport(rt, q1());
    const recounted = await buildReport(rt, q1(), { path: "recount" });
    expect(aggregated).toEqual(recounted);
  });
});

describe("the lists page by page from the day items (issue 18: GET /api/reports/list)", () => {
  it("give every late and pending case of 800, in the report's order, as a recount lists them", async () => {
    const table = await freshTable("cfm-agg-pages");
    const at = new Date("2026-12-20T08:00:00Z");
    const store = new ComplaintStore(table.doc, table.tableName, () => at, "current", "Africa/Bamako");
    const cases = Array.from({ length: 800 }, (_, i) => syntheticCase(i, 800));
    await batchPut(table.doc, table.tableName, asStored(cases, STORED_WITH_COMPLETED_AT).map(statusItem));
    await backfillAggregates(store, { now: at, since: 2026 });
    const rt: ReportRuntime = { config: humanitarian, store, now: () => at };
    const year = makePeriod("annual", "2026-01-01", "2026-12-31", "Africa/Bamako", "2026");
    const cutoff = Date.parse("2026-12-20T00:00:00.000Z");
    const expected = {
      late: lateRows(cases, { justifications: new Map() }, cutoff, at.getTime()),
      pending: pendingRows(cases, cutoff, at.getTime()),
    };
    expect(expected.late.length).toBeGreaterThan(2 * LIST_PAGE);
    expect(expected.pending.length).toBeGreaterThan(LIST_PAGE);
    for (const list of ["late", "pending"] as const) {
      const rows: unknown[] = [];
      for (let page: number | null = 1; page !== null; ) {
        const got = await reportListPage(rt, year, list, page);
        expect(got.total, `${list} page ${page}`).toBe(expected[list].length);
        rows.push(...got.rows);
        page = got.next;
      }
      expect(rows, list).toEqual(expected[list]);
    }
    // The report itself: the first page of each, the whole totals.
    const report = await buildReport(rt, year);
    expect(report.late.rows).toEqual(expected.late.slice(0, LIST_PAGE));
    expect(report.late.total).toBe(expected.late.length);
    expect(report.pending).toEqual(expected.pending.slice(0, LIST_PAGE));
    expect(report.pendingTotal).toBe(expected.pending.length);
  }, 300_000);
});

describe("cfm aggregates backfill", () => {
  it("counts a table's older cases in the config's time zone, then finds nothing more to count", async () => {
    const table = await freshTable("cfm-agg-cli");
    await batchPut(table.doc, table.tableName, seeded().map(statusItem));
    vi.stubEnv("AWS_ENDPOINT_URL_DYNAMODB", table.endpoint);
    vi.stubEnv("AWS_REGION", "us-east-1");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "local");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "local");
    try {
      const args = ["aggregates", "backfill", "config/humanitarian.example.yaml", "--table", table.tableName];
      const lines: string[] = [];
      expect(
        await main(
          [...args, "--since", "2025"],
          (l) => lines.push(l),
          (l) => lines.push(l),
        ),
      ).toBe(0);
      // From January 2025 to this month: the last line says what was counted.
      expect(lines.at(-1)).toMatch(
        new RegExp(
          `^aggregates ready in Africa/Bamako: ${seeded().length} cases counted now, 0 already counted, \\d+ months since 2025$`,
        ),
      );
      lines.length = 0;
      expect(
        await main(
          [...args, "--since", "2025"],
          (l) => lines.push(l),
          (l) => lines.push(l),
        ),
      ).toBe(0);
      expect(lines.at(-1)).toMatch(/: 0 cases counted now, \d+ already counted/);
      const store = new ComplaintStore(table.doc, table.tableName, now, "current", "Africa/Bamako");
      expect(await store.aggregates().ready()).toBe(true);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("refuses a missing table or a malformed year, writing nothing", async () => {
    const errors: string[] = [];
    const err = (l: string) => errors.push(l);
    vi.stubEnv("CFM_TABLE_NAME", "");
    try {
      expect(await main(["aggregates", "backfill", "config/humanitarian.example.yaml"], () => {}, err)).toBe(
        2,
      );
      expect(
        await main(
          ["aggregates", "backfill", "config/humanitarian.example.yaml", "--table", "t", "--since", "1999"],
          () => {},
          err,
        ),
      ).toBe(2);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(errors.join("\n")).toMatch(/table[\s\S]*since/);
  });
});
