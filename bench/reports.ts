// Report benchmark (issues 8 and 18): seeds 1,000, then 10,000, then 100,000 cases of one year into DynamoDB Local
// (BatchWrite, 25 items a batch, many batches in parallel), with their day items (AGG#, issue 18: by the real
// backfill at 1,000 cases, written straight from the same tallies above that, as the backfill would leave them),
// and times a monthly and an annual report, end to end, both ways: from the aggregates (Query of the day items,
// the byDeadline index, BatchGet of the late cases' records and justifications) and by recount (Query by the
// byPeriod and byDeadline indexes), then compute and render (CSV, XLSX, email). A warm-up report runs first, so
// no measured run carries the one-off loading of the renderers. `npm run bench -- reports` (bench/run.ts), or
// `npx tsx bench/reports.ts`.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { caseRecordSchema, type DeadlineStep } from "../functions/domain/complaint.ts";
import { loadConfigText } from "../functions/domain/config.ts";
import {
  lateAtRest,
  nextDeadlineDay,
  receivedDay,
  storedByDay,
  type Tally,
} from "../functions/domain/report-tally.ts";
import { backfillAggregates } from "../functions/reports/backfill.ts";
import type { ReportCase } from "../functions/reports/compute.ts";
import { buildReport, type ReportRuntime } from "../functions/reports/load.ts";
import { makePeriod } from "../functions/reports/periods.ts";
import { renderCsv, renderHtmlSummary, renderXlsx } from "../functions/reports/render.ts";
import { aggregateUpdate, nextUpdates } from "../functions/store/aggregate-store.ts";
import { ComplaintStore } from "../functions/store/complaint-store.ts";
import { ensureTable, LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from "../local/dynamodb-local.ts";
import { batchPut, statusItem } from "../test/events/reports/seed.ts";

export interface BenchRow {
  name: string;
  cases: number;
  ms: number;
  rssMb: number;
}

const SIZES = [1_000, 10_000, 100_000];
const YEAR_START = Date.parse("2026-01-01T00:00:00Z");
const DAY = 86_400_000;
/** The report runs mid-December: the last weeks' cases are still open, a few old ones are stuck. */
const NOW = new Date("2026-12-20T08:00:00Z");
const STORES_COMPLETED_AT = "completedAt" in caseRecordSchema.shape;

/** A small deterministic PRNG (mulberry32), so every run seeds the same cases. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(r: number, items: ReadonlyArray<readonly [T, number]>): T => {
  let acc = 0;
  for (const [item, weight] of items) {
    acc += weight;
    if (r < acc) return item;
  }
  return items[items.length - 1]![0];
};

const CATEGORIES = [
  ["programme", 0.55],
  ["sexual-exploitation-abuse", 0.05],
  ["fraud", 0.08],
  ["misconduct", 0.12],
  ["out-of-scope", 0.2],
] as const;
const SENSITIVE = new Set(["sexual-exploitation-abuse", "fraud", "misconduct"]);

/** Case `i` of `total`, spread evenly over 2026 (procedure H deadlines, calendar days). */
export function syntheticCase(i: number, total: number): ReportCase {
  const random = prng(i + 1);
  const receivedMs = YEAR_START + Math.floor(((i + random()) * 365 * DAY) / total);
  const receivedAt = new Date(receivedMs).toISOString();
  const at = (days: number) => new Date(receivedMs + days * DAY).toISOString();
  const age = (NOW.getTime() - receivedMs) / DAY;
  const category = pick(random(), CATEGORIES);
  const referral = category === "out-of-scope";
  const met: Partial<Record<DeadlineStep, boolean>> = {};
  const completedAt: Partial<Record<DeadlineStep, string>> = {};
  const done = (step: DeadlineStep, days: number, deadline: number) => {
    met[step] = days <= deadline;
    completedAt[step] = at(days);
  };
  const stuck = random() < 0.03;
  if (age > 3) done("triage", 1 + random() * 3, 3);
  if (age > 8) done("acknowledge", random() < 0.9 ? 1 + random() * 5 : 8 + random() * 4, 7);
  if (age > 20 && !referral) done("contact", random() < 0.8 ? 5 + random() * 8 : 15 + random() * 10, 14);
  const responded = age > 50 && !stuck;
  if (responded)
    done(
      "respond",
      referral ? 2 + random() * 5 : random() < 0.75 ? 20 + random() * 21 : 43 + random() * 20,
      42,
    );
  const late = met.respond === false;
  const appealed = responded && !referral && random() < 0.04;
  const closed = responded && age > 90;
  if (appealed && closed) done("appealDecision", 20 + random() * 20, 30);
  const status = closed
    ? "closed"
    : responded
      ? "responded"
      : age > 20
        ? "investigating"
        : age > 8
          ? "assigned"
          : "received";
  const record: ReportCase = {
    reference: `CFM-2026-${String(i + 1).padStart(6, "0")}`,
    sourceId: `bench-${i}`,
    kind: pick(random(), [
      ["complaint", 0.7],
      ["suggestion", 0.12],
      ["information-request", 0.13],
      ["positive", 0.05],
    ] as const),
    status,
    closure: closed ? (referral ? "referred" : appealed ? "appeal-decided" : "resolved") : null,
    channel: pick(random(), [
      ["email", 0.35],
      ["phone", 0.2],
      ["hotline", 0.15],
      ["in-person", 0.15],
      ["letter", 0.05],
      ["suggestion-box", 0.07],
      ["staff-report", 0.03],
    ] as const),
    language: random() < 0.8 ? "fr" : "en",
    anonymous: random() < 0.1,
    reachable: true,
    sensitive: SENSITIVE.has(category),
    category: age > 3 ? category : null,
    severity:
      age > 3
        ? pick(random(), [
            ["high", 0.15],
            ["medium", 0.5],
            ["low", 0.35],
          ] as const)
        : null,
    admissible: age > 3 ? true : null,
    assignee: closed ? null : "handler@example.org",
    responsible: age > 3 ? "programme@example.org" : null,
    receivedAt,
    deadlines: {
      acknowledge: at(7),
      triage: at(3),
      respond: at(42),
      ...(referral ? {} : { contact: at(14) }),
      ...(appealed ? { appealDecision: at(80) } : {}),
    },
    overdue: [],
    met,
    flags: late && !referral ? ["late"] : [],
    reminders: {},
    appeals: appealed ? 1 : 0,
    appealExtensions: 0,
    appealOutcome: appealed && closed ? (random() < 0.7 ? "upheld" : "revised") : null,
    attachments: 0,
    closedAt: closed ? at(95) : null,
    version: 5,
    updatedAt: receivedAt,
  };
  if (STORES_COMPLETED_AT) record.completedAt = completedAt;
  return record;
}

/** Items for cases [from, to) of `total`: the status record, and the content record of a late case. */
function items(records: readonly ReportCase[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const record of records) {
    out.push(statusItem(record));
    if (record.met.respond === false)
      out.push({
        pk: `CASE#${record.reference}`,
        sk: "CONTENT",
        reference: record.reference,
        lateJustification: record.flags.includes("late") ? "Enquête complexe, plusieurs témoins" : null,
        description: "x".repeat(400),
      });
  }
  return out;
}

/** Runs `fn` and samples the resident set size meanwhile, to report the peak. */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; rssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = performance.now();
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, ms: Math.round(performance.now() - started), rssMb: Math.round(peak / 1_048_576) };
  } finally {
    clearInterval(timer);
  }
}

