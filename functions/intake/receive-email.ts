// Email intake (issue 4): an SES receipt event, whose raw message the receipt rule's S3 action has already
// stored, becomes a new case, a message added to an existing case, a quarantined message or recorded noise.
//
// Nothing received is ever lost, even if the Lambda dies midway (SES retries an asynchronous invocation):
// - the raw message stays in S3 and every outcome records its key;
// - attachments are uploaded BEFORE the case is written, under `<SES messageId>/<n>-<safe filename>` (the
//   reference does not exist yet), so the case appears in one transaction with its attachments, flags and
//   raw key, and a failure before it leaves no half-written case (only objects a retry overwrites);
// - the case is created idempotently on the SES messageId, then the workflow is started (openCase); a
//   retry after a crash between the two finds the case and starts (or finds) the execution;
// - `INBOX#<messageId>` items record the outcome last: a redelivered event that finds one answers at once
//   (duplicate) without reading, parsing or starting anything again.
// Logs carry ids only: never addresses, names, subjects, bodies or file names.
import { createHash } from "node:crypto";
import { GetObjectCommand, PutObjectCommand, PutObjectTaggingCommand } from "@aws-sdk/client-s3";
import * as z from "zod";
import { refusal } from "../domain/actions.ts";
import type { CaseContent, CaseRecord, Flag } from "../domain/complaint.ts";
import type { Language } from "../domain/config.ts";
import { labelIn } from "../domain/config-schema.ts";
import { neverTold, stepActor } from "../domain/procedure.ts";
import { categoryOf, languageOf, staffMember } from "../domain/routing.ts";
import { RawMessageMissingError } from "../errors.ts";
import { caseConsoleUrl } from "../lib/console-url.ts";
import { log } from "../lib/logger.ts";
import { emitMetric } from "../lib/metrics.ts";
import { type Runtime, requireEnv, runtime } from "../lib/runtime.ts";
import { s3 } from "../lib/s3.ts";
import { caseEmailBase } from "../mail/case-email.ts";
import { MailRejectedError, sendOnce } from "../mail/mailer.ts";
import type { MessageReceivedData } from "../mail/templates.ts";
import { type InboxKind, inboxStore } from "../store/inbox-store.ts";
import { OUTSIDE_CASE_TAG } from "../store/retention-tags.ts";
import { openCase } from "./open-case.ts";
import {
  contentFingerprint,
  type InboundAttachment,
  type InboundMessage,
  type Noise,
  normaliseAddress,
  parseInbound,
} from "./parse-inbound.ts";
import { parseSesEvent, rawMessageLocation, type SesRecord, type Verdicts, verdictsOf } from "./ses-event.ts";

export { RawMessageMissingError };

/** Where the receipt rule's S3 action writes each message (infra/constructs/intake.ts RAW_MAIL_PREFIX). */
export const RAW_PREFIX = "raw/";
/** The timeline and outbox actor of everything the intake writes. */
export const INTAKE_ACTOR = "email";

// DynamoDB items are limited to 400 KB and the content item holds the description and every follow-up
// message: texts are cut (on a character boundary) to these byte budgets; the raw message keeps the full text.
const DESCRIPTION_MAX_BYTES = 100_000;
const MESSAGE_MAX_BYTES = 20_000;
const CONTENT_BUDGET_BYTES = 300_000;
const TRUNCATED_NOTE = "\n\n[…] (texte tronqué / text truncated: see the original message)";
/** References looked up per subject: a subject listing dozens of references is not a reply. */
const MAX_REFERENCES_LOOKED_UP = 5;
const UPLOAD_CONCURRENCY = 4;

export type NoiseKind = Noise["kind"];

/** What the intake did with one message; `POST /local/inbound-email` answers exactly this (CONTRACT.md). */
export type IntakeResult =
  | { messageId: string; reference: string }
  | { messageId: string; reference: string; attached: true; unknownSender?: true }
  | { messageId: string; quarantined: true }
  | { messageId: string; duplicate: true; reference: string }
  | { messageId: string; noise: NoiseKind };

