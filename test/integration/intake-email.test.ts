// Email intake end to end (issue 4): real SES-shaped events, the raw message in a real S3 emulator (s3rver),
// DynamoDB Local, the corpus of test/events/mail; Step Functions and SES mocked (the workflow and the mail
// templates are tested elsewhere).
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { SESv2Client, SendEmailCommand, type SendEmailCommandInput } from "@aws-sdk/client-sesv2";
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import {
  DeleteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import MailComposer from "nodemailer/lib/mail-composer";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { loadConfigFile } from "../../functions/domain/config.ts";
import { parseInbound } from "../../functions/intake/parse-inbound.ts";
import { emailSourceId, type IntakeResult } from "../../functions/intake/receive-email.ts";
import { sweepRawMessages, VERDICTS_METADATA } from "../../functions/intake/recover.ts";
import { makeSesEvent, type SesEvent, type VerdictName } from "../../functions/intake/ses-event.ts";
import { recordedMetrics } from "../../functions/lib/metrics.ts";
import { type Runtime, resetRuntime, runtime } from "../../functions/lib/runtime.ts";
import { s3 as s3Client } from "../../functions/lib/s3.ts";
import { OUTSIDE_CASE_TAG } from "../../functions/store/retention-tags.ts";
import { freshTable } from "../helpers/dynamo.ts";

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverOptions = {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  allowMismatchedSignatures: boolean;
};
// s3rver ships no types.
const S3rver = createRequire(import.meta.url)("s3rver") as new (options: S3rverOptions) => S3rverInstance;

const MAIL_DIR = join(import.meta.dirname, "../events/mail");
const RAW_BUCKET = "cfm-raw-mail";
const ATTACHMENTS_BUCKET = "cfm-attachments";
const STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:cfm-complaint";
const COORDINATOR = "officer@example.org";
const NOISE_FILES = /^(auto-reply-|bounce-|delivery-report-|read-receipt-|mailing-list-|loop-)/;

const eml = (file: string) => readFileSync(join(MAIL_DIR, file));
const corpus = readdirSync(MAIL_DIR).filter((f) => f.endsWith(".eml"));
const compose = (options: ConstructorParameters<typeof MailComposer>[0]) =>
  new MailComposer({ to: "plaintes@example.org", ...options }).compile().build();

type Handler = (event: SesEvent, context: Context) => Promise<IntakeResult>;

let s3rver: S3rverInstance;
let s3: S3Client;
let rt: Runtime;
let handler: Handler;
const sfn = mockClient(SFNClient);
const ses = mockClient(SESv2Client);
/** Executions "started" on the mocked Step Functions: name → input. */
const executions = new Map<string, string>();
/** How the next StartExecution fails, once (a crash, a throttle). */
let failNextStart: ((input: { name: string; input: string }) => never) | undefined;

function fakeStepFunctions() {
  sfn.reset();
  failNextStart = undefined;
  sfn.on(StartExecutionCommand).callsFake((input: { name: string; input: string }) => {
    const fail = failNextStart;
    failNextStart = undefined;
    if (fail) fail(input);
    if (executions.has(input.name))
      throw new ExecutionAlreadyExists({ message: `Execution Already Exists: ${input.name}`, $metadata: {} });
    executions.set(input.name, input.input);
    return { executionArn: `${STATE_MACHINE_ARN}:${input.name}`, startDate: new Date() };
  });
  sfn.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => {
    const name = input.executionArn.split(":").pop() ?? "";
    const started = executions.get(name);
    if (!started) throw new ExecutionDoesNotExist({ message: "Execution Does Not Exist", $metadata: {} });
    return { executionArn: input.executionArn, input: started, status: "RUNNING", startDate: new Date() };
  });
}

const startsFor = (reference: string) =>
  sfn.commandCalls(StartExecutionCommand).filter((call) => call.args[0].input.name === reference);
const sentMail = (): SendEmailCommandInput[] =>
  ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
const mailText = (m: SendEmailCommandInput) =>
  `${m.Content?.Simple?.Subject?.Data}\n${m.Content?.Simple?.Body?.Text?.Data}\n${m.Content?.Simple?.Body?.Html?.Data}`;

interface Delivery {
  messageId: string;
  key: string;
  event: SesEvent;
  bytes: Buffer;
  sourceId: string;
  result: IntakeResult;
}

/**
 * The corpus files have fixed Message-IDs, and the same message delivered twice is one case (issue 15): each
 * delivery gets its own Message-ID unless a test delivers the very same message again (`same: true`).
 */
function freshMessageId(bytes: Buffer): Buffer {
  const text = bytes.toString("latin1");
  const id = `<${randomUUID()}@test.cfm.example>`;
  const replaced = text.replace(/^Message-ID:[^\n]*(?:\r?\n[ \t][^\n]*)*$/im, `Message-ID: ${id}\r`);
  return Buffer.from(replaced, "latin1");
}

/** The SOURCE# id the intake gives a message (emailSourceId). */
async function sourceIdOf(messageId: string, bytes: Buffer): Promise<string> {
  const parsed = await parseInbound(bytes, {
    attachmentCapBytes: 10 * 1024 * 1024,
    defaultLanguage: "fr",
    intakeAddress: "plaintes@example.org",
  });
  return emailSourceId(messageId, parsed.messageId, bytes);
}

async function store(
  original: Buffer,
  verdicts: Partial<Record<VerdictName, "PASS" | "FAIL">> = {},
  options: { same?: boolean; source?: string } = {},
) {
  const bytes = options.same ? original : freshMessageId(original);
  const messageId = `m${randomUUID().replaceAll("-", "")}`;
  const key = `raw/${messageId}`;
  await s3.send(new PutObjectCommand({ Bucket: RAW_BUCKET, Key: key, Body: bytes }));
  const event = makeSesEvent({
    messageId,
    bucket: RAW_BUCKET,
    key,
    verdicts,
    ...(options.source ? { source: options.source } : {}),
  });
  return { messageId, key, event, bytes, sourceId: await sourceIdOf(messageId, bytes) };
}

async function deliver(
  bytes: Buffer,
  verdicts: Partial<Record<VerdictName, "PASS" | "FAIL">> = {},
  options: { same?: boolean; source?: string } = {},
): Promise<Delivery> {
  const stored = await store(bytes, verdicts, options);
  return { ...stored, result: await handler(stored.event, {} as Context) };
}

