// Email in and out. EmailDomain: the SES identity of the intake address's domain (DKIM; receiving needs it
// verified too) and the configuration set outgoing mail goes through. Intake: the SES receipt rule for the
// intake address (virus/spam scan, TLS required) that stores the raw message under raw/ and then invokes the
// intake Lambda asynchronously.
import { ArnFormat, Aws, CfnOutput, Duration, Stack } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as eventTargets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as ses from "aws-cdk-lib/aws-ses";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import type { OrgConfig } from "../../functions/domain/config.ts";
import { acceptIamWildcards, EXECUTIONS_FINDING, nagArn, REASONS } from "../nag.ts";
import { CfmFunction } from "./cfm-function.ts";
import type { Storage } from "./storage.ts";

/** Where the SES S3 action writes each message: `raw/<SES messageId>`. */
export const RAW_MAIL_PREFIX = "raw/";

export interface EmailDomainProps {
  config: OrgConfig;
  /**
   * Create the SES domain identity (default). False when the domain is already verified in SES in this
   * account and region (creating it again would fail): context `cfm:manageEmailIdentity=false`.
   */
  manageIdentity?: boolean;
}

export class EmailDomain extends Construct {
  readonly domain: string;
  /** The intake address: complainants write to it and every cfm email is sent from it. */
  readonly fromAddress: string;
  readonly identityArn: string;
  readonly configurationSet: ses.ConfigurationSet;
  readonly configurationSetArn: string;
  readonly identity?: ses.EmailIdentity;

  constructor(scope: Construct, id: string, props: EmailDomainProps) {
    super(scope, id);
    this.fromAddress = props.config.organisation.intakeAddress;
    const domain = this.fromAddress.split("@")[1];
    if (!domain) throw new Error(`cfm: the intake address ${this.fromAddress} has no domain`);
    this.domain = domain;
    const stack = Stack.of(this);

    this.configurationSet = new ses.ConfigurationSet(this, "ConfigurationSet", {
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSetArn = stack.formatArn({
      service: "ses",
      resource: "configuration-set",
      resourceName: this.configurationSet.configurationSetName,
    });
    this.identityArn = stack.formatArn({ service: "ses", resource: "identity", resourceName: domain });

    if (props.manageIdentity ?? true) {
      this.identity = new ses.EmailIdentity(this, "Identity", {
        identity: ses.Identity.domain(domain),
        configurationSet: this.configurationSet,
      });
      const dkim = [
        [this.identity.dkimDnsTokenName1, this.identity.dkimDnsTokenValue1],
        [this.identity.dkimDnsTokenName2, this.identity.dkimDnsTokenValue2],
        [this.identity.dkimDnsTokenName3, this.identity.dkimDnsTokenValue3],
      ] as const;
      dkim.forEach(([name, value], i) => {
        new CfnOutput(stack, `DkimRecord${i + 1}`, {
          description: `DKIM CNAME record ${i + 1} of 3 to publish in the DNS of the intake domain (verifies it in SES)`,
          value: `${name} CNAME ${value}`,
        });
      });
    }
  }

  /** SESv2 SendEmail from the intake address only, through this domain identity and configuration set. */
  grantSend(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ["ses:SendEmail"],
        resources: [this.identityArn, this.configurationSetArn],
        conditions: { StringEquals: { "ses:FromAddress": this.fromAddress } },
      }),
    );
  }
}

export interface IntakeProps {
  config: OrgConfig;
  storage: Storage;
  email: EmailDomain;
  stateMachine: sfn.StateMachine;
}

export class Intake extends Construct {
  readonly function: CfmFunction;
  /** Issue 15: processes raw messages that never got an outcome (functions/handlers/intake-sweep.ts). */
  readonly sweep: CfmFunction;
  readonly sweepRule: events.Rule;
  readonly ruleSet: ses.ReceiptRuleSet;
  readonly rule: ses.ReceiptRule;
  readonly ruleSetName: string;
  /** arn:aws:ses:<region>:<account>:receipt-rule-set/<set>:receipt-rule/<rule> */
  readonly ruleArn: string;

