// Server-rendered task pages (CONTRACT.md "Task pages"), in every language with a catalog (words under
// `pages` in functions/i18n/locales/<language>.json). No JavaScript and no third-party asset: a plain form
// works on a low-end phone. Layout, CSP and escaping are the shared web layer's (functions/web/).

import { KINDS, SEVERITIES } from "../domain/complaint.ts";
import type { Language, OrgConfig } from "../domain/config.ts";
import { labelIn } from "../domain/config-schema.ts";
import { translate, type Values } from "../i18n/i18n.ts";
import { label } from "../i18n/labels.ts";
import { formatDateTime } from "../mail/templates.ts";
import { escapeHtml, isSameOriginPath } from "../web/escape.ts";
import { type Choice, FormRenderer } from "../web/form.ts";
import { type HtmlResponse, htmlPage } from "../web/layout.ts";
import {
  APPEAL_REASON_MIN,
  FORM_FIELDS,
  OUTCOMES,
  TASK_ACTIONS,
  type TaskAction,
  TEXT_LIMITS,
} from "./forms.ts";

function respond(statusCode: number, language: Language, title: string, main: string): HtmlResponse {
  return htmlPage({ statusCode, language, title, main });
}

// ---------------------------------------------------------------------------------------------------
// Texts

interface Texts {
  case: string;
  dueBy: string;
  errorTitle: string;
  errorPrefix: string;
  choose: string;
  optional: string;
  yes: string;
  no: string;
  submit: Record<TaskAction, string>;
  severity: Record<(typeof SEVERITIES)[number], string>;
  outcome: Record<(typeof OUTCOMES)[number], string>;
  kind: Record<(typeof KINDS)[number], string>;
  fields: {
    triage: {
      kind: string;
      kindHint: string;
      category: string;
      severity: string;
      admissible: string;
      reason: string;
      reasonHint: string;
      factsDate: string;
      factsDateHint: string;
      factsTooOld: string;
    };
    conflict: string;
    concerned: string;
    concernedHint: string;
    assignment: {
      decision: string;
      accept: string;
      delegate: string;
      delegateTo: string;
      delegateHint: string;
      courseOfAction: string;
      courseOfActionHint: string;
      risks: string;
      risksHint: string;
    };
    contacted: string;
    nextUpdateBy: string;
    nextUpdateByHint: string;
    contactNote: string;
    contactNoteHint: string;
    progressNote: string;
    progressHint: string;
    outcome: string;
    measures: string;
    measuresHint: string;
    response: string;
    responseHint: string;
    justification: string;
    justificationHint: string;
    appealDecision: {
      decision: string;
      upheld: string;
      revised: string;
      extend: string;
      assign: string;
      member: string;
      memberHint: string;
      reasoning: string;
      reasoningHint: string;
    };
    confirm: string;
    closureQuestion: string;
    closureNotYet: string;
    closureNote: string;
    closureNoteHint: string;
    appealReason: string;
    appealReasonHint: string;
    appealRequest: {
      request: string;
      hint: string;
      explanations: string;
      appeal: string;
      reason: string;
      submit: string;
    };
    answer: { decision: string; answer: string; complaint: string; text: string; textHint: string };
  };
  pages: {
    doneTitle: string;
    done: string;
    closurePendingTitle: string;
    closurePending: string;
    appealMemberTitle: string;
    appealMember: string;
    explanationsTitle: string;
    explanations: string;
    alreadyDoneTitle: string;
    alreadyDone: string;
    alreadyDoneNext: string;
    expiredTitle: string;
    expired: string;
    expiredNext: string;
    expiredContact: (contact: string) => string;
    expiredNoContact: string;
    forbiddenTitle: string;
    forbidden: string;
    notFoundTitle: string;
    notFound: string;
    errorTitle: string;
    error: string;
    errorCode: string;
    nothingChanged: string;
  };
}

