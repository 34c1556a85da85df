// Receipt codes (GlobaLeaks-style): every web case gets one, shown once on the confirmation page and stored
// only as a slow, salted hash (scrypt), so a stolen table does not give access to the follow-up page.
// 20 Crockford base-32 characters = 100 bits: far beyond guessing, and the follow-up page throttles tries.
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";
import type { Runtime } from "../lib/runtime.ts";
import { receiptStore } from "../store/receipt-store.ts";

/** Crockford base 32: no I, L, O or U, so the code survives being read aloud or copied by hand. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const RECEIPT_LENGTH = 20;

/** OWASP's scrypt floor (N=2^15, r=8, p=1): about 32 MiB and tens of milliseconds per check. */
const SCRYPT: ScryptOptions = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

/** A new code, grouped by four for reading: `7KQ2-…` (5 groups). */
export function newReceiptCode(): string {
  const bytes = randomBytes(RECEIPT_LENGTH);
  let code = "";
  // 256 is a multiple of 32: taking each byte modulo 32 keeps the distribution uniform.
  for (const byte of bytes) code += ALPHABET[byte % 32];
  return code.match(/.{4}/g)?.join("-") ?? code;
}

/** What a person typed, in canonical form: case, spaces and dashes ignored; O read as 0, I and L as 1. */
export function normaliseReceipt(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
}

export function looksLikeReceipt(input: string): boolean {
  const code = normaliseReceipt(input);
  return code.length === RECEIPT_LENGTH && [...code].every((c) => ALPHABET.includes(c));
}

function derive(code: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(normaliseReceipt(code), salt, KEY_LENGTH, SCRYPT, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** Stores the hash of a case's receipt code (replacing an earlier one: see the re-issue rule in app.ts). */
export async function storeReceipt(rt: Runtime, reference: string, code: string): Promise<void> {
  const salt = randomBytes(16);
  const hash = await derive(code, salt);
  await receiptStore(rt).put(reference, {
    salt: salt.toString("base64"),
    hash: hash.toString("base64"),
    kdf: `scrypt:${SCRYPT.N}:${SCRYPT.r}:${SCRYPT.p}`,
    createdAt: rt.now().toISOString(),
  });
}

export async function deleteReceipt(rt: Runtime, reference: string): Promise<void> {
  await receiptStore(rt).delete(reference);
}

const DUMMY_SALT = randomBytes(16);

/**
 * True when `code` is the receipt of `reference`. An unknown reference costs the same scrypt as a known one,
 * so the answer time does not tell whether a reference exists.
 */
export async function verifyReceipt(rt: Runtime, reference: string, code: string): Promise<boolean> {
  const item = await receiptStore(rt).get(reference);
  if (!item?.salt || !item.hash) {
    await derive(code, DUMMY_SALT);
    return false;
  }
  const expected = Buffer.from(item.hash, "base64");
  const actual = await derive(code, Buffer.from(item.salt, "base64"));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
