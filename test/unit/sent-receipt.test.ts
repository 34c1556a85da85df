// Issue 15: the outbox item an email belongs to travels in its X-CFM-Outbox header and comes back in SES's Send
// event (functions/mail/sent-receipt.ts); only a readable header of ours on a Send event marks anything.
import { describe, expect, it } from "vitest";
import {
  OUTBOX_HEADER,
  outboxFromHeader,
  outboxHeaderValue,
  sentReceipt,
  sesSendEvent,
} from "../../functions/mail/sent-receipt.ts";
import { sendEvent } from "../../local/ses-local.ts";

const sendOf = (headers: Array<{ name: string; value: string }>, eventType = "Send") =>
  sesSendEvent.parse({
    source: "aws.ses",
    "detail-type": "Email Sent",
    detail: {
      eventType,
      mail: { messageId: "0100-abc", timestamp: "2026-11-30T10:00:01.123Z", headers },
      send: {},
    },
  });

describe("the outbox header", () => {
  it.each([
    { reference: "CFM-2026-000034", key: "acknowledgement" },
    { reference: "CFM-2026-000034", key: "task:triage:Zm9vYmFy" },
    { filingSource: "0100018c-5f2e-4b1a" },
    { report: "monthly", period: "2026-11" },
  ])("names %o and reads it back", (at) => {
    const value = outboxHeaderValue(at);
    expect(value).toMatch(/^[A-Za-z0-9_-]+$/); // one header line, no spaces or padding
    expect(outboxFromHeader(value)).toEqual(at);
  });

  it("reads nothing from a value that is not one of ours", () => {
    expect(outboxFromHeader("")).toBeNull();
    expect(outboxFromHeader("not base64!")).toBeNull();
    expect(outboxFromHeader(Buffer.from("{").toString("base64url"))).toBeNull();
    expect(outboxFromHeader(Buffer.from('{"reference":"x"}').toString("base64url"))).toBeNull();
    expect(
      outboxFromHeader(Buffer.from('{"reference":"x","key":"k","to":"a@b"}').toString("base64url")),
    ).toBeNull();
  });
});

describe("SES's Send event", () => {
  const header = {
    name: OUTBOX_HEADER,
    value: outboxHeaderValue({ reference: "CFM-2026-000001", key: "ack" }),
  };

  it("confirms the item its header names, with SES's message id and time", () => {
    expect(sentReceipt(sendOf([{ name: "From", value: "cfm@example.org" }, header]))).toEqual({
      kind: "sent",
      at: { reference: "CFM-2026-000001", key: "ack" },
      messageId: "0100-abc",
      sentAt: "2026-11-30T10:00:01.123Z",
    });
    // Header names are case-insensitive (RFC 5322): SES may write them as it likes.
    expect(sentReceipt(sendOf([{ name: "x-cfm-outbox", value: header.value }])).kind).toBe("sent");
  });

  it("ignores other event types, messages without the header and unreadable headers", () => {
    expect(sentReceipt(sendOf([header], "Delivery"))).toEqual({
      kind: "ignored",
      reason: "event type Delivery",
    });
    expect(sentReceipt(sendOf([]))).toEqual({ kind: "ignored", reason: "no outbox header" });
    expect(sentReceipt(sendOf([{ name: OUTBOX_HEADER, value: "###" }])).kind).toBe("ignored");
  });

  it("refuses an event without a message id or time (a clear error, not a guess)", () => {
    expect(sesSendEvent.safeParse({ detail: { eventType: "Send", mail: { timestamp: "x" } } }).success).toBe(
      false,
    );
  });

  it("is what the local stack publishes for an email its SES emulator stored", () => {
    const event = sendEvent({ messageId: "ses-1", at: 1_795_000_000, headers: [header] });
    expect(event && sentReceipt(sesSendEvent.parse(event))).toEqual({
      kind: "sent",
      at: { reference: "CFM-2026-000001", key: "ack" },
      messageId: "ses-1",
      sentAt: new Date(1_795_000_000_000).toISOString(),
    });
    expect(sendEvent({ at: 1 })).toBeNull();
  });
});
