// Bundle size and cold import time of every Lambda (issue 18), built by CDK itself: the whole CfmStack is
// synthesized with bundling on, so each asset is exactly what `cdk deploy` uploads (CfmFunction's esbuild
// options, config compiled in, map beside). The reference is a bare handler holding only a DynamoDB client
// (bench/bare-handler.ts), bundled with the same options (cfmBundling) in the same synth and imported in the
// same run: the ratio, not the milliseconds, is the figure to compare across machines.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { App, Stack } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";
import { loadConfigText } from "../functions/domain/config.ts";
import { CfmStack } from "../infra/cfm-stack.ts";
import { cfmBundling, REPO_ROOT } from "../infra/constructs/cfm-function.ts";
import { WORKFLOW_HANDLERS } from "../workflows/complaint-workflow.ts";

export interface BundleRow {
  handler: string;
  bytes: number;
  mapBytes: number;
  /** Side packages built beside the bundle (SIDE_PACKAGES), loaded only on the path that needs them: bytes by name. */
  side: Record<string, number>;
  coldMs: number;
  /** coldMs divided by the bare handler's in the same run. */
  ratio: number;
  sizeGoal: number;
  sizeBefore: string;
  coldBefore: string;
  /** The heaviest packages in the bundle (from esbuild's metafile), "name size" pairs. */
  heaviest: string;
}

const KB = 1024;
// "Before" figures from issue 18 (measured on the stack as it was).
const BEFORE: Record<string, { size: string; cold: string }> = {
  "intake-email": { size: "2.4 MB", cold: "242 ms" },
  "staff-api": { size: "2.4 MB", cold: "405 ms" },
  reports: { size: "2.3 MB", cold: "405 ms" },
};
const WORKFLOW_BEFORE = { size: "1.25-1.31 MB", cold: "166-174 ms" };

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON
type Json = any;

/**
 * A harmless value for an environment variable the template fills with a CloudFormation token: the handlers
 * validate their environment at load (an ARN must look like one, an issuer must be a URL).
 */
function placeholder(name: string, value: Json): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value?.["Fn::Join"])) {
    const [sep, parts] = value["Fn::Join"] as [string, Json[]];
    return parts.map((part) => placeholder(name, part)).join(sep);
  }
  if (/ARN$/.test(name)) return `arn:aws:bench:us-east-1:000000000000:${name.toLowerCase()}`;
  if (value?.["Fn::GetAtt"]?.[1] === "ApiEndpoint") return "https://api.bench.example.org";
  return `bench-${name.toLowerCase()}`;
}

/** One fresh Node process importing the bundle, in ms (import only: no handler call). */
function importOnce(file: string, env: Record<string, string>): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    // As on Lambda: only the function's own environment, region and (dummy) credentials, no NODE_OPTIONS.
    env: {
      PATH: process.env.PATH ?? "",
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "bench",
      AWS_SECRET_ACCESS_KEY: "bench",
      ...env,
    },
  });
  if (run.status !== 0) throw new Error(`importing ${file} failed: ${run.stderr.slice(-2000)}`);
  return Number(run.stdout);
}

/**
 * Median cold import of each bundle over `rounds` rounds; each round imports every bundle once, the bare one
 * included, so that a change in the machine's load weighs on all of them alike.
 */
function coldImports(
  bundles: ReadonlyArray<{ file: string; env: Record<string, string> }>,
  rounds = 5,
): number[] {
  const times = bundles.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const [i, bundle] of bundles.entries()) times[i]!.push(importOnce(bundle.file, bundle.env));
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)] ?? Number.NaN);
}

/** Bytes per package in the bundle's output, from esbuild's metafile, heaviest first. */
function heaviestPackages(metafile: string, top = 6): string {
  const meta = JSON.parse(readFileSync(metafile, "utf8")) as {
    outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
  };
  const byPackage = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      // The catalogs are injected from node_modules/.cache/cfm-catalogs (cfmBundling's catalogModule).
      const name = input.includes("cfm-catalogs/") ? "(catalogs)" : match ? match[1]! : "(cfm)";
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, bytes]) => `${name} ${Math.round(bytes / KB)}K`)
    .join(", ");
}

