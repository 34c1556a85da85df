// Fine-grained assertions on the synthesized cfm stack (bundling skipped: the Lambda code is not built here).
import { readFileSync } from "node:fs";
import { App, type CfnElement } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { SourceMapMode } from "aws-cdk-lib/aws-lambda-nodejs";
import type { IConstruct } from "constructs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfigText, type OrgConfig } from "../../functions/domain/config.ts";
import type { MetricName } from "../../functions/lib/metrics.ts";
import { OUTSIDE_CASE_TAG } from "../../functions/store/retention-tags.ts";
import {
  createTableInput,
  INDEXES,
  LIST_ATTRIBUTES,
  TABLE_KEYS,
  TTL_ATTRIBUTE,
} from "../../functions/store/table-design.ts";
import { CfmStack, type CfmStackProps } from "../../infra/cfm-stack.ts";
import { THROTTLE } from "../../infra/constructs/api.ts";
import { cfmBundling, type HandlerName } from "../../infra/constructs/cfm-function.ts";
import {
  CFM_METRICS,
  type CfmMetricName,
  SERVICE_DIMENSION,
  WORKFLOW_TASKS_WITHOUT_ERRORS_ALARM,
} from "../../infra/constructs/monitoring.ts";
import { DEFAULT_RAW_MAIL_EXPIRY_DAYS, retentionDays } from "../../infra/constructs/storage.ts";
import { STATE_MACHINE_TIMEOUT, WORKFLOW_HANDLERS } from "../../workflows/complaint-workflow.ts";

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, navigated freely by the assertions
type Json = any;

const HUMANITARIAN = "config/humanitarian.example.yaml";
const TRAINING = "config/training-provider.example.yaml";
const ALL_HANDLERS = [
  ...WORKFLOW_HANDLERS,
  "intake-email",
  "intake-sweep",
  "mail-sent",
  "staff-api",
  "task-pages",
  "public-pages",
  "reports",
  "console",
  "intake-messages",
  "channel-hooks",
  "purge",
].sort();
const ONE_YEAR_SECONDS = 31_536_000;
/** Compile-time: true only if both unions have the same members (checked by tsc). */
type SameMembers<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

interface Synth {
  config: OrgConfig;
  stack: CfmStack;
  template: Template;
  id: (construct: IConstruct) => string;
}

function synth(file: string, props: Partial<CfmStackProps> = {}): Synth {
  const config = loadConfigText(readFileSync(file, "utf8"), file);
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const stack = new CfmStack(app, "Cfm", { config, ...props });
  const template = Template.fromStack(stack);
  const id = (construct: IConstruct) => {
    const resource = (construct.node.defaultChild ?? construct) as CfnElement;
    return stack.getLogicalId(resource);
  };
  return { config, stack, template, id };
}

