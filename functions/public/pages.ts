// The complainant's pages: the web form, the confirmation with the receipt code, the follow-up page and the
// satisfaction question. Plain HTML on the shared web layer (functions/web/): no script, no image, one
// small inline stylesheet, so a page weighs a few kilobytes and works on a basic phone over 2G. Texts come
// from the catalogs (functions/i18n/locales, key `public`), French first.
import type { OrgConfig } from "../domain/config.ts";
import { LANGUAGES, type Language, type Translator, translate } from "../i18n/i18n.ts";
import { formatDate } from "../mail/templates.ts";
import { escapeHtml } from "../web/escape.ts";
import { FormRenderer } from "../web/form.ts";
import { BASE_CSS, type HtmlResponse, htmlPage, stylesheet } from "../web/layout.ts";
import { type FollowUpView, PROMISED } from "./cases.ts";
import { APPEAL_REASON_MIN, LIMITS, SUBMIT_FIELDS } from "./forms.ts";
import type { HumanCheck } from "./tokens.ts";

const PUBLIC_STYLE = stylesheet(
  BASE_CSS,
  `
.lang{max-width:40rem;margin:0 auto;padding:.5rem 1rem;background:#fff;border-bottom:1px solid #ddd;font-size:.95rem}
.lang a{margin-right:1rem}
.big{font-size:1.35rem;font-weight:700;letter-spacing:.05em;background:#f4f4f4;padding:.5rem;display:inline-block;overflow-wrap:anywhere}
.nowrap{white-space:nowrap;overflow-wrap:normal}
.warn{border-left:6px solid #b00020;padding:.5rem 1rem;margin:1rem 0;background:#fdf2f3}
.answer{white-space:pre-wrap;overflow-wrap:anywhere;border-left:4px solid #505050;padding:.25rem 1rem;margin:.5rem 0 1rem}
footer{margin-top:2rem;border-top:1px solid #ddd;padding-top:1rem}
`,
);

/**
 * A reference never breaks across lines ("CFM-2026-" then "000001" on a 390 px phone reads as two numbers):
 * wrapped in a no-wrap span inside already escaped text (a reference holds only A-Z, 0-9 and hyphens).
 */
function keepReferenceWhole(escapedText: string, reference: string): string {
  const safe = escapeHtml(reference);
  return escapedText.replace(safe, `<span class="nowrap">${safe}</span>`);
}

/** Public pages: indexable only for the form itself; never cached (they may show a case or a code). */
function page(
  status: number,
  language: Language,
  title: string,
  main: string,
  o: { before?: string; indexable?: boolean } = {},
): HtmlResponse {
  return htmlPage({
    statusCode: status,
    language,
    title,
    main,
    style: PUBLIC_STYLE,
    headers: { indexable: o.indexable ?? false },
    ...(o.before ? { before: o.before } : {}),
  });
}

function languageSwitch(current: Language, path: string): string {
  const others = LANGUAGES.filter((l) => l !== current);
  if (others.length === 0) return "";
  const links = others
    .map(
      (l) =>
        `<a href="${escapeHtml(`${path}?lang=${l}`)}" hreflang="${l}" lang="${l}">${escapeHtml(translate(l, "public.lang.switch"))} ${escapeHtml(translate(l, "public.lang.name"))}</a>`,
    )
    .join("");
  return `<nav class="lang" aria-label="${escapeHtml(translate(current, "public.lang.label"))}">${links}</nav>\n`;
}

function formTexts(t: Translator) {
  return {
    errorPrefix: t("public.common.errorPrefix"),
    optional: t("public.common.optional"),
    choose: t("public.common.choose"),
    errorTitle: t("public.common.errorTitle"),
  };
}