const emailAddress = z.email();

/**
 * Handles an SES receipt event (Lambda action, or the notification of an S3 action as makeSesEvent builds).
 * Throws on a malformed event (InvalidSesEventError) and on any AWS failure, so that SES retries.
 * SES delivers one record per event; should there be more, each is handled and the first one's result returned.
 */
export async function receiveEmail(event: unknown, rt: Runtime = runtime()): Promise<IntakeResult> {
  const [first, ...rest] = parseSesEvent(event).Records;
  if (!first) throw new Error("unreachable: parseSesEvent requires one record");
  const result = await receiveRecord(rt, first);
  for (const record of rest) await receiveRecord(rt, record);
  return result;
}

export async function receiveRecord(rt: Runtime, record: SesRecord): Promise<IntakeResult> {
  const { mail, receipt } = record.ses;
  const messageId = mail.messageId;
  const receivedAt = new Date(mail.timestamp).toISOString();
  const raw = rawMessageLocation(record, { bucket: requireEnv("RAW_BUCKET"), prefix: RAW_PREFIX });
  const inbox = new Inbox(rt, messageId, receivedAt, raw, mail.source);

  const previous = await inbox.previousOutcome();
  if (previous) {
    log("INFO", "intake: message already handled", { messageId, outcome: outcomeName(previous) });
    return previous;
  }

  const verdicts = verdictsOf(receipt);
  if (verdicts.quarantine) {
    // Not even read: the raw message stays where SES put it, for the officer (and the antivirus) only.
    const recorded = await inbox.record("QUARANTINE", { verdicts: verdictSummary(record) });
    if (recorded) emitMetric("MailQuarantined");
    log("WARN", "intake: message quarantined (virus verdict FAIL)", { messageId });
    return { messageId, quarantined: true };
  }

  const bytes = await readRaw(raw);
  const message = await parseInbound(bytes, {
    attachmentCapBytes: rt.config.intake.attachmentCapBytes,
    defaultLanguage: defaultLanguage(rt),
    intakeAddress: rt.config.organisation.intakeAddress,
  });

  // Issue 15: the same message delivered twice (an SMTP or MTA retry: another SES messageId, same content)
  // is one case. Keyed on the Message-ID with a fingerprint of the content, so that a forged Message-ID on
  // other content cannot suppress somebody else's complaint; without a Message-ID, on the delivery only.
  inbox.dedupeKey = emailSourceId(messageId, message.messageId, bytes);

  if (message.noise) return recordNoise(rt, inbox, message, message.noise);

  const existing = await knownCase(rt, message.references);
  if (existing) return attachToCase(rt, inbox, existing, message, verdicts);

  return openNewCase(rt, inbox, message, verdicts);
}

// ---------------------------------------------------------------------------------------------------------
// Outcomes

/** Auto-replies, bounces and reports: never a case, never an acknowledgement (mail loops), recorded. */
async function recordNoise(rt: Runtime, inbox: Inbox, message: InboundMessage, noise: Noise) {
  const { messageId } = inbox;
  const existing = await knownCase(rt, message.references);
  if (existing) {
    // On the case's timeline so staff see e.g. that the acknowledgement bounced; nobody is notified.
    await rt.store.update(existing.reference, () => ({
      event: {
        id: messageEventId(inbox.dedupeKey),
        at: inbox.receivedAt,
        type: "message",
        actor: INTAKE_ACTOR,
        detail: `noise: ${noise.kind}`,
      },
    }));
  }
  const recorded = await inbox.record("NOISE", {
    kind: noise.kind,
    reason: noise.reason,
    ...(existing ? { reference: existing.reference } : {}),
  });
  if (recorded) emitMetric("MailNoise", { Kind: noise.kind });
  log("INFO", "intake: noise recorded", { messageId, kind: noise.kind, reference: existing?.reference });
  return { messageId, noise: noise.kind } satisfies IntakeResult;
}

