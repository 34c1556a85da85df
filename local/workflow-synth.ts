// The CDK synth of the local workflow definition (local/workflow-definition.ts): the deployed stack's template,
// its state machine's DefinitionString resolved to plain ASL. Imported only when the definition cache misses.
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { OrgConfig } from "../functions/domain/config.ts";
import { CfmStack } from "../infra/cfm-stack.ts";
import {
  type AslDefinition,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  localFunctionArn,
  type SynthesizedWorkflow,
} from "./workflow-definition.ts";

interface CfnIntrinsic {
  "Fn::GetAtt"?: [string, string];
  Ref?: string;
  "Fn::Join"?: [string, CfnValue[]];
}
type CfnValue = string | CfnIntrinsic;

export function synthesizeUncached(config: OrgConfig): SynthesizedWorkflow {
  // Bundling is skipped: only the definition is needed here, not the Lambda assets. So is CDK's built-in
  // CloudFormation validation (a WebAssembly engine: about 12 s of CPU on a loaded machine, most of a synth):
  // `cdk synth` and the infra tests validate the deployed template.
  const app = new App({
    context: { "aws:cdk:bundling-stacks": [] },
    builtinCloudFormationValidation: false,
  });
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
