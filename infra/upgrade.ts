// Upgrades that never lose data. CloudFormation knows a resource only by its logical id: a refactor that moves
// the table, the key, a bucket or the user pool to another construct path gives it a new id, and `cdk deploy`
// then creates a new, empty resource and orphans (Retain) or deletes the old one. Two checks guard against it:
// - infra/stateful-resources.json lists every resource that holds data or identities, with its logical id, type
//   and removal policies; test/infra/upgrade.test.ts fails when the synthesized template no longer matches it or
//   holds a stateful resource that is not listed;
// - test/infra/baseline/<config>.template.json is the released stack, normalised; the test diffs HEAD's template
//   against it with @aws-cdk/cloudformation-diff and fails on any removal or replacement of a stateful resource
//   and any change of its DeletionPolicy/UpdateReplacePolicy. Other changes pass (others change the stack).
// - a table's global secondary indexes: CloudFormation changes none in place (key schema, projection) and creates
//   or deletes one per stack update, else the deploy fails: such a step is reported too, so that an index change
//   goes through the stages of `cfm:indexStage` (table-design.ts INDEX_STAGES, README deploy checklist).
// `npm run baseline` rewrites the baselines: a deliberate step, reviewed with the migration it stands for.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fullDiff, ResourceImpact } from "@aws-cdk/cloudformation-diff";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { loadConfigText } from "../functions/domain/config.ts";
import { CfmStack } from "./cfm-stack.ts";
import { REPO_ROOT } from "./constructs/cfm-function.ts";

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation template JSON, navigated freely
type Json = any;
export type CfnTemplate = {
  Resources: Record<string, { Type: string; [key: string]: Json }>;
  [key: string]: Json;
};

/** Resource types that hold data or identities: every one of them must be listed in stateful-resources.json. */
export const STATEFUL_TYPES = [
  "AWS::DynamoDB::Table",
  "AWS::KMS::Key",
  "AWS::S3::Bucket",
  "AWS::Cognito::UserPool",
  "AWS::Cognito::UserPoolGroup",
  "AWS::SecretsManager::Secret",
] as const;

export interface StatefulResource {
  logicalId: string;
  type: string;
  /** What would be lost if CloudFormation replaced it. */
  holds: string;
  deletionPolicy: "Retain" | "Delete" | "Snapshot" | "RetainExceptOnCreate";
  updateReplacePolicy: "Retain" | "Delete" | "Snapshot";
}

export const STATEFUL_LIST_FILE = "infra/stateful-resources.json";

export function statefulResources(): StatefulResource[] {
  const file = JSON.parse(readFileSync(join(REPO_ROOT, STATEFUL_LIST_FILE), "utf8")) as {
    resources: StatefulResource[];
  };
  return file.resources;
}

/** The example configurations the project ships, each with its committed baseline. */
export const EXAMPLE_CONFIGS = {
  humanitarian: "config/humanitarian.example.yaml",
  "training-provider": "config/training-provider.example.yaml",
} as const;
export type ExampleName = keyof typeof EXAMPLE_CONFIGS;
export const baselinePath = (name: ExampleName) =>
  join(REPO_ROOT, "test", "infra", "baseline", `${name}.template.json`);