/** A reply carrying a known reference: added to that case, never a new one; the assignee is told. */
async function attachToCase(
  rt: Runtime,
  inbox: Inbox,
  existing: CaseRecord,
  message: InboundMessage,
  verdicts: Verdicts,
): Promise<IntakeResult> {
  const { messageId, receivedAt } = inbox;
  const reference = existing.reference;
  const stored = await storeAttachments(inbox, message.attachments);
  const sender = senderOf(rt, message, inbox.envelopeSender);
  const messageFlags = flagsOf(message, verdicts, sender);
  // Flags that ask for manual work on the case; the verdicts about this one message go on its event only.
  const caseFlags = messageFlags.filter(
    (f) => f === "unreadable" || f === "attachment-oversized" || f === "content-sanitised",
  );
  // Issue 15: references are sequential, so anybody can write "[CFM-2026-000123]" in a subject. Only mail
  // whose (authenticated) From is the complainant or their representative joins the case as theirs; any
  // other is kept on the case with its sender, flagged `unknown-sender`, and never acts on it.
  const from = validEmail(message.from.address);
  let unknownSender = false;

  const { record, applied } = await rt.store.update(
    reference,
    (current, content) => {
      if (!content) return null;
      const parties = [content.complainant?.email, content.representative?.email]
        .filter((a): a is string => !!a)
        .map((a) => a.toLowerCase());
      unknownSender = verdicts.senderUnverified || !from || !parties.includes(from);
      const text = fitText(message.text, Math.min(MESSAGE_MAX_BYTES, spareBytes(content)));
      // A stranger's files are kept aside on their message (shown with its sender), never counted or
      // listed as the case's attachments: they are not evidence the complainant gave.
      const attachments = unknownSender ? content.attachments : [...content.attachments, ...stored];
      const flags = unknownSender ? [...caseFlags, "unknown-sender" as const] : caseFlags;
      const detail = [...messageFlags, ...(unknownSender ? ["unknown-sender"] : [])];
      return {
        record: { attachments: attachments.length, flags: [...new Set([...current.flags, ...flags])] },
        content: {
          messages: [
            ...content.messages,
            {
              at: receivedAt,
              from: from ?? sender.email ?? null,
              text,
              rawMessageKey: inbox.raw.key,
              ...(unknownSender ? { unknownSender: true } : {}),
              ...(unknownSender && stored.length > 0 ? { attachments: stored } : {}),
            },
          ],
          attachments,
        },
        event: {
          id: messageEventId(inbox.dedupeKey),
          at: receivedAt,
          type: "message",
          actor: INTAKE_ACTOR,
          ...(detail.length > 0 ? { detail: [...new Set(detail)].join(", ") } : {}),
        },
      };
    },
    { withContent: true },
  );
  if (!applied) {
    // A redelivery: how the first delivery was filed decides how it is answered and notified.
    const content = await rt.store.getContent(reference);
    const filed = content.messages.find((m) => m.rawMessageKey === inbox.raw.key) ?? null;
    unknownSender = filed?.unknownSender === true;
  }

  // Also on a retry (applied false): sendOnce sends at most once per key.
  await notifyAssignee(rt, record, inbox.dedupeKey, receivedAt, {
    text: !unknownSender && quotable(message, verdicts) ? message.text : undefined,
    unknownSender: unknownSender ? (from ?? sender.email ?? null) : undefined,
  });
  await inbox.record("RECEIPT", { reference, outcome: applied ? "attached" : "duplicate" });
  log("INFO", "intake: message added to a case", { messageId, reference, retried: !applied, unknownSender });
  if (!applied) return { messageId, duplicate: true, reference };
  return unknownSender
    ? { messageId, reference, attached: true, unknownSender: true }
    : { messageId, reference, attached: true };
}

