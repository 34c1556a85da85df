// npm run bench [-- reports|intake|calendar]: the performance figures, as a table and in bench/results.json.
// Targets (checked here, not by timed tests): parsing a typical complaint email under 5 ms; 10,000 working-day
// deadlines under 2 s (0.2 ms each); a monthly report over 10,000 cases under 2 s and an annual one over 100,000 under 60 s.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { addDuration } from "../functions/domain/calendar.ts";
import { inboundMessageSchema, parseInbound } from "../functions/intake/parse-inbound.ts";
import { hostileMessage } from "../test/helpers/mail-arbitrary.ts";
import { benchBundles } from "./bundles.ts";
import { benchReports } from "./reports.ts";

interface Row {
  suite: string;
  name: string;
  n: number;
  ms: number;
  rssMb: number;
  target?: string;
  ok?: boolean;
  /** The figure itself when it is not a time (a size, a ratio). */
  value?: string;
  /** The figure before issue 18, from the measurements. */
  before?: string;
}

const rss = () => Math.round(process.memoryUsage().rss / 1_048_576);

async function intake(): Promise<Row[]> {
  const dir = "test/events/mail";
  const messages = readdirSync(dir)
    .filter((f) => f.endsWith(".eml"))
    .map((f) => readFileSync(join(dir, f)));
  const rounds = 20;
  const started = performance.now();
  for (let i = 0; i < rounds; i++)
    for (const raw of messages)
      await parseInbound(raw, {
        attachmentCapBytes: 10 * 1024 * 1024,
        defaultLanguage: "fr",
        intakeAddress: "plaintes@example.org",
      });
  const ms = performance.now() - started;
  const per = ms / (rounds * messages.length);
  return [
    {
      suite: "intake",
      name: `parse the corpus (${messages.length} messages) × ${rounds}`,
      n: rounds * messages.length,
      ms: Math.round(ms),
      rssMb: rss(),
      target: "< 5 ms per message",
      ok: per < 5,
    },
  ];
}

/** Issue 15: the parse-path fuzz of test/unit/intake-fuzz.test.ts, longer (CFM_FUZZ_RUNS, default 20,000). */
async function fuzz(): Promise<Row[]> {
  const runs = Number(process.env.CFM_FUZZ_RUNS ?? 20_000);
  const options = {
    attachmentCapBytes: 1024,
    defaultLanguage: "fr" as const,
    intakeAddress: "plaintes@example.org",
  };
  const mimeType = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;
  const started = performance.now();
  const result = await fc.check(
    fc.asyncProperty(hostileMessage(), async (raw) => {
      const message = await parseInbound(raw, options);
      if (!inboundMessageSchema.safeParse(message).success) return false;
      if (message.problems.some((p) => p.startsWith("internal"))) return false;
      return message.attachments.every((a) => mimeType.test(a.contentType));
    }),
    { numRuns: runs },
  );
  const ms = performance.now() - started;
  if (result.failed) console.error(`fuzz counterexample: ${fc.stringify(result.counterexample)}`);
  return [
    {
      suite: "fuzz",
      name: `hostile messages through the parse path (${result.numRuns} tried, ${result.failed ? 1 : 0} failed)`,
      n: result.numRuns,
      ms: Math.round(ms),
      rssMb: rss(),
      target: "0 failed",
      ok: !result.failed,
    },
  ];
}

function calendar(): Row[] {
  const cal = {
    timeZone: "Europe/Paris",
    workingDays: ["mon", "tue", "wed", "thu", "fri"] as const,
    holidays: ["2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25"],
  };
  const n = 10_000;
  const started = performance.now();
  let t = new Date("2026-01-05T08:00:00Z").getTime();
  for (let i = 0; i < n; i++) {
    addDuration(new Date(t), "P10D", "working", cal);
    t += 3_600_000;
  }
  const ms = performance.now() - started;
  return [
    {
      suite: "calendar",
      name: "P10D working-day deadlines (Paris, holidays)",
      n,
      ms: Math.round(ms),
      rssMb: rss(),
      target: "< 2000 ms",
      ok: ms < 2000,
    },
  ];
}

async function reports(): Promise<Row[]> {
  const rows = await benchReports();
  return rows.map((r) => {
    const target =
      /monthly/.test(r.name) && r.cases === 10_000
        ? { target: "< 2000 ms", ok: r.ms < 2000 }
        : /annual/.test(r.name) && r.cases === 100_000
          ? { target: "< 60000 ms", ok: r.ms < 60_000 }
          : {};
    return { suite: "reports", name: r.name, n: r.cases, ms: r.ms, rssMb: r.rssMb, ...target };
  });
}

async function bundles(): Promise<Row[]> {
  const { bare, rows } = await benchBundles();
  const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;
  return [
    {
      suite: "bundles",
      name: "bare handler (DynamoDB client only)",
      n: 1,
      ms: Math.round(bare.coldMs * 10) / 10,
      rssMb: rss(),
      value: kb(bare.bytes),
      before: "0.6 ms (empty module)",
    },
    ...rows.flatMap((r): Row[] => [
      {
        suite: "bundles",
        name: `${r.handler}: bundle size (map beside: ${kb(r.mapBytes)})`,
        n: 1,
        ms: 0,
        rssMb: rss(),
        value: kb(r.bytes),
        target: `≤ ${r.sizeGoal >= 1024 * 1024 ? "1 MB" : kb(r.sizeGoal)}`,
        ok: r.bytes <= r.sizeGoal,
        before: r.sizeBefore,
      },
      {
        suite: "bundles",
        name: `${r.handler}: cold import (median of 5)`,
        n: 5,
        ms: Math.round(r.coldMs),
        rssMb: rss(),
        value: `${r.ratio.toFixed(1)}× bare`,
        target: "≤ 2× bare",
        ok: r.ratio <= 2,
        before: r.coldBefore,
      },
    ]),
  ];
}

const suites: Record<string, () => Promise<Row[]> | Row[]> = { intake, calendar, reports, bundles, fuzz };
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = wanted.filter((w) => !(w in suites));
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(", ")}; choose from ${Object.keys(suites).join(", ")}`);
  process.exit(2);
}
const rows: Row[] = [];
// The long fuzz runs only when named (`npm run bench -- fuzz`).
const defaults = Object.keys(suites).filter((name) => name !== "fuzz");
for (const name of wanted.length > 0 ? wanted : defaults) rows.push(...(await suites[name]!()));
console.table(
  rows.map((r) => ({
    suite: r.suite,
    name: r.name,
    n: r.n,
    ms: r.ms,
    "rss MB": r.rssMb,
    value: r.value ?? "",
    target: r.target ?? "",
    before: r.before ?? "",
    ok: r.ok === undefined ? "" : r.ok ? "yes" : "NO",
  })),
);
// A partial run (npm run bench -- bundles) keeps the other suites' last figures.
const ran = new Set(rows.map((r) => r.suite));
let kept: Row[] = [];
try {
  const previous = JSON.parse(readFileSync("bench/results.json", "utf8")) as { rows?: Row[] };
  kept = (previous.rows ?? []).filter((r) => !ran.has(r.suite));
} catch {
  // no previous results
}
writeFileSync(
  "bench/results.json",
  `${JSON.stringify({ at: new Date().toISOString(), node: process.version, rows: [...kept, ...rows] }, null, 2)}\n`,
);
console.log("bench/results.json written");
if (rows.some((r) => r.ok === false)) process.exitCode = 1;
