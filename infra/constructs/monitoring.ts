// Monitoring: the alarms that tell the coordinator a deadline was missed or something broke, the SNS topic
// (email) they notify, and a dashboard of the metrics the handlers emit in Embedded Metric Format.
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
import type { CfmFunction } from "./cfm-function.ts";

/**
 * The EMF namespace and the dimension every cfm metric carries. functions/lib/metrics.ts emits through
 * Powertools (`new Metrics({ namespace: "Cfm", serviceName: "cfm" })`), whose default dimension is `service`
 * (lower case) and cannot be dropped; metrics also carry their own dimensions (Step, Channel). Alarms therefore
 * query with Metrics Insights, which sums over every dimension combination, rather than naming one.
 */
export const METRICS_NAMESPACE = "Cfm";
export const SERVICE_DIMENSION = { name: "service", value: "cfm" } as const;
export const CFM_METRICS = [
  "ComplaintsReceived",
  "AcknowledgedLate",
  "StepOverdue",
  "DeadlineBreached",
  "MailQuarantined",
  "NeedsAttention",
  "MailNoise",
  "MailRecovered",
  "SmsSent",
  "SmsOptOut",
  "WhatsAppSent",
  "WhatsAppUndeliverable",
  "ChannelMessageReceived",
  "ChannelHookRejected",
  "ConfigRejected",
] as const;
export type CfmMetricName = (typeof CFM_METRICS)[number];

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
    dashboard.addWidgets(
      graph("Complaints received (by channel)", [cfmSeries("ComplaintsReceived")]),
      graph("Steps overdue (by step)", [cfmSeries("StepOverdue")]),
    );
    dashboard.addWidgets(
      graph("Deadlines breached (by step) / acknowledged late", [
        cfmSeries("DeadlineBreached"),
        cfmSeries("AcknowledgedLate"),
      ]),
      graph("Needs attention / config refused / mail quarantined / noise / recovered by the sweep", [
        cfmSeries("NeedsAttention"),
        cfmSeries("ConfigRejected"),
        cfmSeries("MailQuarantined"),
        cfmSeries("MailNoise"),
        cfmSeries("MailRecovered"),
      ]),
    );
    dashboard.addWidgets(
      graph("SMS / WhatsApp sent, opt-outs, undeliverable", [
        cfmSeries("SmsSent"),
        cfmSeries("SmsOptOut"),
        cfmSeries("WhatsAppSent"),
        cfmSeries("WhatsAppUndeliverable"),
      ]),
      graph("Messages received on the channels (by channel) / hooks refused", [
        cfmSeries("ChannelMessageReceived"),
        cfmSeries("ChannelHookRejected"),
      ]),
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
export function cfmTotal(name: CfmMetricName): cw.MathExpression {
  return new cw.MathExpression({
    expression: `SELECT SUM(${name}) FROM "${METRICS_NAMESPACE}" WHERE ${SERVICE_DIMENSION.name} = '${SERVICE_DIMENSION.value}'`,
    usingMetrics: {},
    period: PERIOD,
    label: `${name} (all)`,
  });
}

/** One cfm metric, one line per dimension value, for the dashboard (SEARCH covers the dashboard's whole range). */
export function cfmSeries(name: CfmMetricName): cw.MathExpression {
  return new cw.MathExpression({
    expression: `SEARCH('Namespace="${METRICS_NAMESPACE}" MetricName="${name}" ${SERVICE_DIMENSION.name}="${SERVICE_DIMENSION.value}"', 'Sum', ${PERIOD.toSeconds()})`,
    usingMetrics: {},
    label: "",
    period: PERIOD,
  });
}
