// Storage: the one DynamoDB table (keys and indexes shared with the local stack), the raw-mail and
// attachments buckets, the access-logs bucket and the customer-managed KMS key that encrypts them.
// Everything holding complaint data is retained when the stack is deleted (see the README teardown notes).
import { Aws, Duration, RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import type { OrgConfig } from "../../functions/domain/config.ts";
import { parseDuration } from "../../functions/domain/duration.ts";
import { BACKSTOP_RETENTIONS, OUTSIDE_CASE_TAG } from "../../functions/store/retention-tags.ts";
import {
  FINAL_INDEX_STAGE,
  INDEX_STAGES,
  type IndexStage,
  TABLE_KEYS,
  TTL_ATTRIBUTE,
} from "../../functions/store/table-design.ts";

/**
 * Raw messages that are not part of any case (noise, quarantine) are kept 30 days by default (a re-run, a look
 * by the officer); those of a case are its evidence and live as long as the case (T-12).
 */
export const DEFAULT_RAW_MAIL_EXPIRY_DAYS = 30;
/**
 * Every cfm log group (functions, state machine, API access) is kept a year (Control Tower CT.CLOUDWATCH.PR.2):
 * they are the operational audit trail of who acted when (the timeline of each case, kept for the T-12
 * retention, is in the table). They hold no personal data, and at cfm's volumes a year costs cents.
 */
export const LOG_RETENTION = logs.RetentionDays.ONE_YEAR;
/** Server access logs kept for a year (security investigations), then deleted. */
export const ACCESS_LOG_EXPIRY_DAYS = 365;

/**
 * An ISO 8601 retention (T-12: P5Y) as whole days for an S3 lifecycle rule. Rounded *up* (366-day years,
 * 31-day months) so an attachment is never deleted before the retention period has run.
 */
export function retentionDays(iso: string): number {
  const d = parseDuration(iso);
  const seconds = d.hours * 3_600 + d.minutes * 60 + d.seconds;
  return Math.max(1, d.years * 366 + d.months * 31 + d.weeks * 7 + d.days + Math.ceil(seconds / 86_400));
}

/** Item-level DynamoDB actions: the store reads by GetItem/Query and writes in transactions; never Scan. */
export const TABLE_READ_ACTIONS = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"] as const;
export const TABLE_WRITE_ACTIONS = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
] as const;
/** What a caller of DynamoDB, S3 (SSE-KMS) or SQS needs on the customer-managed key; no wildcard actions. */
export const KEY_DATA_ACTIONS = [
  "kms:Decrypt",
  "kms:DescribeKey",
  "kms:Encrypt",
  "kms:GenerateDataKey",
] as const;

export interface StorageProps {
  config: OrgConfig;
  /** Days after receipt before a raw message that is not part of a case is deleted. */
  rawMailExpiryDays?: number;
  /**
   * Issue 18: which stage of the index upgrade the table is at (table-design.ts INDEX_STAGES; CDK context
   * `cfm:indexStage`). Default: the final design, for a new installation; a table deployed before steps through.
   */
  indexStage?: number;
}

