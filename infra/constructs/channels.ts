// The channels beyond email and the web form (issue 17), each created only when the config declares it:
// - two-way SMS and WhatsApp: an SNS topic each (the phone number's two-way channel and the WhatsApp Business
//   Account's event destination publish there), encrypted with the storage key, subscribed by the
//   intake-messages Lambda (asynchronous: two retries, then its failure queue, which an alarm watches);
// - KoboToolbox and gateway webhooks: the channel-hooks Lambda on the HTTP API (POST /hooks/kobo/{form},
//   POST /hooks/messages/{source}) and one Secrets Manager secret holding the shared secrets and the Kobo
//   API token (values set by the operator after deploy, README);
// - the workflow Lambdas may send SMS from the configured origination identity and WhatsApp messages from the
//   configured phone number id, and nothing else.
import { Aws, CfnOutput, RemovalPolicy, Stack } from "aws-cdk-lib";
import type * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import { HttpMethod } from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as iam from "aws-cdk-lib/aws-iam";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import type { OrgConfig } from "../../functions/domain/config.ts";
import { acceptIamWildcards, EXECUTIONS_FINDING, nagArn, REASONS, suppress } from "../nag.ts";
import { TASK_RESPONSE_ACTIONS } from "./api.ts";
import { CfmFunction } from "./cfm-function.ts";
import type { EmailDomain } from "./intake.ts";
import type { Storage } from "./storage.ts";

export interface ChannelsProps {
  config: OrgConfig;
  storage: Storage;
  email: EmailDomain;
  stateMachine: sfn.StateMachine;
  httpApi: apigw.HttpApi;
  linkSecret: secretsmanager.ISecret;
  /** The workflow Lambdas: they send the complainant's messages. */
  senders: CfmFunction[];
}

/** What the hooks and the messaging intake may write in the raw bucket (the raw copies, the refused payloads). */
const RAW_PREFIXES = ["channels/*", "hooks/*"] as const;

export class Channels extends Construct {
  readonly functions: CfmFunction[] = [];
  readonly smsTopic?: sns.Topic;
  readonly whatsappTopic?: sns.Topic;
  readonly secrets?: secretsmanager.Secret;
  private readonly settings: OrgConfig["channels"];