function referenceOf(result: IntakeResult): string {
  if (!("reference" in result)) throw new Error(`no reference in ${JSON.stringify(result)}`);
  return result.reference;
}

const inboxItem = async (messageId: string, sk: string) =>
  (await rt.doc.send(new GetCommand({ TableName: rt.tableName, Key: { pk: `INBOX#${messageId}`, sk } })))
    .Item;

beforeAll(async () => {
  const table = await freshTable("cfm-intake");
  s3rver = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: mkdtempSync(join(tmpdir(), "cfm-s3rver-")),
    allowMismatchedSignatures: true,
  });
  const { port } = await s3rver.run();
  const endpoint = `http://127.0.0.1:${port}`;
  Object.assign(process.env, {
    TABLE_NAME: table.tableName,
    RAW_BUCKET,
    ATTACHMENTS_BUCKET,
    STATE_MACHINE_ARN,
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    AWS_ENDPOINT_URL_S3: endpoint,
    CFM_S3_PATH_STYLE: "1",
    CFM_CONFIG_JSON: JSON.stringify(loadConfigFile("config/humanitarian.example.yaml")),
    CFM_METRICS: "memory",
    AWS_REGION: "us-east-1",
    // s3rver knows this key only; DynamoDB Local (-sharedDb) accepts any.
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
  });
  delete process.env.KMS_KEY_ID;
  s3 = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  for (const Bucket of [RAW_BUCKET, ATTACHMENTS_BUCKET]) await s3.send(new CreateBucketCommand({ Bucket }));
  resetRuntime();
  ({ handler } = (await import("../../functions/handlers/intake-email.ts")) as { handler: Handler });
  rt = runtime();
});

afterAll(async () => {
  sfn.restore();
  ses.restore();
  await s3rver?.close();
});

beforeEach(() => {
  fakeStepFunctions();
  ses.reset();
  ses.on(SendEmailCommand).callsFake(() => ({ MessageId: `ses-${randomUUID()}` }));
});

describe("a new complaint by email", () => {
  it("opens a case from a plain French complaint, accents intact, and starts its workflow (H-A1)", async () => {
    const { messageId, key, result, sourceId } = await deliver(eml("plain-text-fr.eml"));

    const reference = referenceOf(result);
    expect(result).toEqual({ messageId, reference });
    const record = await rt.store.require(reference);
    expect(sourceId).toMatch(/^email:[0-9a-f]{64}$/);
    expect(record).toMatchObject({
      sourceId,
      kind: "complaint",
      channel: "email",
      status: "received",
      language: "fr",
      anonymous: false,
      reachable: true,
      flags: [],
      attachments: 0,
    });
    const content = await rt.store.getContent(reference);
    expect(content.complainant).toEqual({ name: "Aïssata Traoré", email: "aissata.traore@example.net" });
    expect(content.subject).toBe("Plainte concernant la distribution à Kati");
    expect(content.description).toContain("Je vous écris au sujet de la distribution de vivres à Kati");
    expect(content.description).toContain("n'ont pas été distribués à toutes les familles");
    expect(content.rawMessageKey).toBe(key);
    const starts = startsFor(reference);
    expect(starts).toHaveLength(1);
    expect(starts[0]?.args[0].input.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(JSON.parse(starts[0]?.args[0].input.input ?? "{}")).toEqual({ reference });
    expect(sentMail()).toHaveLength(0); // the acknowledgement is the workflow's job
  });

  it("reads the raw message at raw/<messageId> for the event of a Lambda action (no bucket named)", async () => {
    const event = JSON.parse(readFileSync(join(MAIL_DIR, "../ses/pass-all.json"), "utf8")) as SesEvent;
    const messageId = event.Records[0]!.ses.mail.messageId;
    await s3.send(
      new PutObjectCommand({ Bucket: RAW_BUCKET, Key: `raw/${messageId}`, Body: eml("plain-text-fr.eml") }),
    );

    const result = await handler(event, {} as Context);

    const reference = referenceOf(result);
    expect(result).toEqual({ messageId, reference });
    const content = await rt.store.getContent(reference);
    expect(content.rawMessageKey).toBe(`raw/${messageId}`);
    expect((await rt.store.require(reference)).receivedAt).toBe("2026-03-02T09:15:04.512Z");
  });

  it("opens one case and one execution when SES delivers the same event twice", async () => {
    const { messageId, event, sourceId } = await store(eml("english-complaint.eml"));

    const first = await handler(event, {} as Context);
    const second = await handler(event, {} as Context);

    const reference = referenceOf(first);
    expect(first).toEqual({ messageId, reference });
    expect(second).toEqual({ messageId, duplicate: true, reference });
    expect(await rt.store.referenceForSource(sourceId)).toBe(reference);
    expect(startsFor(reference)).toHaveLength(1);
    expect((await rt.store.require(reference)).language).toBe("en");
  });

  it("keeps the attachments in the attachments bucket with their size and type", async () => {
    const { messageId, result } = await deliver(eml("attachments-pdf-jpeg.eml"));

    const reference = referenceOf(result);
    const content = await rt.store.getContent(reference);
    expect(content.attachments).toHaveLength(2);
    expect(content.attachments.map((a) => [a.filename, a.contentType, a.oversized])).toEqual([
      ["liste des familles.pdf", "application/pdf", false],
      ["magasin fermé.jpg", "image/jpeg", false],
    ]);
    expect(content.attachments.map((a) => a.key)).toEqual([
      `${messageId}/1-liste_des_familles.pdf`,
      `${messageId}/2-magasin_ferme.jpg`,
    ]);
    for (const attachment of content.attachments) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: ATTACHMENTS_BUCKET, Key: attachment.key }));
      expect(head.ContentLength).toBe(attachment.size);
      expect(head.ContentType).toBe(attachment.contentType);
      expect(attachment.size).toBeGreaterThan(0);
    }
    const pdf = await s3.send(
      new GetObjectCommand({ Bucket: ATTACHMENTS_BUCKET, Key: content.attachments[0]?.key }),
    );
    expect(
      Buffer.from(await pdf.Body!.transformToByteArray())
        .subarray(0, 5)
        .toString("latin1"),
    ).toBe("%PDF-");
    expect((await rt.store.require(reference)).attachments).toBe(2);
  });

  it("asks S3 for KMS encryption of the attachments when KMS_KEY_ID is set", async () => {
    process.env.KMS_KEY_ID = "arn:aws:kms:us-east-1:123456789012:key/cfm-test";
    const send = vi.spyOn(s3Client(), "send");
    try {
      await deliver(eml("attachments-pdf-jpeg.eml"));
      const puts = send.mock.calls.map(([command]) => command).filter((c) => c instanceof PutObjectCommand);
      expect(puts).toHaveLength(2);
      for (const put of puts)
        expect(put.input).toMatchObject({
          Bucket: ATTACHMENTS_BUCKET,
          ServerSideEncryption: "aws:kms",
          SSEKMSKeyId: "arn:aws:kms:us-east-1:123456789012:key/cfm-test",
        });
    } finally {
      send.mockRestore();
      delete process.env.KMS_KEY_ID;
    }
  });

  it("keeps a 20 MB attachment over the 10 MB cap and flags the case attachment-oversized", async () => {
    const video = Buffer.alloc(20 * 1024 * 1024, 0x5a);
    const bytes = await compose({
      from: "Moussa Keita <moussa.keita@example.net>",
      subject: "Vidéo de la distribution",
      text: "Bonjour, voici la vidéo de la distribution de Kati, où les sacs ont été détournés.",
      attachments: [{ filename: "distribution.mp4", content: video, contentType: "video/mp4" }],
    });

    const { key, result } = await deliver(bytes, {}, { same: true });

    const reference = referenceOf(result);
    expect((await rt.store.require(reference)).flags).toContain("attachment-oversized");
    const [attachment] = (await rt.store.getContent(reference)).attachments;
    expect(attachment).toEqual({
      key, // held by the raw message, which is kept
      filename: "distribution.mp4",
      contentType: "video/mp4",
      size: video.length,
      oversized: true,
    });
    const raw = await s3.send(new HeadObjectCommand({ Bucket: RAW_BUCKET, Key: key }));
    expect(raw.ContentLength).toBe(bytes.length);
  });

  it("opens a case flagged unreadable for broken MIME, with the raw message key kept", async () => {
    const { key, result } = await deliver(eml("broken-boundary.eml"));

    const reference = referenceOf(result);
    expect((await rt.store.require(reference)).flags).toContain("unreadable");
    const content = await rt.store.getContent(reference);
    expect(content.rawMessageKey).toBe(key);
    expect(content.description.length).toBeGreaterThan(0);
  });

  it("opens an anonymous, unreachable case flagged for the officer when there is no From", async () => {
    const { result } = await deliver(eml("no-from.eml"));

    const reference = referenceOf(result);
    const record = await rt.store.require(reference);
    expect(record).toMatchObject({ anonymous: true, reachable: false });
    expect(record.flags).toContain("sender-unverified");
    const content = await rt.store.getContent(reference);
    expect(content.complainant).toBeNull();
    expect(content.description).toContain("Un agent demande de l'argent aux familles à Kati");
  });

  it("opens a new case when the subject carries a reference no case has", async () => {
    const { result } = await deliver(eml("reply-with-reference.eml")); // [CFM-2026-000123]

    const reference = referenceOf(result);
    expect(reference).not.toBe("CFM-2026-000123");
    expect(await rt.store.get("CFM-2026-000123")).toBeNull();
    expect(startsFor(reference)).toHaveLength(1);
  });

  it("keeps every message of the corpus that is not noise in a case: nothing is lost", async () => {
    for (const file of corpus.filter((f) => !NOISE_FILES.test(f))) {
      const { messageId, key, result } = await deliver(eml(file));
      const reference = referenceOf(result);
      const content = await rt.store.getContent(reference);
      if ("attached" in result) {
        // Replies of the corpus quote references (CFM-2026-000045...) that this table may have reached.
        expect(
          content.messages.map((m) => m.rawMessageKey),
          file,
        ).toContain(key);
      } else {
        expect(result, file).toEqual({ messageId, reference });
        expect(content.rawMessageKey, file).toBe(key);
        expect(startsFor(reference), file).toHaveLength(1);
      }
    }
  });
});

