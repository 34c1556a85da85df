// The event SES delivers to a Lambda receipt-rule action (or, with bucketName/objectKey set, the notification
// of an S3 action, whose `mail`/`receipt` shape is the same). Pure: no AWS SDK here.
// https://docs.aws.amazon.com/ses/latest/dg/receiving-email-action-lambda-event.html
import * as z from "zod";
import { InvalidSesEventError } from "../errors.ts";

export { InvalidSesEventError };

export const VERDICT_STATUSES = ["PASS", "FAIL", "GRAY", "PROCESSING_FAILED", "DISABLED"] as const;
export type VerdictStatus = (typeof VERDICT_STATUSES)[number];

const verdictSchema = z.object({ status: z.enum(VERDICT_STATUSES) });

// SES message ids are alphanumeric with dashes; the id becomes an S3 object key, so nothing else is accepted.
const SES_MESSAGE_ID = /^[A-Za-z0-9][A-Za-z0-9._=+-]{0,254}$/;

const timestampSchema = z.iso.datetime({ offset: true });

export const sesHeaderSchema = z.object({ name: z.string(), value: z.string() });

export const sesCommonHeadersSchema = z.object({
  returnPath: z.string().optional(),
  from: z.array(z.string()).optional(),
  sender: z.string().optional(),
  replyTo: z.array(z.string()).optional(),
  date: z.string().optional(),
  to: z.array(z.string()).optional(),
  cc: z.array(z.string()).optional(),
  bcc: z.array(z.string()).optional(),
  messageId: z.string().optional(),
  subject: z.string().optional(),
});

export const sesMailSchema = z.object({
  timestamp: timestampSchema,
  source: z.string(),
  messageId: z.string().regex(SES_MESSAGE_ID, "must be an SES message id (letters, digits, dashes)"),
  destination: z.array(z.string().min(1)).min(1),
  headersTruncated: z.boolean().optional(),
  headers: z.array(sesHeaderSchema).optional(),
  commonHeaders: sesCommonHeadersSchema.optional(),
});

export const sesActionSchema = z.object({
  type: z.enum(["Lambda", "S3"]),
  functionArn: z.string().optional(),
  invocationType: z.enum(["Event", "RequestResponse"]).optional(),
  topicArn: z.string().optional(),
  bucketName: z.string().min(1).optional(),
  objectKeyPrefix: z.string().optional(),
  objectKey: z.string().min(1).optional(),
});

export const sesReceiptSchema = z.object({
  timestamp: timestampSchema,
  processingTimeMillis: z.number().int().nonnegative().optional(),
  recipients: z.array(z.string().min(1)).min(1),
  spamVerdict: verdictSchema,
  virusVerdict: verdictSchema,
  spfVerdict: verdictSchema,
  dkimVerdict: verdictSchema,
  dmarcVerdict: verdictSchema,
  dmarcPolicy: z.string().optional(),
  action: sesActionSchema,
});

export const sesRecordSchema = z.object({
  eventSource: z.literal("aws:ses"),
  eventVersion: z.string(),
  ses: z.object({ mail: sesMailSchema, receipt: sesReceiptSchema }),
});

export const sesEventSchema = z.object({ Records: z.array(sesRecordSchema).min(1) });

export type SesEvent = z.infer<typeof sesEventSchema>;
export type SesRecord = z.infer<typeof sesRecordSchema>;
export type SesMail = z.infer<typeof sesMailSchema>;
export type SesReceipt = z.infer<typeof sesReceiptSchema>;
export type SesAction = z.infer<typeof sesActionSchema>;

/** Validates an SES receipt event; throws InvalidSesEventError naming every bad field (`path: message`). */
export function parseSesEvent(input: unknown): SesEvent {
  const result = sesEventSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join(".") : "(event)";
    return `${path}: ${issue.message}`;
  });
  throw new InvalidSesEventError(`invalid SES event: ${problems.join("; ")}`);
}

