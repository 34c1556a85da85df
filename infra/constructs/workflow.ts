// The complaint workflow: one Lambda per workflow handler and the Standard state machine whose definition is
// workflows/complaint-workflow.ts (the single source of truth, also run by the local stack).
import { RemovalPolicy } from "aws-cdk-lib";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import type { OrgConfig } from "../../functions/domain/config.ts";
import {
  complaintWorkflow,
  STATE_MACHINE_TIMEOUT,
  WORKFLOW_HANDLERS,
  type WorkflowHandler,
} from "../../workflows/complaint-workflow.ts";
import { acceptIamWildcards, nagArn, REASONS } from "../nag.ts";
import { CfmFunction } from "./cfm-function.ts";
import type { EmailDomain } from "./intake.ts";
import { LOG_RETENTION, type Storage } from "./storage.ts";

export interface WorkflowProps {
  config: OrgConfig;
  storage: Storage;
  email: EmailDomain;
  linkSecret: secretsmanager.ISecret;
  /** Base URL of task links (ends with /t/). */
  taskBaseUrl: string;
}

const DESCRIPTIONS: Record<WorkflowHandler, string> = {
  receive: "records a received complaint and its deadlines (H-A2, T-1)",
  acknowledge: "acknowledges receipt to the complainant (H-A2, T-2)",
  triage: "triage task: category, severity, admissibility (H-B1, T-4, T-5)",
  assign: "assignment task: accept or delegate (H-B3, H-C2, T-7)",
  investigate: "contact and conclusion tasks (H-C3, H-C4)",
  respond: "the response, referral or inadmissibility letter (H-D3, T-9)",
  appeal: "appeal window and appeal decision (H-E1, H-E2, T-11)",
  close: "closure (H-F2, T-12)",
  "needs-attention": "flags a case that could not proceed and tells the coordinator",
};

export class Workflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: Record<WorkflowHandler, CfmFunction>;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const { storage, email, config } = props;

    const environment: Record<string, string> = {
      TABLE_NAME: storage.table.tableName,
      TASK_BASE_URL: props.taskBaseUrl,
      LINK_SECRET_ARN: props.linkSecret.secretArn,
      SES_FROM: email.fromAddress,
      SES_CONFIGURATION_SET: email.configurationSet.configurationSetName,
    };
    const functions = {} as Record<WorkflowHandler, CfmFunction>;
    for (const handler of WORKFLOW_HANDLERS) {
      const fn = new CfmFunction(this, `Handler-${handler}`, {
        handler,
        config,
        key: storage.key,
        description: `cfm workflow: ${DESCRIPTIONS[handler]}`,
        memorySize: 512,
        environment,
      });
      storage.grantTableData(fn.fn, "read-write");
      email.grantSend(fn.fn);
      props.linkSecret.grantRead(fn.fn);
      acceptIamWildcards(fn.role, [
        { finding: `Resource::${nagArn(storage.table)}/index/*`, reason: REASONS.tableIndexes },
      ]);
      functions[handler] = fn;
    }
    this.functions = functions;

    this.logGroup = new logs.LogGroup(this, "ExecutionLogs", {
      retention: LOG_RETENTION,
      encryptionKey: storage.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const fns = Object.fromEntries(WORKFLOW_HANDLERS.map((h) => [h, functions[h].fn])) as Record<
      WorkflowHandler,
      CfmFunction["fn"]
    >;
    this.stateMachine = new sfn.StateMachine(this, "StateMachine", {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(complaintWorkflow(this, fns, config)),
      timeout: STATE_MACHINE_TIMEOUT,
      tracingEnabled: true,
      // Execution data would put case payloads in the logs; state carries ids only, but logs stay metadata.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    acceptIamWildcards(this.stateMachine.role, [
      {
        finding: "Resource::*",
        reason:
          "CloudWatch Logs vended-log delivery (logs:CreateLogDelivery, PutResourcePolicy, ...) and X-Ray do " +
          "not support resource-level permissions: '*' is required for state machine logging and tracing.",
        onlyActions: [
          "logs:CreateLogDelivery",
          "logs:GetLogDelivery",
          "logs:UpdateLogDelivery",
          "logs:DeleteLogDelivery",
          "logs:ListLogDeliveries",
          "logs:PutResourcePolicy",
          "logs:DescribeResourcePolicies",
          "logs:DescribeLogGroups",
          "xray:PutTraceSegments",
          "xray:PutTelemetryRecords",
          "xray:GetSamplingRules",
          "xray:GetSamplingTargets",
        ],
      },
      ...WORKFLOW_HANDLERS.map((h) => ({
        finding: `Resource::${nagArn(functions[h].fn)}:*`,
        reason: REASONS.lambdaVersions,
      })),
    ]);
  }
}
