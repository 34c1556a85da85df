// cdk-nag's AwsSolutions pack finds nothing unacknowledged, and every acknowledgment is still needed and says why.
// cdk-nag v3 is a CDK policy-validation plugin: validateScope() runs the same checks as `cdk synth` does.
import { readFileSync } from "node:fs";
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { describe, expect, it } from "vitest";
import { loadConfigText } from "../../functions/domain/config.ts";
import { CfmStack } from "../../infra/cfm-stack.ts";
import { CONTROL_TOWER_PLUGIN } from "../../infra/control-tower.ts";

function synthStack(file: string) {
  const config = loadConfigText(readFileSync(file, "utf8"), file);
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const stack = new CfmStack(app, "Cfm", { config });
  app.synth(); // runs the aspects that acknowledge IAM5 findings (infra/nag.ts)
  return stack;
}

interface Acknowledgment {
  path: string;
  id: string;
  reason: string;
}
function acknowledgments(root: IConstruct): Acknowledgment[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>)
          // Control Tower acknowledgements are checked by control-tower.test.ts.
          .filter(([id]) => !id.startsWith(`${CONTROL_TOWER_PLUGIN}::`))
          .map(([id, reason]) => ({
            path: construct.node.path,
            id: id.replace(/^annotation::/i, ""), // as cdk-nag reads them
            reason,
          })),
      ),
  );
}

describe.each(["config/humanitarian.example.yaml", "config/training-provider.example.yaml"])("%s", (file) => {
  it("has no unacknowledged AwsSolutions errors or warnings", { timeout: 120_000 }, () => {
    const stack = synthStack(file);

    const report = new AwsSolutionsChecks().validateScope(stack);

    const describe = (severity: string) =>
      report.violations
        .filter((v) => v.severity === severity)
        .map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(", ")}`);
    expect(describe("error")).toEqual([]);
    expect(describe("warning")).toEqual([]);
    expect(report.success).toBe(true);
  });

  it("acknowledges only findings that exist, each with a reason", { timeout: 120_000 }, () => {
    const stack = synthStack(file);
    const checks = new AwsSolutionsChecks();
    // Report every finding, acknowledged or not.
    (checks as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
    const findings = checks
      .validateScope(stack)
      .violations.flatMap((v) =>
        v.violatingResources.map((r) => ({ id: v.ruleName, path: r.constructPath ?? "" })),
      );

    const acks = acknowledgments(stack);

    expect(acks.length).toBeGreaterThan(0);
    const stale = acks.filter(
      (ack) =>
        !findings.some((f) => f.id === ack.id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`))),
    );
    expect(stale.map((a) => `${a.id} at ${a.path}`)).toEqual([]);
    for (const ack of acks) expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(60);
  });
});
