// Report benchmark (issue 8): seeds 1,000, then 10,000, then 100,000 cases of one year into DynamoDB Local
// (BatchWrite, 25 items a batch, many batches in parallel) and times a monthly and an annual report, end to
// end: Query by the byPeriod and byDeadline indexes, BatchGet of the late cases' justifications, compute,
// and render (CSV, XLSX, email). `npm run bench -- reports` (bench/run.ts), or `npx tsx bench/reports.ts`.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { caseRecordSchema, type DeadlineStep } from "../functions/domain/complaint.ts";
import { loadConfigText } from "../functions/domain/config.ts";
import type { ReportCase } from "../functions/reports/compute.ts";
import { buildReport, type ReportRuntime } from "../functions/reports/load.ts";
import { makePeriod } from "../functions/reports/periods.ts";
import { renderCsv, renderHtmlSummary, renderXlsx } from "../functions/reports/render.ts";
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
function items(from: number, to: number, total: number): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (let i = from; i < to; i++) {
    const record = syntheticCase(i, total);
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

export async function benchReports(): Promise<BenchRow[]> {
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
      const rt: ReportRuntime = {
        config,
        store: new ComplaintStore(doc, tableName, () => NOW),
        now: () => NOW,
      };
      const seed = await measured(async () => {
        const chunk = 5_000; // generate and write in chunks, so the seed data never sits in memory at once
        for (let i = 0; i < total; i += chunk)
          await batchPut(doc, tableName, items(i, Math.min(total, i + chunk), total), 32);
      });
      rows.push({ name: "seed (BatchWrite, 32 in parallel)", cases: total, ...pick3(seed) });

      const tz = config.organisation.timeZone;
      for (const [label, period] of [
        ["monthly report (March)", makePeriod("monthly", "2026-03-01", "2026-03-31", tz, "2026-03")],
        ["annual report (2026)", makePeriod("annual", "2026-01-01", "2026-12-31", tz, "2026")],
      ] as const) {
        const run = await measured(async () => {
          const report = await buildReport(rt, period);
          const csv = renderCsv(report, { language: "fr", config });
          const xlsx = await renderXlsx(report, { language: "fr", config });
          const html = renderHtmlSummary(report, { language: "fr", config });
          return {
            inPeriod: report.total,
            pending: report.pending.length,
            bytes: csv.length + xlsx.length + html.length,
          };
        });
        rows.push({
          name: `${label}: ${run.value.inPeriod} in period, ${run.value.pending} pending`,
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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchReports();
  console.table(rows);
}
