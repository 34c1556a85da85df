// Issue 15, kept fixed: hostile messages (test/helpers/mail-arbitrary.ts) through the real intake handler, on
// DynamoDB Local and a real S3 emulator (Step Functions and SES mocked: tested elsewhere). Every message ends
// as exactly one of case / attached / quarantined / noise / duplicate, never an unhandled error; its raw copy
// is kept and its outcome recorded; a redelivery of the same event is answered the same, opening nothing.
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfigFile } from "../../functions/domain/config.ts";
import type { IntakeResult } from "../../functions/intake/receive-email.ts";
import { hasOutcome } from "../../functions/intake/recover.ts";
import { makeSesEvent, type VerdictName } from "../../functions/intake/ses-event.ts";
import { type Runtime, resetRuntime, runtime } from "../../functions/lib/runtime.ts";
import { freshTable } from "../helpers/dynamo.ts";
import { hostileMessage } from "../helpers/mail-arbitrary.ts";

const S3rver = createRequire(import.meta.url)("s3rver") as new (
  options: Record<string, unknown>,
) => { run(): Promise<{ port: number }>; close(): Promise<void> };
const RAW_BUCKET = "cfm-raw-mail";
const STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:cfm-complaint";
/** Through DynamoDB Local per case: a few hundred per run keeps the suite fast (the parse path has 2,000). */
const RUNS = Number(process.env.CFM_FUZZ_INTAKE_RUNS ?? 300);

let s3rver: { close(): Promise<void> };
let s3: S3Client;
let rt: Runtime;
let receiveEmail: (event: unknown, rt?: Runtime) => Promise<IntakeResult>;
const sfn = mockClient(SFNClient);
const ses = mockClient(SESv2Client);

beforeAll(async () => {
  const table = await freshTable("cfm-intake-fuzz");
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: mkdtempSync(join(tmpdir(), "cfm-fuzz-s3-")),
    allowMismatchedSignatures: true,
  });
  const { port } = await server.run();
  s3rver = server;
  Object.assign(process.env, {
    TABLE_NAME: table.tableName,
    RAW_BUCKET,
    ATTACHMENTS_BUCKET: "cfm-attachments",
    STATE_MACHINE_ARN,
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
    CFM_S3_PATH_STYLE: "1",
    CFM_CONFIG_JSON: JSON.stringify(loadConfigFile("config/humanitarian.example.yaml")),
    CFM_METRICS: "memory",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
  });
  delete process.env.KMS_KEY_ID;
  s3 = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  for (const Bucket of [RAW_BUCKET, "cfm-attachments"]) await s3.send(new CreateBucketCommand({ Bucket }));
  resetRuntime();
  rt = runtime();
  ({ receiveEmail } = await import("../../functions/intake/receive-email.ts"));
  const started = new Map<string, string>();
  sfn.on(StartExecutionCommand).callsFake((input: { name: string; input: string }) => {
    started.set(input.name, input.input);
    return { executionArn: `${STATE_MACHINE_ARN}:${input.name}`, startDate: new Date() };
  });
  sfn.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => ({
    executionArn: input.executionArn,
    input: started.get(input.executionArn.split(":").pop() ?? ""),
    status: "RUNNING",
    startDate: new Date(),
  }));
  ses.on(SendEmailCommand).callsFake(() => ({ MessageId: `ses-${randomUUID()}` }));
});

afterAll(async () => {
  sfn.restore();
  ses.restore();
  await s3rver?.close();
});

type Outcome = "case" | "attached" | "quarantined" | "noise" | "duplicate";

function outcomeOf(result: IntakeResult): Outcome[] {
  const found: Outcome[] = [];
  if ("quarantined" in result) found.push("quarantined");
  if ("noise" in result) found.push("noise");
  if ("duplicate" in result) found.push("duplicate");
  if ("attached" in result) found.push("attached");
  if ("reference" in result && !("attached" in result) && !("duplicate" in result)) found.push("case");
  return found;
}

describe("intake fuzz through DynamoDB Local (issue 15)", () => {
  it(`ends each of ${RUNS} hostile messages as exactly one outcome, raw kept, never an unhandled error`, async () => {
    const tally: Record<Outcome, number> = { case: 0, attached: 0, quarantined: 0, noise: 0, duplicate: 0 };
    // A first case, so that replies quoting CFM-2026-000001 can be attached (or flagged unknown-sender).
    const verdict = fc.constantFrom<"PASS" | "FAIL">("PASS", "PASS", "PASS", "FAIL");
    await fc.assert(
      fc.asyncProperty(
        hostileMessage(),
        fc.record({ spam: verdict, virus: verdict, spf: verdict, dkim: verdict, dmarc: verdict }),
        async (raw, verdicts: Record<VerdictName, "PASS" | "FAIL">) => {
          const messageId = `f${randomUUID().replaceAll("-", "")}`;
          const key = `raw/${messageId}`;
          await s3.send(new PutObjectCommand({ Bucket: RAW_BUCKET, Key: key, Body: raw }));
          const event = makeSesEvent({ messageId, bucket: RAW_BUCKET, key, verdicts });

          const result = await receiveEmail(event, rt);
          const again = await receiveEmail(event, rt);

          const outcome = outcomeOf(result);
          expect(outcome, JSON.stringify(result)).toHaveLength(1);
          tally[outcome[0] as Outcome]++;
          if ("reference" in result) expect(await rt.store.get(result.reference)).not.toBeNull();
          expect(await hasOutcome(rt, messageId)).toBe(true);
          const head = await s3.send(new HeadObjectCommand({ Bucket: RAW_BUCKET, Key: key }));
          expect(head.ContentLength).toBe(raw.length);
          // A redelivered event: the same answer for quarantine and noise, a duplicate of the same case otherwise.
          if ("reference" in result)
            expect(again).toMatchObject({ duplicate: true, reference: result.reference });
          else expect(again).toEqual(result);
        },
      ),
      { numRuns: RUNS },
    );
    console.log(`intake fuzz: ${RUNS} tried, 0 failed, outcomes ${JSON.stringify(tally)}`);
    expect(tally.case).toBeGreaterThan(0);
  }, 900_000);
});