/** The page texts in `language` (catalog `pages.task`; a missing message falls back to French). */
function texts(language: Language): Texts {
  const t = (key: string, values?: Values) => translate(language, `pages.task.${key}`, values);
  const group = <K extends string>(prefix: string, keys: readonly K[]) =>
    Object.fromEntries(keys.map((k) => [k, t(`${prefix}.${k}`)])) as Record<K, string>;
  const field = (key: string) => t(`fields.${key}`);
  return {
    case: t("case"),
    dueBy: t("dueBy"),
    errorTitle: t("errorTitle"),
    errorPrefix: t("errorPrefix"),
    choose: t("choose"),
    optional: t("optional"),
    yes: t("yes"),
    no: t("no"),
    submit: group("submit", TASK_ACTIONS),
    severity: group("severity", SEVERITIES),
    outcome: Object.fromEntries(OUTCOMES.map((o) => [o, label(language, "outcome", o)])) as Record<
      (typeof OUTCOMES)[number],
      string
    >,
    kind: Object.fromEntries(KINDS.map((k) => [k, label(language, "kind", k)])) as Record<
      (typeof KINDS)[number],
      string
    >,
    fields: {
      triage: group("fields.triage", [
        "kind",
        "kindHint",
        "category",
        "severity",
        "admissible",
        "reason",
        "reasonHint",
        "factsDate",
        "factsDateHint",
        "factsTooOld",
      ]),
      conflict: field("conflict"),
      concerned: field("concerned"),
      concernedHint: field("concernedHint"),
      assignment: group("fields.assignment", [
        "decision",
        "accept",
        "delegate",
        "delegateTo",
        "delegateHint",
        "courseOfAction",
        "courseOfActionHint",
        "risks",
        "risksHint",
      ]),
      contacted: field("contacted"),
      nextUpdateBy: field("nextUpdateBy"),
      nextUpdateByHint: field("nextUpdateByHint"),
      contactNote: field("contactNote"),
      contactNoteHint: field("contactNoteHint"),
      progressNote: field("progressNote"),
      progressHint: field("progressHint"),
      outcome: field("outcome"),
      measures: field("measures"),
      measuresHint: field("measuresHint"),
      response: field("response"),
      responseHint: field("responseHint"),
      justification: field("justification"),
      justificationHint: field("justificationHint"),
      appealDecision: group("fields.appealDecision", [
        "decision",
        "upheld",
        "revised",
        "extend",
        "assign",
        "member",
        "memberHint",
        "reasoning",
        "reasoningHint",
      ]),
      confirm: field("confirm"),
      closureQuestion: field("closureQuestion"),
      closureNotYet: field("closureNotYet"),
      closureNote: field("closureNote"),
      closureNoteHint: field("closureNoteHint"),
      appealReason: field("appealReason"),
      appealReasonHint: t("fields.appealReasonHint", { min: APPEAL_REASON_MIN }),
      appealRequest: group("fields.appealRequest", [
        "request",
        "hint",
        "explanations",
        "appeal",
        "reason",
        "submit",
      ]),
      answer: group("fields.answer", ["decision", "answer", "complaint", "text", "textHint"]),
    },
    pages: {
      ...group("pages", [
        "doneTitle",
        "done",
        "closurePendingTitle",
        "closurePending",
        "appealMemberTitle",
        "appealMember",
        "explanationsTitle",
        "explanations",
        "alreadyDoneTitle",
        "alreadyDone",
        "alreadyDoneNext",
        "expiredTitle",
        "expired",
        "expiredNext",
        "expiredNoContact",
        "forbiddenTitle",
        "forbidden",
        "notFoundTitle",
        "notFound",
        "errorTitle",
        "error",
        "errorCode",
        "nothingChanged",
      ]),
      expiredContact: (contact) => t("pages.expiredContact", { contact }),
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Form fields

export interface TaskPageOptions {
  /** triage: the config's categories, labelled in the page language. */
  categories?: Array<{ id: string; label: string }>;
  /** triage: severity labels (defaults to built-in high/medium/low labels). */
  severities?: Array<{ id: string; label: string }>;
  /** assignment (delegation) and triage (employee concerned): the staff directory. */
  staff?: Array<{ address: string; name: string }>;
  /** triage: show the conflict-of-interest box (T-7). */
  conflictOfInterest?: boolean;
  /** appeal decision: an extension remains (T-11). */
  extensionAvailable?: boolean;
  /** appeal: the complainant may ask for explanations first (H-D4). */
  explanations?: boolean;
  /** conclusion: the response is late, a justification is required (T-13). */
  late?: boolean;
  /** triage: the organisation sets a maximum age of the facts (T-4): the date of the facts is asked. */
  factsAge?: boolean;
  /** triage: the date of the facts known so far is past that age (T-4): the complaint is inadmissible. */
  factsTooOld?: boolean;
}

/** Issue 14: what the complainant will receive, shown on the conclusion page before it is submitted. */
export type TaskPagePreview =
  | { channel: "email"; subject: string; text: string }
  | { channel: "sms" | "whatsapp"; text: string }
  | { channel: "none" };

export interface TaskPageInput {
  action: TaskAction;
  /** conclusion: the response as the complainant will receive it (after a "preview" POST). */
  preview?: TaskPagePreview;
  language: Language;
  reference: string;
  /** What this step is, e.g. "Triage" (the caller's wording, in the page language). */
  stepLabel: string;
  /** ISO 8601 deadline of the step, shown in `timeZone`. */
  dueAt?: string;
  timeZone: string;
  /** What the assignee needs to decide; for a sensitive case, only what the intended actor may see. */
  details: Array<{ label: string; value: string }>;
  options: TaskPageOptions;
  /** The values posted back, to refill the form after an error. */
  values?: Readonly<Record<string, unknown>>;
  /** Field errors from parseForm, already in the page language. */
  errors?: Readonly<Record<string, string>>;
  /** The anti-CSRF nonce (link-token.ts csrfNonce). */
  nonce: string;
  /**
   * Where the form posts: a same-origin absolute path such as `/t/{token}`. Omitted, the form posts to the
   * page's own URL, which is the task link itself.
   */
  postUrl?: string;
}

/** The options a page needs, taken from the organisation config in the page language. */
export function pageOptionsFromConfig(
  config: OrgConfig,
  language: Language,
  extra: Pick<TaskPageOptions, "extensionAvailable" | "late" | "factsTooOld" | "explanations"> = {},
): TaskPageOptions {
  return {
    categories: config.categories.map((c) => ({ id: c.id, label: labelIn(c.label, language) })),
    severities: config.severities
      .filter((s) => (SEVERITIES as readonly string[]).includes(s.id))
      .map((s) => ({ id: s.id, label: labelIn(s.label, language) })),
    staff: config.staff.map((s) => ({ address: s.address, name: s.name })),
    conflictOfInterest: config.conflictOfInterest !== undefined,
    factsAge: config.admissibility.maxFactsAge !== undefined,
    ...extra,
  };
}

function staffChoices(options: TaskPageOptions): Choice[] {
  return (options.staff ?? []).map((s) => ({ value: s.address, label: `${s.name} (${s.address})` }));
}

function fieldsFor(action: TaskAction, f: FormRenderer, t: Texts, options: TaskPageOptions): string {
  const x = t.fields;
  switch (action) {
    case "triage": {
      const labels = new Map((options.severities ?? []).map((s) => [s.id, s.label]));
      return [
        // R-6: a suggestion, an information request or positive feedback leaves for its short path (no
        // category, severity nor admissibility); left as it is, the case is triaged as a complaint.
        f.select(
          "kind",
          x.triage.kind,
          KINDS.map((k) => ({ value: k, label: t.kind[k] })),
          { hint: x.triage.kindHint },
        ),
        f.select(
          "category",
          x.triage.category,
          (options.categories ?? []).map((c) => ({ value: c.id, label: c.label })),
          // Required of a complaint only (R-6): the server says so; a browser must not block a suggestion.
          { conditional: true },
        ),
        f.radios(
          "severity",
          x.triage.severity,
          SEVERITIES.map((s) => ({ value: s, label: labels.get(s) ?? t.severity[s] })),
          { conditional: true },
        ),
        // T-4: the age of the facts decides admissibility; the officer records their date (the complaint may
        // give it only in its text) and is told when it is past the organisation's limit.
        options.factsAge
          ? f.input("factsDate", x.triage.factsDate, { max: 10, type: "date", hint: x.triage.factsDateHint })
          : "",
        options.factsTooOld
          ? `<p class="warning" data-t4="facts-too-old">${escapeHtml(x.triage.factsTooOld)}</p>`
          : "",
        f.radios(
          "admissible",
          x.triage.admissible,
          [
            { value: "yes", label: t.yes },
            { value: "no", label: t.no },
          ],
          { conditional: true },
        ),
        f.textarea("reason", x.triage.reason, {
          max: TEXT_LIMITS.triage.reason,
          hint: x.triage.reasonHint,
          conditional: true,
        }),
        options.conflictOfInterest ? f.checkbox("conflict", x.conflict) : "",
        options.staff?.length
          ? f.select("concerned", x.concerned, staffChoices(options), { hint: x.concernedHint })
          : "",
      ]
        .filter(Boolean)
        .join("\n");
    }
    case "assignment":
      return [
        f.radios(
          "decision",
          x.assignment.decision,
          [
            { value: "accept", label: x.assignment.accept },
            { value: "delegate", label: x.assignment.delegate },
          ],
          { required: true },
        ),
        f.select("delegate", x.assignment.delegateTo, staffChoices(options), {
          hint: x.assignment.delegateHint,
          conditional: true,
        }),
        // H-C1: the course of action decided at the review (required).
        f.textarea("courseOfAction", x.assignment.courseOfAction, {
          max: TEXT_LIMITS.assignment.courseOfAction,
          hint: x.assignment.courseOfActionHint,
          required: true,
        }),
        f.textarea("risks", x.assignment.risks, {
          max: TEXT_LIMITS.assignment.risks,
          hint: x.assignment.risksHint,
        }),
      ]
        .filter(Boolean)
        .join("\n");
    case "contact":
      return [
        f.checkbox("contacted", x.contacted, { required: true }),
        // H-C3: the date given to the complainant for further information.
        f.input("nextUpdateBy", x.nextUpdateBy, {
          max: 10,
          type: "date",
          required: true,
          hint: x.nextUpdateByHint,
        }),
        f.textarea("note", x.contactNote, {
          max: TEXT_LIMITS.contact.note,
          hint: x.contactNoteHint,
          rows: 3,
        }),
      ]
        .filter(Boolean)
        .join("\n");
    case "progress":
      return f.textarea("note", x.progressNote, {
        max: TEXT_LIMITS.progress.note,
        hint: x.progressHint,
        required: true,
      });
    case "conclusion":
      return [
        f.radios(
          "outcome",
          x.outcome,
          OUTCOMES.map((o) => ({ value: o, label: t.outcome[o] })),
          { required: true },
        ),
        f.textarea("measures", x.measures, { max: TEXT_LIMITS.conclusion.measures, hint: x.measuresHint }),
        f.textarea("response", x.response, {
          max: TEXT_LIMITS.conclusion.response,
          hint: x.responseHint,
          required: true,
          rows: 10,
        }),
        options.late
          ? f.textarea("justification", x.justification, {
              max: TEXT_LIMITS.conclusion.justification,
              hint: x.justificationHint,
              required: true,
            })
          : "",
      ]
        .filter(Boolean)
        .join("\n");
    case "appeal-decision":
      return [
        f.radios(
          "decision",
          x.appealDecision.decision,
          [
            { value: "upheld", label: x.appealDecision.upheld },
            { value: "revised", label: x.appealDecision.revised },
            ...(options.extensionAvailable ? [{ value: "extend", label: x.appealDecision.extend }] : []),
            // H-E2: name the member who handles the appeal (the decision stays open).
            { value: "assign", label: x.appealDecision.assign },
          ],
          { required: true },
        ),
        f.select("member", x.appealDecision.member, staffChoices(options), {
          hint: x.appealDecision.memberHint,
          conditional: true,
        }),
        f.textarea("reasoning", x.appealDecision.reasoning, {
          max: TEXT_LIMITS["appeal-decision"].reasoning,
          hint: x.appealDecision.reasoningHint,
          conditional: true,
          rows: 8,
        }),
      ]
        .filter(Boolean)
        .join("\n");
    case "closure":
      return [
        // H-F2: close now, or not yet (what remains goes to the responsible person).
        f.radios(
          "confirm",
          x.closureQuestion,
          [
            { value: "yes", label: x.confirm },
            { value: "not-yet", label: x.closureNotYet },
          ],
          { required: true },
        ),
        f.textarea("note", x.closureNote, {
          max: TEXT_LIMITS.closure.note,
          hint: x.closureNoteHint,
          rows: 3,
        }),
      ]
        .filter(Boolean)
        .join("\n");
    case "appeal":
      // H-D4: where explanations are offered, the complainant asks for them first, or appeals.
      return [
        options.explanations
          ? f.radios(
              "request",
              x.appealRequest.request,
              [
                { value: "explanations", label: x.appealRequest.explanations },
                { value: "appeal", label: x.appealRequest.appeal },
              ],
              { required: true, hint: x.appealRequest.hint },
            )
          : "",
        f.textarea("reason", options.explanations ? x.appealRequest.reason : x.appealReason, {
          max: TEXT_LIMITS.appeal.reason,
          hint: x.appealReasonHint,
          required: true,
          rows: 10,
        }),
      ]
        .filter(Boolean)
        .join("\n");
    case "answer":
      // R-6: answer (or thank) and close; or, a complaint after all, to triage.
      return [
        f.radios(
          "decision",
          x.answer.decision,
          [
            { value: "answer", label: x.answer.answer },
            { value: "complaint", label: x.answer.complaint },
          ],
          { required: true },
        ),
        f.textarea("text", x.answer.text, {
          max: TEXT_LIMITS.answer.text,
          hint: x.answer.textHint,
          conditional: true,
          rows: 8,
        }),
      ].join("\n");
  }
}

function formatDue(iso: string, language: Language, timeZone: string): string {
  try {
    return formatDateTime(iso, timeZone, language);
  } catch {
    return iso; // a bad instant or zone shows as stored rather than breaking the page
  }
}

/** A same-origin absolute path only: never another origin, never a scheme-relative `//host`. */
/** The date over a task page: a deadline for staff, how long a standing link works, until when the complainant may act. */
function dueLabel(action: string, language: Language, staffDue: string): string {
  if (action === "progress") return translate(language, "pages.task.validUntil");
  if (action === "appeal") return translate(language, "pages.task.openUntil");
  return staffDue;
}

function checkPostUrl(postUrl: string): void {
  if (!isSameOriginPath(postUrl))
    throw new TypeError("postUrl must be a same-origin absolute path such as /t/{token}");
}

/** 200 with the task's one form, or 422 when re-rendered with field errors. */
export function renderTaskPage(input: TaskPageInput): HtmlResponse {
  const t = texts(input.language);
  const errors = input.errors ?? {};
  const f = new FormRenderer(t, input.values ?? {}, errors);
  const fields = fieldsFor(input.action, f, t, input.options);

  const summary = f.errorSummary(FORM_FIELDS[input.action] as readonly string[]);

  const details = input.details.length
    ? `<dl>${input.details.map((d) => `<dt>${escapeHtml(d.label)}</dt><dd>${escapeHtml(d.value)}</dd>`).join("")}</dl>`
    : "";
  const due = input.dueAt
    ? `<p><strong>${escapeHtml(dueLabel(input.action, input.language, t.dueBy))}</strong> <time datetime="${escapeHtml(input.dueAt)}">${escapeHtml(
        formatDue(input.dueAt, input.language, input.timeZone),
      )}</time></p>`
    : "";
  let action = "";
  if (input.postUrl !== undefined) {
    checkPostUrl(input.postUrl);
    action = ` action="${escapeHtml(input.postUrl)}"`;
  }

  const main = [
    `<p class="ref">${escapeHtml(t.case)} ${escapeHtml(input.reference)}</p>`,
    `<h1>${escapeHtml(input.stepLabel)}</h1>`,
    due,
    summary,
    details,
    `<form method="post"${action} accept-charset="utf-8" autocomplete="off">`,
    `<input type="hidden" name="nonce" value="${escapeHtml(input.nonce)}">`,
    fields,
    input.preview ? previewSection(input.preview, input.language) : "",
    `<div class="field"><button type="submit">${escapeHtml(input.action === "appeal" && input.options.explanations ? t.fields.appealRequest.submit : t.submit[input.action])}</button></div>`,
    // Issue 14: see exactly what the complainant will receive before sending it (no JavaScript needed).
    input.action === "conclusion"
      ? `<div class="field"><button type="submit" name="preview" value="yes">${escapeHtml(
          translate(input.language, "pages.task.preview.button"),
        )}</button></div>`
      : "",
    `</form>`,
  ]
    .filter(Boolean)
    .join("\n");
  const title = `${f.hasErrors ? t.errorPrefix : ""}${input.stepLabel} · ${input.reference}`;
  return respond(f.hasErrors ? 422 : 200, input.language, title, main);
}

/** The complainant's message as it will be sent: channel, subject (email) and text, whitespace kept. */
function previewSection(preview: TaskPagePreview, language: Language): string {
  const t = (key: string, values?: Values) => translate(language, `pages.task.preview.${key}`, values);
  const rows =
    preview.channel === "none"
      ? `<p>${escapeHtml(t("none"))}</p>`
      : `<p>${escapeHtml(t(preview.channel))}</p><dl>${
          preview.channel === "email"
            ? `<dt>${escapeHtml(t("subject"))}</dt><dd>${escapeHtml(preview.subject)}</dd>`
            : ""
        }<dt>${escapeHtml(t("message"))}</dt><dd>${escapeHtml(preview.text)}</dd></dl>`;
  return `<section class="notice" aria-labelledby="preview-title" id="preview"><h2 id="preview-title">${escapeHtml(
    t("title"),
  )}</h2>${rows}<p>${escapeHtml(t("check"))}</p></section>`;
}

// ---------------------------------------------------------------------------------------------------
// Outcome pages

export interface MessagePageInput {
  language: Language;
  /** The case reference, when known and safe to show. */
  reference?: string;
}

function messagePage(
  statusCode: number,
  input: MessagePageInput,
  title: string,
  paragraphs: string[],
  extraHtml = "",
): HtmlResponse {
  const t = texts(input.language);
  const main = [
    input.reference ? `<p class="ref">${escapeHtml(t.case)} ${escapeHtml(input.reference)}</p>` : "",
    `<h1>${escapeHtml(title)}</h1>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    extraHtml,
  ]
    .filter(Boolean)
    .join("\n");
  return respond(statusCode, input.language, title, main);
}

/** 200: H-F2 "not yet": the case stays open, the link stays valid, the responsible person is told. */
export function renderClosurePendingPage(input: MessagePageInput): HtmlResponse {
  const p = texts(input.language).pages;
  return messagePage(200, input, p.closurePendingTitle, [p.closurePending]);
}

/** 200: H-E2 the member handling the appeal was recorded; the decision is still to be taken on this link. */
export function renderAppealMemberPage(input: MessagePageInput): HtmlResponse {
  const p = texts(input.language).pages;
  return messagePage(200, input, p.appealMemberTitle, [p.appealMember]);
}

/** 200: H-D4 the complainant's request for explanations was passed on; the same link still appeals. */
export function renderExplanationsPage(input: MessagePageInput): HtmlResponse {
  const p = texts(input.language).pages;
  return messagePage(200, input, p.explanationsTitle, [p.explanations]);
}

/** 200: the POST was recorded. */
export function renderDonePage(input: MessagePageInput): HtmlResponse {
  const p = texts(input.language).pages;
  return messagePage(200, input, p.doneTitle, [p.done]);
}

/** 409: the task was already done (a second submission of a used link). */
export function renderAlreadyDonePage(input: MessagePageInput): HtmlResponse {
  const p = texts(input.language).pages;
  return messagePage(409, input, p.alreadyDoneTitle, [p.alreadyDone, p.nothingChanged, p.alreadyDoneNext]);
}

/**
 * 410: expired or already decided (TaskTimedOut, InvalidToken, TaskDoesNotExist, an expired or revoked
 * link). Says what to do next. `contact`: an address to write to (the complaints officer or the intake).
 */
export function renderExpiredPage(input: MessagePageInput & { contact?: string }): HtmlResponse {
  const p = texts(input.language).pages;
  return messagePage(410, input, p.expiredTitle, [
    p.expired,
    p.nothingChanged,
    p.expiredNext,
    input.contact ? p.expiredContact(input.contact) : p.expiredNoContact,
  ]);
}

/** 403: a tampered or forged link (bad signature). No case detail is shown. */
export function renderForbiddenPage(input: { language: Language }): HtmlResponse {
  const p = texts(input.language).pages;
  return messagePage(403, input, p.forbiddenTitle, [p.forbidden, p.nothingChanged]);
}

/** 404. */
export function renderNotFoundPage(input: { language: Language }): HtmlResponse {
  const p = texts(input.language).pages;
  return messagePage(404, input, p.notFoundTitle, [p.notFound]);
}

/** Only an opaque id goes on the page: anything else (a message, a stack) is replaced. */
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** 500: no error detail, no stack trace; only a correlation id to quote. */
export function renderErrorPage(input: {
  language: Language;
  correlationId: string;
  /** A dependency was briefly unavailable (errors.ts isTransient): 503, the page's "try again" is the whole answer. */
  transient?: boolean;
}): HtmlResponse {
  const t = texts(input.language);
  const id = CORRELATION_ID.test(input.correlationId) ? input.correlationId : "-";
  return messagePage(
    input.transient ? 503 : 500,
    input,
    t.pages.errorTitle,
    [t.pages.error],
    `<p>${escapeHtml(t.pages.errorCode)} <span class="code">${escapeHtml(id)}</span></p>`,
  );
}
