// AWS Control Tower's proactive controls (cfn-guard rules) on the synthesized stack, as `npx cdk synth` runs them:
// every finding is fixed or acknowledged, with its reason, in infra/control-tower.ts; no acknowledgement is stale;
// the fixed controls stay fixed; and a new unacknowledged finding fails with a message saying where to act.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, CfnElement, type IPolicyValidationContext, Stack, Validations } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct, type IConstruct } from "constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfigText } from "../../functions/domain/config.ts";
import { CfmStack } from "../../infra/cfm-stack.ts";
import {
  acknowledgeControlTowerFindings,
  CONTROL_TOWER_ACKNOWLEDGEMENTS,
  CONTROL_TOWER_PLUGIN,
  type ControlTowerAcknowledgement,
  ControlTowerChecks,
  constructsAt,
} from "../../infra/control-tower.ts";

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, navigated freely by the assertions
type Json = any;

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

interface Finding {
  control: string;
  /** Construct path under the stack, without a trailing `/Resource`. */
  path: string;
  logicalId: string;
  type: string;
  description: string;
  fix: string;
}

/** Runs the plugin on the stack's synthesized template and names each finding by its construct. */
function findingsOf(stack: Stack, templatePath: string): Finding[] {
  const template = JSON.parse(readFileSync(templatePath, "utf8")) as { Resources: Record<string, Json> };
  const pathOf = new Map(
    stack.node
      .findAll()
      .filter((c): c is CfnElement => CfnElement.isCfnElement(c))
      .map((c) => [stack.resolve(c.logicalId) as string, c.node.path]),
  );
  const report = new ControlTowerChecks().validate({
    templatePaths: [templatePath],
  } as IPolicyValidationContext);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => {
      const logicalId = r.resourceLogicalId ?? "";
      const full = pathOf.get(logicalId) ?? logicalId;
      return {
        control: v.ruleName,
        path: full.slice(stack.node.path.length + 1).replace(/\/Resource$/, ""),
        logicalId,
        type: template.Resources[logicalId]?.Type ?? "?",
        description: v.description,
        fix: v.fix ?? "",
      };
    }),
  );
}

/** Control Tower acknowledgements recorded on the stack's constructs: control id → construct paths. */
function acknowledged(stack: Stack): Map<string, Set<string>> {
  const acks = new Map<string, Set<string>>();
  for (const construct of stack.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const id of Object.keys(entry.data as Record<string, string>)) {
        const prefix = `${CONTROL_TOWER_PLUGIN}::`;
        if (!id.startsWith(prefix)) continue;
        const control = id.slice(prefix.length);
        acks.set(control, (acks.get(control) ?? new Set()).add(construct.node.path));
      }
    }
  }
  return acks;
}

/** As CDK applies an acknowledgement: on the construct itself or any ancestor. */
function isAcknowledged(stack: Stack, acks: Map<string, Set<string>>, finding: Finding): boolean {
  const paths = acks.get(finding.control);
  if (!paths) return false;
  const segments = `${stack.node.path}/${finding.path}`.split("/");
  return segments.some((_, i) => paths.has(segments.slice(0, i + 1).join("/")));
}

/** One paragraph per unacknowledged finding, saying exactly what to change and where. */
function explain(finding: Finding): string {
  return [
    `${finding.control} on ${finding.path} (${finding.type} ${finding.logicalId}): ${finding.description}`,
    `  Fix the resource: ${finding.fix}`,
    "  or, if the finding is a deliberate choice, add to CONTROL_TOWER_ACKNOWLEDGEMENTS in infra/control-tower.ts:",
    `    { control: "${finding.control}", paths: ["${finding.path}"], reason: "<why this is safe, for a reviewer>" },`,
  ].join("\n");
}

function synth(file: string) {
  const config = loadConfigText(readFileSync(file, "utf8"), file);
  const outdir = mkdtempSync(join(tmpdir(), "cfm-ct-"));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { "aws:cdk:bundling-stacks": [] } });
  const stack = new CfmStack(app, "Cfm", { config });
  const assembly = app.synth();
  const templatePath = assembly.getStackByName(stack.stackName).templateFullPath;
  return { stack, templatePath, template: JSON.parse(readFileSync(templatePath, "utf8")) as Json };
}

