// The ASL that CDK synthesizes for the deployed stack, turned back into plain JSON so aws-local-stepfunctions
// can run it: the one definition, not a copy. Lambda ARNs (CloudFormation tokens) become local ARNs named
// after each function's CFM_HANDLER, which is how the local stack binds a task to its handler module.
// The synth itself (CDK and the stack's constructs, seconds to load) is in workflow-synth.ts, imported only when
// the cache misses (issue 18: `npm start` from the cache loads none of it).
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { OrgConfig } from "../functions/domain/config.ts";

export const LOCAL_ACCOUNT = "000000000000";
export const LOCAL_REGION = "us-east-1";
export const localFunctionArn = (handler: string) =>
  `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:cfm-${handler}`;
export const handlerOfArn = (arn: string) => /function:cfm-([a-z-]+)/.exec(arn)?.[1] ?? null;

export interface SynthesizedWorkflow {
  definition: AslDefinition;
  /** The logical id of the state machine in the template. */
  logicalId: string;
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  [key: string]: unknown;
}
export type AslState = Record<string, unknown> & { Type: string };

/**
 * Everything the synthesized definition depends on: the CDK app and constructs, the workflow, the domain modules,
 * catalogs, metric names and table design they read, the locked package versions. A change to any of them is a new cache key.
 */
export const DEFINITION_INPUTS = [
  "infra",
  "workflows",
  "functions/domain",
  "functions/store",
  "functions/errors.ts",
  "functions/i18n", // the catalogs cfmBundling compiles into each Lambda (CFM_CATALOGS)
  "functions/lib/metrics.ts", // the metric names the alarms watch
  "local/workflow-definition.ts",
  "local/workflow-synth.ts",
  "package-lock.json",
];
const REPO_ROOT = join(import.meta.dirname, "..");
export const SYNTH_CACHE_DIR = join(REPO_ROOT, "node_modules", ".cache", "cfm-workflow");

function inputFiles(root: string, path: string): string[] {
  const full = join(root, path);
  try {
    return readdirSync(full, { recursive: true, encoding: "utf8" })
      .filter((f) => /\.(ts|json)$/.test(f))
      .map((f) => join(path, f))
      .sort();
  } catch {
    return [path]; // a file
  }
}

/**
 * The cache key of the definition synthesized for `config`: a hash of the config and of every input file (under
 * `root`, the repository; a test hashes a copy).
 */
export function definitionCacheKey(config: OrgConfig, root = REPO_ROOT): string {
  const hash = createHash("sha256").update(JSON.stringify(config));
  for (const file of DEFINITION_INPUTS.flatMap((path) => inputFiles(root, path))) {
    hash.update(file).update(readFileSync(join(root, file)));
  }
  return hash.digest("hex").slice(0, 32);
}

/**
 * The definition CDK synthesizes for `config`, from a cache keyed by definitionCacheKey (a full synth takes
 * seconds; `npm start` and every workflow test need it). CFM_SYNTH_CACHE=off always synthesizes.
 */
export async function synthesizeWorkflow(config: OrgConfig): Promise<SynthesizedWorkflow> {
  const synthesize = async () => (await import("./workflow-synth.ts")).synthesizeUncached(config);
  if (process.env.CFM_SYNTH_CACHE === "off") return synthesize();
  const file = join(SYNTH_CACHE_DIR, `${definitionCacheKey(config)}.json`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as SynthesizedWorkflow;
  } catch {
    const synthesized = await synthesize();
    try {
      mkdirSync(SYNTH_CACHE_DIR, { recursive: true });
      const partial = `${file}.${process.pid}.tmp`;
      writeFileSync(partial, JSON.stringify(synthesized));
      renameSync(partial, file); // atomic: a concurrent reader sees the whole file or none
    } catch {
      // A read-only tree only loses the cache.
    }
    return synthesized;
  }
}