describe("receipt verdicts (only SES's own)", () => {
  it("quarantines a message whose virus verdict is FAIL: no case, recorded for the officer", async () => {
    const before = recordedMetrics().filter((m) => m.name === "MailQuarantined").length;

    const { messageId, key, result, sourceId } = await deliver(eml("attachments-pdf-jpeg.eml"), {
      virus: "FAIL",
    });

    expect(result).toEqual({ messageId, quarantined: true });
    expect(await rt.store.referenceForSource(sourceId)).toBeNull();
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(await inboxItem(messageId, "QUARANTINE")).toMatchObject({
      messageId,
      rawMessageKey: key,
      rawBucket: RAW_BUCKET,
    });
    expect(recordedMetrics().filter((m) => m.name === "MailQuarantined")).toHaveLength(before + 1);
  });

  it("answers a redelivered quarantined message the same, counting it once", async () => {
    const { messageId, event } = await store(eml("plain-text-fr.eml"), { virus: "FAIL" });
    const before = recordedMetrics().filter((m) => m.name === "MailQuarantined").length;

    await handler(event, {} as Context);
    const again = await handler(event, {} as Context);

    expect(again).toEqual({ messageId, quarantined: true });
    expect(recordedMetrics().filter((m) => m.name === "MailQuarantined")).toHaveLength(before + 1);
  });

  it("flags a case suspected-spam on a spam FAIL, without dropping it", async () => {
    const { result } = await deliver(eml("plain-text-fr.eml"), { spam: "FAIL" });

    const record = await rt.store.require(referenceOf(result));
    expect(record.flags).toEqual(["suspected-spam"]);
  });

  it.each(["spf", "dkim", "dmarc"] as const)(
    "flags a case sender-unverified on a %s FAIL",
    async (verdict) => {
      const { result } = await deliver(eml("plain-text-fr.eml"), { [verdict]: "FAIL" });

      const record = await rt.store.require(referenceOf(result));
      expect(record.flags).toEqual(["sender-unverified"]);
    },
  );
});

