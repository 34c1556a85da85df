// Sends a report email at most once per kind and period, like mailer.sendOnce does per case: a claim item
// REPORT#<kind>#<period> / OUTBOX is written first (conditional Put), so a retried or duplicated
// invocation finds it and does not send again. A claim left "sending" by a crash is taken over after
// 5 minutes. Throttling releases the claim and is rethrown as TransientError (the scheduler retries).
import { type SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { MailRejectedError, TransientError } from "../mail/mailer.ts";
import type { ReportRuntime } from "./load.ts";

const STALE_CLAIM_MS = 5 * 60 * 1000;
const THROTTLING = new Set([
  "TooManyRequestsException",
  "ThrottlingException",
  "LimitExceededException",
  "SendingPausedException",
]);

export interface ReportEmail {
  kind: string;
  /** The period's key, e.g. 2026-Q1. */
  period: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  attachments: Array<{ fileName: string; contentType: string; content: Buffer }>;
}

export interface MailRuntime extends Pick<ReportRuntime, "doc" | "tableName" | "now" | "config"> {
  ses: SESv2Client;
  fromAddress: string;
  configurationSet: string | undefined;
}

export const reportOutboxKey = (kind: string, period: string) => ({
  pk: `REPORT#${kind}#${period}`,
  sk: "OUTBOX",
});

export async function sendReportOnce(rt: MailRuntime, email: ReportEmail): Promise<"sent" | "already-sent"> {
  const Key = reportOutboxKey(email.kind, email.period);
  const now = rt.now();
  try {
    await rt.doc.send(
      new PutCommand({
        TableName: rt.tableName,
        Item: {
          ...Key,
          status: "sending",
          kind: email.kind,
          period: email.period,
          claimedAt: now.toISOString(),
        },
        ConditionExpression: "attribute_not_exists(pk) OR (#s = :sending AND claimedAt < :stale)",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: {
          ":sending": "sending",
          ":stale": new Date(now.getTime() - STALE_CLAIM_MS).toISOString(),
        },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
    const existing = await rt.doc.send(
      new GetCommand({ TableName: rt.tableName, Key, ConsistentRead: true }),
    );
    if (existing.Item?.status === "rejected")
      throw new MailRejectedError(`the ${email.kind} report for ${email.period} was rejected`);
    return "already-sent";
  }
  try {
    const out = await rt.ses.send(
      new SendEmailCommand({
        FromEmailAddress: rt.fromAddress,
        Destination: { ToAddresses: email.to },
        ReplyToAddresses: [rt.config.organisation.coordinator],
        ConfigurationSetName: rt.configurationSet,
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: "UTF-8" },
            Body: {
              Text: { Data: email.text, Charset: "UTF-8" },
              Html: { Data: email.html, Charset: "UTF-8" },
            },
            Headers: [{ Name: "Auto-Submitted", Value: "auto-generated" }],
            Attachments: email.attachments.map((a) => ({
              FileName: a.fileName,
              ContentType: a.contentType,
              ContentDisposition: "ATTACHMENT",
              ContentTransferEncoding: "BASE64",
              RawContent: a.content,
            })),
          },
        },
      }),
    );
    await rt.doc.send(
      new UpdateCommand({
        TableName: rt.tableName,
        Key,
        UpdateExpression: "SET #s = :sent, messageId = :id, sentAt = :at, recipients = :n",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: {
          ":sent": "sent",
          ":id": out.MessageId ?? "",
          ":at": rt.now().toISOString(),
          ":n": email.to.length,
        },
      }),
    );
    return "sent";
  } catch (error) {
    const name = (error as Error).name;
    if (THROTTLING.has(name) || (error as { $retryable?: unknown }).$retryable) {
      await rt.doc.send(
        new UpdateCommand({
          TableName: rt.tableName,
          Key,
          UpdateExpression: "SET claimedAt = :old",
          ExpressionAttributeValues: { ":old": "1970-01-01T00:00:00.000Z" },
        }),
      );
      throw new TransientError(`SES throttled the ${email.kind} report for ${email.period}`);
    }
    await rt.doc.send(
      new UpdateCommand({
        TableName: rt.tableName,
        Key,
        UpdateExpression: "SET #s = :rejected, #e = :error",
        ExpressionAttributeNames: { "#s": "status", "#e": "error" },
        ExpressionAttributeValues: { ":rejected": "rejected", ":error": name },
      }),
    );
    throw new MailRejectedError(`the ${email.kind} report for ${email.period} was rejected by SES (${name})`);
  }
}