async function openNewCase(
  rt: Runtime,
  inbox: Inbox,
  message: InboundMessage,
  verdicts: Verdicts,
): Promise<IntakeResult> {
  const { messageId, receivedAt } = inbox;
  const attachments = await storeAttachments(inbox, message.attachments);
  const sender = senderOf(rt, message, inbox.envelopeSender);
  const flags = flagsOf(message, verdicts, sender);
  const email = sender.email;
  const name = message.from.name?.slice(0, 200) ?? undefined;
  // No From at all: anonymous and unreachable. A name without a usable address: named but unreachable.
  const anonymous = !email && !name;
  const complainant: CaseContent["complainant"] = anonymous
    ? null
    : { ...(name ? { name } : {}), ...(email ? { email } : {}) };

  const { reference, created } = await openCase(rt, {
    sourceId: inbox.dedupeKey,
    kind: "complaint",
    channel: "email",
    language: supportedLanguage(rt, message.language),
    anonymous,
    receivedAt,
    actor: INTAKE_ACTOR,
    flags,
    content: {
      complainant,
      subject: message.subject.slice(0, 1000),
      description: fitText(message.text, DESCRIPTION_MAX_BYTES),
      attachments,
      rawMessageKey: inbox.raw.key,
    },
  });
  await inbox.record("RECEIPT", { reference, outcome: created ? "case" : "duplicate" });
  log("INFO", created ? "intake: case opened" : "intake: case already opened (redelivery)", {
    messageId,
    reference,
    attachments: attachments.length,
    flags: flags.join(",") || undefined,
  });
  return created ? { messageId, reference } : { messageId, duplicate: true, reference };
}

// ---------------------------------------------------------------------------------------------------------
// Pieces

/**
 * The source id of a message (SOURCE# item, event ids): `email:<sha256(Message-ID, content fingerprint)>`, or
 * the SES messageId when the message has no Message-ID (then only a redelivered event is recognised).
 */
export function emailSourceId(sesMessageId: string, headerMessageId: string | null, raw: Uint8Array): string {
  if (!headerMessageId) return sesMessageId;
  const digest = createHash("sha256")
    .update(`${headerMessageId}\n${contentFingerprint(raw)}`)
    .digest("hex");
  return `email:${digest}`;
}

/** Flags for the officer (CaseRecord.flags). */
function flagsOf(message: InboundMessage, verdicts: Verdicts, sender: Sender): Flag[] {
  const flags: Flag[] = [];
  if (verdicts.suspectedSpam) flags.push("suspected-spam");
  // SPF/DKIM/DMARC FAIL, or no usable From: the sender cannot be verified.
  if (verdicts.senderUnverified || !validEmail(message.from.address)) flags.push("sender-unverified");
  if (sender.recovered) flags.push("sender-recovered");
  if (!sender.email) flags.push("no-reply-address");
  if (message.unreadable) flags.push("unreadable");
  if (message.attachments.some((a) => a.oversized)) flags.push("attachment-oversized");
  if (message.sanitised) flags.push("content-sanitised");
  return flags;
}

interface Sender {
  /** Where acknowledgements and answers go; none when nothing usable was found. */
  email: string | undefined;
  /** Not the From as written: decoded, converted (IDN) or taken from a fallback. */
  recovered: boolean;
}

/**
 * Issue 15: the address to write back to. The From (decoded again when one encoded-word wrapped name and
 * address; an internationalised domain in punycode), else Reply-To, Sender, Return-Path, then the envelope
 * sender SES received (MAIL FROM). Never the intake address itself (a loop).
 */
function senderOf(rt: Runtime, message: InboundMessage, envelope: string | undefined): Sender {
  const intake = rt.config.organisation.intakeAddress.toLowerCase();
  const usable = (address: string | null | undefined) => {
    const email = validEmail(address ? normaliseAddress(address) : null);
    return email && email !== intake ? email : undefined;
  };
  const from = usable(message.from.address);
  if (from) return { email: from, recovered: message.fromRecovered };
  for (const fallback of message.fallbackAddresses) {
    const email = usable(fallback.address);
    if (email) return { email, recovered: true };
  }
  const bounce = !envelope || envelope === "<>" || /^mailer-daemon@/i.test(envelope);
  const email = bounce ? undefined : usable(envelope);
  return { email, recovered: email !== undefined };
}

