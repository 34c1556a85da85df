// Monitoring: the alarms that tell the coordinator a deadline was missed or something broke, the SNS topic
// (email) they notify, and a dashboard of the counts the handlers log (functions/lib/metrics.ts).
import { Aws, CfnOutput, Duration, Stack } from "aws-cdk-lib";
import * as cw from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import type { OrgConfig } from "../../functions/domain/config.ts";
import {
  ALARMED_METRICS,
  type AlarmedMetric,
  COUNT_FIELD,
  LOGGED_COUNTS,
} from "../../functions/lib/metrics.ts";
import { WORKFLOW_HANDLERS } from "../../workflows/complaint-workflow.ts";
import type { CfmFunction } from "./cfm-function.ts";

/**
 * The EMF namespace and the dimension every cfm metric carries. functions/lib/metrics.ts emits through
 * Powertools (`new Metrics({ namespace: "Cfm", serviceName: "cfm" })`), whose default dimension is `service`
 * (lower case) and cannot be dropped. Issue 18: only the counts an alarm watches are metrics, and with that one
 * dimension only (a custom metric per name, inside the free ten); alarms query them with Metrics Insights.
 */
export const METRICS_NAMESPACE = "Cfm";
export const SERVICE_DIMENSION = { name: "service", value: "cfm" } as const;
/** The counts the handlers emit: the alarmed ones as metrics and log lines, the others as log lines only. */
export const CFM_METRICS = [...ALARMED_METRICS, ...LOGGED_COUNTS] as const;
export type CfmMetricName = (typeof CFM_METRICS)[number];

/**
 * Issue 18: the workflow's task Lambdas have no Errors alarm of their own. Each of their tasks retries with
 * backoff and then catches into the needs-attention path, whose NeedsAttention alarm tells the coordinator
 * once per case (and ExecutionsFailed if even that fails); an alarm per Lambda cost $0.10 a month each and
 * also rang for errors a retry had already recovered. The needs-attention Lambda, the last resort, keeps its own.
 */
export const WORKFLOW_TASKS_WITHOUT_ERRORS_ALARM: readonly string[] = WORKFLOW_HANDLERS.filter(
  (h) => h !== "needs-attention",
);

const PERIOD = Duration.minutes(5);

export interface MonitoringProps {
  config: OrgConfig;
  key: kms.IKey;
  stateMachine: sfn.StateMachine;
  functions: CfmFunction[];
  /** Dead-letter queues by name: each gets an alarm at the first message. */
  deadLetterQueues: Record<string, sqs.IQueue>;
  /** Create the dashboard (default true; $3 a month beyond an account's first three). */
  dashboard?: boolean;
}

