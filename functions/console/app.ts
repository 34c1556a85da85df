// The staff console (CONTRACT.md "Staff console (web)"): one Hono app, served by the console Lambda behind the
// HTTP API (functions/handlers/console.ts, hono/aws-lambda) and by the local stack (@hono/node-server).
// Sign-in: OpenID Connect, authorization code + PKCE (oidc.ts). Session: a signed cookie (session.ts),
// HttpOnly, SameSite=Lax, Secure except on loopback, ended by inactivity or POST /console/sign-out.
// Every POST carries the session's CSRF token; a cross-origin POST is refused before that.
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { html } from "hono/html";
import { routeStaffApi } from "../api/staff-api.ts";
import { DEFAULT_LANGUAGE, LANGUAGES, type Language, type Translator, translator } from "../i18n/i18n.ts";
import { log } from "../lib/logger.ts";
import type { Runtime } from "../lib/runtime.ts";
import { consoleHeaders, type Html, layout, type Section } from "./layout.ts";
import { finishSignIn, type OidcSettings, startSignIn } from "./oidc.ts";
import { registerPages } from "./pages.ts";
import {
  COOKIE_PATH,
  checkCsrf,
  checkSession,
  consoleKey,
  csrfToken,
  isLoopback,
  MAX_AGE_MS,
  newSession,
  SESSION_COOKIE,
  type Session,
  SIGN_IN_COOKIE,
  SIGN_IN_MS,
  seal,
  signInSchema,
  unseal,
} from "./session.ts";

export interface ConsoleDeps {
  rt: Runtime;
  oidc: OidcSettings;
  /** Real time for sessions (the local stack's virtual clock must not sign staff out). */
  realNow?: () => number;
  /** Local stack: wait for the workflow work a request started (a recorded complaint) before answering. */
  settle?: () => Promise<void>;
}

export type ConsoleEnv = {
  Variables: {
    session: Session;
    csrf: string;
    key: Buffer;
    form: Record<string, string>;
    /** The console's language: the staff member's choice (session), French by default. */
    lang: Language;
    /** The catalog messages in that language (`console.…`). */
    t: Translator;
    /** Origins a console form may redirect to (the identity provider's sign-out). */
    formTargets: string[];
  };
};

export type ConsoleContext = Context<ConsoleEnv>;

const realClock = () => Math.round(performance.timeOrigin + performance.now());
const FORM_LIMIT = 256 * 1024;

/** Only a console path is a place to return to after sign-in (no open redirect). */
export function safeReturn(value: string | undefined): string {
  if (!value?.startsWith("/console/") || value.startsWith("//") || /[\\\r\n]/.test(value)) return "/console/";
  return value.slice(0, 500);
}

function cookieOptions(c: Context, maxAgeSeconds: number) {
  return {
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: "Lax" as const,
    secure: !isLoopback(new URL(c.req.url).hostname),
    maxAge: maxAgeSeconds,
  };
}

export async function page(
  c: Context<ConsoleEnv>,
  status: number,
  title: string,
  section: Section,
  body: Html,
): Promise<Response> {
  const session = c.get("session") as Session | undefined;
  const who = session
    ? { name: session.name, coordinator: session.audience === "coordinator", csrf: c.get("csrf") }
    : undefined;
  const url = new URL(c.req.url);
  const lang = c.get("lang") ?? DEFAULT_LANGUAGE;
  const result = await layout(
    {
      title,
      section,
      who,
      language: lang,
      t: c.get("t") ?? translator(lang),
      path: safeReturn(url.pathname + url.search),
    },
    body,
    status,
    { formTargets: c.get("formTargets") ?? [] },
  );
  return c.body(result.body, result.statusCode as 200, result.headers);
}

/** The notices that end with a link (its `href` and `link` words are in the catalog). */
const LINKED = new Set([
  "notFound",
  "signInAgain",
  "signInRefused",
  "signInUnverified",
  "signedOut",
  "expired",
  "staleForm",
]);

