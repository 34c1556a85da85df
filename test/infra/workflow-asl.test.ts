// The state machine definition as CDK synthesizes it is valid Amazon States Language (asl-validator).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { loadConfigText } from "../../functions/domain/config.ts";
import { CfmStack } from "../../infra/cfm-stack.ts";
import { STATE_MACHINE_TIMEOUT } from "../../workflows/complaint-workflow.ts";

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, navigated freely by the assertions
type Json = any;

interface AslValidationResult {
  isValid: boolean;
  errors: unknown[];
  errorsText: (separator?: string) => string;
}
const aslValidator = createRequire(import.meta.url)("asl-validator") as (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => AslValidationResult;

const PSEUDO: Record<string, string> = {
  "AWS::Partition": "aws",
  "AWS::Region": "eu-west-1",
  "AWS::AccountId": "123456789012",
  "AWS::URLSuffix": "amazonaws.com",
};
const PLACEHOLDER_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:placeholder";

/** DefinitionString is a plain string or an Fn::Join of strings and tokens: tokens become placeholders. */
function placeholderDefinition(definitionString: unknown): string {
  if (typeof definitionString === "string") return definitionString;
  const [separator, parts] = (definitionString as { "Fn::Join": [string, unknown[]] })["Fn::Join"];
  return parts
    .map((part) => {
      if (typeof part === "string") return part;
      const ref = (part as { Ref?: string }).Ref;
      return ref && PSEUDO[ref] ? PSEUDO[ref] : PLACEHOLDER_ARN;
    })
    .join(separator);
}

function synthesizedDefinition(file: string) {
  const config = loadConfigText(readFileSync(file, "utf8"), file);
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const template = Template.fromStack(new CfmStack(app, "Cfm", { config }));
  const [machine] = Object.values(template.findResources("AWS::StepFunctions::StateMachine"));
  return JSON.parse(placeholderDefinition(machine?.Properties.DefinitionString)) as Record<string, Json>;
}

describe.each(["config/humanitarian.example.yaml", "config/training-provider.example.yaml"])("%s", (file) => {
  it("synthesizes a valid ASL definition", { timeout: 120_000 }, () => {
    const definition = synthesizedDefinition(file);

    const result = aslValidator(definition, { checkPaths: true, checkArn: true });

    expect(result.errorsText(), "asl-validator").toBe("");
    expect(result.isValid).toBe(true);
    expect(definition.TimeoutSeconds).toBe(STATE_MACHINE_TIMEOUT.toSeconds());
    expect(definition.TimeoutSeconds).toBeLessThan(31_536_000);
  });

  it("calls the workflow Lambdas through the optimized integration, with task-token callbacks", {
    timeout: 120_000,
  }, () => {
    const states = Object.values(synthesizedDefinition(file).States as Record<string, Json>);

    const resources = new Set(states.filter((s) => s.Type === "Task").map((s) => s.Resource));

    expect([...resources].sort()).toEqual([
      "arn:aws:states:::lambda:invoke",
      "arn:aws:states:::lambda:invoke.waitForTaskToken",
    ]);
  });
});
