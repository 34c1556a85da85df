// Console sessions (CONTRACT.md "Staff console"): a signed cookie, no server-side store. The cookie holds who
// signed in, their audience (coordinator/staff, from the identity provider's groups) and two times: when the
// session began (absolute limit) and when it was last used (inactivity limit). Its MAC is an HMAC-SHA256 with
// a key derived (HKDF) from the link secret for this purpose only, so a task-link signature can never pass as
// a session or the reverse. CSRF: every form carries a token bound to the session's random id.
// Pure module: no AWS SDK; times are passed in (the real clock: the local stack's virtual clock must not sign
// staff out when it jumps a week).
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import * as z from "zod";
import { LANGUAGES } from "../i18n/languages.ts";

/** Inactivity limit: a console left open on a shared office computer signs out on its own. */
export const IDLE_MS = 30 * 60 * 1000;
/** Absolute limit: one working day. */
export const MAX_AGE_MS = 12 * 60 * 60 * 1000;
/** The sign-in transaction (state, nonce, PKCE verifier) lasts as long as a sign-in may take. */
export const SIGN_IN_MS = 15 * 60 * 1000;
/** `seen` is refreshed (a new cookie) at most once a minute. */
const TOUCH_MS = 60 * 1000;

export const SESSION_COOKIE = "cfm_session";
export const SIGN_IN_COOKIE = "cfm_sign_in";
export const COOKIE_PATH = "/console";

export const sessionSchema = z.strictObject({
  v: z.literal(1),
  /** Random session id: CSRF tokens are bound to it. */
  sid: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  email: z.email(),
  name: z.string().max(200),
  audience: z.enum(["coordinator", "staff"]),
  /** Epoch ms. */
  iat: z.number().int(),
  seen: z.number().int(),
  /** The staff member's choice of console language (French by default). */
  lang: z.enum(LANGUAGES).optional(),
});
export type Session = z.infer<typeof sessionSchema>;

export const signInSchema = z.strictObject({
  v: z.literal(1),
  state: z.string().min(16).max(200),
  nonce: z.string().min(16).max(200),
  verifier: z.string().min(43).max(128),
  returnTo: z.string().max(500),
  exp: z.number().int(),
});
export type SignIn = z.infer<typeof signInSchema>;

export type SessionCheck =
  | { ok: true; session: Session; refreshed: Session | null }
  | { ok: false; reason: "missing" | "forged" | "expired" };

/** The console's own key, derived from the link secret (one secret to keep, rotate and guard). */
export function consoleKey(linkSecret: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", linkSecret, Buffer.alloc(0), "cfm-console-session-v1", 32));
}

function mac(key: Buffer, purpose: string, data: string): string {
  return createHmac("sha256", key).update(`${purpose}:${data}`, "utf8").digest("base64url");
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

/** `base64url(json).mac`: the MAC covers the purpose, so a sign-in cookie is not a session cookie. */
export function seal(key: Buffer, purpose: "session" | "sign-in", value: object): string {
  const data = Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
  return `${data}.${mac(key, purpose, data)}`;
}

export function unseal(key: Buffer, purpose: "session" | "sign-in", sealed: string): unknown | null {
  if (sealed.length > 4096) return null;
  const dot = sealed.indexOf(".");
  if (dot < 1) return null;
  const data = sealed.slice(0, dot);
  if (!safeEqual(sealed.slice(dot + 1), mac(key, purpose, data))) return null;
  try {
    return JSON.parse(Buffer.from(data, "base64url").toString("utf8"));
  } catch {
    return null;
  }
}

export function newSession(
  who: { email: string; name: string; audience: Session["audience"] },
  now: number,
): Session {
  return {
    v: 1,
    sid: randomBytes(16).toString("base64url"),
    email: who.email.toLowerCase(),
    name: who.name.slice(0, 200),
    audience: who.audience,
    iat: now,
    seen: now,
  };
}

/** Checks a cookie value: MAC, shape, inactivity and absolute limits; answers a refreshed session to set. */
export function checkSession(key: Buffer, cookie: string | undefined, now: number): SessionCheck {
  if (!cookie) return { ok: false, reason: "missing" };
  const parsed = sessionSchema.safeParse(unseal(key, "session", cookie));
  if (!parsed.success) return { ok: false, reason: "forged" };
  const session = parsed.data;
  if (now - session.seen > IDLE_MS || now - session.iat > MAX_AGE_MS || session.seen > now + TOUCH_MS)
    return { ok: false, reason: "expired" };
  return { ok: true, session, refreshed: now - session.seen >= TOUCH_MS ? { ...session, seen: now } : null };
}

export function csrfToken(key: Buffer, session: Session): string {
  return mac(key, "csrf", session.sid);
}

export function checkCsrf(key: Buffer, session: Session, token: unknown): boolean {
  return typeof token === "string" && safeEqual(token, csrfToken(key, session));
}

/** Cookies are Secure everywhere but on loopback (the local stack serves plain HTTP on 127.0.0.1). */
export function isLoopback(hostname: string): boolean {
  return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]" || hostname === "::1";
}