describe("noise: auto-replies, bounces, delivery reports", () => {
  it.each(corpus.filter((f) => NOISE_FILES.test(f)))("%s opens no case and is recorded", async (file) => {
    const before = recordedMetrics().filter((m) => m.name === "MailNoise").length;

    const { messageId, key, result, sourceId } = await deliver(eml(file));

    expect(result).toMatchObject({ messageId });
    const kind = (result as { noise?: string }).noise;
    expect(["auto-reply", "bounce", "delivery-report"]).toContain(kind);
    expect(await rt.store.referenceForSource(sourceId)).toBeNull();
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(sentMail()).toHaveLength(0);
    const item = await inboxItem(messageId, "NOISE");
    expect(item).toMatchObject({ kind, rawMessageKey: key });
    expect(String(item?.reason)).not.toBe("");
    expect(recordedMetrics().filter((m) => m.name === "MailNoise")).toHaveLength(before + 1);
  });

  it("puts an auto-reply carrying a known reference on that case's timeline, telling nobody", async () => {
    const reference = referenceOf((await deliver(eml("plain-text-fr.eml"))).result);
    ses.resetHistory();
    const autoReply = await compose({
      from: "Aïssata Traoré <aissata.traore@example.net>",
      subject: `Réponse automatique : [${reference}] Accusé de réception`,
      text: "Je suis absente jusqu'au 15 mars.",
      headers: { "Auto-Submitted": "auto-replied" },
    });

    const { messageId, result, sourceId } = await deliver(autoReply);

    expect(result).toEqual({ messageId, noise: "auto-reply" });
    const events = await rt.store.timeline(reference);
    expect(events.find((e) => e.id === `message:${sourceId}`)).toMatchObject({
      type: "message",
      detail: "noise: auto-reply",
    });
    expect((await rt.store.getContent(reference)).messages).toHaveLength(0);
    expect(sentMail()).toHaveLength(0);
    expect(await inboxItem(messageId, "NOISE")).toMatchObject({ reference });
  });
});

describe("a reply to a known case", () => {
  async function openCase(): Promise<string> {
    const reference = referenceOf((await deliver(eml("plain-text-fr.eml"))).result);
    ses.resetHistory();
    sfn.resetHistory();
    return reference;
  }

  const reply = (reference: string, extra: { attachments?: { filename: string; content: Buffer }[] } = {}) =>
    compose({
      from: "Aïssata Traoré <aissata.traore@example.net>",
      subject: `Re: RE: [${reference}] Accusé de réception de votre plainte`,
      text: "Voici des précisions : la distribution a eu lieu le 25 février au marché de Malibougou.",
      ...extra,
    });

  it("is added to the case (timeline message, content, attachments), never a new case", async () => {
    const reference = await openCase();
    const bytes = await reply(reference, {
      attachments: [{ filename: "reçu.pdf", content: Buffer.from("%PDF-1.4\n%%EOF\n") }],
    });

    const { messageId, key, result, sourceId } = await deliver(bytes);

    expect(result).toEqual({ messageId, reference, attached: true });
    expect(await rt.store.referenceForSource(sourceId)).toBeNull();
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    const events = await rt.store.timeline(reference);
    expect(events.filter((e) => e.type === "message")).toEqual([
      expect.objectContaining({ id: `message:${sourceId}`, type: "message", actor: "email" }),
    ]);
    const content = await rt.store.getContent(reference);
    expect(content.messages).toEqual([
      expect.objectContaining({ from: "aissata.traore@example.net", rawMessageKey: key }),
    ]);
    expect(content.messages[0]?.text).toContain("la distribution a eu lieu le 25 février");
    expect(content.attachments).toEqual([
      {
        key: `${messageId}/1-recu.pdf`,
        filename: "reçu.pdf",
        contentType: "application/pdf",
        size: 15,
        oversized: false,
      },
    ]);
    expect((await rt.store.require(reference)).attachments).toBe(1);
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: ATTACHMENTS_BUCKET, Key: `${messageId}/1-recu.pdf` })),
    ).resolves.toMatchObject({ ContentLength: 15 });
  });

  it("tells the assignee (here the coordinator: nobody is assigned yet) with the message quoted", async () => {
    const reference = await openCase();

    await deliver(await reply(reference));

    const mails = sentMail();
    expect(mails).toHaveLength(1);
    expect(mails[0]?.Destination?.ToAddresses).toEqual([COORDINATOR]);
    expect(mails[0]?.Content?.Simple?.Subject?.Data).toContain(`[${reference}]`);
    expect(mailText(mails[0]!)).toContain("la distribution a eu lieu le 25 février");
  });

  it("never quotes the message of a sensitive case to the assignee (H-D1)", async () => {
    const reference = await openCase();
    await rt.store.update(reference, () => ({
      record: { sensitive: true, category: "sexual-exploitation-abuse", assignee: "delegate@example.org" },
    }));

    await deliver(await reply(reference));

    const mails = sentMail();
    expect(mails).toHaveLength(1);
    expect(mails[0]?.Destination?.ToAddresses).toEqual(["delegate@example.org"]);
    const body = mailText(mails[0]!);
    expect(body).toContain(reference);
    expect(body).not.toContain("Malibougou");
    expect(body).not.toContain("Aïssata");
  });

  it("is added once, with one notification, when SES delivers it twice", async () => {
    const reference = await openCase();
    const { messageId, event } = await store(await reply(reference));

    const first = await handler(event, {} as Context);
    const second = await handler(event, {} as Context);

    expect(first).toEqual({ messageId, reference, attached: true });
    expect(second).toEqual({ messageId, duplicate: true, reference });
    expect((await rt.store.getContent(reference)).messages).toHaveLength(1);
    expect(sentMail()).toHaveLength(1);
  });
});