/** The size whose day items the real backfill writes (its time per case is the figure; larger sizes take minutes). */
const BACKFILLED = 1_000;

export async function benchReports(): Promise<BenchRow[]> {
  const render = async (report: Awaited<ReturnType<typeof buildReport>>) => {
    const csv = renderCsv(report, { language: "fr", config });
    const xlsx = await renderXlsx(report, { language: "fr", config });
    const html = renderHtmlSummary(report, { language: "fr", config });
    return csv.length + xlsx.length + html.length;
  };
  const config = loadConfigText(readFileSync("config/humanitarian.example.yaml", "utf8"), "humanitarian");
  const dynamo = await startDynamoDbLocal();
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const rows: BenchRow[] = [];
  try {
    for (const total of SIZES) {
      // One table per size, so each holds exactly `total` cases spread over the year.
      const tableName = `cfm-bench-reports-${total}`;
      await ensureTable(dynamo.endpoint, tableName);
      const tz = config.organisation.timeZone;
      const store = new ComplaintStore(doc, tableName, () => NOW, "current", tz);
      const rt: ReportRuntime = { config, store, now: () => NOW };
      const days = new Map<string, { tally: Tally; late: string[] }>();
      const next = new Map<string, number>();
      const seed = await measured(async () => {
        const chunk = 5_000; // generate and write in chunks, so the seed data never sits in memory at once
        for (let i = 0; i < total; i += chunk) {
          const records = Array.from({ length: Math.min(total, i + chunk) - i }, (_, j) =>
            syntheticCase(i + j, total),
          );
          await batchPut(doc, tableName, items(records), 32);
          if (total === BACKFILLED) continue;
          for (const [day, tally] of storedByDay(records, tz)) {
            const kept = days.get(day) ?? { tally: {}, late: [] };
            for (const [name, n] of Object.entries(tally)) kept.tally[name] = (kept.tally[name] ?? 0) + n;
            days.set(day, kept);
          }
          for (const r of records.filter(lateAtRest))
            days.get(receivedDay(r.receivedAt, tz))?.late.push(r.reference);
          for (const r of records) {
            const day = nextDeadlineDay(r, tz);
            if (day) next.set(day, (next.get(day) ?? 0) + 1);
          }
        }
      });
      rows.push({ name: "seed (BatchWrite, 32 in parallel)", cases: total, ...pick3(seed) });
      if (total === BACKFILLED) {
        const backfill = await measured(() => backfillAggregates(store, { now: NOW, since: 2026 }));
        rows.push({ name: "backfill (cfm aggregates backfill)", cases: total, ...pick3(backfill) });
      } else {
        const direct = await measured(async () => {
          await seedDayItems(doc, tableName, tz, days, next);
          await store.aggregates().markReady(NOW.toISOString(), total);
        });
        rows.push({ name: "day items written as the backfill leaves them", cases: total, ...pick3(direct) });
      }

      const periods = [
        ["monthly report (March)", makePeriod("monthly", "2026-03-01", "2026-03-31", tz, "2026-03")],
        ["annual report (2026)", makePeriod("annual", "2026-01-01", "2026-12-31", tz, "2026")],
      ] as const;
      // Warm-up (not measured): the renderers' modules and the JIT, which a measured run would carry once.
      if (rows.length <= 2) await render(await buildReport(rt, periods[0][1]));
      // Both reports from the aggregates first, then both by recount: a recount of 100,000 cases fills DynamoDB
      // Local's heap (512 MB), and a report run right after it paid for that JVM's garbage collection.
      // From the aggregates, a report takes well under a second at every size, where a pause of the JVM or of
      // this process weighs as much as the report: the median of three runs. By recount, one run (minutes).
      for (const path of ["aggregates", "recount"] as const)
        for (const [label, period] of periods) {
          const runs: Array<
            Awaited<ReturnType<typeof measured<{ inPeriod: number; pending: number; bytes: number }>>>
          > = [];
          for (let i = 0; i < (path === "aggregates" ? 3 : 1); i++)
            runs.push(
              await measured(async () => {
                const report = await buildReport(rt, period, { path });
                return { inPeriod: report.total, pending: report.pendingTotal, bytes: await render(report) };
              }),
            );
          const run = runs.sort((x, y) => x.ms - y.ms)[Math.floor(runs.length / 2)]!;
          rows.push({
            name: `${label} ${path === "aggregates" ? "from the aggregates (median of 3)" : "by recount"}: ${run.value.inPeriod} in period, ${run.value.pending} pending`,
            cases: total,
            ...pick3(run),
          });
        }
    }
  } finally {
    client.destroy();
    await dynamo.stop();
  }
  return rows;
}