  constructor(scope: Construct, id: string, props: IntakeProps) {
    super(scope, id);
    const { storage, email } = props;
    const stack = Stack.of(this);

    this.function = new CfmFunction(this, "IntakeEmail", {
      handler: "intake-email",
      config: props.config,
      key: storage.key,
      description: "cfm: parses a received email, records or attaches it, starts the complaint workflow",
      // MIME parsing of messages with attachments up to attachmentCapBytes.
      memorySize: 1024,
      timeout: Duration.minutes(2),
      asyncInvocation: true,
      environment: {
        TABLE_NAME: storage.table.tableName,
        RAW_BUCKET: storage.rawMailBucket.bucketName,
        ATTACHMENTS_BUCKET: storage.attachmentsBucket.bucketName,
        STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
        // "Message received" notifications to the case's assignee.
        SES_FROM: email.fromAddress,
        SES_CONFIGURATION_SET: email.configurationSet.configurationSetName,
      },
    });
    const fn = this.function.fn;
    storage.grantTableData(fn, "read-write");
    email.grantSend(fn);
    props.stateMachine.grantStartExecution(fn);
    // A redelivered message finds its execution already started (same name): intake checks it is this case's.
    props.stateMachine.grantExecution(fn, "states:DescribeExecution");
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        // T-12: a message that is part of no case is tagged to expire (functions/store/retention-tags.ts).
        actions: ["s3:GetObject", "s3:PutObjectTagging"],
        resources: [storage.rawMailBucket.arnForObjects(`${RAW_MAIL_PREFIX}*`)],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["s3:PutObject"],
        resources: [storage.attachmentsBucket.arnForObjects("*")],
      }),
    );
    // Reading raw mail and writing attachments (both SSE-KMS) use the storage key, granted with the table above.
    acceptIamWildcards(this.function.role, [
      { finding: `Resource::${nagArn(storage.table)}/index/*`, reason: REASONS.tableIndexes },
      {
        finding: `Resource::${nagArn(storage.rawMailBucket)}/${RAW_MAIL_PREFIX}*`,
        reason: REASONS.objectKeys,
      },
      { finding: `Resource::${nagArn(storage.attachmentsBucket)}/*`, reason: REASONS.objectKeys },
      { finding: EXECUTIONS_FINDING, reason: REASONS.describeExecution },
    ]);

    // The rule's ARN goes into the bucket policy and the Lambda permission, and SES checks both when the rule is
    // created; Ref on the rule would make a cycle, so the rule set and rule get names and the ARN is formatted.
    // Recovery sweep (issue 15): every 15 minutes, raw messages without a recorded outcome are processed
    // again, idempotently. Same rights as the intake, plus listing the raw prefix.
    this.sweep = new CfmFunction(this, "IntakeSweep", {
      handler: "intake-sweep",
      config: props.config,
      key: storage.key,
      description: "cfm: processes raw messages whose intake recorded no outcome (crash recovery)",
      memorySize: 1024,
      timeout: Duration.minutes(5),
      environment: {
        TABLE_NAME: storage.table.tableName,
        RAW_BUCKET: storage.rawMailBucket.bucketName,
        ATTACHMENTS_BUCKET: storage.attachmentsBucket.bucketName,
        STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
        SES_FROM: email.fromAddress,
        SES_CONFIGURATION_SET: email.configurationSet.configurationSetName,
      },
    });
    const sweepFn = this.sweep.fn;
    storage.grantTableData(sweepFn, "read-write");
    email.grantSend(sweepFn);
    props.stateMachine.grantStartExecution(sweepFn);
    props.stateMachine.grantExecution(sweepFn, "states:DescribeExecution");
    sweepFn.addToRolePolicy(
      new iam.PolicyStatement({
        // T-12: a message that is part of no case is tagged to expire (functions/store/retention-tags.ts).
        actions: ["s3:GetObject", "s3:PutObjectTagging"],
        resources: [storage.rawMailBucket.arnForObjects(`${RAW_MAIL_PREFIX}*`)],
      }),
    );
    sweepFn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["s3:ListBucket"],
        resources: [storage.rawMailBucket.bucketArn],
        conditions: { StringLike: { "s3:prefix": [`${RAW_MAIL_PREFIX}*`] } },
      }),
    );
    sweepFn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["s3:PutObject"],
        resources: [storage.attachmentsBucket.arnForObjects("*")],
      }),
    );
    acceptIamWildcards(this.sweep.role, [
      { finding: `Resource::${nagArn(storage.table)}/index/*`, reason: REASONS.tableIndexes },
      {
        finding: `Resource::${nagArn(storage.rawMailBucket)}/${RAW_MAIL_PREFIX}*`,
        reason: REASONS.objectKeys,
      },
      { finding: `Resource::${nagArn(storage.attachmentsBucket)}/*`, reason: REASONS.objectKeys },
      { finding: EXECUTIONS_FINDING, reason: REASONS.describeExecution },
    ]);
    this.sweepRule = new events.Rule(this, "IntakeSweepSchedule", {
      description: "cfm: intake recovery sweep (issue 15)",
      schedule: events.Schedule.rate(Duration.minutes(15)),
      targets: [new eventTargets.LambdaFunction(sweepFn, { retryAttempts: 2 })],
    });

    this.ruleSetName = `${stack.stackName}-intake`;
    const ruleName = `${stack.stackName}-intake-address`;
    this.ruleArn = stack.formatArn({
      service: "ses",
      resource: "receipt-rule-set",
      resourceName: `${this.ruleSetName}:receipt-rule/${ruleName}`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const fromThisRule = { "AWS:SourceAccount": Aws.ACCOUNT_ID, "AWS:SourceArn": this.ruleArn };

    storage.rawMailBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowSesIntakeRuleToStoreRawMail",
        principals: [new iam.ServicePrincipal("ses.amazonaws.com")],
        actions: ["s3:PutObject"],
        resources: [storage.rawMailBucket.arnForObjects(`${RAW_MAIL_PREFIX}*`)],
        conditions: { StringEquals: fromThisRule },
      }),
    );
    // The raw-mail bucket encrypts with the storage key by default (SSE-KMS): SES, writing, needs a data key.
    // As the SES Developer Guide ("Give SES permission to use your AWS KMS key") requires for a bucket with
    // server-side encryption: kms:GenerateDataKey* and kms:Decrypt (multipart uploads of large messages), for
    // this account and this receipt rule only. The S3 action sets no KmsKeyArn: that would make SES encrypt
    // client-side with the S3 encryption client, which intake's plain GetObject could not read.
    storage.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowSesToEncryptRawMail",
        principals: [new iam.ServicePrincipal("ses.amazonaws.com")],
        actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
        resources: ["*"],
        conditions: { StringEquals: fromThisRule },
      }),
    );
    const permission = allowSesInvoke(fn, this.ruleArn);

    this.ruleSet = new ses.ReceiptRuleSet(this, "RuleSet", { receiptRuleSetName: this.ruleSetName });
    this.rule = this.ruleSet.addRule("IntakeAddress", {
      receiptRuleName: ruleName,
      recipients: [props.config.organisation.intakeAddress],
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      enabled: true,
      actions: [
        {
          bind: () => ({
            s3Action: { bucketName: storage.rawMailBucket.bucketName, objectKeyPrefix: RAW_MAIL_PREFIX },
          }),
        },
        { bind: () => ({ lambdaAction: { functionArn: fn.functionArn, invocationType: "Event" } }) },
      ],
    });
    const bucketPolicy = storage.rawMailBucket.policy;
    if (bucketPolicy) this.rule.node.addDependency(bucketPolicy);
    this.rule.node.addDependency(permission);
    this.rule.node.addDependency(storage.key);

    new CfnOutput(stack, "ReceiptRuleSetName", {
      description:
        "SES receipt rule set for the intake address. SES activates no rule set by itself: run " +
        "`aws ses set-active-receipt-rule-set --rule-set-name <this value>` once after the first deploy (only one " +
        "rule set can be active per account and region). SES email receiving exists only in some regions.",
      value: this.ruleSetName,
    });
  }
}

/** lambda:InvokeFunction for SES, limited to this account and this receipt rule. */
function allowSesInvoke(fn: CfmFunction["fn"], ruleArn: string) {
  fn.addPermission("AllowSesIntakeRule", {
    principal: new iam.ServicePrincipal("ses.amazonaws.com"),
    action: "lambda:InvokeFunction",
    sourceAccount: Aws.ACCOUNT_ID,
    sourceArn: ruleArn,
  });
  const permission = fn.permissionsNode.tryFindChild("AllowSesIntakeRule");
  if (!permission) throw new Error("cfm: the SES invoke permission was not created");
  return permission;
}
