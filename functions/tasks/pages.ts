// Server-rendered task pages (CONTRACT.md "Task pages"), in every language with a catalog (words under
// `pages` in functions/i18n/locales/<language>.json). No JavaScript and no
// third-party asset: a plain form works on a low-end phone. The only style is one inline <style> block,
// allowed by its SHA-256 in the CSP, so `default-src 'none'` blocks everything else. Every interpolated
// string goes through escapeHtml.
import { createHash } from "node:crypto";
import { SEVERITIES } from "../domain/complaint.ts";
import type { Language, OrgConfig } from "../domain/config.ts";
import { translate, type Values } from "../i18n/i18n.ts";
import { label } from "../i18n/labels.ts";
import {
  APPEAL_REASON_MIN,
  FORM_FIELDS,
  OUTCOMES,
  TASK_ACTIONS,
  type TaskAction,
  TEXT_LIMITS,
} from "./forms.ts";

const CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:1rem;line-height:1.5;color:#1b1b1b;background:#f4f4f4}
main{max-width:40rem;margin:0 auto;padding:1rem;background:#fff;min-height:100vh}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.ref{color:#505050;margin:0}
dl{margin:0 0 1rem}
dt{font-weight:600;margin-top:.5rem}
dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
.field{margin:1.25rem 0}
fieldset{border:0;padding:0;margin:0}
legend,label.main{display:block;font-weight:600;margin-bottom:.25rem;padding:0}
input{accent-color:#00703c}
.hint{color:#505050;margin:0 0 .25rem}
.choice{display:flex;align-items:flex-start;gap:.5rem;margin:.35rem 0}
.choice input{width:1.4rem;height:1.4rem;margin:.1rem 0 0;flex:none}
select,textarea{display:block;width:100%;font:inherit;padding:.5rem;border:2px solid #505050;border-radius:0;background:#fff;color:inherit}
textarea{min-height:6rem;resize:vertical}
.invalid select,.invalid textarea{border-color:#b00020}
.error{color:#b00020;font-weight:600;margin:0 0 .25rem}
.summary{border:4px solid #b00020;padding:.75rem 1rem;margin:0 0 1rem}
.summary h2{margin-top:0}
.summary a{color:#b00020}
button{font:inherit;font-weight:600;padding:.75rem 1.5rem;border:0;background:#00703c;color:#fff;cursor:pointer;width:100%;max-width:20rem}
button:focus,a:focus,input:focus,select:focus,textarea:focus{outline:3px solid #fd0;outline-offset:0}
.code{font-family:ui-monospace,monospace;overflow-wrap:anywhere}
`.trim();

/** The CSP source for the one inline style block, computed once at module load. */
export const STYLE_HASH = `sha256-${createHash("sha256").update(CSS, "utf8").digest("base64")}`;

const CSP = [
  "default-src 'none'",
  `style-src '${STYLE_HASH}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

/** Headers for every task page response, success or error. */
export function securityHeaders(): Record<string, string> {
  return {
    "Content-Type": "text/html; charset=utf-8",
    // The token is in the URL and the page may show case details: never cache, never leak the URL.
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Robots-Tag": "noindex, nofollow",
  };
}

export interface HtmlResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

function respond(statusCode: number, language: Language, title: string, main: string): HtmlResponse {
  const body = `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${main}
</main>
</body>
</html>
`;
  return { statusCode, headers: { ...securityHeaders(), "Content-Language": language }, body };
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
  fields: {
    triage: { category: string; severity: string; admissible: string; reason: string; reasonHint: string };
    conflict: string;
    concerned: string;
    concernedHint: string;
    assignment: {
      decision: string;
      accept: string;
      delegate: string;
      delegateTo: string;
      delegateHint: string;
      risks: string;
      risksHint: string;
    };
    contacted: string;
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
    appealDecision: { decision: string; upheld: string; revised: string; extend: string; reasoning: string };
    confirm: string;
    closureNote: string;
    appealReason: string;
    appealReasonHint: string;
  };
  pages: {
    doneTitle: string;
    done: string;
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
    fields: {
      triage: group("fields.triage", ["category", "severity", "admissible", "reason", "reasonHint"]),
      conflict: field("conflict"),
      concerned: field("concerned"),
      concernedHint: field("concernedHint"),
      assignment: group("fields.assignment", [
        "decision",
        "accept",
        "delegate",
        "delegateTo",
        "delegateHint",
        "risks",
        "risksHint",
      ]),
      contacted: field("contacted"),
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
        "reasoning",
      ]),
      confirm: field("confirm"),
      closureNote: field("closureNote"),
      appealReason: field("appealReason"),
      appealReasonHint: t("fields.appealReasonHint", { min: APPEAL_REASON_MIN }),
    },
    pages: {
      ...group("pages", [
        "doneTitle",
        "done",
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

export interface Choice {
  value: string;
  label: string;
}

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
  /** conclusion: the response is late, a justification is required (T-13). */
  late?: boolean;
}

export interface TaskPageInput {
  action: TaskAction;
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
  extra: Pick<TaskPageOptions, "extensionAvailable" | "late"> = {},
): TaskPageOptions {
  return {
    categories: config.categories.map((c) => ({ id: c.id, label: c.label[language] })),
    severities: config.severities
      .filter((s) => (SEVERITIES as readonly string[]).includes(s.id))
      .map((s) => ({ id: s.id, label: s.label[language] })),
    staff: config.staff.map((s) => ({ address: s.address, name: s.name })),
    conflictOfInterest: config.conflictOfInterest !== undefined,
    ...extra,
  };
}

class FormRenderer {
  /** Field name to the id its error-summary link targets, in page order. */
  readonly anchors = new Map<string, string>();
  constructor(
    private readonly t: Texts,
    private readonly values: Readonly<Record<string, unknown>>,
    private readonly errors: Readonly<Record<string, string>>,
  ) {}

  private value(name: string): string {
    const v = this.values[name];
    return typeof v === "string" ? v : "";
  }

  /** The hint and error paragraphs, and the aria-describedby that ties them to the control. */
  private describe(
    name: string,
    hint?: string,
  ): { html: string; describedBy: string; aria: string; invalid: boolean } {
    const error = this.errors[name];
    const ids: string[] = [];
    let html = "";
    if (hint) {
      ids.push(`h-${name}`);
      html += `<p class="hint" id="h-${name}">${escapeHtml(hint)}</p>`;
    }
    if (error) {
      ids.push(`e-${name}`);
      html += `<p class="error" id="e-${name}"><span>${escapeHtml(this.t.errorPrefix)}</span>${escapeHtml(error)}</p>`;
    }
    const describedBy = ids.length ? ` aria-describedby="${ids.join(" ")}"` : "";
    // `aria` is for form controls; a radio group's fieldset takes only the description.
    return {
      html,
      describedBy,
      aria: describedBy + (error ? ' aria-invalid="true"' : ""),
      invalid: Boolean(error),
    };
  }

  private wrap(invalid: boolean, inner: string): string {
    return `<div class="field${invalid ? " invalid" : ""}">${inner}</div>`;
  }

  /** "(optional)" after the label, except on required fields and on conditional ones (their hint says when). */
  private optionalMark(required: boolean | undefined): string {
    return required ? "" : ` <span class="hint">${escapeHtml(this.t.optional)}</span>`;
  }

  textarea(
    name: string,
    label: string,
    o: { max: number; required?: boolean; conditional?: boolean; hint?: string; rows?: number },
  ): string {
    const id = `f-${name}`;
    this.anchors.set(name, id);
    const d = this.describe(name, o.hint);
    const required = o.required ? " required" : "";
    return this.wrap(
      d.invalid,
      `<label class="main" for="${id}">${escapeHtml(label)}${this.optionalMark(o.required || o.conditional)}</label>${d.html}` +
        `<textarea id="${id}" name="${name}" rows="${o.rows ?? 5}" maxlength="${o.max}"${required}${d.aria}>` +
        `${escapeHtml(this.value(name))}</textarea>`,
    );
  }

  radios(
    name: string,
    legend: string,
    choices: Choice[],
    o: { required?: boolean; hint?: string } = {},
  ): string {
    const d = this.describe(name, o.hint);
    const current = this.value(name);
    const required = o.required ? " required" : "";
    const items = choices
      .map((c, i) => {
        const id = i === 0 ? `f-${name}` : `f-${name}-${i}`;
        if (i === 0) this.anchors.set(name, id);
        const checked = current === c.value ? " checked" : "";
        return (
          `<div class="choice"><input type="radio" id="${id}" name="${name}" value="${escapeHtml(c.value)}"${checked}${required}>` +
          `<label for="${id}">${escapeHtml(c.label)}</label></div>`
        );
      })
      .join("");
    return this.wrap(
      d.invalid,
      `<fieldset${d.describedBy}><legend>${escapeHtml(legend)}${this.optionalMark(Boolean(o.required))}</legend>${d.html}${items}</fieldset>`,
    );
  }

  select(
    name: string,
    label: string,
    choices: Choice[],
    o: { required?: boolean; conditional?: boolean; hint?: string } = {},
  ): string {
    const id = `f-${name}`;
    this.anchors.set(name, id);
    const d = this.describe(name, o.hint);
    const current = this.value(name);
    const required = o.required ? " required" : "";
    const items = [`<option value="">${escapeHtml(this.t.choose)}</option>`]
      .concat(
        choices.map(
          (c) =>
            `<option value="${escapeHtml(c.value)}"${current === c.value ? " selected" : ""}>${escapeHtml(c.label)}</option>`,
        ),
      )
      .join("");
    return this.wrap(
      d.invalid,
      `<label class="main" for="${id}">${escapeHtml(label)}${this.optionalMark(o.required || o.conditional)}</label>${d.html}` +
        `<select id="${id}" name="${name}"${required}${d.aria}>${items}</select>`,
    );
  }

  checkbox(name: string, label: string, o: { required?: boolean } = {}): string {
    const id = `f-${name}`;
    this.anchors.set(name, id);
    const d = this.describe(name);
    const checked = this.value(name) === "yes" ? " checked" : "";
    const required = o.required ? " required" : "";
    return this.wrap(
      d.invalid,
      `${d.html}<div class="choice"><input type="checkbox" id="${id}" name="${name}" value="yes"${checked}${required}${d.aria}>` +
        `<label for="${id}">${escapeHtml(label)}</label></div>`,
    );
  }
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
        f.select(
          "category",
          x.triage.category,
          (options.categories ?? []).map((c) => ({ value: c.id, label: c.label })),
          { required: true },
        ),
        f.radios(
          "severity",
          x.triage.severity,
          SEVERITIES.map((s) => ({ value: s, label: labels.get(s) ?? t.severity[s] })),
          { required: true },
        ),
        f.radios(
          "admissible",
          x.triage.admissible,
          [
            { value: "yes", label: t.yes },
            { value: "no", label: t.no },
          ],
          { required: true },
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
          ],
          { required: true },
        ),
        f.textarea("reasoning", x.appealDecision.reasoning, {
          max: TEXT_LIMITS["appeal-decision"].reasoning,
          required: true,
          rows: 8,
        }),
      ]
        .filter(Boolean)
        .join("\n");
    case "closure":
      return [
        f.checkbox("confirm", x.confirm, { required: true }),
        f.textarea("note", x.closureNote, { max: TEXT_LIMITS.closure.note, rows: 3 }),
      ]
        .filter(Boolean)
        .join("\n");
    case "appeal":
      return f.textarea("reason", x.appealReason, {
        max: TEXT_LIMITS.appeal.reason,
        hint: x.appealReasonHint,
        required: true,
        rows: 10,
      });
  }
}

function formatDue(iso: string, language: Language, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(language === "fr" ? "fr-FR" : "en-GB", {
      weekday: "long",
      day: "numeric",
      month: "long",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZone,
      timeZoneName: "short",
    }).format(date);
  } catch {
    return date.toISOString();
  }
}

/** A same-origin absolute path only: never another origin, never a scheme-relative `//host`. */
function checkPostUrl(postUrl: string): void {
  if (!/^\/(?![/\\])[^\s"'<>\\]*$/.test(postUrl))
    throw new TypeError("postUrl must be a same-origin absolute path such as /t/{token}");
}

/** 200 with the task's one form, or 422 when re-rendered with field errors. */
export function renderTaskPage(input: TaskPageInput): HtmlResponse {
  const t = texts(input.language);
  const errors = input.errors ?? {};
  const f = new FormRenderer(t, input.values ?? {}, errors);
  const fields = fieldsFor(input.action, f, t, input.options);

  const errorEntries = Object.entries(errors).filter(([, message]) => Boolean(message));
  const order = FORM_FIELDS[input.action] as readonly string[];
  errorEntries.sort(([a], [b]) => rank(order, a) - rank(order, b));
  const summary = errorEntries.length
    ? `<div class="summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">` +
      `<h2 id="error-summary-title">${escapeHtml(t.errorTitle)}</h2><ul>` +
      errorEntries
        .map(([name, message]) => {
          const anchor = f.anchors.get(name);
          return anchor
            ? `<li><a href="#${anchor}">${escapeHtml(message)}</a></li>`
            : `<li>${escapeHtml(message)}</li>`;
        })
        .join("") +
      `</ul></div>`
    : "";

  const details = input.details.length
    ? `<dl>${input.details.map((d) => `<dt>${escapeHtml(d.label)}</dt><dd>${escapeHtml(d.value)}</dd>`).join("")}</dl>`
    : "";
  const due = input.dueAt
    ? `<p><strong>${escapeHtml(t.dueBy)}</strong> <time datetime="${escapeHtml(input.dueAt)}">${escapeHtml(
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
    `<div class="field"><button type="submit">${escapeHtml(t.submit[input.action])}</button></div>`,
    `</form>`,
  ]
    .filter(Boolean)
    .join("\n");
  const title = `${errorEntries.length ? t.errorPrefix : ""}${input.stepLabel} · ${input.reference}`;
  return respond(errorEntries.length ? 422 : 200, input.language, title, main);
}

function rank(order: readonly string[], name: string): number {
  const i = order.indexOf(name);
  return i === -1 ? order.length : i;
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
export function renderErrorPage(input: { language: Language; correlationId: string }): HtmlResponse {
  const t = texts(input.language);
  const id = CORRELATION_ID.test(input.correlationId) ? input.correlationId : "-";
  return messagePage(
    500,
    input,
    t.pages.errorTitle,
    [t.pages.error],
    `<p>${escapeHtml(t.pages.errorCode)} <span class="code">${escapeHtml(id)}</span></p>`,
  );
}