export interface Verdicts {
  /** virus FAIL: keep the raw message, open nothing, send nothing. */
  quarantine: boolean;
  /** spam FAIL */
  suspectedSpam: boolean;
  /** SPF, DKIM or DMARC FAIL: the From address may be forged. */
  senderUnverified: boolean;
}

/**
 * Reads the verdicts SES computed on receipt. Only the receipt counts: X-SES-*-Verdict or
 * Authentication-Results headers inside the message could have been written by the sender.
 */
export function verdictsOf(
  receipt: Pick<SesReceipt, "spamVerdict" | "virusVerdict" | "spfVerdict" | "dkimVerdict" | "dmarcVerdict">,
): Verdicts {
  const fails = (verdict: { status: VerdictStatus }) => verdict.status === "FAIL";
  return {
    quarantine: fails(receipt.virusVerdict),
    suspectedSpam: fails(receipt.spamVerdict),
    senderUnverified: fails(receipt.spfVerdict) || fails(receipt.dkimVerdict) || fails(receipt.dmarcVerdict),
  };
}

/**
 * Where the raw message is stored. An S3-action event names the object; the event of a Lambda action does not,
 * so the key is the receipt rule's S3 action prefix followed by the SES message id (SES's own naming).
 */
export function rawMessageLocation(
  record: SesRecord,
  fallback: { bucket: string; prefix: string },
): { bucket: string; key: string } {
  const { action } = record.ses.receipt;
  if (action.bucketName && action.objectKey) return { bucket: action.bucketName, key: action.objectKey };
  return { bucket: fallback.bucket, key: `${fallback.prefix}${record.ses.mail.messageId}` };
}

export type VerdictName = "spam" | "virus" | "spf" | "dkim" | "dmarc";

export interface MakeSesEventInput {
  messageId: string;
  bucket: string;
  key: string;
  /** Defaults to PASS for each verdict not given. */
  verdicts?: Partial<Record<VerdictName, VerdictStatus>>;
  /** Defaults to the example intake address. */
  recipients?: string[];
  /** Receipt time; defaults to now. */
  timestamp?: string | Date;
  /** Envelope sender (MAIL FROM). */
  source?: string;
  commonHeaders?: z.input<typeof sesCommonHeadersSchema>;
}

/**
 * A realistic SES event for the local stack and tests: the notification of an S3 action, so that it names the
 * stored raw message. Validated with the same schema as real events.
 */
export function makeSesEvent(input: MakeSesEventInput): SesEvent {
  const timestamp = input.timestamp === undefined ? new Date() : new Date(input.timestamp);
  if (Number.isNaN(timestamp.getTime())) {
    throw new InvalidSesEventError(`invalid SES event: timestamp: not a date (${String(input.timestamp)})`);
  }
  const iso = timestamp.toISOString();
  const recipients = input.recipients ?? ["plaintes@example.org"];
  const verdict = (name: VerdictName) => ({ status: input.verdicts?.[name] ?? "PASS" });
  const lastSlash = input.key.lastIndexOf("/");
  const event = {
    Records: [
      {
        eventSource: "aws:ses",
        eventVersion: "1.0",
        ses: {
          mail: {
            timestamp: iso,
            source: input.source ?? "unknown@invalid",
            messageId: input.messageId,
            destination: recipients,
            headersTruncated: false,
            headers: [],
            commonHeaders: input.commonHeaders ?? {},
          },
          receipt: {
            timestamp: iso,
            processingTimeMillis: 0,
            recipients,
            spamVerdict: verdict("spam"),
            virusVerdict: verdict("virus"),
            spfVerdict: verdict("spf"),
            dkimVerdict: verdict("dkim"),
            dmarcVerdict: verdict("dmarc"),
            action: {
              type: "S3",
              bucketName: input.bucket,
              objectKeyPrefix: lastSlash >= 0 ? input.key.slice(0, lastSlash + 1) : "",
              objectKey: input.key,
            },
          },
        },
      },
    ],
  };
  return parseSesEvent(event);
}
