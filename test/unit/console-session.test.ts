// Console sessions and CSRF (CONTRACT.md "Staff console"): the signed cookie, its inactivity and absolute
// limits, forged and missing cookies, CSRF on every POST, cookie attributes, and the return path after sign-in.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createConsoleApp, safeReturn } from "../../functions/console/app.ts";
import { staffFromClaims } from "../../functions/console/oidc.ts";
import {
  checkCsrf,
  checkSession,
  consoleKey,
  csrfToken,
  IDLE_MS,
  MAX_AGE_MS,
  newSession,
  SESSION_COOKIE,
  type Session,
  seal,
  unseal,
} from "../../functions/console/session.ts";
import { loadConfigText } from "../../functions/domain/config.ts";
import type { Runtime } from "../../functions/lib/runtime.ts";

const config = loadConfigText(
  readFileSync(new URL("../../config/humanitarian.example.yaml", import.meta.url), "utf8"),
  "humanitarian.example.yaml",
);
const linkSecret = Buffer.alloc(48, 7);
const key = consoleKey(linkSecret);
const T0 = Date.parse("2026-11-30T09:00:00Z");
const staff = { email: "Handler@Example.org", name: "Fatoumata Diarra", audience: "staff" as const };

describe("session cookie", () => {
  it("round-trips a session and lower-cases the address", () => {
    const session = newSession(staff, T0);
    const check = checkSession(key, seal(key, "session", session), T0 + 1000);
    expect(check).toEqual({
      ok: true,
      session: { ...session, email: "handler@example.org" },
      refreshed: null,
    });
    expect(session.email).toBe("handler@example.org");
  });

  it("refreshes the last-use time at most once a minute (sliding inactivity limit)", () => {
    const session = newSession(staff, T0);
    const check = checkSession(key, seal(key, "session", session), T0 + 5 * 60_000);
    expect(check.ok && check.refreshed?.seen).toBe(T0 + 5 * 60_000);
  });

  it("is missing without a cookie", () => {
    expect(checkSession(key, undefined, T0)).toEqual({ ok: false, reason: "missing" });
  });

  it("expires after the inactivity limit", () => {
    const cookie = seal(key, "session", newSession(staff, T0));
    expect(checkSession(key, cookie, T0 + IDLE_MS).ok).toBe(true);
    expect(checkSession(key, cookie, T0 + IDLE_MS + 1)).toEqual({ ok: false, reason: "expired" });
  });

  it("expires after the absolute limit even when used all along", () => {
    const session: Session = { ...newSession(staff, T0), seen: T0 + MAX_AGE_MS };
    expect(checkSession(key, seal(key, "session", session), T0 + MAX_AGE_MS + 1)).toEqual({
      ok: false,
      reason: "expired",
    });
  });

  it("refuses a forged cookie: changed payload, other key, sign-in cookie passed as a session, garbage", () => {
    const cookie = seal(key, "session", newSession(staff, T0));
    const [data, mac] = cookie.split(".") as [string, string];
    const payload = JSON.parse(Buffer.from(data, "base64url").toString("utf8"));
    const promoted = Buffer.from(JSON.stringify({ ...payload, audience: "coordinator" })).toString(
      "base64url",
    );
    for (const forged of [
      `${promoted}.${mac}`,
      seal(consoleKey(Buffer.alloc(48, 8)), "session", newSession(staff, T0)),
      seal(key, "sign-in", newSession(staff, T0)),
      "not-a-cookie",
      `${data}.`,
      "x".repeat(5000),
    ])
      expect(checkSession(key, forged, T0)).toEqual({ ok: false, reason: "forged" });
  });

  it("derives its own key from the link secret (not the link secret itself)", () => {
    expect(key.equals(linkSecret.subarray(0, 32))).toBe(false);
    expect(unseal(linkSecret, "session", seal(key, "session", { a: 1 }))).toBeNull();
  });

  it("binds CSRF tokens to the session", () => {
    const a = newSession(staff, T0);
    const b = newSession(staff, T0);
    expect(checkCsrf(key, a, csrfToken(key, a))).toBe(true);
    expect(checkCsrf(key, a, csrfToken(key, b))).toBe(false);
    expect(checkCsrf(key, a, undefined)).toBe(false);
  });
});

describe("return path after sign-in", () => {
  it("keeps console paths and refuses anything else (no open redirect)", () => {
    expect(safeReturn("/console/cases?status=closed")).toBe("/console/cases?status=closed");
    for (const bad of [
      undefined,
      "https://evil.example/",
      "//evil.example/console/",
      "/api/complaints",
      "/console/\\evil",
      "/console/\r\nx",
    ])
      expect(safeReturn(bad)).toBe("/console/");
  });
});

