// T-12: a closed case is archived for the retention period, then erased whole. The status and content records
// carry the clock (DynamoDB TTL `expiresAt`, set at closure); when DynamoDB deletes either, the table's stream
// (old images), filtered to TTL deletions of those records, invokes the purge Lambda, which deletes the case's S3 objects
// (raw messages and attachments) and every other item of the case (functions/retention/purge-case.ts). Why a stream
// rather than an S3 lifecycle alone: lifecycle rules count from an object's creation, the retention counts
// from the case's closure, which may come months later; a TTL on every item would still leave the S3 objects.
import { Duration } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { DynamoEventSource, SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { OrgConfig } from "../../functions/domain/config.ts";
import { acceptIamWildcards, nagArn, REASONS, SQS_KMS_ALLOWANCES, suppress } from "../nag.ts";
import { CfmFunction } from "./cfm-function.ts";
import type { Storage } from "./storage.ts";

export interface RetentionProps {
  config: OrgConfig;
  storage: Storage;
}

export class Retention extends Construct {
  readonly function: CfmFunction;
  /** Stream records the purge could not process after its retries (an alarm watches it). */
  readonly failureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: RetentionProps) {
    super(scope, id);
    const { storage, config } = props;
    this.function = new CfmFunction(this, "Purge", {
      handler: "purge",
      config,
      key: storage.key,
      description: "cfm: erases a case whose T-12 retention ended (S3 objects, then its remaining items)",
      timeout: Duration.minutes(2),
      environment: {
        TABLE_NAME: storage.table.tableName,
        RAW_BUCKET: storage.rawMailBucket.bucketName,
        ATTACHMENTS_BUCKET: storage.attachmentsBucket.bucketName,
      },
    });
    const fn = this.function.fn;
    storage.grantTableData(fn, "read-write");
    // Deleting the current version leaves a delete marker; the buckets' noncurrent-version rules finish the job.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["s3:DeleteObject"],
        resources: [storage.rawMailBucket.arnForObjects("*"), storage.attachmentsBucket.arnForObjects("*")],
      }),
    );

    this.failureQueue = new sqs.Queue(this, "FailureQueue", {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: storage.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    suppress(this.failureQueue, [
      {
        id: "AwsSolutions-SQS3",
        reason:
          "This queue is itself the failure destination of the purge's stream mapping; an alarm fires as soon " +
          "as it holds a message (its stream record names the case to erase by hand).",
      },
    ]);
    fn.addEventSource(
      new DynamoEventSource(storage.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(24),
        onFailure: new SqsDlq(this.failureQueue),
        // Only the status and content records DynamoDB's TTL removed: no other write invokes the function.
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual("REMOVE"),
            userIdentity: {
              type: lambda.FilterRule.isEqual("Service"),
              principalId: lambda.FilterRule.isEqual("dynamodb.amazonaws.com"),
            },
            dynamodb: { Keys: { sk: { S: lambda.FilterRule.or("STATUS", "CONTENT") } } },
          }),
        ],
      }),
    );
    acceptIamWildcards(this.function.role, [
      { finding: `Resource::${nagArn(storage.table)}/index/*`, reason: REASONS.tableIndexes },
      { finding: `Resource::${nagArn(storage.rawMailBucket)}/*`, reason: REASONS.objectKeys },
      { finding: `Resource::${nagArn(storage.attachmentsBucket)}/*`, reason: REASONS.objectKeys },
      // The stream's ARN carries its creation label; CDK grants ListStreams on '*'.
      {
        finding: "Resource::*",
        reason: `${REASONS.xray} dynamodb:ListStreams has none either; the stream mapping needs it.`,
        onlyActions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "dynamodb:ListStreams"],
      },
      ...SQS_KMS_ALLOWANCES,
    ]);
  }
}