const hidden = (name: string, value: string) =>
  `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
const button = (label: string) =>
  `<div class="field"><button type="submit">${escapeHtml(label)}</button></div>`;
const p = (text: string, cls?: string) => `<p${cls ? ` class="${cls}"` : ""}>${escapeHtml(text)}</p>`;

// ------------------------------------------------------------------------------------------ the form

export interface SubmitPageInput {
  t: Translator;
  language: Language;
  config: OrgConfig;
  submissionId: string;
  values?: Readonly<Record<string, unknown>>;
  errors?: Readonly<Record<string, string>>;
  humanCheck?: HumanCheck;
  /** A notice above the form (the throttle message), with its status. */
  notice?: { title: string; text: string[]; status: number };
}

export function renderSubmitPage(input: SubmitPageInput): HtmlResponse {
  const { t, config } = input;
  const asked = new Set(config.web.fields);
  const f = new FormRenderer(formTexts(t), input.values ?? {}, input.errors ?? {});
  const fields = [
    f.radios(
      "kind",
      t("public.submit.kind"),
      (["complaint", "suggestion", "information-request", "positive"] as const).map((k) => ({
        value: k,
        label: t(`public.kind.${k}`),
      })),
      { required: true },
    ),
    f.textarea("description", t("public.submit.description"), {
      max: LIMITS.description,
      required: true,
      hint: t("public.submit.descriptionHint"),
      rows: 8,
    }),
    asked.has("factsDate")
      ? f.input("factsDate", t("public.submit.factsDate"), {
          max: 10,
          hint: t("public.submit.factsDateHint"),
          inputmode: "numeric",
        })
      : "",
    asked.has("place")
      ? f.input("place", t("public.submit.place"), { max: LIMITS.place, hint: t("public.submit.placeHint") })
      : "",
    asked.has("service") ? f.input("service", t("public.submit.service"), { max: LIMITS.service }) : "",
    asked.has("personsConcerned")
      ? f.textarea("personsConcerned", t("public.submit.personsConcerned"), {
          max: LIMITS.personsConcerned,
          hint: t("public.submit.personsConcernedHint"),
          rows: 3,
        })
      : "",
    asked.has("expectations")
      ? f.textarea("expectations", t("public.submit.expectations"), { max: LIMITS.expectations, rows: 3 })
      : "",
    f.input("name", t("public.submit.name"), { max: LIMITS.name, autocomplete: "name" }),
    f.input("contact", t("public.submit.contact"), {
      max: LIMITS.contact,
      hint: t("public.submit.contactHint"),
      autocomplete: "tel",
    }),
    f.checkbox("anonymous", t("public.submit.anonymous"), { hint: t("public.submit.anonymousHint") }),
    asked.has("representative")
      ? f.input("representative", t("public.submit.representative"), {
          max: LIMITS.representative,
          hint: t("public.submit.representativeHint"),
        }) + f.input("relation", t("public.submit.relation"), { max: LIMITS.relation })
      : "",
    f.checkbox("consent", t("public.submit.consent"), { hint: t("public.submit.consentHint") }),
    input.humanCheck
      ? f.input("answer", t("public.submit.humanCheck", { a: input.humanCheck.a, b: input.humanCheck.b }), {
          max: 3,
          required: true,
          hint: t("public.submit.humanCheckHint"),
          inputmode: "numeric",
          autocomplete: "off",
        })
      : "",
  ]
    .filter(Boolean)
    .join("\n");
  const summary = f.errorSummary(SUBMIT_FIELDS);
  const notice = input.notice
    ? `<div class="warn" role="alert"><h2>${escapeHtml(input.notice.title)}</h2>${input.notice.text.map((x) => p(x)).join("")}</div>`
    : "";
  const title = t("public.submit.title");
  const main = [
    `<h1>${escapeHtml(title)}</h1>`,
    notice,
    summary,
    p(t("public.submit.intro")),
    p(t("public.submit.safety"), "hint"),
    `<form method="post" action="/submit" accept-charset="utf-8">`,
    hidden("language", input.language),
    hidden("submission", input.submissionId),
    input.humanCheck ? hidden("check", input.humanCheck.token) : "",
    fields,
    button(t("public.submit.send")),
    `</form>`,
    p(t("public.submit.privacy"), "hint"),
    `<footer><a href="/follow-up?lang=${input.language}">${escapeHtml(t("public.common.followUpLink"))}</a></footer>`,
  ]
    .filter(Boolean)
    .join("\n");
  const status = input.notice?.status ?? (f.hasErrors ? 422 : 200);
  return page(
    status,
    input.language,
    f.hasErrors ? `${t("public.common.errorPrefix")}${title}` : title,
    main,
    {
      before: languageSwitch(input.language, "/submit"),
      indexable: status === 200,
    },
  );
}

// ------------------------------------------------------------------------------------------ the receipt

export function renderReceiptPage(input: {
  t: Translator;
  language: Language;
  reference: string;
  receipt: string;
  anonymous: boolean;
  deadlines: { acknowledge?: string; respond?: string };
  timeZone: string;
}): HtmlResponse {
  const { t, language } = input;
  const date = (iso: string) => formatDate(iso, input.timeZone, language);
  const main = [
    `<h1>${escapeHtml(t("public.receipt.title"))}</h1>`,
    `<p>${escapeHtml(t("public.receipt.reference"))}<br><strong class="big nowrap" id="reference">${escapeHtml(input.reference)}</strong></p>`,
    `<p>${escapeHtml(t("public.receipt.receipt"))}<br><strong class="big code" id="receipt">${escapeHtml(input.receipt)}</strong></p>`,
    `<div class="warn">${p(t("public.receipt.keep"))}${input.anonymous ? p(t("public.receipt.keepAnonymous")) : ""}${p(t("public.receipt.secret"))}</div>`,
    input.deadlines.acknowledge
      ? p(t("public.receipt.ackBy", { date: date(input.deadlines.acknowledge) }))
      : "",
    input.deadlines.respond ? p(t("public.receipt.respondBy", { date: date(input.deadlines.respond) })) : "",
    p(t("public.receipt.next")),
    `<p><a href="/follow-up?lang=${language}">${escapeHtml(t("public.receipt.followUp"))}</a></p>`,
  ]
    .filter(Boolean)
    .join("\n");
  return page(201, language, t("public.receipt.title"), main);
}

// ------------------------------------------------------------------------------------------ follow-up

export function renderFollowUpLogin(input: {
  t: Translator;
  language: Language;
  values?: Readonly<Record<string, unknown>>;
  errors?: Readonly<Record<string, string>>;
  /** The one message for a wrong pair or an expired session, the same whatever the cause. */
  problem?: string;
  notice?: { title: string; text: string[]; status: number };
}): HtmlResponse {
  const { t, language } = input;
  // The receipt code is never written back into the page.
  const { receipt: _receipt, ...values } = (input.values ?? {}) as Record<string, unknown>;
  const f = new FormRenderer(formTexts(t), values, input.errors ?? {});
  const fields = [
    f.input("reference", t("public.followUp.reference"), {
      max: 20,
      required: true,
      hint: t("public.followUp.referenceHint"),
      autocomplete: "off",
    }),
    f.input("receipt", t("public.followUp.receipt"), {
      max: 40,
      required: true,
      hint: t("public.followUp.receiptHint"),
      autocomplete: "off",
    }),
  ].join("\n");
  const problem = input.problem
    ? `<div class="summary" role="alert" tabindex="-1"><p>${escapeHtml(input.problem)}</p></div>`
    : "";
  const notice = input.notice
    ? `<div class="warn" role="alert"><h2>${escapeHtml(input.notice.title)}</h2>${input.notice.text.map((x) => p(x)).join("")}</div>`
    : "";
  const title = t("public.followUp.title");
  const main = [
    `<h1>${escapeHtml(title)}</h1>`,
    notice,
    problem,
    f.errorSummary(["reference", "receipt"]),
    p(t("public.followUp.intro")),
    `<form method="post" action="/follow-up" accept-charset="utf-8" autocomplete="off">`,
    hidden("language", language),
    fields,
    button(t("public.followUp.open")),
    `</form>`,
    p(t("public.followUp.lost"), "hint"),
    `<footer><a href="/submit?lang=${language}">${escapeHtml(t("public.common.submitLink"))}</a></footer>`,
  ]
    .filter(Boolean)
    .join("\n");
  const status = input.notice?.status ?? (input.problem || f.hasErrors ? 422 : 200);
  return page(status, language, title, main, { before: languageSwitch(language, "/follow-up") });
}

export function renderCasePage(input: {
  t: Translator;
  language: Language;
  view: FollowUpView;
  session: string;
  timeZone: string;
  now: string;
  /** A confirmation after an action (message sent, appeal filed, opinion recorded). */
  done?: string;
  values?: Readonly<Record<string, unknown>>;
  errors?: Readonly<Record<string, string>>;
}): HtmlResponse {
  const { t, language, view } = input;
  const { record } = view;
  const date = (iso: string) => formatDate(iso, input.timeZone, language);
  const f = new FormRenderer(formTexts(t), input.values ?? {}, input.errors ?? {});
  const sessionFields = hidden("language", language) + hidden("session", input.session);

  const promised = PROMISED.flatMap((step) => {
    const at = record.deadlines[step];
    if (!at) return [];
    const met = record.met[step];
    const state =
      met === true || (record.completedAt?.[step] && met !== false)
        ? ` (${t("public.followUp.done")})`
        : record.overdue.includes(step) || met === false
          ? ` (${t("public.followUp.late")})`
          : "";
    return [
      `<dt>${escapeHtml(t(`public.followUp.deadline.${step}`))}</dt><dd><time datetime="${escapeHtml(at)}">${escapeHtml(date(at))}</time>${escapeHtml(state)}</dd>`,
    ];
  });

  const answer: string[] = [`<h2>${escapeHtml(t("public.followUp.answer"))}</h2>`];
  if (view.answer) answer.push(`<div class="answer" id="answer">${escapeHtml(view.answer)}</div>`);
  if (view.decisionReason)
    answer.push(
      `<h3>${escapeHtml(t("public.followUp.decisionReason"))}</h3><div class="answer" id="decision">${escapeHtml(view.decisionReason)}</div>`,
    );
  if (!view.answer && !view.decisionReason) answer.push(p(t("public.followUp.noAnswerYet")));
  if (view.appeal)
    answer.push(
      `<h3>${escapeHtml(t("public.followUp.appealDecision"))}</h3>`,
      p(
        t(
          view.appeal.outcome === "upheld" ? "public.followUp.appealUpheld" : "public.followUp.appealRevised",
        ),
      ),
      view.appeal.reasoning ? `<div class="answer">${escapeHtml(view.appeal.reasoning)}</div>` : "",
    );

  // H-D4: explanations first, then the appeal, in that order on the page as in the procedure.
  const explanations = view.explanationsOpen
    ? [
        `<h2 id="explanations">${escapeHtml(t("public.followUp.explanationsTitle"))}</h2>`,
        p(t("public.followUp.explanationsIntro")),
        `<form method="post" action="/follow-up/explanations" accept-charset="utf-8" autocomplete="off">`,
        sessionFields,
        f.textarea("question", t("public.followUp.question"), {
          max: LIMITS.message,
          required: true,
          hint: t("public.followUp.questionHint"),
          rows: 4,
        }),
        button(t("public.followUp.explanationsSend")),
        `</form>`,
      ].join("\n")
    : "";

  const appeal = view.appealOpenUntil
    ? [
        `<h2 id="appeal">${escapeHtml(t("public.followUp.appealTitle"))}</h2>`,
        p(t("public.followUp.appealIntro", { date: date(view.appealOpenUntil) })),
        `<form method="post" action="/follow-up/appeal" accept-charset="utf-8" autocomplete="off">`,
        sessionFields,
        f.textarea("reason", t("public.followUp.appealReason"), {
          max: LIMITS.reason,
          required: true,
          hint: t("public.followUp.appealHint", { min: APPEAL_REASON_MIN }),
          rows: 6,
        }),
        button(t("public.followUp.appealSend")),
        `</form>`,
      ].join("\n")
    : "";

  const satisfaction = view.satisfactionOpen
    ? [
        `<h2 id="satisfaction">${escapeHtml(t("public.followUp.satisfactionTitle"))}</h2>`,
        `<form method="post" action="/follow-up/satisfaction" accept-charset="utf-8" autocomplete="off">`,
        sessionFields,
        satisfactionFields(f, t),
        button(t("public.satisfaction.send")),
        `</form>`,
      ].join("\n")
    : "";

  const message = [
    `<h2 id="message">${escapeHtml(t("public.followUp.messageTitle"))}</h2>`,
    `<form method="post" action="/follow-up/message" accept-charset="utf-8" autocomplete="off">`,
    sessionFields,
    f.textarea("message", t("public.followUp.message"), {
      max: LIMITS.message,
      required: true,
      hint: t("public.followUp.messageHint"),
      rows: 4,
    }),
    button(t("public.followUp.messageSend")),
    `</form>`,
  ].join("\n");

  const title = t("public.followUp.caseTitle", { reference: record.reference });
  const main = [
    `<h1>${keepReferenceWhole(escapeHtml(title), record.reference)}</h1>`,
    input.done ? `<div class="notice" role="status">${p(input.done)}</div>` : "",
    f.errorSummary(["question", "reason", "score", "comment", "message"]),
    `<h2>${escapeHtml(t("public.followUp.status"))}</h2>`,
    `<p id="status" data-status="${escapeHtml(record.status)}"><strong>${escapeHtml(t(`public.status.${record.status}`))}</strong></p>`,
    `<dl><dt>${escapeHtml(t("public.followUp.received"))}</dt><dd>${escapeHtml(date(record.receivedAt))}</dd></dl>`,
    promised.length
      ? `<h2>${escapeHtml(t("public.followUp.promised"))}</h2><dl>${promised.join("")}</dl>`
      : "",
    answer.filter(Boolean).join("\n"),
    explanations,
    appeal,
    satisfaction,
    message,
    `<footer><a href="/follow-up?lang=${language}">${escapeHtml(t("public.followUp.leave"))}</a><p class="hint">${escapeHtml(t("public.followUp.leaveHint"))}</p></footer>`,
  ]
    .filter(Boolean)
    .join("\n");
  return page(f.hasErrors ? 422 : 200, language, title, main);
}

function satisfactionFields(f: FormRenderer, t: Translator): string {
  return (
    f.radios(
      "score",
      t("public.satisfaction.title"),
      ["5", "4", "3", "2", "1"].map((s) => ({ value: s, label: t(`public.satisfaction.scores.${s}`) })),
      { required: true },
    ) +
    f.textarea("comment", t("public.satisfaction.comment"), {
      max: LIMITS.comment,
      hint: t("public.satisfaction.commentHint"),
      rows: 3,
    })
  );
}

// ------------------------------------------------------------------------------------------ satisfaction

/** The page the closing email links to: the one question, for that case only. */
export function renderSatisfactionPage(input: {
  t: Translator;
  language: Language;
  action: string;
  reference: string;
  values?: Readonly<Record<string, unknown>>;
  errors?: Readonly<Record<string, string>>;
}): HtmlResponse {
  const { t, language } = input;
  const f = new FormRenderer(formTexts(t), input.values ?? {}, input.errors ?? {});
  const fields = satisfactionFields(f, t);
  const title = t("public.satisfaction.title");
  const main = [
    `<p class="ref">${escapeHtml(t("public.common.reference"))} ${keepReferenceWhole(escapeHtml(input.reference), input.reference)}</p>`,
    `<h1>${escapeHtml(t("public.followUp.satisfactionTitle"))}</h1>`,
    f.errorSummary(["score", "comment"]),
    `<form method="post" action="${escapeHtml(input.action)}" accept-charset="utf-8" autocomplete="off">`,
    hidden("language", language),
    fields,
    button(t("public.satisfaction.send")),
    `</form>`,
  ].join("\n");
  return page(f.hasErrors ? 422 : 200, language, title, main);
}

// ------------------------------------------------------------------------------------------ messages

export function renderMessagePage(
  status: number,
  language: Language,
  title: string,
  paragraphs: string[],
  extraHtml = "",
): HtmlResponse {
  const main = [`<h1>${escapeHtml(title)}</h1>`, ...paragraphs.map((x) => p(x)), extraHtml].join("\n");
  return page(status, language, title, main);
}
