// cdk-nag (AwsSolutions pack, cdk-nag v3) acknowledgments. Each one says why the finding does not apply or
// is accepted, and is attached to the construct it is about (and its children), never to the whole stack.
//
// cdk-nag v3 runs as a CDK policy-validation plugin (`Validations.of(app).addPlugins(...)`) and reads
// acknowledgments from `Validations.of(construct).acknowledge(...)`. An IAM5 (wildcard) finding is
// acknowledged one exact finding at a time (`AwsSolutions-IAM5[Resource::<Table.Arn>/index/*]`); since those
// strings contain logical ids and only exist once every grant is made, acceptIamWildcards() computes them with
// cdk-nag's own rule in an aspect (run at synthesis, before validation) and acknowledges only the findings
// that match an allowance given here with its reason. Anything else stays a finding and fails the nag test.
import { Aspects, type CfnElement, CfnResource, type IAspect, Stack, Validations } from "aws-cdk-lib";
import { rules } from "cdk-nag";
import type { IConstruct } from "constructs";

export interface Suppression {
  id: string;
  reason: string;
}

export function suppress(construct: IConstruct, suppressions: Suppression[]): void {
  Validations.of(construct).acknowledge(...suppressions);
}

export interface WildcardAllowance {
  /** The finding after `AwsSolutions-IAM5[...]`: exact (`Resource::*`) or a pattern. */
  finding: string | RegExp;
  reason: string;
  /** For `Resource::*`: accepted only if every statement on '*' grants nothing but these actions. */
  onlyActions?: string[];
}

/** Acknowledge the IAM5 findings of `scope`'s IAM policies that match an allowance (see the header). */
export function acceptIamWildcards(scope: IConstruct, allowances: WildcardAllowance[]): void {
  Aspects.of(scope).add(new AcceptIamWildcards(allowances));
}

class AcceptIamWildcards implements IAspect {
  constructor(private readonly allowances: WildcardAllowance[]) {}

  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    const result = rules.iam.IAMNoWildcardPermissions(node);
    if (!Array.isArray(result)) return;
    for (const finding of result) {
      const allowance = this.allowances.find(
        (a) =>
          (typeof a.finding === "string" ? a.finding === finding : a.finding.test(finding)) &&
          (!a.onlyActions || starActions(node).every((action) => a.onlyActions?.includes(action))),
      );
      if (allowance) suppress(node, [{ id: `AwsSolutions-IAM5[${finding}]`, reason: allowance.reason }]);
    }
  }
}

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: unknown;
}

/** The actions an IAM policy resource allows on Resource '*'. */
function starActions(node: CfnResource): string[] {
  const document = Stack.of(node).resolve((node as unknown as { policyDocument?: unknown }).policyDocument) as
    | { Statement?: Statement[] }
    | undefined;
  const list = <T>(value: T | T[] | undefined): T[] =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];
  return (document?.Statement ?? [])
    .filter((s) => s.Effect === "Allow" && list(s.Resource).includes("*"))
    .flatMap((s) => list(s.Action));
}

/** How cdk-nag spells `Fn::GetAtt [<construct's resource>, Arn]` in a finding: `<LogicalId.Arn>`. */
export function nagArn(construct: IConstruct): string {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource))
    throw new Error(`${construct.node.path} has no CfnResource`);
  return `<${Stack.of(construct).getLogicalId(resource as CfnElement)}.Arn>`;
}

export const REASONS = {
  xray:
    "AWS X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions (the service " +
    "authorization reference lists no resource type), so '*' is the only possible resource.",
  tableIndexes:
    "Query on the table's global secondary indexes (byStatusV2, byAssigneeV2, byDeadlineV2, byPeriodV2, and the " +
    "old byStatus, byAssignee, byDeadline, byPeriod during the staged upgrade): the grant is " +
    "limited to this table's own indexes (<table arn>/index/*).",
  kmsDataKeys:
    "kms:GenerateDataKey* and kms:ReEncrypt* come from CDK's grantSendMessages on a KMS-encrypted SQS queue " +
    "(a dead-letter destination); the grant is limited to the stack's one customer-managed key.",
  objectKeys:
    "Object-level S3 permissions on a key prefix of one bucket: objects are named per message or attachment, " +
    "so they cannot be listed in advance.",
  lambdaVersions:
    "Invoke permission on one function and its versions/aliases (<function arn>:*), as CDK grants it; limited " +
    "to that one function.",
  describeExecution:
    "states:DescribeExecution on the executions of the complaint state machine (execution names are case " +
    "references, known only at run time): intake and the staff API check an already-started execution.",
  latestRuntime:
    "nodejs22.x is the runtime the handlers are written and tested for (ESM bundles, the local stack); moving to " +
    "a newer Node.js runtime is a deliberate upgrade with its own test run.",
} as const;

/** `<state machine's executions>:*` as cdk-nag flattens StateMachine.grantExecution's resource. */
export const EXECUTIONS_FINDING =
  /^Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:.+:\*$/;

/** Every cfm Lambda role: X-Ray tracing ('*' limited to the two X-Ray write actions). */
export const XRAY_ALLOWANCE: WildcardAllowance = {
  finding: "Resource::*",
  reason: REASONS.xray,
  onlyActions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
};

/** Roles that send to a KMS-encrypted SQS queue (CDK's grantSendMessages). */
export const SQS_KMS_ALLOWANCES: WildcardAllowance[] = [
  { finding: "Action::kms:GenerateDataKey*", reason: REASONS.kmsDataKeys },
  { finding: "Action::kms:ReEncrypt*", reason: REASONS.kmsDataKeys },
];