/** The text may be quoted to staff only when nothing says it could be forged or junk. */
function quotable(message: InboundMessage, verdicts: Verdicts): boolean {
  return !verdicts.suspectedSpam && !verdicts.senderUnverified && !message.unreadable;
}

async function knownCase(rt: Runtime, references: string[]): Promise<CaseRecord | null> {
  for (const reference of references.slice(0, MAX_REFERENCES_LOOKED_UP)) {
    const record = await rt.store.get(reference);
    if (record) return record;
  }
  return null;
}

async function readRaw(raw: { bucket: string; key: string }): Promise<Uint8Array> {
  try {
    const out = await s3().send(new GetObjectCommand({ Bucket: raw.bucket, Key: raw.key }));
    if (!out.Body) throw new RawMessageMissingError(`raw message ${raw.key} has no body`);
    return await out.Body.transformToByteArray();
  } catch (error) {
    if ((error as Error).name === "NoSuchKey")
      throw new RawMessageMissingError(`raw message ${raw.key} not found in its bucket`);
    throw error;
  }
}

/**
 * Uploads the attachments (encrypted with the stack's KMS key when KMS_KEY_ID is set; the bucket's default
 * encryption otherwise). Keys are deterministic, so a retry overwrites rather than duplicates. An oversized
 * attachment is not copied out (the parser did not keep its bytes): it is listed with the raw message's key,
 * whose message holds it, and the case is flagged `attachment-oversized`.
 */
async function storeAttachments(
  inbox: Inbox,
  attachments: InboundAttachment[],
): Promise<CaseContent["attachments"]> {
  if (attachments.length === 0) return [];
  const bucket = requireEnv("ATTACHMENTS_BUCKET");
  const kmsKeyId = process.env.KMS_KEY_ID;
  const listed = attachments.map((attachment, index) => ({
    attachment,
    entry: {
      key: attachment.oversized
        ? inbox.raw.key
        : attachmentKey(inbox.messageId, index + 1, attachment.filename),
      filename: attachment.filename,
      contentType: attachment.contentType,
      size: attachment.size,
      oversized: attachment.oversized,
    },
  }));
  const uploads = listed.filter(({ attachment }) => !attachment.oversized);
  for (let i = 0; i < uploads.length; i += UPLOAD_CONCURRENCY) {
    await Promise.all(
      uploads.slice(i, i + UPLOAD_CONCURRENCY).map(({ attachment, entry }) =>
        s3().send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: entry.key,
            Body: attachment.content,
            ContentType: attachment.contentType,
            ...(kmsKeyId
              ? { ServerSideEncryption: "aws:kms", SSEKMSKeyId: kmsKeyId, BucketKeyEnabled: true }
              : {}),
          }),
        ),
      ),
    );
  }
  return listed.map(({ entry }) => entry);
}

/** `<messageId>/<n>-<safe filename>`: ASCII letters, digits, dot, dash and underscore only. */
export function attachmentKey(messageId: string, n: number, filename: string): string {
  const safe =
    filename
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^A-Za-z0-9._-]+/g, "_")
      .replace(/^[._]+/, "")
      .slice(-100) || "attachment";
  return `${messageId}/${n}-${safe}`;
}