/**
 * A page that only says something (errors, sign-in outcomes): `console.notice.<key>` title, text and, where
 * the catalog has one, a link (`href` and `link`). `extra` follows the text (e.g. a correlation id).
 */
function notice(c: Context<ConsoleEnv>, status: number, key: string, extra?: Html) {
  const t = c.get("t");
  const base = `console.notice.${key}`;
  return page(
    c,
    status,
    t(`${base}.title`),
    null,
    html`<h1>${t(`${base}.title`)}</h1><p>${t(`${base}.text`)}${extra ? html` ${extra}` : ""}</p>${LINKED.has(key) ? html`<p><a class="button" href="${t(`${base}.href`)}">${t(`${base}.link`)}</a></p>` : ""}`,
  );
}

export function createConsoleApp(deps: ConsoleDeps): Hono<ConsoleEnv> {
  const { rt, oidc } = deps;
  const now = deps.realNow ?? realClock;
  let key: Promise<Buffer> | undefined;
  const getKey = () => {
    key ??= rt.linkSecret().then(consoleKey);
    key.catch(() => {
      key = undefined;
    });
    return key;
  };
  const app = new Hono<ConsoleEnv>();
  const formTargets = oidc.logoutUrl ? [new URL(oidc.logoutUrl).origin] : [];
  const headers = consoleHeaders({ formTargets });

  app.use("*", async (c, next) => {
    c.set("key", await getKey());
    c.set("formTargets", formTargets);
    c.set("lang", DEFAULT_LANGUAGE);
    c.set("t", translator(DEFAULT_LANGUAGE));
    await next();
    await deps.settle?.();
    for (const [name, value] of Object.entries(headers)) if (!c.res.headers.has(name)) c.header(name, value);
  });

  app.onError((error, c) => {
    const correlationId = crypto.randomUUID();
    log("ERROR", "console: request failed", {
      correlationId,
      error: error.name,
      message: error.message.slice(0, 200),
    });
    return notice(c, 500, "error", html`<code>${correlationId}</code>`);
  });
  app.notFound((c) => notice(c, 404, "notFound"));

  app.get("/console", (c) => c.redirect("/console/", 302));

  // Sign-in: a short-lived sealed cookie holds state, nonce and the PKCE verifier until the callback.
  app.get("/console/sign-in", async (c) => {
    const origin = new URL(c.req.url).origin;
    const started = await startSignIn(oidc, `${origin}/console/callback`);
    const sealed = seal(c.get("key"), "sign-in", {
      v: 1,
      state: started.state,
      nonce: started.nonce,
      verifier: started.verifier,
      returnTo: safeReturn(c.req.query("return")),
      exp: now() + SIGN_IN_MS,
    });
    setCookie(c, SIGN_IN_COOKIE, sealed, cookieOptions(c, SIGN_IN_MS / 1000));
    return c.redirect(started.url.href, 302);
  });

  app.get("/console/callback", async (c) => {
    const parsed = signInSchema.safeParse(
      unseal(c.get("key"), "sign-in", getCookie(c, SIGN_IN_COOKIE) ?? ""),
    );
    deleteCookie(c, SIGN_IN_COOKIE, { path: COOKIE_PATH });
    if (!parsed.success || parsed.data.exp < now()) return notice(c, 400, "signInAgain");
    if (c.req.query("error")) return notice(c, 403, "signInRefused");
    const origin = new URL(c.req.url).origin;
    const callbackUrl = new URL(`${origin}/console/callback${new URL(c.req.url).search}`);
    let staff: Awaited<ReturnType<typeof finishSignIn>>;
    try {
      staff = await finishSignIn(oidc, callbackUrl, parsed.data);
    } catch (error) {
      log("WARN", "console: sign-in refused", { error: (error as Error).name });
      return notice(c, 400, "signInUnverified");
    }
    if ("refused" in staff) return notice(c, 403, "noGroup");
    const session = newSession(staff, now());
    setCookie(c, SESSION_COOKIE, seal(c.get("key"), "session", session), cookieOptions(c, MAX_AGE_MS / 1000));
    log("INFO", "console: signed in", { audience: staff.audience });
    return c.redirect(parsed.data.returnTo, 303);
  });

  app.get("/console/signed-out", (c) => notice(c, 200, "signedOut"));

  // Everything else needs a session; a POST also needs the same origin and the session's CSRF token.
  app.use("/console/*", async (c, next) => {
    const check = checkSession(c.get("key"), getCookie(c, SESSION_COOKIE), now());
    const method = c.req.method.toUpperCase();
    if (!check.ok) {
      if (check.reason !== "missing") deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH });
      if (method === "GET" || method === "HEAD") {
        const target = new URL(c.req.url);
        return c.redirect(
          `/console/sign-in?return=${encodeURIComponent(safeReturn(target.pathname + target.search))}`,
          302,
        );
      }
      return notice(c, 401, "expired");
    }
    c.set("session", check.session);
    c.set("csrf", csrfToken(c.get("key"), check.session));
    const lang = check.session.lang ?? DEFAULT_LANGUAGE;
    c.set("lang", lang);
    c.set("t", translator(lang));
    if (check.refreshed)
      setCookie(
        c,
        SESSION_COOKIE,
        seal(c.get("key"), "session", check.refreshed),
        cookieOptions(c, MAX_AGE_MS / 1000),
      );
    const api = c.req.path.startsWith("/console/api/");
    if (api && method !== "GET" && method !== "HEAD") {
      // The staff API with the session: JSON bodies, so the CSRF token comes as a header.
      if (!checkCsrf(c.get("key"), check.session, c.req.header("x-csrf-token")))
        return c.json(
          { error: "forbidden", message: "X-CSRF-Token header required (the console's token)" },
          403,
        );
    } else if (method === "POST") {
      const origin = c.req.header("origin");
      if (origin && origin !== new URL(c.req.url).origin) return notice(c, 403, "foreignForm");
      const length = Number(c.req.header("content-length") ?? 0);
      if (length > FORM_LIMIT) return c.text(c.get("t")("console.notice.tooLarge"), 413);
      const text = await c.req.text();
      if (text.length > FORM_LIMIT) return c.text(c.get("t")("console.notice.tooLarge"), 413);
      const form = Object.fromEntries(new URLSearchParams(text));
      if (!checkCsrf(c.get("key"), check.session, form._csrf)) return notice(c, 403, "staleForm");
      c.set("form", form);
    }
    await next();
  });

  // The language switch: the staff member's choice, kept in the session (French by default).
  app.post("/console/language", (c) => {
    const form = c.get("form");
    const session = c.get("session");
    const lang = LANGUAGES.find((l) => l === form.language);
    if (lang)
      setCookie(
        c,
        SESSION_COOKIE,
        seal(c.get("key"), "session", { ...session, lang }),
        cookieOptions(c, MAX_AGE_MS / 1000),
      );
    return c.redirect(safeReturn(form.return), 303);
  });

  app.post("/console/sign-out", (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH, secure: !isLoopback(new URL(c.req.url).hostname) });
    return c.redirect(oidc.logoutUrl ?? "/console/signed-out", 303);
  });

  // The staff API with the console session (CONTRACT.md "Staff API": same routes under /console/api/).
  app.all("/console/api/*", async (c) => {
    const session = c.get("session");
    const url = new URL(c.req.url);
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = c.req.method === "GET" || c.req.method === "HEAD" ? undefined : await c.req.text();
    const result = await routeStaffApi(
      {
        rawPath: url.pathname.slice("/console".length),
        rawQueryString: url.search.slice(1),
        headers,
        body,
        requestContext: { http: { method: c.req.method } },
      },
      rt,
      { audience: session.audience, actor: session.email },
    );
    const payload = result.isBase64Encoded ? new Uint8Array(Buffer.from(result.body, "base64")) : result.body;
    return c.body(payload, result.statusCode as 200, result.headers);
  });

  registerPages(app, rt);
  return app;
}
