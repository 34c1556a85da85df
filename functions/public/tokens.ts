// Signed values the public pages hand out and take back, all HMAC-SHA256 with the link secret, each with
// its own purpose in the MAC so one can never stand for another.
//   session       after a correct reference + receipt: lets the follow-up page act for 30 minutes without
//                 the receipt code travelling again (kept in a hidden field: no cookie, nothing stored)
//   satisfaction  the link in the closing email: answers the one question for that case, nothing else
//   check         the human check: a sum whose answer the server verifies from the token; each token carries a
//                 random id, used once (human-check.ts stores it until the token expires)
import { createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { REFERENCE_REGEX } from "../domain/complaint.ts";

type Purpose = "session" | "satisfaction" | "check";

function mac(secret: Buffer, purpose: Purpose, payload: string): string {
  return createHmac("sha256", secret).update(`${purpose}\n${payload}`).digest("base64url");
}

function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const SESSION_MS = 30 * 60 * 1000;

export function signSession(secret: Buffer, reference: string, now: number): string {
  const payload = `${reference}.${now + SESSION_MS}`;
  return `${payload}.${mac(secret, "session", payload)}`;
}

/** The reference a session stands for, or null when tampered with or expired. */
export function verifySession(secret: Buffer, token: unknown, now: number): string | null {
  if (typeof token !== "string" || token.length > 200) return null;
  const [reference, expires, signature] = token.split(".");
  if (!reference || !expires || !signature || !REFERENCE_REGEX.test(reference)) return null;
  if (!sameMac(signature, mac(secret, "session", `${reference}.${expires}`))) return null;
  return Number(expires) > now ? reference : null;
}

export function signSatisfaction(secret: Buffer, reference: string): string {
  return `${reference}.${mac(secret, "satisfaction", reference)}`;
}

export function verifySatisfaction(secret: Buffer, token: unknown): string | null {
  if (typeof token !== "string" || token.length > 200) return null;
  const [reference, signature, ...rest] = token.split(".");
  if (!reference || !signature || rest.length > 0 || !REFERENCE_REGEX.test(reference)) return null;
  return sameMac(signature, mac(secret, "satisfaction", reference)) ? reference : null;
}

export interface HumanCheck {
  a: number;
  b: number;
  /** Random: what makes a passed check single-use (human-check.ts). */
  id: string;
  /** When the question was asked (ms since the epoch). */
  at: number;
  token: string;
}

/** HUMAN_CHECK_MS: time to fill the form in; past it, a new question is asked (the typed text is kept). */
export const HUMAN_CHECK_MS = 2 * 60 * 60 * 1000;

export function newHumanCheck(secret: Buffer, now: number): HumanCheck {
  const a = randomInt(1, 10);
  const b = randomInt(1, 10);
  const id = randomBytes(12).toString("base64url");
  const payload = `${a}.${b}.${now}.${id}`;
  return { a, b, id, at: now, token: `${payload}.${mac(secret, "check", payload)}` };
}

/** The question behind a token, if it is genuine (to ask it again after an error). */
export function readHumanCheck(secret: Buffer, token: unknown, now: number): HumanCheck | null {
  if (typeof token !== "string" || token.length > 200) return null;
  const [a, b, at, id, signature, ...rest] = token.split(".");
  if (!a || !b || !at || !id || !signature || rest.length > 0) return null;
  if (!sameMac(signature, mac(secret, "check", `${a}.${b}.${at}.${id}`))) return null;
  if (now - Number(at) > HUMAN_CHECK_MS) return null;
  return { a: Number(a), b: Number(b), id, at: Number(at), token };
}

/** The check behind a token when the answer is right (still to be spent once: human-check.ts). */
export function humanCheckPassed(
  secret: Buffer,
  token: unknown,
  answer: unknown,
  now: number,
): HumanCheck | null {
  const check = readHumanCheck(secret, token, now);
  return check && typeof answer === "string" && Number(answer.trim()) === check.a + check.b ? check : null;
}

/** The closing email's link: the public pages live beside the task links (`…/t/` → `…/satisfaction/…`). */
export function satisfactionUrl(taskBaseUrl: string, secret: Buffer, reference: string): string {
  return `${taskBaseUrl.replace(/t\/$/, "")}satisfaction/${signSatisfaction(secret, reference)}`;
}
