// The ASL that CDK synthesizes for the deployed stack, turned back into plain JSON so aws-local-stepfunctions
// can run it: the one definition, not a copy. Lambda ARNs (CloudFormation tokens) become local ARNs named
// after each function's CFM_HANDLER, which is how the local stack binds a task to its handler module.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { OrgConfig } from "../functions/domain/config.ts";
import { CfmStack } from "../infra/cfm-stack.ts";

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

interface CfnIntrinsic {
  "Fn::GetAtt"?: [string, string];
  Ref?: string;
  "Fn::Join"?: [string, CfnValue[]];
}
type CfnValue = string | CfnIntrinsic;

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
export function synthesizeWorkflow(config: OrgConfig): SynthesizedWorkflow {
  if (process.env.CFM_SYNTH_CACHE === "off") return synthesizeUncached(config);
  const file = join(SYNTH_CACHE_DIR, `${definitionCacheKey(config)}.json`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as SynthesizedWorkflow;
  } catch {
    const synthesized = synthesizeUncached(config);
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

export function synthesizeUncached(config: OrgConfig): SynthesizedWorkflow {
  // Bundling is skipped: only the definition is needed here, not the Lambda assets.
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const stack = new CfmStack(app, "CfmLocal", {
    config,
    env: { account: LOCAL_ACCOUNT, region: LOCAL_REGION },
  });
  const template = Template.fromStack(stack).toJSON() as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const machines = Object.entries(template.Resources).filter(
    ([, r]) => r.Type === "AWS::StepFunctions::StateMachine",
  );
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const [logicalId, machine] = machines[0]!;
  const handlerOf = (id: string): string => {
    const resource = template.Resources[id];
    const env = (resource?.Properties.Environment as { Variables?: Record<string, string> } | undefined)
      ?.Variables;
    return env?.CFM_HANDLER ?? id;
  };
  const resolve = (value: CfnValue): string => {
    if (typeof value === "string") return value;
    const join = (value as CfnIntrinsic)["Fn::Join"] as [string, CfnValue[]] | undefined;
    if (join) return join[1].map(resolve).join(join[0]);
    const getAtt = (value as CfnIntrinsic)["Fn::GetAtt"] as [string, string] | undefined;
    if (getAtt) return localFunctionArn(handlerOf(getAtt[0]));
    if (typeof value.Ref === "string") {
      if (value.Ref === "AWS::Region") return LOCAL_REGION;
      if (value.Ref === "AWS::AccountId") return LOCAL_ACCOUNT;
      if (value.Ref === "AWS::Partition") return "aws";
      if (value.Ref === "AWS::URLSuffix") return "amazonaws.com";
      return value.Ref;
    }
    throw new Error(`cannot resolve ${JSON.stringify(value).slice(0, 200)}`);
  };
  const text = resolve(machine.Properties.DefinitionString as CfnValue);
  return { definition: JSON.parse(text) as AslDefinition, logicalId };
}