export class Storage extends Construct {
  /** Encrypts the table, the data buckets, the link secret, the queues, the log groups and the alarm topic. */
  readonly key: kms.Key;
  readonly table: dynamodb.Table;
  /** SES writes each received message here under `raw/`. */
  readonly rawMailBucket: s3.Bucket;
  /** Attachments extracted by intake, kept for the organisation's retention period. */
  readonly attachmentsBucket: s3.Bucket;
  /** S3 server access logs of the two data buckets. */
  readonly accessLogsBucket: s3.Bucket;
  /** The indexes this deploy leaves on the table, and which of them the code reads. */
  readonly indexStage: IndexStage;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    // S3 server access logging through a bucket policy for logging.s3.amazonaws.com rather than the legacy
    // LogDeliveryWrite ACL (ACLs stay disabled: BucketOwnerEnforced). Set here, before any child exists.
    this.node.setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);

    this.key = new kms.Key(this, "Key", {
      description: "cfm: complaint data, link secret, queues, logs and alarm notifications",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Control Tower CT.KMS.PR.3: grants on the key only for AWS resources or by AWS services. DynamoDB and Secrets
    // Manager create their grants on the caller's behalf (kms:GrantIsForAWSResource is true); no cfm code or
    // operator needs a grant of its own, so a stolen credential cannot hand the key to another principal.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "DenyGrantsExceptForAwsResources",
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ["kms:CreateGrant"],
        resources: ["*"],
        conditions: {
          BoolIfExists: { "kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false" },
        },
      }),
    );
    // CloudWatch Logs encrypts the function, state machine and API access log groups with this key.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudWatchLogsEncryption",
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        resources: ["*"],
        conditions: {
          ArnLike: {
            "kms:EncryptionContext:aws:logs:arn": `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
          },
        },
      }),
    );

    const stage = INDEX_STAGES[props.indexStage ?? FINAL_INDEX_STAGE];
    if (!stage)
      throw new Error(`cfm:indexStage must be a stage of the index upgrade, 0 to ${FINAL_INDEX_STAGE}`);
    this.indexStage = stage;
    const attributes = new Map<string, dynamodb.Attribute>();
    this.table = new dynamodb.Table(this, "Table", {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // T-12: the TTL deletion of a status or content record starts the purge of the rest of its case
      // (retention.ts); the content's old image says where its S3 objects are, whichever record goes first.
      stream: dynamodb.StreamViewType.OLD_IMAGE,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of stage.indexes) {
      const key = (name: string) => {
        const attribute = attributes.get(name) ?? { name, type: dynamodb.AttributeType.STRING };
        attributes.set(name, attribute);
        return attribute;
      };
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
        ...(index.projection === "ALL"
          ? { projectionType: dynamodb.ProjectionType.ALL }
          : { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] }),
      });
    }

    this.accessLogsBucket = new s3.Bucket(this, "AccessLogs", {
      // S3 server access logging can only deliver to a bucket encrypted with SSE-S3.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [
        {
          id: "expire-access-logs",
          expiration: Duration.days(ACCESS_LOG_EXPIRY_DAYS),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const rawDays = props.rawMailExpiryDays ?? DEFAULT_RAW_MAIL_EXPIRY_DAYS;
    // T-12: case evidence (raw messages, attachments) is erased with its case by the purge, when the retention
    // counted from closure ends (retention.ts); lifecycle rules count from creation, so they only back it up.
    const backstop = Duration.days(retentionDays(props.config.retention) * BACKSTOP_RETENTIONS);
    this.rawMailBucket = this.dataBucket("RawMail", "raw-mail/", [
      {
        // A raw message that is not part of any case (noise, quarantine): tagged by the intake.
        id: "expire-raw-mail-outside-cases",
        tagFilters: { [OUTSIDE_CASE_TAG.key]: OUTSIDE_CASE_TAG.value },
        expiration: Duration.days(rawDays),
        noncurrentVersionExpiration: Duration.days(1),
      },
      {
        id: "expire-raw-mail-backstop",
        expiration: backstop,
        noncurrentVersionExpiration: Duration.days(1),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      },
    ]);
    this.attachmentsBucket = this.dataBucket("Attachments", "attachments/", [
      {
        id: "expire-attachments-backstop",
        expiration: backstop,
        noncurrentVersionExpiration: Duration.days(30),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      },
    ]);
  }

  /**
   * Item-level access to the table and its indexes (no Scan, no streams, no table management), with the key.
   * Narrower than Table.grantReadWriteData, which adds Scan, DescribeTable and stream reads.
   */
  grantTableData(grantee: iam.IGrantable, access: "read" | "read-write"): void {
    const actions =
      access === "read" ? [...TABLE_READ_ACTIONS] : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
    this.table.grant(grantee, ...actions);
    this.key.grant(grantee, ...KEY_DATA_ACTIONS);
  }

  private dataBucket(id: string, logPrefix: string, lifecycleRules: s3.LifecycleRule[]): s3.Bucket {
    return new s3.Bucket(this, id, {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      // One KMS data key per bucket for a while instead of one call per object: fewer KMS requests.
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [
        ...lifecycleRules,
        { id: "remove-expired-delete-markers", expiredObjectDeleteMarker: true },
      ],
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: logPrefix,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
