// Bundle size and cold import time of every Lambda, built with esbuild the way CfmFunction has CDK build it
// (ESM, node22, minified, require() banner, SDK inside, config compiled in, source map beside), against a bare
// handler holding only a DynamoDB client built the same way in the same run (issue 18).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { loadConfigText } from "../functions/domain/config.ts";
import { WORKFLOW_HANDLERS } from "../workflows/complaint-workflow.ts";

export interface BundleRow {
  handler: string;
  bytes: number;
  mapBytes: number;
  coldMs: number;
  /** coldMs divided by the bare handler's in the same run. */
  ratio: number;
  sizeGoal: number;
  sizeBefore: string;
  coldBefore: string;
}

const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";
const KB = 1024;
// "Before" figures from issue 18 (measured on the stack as it was).
const BEFORE: Record<string, { size: string; cold: string }> = {
  "intake-email": { size: "2.4 MB", cold: "242 ms" },
  "staff-api": { size: "2.4 MB", cold: "405 ms" },
  reports: { size: "2.3 MB", cold: "405 ms" },
};
const WORKFLOW_BEFORE = { size: "1.25-1.31 MB", cold: "166-174 ms" };

const BARE_HANDLER = `import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
const client = new DynamoDBClient({});
export const handler = async () => client.config.serviceId;
`;

/** Environment the handlers validate at load, with harmless values (nothing is called). */
const HANDLER_ENV = {
  AWS_REGION: "us-east-1",
  TABLE_NAME: "cfm-bench",
  TASK_BASE_URL: "https://example.org/t/",
  LINK_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:000000000000:secret:bench",
  SES_FROM: "plaintes@example.org",
  STATE_MACHINE_ARN: "arn:aws:states:us-east-1:000000000000:stateMachine:bench",
  RAW_BUCKET: "bench-raw",
  ATTACHMENTS_BUCKET: "bench-attachments",
  POWERTOOLS_SERVICE_NAME: "cfm",
  POWERTOOLS_METRICS_NAMESPACE: "Cfm",
};

/** `entry`: a file, or `{ contents }` resolved from the repository (the bare handler). */
async function bundle(
  entry: string | { contents: string },
  outfile: string,
  configJson: string,
): Promise<void> {
  await build({
    ...(typeof entry === "string"
      ? { entryPoints: [entry] }
      : { stdin: { contents: entry.contents, resolveDir: process.cwd(), loader: "js" as const } }),
    outfile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    mainFields: ["module", "main"],
    banner: { js: ESM_REQUIRE_BANNER },
    minify: true,
    sourcemap: "external",
    sourcesContent: false,
    define: { "process.env.CFM_CONFIG_JSON": JSON.stringify(configJson) },
    logLevel: "error",
  });
}

/** Median of `runs` fresh Node processes importing the bundle, in ms (import only: no handler call). */
function coldImport(file: string, runs = 5): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      env: { ...process.env, ...HANDLER_ENV, NODE_OPTIONS: "" },
    });
    if (run.status !== 0) throw new Error(`importing ${file} failed: ${run.stderr}`);
    times.push(Number(run.stdout));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

export async function benchBundles(): Promise<{
  bare: { bytes: number; coldMs: number };
  rows: BundleRow[];
}> {
  const dir = mkdtempSync(join(tmpdir(), "cfm-bundles-"));
  try {
    const configFile = "config/humanitarian.example.yaml";
    const configJson = JSON.stringify(loadConfigText(readFileSync(configFile, "utf8"), configFile));
    const bareOut = join(dir, "bare", "index.mjs");
    await bundle({ contents: BARE_HANDLER }, bareOut, configJson);
    const bare = { bytes: statSync(bareOut).size, coldMs: coldImport(bareOut) };

    const handlers = readdirSync("functions/handlers")
      .filter((f) => f.endsWith(".ts"))
      .map((f) => f.replace(/\.ts$/, ""))
      .sort();
    const rows: BundleRow[] = [];
    for (const handler of handlers) {
      const out = join(dir, handler, "index.mjs");
      await bundle(join("functions", "handlers", `${handler}.ts`), out, configJson);
      const coldMs = coldImport(out);
      const workflow = (WORKFLOW_HANDLERS as readonly string[]).includes(handler);
      const before = BEFORE[handler] ?? (workflow ? WORKFLOW_BEFORE : { size: "–", cold: "–" });
      rows.push({
        handler,
        bytes: statSync(out).size,
        mapBytes: statSync(`${out}.map`).size,
        coldMs,
        ratio: coldMs / bare.coldMs,
        sizeGoal: workflow ? 300 * KB : 1024 * KB,
        sizeBefore: before.size,
        coldBefore: before.cold,
      });
    }
    return { bare, rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