/** Tells the case's assignee (else the coordinator) of a message added to it; shared with SMS/WhatsApp intake. */
export async function notifyAssignee(
  rt: Runtime,
  record: CaseRecord,
  messageId: string,
  receivedAt: string,
  message: { text: string | undefined; unknownSender: string | null | undefined },
): Promise<void> {
  const assignee = record.assignee ?? rt.config.organisation.coordinator;
  // H-E1 (issue 14): an answered case that may still be appealed: the message may be the appeal (a reply, an
  // SMS without the keyword, a letter scanned in): the complaints officer is told too, with the case page
  // where it is recorded. The rule is record-appeal's own (actions.refusal), so the email offers only what
  // the page allows. Never from an unknown sender.
  let appealCaseUrl: string | undefined;
  let recipients = [assignee];
  if (message.unknownSender === undefined && (record.status === "responded" || record.status === "closed")) {
    const content = await rt.store.getContent(record.reference);
    const probe = { action: "record-appeal" as const, channel: "email" as const, reason: "(message)" };
    if (refusal(rt.config, "coordinator", record, content, probe, receivedAt) === null) {
      appealCaseUrl = caseConsoleUrl(rt.taskBaseUrl, record.reference);
      recipients = [...new Set([assignee, stepActor(rt.config, record, "closure", neverTold(content))])];
    }
  }
  for (const to of recipients)
    await notifyOne(
      rt,
      record,
      messageId,
      receivedAt,
      message,
      to,
      appealCaseUrl,
      to !== assignee ? "appeal" : null,
    );
  // H-E2: during the appeal, the member the appeal officer assigned keeps the complainant informed: the
  // complainant's messages reach them too (never one from an unknown sender).
  const member = record.status === "appeal" ? record.appealHandler : null;
  if (member && message.unknownSender === undefined && !recipients.includes(member))
    await notifyOne(rt, record, messageId, receivedAt, message, member, undefined, "appeal-member");
}

async function notifyOne(
  rt: Runtime,
  record: CaseRecord,
  messageId: string,
  receivedAt: string,
  message: { text: string | undefined; unknownSender: string | null | undefined },
  to: string,
  appealCaseUrl: string | undefined,
  /** Another recipient than the assignee: the outbox key gets this suffix. */
  extra: string | null,
): Promise<void> {
  const { text } = message;
  const language = languageOf(rt.config, to);
  const common = {
    ...caseEmailBase(rt.config, record),
    receivedAt,
    recipientName: staffMember(rt.config, to)?.name,
    ...(appealCaseUrl ? { appealCaseUrl } : {}),
  };
  // Never the text (nor the category) of a sensitive case (H-D1, CONTRACT "Emails").
  // Issue 15: a message from somebody else is announced as such; its sender is named unless the case is
  // sensitive (a third party's address is then as confidential as the rest).
  const unknown = message.unknownSender !== undefined;
  const data: MessageReceivedData = record.sensitive
    ? { ...common, sensitive: true, ...(unknown ? { unknownSender: true } : {}) }
    : {
        ...common,
        sensitive: false,
        ...(record.category
          ? { categoryLabel: labelIn(categoryOf(rt.config, record.category).label, language) }
          : {}),
        ...(text ? { message: text } : {}),
        ...(unknown
          ? { unknownSender: true, ...(message.unknownSender ? { sender: message.unknownSender } : {}) }
          : {}),
      };
  try {
    await sendOnce(rt, {
      reference: record.reference,
      key: extra ? `${messageEventId(messageId)}:${extra}`.slice(0, 220) : messageEventId(messageId),
      to,
      template: "message-received",
      language,
      data,
    });
  } catch (error) {
    // The message is in the case; a rejected notification is recorded on its outbox item, not retried.
    if (!(error instanceof MailRejectedError)) throw error;
    log("WARN", "intake: message-received notification rejected", {
      messageId,
      reference: record.reference,
    });
  }
}

/** Event ids are at most 200 characters; SES ids are about 60, but the schema allows 255. */
function messageEventId(messageId: string): string {
  const id = `message:${messageId}`;
  return id.length <= 200 ? id : `message:${createHash("sha256").update(messageId).digest("hex")}`;
}

function validEmail(address: string | null): string | undefined {
  if (!address || address.length > 254) return undefined;
  return emailAddress.safeParse(address).success ? address.toLowerCase() : undefined;
}

function defaultLanguage(rt: Runtime): Language {
  return rt.config.organisation.languages[0] ?? "fr";
}