describe("failures: SES retries, nothing is lost or half-written", () => {
  let s3Mock: { restore(): void } | undefined;
  let docMock: { restore(): void } | undefined;
  afterEach(() => {
    s3Mock?.restore();
    docMock?.restore();
    s3Mock = undefined;
    docMock = undefined;
  });

  const throttled = () =>
    Object.assign(new Error("Rate exceeded"), {
      name: "ThrottlingException",
      $retryable: { throttling: true },
    });

  it("handles ExecutionAlreadyExists after a crash between starting the workflow and answering", async () => {
    const { messageId, event, sourceId } = await store(eml("plain-text-fr.eml"));
    // The execution starts but the answer is lost (timeout): the invocation fails and SES retries.
    failNextStart = (input) => {
      executions.set(input.name, input.input);
      throw Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
    };

    await expect(handler(event, {} as Context)).rejects.toThrow("socket hang up");
    const reference = await rt.store.referenceForSource(sourceId);
    expect(reference).not.toBeNull();

    const retry = await handler(event, {} as Context);

    expect(retry).toEqual({ messageId, duplicate: true, reference });
    expect(startsFor(reference!)).toHaveLength(2);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(1);
    expect(executions.get(reference!)).toBe(JSON.stringify({ reference }));
  });

  it("starts the workflow on the retry when the Lambda died after creating the case", async () => {
    const { event, sourceId } = await store(eml("english-complaint.eml"));
    failNextStart = () => {
      throw throttled();
    };

    await expect(handler(event, {} as Context)).rejects.toThrow("Rate exceeded");
    const reference = await rt.store.referenceForSource(sourceId);
    expect(reference).not.toBeNull();
    expect(executions.has(reference!)).toBe(false);

    await handler(event, {} as Context);

    expect(executions.has(reference!)).toBe(true);
  });

  it("throws on S3 throttling when reading the raw message, writing nothing; the retry opens the case", async () => {
    const { messageId, event, sourceId } = await store(eml("attachments-pdf-jpeg.eml"));
    const mock = mockClient(s3Client());
    s3Mock = mock;
    mock.send.callThrough();
    mock.on(GetObjectCommand).rejects(throttled());

    await expect(handler(event, {} as Context)).rejects.toThrow("Rate exceeded");
    expect(await rt.store.referenceForSource(sourceId)).toBeNull();
    expect(await inboxItem(messageId, "RECEIPT")).toBeUndefined();
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);

    mock.restore();
    s3Mock = undefined;
    const retry = await handler(event, {} as Context);
    expect((await rt.store.getContent(referenceOf(retry))).attachments).toHaveLength(2);
  });

  it("throws on S3 throttling when storing an attachment, before any case is written", async () => {
    const { event, sourceId } = await store(eml("attachments-pdf-jpeg.eml"));
    const mock = mockClient(s3Client());
    s3Mock = mock;
    mock.send.callThrough();
    mock.on(PutObjectCommand).rejects(throttled());

    await expect(handler(event, {} as Context)).rejects.toThrow("Rate exceeded");
    expect(await rt.store.referenceForSource(sourceId)).toBeNull();
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it("throws on DynamoDB throttling when creating the case, writing nothing; the retry opens one case", async () => {
    const { messageId, event, sourceId } = await store(eml("attachments-pdf-jpeg.eml"));
    const mock = mockClient(rt.doc);
    docMock = mock;
    mock.send.callThrough();
    mock.on(TransactWriteCommand).rejects(throttled());

    await expect(handler(event, {} as Context)).rejects.toThrow("Rate exceeded");
    mock.restore();
    docMock = undefined;
    expect(await rt.store.referenceForSource(sourceId)).toBeNull();
    expect(await inboxItem(messageId, "RECEIPT")).toBeUndefined();
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);

    const retry = await handler(event, {} as Context);
    const reference = referenceOf(retry);
    expect(retry).toEqual({ messageId, reference });
    expect((await rt.store.getContent(reference)).attachments).toHaveLength(2);
    expect(startsFor(reference)).toHaveLength(1);
  });

  it("rejects an event that is not an SES receipt event", async () => {
    await expect(
      handler({ Records: [{ eventSource: "aws:s3" }] } as unknown as SesEvent, {} as Context),
    ).rejects.toThrow(/invalid SES event/);
  });
});

