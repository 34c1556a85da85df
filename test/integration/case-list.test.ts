// The case list (functions/api/case-list.ts, shared by the staff API and the console) on DynamoDB Local with
// 1,200 cases: every filter that maps to an index pages through it with an opaque continuation, and following
// `next` reaches every matching case exactly once (no silent cap, never the whole set in memory); the
// coordinator's text search reads a bounded number of cases per request and continues; general staff filters
// never reveal a sensitive case (H-D1).
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  cleanQuery,
  type ListQuery,
  listCases,
  listQuerySchema,
  TEXT_BUDGET,
} from "../../functions/api/case-list.ts";
import type { Viewer } from "../../functions/domain/access.ts";
import { type CaseRecord, CHANNELS, emptyContent } from "../../functions/domain/complaint.ts";
import { loadConfigText } from "../../functions/domain/config.ts";
import type { Runtime } from "../../functions/lib/runtime.ts";
import { ComplaintStore } from "../../functions/store/complaint-store.ts";
import { caseRecord } from "../events/case-record.ts";
import { batchPut, statusItem } from "../events/reports/seed.ts";
import { freshTable } from "../helpers/dynamo.ts";

const config = loadConfigText(readFileSync("config/humanitarian.example.yaml", "utf8"), "humanitarian");
const NOW = "2026-07-01T12:00:00.000Z";
const TOTAL = 1200;
const COORDINATOR: Viewer = { audience: "coordinator", email: "officer@example.org" };
const STAFF: Viewer = { audience: "staff", email: "finance@example.org" };
const NEEDLE_AT = [6, 640, 1188];

let rt: Runtime;
const cases: CaseRecord[] = [];

/** Case i: received over Jan-Jun 2026; every third closed; every fifth sensitive; some overdue. */
function make(i: number): CaseRecord {
  const receivedAt = new Date(Date.parse("2026-01-01T08:00:00.000Z") + i * 3.6 * 3_600_000).toISOString();
  const closed = i % 3 === 0;
  const sensitive = i % 5 === 0;
  const triaged = i % 7 !== 0;
  const due = new Date(Date.parse(receivedAt) + 42 * 86_400_000).toISOString();
  return caseRecord({
    reference: `CFM-2026-${String(i + 1).padStart(6, "0")}`,
    receivedAt,
    updatedAt: receivedAt,
    kind: i % 4 === 0 ? "suggestion" : "complaint",
    channel: CHANNELS[i % CHANNELS.length] as CaseRecord["channel"],
    status: closed ? "closed" : triaged ? "investigating" : "received",
    closure: closed ? "resolved" : null,
    closedAt: closed ? receivedAt : null,
    sensitive: triaged && sensitive,
    category: triaged ? (sensitive ? "fraud" : "programme") : null,
    assignee: triaged && !closed ? (i % 2 === 0 ? "handler@example.org" : "programme@example.org") : null,
    deadlines: { respond: due },
    overdue: !closed && i % 11 === 0 ? ["respond"] : [],
    flags: i % 13 === 0 ? ["needs-attention"] : [],
  });
}

beforeAll(async () => {
  const table = await freshTable("cfm-case-list");
  const store = new ComplaintStore(table.doc, table.tableName, () => new Date(NOW));
  rt = { config, tableName: table.tableName, doc: table.doc, store, now: () => new Date(NOW) } as Runtime;
  for (let i = 0; i < TOTAL; i++) cases.push(make(i));
  const contents = cases.map((c, i) => ({
    pk: `CASE#${c.reference}`,
    sk: "CONTENT",
    ...emptyContent(c.reference),
    description: NEEDLE_AT.includes(i) ? "Le puits de Hamdallaye est à sec." : `Distribution ${i}`,
  }));
  await batchPut(table.doc, table.tableName, [...cases.map(statusItem), ...contents]);
}, 120_000);

/** Follows `next` to the end; every page is one request. */
async function everything(viewer: Viewer, raw: Record<string, string>, newestFirst = false) {
  const seen: CaseRecord[] = [];
  const searched: number[] = [];
  let next: string | undefined;
  let requests = 0;
  do {
    const query: ListQuery = listQuerySchema.parse(cleanQuery({ ...raw, ...(next ? { next } : {}) }));
    const page = await listCases(rt, viewer, query, { newestFirst });
    if (!page.ok) throw new Error(JSON.stringify(page.errors));
    expect(page.records.length).toBeLessThanOrEqual(query.limit);
    seen.push(...page.records.map((r) => r.record));
    searched.push(page.searched);
    next = page.next ?? undefined;
    requests++;
  } while (next && requests < 500);
  return { seen, requests, searched };
}

const refs = (records: CaseRecord[]) => records.map((r) => r.reference);

