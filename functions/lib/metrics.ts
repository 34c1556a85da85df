// Counts of what happened (namespace Cfm). Locally (CFM_METRICS=memory) they are kept in memory instead, so the
// local stack and the tests can read what an alarm would have seen.
//
// Issue 18, price: each metric name × dimension combination CloudWatch receives is a custom metric ($0.30 a
// month beyond an account's first ten). So only the counts an alarm watches (ALARMED_METRICS) become metrics,
// in Embedded Metric Format through Powertools, each with Powertools' one `service` dimension: eight custom
// metrics at most, inside the free ten. Their other dimensions (Step, Channel, Kind…) go in the same log line
// as plain properties, and every other count is a log line only. The dashboard counts all of them with Logs
// Insights (`cfmCount`, infra/constructs/monitoring.ts), which costs only when it is looked at.
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

/** The counts an alarm watches (infra/constructs/monitoring.ts): the only ones sent as CloudWatch metrics. */
export const ALARMED_METRICS = [
  "StepOverdue",
  "DeadlineBreached",
  "NeedsAttention",
  "MailQuarantined",
  "MailRecovered",
  // Issue 17: SMS, WhatsApp, Kobo and webhook intake and delivery.
  "WhatsAppUndeliverable",
  "ChannelHookRejected",
  // Issue 12: a pushed live config that does not fit the deployed procedure (the last good one stays).
  "ConfigRejected",
] as const;

/** Counts kept in the logs only (the dashboard's Logs Insights widgets). */
export const LOGGED_COUNTS = [
  "ComplaintsReceived",
  "AcknowledgedLate",
  "MailNoise",
  "SmsSent",
  "SmsOptOut",
  "WhatsAppSent",
  "ChannelMessageReceived",
] as const;

export type AlarmedMetric = (typeof ALARMED_METRICS)[number];
export type MetricName = AlarmedMetric | (typeof LOGGED_COUNTS)[number];

/** The log field that names a count, on every count's log line (EMF or not): what the dashboard queries. */
export const COUNT_FIELD = "cfmCount";

export interface RecordedMetric {
  name: MetricName;
  dimensions: Record<string, string>;
  at: string;
}

const recorded: RecordedMetric[] = [];
let metrics: Metrics | undefined;
const alarmed = new Set<string>(ALARMED_METRICS);

export function emitMetric(name: MetricName, dimensions: Record<string, string> = {}): void {
  if (process.env.CFM_METRICS === "memory") {
    recorded.push({ name, dimensions, at: new Date().toISOString() });
    return;
  }
  if (!alarmed.has(name)) {
    // One JSON line on stdout, as Powertools writes its own (Logs Insights reads its fields).
    process.stdout.write(`${JSON.stringify({ [COUNT_FIELD]: name, service: "cfm", ...dimensions })}\n`);
    return;
  }
  metrics ??= new Metrics({ namespace: "Cfm", serviceName: "cfm" });
  const single = metrics.singleMetric();
  single.addMetadata(COUNT_FIELD, name);
  for (const [key, value] of Object.entries(dimensions)) single.addMetadata(key, value);
  single.addMetric(name, MetricUnit.Count, 1);
}

/** Local stack and tests: the metrics emitted in this process. */
export function recordedMetrics(): readonly RecordedMetric[] {
  return recorded;
}
