// Metrics for the alarms (namespace Cfm, EMF through Powertools). Locally (CFM_METRICS=memory) they are kept
// in memory instead, so the local stack and the tests can read what an alarm would have seen.
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

export type MetricName =
  | "ComplaintsReceived"
  | "AcknowledgedLate"
  | "StepOverdue"
  | "DeadlineBreached"
  | "MailQuarantined"
  | "NeedsAttention"
  | "MailNoise"
  | "MailRecovered"
  // Issue 17: SMS, WhatsApp, Kobo and webhook intake and delivery.
  | "SmsSent"
  | "SmsOptOut"
  | "WhatsAppSent"
  | "WhatsAppUndeliverable"
  | "ChannelMessageReceived"
  | "ChannelHookRejected"
  // Issue 12: a pushed live config that does not fit the deployed procedure (the last good one stays).
  | "ConfigRejected";

export interface RecordedMetric {
  name: MetricName;
  dimensions: Record<string, string>;
  at: string;
}

const recorded: RecordedMetric[] = [];
let metrics: Metrics | undefined;

export function emitMetric(name: MetricName, dimensions: Record<string, string> = {}): void {
  if (process.env.CFM_METRICS === "memory") {
    recorded.push({ name, dimensions, at: new Date().toISOString() });
    return;
  }
  metrics ??= new Metrics({ namespace: "Cfm", serviceName: "cfm" });
  const single = metrics.singleMetric();
  for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
  single.addMetric(name, MetricUnit.Count, 1);
}

/** Local stack and tests: the metrics emitted in this process. */
export function recordedMetrics(): readonly RecordedMetric[] {
  return recorded;
}
