// Upgrades never lose data: HEAD's template keeps every stateful resource of infra/stateful-resources.json (same
// logical id, type and removal policies), and a deploy over the released stack (test/infra/baseline/, written
// by `npm run baseline`) replaces or drops none of them. Other resources may come, change and go.
import { readFileSync } from "node:fs";
import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { CfnTable } from "aws-cdk-lib/aws-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfigText } from "../../functions/domain/config.ts";
import {
  FINAL_INDEX_STAGE,
  INDEX_SET_ENV,
  INDEX_STAGES,
  INDEX_SWITCH_STAGE,
  INDEXES,
  LEGACY_INDEXES,
} from "../../functions/store/table-design.ts";
import { Storage } from "../../infra/constructs/storage.ts";
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
    const from = stageOf(baseline);

    // Issue 18: the released table has the old indexes; one deploy of this template would swap all eight, which
    // CloudFormation refuses, so the guard does too; the first stage of cfm:indexStage passes.
    const direct = upgradeProblems(baseline, current);
    const first = synthTemplate(config, undefined, { indexStage: Math.min(from + 1, FINAL_INDEX_STAGE) });
    const problems = upgradeProblems(baseline, first);

    expect(problems, show(problems)).toEqual([]);
    expect(direct).toEqual(
      from === FINAL_INDEX_STAGE
        ? []
        : [
            expect.stringMatching(
              /^StorageTableB43FDCE7 .* one global secondary index per update: deploy the stages/,
            ),
          ],
    );
    // The baseline is the released stack, normalised, and holds the listed resources.
    expect(baseline).toEqual(normaliseTemplate(baseline));
    for (const entry of statefulResources())
      expect(baseline.Resources[entry.logicalId]?.Type).toBe(entry.type);
  }, 300_000);
});

/** The stage of INDEX_STAGES whose indexes a template's table has (-1: none). */
function stageOf(template: CfnTemplate): number {
  const table = Object.values(template.Resources).find((r) => r.Type === "AWS::DynamoDB::Table");
  const names = ((table?.Properties.GlobalSecondaryIndexes ?? []) as Array<{ IndexName: string }>)
    .map((g) => g.IndexName)
    .sort();
  return INDEX_STAGES.findIndex(
    (stage) => JSON.stringify(stage.indexes.map((i) => i.name).sort()) === JSON.stringify(names),
  );
}

/** The storage of the stack alone at one index stage: what the index upgrade changes, synthesized quickly. */
function storageAt(stage: number): CfnTemplate {
  const config = loadConfigText(
    readFileSync(EXAMPLE_CONFIGS.humanitarian, "utf8"),
    EXAMPLE_CONFIGS.humanitarian,
  );
  const stack = new Stack(new App(), "Cfm");
  new Storage(stack, "Storage", { config, indexStage: stage });
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

describe("issue 18: the staged index upgrade (cfm:indexStage)", () => {
  const stages = INDEX_STAGES.map((_, i) => storageAt(i));
  const gsis = (t: CfnTemplate) =>
    Object.values(t.Resources).find((r) => r.Type === "AWS::DynamoDB::Table")?.Properties
      .GlobalSecondaryIndexes as Array<{ IndexName: string }>;

  it("starts at the released indexes, ends at the design, and each stage passes the guard from the one before", () => {
    expect(gsis(stages[0] as CfnTemplate).map((g) => g.IndexName)).toEqual(LEGACY_INDEXES.map((i) => i.name));
    expect(gsis(stages[FINAL_INDEX_STAGE] as CfnTemplate).map((g) => g.IndexName)).toEqual(
      INDEXES.map((i) => i.name),
    );
    for (let i = 1; i < stages.length; i++) {
      const before = new Set(gsis(stages[i - 1] as CfnTemplate).map((g) => g.IndexName));
      const after = new Set(gsis(stages[i] as CfnTemplate).map((g) => g.IndexName));
      const changed =
        [...after].filter((n) => !before.has(n)).length + [...before].filter((n) => !after.has(n)).length;

      expect(changed, `stage ${i}`).toBeLessThanOrEqual(1);
      expect(
        upgradeProblems(stages[i - 1] as CfnTemplate, stages[i] as CfnTemplate, []),
        `stage ${i}`,
      ).toEqual([]);
    }
  });

  it("reads the new indexes only from a stage where all of them exist, in a deploy that changes no index", () => {
    for (const [i, stage] of INDEX_STAGES.entries()) {
      const complete = INDEXES.every((index) => stage.indexes.some((x) => x.name === index.name));
      if (stage.reads === "current") expect(complete, `stage ${i}`).toBe(true);
    }
    expect(INDEX_SWITCH_STAGE).toBeGreaterThan(0);
    expect(gsis(stages[INDEX_SWITCH_STAGE] as CfnTemplate)).toEqual(
      gsis(stages[INDEX_SWITCH_STAGE - 1] as CfnTemplate),
    );
  });

  it("refuses a skipped stage (two indexes in one deploy) and an index changed in place", () => {
    const skipped = upgradeProblems(stages[0] as CfnTemplate, stages[2] as CfnTemplate, []);
    const inPlace = copy(stages[FINAL_INDEX_STAGE] as CfnTemplate);
    const table = Object.values(inPlace.Resources).find((r) => r.Type === "AWS::DynamoDB::Table");
    table!.Properties.GlobalSecondaryIndexes[0].Projection = { ProjectionType: "ALL" };

    expect(skipped).toEqual([
      expect.stringMatching(/create byStatusV2, byAssigneeV2 and delete no index; .* one at a time/),
    ]);
    expect(upgradeProblems(stages[FINAL_INDEX_STAGE] as CfnTemplate, inPlace, [])).toEqual([
      expect.stringMatching(/index byStatusV2 changes its key schema or projection/),
    ]);
  });

  it("tells the functions to read the old indexes until the switch, and nothing after it", () => {
    const legacy = synthTemplate(EXAMPLE_CONFIGS.humanitarian, undefined, {
      indexStage: INDEX_SWITCH_STAGE - 1,
    });
    const functions = (t: CfnTemplate) =>
      Object.values(t.Resources).filter(
        (r) => r.Type === "AWS::Lambda::Function" && r.Properties.Environment?.Variables?.TABLE_NAME,
      );

    expect(functions(legacy).length).toBeGreaterThan(5);
    for (const fn of functions(legacy))
      expect(fn.Properties.Environment.Variables[INDEX_SET_ENV]).toBe("legacy");
    const switched = synthTemplate(EXAMPLE_CONFIGS.humanitarian, undefined, {
      indexStage: INDEX_SWITCH_STAGE,
    });
    for (const fn of functions(switched))
      expect(fn.Properties.Environment.Variables[INDEX_SET_ENV]).toBeUndefined();
  }, 300_000);
});

describe("the upgrade check", () => {
  const baseline = readBaseline("humanitarian");
  let current: CfnTemplate;
  beforeAll(() => {
    // The next deploy from the released stack: the next stage of the index upgrade (issue 18), so that each case
    // below shows only what it changes.
    const stage = Math.min(stageOf(baseline) + 1, FINAL_INDEX_STAGE);
    current = synthTemplate(EXAMPLE_CONFIGS.humanitarian, undefined, { indexStage: stage });
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