/** The side packages in an asset directory (node_modules/<name>/index.js), bytes by name. */
function sidePackages(dir: string): Record<string, number> {
  const root = join(dir, "node_modules");
  if (!existsSync(root)) return {};
  return Object.fromEntries(
    readdirSync(root).map((name) => [name, statSync(join(root, name, "index.js")).size] as const),
  );
}

export async function benchBundles(): Promise<{
  bare: { bytes: number; coldMs: number };
  rows: BundleRow[];
}> {
  const outdir = mkdtempSync(join(tmpdir(), "cfm-bundles-"));
  try {
    const configFile = "config/humanitarian.example.yaml";
    const config = loadConfigText(readFileSync(configFile, "utf8"), configFile);
    // Asset metadata names each function's asset directory in the template (the CDK CLI sets this too).
    // cfm:bundle-metafile: esbuild also writes index.meta.json (bytes per input) beside each bundle; it changes no
    // byte of the bundle.
    const app = new App({
      outdir,
      context: { "aws:cdk:enable-asset-metadata": true, "cfm:bundle-metafile": true },
    });
    const env = { account: "000000000000", region: "us-east-1" };
    new CfmStack(app, "CfmBench", { config, env });
    const bareStack = new Stack(app, "CfmBenchBare", { env });
    const bundling = cfmBundling(config, { metafile: true });
    new NodejsFunction(bareStack, "Bare", {
      entry: join(REPO_ROOT, "bench", "bare-handler.ts"),
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, "package-lock.json"),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      environment: { CFM_HANDLER: "bare" },
      bundling,
    });
    const assembly = app.synth();

    const functions = new Map<string, { dir: string; env: Record<string, string> }>();
    for (const artifact of [assembly.getStackByName("CfmBench"), assembly.getStackByName("CfmBenchBare")]) {
      for (const resource of Object.values<Json>(artifact.template.Resources)) {
        if (resource.Type !== "AWS::Lambda::Function") continue;
        const variables: Record<string, Json> = resource.Properties.Environment?.Variables ?? {};
        const handler = variables.CFM_HANDLER;
        const assetPath = resource.Metadata?.["aws:asset:path"];
        if (typeof handler !== "string" || typeof assetPath !== "string") continue;
        functions.set(handler, {
          dir: join(outdir, assetPath),
          env: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, placeholder(k, v)])),
        });
      }
    }
    const bareFn = functions.get("bare");
    if (!bareFn) throw new Error("the bare handler was not bundled");
    const handlers = [...functions.keys()].filter((h) => h !== "bare").sort();
    const file = (handler: string) => join(functions.get(handler)!.dir, "index.mjs");
    const [bareMs, ...coldMs] = coldImports(
      ["bare", ...handlers].map((h) => ({ file: file(h), env: functions.get(h)!.env })),
    );
    const bare = { bytes: statSync(file("bare")).size, coldMs: bareMs! };

    const rows = handlers.map((handler, i): BundleRow => {
      const workflow = (WORKFLOW_HANDLERS as readonly string[]).includes(handler);
      const before = BEFORE[handler] ?? (workflow ? WORKFLOW_BEFORE : { size: "–", cold: "–" });
      return {
        handler,
        bytes: statSync(file(handler)).size,
        mapBytes: statSync(`${file(handler)}.map`).size,
        side: sidePackages(functions.get(handler)!.dir),
        coldMs: coldMs[i]!,
        ratio: coldMs[i]! / bare.coldMs,
        sizeGoal: workflow ? 300 * KB : 1024 * KB,
        sizeBefore: before.size,
        coldBefore: before.cold,
        heaviest: heaviestPackages(join(functions.get(handler)!.dir, "index.meta.json")),
      };
    });
    return { bare, rows };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
