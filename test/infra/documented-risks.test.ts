// Three things nobody here can try without an AWS account, each settled from AWS's documentation and encoded in
// the template (README, "Deployment assurance"):
// 1. SES writes received mail to the SSE-KMS raw-mail bucket: SES Developer Guide, "Give SES permission to write
//    to your Amazon S3 bucket" and "Give SES permission to use your AWS KMS key" (server-side encryption case).
// 2. The Metrics Insights alarm queries: CloudWatch User Guide, "Create a CloudWatch alarm based on a Metrics
//    Insights query", "Metrics Insights query components and syntax", alarm limits (3 hours of data).
// 3. The resource of SendTaskSuccess/SendTaskFailure: Service Authorization Reference for AWS Step Functions (no
//    resource type listed: "you must specify all resources ("*") in your policy").
import { readFileSync } from "node:fs";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfigText } from "../../functions/domain/config.ts";
import { CfmStack } from "../../infra/cfm-stack.ts";
import { TASK_RESPONSE_ACTIONS } from "../../infra/constructs/api.ts";
import { CFM_METRICS, METRICS_NAMESPACE, SERVICE_DIMENSION } from "../../infra/constructs/monitoring.ts";

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, navigated freely by the assertions
type Json = any;

let template: Json;
let stack: CfmStack;
beforeAll(() => {
  const file = "config/humanitarian.example.yaml";
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  stack = new CfmStack(app, "Cfm", { config: loadConfigText(readFileSync(file, "utf8"), file) });
  template = Template.fromStack(stack).toJSON();
}, 300_000);

const ofType = (type: string) =>
  Object.entries(template.Resources as Record<string, Json>).filter(([, r]) => r.Type === type);
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const statements = (type: string, policyProperty: string) =>
  ofType(type).flatMap(([, r]) => r.Properties[policyProperty].Statement as Json[]);

describe("SES stores received mail in the SSE-KMS raw-mail bucket", () => {
  const receiptRuleArn = () => {
    const [[, rule]] = ofType("AWS::SES::ReceiptRule") as [[string, Json]];
    const [[, ruleSet]] = ofType("AWS::SES::ReceiptRuleSet") as [[string, Json]];
    return { rule, ruleSet };
  };

  it("the S3 action names the bucket and prefix and no KmsKeyArn (that would be client-side encryption)", () => {
    const { rule } = receiptRuleArn();
    const s3 = rule.Properties.Rule.Actions.find((a: Json) => a.S3Action)?.S3Action;

    expect(s3.BucketName).toEqual({
      Ref: stack.getLogicalId(
        stack.node.findChild("Storage").node.findChild("RawMail").node.defaultChild as never,
      ),
    });
    expect(s3.ObjectKeyPrefix).toBe("raw/");
    expect(s3.KmsKeyArn).toBeUndefined();
    expect(s3.IamRoleArn).toBeUndefined(); // SES writes as its service principal, under the bucket policy
  });

  it("the bucket policy lets ses.amazonaws.com put objects under raw/ for this account and this receipt rule", () => {
    const { rule, ruleSet } = receiptRuleArn();
    const allow = statements("AWS::S3::BucketPolicy", "PolicyDocument").find(
      (s) => s.Effect === "Allow" && s.Principal?.Service === "ses.amazonaws.com",
    );

    expect(allow.Action).toBe("s3:PutObject");
    expect(JSON.stringify(allow.Resource)).toContain("/raw/*");
    const sourceArn = JSON.stringify(allow.Condition.StringEquals["AWS:SourceArn"]);
    expect(allow.Condition.StringEquals["AWS:SourceAccount"]).toEqual({ Ref: "AWS::AccountId" });
    expect(sourceArn).toContain(
      `:receipt-rule-set/${ruleSet.Properties.RuleSetName}:receipt-rule/${rule.Properties.Rule.Name}`,
    );
  });

  it("the key policy lets SES generate data keys and decrypt (multipart), only for this account and rule", () => {
    const { rule, ruleSet } = receiptRuleArn();
    const keyStatements = statements("AWS::KMS::Key", "KeyPolicy");
    const ses = keyStatements.filter((s) => s.Principal?.Service === "ses.amazonaws.com");

    expect(ses).toHaveLength(1);
    expect(list(ses[0].Action).sort()).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
    expect(ses[0].Condition.StringEquals["AWS:SourceAccount"]).toEqual({ Ref: "AWS::AccountId" });
    expect(JSON.stringify(ses[0].Condition.StringEquals["AWS:SourceArn"])).toContain(
      `:receipt-rule-set/${ruleSet.Properties.RuleSetName}:receipt-rule/${rule.Properties.Rule.Name}`,
    );
    // The grant deny (CT.KMS.PR.3) concerns CreateGrant only, never the data-key actions SES needs.
    const denies = keyStatements.filter((s) => s.Effect === "Deny");
    for (const deny of denies) expect(list(deny.Action)).toEqual(["kms:CreateGrant"]);
  });

  it("the bucket encrypts with that key by default, with an S3 Bucket Key", () => {
    const raw = stack.node.findChild("Storage").node.findChild("RawMail").node.defaultChild as never;
    const bucket = template.Resources[stack.getLogicalId(raw)];
    const [rule] = bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration;

    expect(rule.ServerSideEncryptionByDefault.SSEAlgorithm).toBe("aws:kms");
    expect(rule.ServerSideEncryptionByDefault.KMSMasterKeyID["Fn::GetAtt"][0]).toBe(
      ofType("AWS::KMS::Key")[0]?.[0],
    );
    expect(rule.BucketKeyEnabled).toBe(true);
  });

  it("the receipt rule is created after the bucket policy, the key policy and the invoke permission", () => {
    const { rule } = receiptRuleArn();
    const raw = stack.node.findChild("Storage").node.findChild("RawMail").node.defaultChild as never;
    const [policyId] = ofType("AWS::S3::BucketPolicy").find(
      ([, p]) => p.Properties.Bucket.Ref === stack.getLogicalId(raw),
    ) as [string, Json];
    const [[keyId]] = ofType("AWS::KMS::Key") as [[string, Json]];
    const [[permissionId]] = ofType("AWS::Lambda::Permission").filter(
      ([, p]) => p.Properties.Principal === "ses.amazonaws.com",
    ) as [[string, Json]];

    expect(rule.DependsOn).toEqual(expect.arrayContaining([policyId, keyId, permissionId]));
  });
});