describe("logs", () => {
  it("hold ids only: no addresses, names, subjects or bodies", async () => {
    const lines: string[] = [];
    // The Powertools logger writes to the process streams through its own Console: capture the streams.
    const capture = (chunk: unknown) => {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      return true;
    };
    const spies = [
      vi.spyOn(process.stdout, "write").mockImplementation(capture as never),
      vi.spyOn(process.stderr, "write").mockImplementation(capture as never),
      ...(["log", "info", "warn", "error", "debug"] as const).map((method) =>
        vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
          lines.push(args.map(String).join(" "));
        }),
      ),
    ];
    try {
      const opened = await deliver(eml("plain-text-fr.eml"), { spf: "FAIL" });
      await deliver(eml("attachments-pdf-jpeg.eml"));
      await deliver(eml("auto-reply-outlook-en.eml"));
      await deliver(eml("no-from.eml"), { virus: "FAIL" });
      await deliver(
        await compose({
          from: "Aïssata Traoré <aissata.traore@example.net>",
          subject: `Re: [${referenceOf(opened.result)}] Accusé de réception`,
          text: "Précisions sur Malibougou.",
        }),
      );
      await handler(opened.event, {} as Context);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }

    expect(lines.length).toBeGreaterThanOrEqual(6);
    const all = lines.join("\n");
    expect(all).not.toContain("@");
    for (const personal of [
      "Aïssata",
      "Traoré",
      "Kati",
      "Malibougou",
      "familles",
      "Plainte",
      "liste des familles",
    ])
      expect(all).not.toContain(personal);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Issue 15: intake hardening (each defect found by the hostile-mail campaign, with its regression test).

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const rawMail = (headers: string[], body = "Bonjour, les vivres n'ont pas été distribués à Kati.") =>
  Buffer.from(
    [
      ...headers,
      "To: plaintes@example.org",
      "Subject: Plainte distribution",
      "Date: Mon, 02 Mar 2026 09:15:00 +0000",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      body,
      "",
    ].join("\r\n"),
    "utf8",
  );

describe("issue 15: the reply address is recovered (From, Reply-To, Sender, Return-Path, envelope)", () => {
  it("decodes a From that is one encoded-word wrapping both name and address (Python compat32)", async () => {
    const { result } = await deliver(
      rawMail([
        `From: =?utf-8?b?${b64("Aïssata Traoré <aissata.traore@example.net>")}?=`,
        `Message-ID: <${randomUUID()}@example.net>`,
      ]),
    );

    const reference = referenceOf(result);
    const record = await rt.store.require(reference);
    expect(record).toMatchObject({ anonymous: false, reachable: true });
    expect(record.flags).toContain("sender-recovered");
    expect(record.flags).not.toContain("no-reply-address");
    expect((await rt.store.getContent(reference)).complainant).toEqual({
      name: "Aïssata Traoré",
      email: "aissata.traore@example.net",
    });
  });

  it("writes an internationalised domain in punycode so the acknowledgement can go", async () => {
    const { result } = await deliver(
      rawMail([`From: Aïssata <aissata@exämple.org>`, `Message-ID: <${randomUUID()}@example.net>`]),
    );

    const reference = referenceOf(result);
    expect((await rt.store.require(reference)).reachable).toBe(true);
    expect((await rt.store.getContent(reference)).complainant?.email).toBe("aissata@xn--exmple-cua.org");
  });

  it.each([
    ["Reply-To", ["Reply-To: Moussa <moussa@example.net>"], undefined],
    ["Sender", ["Sender: moussa@example.net"], undefined],
    ["Return-Path", ["Return-Path: <moussa@example.net>"], undefined],
    ["the envelope sender", [], "moussa@example.net"],
  ])("falls back to %s when the From has no usable address", async (_, extra, source) => {
    const { result } = await deliver(
      rawMail(["From: Moussa Keita", ...extra, `Message-ID: <${randomUUID()}@example.net>`]),
      {},
      source ? { source } : {},
    );

    const reference = referenceOf(result);
    const record = await rt.store.require(reference);
    expect(record.reachable).toBe(true);
    expect(record.flags).toEqual(expect.arrayContaining(["sender-recovered", "sender-unverified"]));
    expect((await rt.store.getContent(reference)).complainant).toEqual({
      name: "Moussa Keita",
      email: "moussa@example.net",
    });
  });

  it("flags the case no-reply-address when nothing usable is found", async () => {
    const { result } = await deliver(
      rawMail(["From: Moussa Keita", "Return-Path: <>", `Message-ID: <${randomUUID()}@example.net>`]),
      {},
      { source: "<>" },
    );

    const record = await rt.store.require(referenceOf(result));
    expect(record.reachable).toBe(false);
    expect(record.flags).toContain("no-reply-address");
  });
});

describe("issue 15: the same message delivered twice is one case", () => {
  it("answers an identical resend (another SES messageId, trace headers added) as a duplicate", async () => {
    const original = rawMail(["From: Awa <awa@example.net>", `Message-ID: <${randomUUID()}@example.net>`]);
    const resent = Buffer.concat([
      Buffer.from("Received: from relay2.example.net by inbound-smtp; Mon, 02 Mar 2026 09:20:00 +0000\r\n"),
      Buffer.from("X-SES-Spam-Verdict: PASS\r\n"),
      original,
    ]);

    const first = await deliver(original, {}, { same: true });
    const second = await deliver(resent, {}, { same: true });

    const reference = referenceOf(first.result);
    expect(second.result).toEqual({ messageId: second.messageId, duplicate: true, reference });
    // No second case: the next number is still free, and every start names this one case.
    const [, year, n] = reference.split("-");
    expect(await rt.store.get(`CFM-${year}-${String(Number(n) + 1).padStart(6, "0")}`)).toBeNull();
    expect(new Set(startsFor(reference).map((c) => c.args[0].input.input))).toEqual(
      new Set([JSON.stringify({ reference })]),
    );
    expect(await inboxItem(second.messageId, "RECEIPT")).toMatchObject({ reference, outcome: "duplicate" });
  });

  it("opens a second case for other content under a forged Message-ID", async () => {
    const messageId = `<${randomUUID()}@example.net>`;
    const first = await deliver(
      rawMail(["From: Awa <awa@example.net>", `Message-ID: ${messageId}`]),
      {},
      { same: true },
    );
    const forged = await deliver(
      rawMail(
        ["From: Intrus <intrus@example.com>", `Message-ID: ${messageId}`],
        "Autre plainte, autre personne.",
      ),
      {},
      { same: true },
    );

    expect(referenceOf(forged.result)).not.toBe(referenceOf(first.result));
    expect(forged.result).not.toHaveProperty("duplicate");
  });
});

describe("issue 15: only the complainant or their representative writes to a case", () => {
  async function caseOf(from: string): Promise<string> {
    const { result } = await deliver(rawMail([`From: ${from}`, `Message-ID: <${randomUUID()}@example.net>`]));
    ses.resetHistory();
    return referenceOf(result);
  }
  const replyFrom = (from: string, reference: string, text: string) =>
    compose({ from, subject: `Re: [${reference}] Accusé de réception`, text });

  it("keeps a stranger's message on the case with its sender, flagged, announced as such, never quoted", async () => {
    const reference = await caseOf("Awa Diarra <awa.diarra@example.net>");

    const { messageId, result } = await deliver(
      await replyFrom(
        "Quelqu'un <intrus@example.com>",
        reference,
        "Je retire ma plainte, classez le dossier.",
      ),
    );

    expect(result).toEqual({ messageId, reference, attached: true, unknownSender: true });
    const record = await rt.store.require(reference);
    expect(record.flags).toContain("unknown-sender");
    expect(record.status).toBe("received");
    const content = await rt.store.getContent(reference);
    expect(content.messages).toEqual([
      expect.objectContaining({ from: "intrus@example.com", unknownSender: true }),
    ]);
    const events = await rt.store.timeline(reference);
    expect(events.find((e) => e.type === "message")?.detail).toContain("unknown-sender");
    const mails = sentMail();
    expect(mails).toHaveLength(1);
    const body = mailText(mails[0]!);
    expect(body).toContain("ne vient ni du plaignant ni de son représentant");
    expect(body).toContain("intrus@example.com");
    expect(body).not.toContain("Je retire ma plainte");
  });

  it("keeps a stranger's attachments aside on their message, never as the case's attachments", async () => {
    const reference = await caseOf("Awa Diarra <awa.diarra@example.net>");

    const { messageId } = await deliver(
      await compose({
        from: "Quelqu'un <intrus@example.com>",
        subject: `Re: [${reference}] Accusé de réception`,
        text: "Voici la preuve.",
        attachments: [{ filename: "preuve.pdf", content: Buffer.from("%PDF-1.4\n%%EOF\n") }],
      }),
    );

    expect((await rt.store.require(reference)).attachments).toBe(0);
    const content = await rt.store.getContent(reference);
    expect(content.attachments).toEqual([]);
    expect(content.messages).toEqual([
      expect.objectContaining({
        from: "intrus@example.com",
        unknownSender: true,
        attachments: [
          {
            key: `${messageId}/1-preuve.pdf`,
            filename: "preuve.pdf",
            contentType: "application/pdf",
            size: 15,
            oversized: false,
          },
        ],
      }),
    ]);
    // The complainant's own file, sent afterwards, is the case's first attachment.
    await deliver(
      await compose({
        from: "Awa Diarra <awa.diarra@example.net>",
        subject: `Re: [${reference}] Accusé de réception`,
        text: "Mon reçu.",
        attachments: [{ filename: "recu.pdf", content: Buffer.from("%PDF-1.4\n%%EOF\n") }],
      }),
    );
    expect((await rt.store.require(reference)).attachments).toBe(1);
    expect((await rt.store.getContent(reference)).attachments.map((a) => a.filename)).toEqual(["recu.pdf"]);
  });

  it("treats the complainant's address with a DMARC FAIL as unknown (a forged From)", async () => {
    const reference = await caseOf("Awa Diarra <awa.diarra@example.net>");

    const { result } = await deliver(
      await replyFrom("Awa Diarra <awa.diarra@example.net>", reference, "Je retire ma plainte."),
      { dmarc: "FAIL" },
    );

    expect(result).toMatchObject({ attached: true, unknownSender: true });
  });

  it("attaches the complainant's and the representative's messages as theirs", async () => {
    const reference = await caseOf("Awa Diarra <awa.diarra@example.net>");
    await rt.store.update(
      reference,
      () => ({
        content: {
          representative: { name: "Ousmane Sidibé", email: "ousmane@example.org", relation: "frère" },
        },
      }),
      { withContent: true },
    );

    const own = await deliver(
      await replyFrom("awa.diarra@example.net", reference, "Précisions : le 25 février."),
    );
    const representative = await deliver(
      await replyFrom("Ousmane <OUSMANE@example.org>", reference, "Ma sœur confirme."),
    );

    expect(own.result).toEqual({ messageId: own.messageId, reference, attached: true });
    expect(representative.result).toEqual({ messageId: representative.messageId, reference, attached: true });
    expect((await rt.store.require(reference)).flags).not.toContain("unknown-sender");
  });
});

describe("issue 15: intake never fails on the content of a message", () => {
  it("replaces an attachment type holding a control character, opens the case and flags it", async () => {
    const bytes = Buffer.from(
      [
        "From: Awa <awa@example.net>",
        `Message-ID: <${randomUUID()}@example.net>`,
        "Subject: Pièce jointe",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b1"',
        "",
        "--b1",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Voici le reçu.",
        "--b1",
        "Content-Type: application/p\x18df",
        'Content-Disposition: attachment; filename="re\x01cu.pdf"',
        "Content-Transfer-Encoding: base64",
        "",
        Buffer.from("%PDF-1.4\n%%EOF\n").toString("base64"),
        "--b1--",
        "",
      ].join("\r\n"),
      "latin1",
    );

    const { result } = await deliver(bytes, {}, { same: true });

    const reference = referenceOf(result);
    expect((await rt.store.require(reference)).flags).toContain("content-sanitised");
    const [attachment] = (await rt.store.getContent(reference)).attachments;
    expect(attachment).toMatchObject({ contentType: "application/octet-stream", filename: "recu.pdf" });
    const head = await s3.send(new HeadObjectCommand({ Bucket: ATTACHMENTS_BUCKET, Key: attachment!.key }));
    expect(head.ContentType).toBe("application/octet-stream");
  });
});

describe("issue 15: the recovery sweep processes raw messages without an outcome", () => {
  it("opens the case of a message stored before a crash, once, whatever the number of sweeps", async () => {
    const lost = await store(
      rawMail(["From: Kadia <kadia@example.net>", `Message-ID: <${randomUUID()}@example.net>`]),
    );
    const handled = await deliver(rawMail(["From: Bakary <bakary@example.net>"]));
    const virus = await store(
      Buffer.concat([
        Buffer.from("X-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: FAIL\r\n"),
        rawMail(["From: x@example.net"]),
      ]),
    );
    const sweep = () =>
      sweepRawMessages(rt, {
        bucket: RAW_BUCKET,
        olderThanMs: 0,
        lookbackMs: Number.POSITIVE_INFINITY,
        now: new Date(Date.now() + 1000),
      });

    const first = await sweep();
    const second = await sweep();

    const recoveredKeys = first.recovered.map((r) => r.key);
    expect(recoveredKeys).toContain(lost.key);
    expect(recoveredKeys).toContain(virus.key);
    expect(recoveredKeys).not.toContain(handled.key);
    const lostResult = first.recovered.find((r) => r.key === lost.key)?.result;
    const reference = referenceOf(lostResult!);
    expect((await rt.store.getContent(reference)).complainant?.email).toBe("kadia@example.net");
    expect(first.recovered.find((r) => r.key === virus.key)?.result).toEqual({
      messageId: virus.messageId,
      quarantined: true,
    });
    expect(first.failed).toEqual([]);
    expect(second.recovered).toEqual([]);
    expect(await rt.store.referenceForSource(lost.sourceId)).toBe(reference);
  });

  it("locally, leaves an upload cut before its verdicts were written to the sender's retry, never a partial case", async () => {
    // The local stack's S3 emulator writes the bytes, then the metadata, then answers: a copy without its
    // verdicts was cut by a crash (maybe truncated) and never acknowledged, so the sender sends it again.
    const cut = await store(
      rawMail(["From: Kadia <kadia@example.net>", `Message-ID: <${randomUUID()}@example.net>`]),
    );
    const complete = await store(
      rawMail(["From: Bakary <bakary@example.net>", `Message-ID: <${randomUUID()}@example.net>`]),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: RAW_BUCKET,
        Key: complete.key,
        Body: complete.bytes,
        Metadata: { [VERDICTS_METADATA]: JSON.stringify({ spam: "PASS", virus: "PASS" }) },
      }),
    );

    const result = await sweepRawMessages(rt, {
      bucket: RAW_BUCKET,
      olderThanMs: 0,
      lookbackMs: Number.POSITIVE_INFINITY,
      now: new Date(Date.now() + 1000),
      requireVerdictsMetadata: true,
    });

    expect(result.interrupted).toContain(cut.key);
    expect(result.recovered.map((r) => r.key)).toContain(complete.key);
    expect(result.recovered.map((r) => r.key)).not.toContain(cut.key);
    expect(await rt.store.referenceForSource(cut.sourceId)).toBeNull();
    expect(await rt.store.referenceForSource(complete.sourceId)).not.toBeNull();
  });

  it("leaves young messages to the intake in flight", async () => {
    const young = await store(
      rawMail(["From: Kadia <kadia@example.net>", `Message-ID: <${randomUUID()}@example.net>`]),
    );

    const result = await sweepRawMessages(rt, {
      bucket: RAW_BUCKET,
      olderThanMs: 60 * 60_000,
      lookbackMs: Number.POSITIVE_INFINITY,
      now: new Date(),
    });

    expect(result.recovered.map((r) => r.key)).not.toContain(young.key);
    expect(await rt.store.referenceForSource(young.sourceId)).toBeNull();
  });
});