type Resource = {
  Type: string;
  Properties: Record<string, Json>;
  DependsOn?: string[];
  DeletionPolicy?: string;
};
const resources = (t: Template, type: string) => t.findResources(type) as Record<string, Resource>;
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** All Allow statements of the IAM policies attached to a role (by the role's logical id). */
function statementsOfRole(t: Template, roleId: string): Json[] {
  return Object.values(resources(t, "AWS::IAM::Policy"))
    .filter((p) => list(p.Properties.Roles).some((r: Json) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[]);
}
const actionsOf = (statements: Json[]) => statements.flatMap((s) => list<string>(s.Action));
function roleOfFunction(t: Template, fnId: string): string {
  const fn = resources(t, "AWS::Lambda::Function")[fnId];
  if (!fn) throw new Error(`no function ${fnId}`);
  return fn.Properties.Role["Fn::GetAtt"][0];
}

let h: Synth;
let tp: Synth;
beforeAll(() => {
  h = synth(HUMANITARIAN);
  tp = synth(TRAINING);
}, 120_000);

describe("storage", () => {
  it("builds the table from table-design.ts: keys, indexes, TTL, on-demand", () => {
    const attributes = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey]);
    for (const index of INDEXES) for (const a of [index.partitionKey, index.sortKey]) attributes.add(a);

    h.template.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: "HASH" },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: "RANGE" },
      ],
      AttributeDefinitions: Match.arrayEquals(
        [...attributes].map((name) => ({ AttributeName: name, AttributeType: "S" })),
      ),
      GlobalSecondaryIndexes: INDEXES.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: "HASH" },
          { AttributeName: index.sortKey, KeyType: "RANGE" },
        ],
        // Issue 18: each index holds what the list filters test, not the whole record.
        Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: [...LIST_ATTRIBUTES] },
      })),
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      BillingMode: "PAY_PER_REQUEST",
    });
  });

  it("issue 18: builds the same indexes as DynamoDB Local's CreateTable (one definition, table-design.ts)", () => {
    const table = Object.values(h.template.findResources("AWS::DynamoDB::Table"))[0];
    const local = createTableInput("cfm-local");

    expect(table?.Properties.GlobalSecondaryIndexes).toEqual(local.GlobalSecondaryIndexes);
    expect(table?.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining(local.AttributeDefinitions),
    );
    expect(table?.Properties.AttributeDefinitions).toHaveLength(local.AttributeDefinitions.length);
  });

  it("protects the table: point-in-time recovery, customer-managed KMS key, deletion protection, retained", () => {
    h.template.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: {
          SSEEnabled: true,
          SSEType: "KMS",
          KMSMasterKeyId: {
            "Fn::GetAtt": [h.id(h.stack.node.findChild("Storage").node.findChild("Key")), "Arn"],
          },
        },
      }),
    });
  });

  it("has one customer-managed key, rotated and retained", () => {
    h.template.resourceCountIs("AWS::KMS::Key", 1);
    h.template.hasResource("AWS::KMS::Key", {
      DeletionPolicy: "Retain",
      Properties: Match.objectLike({ EnableKeyRotation: true }),
    });
  });

  it("encrypts the raw-mail and attachments buckets with the key, blocks public access, versions and logs them", () => {
    const keyArn = { "Fn::GetAtt": [h.id(h.stack.node.findChild("Storage").node.findChild("Key")), "Arn"] };
    const logsBucket = h.id(h.stack.node.findChild("Storage").node.findChild("AccessLogs"));
    for (const prefix of ["raw-mail/", "attachments/"]) {
      h.template.hasResource("AWS::S3::Bucket", {
        DeletionPolicy: "Retain",
        Properties: Match.objectLike({
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              {
                ServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: keyArn },
                BucketKeyEnabled: true,
              },
            ],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          VersioningConfiguration: { Status: "Enabled" },
          LoggingConfiguration: { DestinationBucketName: { Ref: logsBucket }, LogFilePrefix: prefix },
        }),
      });
    }
  });

  it("denies non-TLS access to every bucket (enforceSSL)", () => {
    const buckets = Object.keys(resources(h.template, "AWS::S3::Bucket"));
    expect(buckets).toHaveLength(3);
    for (const bucket of buckets) {
      h.template.hasResourceProperties("AWS::S3::BucketPolicy", {
        Bucket: { Ref: bucket },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: "Deny",
              Action: "s3:*",
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            }),
          ]),
        },
      });
    }
  });

  it("T-12: expires raw mail that is part of no case (tagged by the intake) 30 days after receipt by default", () => {
    h.template.hasResourceProperties("AWS::S3::Bucket", {
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: "raw-mail/" }),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Status: "Enabled",
            ExpirationInDays: DEFAULT_RAW_MAIL_EXPIRY_DAYS,
            TagFilters: [{ Key: OUTSIDE_CASE_TAG.key, Value: OUTSIDE_CASE_TAG.value }],
          }),
        ]),
      },
    });
    expect(DEFAULT_RAW_MAIL_EXPIRY_DAYS).toBe(30);
  });

  it("T-12: keeps a case's raw messages and attachments as long as the case; the lifecycle only backs the purge up", () => {
    const days = retentionDays(tp.config.retention);
    expect(days).toBeGreaterThanOrEqual(5 * 365 + 2); // at most two leap days in any five years
    for (const prefix of ["raw-mail/", "attachments/"]) {
      const bucket = Object.values(resources(tp.template, "AWS::S3::Bucket")).find(
        (b) => b.Properties.LoggingConfiguration?.LogFilePrefix === prefix,
      );
      const rules = bucket?.Properties.LifecycleConfiguration.Rules as Array<Record<string, unknown>>;
      // No rule deletes an untagged object before twice the retention: the purge erases it with its case,
      // when the retention counted from closure ends.
      const untagged = rules.filter((r) => r.ExpirationInDays !== undefined && r.TagFilters === undefined);
      expect(untagged.map((r) => r.ExpirationInDays)).toEqual([days * 2]);
    }
  });

  it("T-12: the TTL deletion of a status or content record invokes the purge, through the table's stream, with a failure queue", () => {
    tp.template.hasResourceProperties("AWS::DynamoDB::Table", {
      StreamSpecification: { StreamViewType: "OLD_IMAGE" },
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
    });
    const purge = h.id(
      h.stack.node.findChild("Retention").node.findChild("Purge").node.findChild("Function"),
    );
    const mapping = Object.values(resources(h.template, "AWS::Lambda::EventSourceMapping")).find(
      (m) => m.Properties.FunctionName?.Ref === purge,
    );
    expect(mapping?.Properties).toMatchObject({
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      DestinationConfig: { OnFailure: { Destination: expect.anything() } },
    });
    const filter = JSON.parse(mapping?.Properties.FilterCriteria.Filters[0].Pattern);
    expect(filter).toEqual({
      eventName: ["REMOVE"],
      userIdentity: { type: ["Service"], principalId: ["dynamodb.amazonaws.com"] },
      dynamodb: { Keys: { sk: { S: ["STATUS", "CONTENT"] } } },
    });
  });

  it("sends the access logs to a bucket with SSE-S3 (the only encryption S3 server access logging supports)", () => {
    const logsBucket = h.id(h.stack.node.findChild("Storage").node.findChild("AccessLogs"));
    const bucket = resources(h.template, "AWS::S3::Bucket")[logsBucket];
    expect(bucket?.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
    });
    h.template.hasResourceProperties("AWS::S3::BucketPolicy", {
      Bucket: { Ref: logsBucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject" }),
        ]),
      },
    });
  });

  it("takes the raw-mail expiry from the stack props", () => {
    const custom = synth(HUMANITARIAN, { rawMailExpiryDays: 45, manageEmailIdentity: false });
    custom.template.hasResourceProperties("AWS::S3::Bucket", {
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: "raw-mail/" }),
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 45 })]) },
    });
    custom.template.resourceCountIs("AWS::SES::EmailIdentity", 0);
  });
});

describe("retentionDays", () => {
  it.each([
    ["P5Y", 1830],
    ["P30D", 30],
    ["P2W", 14],
    ["P1M", 31],
    ["PT1H", 1],
    ["P1Y2M3DT25H", 366 + 62 + 3 + 2],
  ])("%s -> %i days (rounded up)", (iso, days) => {
    expect(retentionDays(iso)).toBe(days);
  });
});

