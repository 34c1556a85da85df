import { createHash, randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CSRF_NONCE_MAX_AGE_MS,
  csrfNonce,
  LinkSecretError,
  mintLink,
  verifyCsrfNonce,
  verifyLink,
} from "../../functions/tasks/link-token.ts";

const secret = Buffer.from("0123456789abcdef0123456789abcdef0123456789abcdef", "ascii");
const otherSecret = randomBytes(32);

/** Replaces one character of a base64url string by another base64url character (stays canonical mid-string). */
function flip(text: string, index: number): string {
  const c = text[index];
  return text.slice(0, index) + (c === "A" ? "B" : "A") + text.slice(index + 1);
}

describe("mintLink", () => {
  it("mints an id of 32 random bytes, its HMAC signature, the token and the SHA-256 of the id", () => {
    const link = mintLink(secret);

    expect(Buffer.from(link.id, "base64url")).toHaveLength(32);
    expect(link.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.token).toBe(`${link.id}.${link.signature}`);
    expect(link.idHash).toBe(createHash("sha256").update(link.id).digest("hex"));
    expect(link.idHash).not.toBe(link.id);
    expect(link.idHash).not.toContain(link.id);
  });

  it("never repeats an id over 10,000 mints, and every id decodes to 32 bytes", () => {
    const ids = new Set<string>();

    for (let i = 0; i < 10_000; i++) {
      const { id, idHash } = mintLink(secret);
      expect(Buffer.from(id, "base64url").length).toBe(32);
      expect(idHash).not.toBe(id);
      ids.add(id);
    }

    expect(ids.size).toBe(10_000);
  });

  it("refuses a secret shorter than 32 bytes", () => {
    expect(() => mintLink(Buffer.alloc(16))).toThrow(LinkSecretError);
    expect(() => verifyLink(Buffer.alloc(31), mintLink(secret).token)).toThrow(LinkSecretError);
  });
});

describe("verifyLink", () => {
  it("accepts a minted token and gives back its id and id hash", () => {
    const link = mintLink(secret);

    expect(verifyLink(secret, link.token)).toEqual({ ok: true, id: link.id, idHash: link.idHash });
  });

  it("rejects a tampered id as bad-signature", () => {
    const { id, signature } = mintLink(secret);

    expect(verifyLink(secret, `${flip(id, 10)}.${signature}`)).toEqual({
      ok: false,
      reason: "bad-signature",
    });
  });

  it("rejects a tampered signature as bad-signature", () => {
    const { id, signature } = mintLink(secret);

    expect(verifyLink(secret, `${id}.${flip(signature, 0)}`)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("rejects a token signed with another secret as bad-signature", () => {
    const { token } = mintLink(otherSecret);

    expect(verifyLink(secret, token)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("rejects a swapped id and signature", () => {
    const { id, signature } = mintLink(secret);

    expect(verifyLink(secret, `${signature}.${id}`).ok).toBe(false);
  });

  const { id, signature, token } = mintLink(secret);
  const malformed: Array<[string, string]> = [
    ["empty", ""],
    ["the id alone", id],
    ["no dot", `${id}${signature}`],
    ["a short id", `${id.slice(1)}.${signature}`],
    ["a long signature", `${id}.${signature}A`],
    ["an extra dot", `${id}.${signature}.`],
    ["two dots", `${id}..${signature.slice(1)}`],
    ["a third part", `${id}.${signature}.${signature}`],
    ["standard base64 '+'", `+${id.slice(1)}.${signature}`],
    ["standard base64 '/'", `${id}.${signature.slice(0, 20)}/${signature.slice(21)}`],
    ["padding", `${id.slice(0, 42)}=.${signature}`],
    ["a space", ` ${token.slice(1)}`],
    ["percent-encoding", `${id}%2E${signature.slice(2)}`],
    ["a non-ASCII letter", `é${id.slice(1)}.${signature}`],
    ["a non-canonical last character", `${id.slice(0, 42)}B.${signature}`],
    ["a trailing newline", `${token.slice(0, -1)}\n`],
    ["a very long string", "A".repeat(100_000)],
  ];
  it.each(malformed)("rejects %s as malformed without throwing", (_, bad) => {
    expect(verifyLink(secret, bad)).toEqual({ ok: false, reason: "malformed" });
  });

  it("never throws and never accepts an arbitrary string", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(verifyLink(secret, s).ok).toBe(false);
      }),
    );
  });

  it("never accepts a one-character change of a valid token", () => {
    const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/";
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.constantFrom(...chars), (index, c) => {
        fc.pre(token[index] !== c);
        const changed = token.slice(0, index) + c + token.slice(index + 1);
        expect(verifyLink(secret, changed).ok).toBe(false);
      }),
    );
  });
});

