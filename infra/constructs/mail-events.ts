// Issue 15: SES tells cfm which messages it accepted. The configuration set publishes each Send event to the
// account's default event bus; a rule sends those of this configuration set to the mail-sent Lambda, which marks
// the outbox item the message names sent (functions/handlers/mail-sent.ts). A send whose own mark was lost to a
// crash is then not sent again by the attempt that takes its stale claim over. SES publishes the event within
// seconds; the claim goes stale after SEND_CLAIM_STALE_SECONDS (30 s).
import { Duration } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as eventTargets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as ses from "aws-cdk-lib/aws-ses";
import { Construct } from "constructs";
import type { OrgConfig } from "../../functions/domain/config.ts";
import { CfmFunction } from "./cfm-function.ts";
import type { EmailDomain } from "./intake.ts";
import { KEY_DATA_ACTIONS, type Storage } from "./storage.ts";

export interface MailEventsProps {
  config: OrgConfig;
  storage: Storage;
  email: EmailDomain;
}

export class MailEvents extends Construct {
  readonly function: CfmFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: MailEventsProps) {
    super(scope, id);
    const { storage, email } = props;
    const bus = events.EventBus.fromEventBusName(this, "DefaultBus", "default");
    // SES can publish only to the default bus; only Send is needed (bounces and deliveries are not read yet).
    email.configurationSet.addEventDestination("SendEvents", {
      destination: ses.EventDestination.eventBus(bus),
      events: [ses.EmailSendingEvent.SEND],
    });

    this.function = new CfmFunction(this, "MailSent", {
      handler: "mail-sent",
      config: props.config,
      key: storage.key,
      description:
        "cfm: marks an outgoing email sent on SES's Send event (no email sent twice after a crash)",
      memorySize: 256,
      timeout: Duration.seconds(10),
      // No failure queue (and its alarm, $0.10 a month): a lost event loses only this second record of a send
      // whose sender usually marked it already; the Errors alarm still tells of a function that fails.
      environment: { TABLE_NAME: storage.table.tableName },
    });
    // An outbox item read, then one conditional UpdateItem: nothing else of the table.
    // The table itself, not its indexes (Table.grant would add index/*).
    this.function.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
        resources: [storage.table.tableArn],
      }),
    );
    storage.key.grant(this.function.fn, ...KEY_DATA_ACTIONS);

    this.rule = new events.Rule(this, "SendEventRule", {
      description: "cfm: SES Send events of the intake address's configuration set (issue 15)",
      eventBus: bus,
      eventPattern: {
        source: ["aws.ses"],
        detailType: ["Email Sent"],
        detail: {
          eventType: ["Send"],
          mail: { tags: { "ses:configuration-set": [email.configurationSet.configurationSetName] } },
        },
      },
      targets: [new eventTargets.LambdaFunction(this.function.fn, { retryAttempts: 2 })],
    });
  }
}
