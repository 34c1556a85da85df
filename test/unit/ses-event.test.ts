import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  InvalidSesEventError,
  makeSesEvent,
  parseSesEvent,
  rawMessageLocation,
  type SesEvent,
  verdictsOf,
} from "../../functions/intake/ses-event.ts";

const SES_DIR = fileURLToPath(new URL("../events/ses/", import.meta.url));
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(SES_DIR, name), "utf8"));

function firstRecord(event: SesEvent) {
  const record = event.Records[0];
  if (!record) throw new Error("event without records");
  return record;
}

describe("parseSesEvent on the fixtures", () => {
  it("accepts an event with every verdict PASS (Lambda action)", () => {
    // Arrange
    const input = fixture("pass-all.json");
    // Act
    const event = parseSesEvent(input);
    // Assert
    const record = firstRecord(event);
    expect(record.ses.mail.messageId).toBe("o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g81");
    expect(record.ses.receipt.recipients).toEqual(["plaintes@example.org"]);
    expect(record.ses.receipt.action.type).toBe("Lambda");
    expect(verdictsOf(record.ses.receipt)).toEqual({
      quarantine: false,
      suspectedSpam: false,
      senderUnverified: false,
    });
  });

  it("quarantines on virus FAIL", () => {
    const record = firstRecord(parseSesEvent(fixture("virus-fail.json")));
    expect(verdictsOf(record.ses.receipt)).toEqual({
      quarantine: true,
      suspectedSpam: false,
      senderUnverified: false,
    });
  });

  it("flags spam FAIL from the receipt even though the message headers claim PASS", () => {
    // Arrange: the X-SES-Spam-Verdict header inside the message says PASS (a sender can write that)
    const record = firstRecord(parseSesEvent(fixture("spam-fail.json")));
    const forged = record.ses.mail.headers?.find((header) => header.name === "X-SES-Spam-Verdict");
    expect(forged?.value).toBe("PASS");
    // Act / Assert
    expect(verdictsOf(record.ses.receipt)).toEqual({
      quarantine: false,
      suspectedSpam: true,
      senderUnverified: false,
    });
  });

  it("flags an unverified sender on SPF/DKIM FAIL (S3 action names the stored object)", () => {
    const record = firstRecord(parseSesEvent(fixture("spf-dkim-fail.json")));
    expect(verdictsOf(record.ses.receipt)).toEqual({
      quarantine: false,
      suspectedSpam: false,
      senderUnverified: true,
    });
    expect(rawMessageLocation(record, { bucket: "unused", prefix: "unused/" })).toEqual({
      bucket: "cfm-inbound-123456789012",
      key: "inbound/s7f8d9k0m1l2a3b4c5d6e7f8g9h0i1j2k3l4m5n6",
    });
  });
});

describe("verdictsOf", () => {
  const pass = { status: "PASS" } as const;
  const receipt = {
    spamVerdict: pass,
    virusVerdict: pass,
    spfVerdict: pass,
    dkimVerdict: pass,
    dmarcVerdict: pass,
  };

  it.each(["spfVerdict", "dkimVerdict", "dmarcVerdict"] as const)(
    "any of SPF, DKIM, DMARC FAIL: %s",
    (key) => {
      expect(verdictsOf({ ...receipt, [key]: { status: "FAIL" } }).senderUnverified).toBe(true);
    },
  );

  it.each(["GRAY", "PROCESSING_FAILED", "DISABLED"] as const)("%s is not a FAIL", (status) => {
    const all = { status };
    expect(
      verdictsOf({
        spamVerdict: all,
        virusVerdict: all,
        spfVerdict: all,
        dkimVerdict: all,
        dmarcVerdict: all,
      }),
    ).toEqual({ quarantine: false, suspectedSpam: false, senderUnverified: false });
  });
});

