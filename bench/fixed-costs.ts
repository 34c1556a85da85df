// What the deployed stack costs each month before any complaint (issue 18), counted from the template CDK
// synthesizes for the humanitarian example (bundling off: only the resources matter): KMS keys, secrets,
// alarms, the custom metrics the handlers send (functions/lib/metrics.ts) and the dashboard. US East list
// prices; the always-free 10 alarm metrics and 10 custom metrics are deducted.
import { readFileSync } from "node:fs";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { loadConfigText } from "../functions/domain/config.ts";
import { ALARMED_METRICS } from "../functions/lib/metrics.ts";
import { CfmStack } from "../infra/cfm-stack.ts";

export const FIXED_PRICE = {
  kmsKey: 1,
  secret: 0.4,
  /** A standard-resolution alarm (one metric) or a Metrics Insights alarm whose query reads one metric. */
  alarmMetric: 0.1,
  freeAlarmMetrics: 10,
  customMetric: 0.3,
  freeCustomMetrics: 10,
  /** Beyond an account's first three dashboards. */
  dashboard: 3,
};

export interface FixedCosts {
  kmsKeys: number;
  secrets: number;
  alarms: number;
  customMetrics: number;
  dashboards: number;
  /** USD a month, the dashboard apart (it is optional: -c cfm:dashboard=false). */
  withoutDashboard: number;
  dashboard: number;
  /** Each cfm Lambda's configured memory (MB), by handler name (its CFM_HANDLER), for the bill's durations. */
  memoryMb: Record<string, number>;
}

export function fixedCosts(configFile = "config/humanitarian.example.yaml"): FixedCosts {
  const config = loadConfigText(readFileSync(configFile, "utf8"), configFile);
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const stack = new CfmStack(app, "CfmCost", {
    config,
    env: { account: "000000000000", region: "us-east-1" },
  });
  const template = Template.fromStack(stack);
  const count = (type: string) => Object.keys(template.findResources(type)).length;
  const alarms = count("AWS::CloudWatch::Alarm");
  // One metric name per alarmed count, with the one `service` dimension: one custom metric each.
  const customMetrics = ALARMED_METRICS.length;
  const kmsKeys = count("AWS::KMS::Key");
  const secrets = count("AWS::SecretsManager::Secret");
  const dashboards = count("AWS::CloudWatch::Dashboard");
  const memoryMb: Record<string, number> = {};
  for (const fn of Object.values(template.findResources("AWS::Lambda::Function"))) {
    const props = fn.Properties as {
      MemorySize?: number;
      Environment?: { Variables?: Record<string, unknown> };
    };
    const handler = props.Environment?.Variables?.CFM_HANDLER;
    // Lambda's default is 128 MB (CDK's own helper functions leave it out).
    if (typeof handler === "string") memoryMb[handler] = props.MemorySize ?? 128;
  }
  const p = FIXED_PRICE;
  const withoutDashboard =
    kmsKeys * p.kmsKey +
    secrets * p.secret +
    Math.max(0, alarms - p.freeAlarmMetrics) * p.alarmMetric +
    Math.max(0, customMetrics - p.freeCustomMetrics) * p.customMetric;
  return {
    kmsKeys,
    secrets,
    alarms,
    customMetrics,
    dashboards,
    withoutDashboard,
    dashboard: dashboards * p.dashboard,
    memoryMb,
  };
}
