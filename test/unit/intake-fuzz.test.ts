// Issue 15, kept fixed: a property-based fuzz of the parse path on hostile mail (MIME structures, headers,
// charsets, bytes; test/helpers/mail-arbitrary.ts). Every message parses to a valid InboundMessage whose
// values the intake can store and send with: nothing throws, nothing carries a control character into a
// header or a key, every address is one SES can write to. 2,000 cases per run; `npm run bench -- fuzz` runs more.
// The same messages through the real intake (DynamoDB Local, S3): test/integration/intake-fuzz.test.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  contentFingerprint,
  inboundMessageSchema,
  parseInbound,
} from "../../functions/intake/parse-inbound.ts";
import { attachmentKey } from "../../functions/intake/receive-email.ts";
import { hostileMessage } from "../helpers/mail-arbitrary.ts";

const OPTIONS = {
  attachmentCapBytes: 1024,
  defaultLanguage: "fr" as const,
  intakeAddress: "plaintes@example.org",
};
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
const CONTROL = /[\u0000-\u001f\u007f]/;
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;
const SENDABLE = /^[\x21-\x7e]+@[a-z0-9.-]+$/;

const FUZZ_RUNS = 2000;

describe("intake fuzz (issue 15)", () => {
  it(`parses ${FUZZ_RUNS} hostile messages into values the intake can store and send with`, async () => {
    await fc.assert(
      fc.asyncProperty(hostileMessage(), async (raw) => {
        const message = await parseInbound(raw, OPTIONS);
        const checked = inboundMessageSchema.safeParse(message);
        if (!checked.success) throw new Error(checked.error.message);
        expect(message.problems.filter((p) => p.startsWith("internal"))).toEqual([]);
        expect(CONTROL.test(message.subject)).toBe(false);
        expect(CONTROL.test(message.from.name ?? "")).toBe(false);
        for (const address of [message.from.address, ...message.fallbackAddresses.map((f) => f.address)])
          if (address !== null) expect(address).toMatch(SENDABLE);
        for (const [i, attachment] of message.attachments.entries()) {
          expect(attachment.contentType).toMatch(MIME_TYPE);
          expect(CONTROL.test(attachment.filename)).toBe(false);
          expect(attachmentKey("m1", i + 1, attachment.filename)).toMatch(/^m1\/\d+-[A-Za-z0-9._-]+$/);
        }
        // The same bytes, the same fingerprint (duplicates are recognised); trace headers do not change it.
        const traced = Buffer.concat([Buffer.from("Received: from relay by mx; Mon, 2 Mar 2026\r\n"), raw]);
        expect(contentFingerprint(raw)).toBe(contentFingerprint(Buffer.from(raw)));
        if (/^[A-Za-z-]+:/.test(raw.subarray(0, 40).toString("latin1")))
          expect(contentFingerprint(traced)).toBe(contentFingerprint(raw));
      }),
      { numRuns: FUZZ_RUNS },
    );
  }, 300_000);
});
