// The cfm stack: composes one construct per concern. Order matters only where one needs another's output:
// the API exists before the workflow Lambdas (they hold the task base URL, built from the API id), and
// the state machine exists before the Lambdas that start or complete its executions.
import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import type { OrgConfig } from "../functions/domain/config.ts";
import { keys } from "../functions/store/keys.ts";
import { INDEX_SET_ENV } from "../functions/store/table-design.ts";
import { Api, type CustomDomain } from "./constructs/api.ts";
import type { CfmFunction, HandlerName } from "./constructs/cfm-function.ts";
import { Channels } from "./constructs/channels.ts";
import { EmailDomain, Intake } from "./constructs/intake.ts";
import { MailEvents } from "./constructs/mail-events.ts";
import { Monitoring } from "./constructs/monitoring.ts";
import { Reports } from "./constructs/reports.ts";
import { Retention } from "./constructs/retention.ts";
import { Storage, TABLE_WRITE_ACTIONS } from "./constructs/storage.ts";
import { Workflow } from "./constructs/workflow.ts";
import { acknowledgeControlTowerFindings } from "./control-tower.ts";

export interface CfmStackProps extends StackProps {
  config: OrgConfig;
  /** Days a raw received message is kept (default 30). */
  rawMailExpiryDays?: number;
  /** Create the SES domain identity of the intake address (default true). */
  manageEmailIdentity?: boolean;
  /**
   * Create the CloudWatch dashboard (default true). A dashboard costs $3 a month beyond the account's first
   * three, the largest fixed cost at a few hundred complaints a month: `-c cfm:dashboard=false`.
   */
  dashboard?: boolean;
  /** Staff MFA (Cognito TOTP): required by default. */
  staffMfa?: "required" | "optional";
  /** Prefix of the Cognito managed-login domain; default `<stack name>-<account id>`. */
  loginDomainPrefix?: string;
  /** The organisation's host name for the console and task links, with its ACM certificate. */
  customDomain?: CustomDomain;
  /** Issue 18: the stage of the staged index upgrade (Storage; README deploy checklist). Default: the last. */
  indexStage?: number;
}

export class CfmStack extends Stack {
  readonly stateMachine: sfn.StateMachine;
  readonly table: dynamodb.Table;
  /** Every cfm Lambda by handler name (CFM_HANDLER). */
  readonly functions: Readonly<Record<HandlerName, lambda.Function>>;

  constructor(scope: Construct, id: string, props: CfmStackProps) {
    super(scope, id, props);
    const { config } = props;

    const storage = new Storage(this, "Storage", {
      config,
      rawMailExpiryDays: props.rawMailExpiryDays,
      indexStage: props.indexStage,
    });
    const email = new EmailDomain(this, "EmailDomain", { config, manageIdentity: props.manageEmailIdentity });
    const api = new Api(this, "Api", {
      config,
      storage,
      email,
      staffMfa: props.staffMfa,
      loginDomainPrefix: props.loginDomainPrefix,
      customDomain: props.customDomain,
    });
    const workflow = new Workflow(this, "Workflow", {
      config,
      storage,
      email,
      linkSecret: api.linkSecret,
      taskBaseUrl: api.taskBaseUrl,
    });
    api.connectWorkflow(workflow.stateMachine);
    const intake = new Intake(this, "Intake", {
      config,
      storage,
      email,
      stateMachine: workflow.stateMachine,
    });
    const mailEvents = new MailEvents(this, "MailEvents", { config, storage, email });
    const reports = new Reports(this, "Reports", { config, storage, email });
    const retention = new Retention(this, "Retention", { config, storage });
    // Issue 17: SMS, WhatsApp, Kobo and gateway webhooks, each only when the config declares it.
    const channels = new Channels(this, "Channels", {
      config,
      storage,
      email,
      stateMachine: workflow.stateMachine,
      httpApi: api.httpApi,
      linkSecret: api.linkSecret,
      senders: Object.values(workflow.functions),
    });

    const all: CfmFunction[] = [
      ...Object.values(workflow.functions),
      intake.function,
      intake.sweep,
      mailEvents.function,
      api.staffApi,
      api.taskPages,
      api.console,
      api.publicPages,
      reports.function,
      retention.function,
      ...channels.functions,
    ];
    // Issue 12: every function reads the live config (CONFIG/CURRENT, a GetItem its table grant allows) before
    // its invocations; only an operator's `cfm config push` writes it. A function that is compromised or wrong
    // cannot change who receives the cases.
    // Issue 18: until the new indexes are all filled (INDEX_SWITCH_STAGE), the code reads the old ones.
    if (storage.indexStage.reads === "legacy")
      for (const fn of all) fn.fn.addEnvironment(INDEX_SET_ENV, "legacy");
    for (const fn of all)
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: "LiveConfigIsReadOnly",
          effect: iam.Effect.DENY,
          actions: [...TABLE_WRITE_ACTIONS],
          resources: [storage.table.tableArn],
          conditions: { "ForAnyValue:StringEquals": { "dynamodb:LeadingKeys": [keys.configCurrent.pk] } },
        }),
      );
    new Monitoring(this, "Monitoring", {
      config,
      key: storage.key,
      stateMachine: workflow.stateMachine,
      functions: all,
      dashboard: props.dashboard ?? true,
      deadLetterQueues: {
        ...Object.fromEntries(
          all.flatMap((fn) => (fn.failureQueue ? [[fn.handlerName, fn.failureQueue]] : [])),
        ),
        "report-schedules": reports.deadLetterQueue,
        purge: retention.failureQueue,
      },
    });

    this.stateMachine = workflow.stateMachine;
    this.table = storage.table;
    this.functions = Object.fromEntries(all.map((fn) => [fn.handlerName, fn.fn])) as Record<
      HandlerName,
      lambda.Function
    >;

    new CfnOutput(this, "TableName", {
      description:
        "The table holding the cases and the live config: `npx cfm config push FILE --table <this>` puts staff, " +
        "calendar, reminder and report-recipient changes in force without a deploy.",
      value: storage.table.tableName,
    });
    new CfnOutput(this, "MxRecord", {
      description:
        "MX record to publish for the intake address's domain (SES inbound endpoint of this region). It sends " +
        "all mail of that domain to SES: use a subdomain if the domain already receives mail elsewhere.",
      value: `10 inbound-smtp.${this.region}.amazonaws.com`,
    });

    // Last, once every construct exists: the Control Tower findings cfm keeps, each with its reason.
    acknowledgeControlTowerFindings(this);
  }
}