/** The stack for a config as `cdk synth` makes it (stack name Cfm), without building the Lambda assets. */
export function synthTemplate(
  configFile: string,
  customise?: (stack: CfmStack) => void,
  options: { indexStage?: number } = {},
): CfnTemplate {
  const path = join(REPO_ROOT, configFile);
  const config = loadConfigText(readFileSync(path, "utf8"), configFile);
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const stack = new CfmStack(app, "Cfm", { config, indexStage: options.indexStage });
  customise?.(stack);
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

/**
 * A template without what changes on every build but says nothing about the deployed resources: asset hashes
 * (Lambda code keys), asset metadata, the CDK bootstrap version check.
 */
export function normaliseTemplate(template: CfnTemplate): CfnTemplate {
  const copy = JSON.parse(JSON.stringify(template)) as CfnTemplate;
  for (const resource of Object.values(copy.Resources)) {
    delete resource.Metadata;
    const code = resource.Properties?.Code;
    if (resource.Type === "AWS::Lambda::Function" && code?.S3Key) code.S3Key = "<asset>.zip";
  }
  delete copy.Parameters?.BootstrapVersion;
  if (copy.Parameters && Object.keys(copy.Parameters).length === 0) delete copy.Parameters;
  delete copy.Rules?.CheckBootstrapVersion;
  if (copy.Rules && Object.keys(copy.Rules).length === 0) delete copy.Rules;
  return copy;
}

interface Gsi {
  IndexName: string;
  KeySchema?: Json;
  Projection?: Json;
}

/**
 * Why CloudFormation would refuse the index changes of one table in one update: an index changed in place (key
 * schema or projection: it needs a new name), or more than one index created or deleted.
 */
export function indexChangeProblems(what: string, before: Json, after: Json): string[] {
  const list = (t: Json) =>
    ((t?.Properties?.GlobalSecondaryIndexes ?? []) as Gsi[]).filter((g) => g?.IndexName);
  const old = new Map(list(before).map((g) => [g.IndexName, g]));
  const now = new Map(list(after).map((g) => [g.IndexName, g]));
  const problems: string[] = [];
  const same = (a: Json, b: Json) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  for (const [name, g] of now) {
    const was = old.get(name);
    if (was && (!same(was.KeySchema, g.KeySchema) || !same(was.Projection, g.Projection)))
      problems.push(
        `${what}: index ${name} changes its key schema or projection, which CloudFormation cannot do in place: ` +
          "create it under a new name (table-design.ts INDEX_STAGES).",
      );
  }
  const created = [...now.keys()].filter((n) => !old.has(n));
  const deleted = [...old.keys()].filter((n) => !now.has(n));
  if (created.length + deleted.length > 1)
    problems.push(
      `${what}: one update would create ${created.join(", ") || "no index"} and delete ${deleted.join(", ") || "no index"}; ` +
        "CloudFormation creates or deletes one global secondary index per update: deploy the stages of " +
        "cfm:indexStage one at a time (README, deploy checklist).",
    );
  return problems;
}

/**
 * What an upgrade from `baseline` to `current` would do to data: one line per stateful resource (listed, or of a
 * stateful type in the baseline) that would be removed, replaced (or might be), change type, or change its
 * DeletionPolicy/UpdateReplacePolicy, and per table whose index changes CloudFormation would refuse
 * (indexChangeProblems). Additions and changes of other resources are not reported.
 */
export function upgradeProblems(
  baseline: CfnTemplate,
  current: CfnTemplate,
  listed: StatefulResource[] = statefulResources(),
): string[] {
  const diff = fullDiff(normaliseTemplate(baseline), normaliseTemplate(current));
  const watched = new Set(listed.map((r) => r.logicalId));
  for (const [id, resource] of Object.entries(baseline.Resources)) {
    if ((STATEFUL_TYPES as readonly string[]).includes(resource.Type)) watched.add(id);
  }
  const problems: string[] = [];
  for (const id of [...watched].sort()) {
    const before = baseline.Resources[id];
    if (!before) continue; // new since the baseline: nothing deployed to lose yet
    const what = `${id} (${before.Type})`;
    const change = diff.resources.changes[id];
    if (!change?.isDifferent) continue;
    if (change.isRemoval) {
      const policy = before.DeletionPolicy ?? "Delete";
      problems.push(
        `${what} is gone from the template: CloudFormation would ${policy === "Delete" ? "delete" : "orphan"} ` +
          "it with its data (a renamed construct or changed logical id makes a new, empty resource).",
      );
      continue;
    }
    if (change.resourceTypeChanged) {
      problems.push(`${what} changes type to ${change.newResourceType}: CloudFormation would replace it.`);
      continue;
    }
    if (
      change.changeImpact === ResourceImpact.WILL_REPLACE ||
      change.changeImpact === ResourceImpact.MAY_REPLACE
    ) {
      const causes = Object.entries(change.propertyUpdates)
        .filter(
          ([, p]) =>
            p.changeImpact === ResourceImpact.WILL_REPLACE || p.changeImpact === ResourceImpact.MAY_REPLACE,
        )
        .map(([name]) => name);
      const verb = change.changeImpact === ResourceImpact.WILL_REPLACE ? "would" : "might";
      problems.push(
        `${what}: CloudFormation ${verb} replace it (a new, empty resource) because of ${causes.join(", ")}.`,
      );
    }
    if (before.Type === "AWS::DynamoDB::Table")
      problems.push(...indexChangeProblems(what, before, current.Resources[id]));
    for (const policy of ["DeletionPolicy", "UpdateReplacePolicy"]) {
      if (before[policy] !== current.Resources[id]?.[policy]) {
        problems.push(
          `${what}: ${policy} changes from ${before[policy] ?? "(none: Delete)"} to ` +
            `${current.Resources[id]?.[policy] ?? "(none: Delete)"}.`,
        );
      }
    }
  }
  return problems;
}

/** Where the synthesized template disagrees with infra/stateful-resources.json. */
export function statefulListProblems(
  current: CfnTemplate,
  listed: StatefulResource[] = statefulResources(),
): string[] {
  const problems: string[] = [];
  for (const entry of listed) {
    const resource = current.Resources[entry.logicalId];
    if (!resource) {
      problems.push(
        `${entry.logicalId} (${entry.type}, holds ${entry.holds}) is missing from the template: its logical id ` +
          "changed or it was removed. Keep its id (overrideLogicalId) or follow 'Upgrades and stateful " +
          "resources' in the README.",
      );
      continue;
    }
    if (resource.Type !== entry.type)
      problems.push(`${entry.logicalId} is now ${resource.Type}, listed as ${entry.type}.`);
    const deletion = resource.DeletionPolicy ?? "Delete";
    const replace = resource.UpdateReplacePolicy ?? "Delete";
    if (deletion !== entry.deletionPolicy || replace !== entry.updateReplacePolicy) {
      problems.push(
        `${entry.logicalId}: DeletionPolicy/UpdateReplacePolicy are ${deletion}/${replace}, listed as ` +
          `${entry.deletionPolicy}/${entry.updateReplacePolicy}.`,
      );
    }
  }
  const ids = new Set(listed.map((r) => r.logicalId));
  for (const [id, resource] of Object.entries(current.Resources)) {
    if ((STATEFUL_TYPES as readonly string[]).includes(resource.Type) && !ids.has(id)) {
      problems.push(
        `${id} (${resource.Type}) holds data or identities but is not in ${STATEFUL_LIST_FILE}: add ` +
          `{ "logicalId": "${id}", "type": "${resource.Type}", "holds": "<what it keeps>", "deletionPolicy": ` +
          `"${resource.DeletionPolicy ?? "Delete"}", "updateReplacePolicy": "${resource.UpdateReplacePolicy ?? "Delete"}" }.`,
      );
    }
  }
  return problems;
}