describe("T-12: raw messages and attachments live as long as their case, then go with it", () => {
  const tagsOf = async (Key: string) =>
    (await s3.send(new GetObjectTaggingCommand({ Bucket: RAW_BUCKET, Key }))).TagSet ?? [];
  const exists = (Bucket: string, Key: string) =>
    s3.send(new HeadObjectCommand({ Bucket, Key })).then(
      () => true,
      (error: Error) => (error.name === "NotFound" ? false : Promise.reject(error)),
    );
  const caseItems = async (reference: string) =>
    (
      await rt.doc.send(
        new QueryCommand({
          TableName: rt.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": `CASE#${reference}` },
        }),
      )
    ).Items ?? [];
  /** The stream record DynamoDB writes when its TTL deletes an item (userIdentity: the DynamoDB service). */
  const ttlRemoval = (reference: string, sk = "STATUS", byTtl = true) => ({
    eventID: randomUUID(),
    eventName: "REMOVE",
    ...(byTtl ? { userIdentity: { type: "Service", principalId: "dynamodb.amazonaws.com" } } : {}),
    dynamodb: {
      Keys: { pk: { S: `CASE#${reference}` }, sk: { S: sk } },
      SequenceNumber: String(Date.now()),
    },
  });
  type PurgeHandler = (
    event: { Records: unknown[] },
    context: Context,
  ) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;
  const purge = async (...records: unknown[]) => {
    const { handler: purgeHandler } = (await import("../../functions/handlers/purge.ts")) as {
      handler: PurgeHandler;
    };
    return purgeHandler({ Records: records }, {} as Context);
  };

  it("tags the raw copy of a message that is part of no case (noise, quarantine), never a case's", async () => {
    const noise = await deliver(eml("auto-reply-outlook-fr.eml"));
    const quarantined = await deliver(eml("plain-text-fr.eml"), { virus: "FAIL" });
    const complaint = await deliver(eml("plain-text-fr.eml"));

    const outside = [{ Key: OUTSIDE_CASE_TAG.key, Value: OUTSIDE_CASE_TAG.value }];
    expect(await tagsOf(noise.key)).toEqual(outside);
    expect(await tagsOf(quarantined.key)).toEqual(outside);
    expect((await rt.store.getContent(referenceOf(complaint.result))).rawMessageKey).toBe(complaint.key);
    expect(await tagsOf(complaint.key)).toEqual([]);
  });

  it("erases the whole case when DynamoDB's TTL deletes its status record: items, raw messages, attachments", async () => {
    const first = await deliver(eml("attachments-pdf-jpeg.eml"));
    const reference = referenceOf(first.result);
    const reply = await deliver(
      await compose({
        from: "Aïssata Traoré <aissata.traore@example.net>",
        subject: `Re: [${reference}] Accusé de réception de votre plainte`,
        text: "Voici le reçu.",
        attachments: [{ filename: "reçu.pdf", content: Buffer.from("%PDF-1.4\n%%EOF\n") }],
      }),
    );
    expect(reply.result).toMatchObject({ reference, attached: true });
    const other = await deliver(eml("attachments-pdf-jpeg.eml"));
    const content = await rt.store.getContent(reference);
    const files = content.attachments.map((a) => a.key);
    expect(files).toHaveLength(3);
    expect((await caseItems(reference)).length).toBeGreaterThan(2);

    // Not expired: a REMOVE that is not DynamoDB's TTL, or a status record still there, erases nothing.
    expect(await purge(ttlRemoval(reference, "STATUS", false), ttlRemoval(reference))).toEqual({
      batchItemFailures: [],
    });
    expect(await exists(RAW_BUCKET, first.key)).toBe(true);
    expect((await caseItems(reference)).length).toBeGreaterThan(2);

    // The retention ends: DynamoDB deletes the status record (its TTL), the stream hands it to the purge.
    await rt.doc.send(
      new DeleteCommand({ TableName: rt.tableName, Key: { pk: `CASE#${reference}`, sk: "STATUS" } }),
    );
    expect(await purge(ttlRemoval(reference))).toEqual({ batchItemFailures: [] });

    expect(await caseItems(reference)).toEqual([]);
    for (const key of [first.key, reply.key]) expect(await exists(RAW_BUCKET, key), key).toBe(false);
    for (const key of files) expect(await exists(ATTACHMENTS_BUCKET, key), key).toBe(false);
    // Another case's evidence stays.
    const kept = await rt.store.getContent(referenceOf(other.result));
    expect(await exists(RAW_BUCKET, other.key)).toBe(true);
    for (const a of kept.attachments) expect(await exists(ATTACHMENTS_BUCKET, a.key)).toBe(true);
    // A redelivered stream record (at-least-once) finds nothing left to do.
    expect(await purge(ttlRemoval(reference))).toEqual({ batchItemFailures: [] });
  });

  it("erases the S3 objects from the content record's image when DynamoDB's TTL deletes the content first", async () => {
    const delivered = await deliver(eml("attachments-pdf-jpeg.eml"));
    const reference = referenceOf(delivered.result);
    const files = (await rt.store.getContent(reference)).attachments.map((a) => a.key);
    const key = { pk: { S: `CASE#${reference}` }, sk: { S: "CONTENT" } };
    // The case closed five years ago: both records carry a past expiry; DynamoDB removes the content first.
    const past = Math.floor(Date.now() / 1000) - 60;
    await rt.doc.send(
      new UpdateCommand({
        TableName: rt.tableName,
        Key: { pk: `CASE#${reference}`, sk: "STATUS" },
        UpdateExpression: "SET expiresAt = :e",
        ExpressionAttributeValues: { ":e": past },
      }),
    );
    const image = (
      await new DynamoDBClient({}).send(new GetItemCommand({ TableName: rt.tableName, Key: key }))
    ).Item;
    await rt.doc.send(
      new DeleteCommand({ TableName: rt.tableName, Key: { pk: `CASE#${reference}`, sk: "CONTENT" } }),
    );
    const removal = ttlRemoval(reference, "CONTENT");

    expect(await purge({ ...removal, dynamodb: { ...removal.dynamodb, OldImage: image } })).toEqual({
      batchItemFailures: [],
    });

    expect(await caseItems(reference)).toEqual([]);
    expect(await exists(RAW_BUCKET, delivered.key)).toBe(false);
    for (const file of files) expect(await exists(ATTACHMENTS_BUCKET, file), file).toBe(false);
  });
});