describe("intake", () => {
  it("has a receipt rule for the intake address with scanning and TLS required, S3 (raw/) then Lambda (Event)", () => {
    const intake = h.stack.node.findChild("Intake");
    const rawBucket = h.id(h.stack.node.findChild("Storage").node.findChild("RawMail"));
    const intakeFn = h.id(intake.node.findChild("IntakeEmail").node.findChild("Function"));

    h.template.hasResourceProperties("AWS::SES::ReceiptRuleSet", { RuleSetName: "Cfm-intake" });
    h.template.hasResourceProperties("AWS::SES::ReceiptRule", {
      Rule: {
        Name: "Cfm-intake-address",
        Enabled: true,
        Recipients: [h.config.organisation.intakeAddress],
        ScanEnabled: true,
        TlsPolicy: "Require",
        Actions: [
          { S3Action: { BucketName: { Ref: rawBucket }, ObjectKeyPrefix: "raw/" } },
          { LambdaAction: { FunctionArn: { "Fn::GetAtt": [intakeFn, "Arn"] }, InvocationType: "Event" } },
        ],
      },
    });
  });

  it("lets SES write raw mail only for this account and this receipt rule (SourceAccount + SourceArn)", () => {
    const rawBucket = h.id(h.stack.node.findChild("Storage").node.findChild("RawMail"));
    const ruleArn = h.stack.resolve(
      (h.stack.node.findChild("Intake") as unknown as { ruleArn: string }).ruleArn,
    );
    expect(JSON.stringify(ruleArn)).toContain(":receipt-rule-set/Cfm-intake:receipt-rule/Cfm-intake-address");

    h.template.hasResourceProperties("AWS::S3::BucketPolicy", {
      Bucket: { Ref: rawBucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: "AllowSesIntakeRuleToStoreRawMail",
            Effect: "Allow",
            Principal: { Service: "ses.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: { "Fn::Join": ["", [{ "Fn::GetAtt": [rawBucket, "Arn"] }, "/raw/*"]] },
            Condition: {
              StringEquals: { "AWS:SourceAccount": { Ref: "AWS::AccountId" }, "AWS:SourceArn": ruleArn },
            },
          },
        ]),
      },
    });
  });

  it("lets SES invoke the intake Lambda only from this rule, and creates the rule after both permissions", () => {
    const intake = h.stack.node.findChild("Intake");
    const intakeFn = h.id(intake.node.findChild("IntakeEmail").node.findChild("Function"));
    const ruleArn = h.stack.resolve((intake as unknown as { ruleArn: string }).ruleArn);
    const permissions = h.template.findResources("AWS::Lambda::Permission", {
      Properties: { Principal: "ses.amazonaws.com", FunctionName: { "Fn::GetAtt": [intakeFn, "Arn"] } },
    });
    const [permissionId, permission] = Object.entries(permissions)[0] ?? [];
    expect(permission?.Properties).toMatchObject({
      Action: "lambda:InvokeFunction",
      SourceAccount: { Ref: "AWS::AccountId" },
      SourceArn: ruleArn,
    });
    const policyId = h.id(
      h.stack.node.findChild("Storage").node.findChild("RawMail").node.findChild("Policy"),
    );
    h.template.hasResource("AWS::SES::ReceiptRule", { DependsOn: Match.arrayWith([permissionId, policyId]) });
  });

  it("gives the intake Lambda raw read, attachments write, table, workflow start and mail, no link secret", () => {
    const storage = h.stack.node.findChild("Storage");
    const intakeFn = h.id(
      h.stack.node.findChild("Intake").node.findChild("IntakeEmail").node.findChild("Function"),
    );
    const statements = statementsOfRole(h.template, roleOfFunction(h.template, intakeFn));

    expect(statements).toContainEqual(
      expect.objectContaining({
        // T-12: reads a raw message, and tags one that is part of no case to expire.
        Action: ["s3:GetObject", "s3:PutObjectTagging"],
        Resource: {
          "Fn::Join": ["", [{ "Fn::GetAtt": [h.id(storage.node.findChild("RawMail")), "Arn"] }, "/raw/*"]],
        },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: "s3:PutObject",
        Resource: {
          "Fn::Join": ["", [{ "Fn::GetAtt": [h.id(storage.node.findChild("Attachments")), "Arn"] }, "/*"]],
        },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: "states:StartExecution",
        Resource: { Ref: h.id(h.stack.stateMachine) },
      }),
    );
    const actions = actionsOf(statements);
    expect(actions).toEqual(
      expect.arrayContaining(["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"]),
    );
    expect(actions.filter((a) => a.startsWith("s3:"))).toEqual([
      "s3:GetObject",
      "s3:PutObjectTagging",
      "s3:PutObject",
    ]);
    expect(actions.filter((a) => a.startsWith("states:")).sort()).toEqual([
      "states:DescribeExecution",
      "states:StartExecution",
    ]);
    expect(actions.filter((a) => a.startsWith("ses:"))).toEqual(["ses:SendEmail"]);
    expect(actions.some((a) => a.startsWith("secretsmanager:"))).toBe(false);
  });

  it("passes the intake Lambda its buckets, table and state machine", () => {
    const storage = h.stack.node.findChild("Storage");
    h.template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({
          CFM_HANDLER: "intake-email",
          TABLE_NAME: { Ref: h.id(h.stack.table) },
          RAW_BUCKET: { Ref: h.id(storage.node.findChild("RawMail")) },
          ATTACHMENTS_BUCKET: { Ref: h.id(storage.node.findChild("Attachments")) },
          STATE_MACHINE_ARN: { Ref: h.id(h.stack.stateMachine) },
        }),
      },
    });
  });

  it("verifies the intake domain in SES (DKIM) and publishes the records and the MX record to set", () => {
    h.template.hasResourceProperties("AWS::SES::EmailIdentity", { EmailIdentity: "example.org" });
    const outputs = h.template.toJSON().Outputs;
    expect(outputs.MxRecord.Value).toEqual({
      "Fn::Join": ["", ["10 inbound-smtp.", { Ref: "AWS::Region" }, ".amazonaws.com"]],
    });
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(["DkimRecord1", "DkimRecord2", "DkimRecord3"]),
    );
    expect(outputs.ReceiptRuleSetName.Description).toContain("aws ses set-active-receipt-rule-set");
  });
});

describe("workflow", () => {
  it("is a Standard state machine with X-Ray tracing and ALL-level logging without execution data", () => {
    const logGroup = h.id(h.stack.node.findChild("Workflow").node.findChild("ExecutionLogs"));
    h.template.hasResourceProperties("AWS::StepFunctions::StateMachine", {
      StateMachineType: "STANDARD",
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: "ALL",
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { "Fn::GetAtt": [logGroup, "Arn"] } } }],
      },
    });
    h.template.hasResourceProperties("AWS::Logs::LogGroup", {
      KmsKeyId: Match.anyValue(),
      RetentionInDays: 365,
    });
    expect(resources(h.template, "AWS::Logs::LogGroup")[logGroup]?.Properties.KmsKeyId).toBeDefined();
  });

  it("times out executions under a year, with the workflow's STATE_MACHINE_TIMEOUT", () => {
    const definition = definitionOf(h.template);
    expect(definition.TimeoutSeconds).toBe(STATE_MACHINE_TIMEOUT.toSeconds());
    expect(definition.TimeoutSeconds).toBeLessThan(ONE_YEAR_SECONDS);
  });

  it("gives every workflow Lambda the table, SES from the intake address, the link secret and the task base URL", () => {
    const api = h.stack.node.findChild("Api");
    const httpApi = h.id(api.node.findChild("HttpApi"));
    const secret = h.id(api.node.findChild("LinkSecret"));
    for (const handler of WORKFLOW_HANDLERS) {
      const fnId = h.id(h.stack.functions[handler]);
      const fn = resources(h.template, "AWS::Lambda::Function")[fnId];
      expect(fn?.Properties.Environment.Variables).toMatchObject({
        CFM_HANDLER: handler,
        TABLE_NAME: { Ref: h.id(h.stack.table) },
        TASK_BASE_URL: { "Fn::Join": ["", [{ "Fn::GetAtt": [httpApi, "ApiEndpoint"] }, "/t/"]] },
        LINK_SECRET_ARN: { Ref: secret },
        SES_FROM: h.config.organisation.intakeAddress,
        SES_CONFIGURATION_SET: {
          Ref: h.id(h.stack.node.findChild("EmailDomain").node.findChild("ConfigurationSet")),
        },
      });
      const statements = statementsOfRole(h.template, roleOfFunction(h.template, fnId));
      const send = statements.find((s) => list(s.Action).includes("ses:SendEmail"));
      expect(send?.Condition).toEqual({
        StringEquals: { "ses:FromAddress": h.config.organisation.intakeAddress },
      });
      expect(JSON.stringify(send?.Resource)).toContain(":identity/example.org");
      expect(JSON.stringify(send?.Resource)).toContain(":configuration-set/");
      expect(statements).toContainEqual(
        expect.objectContaining({
          Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        }),
      );
      expect(actionsOf(statements).some((a) => a.startsWith("states:"))).toBe(false);
    }
  });

  it("invokes only the workflow Lambdas from the definition", () => {
    const workflowFns = new Set(WORKFLOW_HANDLERS.map((handler) => h.id(h.stack.functions[handler])));
    const sm = Object.values(resources(h.template, "AWS::StepFunctions::StateMachine"))[0];
    const referenced = JSON.stringify(sm?.Properties.DefinitionString).match(
      /"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/g,
    );
    const ids = new Set((referenced ?? []).map((m) => m.split('"')[3]));
    expect([...ids].sort()).toEqual([...workflowFns].sort());
  });
});

describe("functions", () => {
  it("exposes one Lambda per handler, named by CFM_HANDLER", () => {
    expect(Object.keys(h.stack.functions).sort()).toEqual(ALL_HANDLERS);
    h.template.resourceCountIs("AWS::Lambda::Function", ALL_HANDLERS.length);
  });

  it.each(ALL_HANDLERS)(
    "%s: nodejs22.x on arm64, X-Ray, Powertools env, its own encrypted 3-month log group",
    (name) => {
      const fnId = h.id(h.stack.functions[name as keyof CfmStack["functions"]]);
      const fn = resources(h.template, "AWS::Lambda::Function")[fnId];
      expect(fn?.Properties).toMatchObject({
        Runtime: "nodejs22.x",
        Architectures: ["arm64"],
        TracingConfig: { Mode: "Active" },
        Environment: {
          Variables: expect.objectContaining({
            CFM_HANDLER: name,
            POWERTOOLS_SERVICE_NAME: "cfm",
            POWERTOOLS_METRICS_NAMESPACE: "Cfm",
            LOG_LEVEL: "INFO",
          }),
        },
      });
      expect(fn?.Properties.MemorySize).toBeGreaterThanOrEqual(256);
      expect(fn?.Properties.Timeout).toBeLessThanOrEqual(300);
      const logGroup = resources(h.template, "AWS::Logs::LogGroup")[
        fn?.Properties.LoggingConfig.LogGroup.Ref
      ];
      const key = h.id(h.stack.node.findChild("Storage").node.findChild("Key"));
      expect(logGroup?.Properties).toMatchObject({
        RetentionInDays: 365,
        KmsKeyId: { "Fn::GetAtt": [key, "Arn"] },
      });
      const role = resources(h.template, "AWS::IAM::Role")[roleOfFunction(h.template, fnId)];
      expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    },
  );

  it("parses no source map at run time: no --enable-source-maps, the map beside the bundle without its sources (issue 18)", () => {
    for (const fn of Object.values(resources(h.template, "AWS::Lambda::Function"))) {
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS ?? "").not.toMatch(/source-maps/);
    }
    // Every function is built with these options (CfmFunction); the bundle test checks a built asset.
    expect(cfmBundling(h.config)).toMatchObject({
      minify: true,
      sourceMap: true,
      sourceMapMode: SourceMapMode.EXTERNAL,
      sourcesContent: false,
    });
  });

  it("retries asynchronous invocations twice, then sends them to an encrypted, TLS-only queue (intake, reports)", () => {
    for (const name of ["intake-email", "reports", "intake-messages"] as const) {
      const fnId = h.id(h.stack.functions[name]);
      const configs = h.template.findResources("AWS::Lambda::EventInvokeConfig", {
        Properties: { FunctionName: { Ref: fnId } },
      });
      const config = Object.values(configs)[0] as Resource | undefined;
      expect(config?.Properties.MaximumRetryAttempts).toBe(2);
      const queueId = config?.Properties.DestinationConfig.OnFailure.Destination["Fn::GetAtt"][0];
      const queue = resources(h.template, "AWS::SQS::Queue")[queueId];
      expect(queue?.Properties.KmsMasterKeyId).toBeDefined();
      h.template.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          ]),
        },
      });
    }
    h.template.resourceCountIs("AWS::Lambda::EventInvokeConfig", 3);
  });

  it("never grants Scan, table management or stream reads on the table (T-12: the purge alone reads the stream)", () => {
    const purgeRole = h.id(
      h.stack.node.findChild("Retention").node.findChild("Purge").node.findChild("Role"),
    );
    const policies = Object.values(resources(h.template, "AWS::IAM::Policy"));
    const actions = (own: boolean) =>
      policies
        .filter(
          (p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === purgeRole) === own,
        )
        .flatMap((p) => actionsOf(p.Properties.PolicyDocument.Statement));
    expect(
      actions(false).filter((a) => /^dynamodb:(Scan|DescribeTable|GetRecords|GetShardIterator|\*)/.test(a)),
    ).toEqual([]);
    expect(actions(true).filter((a) => /^dynamodb:(Scan|\*)/.test(a))).toEqual([]);
    expect(actions(true)).toEqual(
      expect.arrayContaining(["dynamodb:GetRecords", "dynamodb:GetShardIterator"]),
    );
  });
});

describe("live config (issue 12)", () => {
  it("every function can read the live config in the table, and none can write it", () => {
    const functions = Object.values(h.stack.functions);
    expect(functions.length).toBe(ALL_HANDLERS.length);
    const table = h.id(h.stack.table);
    for (const fn of functions) {
      const statements = statementsOfRole(h.template, roleOfFunction(h.template, h.id(fn)));
      const reads = statements.filter(
        (s) =>
          s.Effect === "Allow" &&
          list(s.Action).includes("dynamodb:GetItem") &&
          JSON.stringify(s.Resource).includes(table),
      );
      expect(reads.length, fn.node.path).toBeGreaterThan(0);
      const deny = statements.find((s) => s.Sid === "LiveConfigIsReadOnly");
      expect(deny, fn.node.path).toMatchObject({
        Effect: "Deny",
        Action: expect.arrayContaining(["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]),
        Condition: { "ForAnyValue:StringEquals": { "dynamodb:LeadingKeys": ["CONFIG"] } },
      });
      expect(JSON.stringify(deny.Resource)).toContain(table);
    }
  });

  it("names the table for `cfm config push` and alarms when the functions refuse a pushed config", () => {
    h.template.hasOutput("TableName", { Value: { Ref: h.id(h.stack.table) } });
    const alarm = Object.values(resources(h.template, "AWS::CloudWatch::Alarm")).find((a) =>
      JSON.stringify(a.Properties.Metrics ?? []).includes("ConfigRejected"),
    );
    expect(alarm?.Properties.AlarmDescription).toMatch(/cfm config push/);
  });
});

describe("task links and staff API", () => {
  it("throttles the HTTP API stage and logs access to an encrypted log group", () => {
    h.template.hasResourceProperties("AWS::ApiGatewayV2::Api", { ProtocolType: "HTTP" });
    h.template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingBurstLimit: THROTTLE.burstLimit,
        ThrottlingRateLimit: THROTTLE.rateLimit,
      },
      AccessLogSettings: {
        DestinationArn: { "Fn::GetAtt": [Match.anyValue(), "Arn"] },
        Format: Match.anyValue(),
      },
    });
    expect(THROTTLE).toEqual({ burstLimit: 50, rateLimit: 20 });
  });

  it("never logs the request path (the task link is a credential) nor the source IP", () => {
    const stage = Object.values(resources(h.template, "AWS::ApiGatewayV2::Stage"))[0];
    const format = stage?.Properties.AccessLogSettings.Format as string;
    expect(format).toContain("$context.routeKey");
    expect(format).not.toMatch(/\$context\.(path|identity\.sourceIp)/);
  });

  it("routes GET, HEAD and POST /t/{token} to the task pages without an authoriser", () => {
    for (const method of ["GET", "HEAD", "POST"]) {
      h.template.hasResourceProperties("AWS::ApiGatewayV2::Route", {
        RouteKey: `${method} /t/{token}`,
        AuthorizationType: "NONE",
      });
    }
    const taskRoutes = h.template.findResources("AWS::ApiGatewayV2::Route", {
      Properties: { RouteKey: Match.stringLikeRegexp("/t/") },
    });
    expect(Object.values(taskRoutes).every((r) => r.Properties.AuthorizerId === undefined)).toBe(true);
  });

  it("routes ANY /api/{proxy+} to the staff API behind the Cognito JWT authoriser", () => {
    const api = h.stack.node.findChild("Api");
    const userPool = h.id(api.node.findChild("StaffUsers"));
    const authorizers = resources(h.template, "AWS::ApiGatewayV2::Authorizer");
    const [authorizerId, authorizer] = Object.entries(authorizers)[0] ?? [];
    expect(authorizer?.Properties).toMatchObject({
      AuthorizerType: "JWT",
      IdentitySource: ["$request.header.Authorization"],
      JwtConfiguration: {
        Audience: [{ Ref: h.id(api.node.findChild("StaffUsers").node.findChild("StaffApiClient")) }],
        Issuer: {
          "Fn::Join": [
            "",
            ["https://cognito-idp.", { Ref: "AWS::Region" }, ".amazonaws.com/", { Ref: userPool }],
          ],
        },
      },
    });
    h.template.hasResourceProperties("AWS::ApiGatewayV2::Route", {
      RouteKey: "ANY /api/{proxy+}",
      AuthorizationType: "JWT",
      AuthorizerId: { Ref: authorizerId },
    });
    // GET, HEAD, POST /t/{token}; ANY /api/{proxy+}; GET, HEAD, POST /console and /console/{proxy+};
    // the 7 routes of the complainant's pages; POST /hooks/kobo/{form} and /hooks/messages/{source} (issue 17).
    h.template.resourceCountIs("AWS::ApiGatewayV2::Route", 19);
  });

  it("routes the complainant's pages (form, follow-up, satisfaction) to the public Lambda, without authoriser", () => {
    const publicFn = h.id(h.stack.functions["public-pages"]);
    for (const key of [
      "GET /submit",
      "POST /submit",
      "GET /follow-up",
      "POST /follow-up",
      "POST /follow-up/{action}",
      "GET /satisfaction/{token}",
      "POST /satisfaction/{token}",
    ])
      h.template.hasResourceProperties("AWS::ApiGatewayV2::Route", {
        RouteKey: key,
        AuthorizationType: "NONE",
      });
    const integrations = Object.values(resources(h.template, "AWS::ApiGatewayV2::Integration")).filter((i) =>
      JSON.stringify(i.Properties.IntegrationUri).includes(publicFn),
    );
    expect(integrations).toHaveLength(1);
  });

  it("has a staff user pool with coordinator and staff groups, required TOTP MFA and a strong password policy", () => {
    h.template.hasResource("AWS::Cognito::UserPool", {
      DeletionPolicy: "Retain",
      Properties: Match.objectLike({
        MfaConfiguration: "ON",
        EnabledMfas: ["SOFTWARE_TOKEN_MFA"],
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        DeletionProtection: "ACTIVE",
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
      }),
    });
    for (const group of ["coordinator", "staff"]) {
      h.template.hasResourceProperties("AWS::Cognito::UserPoolGroup", { GroupName: group });
    }
    h.template.hasResourceProperties("AWS::Cognito::UserPoolClient", {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(["ALLOW_USER_SRP_AUTH"]),
    });
  });

  it("generates a KMS-encrypted link secret readable only by the task pages, the console, the staff API (issue 12: reassign re-issues links), the public pages and the workflow Lambdas", () => {
    const secret = h.id(h.stack.node.findChild("Api").node.findChild("LinkSecret"));
    h.template.hasResourceProperties("AWS::SecretsManager::Secret", {
      KmsKeyId: Match.anyValue(),
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
    const readers = Object.entries(resources(h.template, "AWS::IAM::Policy"))
      .filter(([, p]) =>
        (p.Properties.PolicyDocument.Statement as Json[]).some(
          (s) =>
            list(s.Action).includes("secretsmanager:GetSecretValue") &&
            JSON.stringify(s.Resource).includes(secret),
        ),
      )
      .flatMap(([, p]) => list(p.Properties.Roles).map((r: Json) => r.Ref as string));
    // Issue 17: the SMS/WhatsApp and hook intakes key phone conversations with an HMAC of this secret.
    const expected = [
      "task-pages",
      "console",
      "staff-api",
      "public-pages",
      "intake-messages",
      "channel-hooks",
      ...WORKFLOW_HANDLERS,
    ].map((name) => roleOfFunction(h.template, h.id(h.stack.functions[name as keyof CfmStack["functions"]])));
    expect(readers.sort()).toEqual(expected.sort());
  });

  it("lets only the task pages and the follow-up page (the appeal) complete callback tasks (SendTaskSuccess/Failure)", () => {
    const taskPagesRole = roleOfFunction(h.template, h.id(h.stack.functions["task-pages"]));
    const publicRole = roleOfFunction(h.template, h.id(h.stack.functions["public-pages"]));
    // Issue 17: an appeal by SMS ("RECOURS …") or webhook message goes through the same appeal link.
    const messagesRole = roleOfFunction(h.template, h.id(h.stack.functions["intake-messages"]));
    const hooksRole = roleOfFunction(h.template, h.id(h.stack.functions["channel-hooks"]));
    const holders = Object.values(resources(h.template, "AWS::IAM::Policy"))
      .filter((p) =>
        actionsOf(p.Properties.PolicyDocument.Statement).some((a) => a.startsWith("states:SendTask")),
      )
      .flatMap((p) => list(p.Properties.Roles).map((r: Json) => r.Ref as string));
    expect(holders.sort()).toEqual([taskPagesRole, publicRole, messagesRole, hooksRole].sort());
    for (const role of [taskPagesRole, publicRole, messagesRole, hooksRole])
      expect(statementsOfRole(h.template, role)).toContainEqual(
        expect.objectContaining({
          Action: ["states:SendTaskSuccess", "states:SendTaskFailure"],
          Resource: "*", // no resource-level permissions: see test/infra/documented-risks.test.ts
        }),
      );
  });

  it("lets the staff API start and stop executions (issue 12: coordinator actions), send mail (T-1 filing instructions) and read the link secret (reassign)", () => {
    const fnId = h.id(h.stack.functions["staff-api"]);
    const statements = statementsOfRole(h.template, roleOfFunction(h.template, fnId));
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: "states:StartExecution",
        Resource: { Ref: h.id(h.stack.stateMachine) },
      }),
    );
    expect(
      actionsOf(statements)
        .filter((a) => /^(states|ses|secretsmanager):/.test(a))
        .sort(),
    ).toEqual([
      "secretsmanager:DescribeSecret",
      "secretsmanager:GetSecretValue",
      "ses:SendEmail",
      "states:DescribeExecution",
      "states:StartExecution",
      "states:StopExecution",
    ]);
    expect(
      resources(h.template, "AWS::Lambda::Function")[fnId]?.Properties.Environment.Variables
        .STATE_MACHINE_ARN,
    ).toEqual({
      Ref: h.id(h.stack.stateMachine),
    });
  });

  it("outputs the task base URL, staff API URL, user pool id and dashboard URL", () => {
    const outputs = h.template.toJSON().Outputs;
    const httpApi = h.id(h.stack.node.findChild("Api").node.findChild("HttpApi"));
    expect(outputs.TaskBaseUrl.Value).toEqual({
      "Fn::Join": ["", [{ "Fn::GetAtt": [httpApi, "ApiEndpoint"] }, "/t/"]],
    });
    expect(outputs.StaffApiUrl.Value).toEqual({
      "Fn::Join": ["", [{ "Fn::GetAtt": [httpApi, "ApiEndpoint"] }, "/api/"]],
    });
    expect(outputs.UserPoolId.Value).toEqual({
      Ref: h.id(h.stack.node.findChild("Api").node.findChild("StaffUsers")),
    });
    expect(JSON.stringify(outputs.DashboardUrl.Value)).toContain("#dashboards:name=");
  });
});

describe("monitoring", () => {
  it("notifies the coordinator by email through a KMS-encrypted, TLS-only topic", () => {
    h.template.hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: Match.anyValue() });
    h.template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: h.config.organisation.coordinator,
    });
    h.template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
    h.template.hasResourceProperties("AWS::KMS::Key", {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          }),
        ]),
      },
    });
  });

  it("every alarm notifies the topic and treats missing data as not breaching", () => {
    // The alarm topic (issue 17 adds the inbound SMS and WhatsApp topics beside it).
    const topic = h.id(h.stack.node.findChild("Monitoring").node.findChild("AlarmTopic"));
    const alarms = Object.values(resources(h.template, "AWS::CloudWatch::Alarm"));
    // 5 metric alarms + 2 channel alarms (issue 17: the example declares WhatsApp and Kobo) + the refused
    // config (issue 12) + 2 state machine alarms + one per Lambda + one per dead-letter queue (T-12: the purge's
    // failure queue is the fifth); issue 18: the workflow's task Lambdas but needs-attention have none (their
    // tasks catch into the needs-attention path, which alarms)
    expect(alarms).toHaveLength(5 + 2 + 1 + 2 + ALL_HANDLERS.length - 8 + 5);
    for (const alarm of alarms) {
      expect(alarm.Properties.TreatMissingData).toBe("notBreaching");
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    }
  });

  // Issue 15: MailQuarantined (a virus verdict, no case) and MailRecovered (the sweep processed a message intake
  // had failed on) alarm too, as the README's intake table says.
  // Issue 17: WhatsAppUndeliverable (no template outside the 24-hour window) and ChannelHookRejected (a refused
  // Kobo or webhook submission, kept for inspection) need an operator.
  it.each([
    "StepOverdue",
    "DeadlineBreached",
    "NeedsAttention",
    "MailQuarantined",
    "MailRecovered",
    "WhatsAppUndeliverable",
    "ChannelHookRejected",
  ])(
    "alarms on any %s, whatever its other dimensions (Metrics Insights over namespace Cfm, service=cfm)",
    (metric) => {
      h.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        Metrics: [
          Match.objectLike({
            Expression: `SELECT SUM(${metric}) FROM "Cfm" WHERE service = 'cfm'`,
            Period: 300,
            ReturnData: true,
          }),
        ],
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
      });
    },
  );

  it("watches the metrics the handlers emit, with the dimension Powertools gives them (service=cfm)", () => {
    const same: SameMembers<MetricName, CfmMetricName> = true;
    expect(same).toBe(true);
    expect(SERVICE_DIMENSION).toEqual({ name: "service", value: "cfm" });
  });

  it.each(["ExecutionsFailed", "ExecutionsTimedOut"])("alarms on the state machine's %s", (metric) => {
    h.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/States",
      MetricName: metric,
      Dimensions: [{ Name: "StateMachineArn", Value: { Ref: h.id(h.stack.stateMachine) } }],
    });
  });

  it("alarms on the Errors of each Lambda outside the workflow's catching tasks and on each dead-letter queue holding a message", () => {
    const errorsAlarmed = (fn: Json) =>
      Object.values(resources(h.template, "AWS::CloudWatch::Alarm")).some(
        (a) =>
          a.Properties.Namespace === "AWS/Lambda" &&
          a.Properties.MetricName === "Errors" &&
          JSON.stringify(a.Properties.Dimensions) ===
            JSON.stringify([{ Name: "FunctionName", Value: { Ref: h.id(fn) } }]),
      );
    for (const [name, fn] of Object.entries(h.stack.functions)) {
      // Issue 18: a workflow task retries, then catches into needs-attention (NeedsAttention alarms once per case).
      const caught = WORKFLOW_TASKS_WITHOUT_ERRORS_ALARM.includes(name);
      expect(errorsAlarmed(fn), name).toBe(!caught);
    }
    expect(WORKFLOW_TASKS_WITHOUT_ERRORS_ALARM).toHaveLength(8);
    expect(WORKFLOW_TASKS_WITHOUT_ERRORS_ALARM).not.toContain("needs-attention");
    for (const queue of Object.keys(resources(h.template, "AWS::SQS::Queue"))) {
      h.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        Namespace: "AWS/SQS",
        MetricName: "ApproximateNumberOfMessagesVisible",
        Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [queue, "QueueName"] } }],
        Threshold: 1,
      });
    }
  });

  it("has a dashboard counting every count the handlers emit, by dimension value, from their logs (issue 18)", () => {
    const dashboard = Object.values(resources(h.template, "AWS::CloudWatch::Dashboard"))[0];
    const parts: unknown[] = dashboard?.Properties.DashboardBody["Fn::Join"][1];
    const body = JSON.parse(parts.map((p) => (typeof p === "string" ? p : "TOKEN")).join(""));
    const queries = (body.widgets as Json[])
      .filter((w) => w.type === "log")
      .map((w) => String(w.properties.query));
    for (const metric of CFM_METRICS) {
      const query = queries.find((q) => q.includes(`"${metric}"`));
      expect(query, metric).toMatch(/filter service = "cfm" and cfmCount in \[/);
      expect(query, metric).toMatch(/stats count\(\*\) as count by cfmCount/);
    }
    // Every Lambda's log group is read (the counts come from all of them).
    const logWidget = (body.widgets as Json[]).find((w) => w.type === "log");
    expect(String(logWidget.properties.query).match(/SOURCE '/g)).toHaveLength(ALL_HANDLERS.length);
    // No custom metric is searched per dimension value any more (each would be billed as a custom metric).
    expect(JSON.stringify(body)).not.toContain("SEARCH(");
  });

  it("leaves the dashboard out with dashboard: false (-c cfm:dashboard=false, $3 a month), alarms kept", () => {
    const lean = synth(HUMANITARIAN, { dashboard: false });

    lean.template.resourceCountIs("AWS::CloudWatch::Dashboard", 0);
    expect(Object.keys(lean.template.findOutputs("DashboardUrl"))).toEqual([]);
    expect(Object.keys(resources(lean.template, "AWS::CloudWatch::Alarm")).sort()).toEqual(
      Object.keys(resources(h.template, "AWS::CloudWatch::Alarm")).sort(),
    );
  }, 300_000);
});

describe("reports", () => {
  it.each([
    ["humanitarian", () => h],
    ["training provider", () => tp],
  ])(
    "%s: one schedule per configured report, in the organisation's time zone, invoking reports with { kind }",
    (_, get) => {
      const { template, config, stack, id } = get();
      const reportsFn = id(stack.functions.reports);
      const schedules = Object.values(resources(template, "AWS::Scheduler::Schedule"));
      expect(schedules).toHaveLength(config.reports.length);
      for (const report of config.reports) {
        template.hasResourceProperties("AWS::Scheduler::Schedule", {
          ScheduleExpression: report.schedule,
          ScheduleExpressionTimezone: config.organisation.timeZone,
          State: "ENABLED",
          Target: {
            Arn: { "Fn::GetAtt": [reportsFn, "Arn"] },
            Input: JSON.stringify({ kind: report.kind }),
            DeadLetterConfig: { Arn: { "Fn::GetAtt": [Match.anyValue(), "Arn"] } },
            RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
            RoleArn: Match.anyValue(),
          },
        });
      }
    },
  );

  it("the schedules' role may invoke the reports Lambda only, and only EventBridge Scheduler of this account assumes it", () => {
    const reportsFn = h.id(h.stack.functions.reports);
    const schedule = Object.values(resources(h.template, "AWS::Scheduler::Schedule"))[0];
    const roleId = schedule?.Properties.Target.RoleArn["Fn::GetAtt"][0];
    const invoke = statementsOfRole(h.template, roleId).filter((s) =>
      list(s.Action).includes("lambda:InvokeFunction"),
    );
    expect(invoke.flatMap((s) => list(s.Resource))).toEqual([
      { "Fn::GetAtt": [reportsFn, "Arn"] },
      { "Fn::Join": ["", [{ "Fn::GetAtt": [reportsFn, "Arn"] }, ":*"]] },
    ]);
    const role = resources(h.template, "AWS::IAM::Role")[roleId];
    expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: "scheduler.amazonaws.com" },
        Condition: {
          StringEquals: expect.objectContaining({ "aws:SourceAccount": { Ref: "AWS::AccountId" } }),
        },
      }),
    ]);
  });
});

/** The ASL of the synthesized state machine, tokens replaced by placeholders (see workflow-asl.test.ts). */
function definitionOf(template: Template): { TimeoutSeconds?: number; [key: string]: unknown } {
  const sm = Object.values(resources(template, "AWS::StepFunctions::StateMachine"))[0];
  const raw = sm?.Properties.DefinitionString;
  const parts: unknown[] = typeof raw === "string" ? [raw] : raw["Fn::Join"][1];
  return JSON.parse(
    parts
      .map((p) => (typeof p === "string" ? p : "arn:aws:lambda:eu-west-1:123456789012:function:x"))
      .join(""),
  );
}

describe("who may text the complainant (issue 17)", () => {
  const allowed = (handler: HandlerName) =>
    actionsOf(
      statementsOfRole(h.template, roleOfFunction(h.template, h.id(h.stack.functions[handler]))).filter(
        (s) => s.Effect === "Allow",
      ),
    );
  it.each(["acknowledge", "respond", "intake-messages", "channel-hooks"] as const)(
    "%s may send SMS and WhatsApp messages (T-11: the intakes ask to confirm an appeal by text)",
    (handler) => {
      expect(allowed(handler)).toEqual(
        expect.arrayContaining(["sms-voice:SendTextMessage", "social-messaging:SendWhatsAppMessage"]),
      );
    },
  );
  it.each(["reports", "staff-api", "mail-sent"] as const)("%s may not", (handler) => {
    expect(allowed(handler).filter((a) => /sms-voice|social-messaging/.test(a))).toEqual([]);
  });
});

describe("SES Send events mark outgoing mail sent (issue 15)", () => {
  it("publishes the configuration set's Send events to the default bus, and a rule gives them to mail-sent", () => {
    h.template.hasResourceProperties("AWS::SES::ConfigurationSetEventDestination", {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: ["send"],
        EventBridgeDestination: {
          EventBusArn: Match.anyValue(),
        },
      }),
    });
    const mailSent = h.id(h.stack.functions["mail-sent"]);
    const rules = Object.values(h.template.findResources("AWS::Events::Rule")) as Json[];
    const rule = rules.find((r) =>
      (r.Properties.Targets ?? []).some(
        (t: Json) => JSON.stringify(t.Arn) === JSON.stringify({ "Fn::GetAtt": [mailSent, "Arn"] }),
      ),
    );
    expect(rule?.Properties.EventPattern).toMatchObject({
      source: ["aws.ses"],
      "detail-type": ["Email Sent"],
      detail: { eventType: ["Send"], mail: { tags: { "ses:configuration-set": [expect.anything()] } } },
    });
    expect(rule?.Properties.Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 2 });
  });

  it("lets mail-sent read and update table items only: no delete, no put, no query, no send", () => {
    const statements = statementsOfRole(
      h.template,
      roleOfFunction(h.template, h.id(h.stack.functions["mail-sent"])),
    ).filter((s) => s.Effect === "Allow");
    const table = actionsOf(statements).filter((a) => a.startsWith("dynamodb:"));
    expect(table.sort()).toEqual(["dynamodb:GetItem", "dynamodb:UpdateItem"]);
    expect(actionsOf(statements).filter((a) => /^(ses|s3|states):/.test(a))).toEqual([]);
  });
});

describe("intake recovery sweep (issue 15)", () => {
  it("runs the sweep Lambda every 15 minutes, retried by EventBridge", () => {
    const sweepId = h.id(h.stack.functions["intake-sweep"]);
    h.template.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: "rate(15 minutes)",
      State: "ENABLED",
      Targets: [
        Match.objectLike({
          Arn: { "Fn::GetAtt": [sweepId, "Arn"] },
          RetryPolicy: { MaximumRetryAttempts: 2 },
        }),
      ],
    });
  });

  it("lets the sweep list only the raw/ prefix, read raw mail and not delete anything", () => {
    const statements = statementsOfRole(
      h.template,
      roleOfFunction(h.template, h.id(h.stack.functions["intake-sweep"])),
    );
    const list = statements.find((s) => actionsOf([s]).includes("s3:ListBucket"));
    expect(list?.Condition).toEqual({ StringLike: { "s3:prefix": ["raw/*"] } });
    expect(actionsOf(statements)).toContain("s3:GetObject");
    expect(actionsOf(statements).filter((a) => a.startsWith("s3:") && /Delete/.test(a))).toEqual([]);
  });
});