describe("groups of the ID token", () => {
  it("maps cognito:groups or groups to the audience, coordinator first", () => {
    expect(
      staffFromClaims({ email: "A@x.org", "cognito:groups": ["staff", "coordinator"], name: "A" }),
    ).toEqual({
      email: "a@x.org",
      name: "A",
      audience: "coordinator",
    });
    expect(staffFromClaims({ email: "b@x.org", groups: ["staff"] })).toMatchObject({
      audience: "staff",
      name: "b@x.org",
    });
  });

  it("refuses a user in neither group or without an email", () => {
    expect(staffFromClaims({ email: "c@x.org", "cognito:groups": ["other"] })).toEqual({
      refused: "no-group",
    });
    expect(staffFromClaims({ "cognito:groups": ["staff"] })).toEqual({ refused: "no-email" });
  });
});

describe("the console app's session checks", () => {
  const rt = { config, linkSecret: async () => linkSecret, now: () => new Date(T0) } as unknown as Runtime;
  const oidc = {
    issuer: "http://127.0.0.1:1",
    clientId: "cfm-console",
    logoutUrl: "http://127.0.0.1:1/session/end",
  };
  let clock = T0;
  const app = createConsoleApp({ rt, oidc, realNow: () => clock });
  const origin = "https://console.example.org";
  const cookieOf = (session: Session) => `${SESSION_COOKIE}=${seal(key, "session", session)}`;
  const signOut = (headers: Record<string, string>, body: string) =>
    app.request(`${origin}/console/sign-out`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body,
    });

  it("sends a visitor without a session to sign-in, with the page to come back to", async () => {
    clock = T0;
    const response = await app.request(`${origin}/console/cases?status=closed`);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(
      `/console/sign-in?return=${encodeURIComponent("/console/cases?status=closed")}`,
    );
  });

  it("clears a forged cookie and sends to sign-in", async () => {
    const response = await app.request(`${origin}/console/`, {
      headers: { cookie: `${SESSION_COOKIE}=forged.value` },
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("set-cookie")).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
  });

  it("treats an expired session as signed out, and a POST with it changes nothing (401)", async () => {
    const session = newSession(staff, T0);
    clock = T0 + IDLE_MS + 1;
    const get = await app.request(`${origin}/console/cases`, { headers: { cookie: cookieOf(session) } });
    expect(get.status).toBe(302);
    expect(get.headers.get("location")).toMatch(/^\/console\/sign-in\?return=/);
    const post = await signOut({ cookie: cookieOf(session) }, `_csrf=${csrfToken(key, session)}`);
    expect(post.status).toBe(401);
    expect(await post.text()).toContain("Session expirée");
  });

  it("refuses a POST without the CSRF token, with another session's token, or from another origin", async () => {
    clock = T0;
    const session = newSession(staff, T0);
    const other = newSession(staff, T0);
    expect((await signOut({ cookie: cookieOf(session) }, "")).status).toBe(403);
    expect((await signOut({ cookie: cookieOf(session) }, `_csrf=${csrfToken(key, other)}`)).status).toBe(403);
    const crossSite = await signOut(
      { cookie: cookieOf(session), origin: "https://evil.example" },
      `_csrf=${csrfToken(key, session)}`,
    );
    expect(crossSite.status).toBe(403);
  });

  it("signs out with the session's token: the cookie is cleared and the provider's session ended", async () => {
    clock = T0;
    const session = newSession(staff, T0);
    const response = await signOut({ cookie: cookieOf(session), origin }, `_csrf=${csrfToken(key, session)}`);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(oidc.logoutUrl);
    expect(response.headers.get("set-cookie")).toMatch(/^cfm_session=;.*Max-Age=0/);
  });

  it("asks to start again when the callback comes without the sign-in cookie", async () => {
    const response = await app.request(`${origin}/console/callback?code=abc&state=def`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Connexion à recommencer");
  });

  it("refuses a staff API call with the session but without the X-CSRF-Token header", async () => {
    clock = T0;
    const session = newSession(staff, T0);
    const response = await app.request(`${origin}/console/api/complaints`, {
      method: "POST",
      headers: { cookie: cookieOf(session), "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: "forbidden" });
  });

  it("re-issues a used session HttpOnly, SameSite=Lax, Secure (off loopback), scoped to /console", async () => {
    const session = newSession(staff, T0);
    clock = T0 + 2 * 60_000;
    const response = await app.request(`${origin}/console/no-such-page`, {
      headers: { cookie: cookieOf(session) },
    });
    expect(response.status).toBe(404);
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^cfm_session=/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Secure");
    expect(cookie).toContain("Path=/console");
    const local = await app.request("http://127.0.0.1:3000/console/no-such-page", {
      headers: { cookie: cookieOf(session) },
    });
    expect(local.headers.get("set-cookie")).not.toContain("Secure");
  });

  it("sets every console response's security headers", async () => {
    const response = await app.request(`${origin}/console/signed-out`);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
  });
});