export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard?: cw.Dashboard;
  readonly alarms: cw.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    // CloudWatch alarms publish to the KMS-encrypted topic: the key must let CloudWatch use it.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudWatchAlarmsPublishToEncryptedTopic",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
        conditions: { StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID } },
      }),
    );
    this.topic = new sns.Topic(this, "AlarmTopic", {
      displayName: `cfm alarms (${props.config.organisation.name})`,
      masterKey: props.key,
      enforceSSL: true,
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.config.organisation.coordinator));
    const notify = new actions.SnsAction(this.topic);

    const alarm = (alarmId: string, metric: cw.IMetric, description: string, threshold = 1) => {
      const created = new cw.Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cw.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(notify);
      this.alarms.push(created);
      return created;
    };

    alarm(
      "StepOverdueAlarm",
      cfmTotal("StepOverdue"),
      "A workflow step passed its deadline (a reminder or escalation was sent).",
    );
    alarm("DeadlineBreachedAlarm", cfmTotal("DeadlineBreached"), "A procedure deadline was breached.");
    alarm(
      "NeedsAttentionAlarm",
      cfmTotal("NeedsAttention"),
      "A case needs attention: its workflow could not proceed.",
    );
    // Issue 15: intake. A quarantined message (virus verdict FAIL) is a complaint nobody reads unless the
    // officer looks; a message recovered by the sweep means intake failed on it for 30 minutes or more.
    alarm(
      "MailQuarantinedAlarm",
      cfmTotal("MailQuarantined"),
      "An inbound message was quarantined (virus verdict FAIL): no case was opened; check the INBOX#…/QUARANTINE record and the raw message.",
    );
    alarm(
      "MailRecoveredAlarm",
      cfmTotal("MailRecovered"),
      "The intake sweep processed an inbound message that had no recorded outcome: intake failed on it before (see the intake-email Lambda's errors).",
    );
    // Issue 17: an operator must act when WhatsApp messages cannot be delivered (no approved template for
    // outside the 24-hour window) or when webhooks are refused (a wrong secret after a rotation, a form
    // changed in Kobo): the payloads are kept for inspection.
    if (props.config.channels.whatsapp)
      alarm(
        "WhatsAppUndeliverableAlarm",
        cfmTotal("WhatsAppUndeliverable"),
        "A WhatsApp message to a complainant could not be sent: outside the 24-hour window with no approved template.",
      );
    if (props.config.channels.kobo || props.config.channels.webhook)
      alarm(
        "ChannelHookRejectedAlarm",
        cfmTotal("ChannelHookRejected"),
        "A Kobo or webhook submission was refused (bad secret or signature, malformed, unknown form); its payload is kept.",
      );
    // Issue 12: a `cfm config push` the Lambdas refused (it does not fit the deployed procedure): staff changes
    // the coordinator expects are not in force.
    alarm(
      "ConfigRejectedAlarm",
      cfmTotal("ConfigRejected"),
      "A pushed configuration (cfm config push) was refused by the Lambdas: the previous one stays in force. See the ERROR log 'live config rejected' for the problems, fix the file and push it again.",
    );
    alarm(
      "ExecutionsFailedAlarm",
      props.stateMachine.metricFailed({ period: PERIOD, statistic: "Sum" }),
      "A complaint workflow execution failed.",
    );
    alarm(
      "ExecutionsTimedOutAlarm",
      props.stateMachine.metricTimedOut({ period: PERIOD, statistic: "Sum" }),
      "A complaint workflow execution reached the state machine timeout.",
    );
    for (const fn of props.functions) {
      if (WORKFLOW_TASKS_WITHOUT_ERRORS_ALARM.includes(fn.handlerName)) continue;
      alarm(
        `ErrorsAlarm-${fn.handlerName}`,
        fn.fn.metricErrors({ period: PERIOD, statistic: "Sum" }),
        `The ${fn.handlerName} Lambda reported errors.`,
      );
    }
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `DeadLetterAlarm-${name}`,
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: "Maximum" }),
        `An asynchronous invocation (${name}) failed after its retries and is waiting in a dead-letter queue.`,
      );
    }

    if (props.dashboard ?? true) this.dashboard = this.createDashboard(props);

    const stack = Stack.of(this);
    if (this.dashboard) {
      new CfnOutput(stack, "DashboardUrl", {
        description: "CloudWatch dashboard of the complaint mechanism",
        value: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.dashboard.dashboardName}`,
      });
    }
    new CfnOutput(stack, "AlarmTopicArn", {
      description: "SNS topic of the alarms (the coordinator must confirm the email subscription)",
      value: this.topic.topicArn,
    });
  }

  private createDashboard(props: MonitoringProps): cw.Dashboard {
    const dashboard = new cw.Dashboard(this, "Dashboard", { defaultInterval: Duration.days(7) });
    const graph = (title: string, metrics: cw.IMetric[]) =>
      new cw.GraphWidget({ title, left: metrics, width: 12, height: 6, period: PERIOD });
    // Issue 18: the counts, from the log lines every handler writes (functions/lib/metrics.ts), by Logs Insights:
    // no custom metric per dimension value, a query (about $0.005 per GB of logs read) only when this is viewed.
    const logGroupNames = props.functions.map((fn) => fn.logGroup.logGroupName);
    const counts = (title: string, names: readonly CfmMetricName[], by: string[]) =>
      new cw.LogQueryWidget({
        title,
        logGroupNames,
        view: cw.LogQueryVisualizationType.TABLE,
        width: 12,
        height: 6,
        queryLines: [
          `filter ${SERVICE_DIMENSION.name} = "${SERVICE_DIMENSION.value}" and ${COUNT_FIELD} in [${names.map((n) => `"${n}"`).join(", ")}]`,
          `stats count(*) as count by ${[COUNT_FIELD, ...by].join(", ")}`,
          `sort ${COUNT_FIELD} asc`,
        ],
      });
    dashboard.addWidgets(
      counts("Complaints received (by channel)", ["ComplaintsReceived"], ["Channel"]),
      counts(
        "Steps overdue, deadlines breached (by step), acknowledged late",
        ["StepOverdue", "DeadlineBreached", "AcknowledgedLate"],
        ["Step"],
      ),
    );
    dashboard.addWidgets(
      counts(
        "Needs attention, config refused, mail quarantined, noise, recovered by the sweep",
        ["NeedsAttention", "ConfigRejected", "MailQuarantined", "MailNoise", "MailRecovered"],
        ["Kind"],
      ),
      counts(
        "SMS and WhatsApp sent, opt-outs, undeliverable, messages received, hooks refused",
        [
          "SmsSent",
          "SmsOptOut",
          "WhatsAppSent",
          "WhatsAppUndeliverable",
          "ChannelMessageReceived",
          "ChannelHookRejected",
        ],
        ["Channel", "Kind", "Hook"],
      ),
    );
    dashboard.addWidgets(
      graph("Workflow executions", [
        props.stateMachine.metricStarted({ period: PERIOD, statistic: "Sum" }),
        props.stateMachine.metricSucceeded({ period: PERIOD, statistic: "Sum" }),
        props.stateMachine.metricFailed({ period: PERIOD, statistic: "Sum" }),
        props.stateMachine.metricTimedOut({ period: PERIOD, statistic: "Sum" }),
      ]),
      graph(
        "Lambda errors",
        props.functions.map((fn) =>
          fn.fn.metricErrors({ period: PERIOD, statistic: "Sum", label: fn.handlerName }),
        ),
      ),
    );
    dashboard.addWidgets(
      new cw.AlarmStatusWidget({ title: "Alarms", alarms: this.alarms, width: 24, height: 6 }),
    );

    return dashboard;
  }
}

/** One cfm metric summed over all its dimension values (Step, Channel...), for an alarm: Metrics Insights. */
export function cfmTotal(name: AlarmedMetric): cw.MathExpression {
  return new cw.MathExpression({
    expression: `SELECT SUM(${name}) FROM "${METRICS_NAMESPACE}" WHERE ${SERVICE_DIMENSION.name} = '${SERVICE_DIMENSION.value}'`,
    usingMetrics: {},
    period: PERIOD,
    label: `${name} (all)`,
  });
}