const pick3 = (m: { ms: number; rssMb: number }) => ({ ms: m.ms, rssMb: m.rssMb });

/**
 * The day items (and the pending count's next-deadline days) the backfill would leave for these cases, written straight (the backfill's transactions, 50
 * cases each, would take minutes at 100,000 cases on DynamoDB Local): each day's tally in updates of at most
 * 200 counters (an UpdateExpression stays under 4 KB), with its late references.
 */
async function seedDayItems(
  doc: DynamoDBDocumentClient,
  tableName: string,
  timeZone: string,
  days: ReadonlyMap<string, { tally: Tally; late: string[] }>,
  next: ReadonlyMap<string, number>,
): Promise<void> {
  const counts = nextUpdates(tableName, timeZone, next).flatMap((u) => (u.Update ? [u.Update] : []));
  const updates = [...days].flatMap(([day, { tally, late }]) => {
    const entries = Object.entries(tally);
    const parts: ReturnType<typeof aggregateUpdate> = [];
    for (let i = 0; i < Math.max(1, entries.length); i += 200)
      parts.push(
        ...aggregateUpdate(
          tableName,
          timeZone,
          day,
          Object.fromEntries(entries.slice(i, i + 200)),
          i === 0 ? { add: late } : {},
        ),
      );
    return parts.flatMap((u) => (u.Update ? [u.Update] : []));
  });
  updates.push(...counts);
  let i = 0;
  const worker = async () => {
    for (let u = updates[i++]; u; u = updates[i++]) await doc.send(new UpdateCommand(u));
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchReports();
  console.table(rows);
}
