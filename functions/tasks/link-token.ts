// Task links: a capability URL `/t/{id}.{signature}`. The id is 256 random bits, the signature an HMAC
// of the id, so a forged or altered link is refused before any database read. The store keeps only
// SHA-256(id): a leaked table holds no usable link. Pure module: no AWS SDK, no clock of its own.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { LinkSecretError } from "../errors.ts";

export { LinkSecretError };

const ID_BYTES = 32;
/** 32 bytes in unpadded base64url: 43 characters, the last one carrying 2 zero padding bits. */
const B64URL_32_LENGTH = 43;
/**
 * A canonical unpadded base64url encoding of 32 bytes. The last character is restricted to those whose
 * 2 low bits are zero, so each value has exactly one accepted spelling (no malleable tokens).
 */
const B64URL_32 = "[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]";
const TOKEN_REGEX = new RegExp(`^${B64URL_32}\\.${B64URL_32}$`);
const TOKEN_LENGTH = 2 * B64URL_32_LENGTH + 1;
/** Shortest accepted secret: the HMAC-SHA256 output size. */
export const MIN_SECRET_BYTES = 32;

export interface MintedLink {
  /** 32 random bytes, base64url. Never stored; only inside the emailed URL. */
  id: string;
  /** HMAC-SHA256(secret, id), base64url. */
  signature: string;
  /** `${id}.${signature}`: the URL path segment, `/t/{token}`. */
  token: string;
  /** SHA-256(id) in hex: the only thing the link store keeps. */
  idHash: string;
}

export type VerifiedLink = { ok: true; id: string; idHash: string };
export type LinkRejection = { ok: false; reason: "malformed" | "bad-signature" };

function checkSecret(secret: Buffer): void {
  if (!Buffer.isBuffer(secret) || secret.length < MIN_SECRET_BYTES)
    throw new LinkSecretError(`the task-link secret must be at least ${MIN_SECRET_BYTES} bytes`);
}

function sign(secret: Buffer, id: string): string {
  return createHmac("sha256", secret).update(id, "ascii").digest("base64url");
}

/** SHA-256 of the id (its base64url text), hex: the store key. */
export function hashLinkId(id: string): string {
  return createHash("sha256").update(id, "ascii").digest("hex");
}

/** Equal-length ASCII strings compared in constant time (both are fixed-length base64url here). */
function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "ascii");
  const right = Buffer.from(b, "ascii");
  return left.length === right.length && timingSafeEqual(left, right);
}

export function mintLink(secret: Buffer): MintedLink {
  checkSecret(secret);
  const id = randomBytes(ID_BYTES).toString("base64url");
  const signature = sign(secret, id);
  return { id, signature, token: `${id}.${signature}`, idHash: hashLinkId(id) };
}

/** Never throws on a hostile token: anything but a well-formed, correctly signed token is a rejection. */
export function verifyLink(secret: Buffer, token: string): VerifiedLink | LinkRejection {
  checkSecret(secret);
  // Format first (length, then alphabet), so no hashing work is spent on garbage.
  if (typeof token !== "string" || token.length !== TOKEN_LENGTH || !TOKEN_REGEX.test(token))
    return { ok: false, reason: "malformed" };
  const id = token.slice(0, B64URL_32_LENGTH);
  const signature = token.slice(B64URL_32_LENGTH + 1);
  if (!safeEqual(signature, sign(secret, id))) return { ok: false, reason: "bad-signature" };
  return { ok: true, id, idHash: hashLinkId(id) };
}

// Anti-CSRF nonce: `${issuedAt}.${HMAC(secret, "cfm-csrf-v1:" + idHash + ":" + issuedAt)}`. Stateless and
// bound to one link; the ":" keeps its MAC input disjoint from link ids (base64url has no ":").
/** How long a rendered form stays submittable. */
export const CSRF_NONCE_MAX_AGE_MS = 2 * 60 * 60 * 1000;
/** Tolerated clock difference between the Lambda that rendered the form and the one receiving it. */
export const CSRF_NONCE_CLOCK_SKEW_MS = 5 * 60 * 1000;
const NONCE_REGEX = /^(\d{1,15})\.([A-Za-z0-9_-]{42}[AEIMQUYcgkosw048])$/;
const ID_HASH_REGEX = /^[0-9a-f]{64}$/;

export type NonceCheck = { ok: true } | { ok: false; reason: "malformed" | "bad-signature" | "expired" };

function nonceMac(secret: Buffer, idHash: string, issuedAt: number): string {
  return createHmac("sha256", secret)
    .update(`cfm-csrf-v1:${idHash}:${issuedAt}`, "ascii")
    .digest("base64url");
}

/** `issuedAt`: epoch milliseconds (wall clock). */
export function csrfNonce(secret: Buffer, idHash: string, issuedAt: number): string {
  checkSecret(secret);
  if (!ID_HASH_REGEX.test(idHash)) throw new TypeError("idHash must be a SHA-256 hex digest");
  if (!Number.isSafeInteger(issuedAt) || issuedAt < 0)
    throw new TypeError("issuedAt must be epoch milliseconds");
  return `${issuedAt}.${nonceMac(secret, idHash, issuedAt)}`;
}

export function verifyCsrfNonce(
  secret: Buffer,
  idHash: string,
  nonce: unknown,
  options: { now?: number; maxAgeMs?: number } = {},
): NonceCheck {
  checkSecret(secret);
  const now = options.now ?? Date.now();
  const maxAgeMs = options.maxAgeMs ?? CSRF_NONCE_MAX_AGE_MS;
  if (typeof nonce !== "string" || nonce.length > 64 || !ID_HASH_REGEX.test(idHash))
    return { ok: false, reason: "malformed" };
  const match = NONCE_REGEX.exec(nonce);
  if (!match) return { ok: false, reason: "malformed" };
  const [, issuedText = "", mac = ""] = match;
  const issuedAt = Number(issuedText);
  // Canonical decimal only (no leading zeros), so one nonce has one spelling.
  if (String(issuedAt) !== issuedText) return { ok: false, reason: "malformed" };
  if (!safeEqual(mac, nonceMac(secret, idHash, issuedAt))) return { ok: false, reason: "bad-signature" };
  if (now - issuedAt > maxAgeMs || issuedAt - now > CSRF_NONCE_CLOCK_SKEW_MS)
    return { ok: false, reason: "expired" };
  return { ok: true };
}
