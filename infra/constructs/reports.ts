// Scheduled reports (R-3, R-5, H-G1, T-14): one EventBridge Scheduler schedule per `reports[]` entry of the
// organisation config, in the organisation's time zone, invoking the reports Lambda with `{ kind }`.
import { Aws, Duration, Stack, TimeZone } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as targets from "aws-cdk-lib/aws-scheduler-targets";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { OrgConfig } from "../../functions/domain/config.ts";
import { acceptIamWildcards, nagArn, REASONS, SQS_KMS_ALLOWANCES, suppress } from "../nag.ts";
import { CfmFunction } from "./cfm-function.ts";
import type { EmailDomain } from "./intake.ts";
import type { Storage } from "./storage.ts";

export interface ReportsProps {
  config: OrgConfig;
  storage: Storage;
  email: EmailDomain;
}

export class Reports extends Construct {
  readonly function: CfmFunction;
  readonly schedules: scheduler.Schedule[];
  /** Invocations EventBridge Scheduler could not deliver after its retries. */
  readonly deadLetterQueue: sqs.Queue;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ReportsProps) {
    super(scope, id);
    const { storage, email, config } = props;

    this.function = new CfmFunction(this, "Reports", {
      handler: "reports",
      config,
      key: storage.key,
      description: "cfm: scheduled reports (pending cases, monthly, quarterly, annual) emailed to staff",
      memorySize: 1024,
      timeout: Duration.minutes(5),
      asyncInvocation: true,
      environment: {
        TABLE_NAME: storage.table.tableName,
        SES_FROM: email.fromAddress,
        SES_CONFIGURATION_SET: email.configurationSet.configurationSetName,
      },
    });
    // Reports read cases by period and status and keep their aggregates (AGG#<period>) in the table.
    storage.grantTableData(this.function.fn, "read-write");
    email.grantSend(this.function.fn);
    acceptIamWildcards(this.function.role, [
      { finding: `Resource::${nagArn(storage.table)}/index/*`, reason: REASONS.tableIndexes },
    ]);

    this.deadLetterQueue = new sqs.Queue(this, "ScheduleDeadLetterQueue", {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: storage.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    suppress(this.deadLetterQueue, [
      {
        id: "AwsSolutions-SQS3",
        reason:
          "This queue is the schedules' dead-letter queue itself; an alarm fires as soon as it holds a message.",
      },
    ]);

    // One role for all report schedules, assumable by EventBridge Scheduler for this account's default schedule
    // group only; it may invoke the reports function and write to the (KMS-encrypted) dead-letter queue.
    const stack = Stack.of(this);
    this.role = new iam.Role(this, "SchedulerRole", {
      description: "cfm: EventBridge Scheduler invokes the reports Lambda",
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", {
        conditions: {
          StringEquals: {
            "aws:SourceAccount": Aws.ACCOUNT_ID,
            "aws:SourceArn": stack.formatArn({
              service: "scheduler",
              resource: "schedule-group",
              resourceName: "default",
            }),
          },
        },
      }),
    });
    this.deadLetterQueue.grantSendMessages(this.role);
    acceptIamWildcards(this.role, [
      { finding: `Resource::${nagArn(this.function.fn)}:*`, reason: REASONS.lambdaVersions },
      ...SQS_KMS_ALLOWANCES,
    ]);

    const timeZone = TimeZone.of(config.organisation.timeZone);
    const seen = new Map<string, number>();
    this.schedules = config.reports.map((report) => {
      // The same kind may be scheduled twice (e.g. to two audiences): the second gets a numbered id.
      const n = (seen.get(report.kind) ?? 0) + 1;
      seen.set(report.kind, n);
      return new scheduler.Schedule(
        this,
        n === 1 ? `Schedule-${report.kind}` : `Schedule-${report.kind}-${n}`,
        {
          description: `cfm ${report.kind} report`,
          schedule: scheduler.ScheduleExpression.expression(report.schedule, timeZone),
          target: new targets.LambdaInvoke(this.function.fn, {
            role: this.role,
            input: scheduler.ScheduleTargetInput.fromObject({ kind: report.kind }),
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts: 2,
            maxEventAge: Duration.hours(6),
          }),
        },
      );
    });
  }
}
