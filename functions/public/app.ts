// The complainant's side on Hono: the same app runs on Lambda behind the HTTP API (handlers/public-pages.ts)
// and in the local stack. Routes (CONTRACT.md "The complainant's web form and follow-up"):
//   GET  /submit                  the form          POST /submit                 opens a case (channel web)
//   GET  /follow-up               reference + code  POST /follow-up              the case, if the pair matches
//   POST /follow-up/message       a message          POST /follow-up/appeal       an appeal (H-E1, T-11)
//   POST /follow-up/explanations  H-D4: explanations asked for before an appeal
//   POST /follow-up/satisfaction  closing the loop   GET|POST /satisfaction/:token  the closing email's link
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { type Context, Hono } from "hono";
import type { CaseRecord } from "../domain/complaint.ts";
import { approxSeconds, parseDuration } from "../domain/duration.ts";
import { FormBodyTooLargeError, isTransient } from "../errors.ts";
import { isLanguage, type Language, type Translator, translator } from "../i18n/i18n.ts";
import { log } from "../lib/logger.ts";
import type { Runtime } from "../lib/runtime.ts";
import type { HtmlResponse } from "../web/layout.ts";
import { requestExplanations } from "../workflow/explanations.ts";
import {
  addMessage,
  fileAppeal,
  followUpView,
  markOutcomeSeen,
  openWebCase,
  recordSatisfaction,
} from "./cases.ts";
import {
  type FormBody,
  PUBLIC_BODY_MAX_BYTES,
  parseAppeal,
  parseFollowUpLogin,
  parseMessage,
  parseQuestion,
  parseSatisfaction,
  parseSubmission,
} from "./forms.ts";
import { spendHumanCheck } from "./human-check.ts";
import {
  renderCasePage,
  renderFollowUpLogin,
  renderMessagePage,
  renderReceiptPage,
  renderSatisfactionPage,
  renderSubmitPage,
} from "./pages.ts";
import { verifyReceipt } from "./receipt.ts";
import { countAttempt, isThrottled } from "./throttle.ts";
import {
  humanCheckPassed,
  newHumanCheck,
  readHumanCheck,
  signSession,
  verifySatisfaction,
  verifySession,
} from "./tokens.ts";

/** What Lambda (hono/aws-lambda) passes as the app's environment; the local stack passes the same event. */
type Env = { Bindings: { requestContext?: { http?: { sourceIp?: string } } } };

/** Sessions and rate limits run on the real clock (the local stack's virtual clock jumps by days). */
const realNow = () => Math.round(performance.timeOrigin + performance.now());

function send(c: Context, page: HtmlResponse, extra: Record<string, string> = {}): Response {
  return c.body(page.body, page.statusCode as 200, { ...page.headers, ...extra });
}

async function readForm(c: Context): Promise<FormBody> {
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > PUBLIC_BODY_MAX_BYTES) throw new FormBodyTooLargeError();
  const raw = await c.req.text();
  if (Buffer.byteLength(raw) > PUBLIC_BODY_MAX_BYTES) throw new FormBodyTooLargeError();
  const body: FormBody = Object.create(null);
  // One value per name: the first (a tampered form repeating a field gets no say with the second).
  for (const [name, value] of new URLSearchParams(raw)) if (!(name in body)) body[name] = value;
  return body;
}