describe("the Metrics Insights alarms", () => {
  const insightAlarms = () =>
    ofType("AWS::CloudWatch::Alarm").filter(([, a]) =>
      (a.Properties.Metrics ?? []).some((m: Json) => /^SELECT /.test(m.Expression ?? "")),
    );

  it("each run one Metrics Insights query returning one series: SELECT SUM(metric) FROM namespace WHERE ...", () => {
    const alarms = insightAlarms();

    // StepOverdue, DeadlineBreached, NeedsAttention, MailQuarantined, MailRecovered (issue 15) and
    // WhatsAppUndeliverable, ChannelHookRejected (issue 17: the example declares WhatsApp and Kobo),
    // ConfigRejected (issue 12: a pushed config that does not fit the deployed procedure).
    expect(alarms.length).toBe(8);
    for (const [id, alarm] of alarms) {
      const metrics = alarm.Properties.Metrics as Json[];
      expect(metrics, id).toHaveLength(1); // a Metrics Insights alarm holds only its query
      const [query] = metrics;
      expect(query.ReturnData, id).toBe(true);
      expect(query.MetricStat, id).toBeUndefined();
      // One aggregated series (no GROUP BY): the documented shape of an aggregate-monitoring alarm.
      expect(query.Expression, id).toMatch(
        new RegExp(
          `^SELECT SUM\\((${CFM_METRICS.join("|")})\\) FROM "${METRICS_NAMESPACE}" WHERE ` +
            `${SERVICE_DIMENSION.name} = '${SERVICE_DIMENSION.value}'$`,
        ),
      );
      expect(query.Expression, id).not.toMatch(/GROUP BY|ORDER BY|LIMIT/);
    }
  });

  it("set the query's Period and evaluate within the 3 hours of data an alarm may use", () => {
    for (const [id, alarm] of insightAlarms()) {
      const [query] = alarm.Properties.Metrics as Json[];
      expect(query.Period, id).toBeGreaterThanOrEqual(60); // standard resolution: no high-resolution data
      expect(query.Period % 60, id).toBe(0);
      expect(query.Period * alarm.Properties.EvaluationPeriods, id).toBeLessThanOrEqual(3 * 3_600);
      // Alarm-level statistic fields belong to single-metric alarms; here they would be rejected.
      expect(
        alarm.Properties.Statistic ?? alarm.Properties.MetricName ?? alarm.Properties.Namespace,
        id,
      ).toBe(undefined);
    }
  });

  it("query the namespace and dimension the handlers emit (Powertools EMF: namespace Cfm, service=cfm)", () => {
    const source = readFileSync("functions/lib/metrics.ts", "utf8");
    const fn = template.Resources[stack.getLogicalId(stack.functions.triage.node.defaultChild as never)];

    expect(source).toMatch(/namespace/i);
    expect(fn.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe(METRICS_NAMESPACE);
    expect(fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe(SERVICE_DIMENSION.value);
  });
});

describe("SendTaskSuccess and SendTaskFailure", () => {
  it("are granted on '*' (no resource-level permissions), to the task pages, the follow-up page and the SMS/webhook intakes only", () => {
    // The follow-up page's appeal completes the appeal step as the complainant's appeal link does; so does an
    // appeal by SMS or gateway message (issue 17: "RECOURS …").
    const roleOf = (name: "task-pages" | "public-pages" | "intake-messages" | "channel-hooks") =>
      template.Resources[stack.getLogicalId(stack.functions[name].node.defaultChild as never)].Properties
        .Role["Fn::GetAtt"][0];
    const holders = ofType("AWS::IAM::Policy").filter(([, p]) =>
      (p.Properties.PolicyDocument.Statement as Json[]).some((s) =>
        list<string>(s.Action).some((a) => a.startsWith("states:SendTask")),
      ),
    );

    expect(
      holders
        .flatMap(([, p]) => p.Properties.Roles)
        .map((r: Json) => r.Ref)
        .sort(),
    ).toEqual(
      [
        roleOf("task-pages"),
        roleOf("public-pages"),
        roleOf("intake-messages"),
        roleOf("channel-hooks"),
      ].sort(),
    );
    for (const [, policy] of holders) {
      const grant = (policy.Properties.PolicyDocument.Statement as Json[]).filter((s) =>
        list<string>(s.Action).some((a) => a.startsWith("states:SendTask")),
      );
      expect(grant).toEqual([{ Effect: "Allow", Action: [...TASK_RESPONSE_ACTIONS], Resource: "*" }]);
    }
  });
});