describe("parseSesEvent rejects bad events with a clear message", () => {
  const valid = () => structuredClone(fixture("pass-all.json")) as SesEvent;

  it.each([
    ["not an object", () => "hello", /\(event\): .*expected object/],
    ["no Records", () => ({}), /Records: /],
    ["empty Records", () => ({ Records: [] }), /Records: .*>=1|Records: .*at least/i],
    [
      "a virus verdict that is not a status",
      () => {
        const event = valid() as unknown as { Records: { ses: { receipt: { virusVerdict: unknown } } }[] };
        event.Records[0]!.ses.receipt.virusVerdict = { status: "MAYBE" };
        return event;
      },
      /Records\.0\.ses\.receipt\.virusVerdict\.status: /,
    ],
    [
      "a missing DMARC verdict",
      () => {
        const event = valid() as unknown as { Records: { ses: { receipt: Record<string, unknown> } }[] };
        delete event.Records[0]!.ses.receipt.dmarcVerdict;
        return event;
      },
      /Records\.0\.ses\.receipt\.dmarcVerdict: /,
    ],
    [
      "a message id that could escape an S3 prefix",
      () => {
        const event = valid();
        firstRecord(event).ses.mail.messageId = "../../etc/passwd";
        return event;
      },
      /Records\.0\.ses\.mail\.messageId: must be an SES message id/,
    ],
    [
      "a timestamp that is not ISO 8601",
      () => {
        const event = valid();
        firstRecord(event).ses.mail.timestamp = "yesterday";
        return event;
      },
      /Records\.0\.ses\.mail\.timestamp: /,
    ],
    [
      "another event source",
      () => {
        const event = valid() as unknown as { Records: { eventSource: string }[] };
        event.Records[0]!.eventSource = "aws:s3";
        return event;
      },
      /Records\.0\.eventSource: /,
    ],
    [
      "an unknown action type",
      () => {
        const event = valid() as unknown as { Records: { ses: { receipt: { action: { type: string } } } }[] };
        event.Records[0]!.ses.receipt.action.type = "SNS";
        return event;
      },
      /Records\.0\.ses\.receipt\.action\.type: /,
    ],
  ])("%s", (_, build, message) => {
    // Arrange
    const input = build();
    // Act
    const act = () => parseSesEvent(input);
    // Assert
    expect(act).toThrow(InvalidSesEventError);
    expect(act).toThrow(message);
    expect(act).toThrow(/^invalid SES event: /);
  });

  it("names the error class so Step Functions can match it", () => {
    try {
      parseSesEvent(null);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).name).toBe("InvalidSesEventError");
    }
  });
});

describe("makeSesEvent", () => {
  it("builds an event that parses, with the given verdicts and PASS elsewhere", () => {
    // Act
    const event = makeSesEvent({
      messageId: "local0001abcdef",
      bucket: "cfm-local",
      key: "inbound/local0001abcdef",
      verdicts: { virus: "FAIL", dkim: "FAIL" },
      recipients: ["plaintes@example.org"],
      timestamp: "2026-03-02T09:15:04.512Z",
    });
    // Assert
    expect(parseSesEvent(event)).toEqual(event);
    const record = firstRecord(event);
    expect(record.ses.mail.timestamp).toBe("2026-03-02T09:15:04.512Z");
    expect(record.ses.receipt.spamVerdict.status).toBe("PASS");
    expect(verdictsOf(record.ses.receipt)).toEqual({
      quarantine: true,
      suspectedSpam: false,
      senderUnverified: true,
    });
    expect(rawMessageLocation(record, { bucket: "other", prefix: "x/" })).toEqual({
      bucket: "cfm-local",
      key: "inbound/local0001abcdef",
    });
  });

  it("is deterministic for fixed inputs", () => {
    const input = {
      messageId: "abc123",
      bucket: "b",
      key: "abc123",
      timestamp: new Date("2026-03-02T09:00:00Z"),
    };
    expect(makeSesEvent(input)).toEqual(makeSesEvent(input));
  });

  it("rejects an invalid message id or timestamp with InvalidSesEventError", () => {
    expect(() => makeSesEvent({ messageId: "a/b", bucket: "b", key: "k" })).toThrow(InvalidSesEventError);
    expect(() => makeSesEvent({ messageId: "ab", bucket: "b", key: "k", timestamp: "not a date" })).toThrow(
      InvalidSesEventError,
    );
  });
});

describe("rawMessageLocation", () => {
  it("derives the key from the receipt rule prefix and the SES message id for a Lambda action", () => {
    const record = firstRecord(parseSesEvent(fixture("pass-all.json")));
    expect(rawMessageLocation(record, { bucket: "cfm-inbound", prefix: "inbound/" })).toEqual({
      bucket: "cfm-inbound",
      key: "inbound/o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g81",
    });
  });
});
