// Issue 15: the local SES emulator publishes SES's Send event for each email it stores, and again at start for
// the emails stored shortly before (a send whose mark a SIGKILL cut, then marked by its event before the cases
// resume: local/stack.ts). The mailbox file is what survives the kill.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { afterAll, describe, expect, it } from "vitest";
import {
  OUTBOX_HEADER,
  outboxHeaderValue,
  type SesSendEvent,
  sentReceipt,
} from "../../functions/mail/sent-receipt.ts";
import { freePort } from "../../local/dynamodb-local.ts";
import { type SesLocal, startSesLocal } from "../../local/ses-local.ts";

const dir = mkdtempSync(join(tmpdir(), "cfm-ses-events-"));
let ses: SesLocal | undefined;
afterAll(async () => {
  await ses?.close();
  rmSync(dir, { recursive: true, force: true });
});

const send = (client: SESv2Client, key: string) =>
  client.send(
    new SendEmailCommand({
      FromEmailAddress: "plaintes@example.org",
      Destination: { ToAddresses: ["aissata@example.net"] },
      Content: {
        Simple: {
          Subject: { Data: `Nous avons bien reçu votre plainte [CFM-2026-000001] ${key}` },
          Body: { Text: { Data: "H-A2" } },
          Headers: [{ Name: OUTBOX_HEADER, Value: outboxHeaderValue({ reference: "CFM-2026-000001", key }) }],
        },
      },
    }),
  );

describe("the local SES emulator's Send events", () => {
  it("publishes the emails stored before the subscription (replay) and each one after, with SES's message id", async () => {
    ses = await startSesLocal(await freePort(), { persistFile: join(dir, "outbox.jsonl") });
    const client = new SESv2Client({
      endpoint: ses.url,
      region: "eu-west-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    const before = await send(client, "before"); // stored, nobody listening yet: a send cut by the kill
    const events: SesSendEvent[] = [];
    await ses.publishSendEvents(async (event) => void events.push(event), {
      replayMs: 10 * 60_000,
      onError: (error) => {
        throw error;
      },
    });
    expect(events.map((e) => e.detail.mail.messageId)).toEqual([before.MessageId]);

    const after = await send(client, "after");
    for (let i = 0; i < 50 && events.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(events.map((e) => e.detail.mail.messageId)).toEqual([before.MessageId, after.MessageId]);
    expect(events.map((e) => sentReceipt(e))).toEqual([
      expect.objectContaining({ kind: "sent", at: { reference: "CFM-2026-000001", key: "before" } }),
      expect.objectContaining({ kind: "sent", at: { reference: "CFM-2026-000001", key: "after" } }),
    ]);
  });

  it("replays nothing older than the window", async () => {
    const events: SesSendEvent[] = [];
    await ses?.publishSendEvents(async (event) => void events.push(event), {
      replayMs: -60_000, // a window ending a minute from now: the emails above are older than it
      onError: () => {},
    });
    expect(events).toEqual([]);
  });
});