function supportedLanguage(rt: Runtime, language: Language): Language {
  return rt.config.organisation.languages.includes(language) ? language : defaultLanguage(rt);
}

/** Cuts a text to a UTF-8 byte budget on a character boundary, saying so. */
export function fitText(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, "utf8") <= maxBytes) return text;
  const room = Math.max(0, maxBytes - Buffer.byteLength(TRUNCATED_NOTE, "utf8"));
  let cut = Buffer.from(text, "utf8").subarray(0, room).toString("utf8");
  // A character cut in half decodes as U+FFFD at the end.
  cut = cut.replace(/\uFFFD+$/, "");
  return `${cut}${TRUNCATED_NOTE}`;
}

function spareBytes(content: CaseContent): number {
  return Math.max(0, CONTENT_BUDGET_BYTES - Buffer.byteLength(JSON.stringify(content), "utf8"));
}

function verdictSummary(record: SesRecord) {
  const { receipt } = record.ses;
  return {
    spam: receipt.spamVerdict.status,
    virus: receipt.virusVerdict.status,
    spf: receipt.spfVerdict.status,
    dkim: receipt.dkimVerdict.status,
    dmarc: receipt.dmarcVerdict.status,
  };
}

function outcomeName(result: IntakeResult): string {
  if ("quarantined" in result) return "quarantined";
  if ("noise" in result) return `noise:${result.noise}`;
  return "duplicate";
}

// ---------------------------------------------------------------------------------------------------------
// What became of each message (functions/store/inbox-store.ts: ids and verdicts only). QUARANTINE and NOISE
// are listed for the officer; RECEIPT marks a message that opened or joined a case.

export type { InboxKind };

/** Shared with the SMS, WhatsApp and webhook intake (functions/intake/receive-text.ts). */
export class Inbox {
  /** What makes two deliveries the same message (issue 15): set once the message is read. */
  dedupeKey: string;

  constructor(
    private readonly rt: Runtime,
    readonly messageId: string,
    readonly receivedAt: string,
    readonly raw: { bucket: string; key: string },
    /** The envelope sender (MAIL FROM) SES received: never stored, only a last resort to write back. */
    readonly envelopeSender?: string,
  ) {
    this.dedupeKey = messageId;
  }

  /** The outcome of an earlier delivery of this message, as it is answered again. */
  async previousOutcome(): Promise<IntakeResult | null> {
    const items = await inboxStore(this.rt).outcomes(this.messageId);
    const find = (kind: InboxKind) => items.find((item) => item.kind === kind)?.fields;
    const messageId = this.messageId;
    if (find("QUARANTINE")) return { messageId, quarantined: true };
    const noise = find("NOISE");
    if (noise) return { messageId, noise: noise.kind as NoiseKind };
    const receipt = find("RECEIPT");
    if (receipt) return { messageId, duplicate: true, reference: String(receipt.reference) };
    return null;
  }

  /**
   * Writes the item once; false when it was already there (a retry). T-12: a message that is part of no case
   * (noise, quarantine) is tagged first, so that its raw copy expires after rawMailExpiryDays; a case's raw
   * message is its evidence and is erased with the case.
   */
  async record(kind: InboxKind, fields: Record<string, unknown>): Promise<boolean> {
    if (kind !== "RECEIPT")
      await s3().send(
        new PutObjectTaggingCommand({
          Bucket: this.raw.bucket,
          Key: this.raw.key,
          Tagging: { TagSet: [{ Key: OUTSIDE_CASE_TAG.key, Value: OUTSIDE_CASE_TAG.value }] },
        }),
      );
    return inboxStore(this.rt).record(
      kind,
      { messageId: this.messageId, receivedAt: this.receivedAt },
      {
        messageId: this.messageId,
        receivedAt: this.receivedAt,
        rawBucket: this.raw.bucket,
        rawMessageKey: this.raw.key,
        recordedAt: this.rt.now().toISOString(),
        ...fields,
      },
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
