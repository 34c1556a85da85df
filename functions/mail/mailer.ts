// Outgoing email through SES v2, sent at most once per outbox key: a retried handler finds the outbox
// record and does not send again. Throttling is rethrown as TransientError (Step Functions retries it);
// a rejected message is recorded on the outbox item and raised as MailRejectedError (needs attention).
import { SendEmailCommand } from "@aws-sdk/client-sesv2";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Language } from "../domain/config.ts";
import type { Runtime } from "../lib/runtime.ts";
import { type RenderedEmail, renderEmail, type TemplateData, type TemplateId } from "./templates.ts";

export class TransientError extends Error {
  override name = "TransientError";
}
export class MailRejectedError extends Error {
  override name = "MailRejectedError";
}

/** A claim older than this with no "sent" mark is taken to be a crashed send and is sent again. */
const STALE_CLAIM_MS = 5 * 60 * 1000;
const THROTTLING = new Set([
  "TooManyRequestsException",
  "ThrottlingException",
  "LimitExceededException",
  "SendingPausedException",
]);

export interface OutgoingEmail<T extends TemplateId> {
  reference: string;
  /** Unique per message of the case, e.g. "acknowledgement" or "task:triage:<token hash>". */
  key: string;
  to: string;
  template: T;
  language: Language;
  data: TemplateData[T];
}

export async function sendOnce<T extends TemplateId>(
  rt: Runtime,
  email: OutgoingEmail<T>,
): Promise<"sent" | "already-sent"> {
  const Key = { pk: `CASE#${email.reference}`, sk: `OUTBOX#${email.key}` };
  const now = rt.now();
  try {
    await rt.doc.send(
      new PutCommand({
        TableName: rt.tableName,
        Item: { ...Key, status: "sending", template: email.template, claimedAt: now.toISOString() },
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
      throw new MailRejectedError(`${email.template} for ${email.reference} was rejected`);
    return "already-sent";
  }
  const rendered: RenderedEmail = renderEmail(email.template, email.language, email.data);
  try {
    const out = await rt.ses.send(
      new SendEmailCommand({
        FromEmailAddress: rt.fromAddress,
        Destination: { ToAddresses: [email.to] },
        ReplyToAddresses: [rt.config.organisation.intakeAddress],
        ConfigurationSetName: rt.configurationSet,
        Content: {
          Simple: {
            Subject: { Data: rendered.subject, Charset: "UTF-8" },
            Body: {
              Text: { Data: rendered.text, Charset: "UTF-8" },
              Html: { Data: rendered.html, Charset: "UTF-8" },
            },
            // Auto-responders must not answer our mail (no loops with the intake address).
            Headers: [{ Name: "Auto-Submitted", Value: "auto-generated" }],
          },
        },
      }),
    );
    await rt.doc.send(
      new UpdateCommand({
        TableName: rt.tableName,
        Key,
        UpdateExpression: "SET #s = :sent, messageId = :id, sentAt = :at",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: {
          ":sent": "sent",
          ":id": out.MessageId ?? "",
          ":at": rt.now().toISOString(),
        },
      }),
    );
    return "sent";
  } catch (error) {
    const name = (error as Error).name;
    if (THROTTLING.has(name) || (error as { $retryable?: unknown }).$retryable) {
      // Release the claim so the retry sends.
      await rt.doc.send(
        new UpdateCommand({
          TableName: rt.tableName,
          Key,
          UpdateExpression: "SET claimedAt = :old",
          ExpressionAttributeValues: { ":old": "1970-01-01T00:00:00.000Z" },
        }),
      );
      throw new TransientError(`SES throttled ${email.template} for ${email.reference}`);
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
    throw new MailRejectedError(`${email.template} for ${email.reference} was rejected by SES (${name})`);
  }
}
