// Upgrades never lose data: HEAD's template keeps every stateful resource of infra/stateful-resources.json (same
// logical id, type and removal policies), and a deploy over the released stack (test/infra/baseline/, written
// by `npm run baseline`) replaces or drops none of them. Other resources may come, change and go.
import { readFileSync } from "node:fs";
import type { CfnTable } from "aws-cdk-lib/aws-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import {
  baselinePath,
  type CfnTemplate,
  EXAMPLE_CONFIGS,
  type ExampleName,
  normaliseTemplate,
  STATEFUL_TYPES,
  statefulListProblems,
  statefulResources,
  synthTemplate,
  upgradeProblems,
} from "../../infra/upgrade.ts";

const readBaseline = (name: ExampleName) =>
  JSON.parse(readFileSync(baselinePath(name), "utf8")) as CfnTemplate;
const copy = (t: CfnTemplate) => JSON.parse(JSON.stringify(t)) as CfnTemplate;
const show = (problems: string[]) => `\n${problems.join("\n")}\n`;

describe.each(Object.entries(EXAMPLE_CONFIGS) as [ExampleName, string][])("%s", (name, config) => {
  let current: CfnTemplate;
  beforeAll(() => {
    current = synthTemplate(config);
  }, 300_000);

  it("keeps every stateful resource of infra/stateful-resources.json and lists every one it has", () => {
    const problems = statefulListProblems(current);

    expect(problems, show(problems)).toEqual([]);
  });

  it("upgrades from the released baseline without replacing or dropping a stateful resource", () => {
    const baseline = readBaseline(name);

    const problems = upgradeProblems(baseline, current);

    expect(problems, show(problems)).toEqual([]);
    // The baseline is the released stack, normalised, and holds the listed resources.
    expect(baseline).toEqual(normaliseTemplate(baseline));
    for (const entry of statefulResources())
      expect(baseline.Resources[entry.logicalId]?.Type).toBe(entry.type);
  });
});

describe("the upgrade check", () => {
  const baseline = readBaseline("humanitarian");
  let current: CfnTemplate;
  beforeAll(() => {
    current = synthTemplate(EXAMPLE_CONFIGS.humanitarian);
  }, 300_000);

  it("would have caught a renamed table (a construct moved: new logical id, new empty table)", () => {
    const renamed = synthTemplate(EXAMPLE_CONFIGS.humanitarian, (stack) => {
      (stack.table.node.defaultChild as CfnTable).overrideLogicalId("StorageCasesTable");
    });

    expect(upgradeProblems(baseline, renamed)).toEqual([
      expect.stringMatching(
        /^StorageTableB43FDCE7 \(AWS::DynamoDB::Table\) is gone from the template: CloudFormation would orphan it/,
      ),
    ]);
    expect(statefulListProblems(renamed)).toEqual([
      expect.stringMatching(/^StorageTableB43FDCE7 \(AWS::DynamoDB::Table, holds every case.*\) is missing/),
      expect.stringMatching(
        /^StorageCasesTable \(AWS::DynamoDB::Table\) holds data .* not in infra\/stateful-/,
      ),
    ]);
  }, 300_000);

  it("reports a replacement (a new key schema) and a changed removal policy, not other changes", () => {
    const next = copy(current);
    const table = next.Resources.StorageTableB43FDCE7!;
    table.Properties.KeySchema = [{ AttributeName: "id", KeyType: "HASH" }];
    table.Properties.AttributeDefinitions.push({ AttributeName: "id", AttributeType: "S" });
    next.Resources.StorageAttachments929F3104!.DeletionPolicy = "Delete";
    next.Resources.StorageKeyBAA9457B!.Properties.Description = "a new description: an update in place";

    expect(upgradeProblems(baseline, next)).toEqual([
      "StorageAttachments929F3104 (AWS::S3::Bucket): DeletionPolicy changes from Retain to Delete.",
      "StorageTableB43FDCE7 (AWS::DynamoDB::Table): CloudFormation would replace it (a new, empty resource) " +
        "because of KeySchema.",
    ]);
  });

  it("lets resources that hold no data be added, changed and removed", () => {
    const next = copy(current);
    const functions = Object.keys(next.Resources).filter(
      (id) => next.Resources[id]?.Type === "AWS::Lambda::Function",
    );
    const alarm = Object.keys(next.Resources).find(
      (id) => next.Resources[id]?.Type === "AWS::CloudWatch::Alarm",
    );
    next.Resources[functions[0] as string]!.Properties.MemorySize = 2048;
    next.Resources[functions[1] as string]!.Properties.FunctionName = "renamed-function"; // replaced: allowed
    delete next.Resources[alarm as string];
    next.Resources.NewQueue = { Type: "AWS::SQS::Queue", Properties: {} };

    expect(upgradeProblems(baseline, next)).toEqual([]);
  });

  it("treats every table, key, bucket, user pool, group and secret as stateful, listed or not", () => {
    const next = copy(current);
    const unlisted = {
      ...baseline,
      Resources: { ...baseline.Resources, OldBucket: { Type: "AWS::S3::Bucket" } },
    };

    expect(upgradeProblems(unlisted, next, [])).toEqual([
      expect.stringMatching(
        /^OldBucket \(AWS::S3::Bucket\) is gone from the template: CloudFormation would delete/,
      ),
    ]);
    expect(STATEFUL_TYPES).toEqual(
      expect.arrayContaining(
        [...new Set(statefulResources().map((r) => r.type))].filter((t) => !t.startsWith("AWS::Logs")),
      ),
    );
  });
});