  constructor(scope: Construct, id: string, props: ChannelsProps) {
    super(scope, id);
    this.settings = props.config.channels;
    const { config, storage, email, stateMachine } = props;
    const { sms, whatsapp, kobo, webhook } = config.channels;
    const stack = Stack.of(this);

    for (const sender of props.senders) this.grantSendToComplainant(sender);

    const intakeEnvironment = {
      TABLE_NAME: storage.table.tableName,
      RAW_BUCKET: storage.rawMailBucket.bucketName,
      ATTACHMENTS_BUCKET: storage.attachmentsBucket.bucketName,
      STATE_MACHINE_ARN: stateMachine.stateMachineArn,
      LINK_SECRET_ARN: props.linkSecret.secretArn,
      KMS_KEY_ID: storage.key.keyArn,
      SES_FROM: email.fromAddress,
      SES_CONFIGURATION_SET: email.configurationSet.configurationSetName,
    };
    /** What both intakes need: the table, raw copies, attachments, the workflow, mail to the assignee. */
    const grantIntake = (fn: CfmFunction) => {
      storage.grantTableData(fn.fn, "read-write");
      email.grantSend(fn.fn);
      props.linkSecret.grantRead(fn.fn);
      stateMachine.grantStartExecution(fn.fn);
      stateMachine.grantExecution(fn.fn, "states:DescribeExecution");
      fn.fn.addToRolePolicy(
        new iam.PolicyStatement({
          // T-12: a message that is part of no case is tagged to expire (functions/store/retention-tags.ts).
          actions: ["s3:PutObject", "s3:PutObjectTagging"],
          resources: RAW_PREFIXES.map((p) => storage.rawMailBucket.arnForObjects(p)),
        }),
      );
      fn.fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ["s3:PutObject"],
          resources: [storage.attachmentsBucket.arnForObjects("*")],
        }),
      );
      // An appeal by SMS ("RECOURS …") completes the appeal step through its link, as the follow-up page does.
      fn.fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [...TASK_RESPONSE_ACTIONS],
          resources: ["*"],
        }),
      );
      acceptIamWildcards(fn.role, [
        { finding: `Resource::${nagArn(storage.table)}/index/*`, reason: REASONS.tableIndexes },
        ...RAW_PREFIXES.map((p) => ({
          finding: `Resource::${nagArn(storage.rawMailBucket)}/${p}`,
          reason: REASONS.objectKeys,
        })),
        { finding: `Resource::${nagArn(storage.attachmentsBucket)}/*`, reason: REASONS.objectKeys },
        { finding: EXECUTIONS_FINDING, reason: REASONS.describeExecution },
        {
          finding: "Resource::*",
          reason:
            `${REASONS.xray} states:SendTaskSuccess/SendTaskFailure support no resource-level permissions: the ` +
            "appeal link's task token is the capability (an appeal by SMS or webhook message).",
          onlyActions: [
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "states:SendTaskSuccess",
            "states:SendTaskFailure",
          ],
        },
      ]);
      this.functions.push(fn);
    };

    if (sms || whatsapp) {
      const fn = new CfmFunction(this, "IntakeMessages", {
        handler: "intake-messages",
        config,
        key: storage.key,
        description: "cfm: inbound SMS and WhatsApp messages (SNS from AWS End User Messaging) into cases",
        asyncInvocation: true,
        environment: intakeEnvironment,
      });
      grantIntake(fn);
      // T-11: an APPEL text is answered with the confirmation question on its own channel.
      this.grantSendToComplainant(fn);
      // End User Messaging publishes to the encrypted topics: it needs a data key of the storage key.
      const services = [
        ...(sms ? ["sms-voice.amazonaws.com"] : []),
        ...(whatsapp ? ["social-messaging.amazonaws.com"] : []),
      ];
      storage.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: "AllowEndUserMessagingToPublishInboundMessages",
          principals: services.map((s) => new iam.ServicePrincipal(s)),
          actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
          resources: ["*"],
          conditions: { StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID } },
        }),
      );
      const topic = (topicId: string, service: string, variable: string) => {
        const created = new sns.Topic(this, topicId, { masterKey: storage.key, enforceSSL: true });
        created.addToResourcePolicy(
          new iam.PolicyStatement({
            sid: "AllowEndUserMessagingToPublish",
            principals: [new iam.ServicePrincipal(service)],
            actions: ["sns:Publish"],
            resources: [created.topicArn],
            conditions: { StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID } },
          }),
        );
        created.addSubscription(new subscriptions.LambdaSubscription(fn.fn));
        fn.fn.addEnvironment(variable, created.topicArn);
        return created;
      };
      if (sms) {
        this.smsTopic = topic("InboundSms", "sms-voice.amazonaws.com", "SMS_TOPIC_ARN");
        new CfnOutput(stack, "InboundSmsTopicArn", {
          description:
            "SNS topic of inbound SMS: set it as the two-way channel destination of the phone number " +
            `${sms.number} in AWS End User Messaging SMS (README, "Two-way SMS").`,
          value: this.smsTopic.topicArn,
        });
      }
      if (whatsapp) {
        this.whatsappTopic = topic("InboundWhatsApp", "social-messaging.amazonaws.com", "WHATSAPP_TOPIC_ARN");
        new CfnOutput(stack, "InboundWhatsAppTopicArn", {
          description:
            "SNS topic of inbound WhatsApp messages: set it as the event destination of the WhatsApp Business " +
            'Account in AWS End User Messaging Social (README, "WhatsApp").',
          value: this.whatsappTopic.topicArn,
        });
      }
    }

    if (kobo || webhook) {
      this.secrets = new secretsmanager.Secret(this, "HookSecrets", {
        description:
          'cfm: Kobo and webhook secrets, JSON {"kobo": {"<form>": {"secret", "apiToken"}}, "webhook": {"<source>": "<key>"}}',
        encryptionKey: storage.key,
        // A placeholder the operator replaces (README): until then every hook request is refused (401).
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ kobo: {}, webhook: {} }),
          generateStringKey: "unused",
          excludePunctuation: true,
        },
        removalPolicy: RemovalPolicy.DESTROY,
      });
      suppress(this.secrets, [
        {
          id: "AwsSolutions-SMG4",
          reason:
            "The Kobo shared secret and API token and the gateways' HMAC keys are issued by those services: they " +
            "are rotated there, then pasted here (README); a rotation Lambda could not change them at the source.",
        },
      ]);
      const fn = new CfmFunction(this, "ChannelHooks", {
        handler: "channel-hooks",
        config,
        key: storage.key,
        description: "cfm: KoboToolbox REST Services submissions and signed gateway webhooks into cases",
        environment: { ...intakeEnvironment, CHANNEL_SECRETS_ARN: this.secrets.secretArn },
      });
      grantIntake(fn);
      // T-11: a gateway's APPEL text is answered on SMS or WhatsApp when the config declares them.
      this.grantSendToComplainant(fn);
      this.secrets.grantRead(fn.fn);
      const integration = new HttpLambdaIntegration("ChannelHooksIntegration", fn.fn);
      const routes = [
        ...(kobo ? ["/hooks/kobo/{form}"] : []),
        ...(webhook ? ["/hooks/messages/{source}"] : []),
      ];
      for (const path of routes)
        for (const route of props.httpApi.addRoutes({ path, methods: [HttpMethod.POST], integration }))
          suppress(route, [
            {
              id: "AwsSolutions-APIG4",
              reason:
                "Kobo's REST Services and SMS gateways cannot sign in: each request carries its own credential, " +
                "the form's shared secret (X-Cfm-Secret) or the source's HMAC-SHA256 signature with a timestamp, " +
                "checked in constant time by the app; refused requests are kept and alarmed on.",
            },
          ]);
      new CfnOutput(stack, "HookSecretsArn", {
        description:
          "Secrets Manager secret of the Kobo forms' shared secrets and API tokens and the webhook keys: put " +
          'the values there after deploy (README, "KoboToolbox").',
        value: this.secrets.secretArn,
      });
    }
  }

  /** SendTextMessage from the configured identity, SendWhatsAppMessage from the configured phone number id. */
  grantSendToComplainant(fn: CfmFunction): void {
    const { sms, whatsapp } = this.settings;
    const stack = Stack.of(this);
    const arn = (service: string, resource: string) =>
      `arn:${Aws.PARTITION}:${service}:${stack.region}:${stack.account}:${resource}`;
    if (sms) {
      const identity = sms.originationIdentity;
      // An ARN names the exact resource; a number or an id does not say which resource type it is (phone
      // number, pool, sender id): those of this account and region, and the opt-out lists it checks.
      const resources = identity?.startsWith("arn:")
        ? [identity, arn("sms-voice", "opt-out-list/*")]
        : [
            arn("sms-voice", "phone-number/*"),
            arn("sms-voice", "pool/*"),
            arn("sms-voice", "opt-out-list/*"),
          ];
      if (sms.configurationSet) resources.push(arn("sms-voice", `configuration-set/${sms.configurationSet}`));
      fn.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ["sms-voice:SendTextMessage"], resources }));
      acceptIamWildcards(fn.role, [
        {
          finding:
            /^Resource::arn:<AWS::Partition>:sms-voice:<AWS::Region>:<AWS::AccountId>:(phone-number|pool|opt-out-list)\/\*$/,
          reason:
            "SendTextMessage is authorised on the origination identity, which the config names by number (no " +
            "resource id is known at synth); set channels.sms.originationIdentity to its ARN to narrow it.",
        },
      ]);
    }
    if (whatsapp) {
      const id = whatsapp.phoneNumberId.replace(/^phone-number-id-/, "");
      fn.fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ["social-messaging:SendWhatsAppMessage"],
          resources: [arn("social-messaging", `phone-number-id/${id}`)],
        }),
      );
    }
  }
}