describe("CSRF nonce", () => {
  const now = Date.UTC(2026, 2, 2, 10, 0, 0);
  const link = mintLink(secret);
  const another = mintLink(secret);

  it("verifies for the link it was issued for, within its lifetime", () => {
    const nonce = csrfNonce(secret, link.idHash, now);

    expect(verifyCsrfNonce(secret, link.idHash, nonce, { now })).toEqual({ ok: true });
    expect(verifyCsrfNonce(secret, link.idHash, nonce, { now: now + CSRF_NONCE_MAX_AGE_MS })).toEqual({
      ok: true,
    });
  });

  it("is bound to its link: another link's nonce fails", () => {
    const nonce = csrfNonce(secret, another.idHash, now);

    expect(verifyCsrfNonce(secret, link.idHash, nonce, { now })).toEqual({
      ok: false,
      reason: "bad-signature",
    });
  });

  it("fails once older than 2 hours", () => {
    const nonce = csrfNonce(secret, link.idHash, now);

    expect(verifyCsrfNonce(secret, link.idHash, nonce, { now: now + 2 * 3600_000 + 1 })).toEqual({
      ok: false,
      reason: "expired",
    });
  });

  it("fails when issued too far in the future (beyond clock skew)", () => {
    const nonce = csrfNonce(secret, link.idHash, now + 3600_000);

    expect(verifyCsrfNonce(secret, link.idHash, nonce, { now })).toEqual({ ok: false, reason: "expired" });
  });

  it("fails when its issue time is changed to look fresh", () => {
    const nonce = csrfNonce(secret, link.idHash, now);
    const mac = nonce.split(".")[1];

    expect(
      verifyCsrfNonce(secret, link.idHash, `${now + 3 * 3600_000}.${mac}`, { now: now + 3 * 3600_000 }),
    ).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("fails under another secret", () => {
    const nonce = csrfNonce(otherSecret, link.idHash, now);

    expect(verifyCsrfNonce(secret, link.idHash, nonce, { now })).toEqual({
      ok: false,
      reason: "bad-signature",
    });
  });

  it("is not the link signature: a link token is not a nonce", () => {
    expect(verifyCsrfNonce(secret, link.idHash, link.token, { now }).ok).toBe(false);
    expect(verifyCsrfNonce(secret, link.idHash, `${now}.${link.signature}`, { now }).ok).toBe(false);
  });

  const valid = csrfNonce(secret, link.idHash, now);
  it.each([
    ["empty", ""],
    ["no dot", valid.replace(".", "")],
    ["leading zero", `0${valid}`],
    ["negative", `-${valid}`],
    ["extra part", `${valid}.x`],
    ["bad alphabet", `${valid.slice(0, -2)}+A`],
    ["a number", 42],
    ["an array", [valid]],
    ["undefined", undefined],
  ])("rejects a malformed nonce (%s) without throwing", (_, bad) => {
    expect(verifyCsrfNonce(secret, link.idHash, bad, { now })).toEqual({ ok: false, reason: "malformed" });
  });
});