describe("case list with a continuation (1,200 cases on DynamoDB Local)", () => {
  it("reaches every open case once, by next deadline, 100 a page", async () => {
    const open = cases.filter((c) => c.status !== "closed");
    const { seen, requests } = await everything(COORDINATOR, { limit: "100" });
    expect(refs(seen).sort()).toEqual(refs(open).sort());
    expect(new Set(refs(seen)).size).toBe(open.length);
    expect(requests).toBe(Math.ceil(open.length / 100));
    const deadlines = seen.map((c) => c.deadlines.respond as string);
    expect(deadlines).toEqual([...deadlines].sort());
  });

  it("reaches every closed case by status, newest first (the console's order)", async () => {
    const closed = cases.filter((c) => c.status === "closed");
    const { seen } = await everything(COORDINATOR, { status: "closed", limit: "25" }, true);
    expect(refs(seen)).toEqual(refs([...closed].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))));
  });

  it("reaches every case of a period across month partitions, with the filters applied in DynamoDB", async () => {
    const match = cases.filter(
      (c) =>
        c.receivedAt >= "2026-02-10" &&
        c.receivedAt < "2026-05-21" &&
        c.kind === "complaint" &&
        c.channel === "phone",
    );
    expect(match.length).toBeGreaterThan(10);
    const { seen } = await everything(
      COORDINATOR,
      { from: "2026-02-10", to: "2026-05-20", kind: "complaint", channel: "phone", limit: "7" },
      true,
    );
    expect(refs(seen)).toEqual(refs([...match].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))));
  });

  it("pages the open cases of one assignee through its index, overdue only", async () => {
    const match = cases.filter(
      (c) => c.assignee === "handler@example.org" && c.status !== "closed" && c.overdue.length > 0,
    );
    expect(match.length).toBeGreaterThan(5);
    const { seen } = await everything(COORDINATOR, {
      assignee: "handler@example.org",
      overdue: "true",
      limit: "4",
    });
    expect(refs(seen).sort()).toEqual(refs(match).sort());
  });

  it("issue 12: pages the open cases that need the coordinator's attention", async () => {
    const match = cases.filter((c) => c.status !== "closed" && c.flags.includes("needs-attention"));
    expect(match.length).toBeGreaterThan(20);
    const { seen } = await everything(COORDINATOR, { status: "needs-attention", limit: "10" });
    expect(refs(seen).sort()).toEqual(refs(match).sort());
    const spring = await everything(COORDINATOR, {
      status: "needs-attention",
      from: "2026-03-01",
      to: "2026-04-30",
    });
    expect(refs(spring.seen).sort()).toEqual(
      refs(match.filter((c) => c.receivedAt >= "2026-03-01" && c.receivedAt < "2026-05-01")).sort(),
    );
  });

  it("bounds the coordinator's text search per request and finds every match by continuing", async () => {
    const { seen, requests, searched } = await everything(COORDINATOR, {
      status: "closed",
      q: "hamdallaye",
      limit: "25",
    });
    const closed = cases.filter((c) => c.status === "closed");
    expect(seen.length).toBe(2);
    expect(refs(seen).sort()).toEqual(
      NEEDLE_AT.filter((i) => i % 3 === 0)
        .map((i) => cases[i]?.reference)
        .sort(),
    );
    for (const n of searched) expect(n).toBeLessThanOrEqual(TEXT_BUDGET);
    expect(searched.reduce((a, b) => a + b, 0)).toBe(closed.length);
    // A request may end exactly at the partition's end without knowing it: one empty request more at most.
    expect(requests).toBeGreaterThanOrEqual(Math.ceil(closed.length / TEXT_BUDGET));
    expect(requests).toBeLessThanOrEqual(Math.ceil(closed.length / TEXT_BUDGET) + 1);
    const open = await everything(COORDINATOR, { q: "hamdallaye" });
    expect(open.seen.length).toBe(1);
    expect(refs(open.seen).sort()).toEqual(
      NEEDLE_AT.filter((i) => cases[i]?.status !== "closed")
        .map((i) => cases[i]?.reference)
        .sort(),
    );
  });

  it("H-D1: general staff's category and assignee filters match only cases whose details they may see", async () => {
    const { seen } = await everything(STAFF, { category: "fraud", limit: "50" });
    expect(seen).toEqual([]);
    const programme = await everything(STAFF, { category: "programme", limit: "50" });
    expect(programme.seen.length).toBe(
      cases.filter((c) => c.status !== "closed" && c.category === "programme").length,
    );
    const named = await everything(
      { audience: "staff", email: "handler@example.org" },
      { category: "fraud" },
    );
    expect(refs(named.seen).sort()).toEqual(
      refs(
        cases.filter(
          (c) => c.status !== "closed" && c.category === "fraud" && c.assignee === "handler@example.org",
        ),
      ).sort(),
    );
  });

  it("refuses text search to general staff, a forged or foreign continuation, an unknown category", async () => {
    const ask = (viewer: Viewer, raw: Record<string, string>) =>
      listCases(rt, viewer, listQuerySchema.parse(cleanQuery(raw)));
    expect(await ask(STAFF, { q: "hamdallaye" })).toMatchObject({
      ok: false,
      errors: { q: expect.any(String) },
    });
    const first = await ask(COORDINATOR, { status: "closed", limit: "5" });
    if (!first.ok || !first.next) throw new Error("expected a first page with next");
    expect(await ask(COORDINATOR, { status: "received", next: first.next })).toMatchObject({
      ok: false,
      errors: { next: expect.any(String) },
    });
    expect(await ask(COORDINATOR, { from: "2026-01-01", next: first.next })).toMatchObject({ ok: false });
    expect(await ask(COORDINATOR, { next: "%%%" })).toMatchObject({
      ok: false,
      errors: { next: expect.any(String) },
    });
    expect(await ask(COORDINATOR, { category: "nope" })).toMatchObject({
      ok: false,
      errors: { category: expect.any(String) },
    });
    expect(listQuerySchema.safeParse({ from: "2026-05-01", to: "2026-04-01" }).success).toBe(false);
  });
});