describe.each(["config/humanitarian.example.yaml", "config/training-provider.example.yaml"])("%s", (file) => {
  let stack: Stack;
  let template: Json;
  let findings: Finding[];
  beforeAll(() => {
    const synthesized = synth(file);
    stack = synthesized.stack;
    template = synthesized.template;
    findings = findingsOf(stack, synthesized.templatePath);
  }, 300_000);

  it("fixes or acknowledges every Control Tower finding (infra/control-tower.ts)", () => {
    const acks = acknowledged(stack);

    const open = findings.filter((f) => !isAcknowledged(stack, acks, f)).map(explain);

    expect(findings.length).toBeGreaterThan(0); // the rules did run
    expect(open, `\n${open.join("\n\n")}\n`).toEqual([]);
  });

  it("keeps no stale acknowledgement: each path names a construct that has that finding", () => {
    const stale = CONTROL_TOWER_ACKNOWLEDGEMENTS.flatMap((ack) =>
      ack.paths.flatMap((glob) => {
        const constructs = constructsAt(stack, glob);
        if (constructs.length === 0) return [`${ack.control} "${glob}": no construct at this path`];
        const relative = (c: IConstruct) => c.node.path.slice(stack.node.path.length + 1);
        return constructs
          .filter(
            (c) =>
              !findings.some(
                (f) =>
                  f.control === ack.control &&
                  (f.path === relative(c) || f.path.startsWith(`${relative(c)}/`)),
              ),
          )
          .map((c) => `${ack.control} "${glob}": ${relative(c)} has no such finding any more`);
      }),
    );

    expect(stale).toEqual([]);
    for (const ack of CONTROL_TOWER_ACKNOWLEDGEMENTS) expect(ack.reason.length).toBeGreaterThanOrEqual(120);
  });

  it("keeps audit log groups a year (CT.CLOUDWATCH.PR.2 fixed; T-12 keeps the cases themselves 5 years)", () => {
    const groups = Object.entries(template.Resources as Record<string, Json>).filter(
      ([, r]) => r.Type === "AWS::Logs::LogGroup",
    );

    expect(groups.length).toBeGreaterThan(0);
    for (const [id, group] of groups)
      expect(group.Properties.RetentionInDays, id).toBeGreaterThanOrEqual(365);
    expect(findings.filter((f) => f.control === "CT.CLOUDWATCH.PR.2")).toEqual([]);
  });

  it("lets only AWS services create grants on the key (CT.KMS.PR.3 fixed)", () => {
    const keys = Object.values(template.Resources as Record<string, Json>).filter(
      (r) => r.Type === "AWS::KMS::Key",
    );

    for (const key of keys) {
      expect(key.Properties.KeyPolicy.Statement).toContainEqual(
        expect.objectContaining({
          Effect: "Deny",
          Principal: { AWS: "*" },
          Action: "kms:CreateGrant",
          Resource: "*",
          Condition: {
            BoolIfExists: { "kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false" },
          },
        }),
      );
    }
    expect(findings.filter((f) => f.control === "CT.KMS.PR.3")).toEqual([]);
  });

  it("limits every Lambda permission to this account's API, receipt rule or rule (why CT.LAMBDA.PR.2 is kept)", () => {
    const permissions = Object.entries(template.Resources as Record<string, Json>).filter(
      ([, r]) => r.Type === "AWS::Lambda::Permission",
    );
    const api = Object.keys(template.Resources).find(
      (id) => template.Resources[id].Type === "AWS::ApiGatewayV2::Api",
    );

    expect(permissions.length).toBeGreaterThan(0);
    for (const [id, permission] of permissions) {
      const p = permission.Properties;
      const sourceArn = JSON.stringify(p.SourceArn ?? null);
      if (p.Principal === "apigateway.amazonaws.com") {
        expect(sourceArn, id).toContain('{"Ref":"AWS::AccountId"}');
        expect(sourceArn, id).toContain(`":execute-api:"`);
        expect(sourceArn, id).toContain(`{"Ref":"${api}"}`);
      } else if (p.Principal === "ses.amazonaws.com") {
        expect(sourceArn, id).toContain('{"Ref":"AWS::AccountId"}');
        expect(sourceArn, id).toContain(":receipt-rule-set/");
        expect(p.SourceAccount, id).toEqual({ Ref: "AWS::AccountId" });
      } else {
        // Any other service (e.g. an EventBridge rule): SourceArn is a resource of this stack, which the rule
        // itself accepts.
        const target = p.SourceArn?.["Fn::GetAtt"]?.[0] ?? p.SourceArn?.Ref;
        expect(template.Resources[target], `${id}: SourceArn ${sourceArn}`).toBeDefined();
      }
    }
  });
});

describe("a resource added without a fix or an acknowledgement", () => {
  /** A stack with one S3 bucket (SSE-S3, no logging, no KMS) at Storage/Uploads, acknowledged as `acks` says. */
  function probe(acks: ControlTowerAcknowledgement[]) {
    const outdir = mkdtempSync(join(tmpdir(), "cfm-ct-probe-"));
    outdirs.push(outdir);
    const app = new App({ outdir });
    const stack = new Stack(app, "Probe");
    new s3.Bucket(new Construct(stack, "Storage"), "Uploads", { enforceSSL: true });
    acknowledgeControlTowerFindings(stack, acks);
    return { app, stack };
  }

  it("is reported with its control, its construct and where to add the fix or acknowledgement", () => {
    const { app, stack } = probe([]);
    const templatePath = app.synth().getStackByName("Probe").templateFullPath;

    const messages = findingsOf(stack, templatePath)
      .filter((f) => !isAcknowledged(stack, acknowledged(stack), f))
      .map(explain);

    const kms = messages.find((m) => m.startsWith("CT.S3.PR.10 on Storage/Uploads (AWS::S3::Bucket "));
    expect(kms).toContain("Fix the resource: ");
    expect(kms).toContain("add to CONTROL_TOWER_ACKNOWLEDGEMENTS in infra/control-tower.ts");
    expect(kms).toContain('{ control: "CT.S3.PR.10", paths: ["Storage/Uploads"], reason:');
  });

  it("fails `cdk synth` until each of its findings is acknowledged", () => {
    const failing = probe([]);
    Validations.of(failing.app).addPlugins(new ControlTowerChecks());
    expect(() => failing.app.synth()).toThrow(/CT\.S3\.PR\.10/);

    const { app, stack } = probe([]);
    const controls = new Set(
      findingsOf(stack, app.synth().getStackByName("Probe").templateFullPath).map((f) => f.control),
    );
    const passing = probe(
      [...controls].map((control) => ({ control, paths: ["Storage/Uploads"], reason: "probe" })),
    );
    Validations.of(passing.app).addPlugins(new ControlTowerChecks());
    expect(controls.size).toBeGreaterThan(1);
    expect(() => passing.app.synth()).not.toThrow();
  });
});