export function createPublicApp(rt: Runtime): Hono<Env> {
  const app = new Hono<Env>();
  const config = rt.config;
  const fallback = (config.organisation.languages[0] ?? "fr") as Language;
  const windowMs = approxSeconds(parseDuration(config.web.rateLimit.window)) * 1000;
  const timeZone = config.organisation.timeZone;

  const languageOf = (value: string | undefined): Language => (isLanguage(value) ? value : fallback);
  const address = (c: Context<Env>) => c.env?.requestContext?.http?.sourceIp ?? "unknown";
  const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

  const submitForm = async (
    c: Context<Env>,
    language: Language,
    extra: Partial<Parameters<typeof renderSubmitPage>[0]> = {},
  ) => {
    const secret = await rt.linkSecret();
    const check = config.web.humanCheck ? newHumanCheck(secret, realNow()) : undefined;
    return send(
      c,
      renderSubmitPage({
        t: translator(language, fallback),
        language,
        config,
        submissionId: randomBytes(16).toString("base64url"),
        ...(check ? { humanCheck: check } : {}),
        ...extra,
      }),
    );
  };

  app.get("/submit", (c) => submitForm(c, languageOf(c.req.query("lang"))));

  app.post("/submit", async (c) => {
    const body = await readForm(c);
    const language = languageOf(body.language);
    const t = translator(language, fallback);
    const secret = await rt.linkSecret();
    const submissionId = /^[A-Za-z0-9_-]{16,64}$/.test(body.submission ?? "")
      ? (body.submission as string)
      : randomBytes(16).toString("base64url");
    // Keep the question the person saw if it is still good; otherwise ask a new one.
    const check = config.web.humanCheck
      ? (readHumanCheck(secret, body.check, realNow()) ?? newHumanCheck(secret, realNow()))
      : undefined;
    const again = (extra: Partial<Parameters<typeof renderSubmitPage>[0]>) =>
      renderSubmitPage({
        t,
        language,
        config,
        submissionId,
        values: body,
        ...(check ? { humanCheck: check } : {}),
        ...extra,
      });

    const limit = await countAttempt(rt, "submit", address(c), config.web.rateLimit.submissions, windowMs);
    if (!limit.allowed)
      return send(
        c,
        again({
          notice: {
            status: 429,
            title: t("public.throttled.title"),
            text: [
              t("public.throttled.submit", { minutes: minutes(limit.retryAfter) }),
              t("public.throttled.kept"),
            ],
          },
        }),
        { "Retry-After": String(limit.retryAfter) },
      );

    const parsed = parseSubmission(body, { config, t, today: rt.now().toISOString().slice(0, 10) });
    const errors = parsed.ok ? {} : { ...parsed.errors };
    const passed = config.web.humanCheck
      ? humanCheckPassed(secret, body.check, body.answer, realNow())
      : null;
    if (config.web.humanCheck && !passed) {
      errors.answer = t("public.errors.humanCheck");
      const fresh = newHumanCheck(secret, realNow());
      return send(c, again({ errors, humanCheck: fresh, values: { ...body, answer: "" } }));
    }
    if (!parsed.ok) return send(c, again({ errors }));
    // Spent only once the form is good (a form sent back for a fix keeps its question); a check already
    // spent by another form is asked again, the text kept.
    if (passed && !(await spendHumanCheck(rt, passed, submissionId))) {
      const fresh = newHumanCheck(secret, realNow());
      return send(
        c,
        again({
          errors: { answer: t("public.errors.humanCheck") },
          humanCheck: fresh,
          values: { ...body, answer: "" },
        }),
      );
    }

    const opened = await openWebCase(rt, submissionId, parsed.value);
    if (opened.kind === "replayed")
      return send(c, renderMessagePage(200, language, t("public.receipt.title"), [t("public.receipt.next")]));
    log("INFO", "web: case opened", { reference: opened.reference });
    return send(
      c,
      renderReceiptPage({
        t,
        language,
        reference: opened.reference,
        receipt: opened.receipt,
        anonymous: opened.record.anonymous,
        deadlines: opened.record.deadlines,
        timeZone,
      }),
    );
  });

  // ---------------------------------------------------------------------------------- follow-up

  app.get("/follow-up", (c) => {
    const language = languageOf(c.req.query("lang"));
    return send(c, renderFollowUpLogin({ t: translator(language, fallback), language }));
  });

  const showCase = async (
    c: Context<Env>,
    t: Translator,
    language: Language,
    record: CaseRecord,
    extra: { done?: string; values?: FormBody; errors?: Record<string, string> } = {},
  ) => {
    const secret = await rt.linkSecret();
    await markOutcomeSeen(rt, record);
    const view = await followUpView(rt, record);
    return send(
      c,
      renderCasePage({
        t,
        language,
        view,
        session: signSession(secret, record.reference, realNow()),
        timeZone,
        now: rt.now().toISOString(),
        ...extra,
      }),
    );
  };

  app.post("/follow-up", async (c) => {
    const body = await readForm(c);
    const language = languageOf(body.language);
    const t = translator(language, fallback);
    const limit = config.web.rateLimit.followUpAttempts;
    const throttled = await isThrottled(rt, "follow-up", address(c), limit, windowMs);
    if (!throttled.allowed)
      return send(
        c,
        renderFollowUpLogin({
          t,
          language,
          values: body,
          notice: {
            status: 429,
            title: t("public.throttled.title"),
            text: [t("public.throttled.followUp", { minutes: minutes(throttled.retryAfter) })],
          },
        }),
        { "Retry-After": String(throttled.retryAfter) },
      );
    const parsed = parseFollowUpLogin(body, t);
    if (!parsed.ok) return send(c, renderFollowUpLogin({ t, language, values: body, errors: parsed.errors }));
    const { reference, receipt } = parsed.value;
    const matches = await verifyReceipt(rt, reference, receipt);
    const record = matches ? await rt.store.get(reference) : null;
    if (!record) {
      // Same page, same status, whether the reference exists or not; the wrong try counts.
      await countAttempt(rt, "follow-up", address(c), limit, windowMs);
      return send(c, renderFollowUpLogin({ t, language, values: body, problem: t("public.followUp.wrong") }));
    }
    return showCase(c, t, language, record);
  });

  /** The case a follow-up action is for, from its signed session; null sends the person back to sign in. */
  const sessionCase = async (body: FormBody) => {
    const reference = verifySession(await rt.linkSecret(), body.session, realNow());
    return reference ? rt.store.get(reference) : null;
  };

  const expired = (c: Context<Env>, t: Translator, language: Language) =>
    send(c, renderFollowUpLogin({ t, language, problem: t("public.errors.expired") }));

  app.post("/follow-up/message", async (c) => {
    const body = await readForm(c);
    const language = languageOf(body.language);
    const t = translator(language, fallback);
    const record = await sessionCase(body);
    if (!record) return expired(c, t, language);
    const parsed = parseMessage(body, t);
    if (!parsed.ok) return showCase(c, t, language, record, { values: body, errors: parsed.errors });
    await addMessage(rt, record.reference, parsed.value.message, String(body.session));
    return showCase(c, t, language, record, { done: t("public.followUp.messageSent") });
  });

  // H-D4: explanations asked for from the follow-up page, as by the appeal link, SMS or WhatsApp; the appeal
  // stays open. One request per question and day: a second click of the same form is the same request, the
  // same question asked again another day a new one.
  app.post("/follow-up/explanations", async (c) => {
    const body = await readForm(c);
    const language = languageOf(body.language);
    const t = translator(language, fallback);
    const record = await sessionCase(body);
    if (!record) return expired(c, t, language);
    const parsed = parseQuestion(body, t);
    if (!parsed.ok) return showCase(c, t, language, record, { values: body, errors: parsed.errors });
    if (!(await followUpView(rt, record)).explanationsOpen)
      return showCase(c, t, language, record, { done: t("public.followUp.appealClosed") });
    const id = `explanations:web:${createHash("sha256")
      .update(`${record.reference}\n${rt.now().toISOString().slice(0, 10)}\n${parsed.value.question}`)
      .digest("base64url")
      .slice(0, 22)}`;
    await requestExplanations(rt, record.reference, parsed.value.question, id);
    return showCase(c, t, language, record, { done: t("public.followUp.explanationsSent") });
  });

  app.post("/follow-up/appeal", async (c) => {
    const body = await readForm(c);
    const language = languageOf(body.language);
    const t = translator(language, fallback);
    const record = await sessionCase(body);
    if (!record) return expired(c, t, language);
    const parsed = parseAppeal(body, t);
    if (!parsed.ok) return showCase(c, t, language, record, { values: body, errors: parsed.errors });
    const result = await fileAppeal(rt, record, parsed.value.reason);
    const after = (await rt.store.get(record.reference)) ?? record;
    if (result === "closed")
      return showCase(c, t, language, after, { done: t("public.followUp.appealClosed") });
    const by = after.deadlines.appealDecision;
    return showCase(c, t, language, after, {
      done: by
        ? t("public.followUp.appealSent", { date: formatLocal(by, timeZone, language) })
        : t("public.followUp.appealSentNoDate"),
    });
  });

  app.post("/follow-up/satisfaction", async (c) => {
    const body = await readForm(c);
    const language = languageOf(body.language);
    const t = translator(language, fallback);
    const record = await sessionCase(body);
    if (!record) return expired(c, t, language);
    const parsed = parseSatisfaction(body, t);
    if (!parsed.ok) return showCase(c, t, language, record, { values: body, errors: parsed.errors });
    const result = await recordSatisfaction(rt, record.reference, parsed.value);
    const after = (await rt.store.get(record.reference)) ?? record;
    return showCase(c, t, language, after, {
      done:
        result === "not-closed" ? t("public.satisfaction.notYet") : t("public.followUp.satisfactionThanks"),
    });
  });

  // ---------------------------------------------------------------------------------- the email's link

  const satisfactionCase = async (token: string) => {
    const reference = verifySatisfaction(await rt.linkSecret(), token);
    return reference ? rt.store.get(reference) : null;
  };

  app.get("/satisfaction/:token", async (c) => {
    const record = await satisfactionCase(c.req.param("token"));
    const language = languageOf(c.req.query("lang") ?? record?.language);
    const t = translator(language, fallback);
    if (!record)
      return send(
        c,
        renderMessagePage(403, language, t("public.pages.linkInvalidTitle"), [t("public.pages.linkInvalid")]),
      );
    if (record.satisfaction)
      return send(
        c,
        renderMessagePage(200, language, t("public.satisfaction.thanksTitle"), [
          t("public.satisfaction.already"),
        ]),
      );
    return send(
      c,
      renderSatisfactionPage({
        t,
        language,
        reference: record.reference,
        action: `/satisfaction/${c.req.param("token")}`,
      }),
    );
  });

  app.post("/satisfaction/:token", async (c) => {
    const body = await readForm(c);
    const record = await satisfactionCase(c.req.param("token"));
    const language = languageOf(body.language ?? record?.language);
    const t = translator(language, fallback);
    if (!record)
      return send(
        c,
        renderMessagePage(403, language, t("public.pages.linkInvalidTitle"), [t("public.pages.linkInvalid")]),
      );
    const parsed = parseSatisfaction(body, t);
    if (!parsed.ok)
      return send(
        c,
        renderSatisfactionPage({
          t,
          language,
          reference: record.reference,
          action: `/satisfaction/${c.req.param("token")}`,
          values: body,
          errors: parsed.errors,
        }),
      );
    const result = await recordSatisfaction(rt, record.reference, parsed.value);
    const text =
      result === "done"
        ? t("public.satisfaction.thanks")
        : result === "already"
          ? t("public.satisfaction.already")
          : t("public.satisfaction.notYet");
    return send(c, renderMessagePage(200, language, t("public.satisfaction.thanksTitle"), [text]));
  });

  app.notFound((c) => {
    const t = translator(fallback);
    return send(
      c,
      renderMessagePage(404, fallback, t("public.pages.notFoundTitle"), [t("public.pages.notFound")]),
    );
  });

  app.onError((error, c) => {
    const t = translator(fallback);
    if (error instanceof FormBodyTooLargeError)
      return send(
        c,
        renderMessagePage(413, fallback, t("public.pages.tooLargeTitle"), [t("public.pages.tooLarge")]),
      );
    // No detail on the page: an id to quote, the error's name in the log (no personal data).
    const correlationId = randomUUID();
    // A dependency briefly unavailable (throttled, a message being sent) is a 503: the page says to try again.
    const transient = isTransient(error);
    log(transient ? "WARN" : "ERROR", "public page failed", { correlationId, error: error.name });
    return send(
      c,
      renderMessagePage(
        transient ? 503 : 500,
        fallback,
        t("public.pages.errorTitle"),
        [t("public.pages.error")],
        `<p class="code">${correlationId}</p>`,
      ),
    );
  });

  return app;
}

function formatLocal(iso: string, timeZone: string, language: Language): string {
  return new Intl.DateTimeFormat(language === "fr" ? "fr-FR" : "en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone,
  }).format(new Date(iso));
}
