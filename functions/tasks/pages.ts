// Server-rendered task pages (CONTRACT.md "Task pages"), in French and English. No JavaScript and no
// third-party asset: a plain form works on a low-end phone. Layout, CSP and escaping are the shared web layer's
// (functions/web/).
import { SEVERITIES } from "../domain/complaint.ts";
import type { Language, OrgConfig } from "../domain/config.ts";
import { escapeHtml, isSameOriginPath } from "../web/escape.ts";
import { type Choice, FormRenderer } from "../web/form.ts";
import { type HtmlResponse, htmlPage } from "../web/layout.ts";
import { APPEAL_REASON_MIN, FORM_FIELDS, OUTCOMES, type TaskAction, TEXT_LIMITS } from "./forms.ts";

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

const TEXTS: Record<Language, Texts> = {
  fr: {
    case: "Dossier",
    dueBy: "À faire avant le",
    errorTitle: "Le formulaire contient des erreurs",
    errorPrefix: "Erreur : ",
    choose: "Choisir…",
    optional: "(facultatif)",
    yes: "Oui",
    no: "Non",
    submit: {
      triage: "Enregistrer le tri",
      assignment: "Enregistrer ma décision",
      contact: "Enregistrer le contact",
      progress: "Enregistrer l'avancement",
      conclusion: "Enregistrer la conclusion",
      "appeal-decision": "Enregistrer la décision sur le recours",
      closure: "Clore le dossier",
      appeal: "Envoyer mon recours",
    },
    severity: { high: "Élevée", medium: "Moyenne", low: "Faible" },
    outcome: { founded: "Fondée", unfounded: "Non fondée", "partly-founded": "Partiellement fondée" },
    fields: {
      triage: {
        category: "Catégorie",
        severity: "Gravité",
        admissible: "La plainte est-elle recevable ?",
        reason: "Motif de la décision",
        reasonHint: "Obligatoire si la plainte est irrecevable : la décision est écrite.",
      },
      conflict: "La direction est mise en cause dans la plainte (conflit d'intérêts)",
      concerned: "Membre du personnel concerné",
      concernedHint:
        "Pour une faute professionnelle, son ou sa supérieur(e) hiérarchique traitera le dossier.",
      assignment: {
        decision: "Qui mène l'enquête ?",
        accept: "Je mène l'enquête moi-même",
        delegate: "Je délègue l'enquête",
        delegateTo: "Déléguer à",
        delegateHint: "Obligatoire si vous déléguez (en général au gestionnaire des plaintes).",
        risks: "Risques identifiés",
        risksHint: "Notamment les risques de représailles contre le plaignant ou les témoins.",
      },
      contacted: "J'ai contacté le plaignant",
      contactNote: "Note",
      contactNoteHint: "Par exemple la date annoncée au plaignant pour la suite.",
      progressNote: "Point d'avancement",
      progressHint: "Où en est l'enquête, et quelle est la prochaine étape ?",
      outcome: "Conclusion",
      measures: "Mesures prises",
      measuresHint:
        "Pour un dossier sensible, seul le statut est enregistré : gardez les détails hors du système.",
      response: "Réponse au plaignant",
      responseHint:
        "Ce texte est envoyé au plaignant : nature et résultat de l'enquête, mesures correctives.",
      justification: "Justification du retard",
      justificationHint: "La réponse est en retard : indiquez pourquoi, et les causes du retard.",
      appealDecision: {
        decision: "Décision sur le recours",
        upheld: "La décision initiale est maintenue",
        revised: "La décision initiale est révisée",
        extend: "Prolonger le délai d'examen (une seule fois ; le plaignant en est informé)",
        reasoning: "Motivation",
      },
      confirm:
        "Je confirme que le traitement, recours compris, a été mené correctement : le dossier peut être clos",
      closureNote: "Note",
      appealReason: "Pourquoi contestez-vous la réponse ?",
      appealReasonHint: `Expliquez ce qui ne vous satisfait pas (au moins ${APPEAL_REASON_MIN} caractères).`,
    },
    pages: {
      doneTitle: "Merci, c'est enregistré",
      done: "Votre réponse a bien été enregistrée. Vous pouvez fermer cette page.",
      alreadyDoneTitle: "Cette tâche a déjà été faite",
      alreadyDone: "Une réponse a déjà été enregistrée pour cette tâche.",
      alreadyDoneNext:
        "Que faire : rien de plus, la réponse enregistrée est prise en compte. Pour la corriger, écrivez au chargé ou à la chargée des plaintes.",
      expiredTitle: "Ce lien a expiré ou la décision a déjà été prise",
      expired:
        "Ce lien n'est plus valable : le délai est passé, la tâche a été réattribuée, ou elle est déjà faite.",
      expiredNext:
        "Que faire : cherchez un message plus récent sur ce dossier, qui contient un nouveau lien.",
      expiredContact: (contact) => `Sinon, contactez le ou la chargé(e) des plaintes : ${contact}.`,
      expiredNoContact: "Sinon, contactez le ou la chargé(e) des plaintes.",
      forbiddenTitle: "Ce lien n'est pas valide",
      forbidden: "Vérifiez que vous avez ouvert le lien complet du message, sans modification.",
      notFoundTitle: "Page introuvable",
      notFound: "Cette adresse ne correspond à aucune page.",
      errorTitle: "Une erreur est survenue",
      error:
        "Veuillez réessayer dans quelques minutes. Si le problème persiste, communiquez ce code au ou à la chargé(e) des plaintes :",
      errorCode: "Code :",
      nothingChanged: "Rien n'a été modifié.",
    },
  },
  en: {
    case: "Case",
    dueBy: "Due by",
    errorTitle: "There is a problem with the form",
    errorPrefix: "Error: ",
    choose: "Choose…",
    optional: "(optional)",
    yes: "Yes",
    no: "No",
    submit: {
      triage: "Record the triage",
      assignment: "Record my decision",
      contact: "Record the contact",
      progress: "Record the progress",
      conclusion: "Record the conclusion",
      "appeal-decision": "Record the appeal decision",
      closure: "Close the case",
      appeal: "Send my appeal",
    },
    severity: { high: "High", medium: "Medium", low: "Low" },
    outcome: { founded: "Founded", unfounded: "Unfounded", "partly-founded": "Partly founded" },
    fields: {
      triage: {
        category: "Category",
        severity: "Severity",
        admissible: "Is the complaint admissible?",
        reason: "Reason for the decision",
        reasonHint: "Required when the complaint is inadmissible: the decision is written.",
      },
      conflict: "Management is named in the complaint (conflict of interest)",
      concerned: "Staff member concerned",
      concernedHint: "For misconduct, their line manager will handle the case.",
      assignment: {
        decision: "Who investigates?",
        accept: "I will investigate myself",
        delegate: "I delegate the investigation",
        delegateTo: "Delegate to",
        delegateHint: "Required if you delegate (usually to the complaints handler).",
        risks: "Risks identified",
        risksHint: "Notably risks of retaliation against the complainant or witnesses.",
      },
      contacted: "I have contacted the complainant",
      contactNote: "Note",
      contactNoteHint: "For example the date given to the complainant for further information.",
      progressNote: "Progress update",
      progressHint: "Where does the investigation stand, and what is the next step?",
      outcome: "Outcome",
      measures: "Measures taken",
      measuresHint: "For a sensitive case only the status is recorded: keep the details out of the system.",
      response: "Response to the complainant",
      responseHint:
        "This text is sent to the complainant: the nature and result of the investigation, corrective actions.",
      justification: "Justification of the delay",
      justificationHint: "The response is late: say why, and what caused the delay.",
      appealDecision: {
        decision: "Decision on the appeal",
        upheld: "The original decision is upheld",
        revised: "The original decision is revised",
        extend: "Extend the review period (once only; the complainant is told)",
        reasoning: "Reasoning",
      },
      confirm: "I confirm the handling, appeal included, was completed correctly: the case can be closed",
      closureNote: "Note",
      appealReason: "Why do you contest the response?",
      appealReasonHint: `Explain what does not satisfy you (at least ${APPEAL_REASON_MIN} characters).`,
    },
    pages: {
      doneTitle: "Thank you, it is recorded",
      done: "Your answer has been recorded. You can close this page.",
      alreadyDoneTitle: "This task has already been done",
      alreadyDone: "An answer has already been recorded for this task.",
      alreadyDoneNext:
        "What to do: nothing more, the recorded answer stands. To correct it, write to the complaints officer.",
      expiredTitle: "This link has expired or the decision has already been taken",
      expired:
        "This link is no longer valid: its time ran out, the task was reassigned, or it is already done.",
      expiredNext: "What to do: look for a newer email about this case, which holds a new link.",
      expiredContact: (contact) => `Otherwise, contact the complaints officer: ${contact}.`,
      expiredNoContact: "Otherwise, contact the complaints officer.",
      forbiddenTitle: "This link is not valid",
      forbidden: "Check that you opened the whole link from the email, unchanged.",
      notFoundTitle: "Page not found",
      notFound: "There is no page at this address.",
      errorTitle: "Something went wrong",
      error:
        "Please try again in a few minutes. If the problem persists, give this code to the complaints officer:",
      errorCode: "Code:",
      nothingChanged: "Nothing was changed.",
    },
  },
};

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
  if (!isSameOriginPath(postUrl))
    throw new TypeError("postUrl must be a same-origin absolute path such as /t/{token}");
}

/** 200 with the task's one form, or 422 when re-rendered with field errors. */
export function renderTaskPage(input: TaskPageInput): HtmlResponse {
  const t = TEXTS[input.language];
  const errors = input.errors ?? {};
  const f = new FormRenderer(t, input.values ?? {}, errors);
  const fields = fieldsFor(input.action, f, t, input.options);

  const summary = f.errorSummary(FORM_FIELDS[input.action] as readonly string[]);

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
  const title = `${f.hasErrors ? t.errorPrefix : ""}${input.stepLabel} · ${input.reference}`;
  return respond(f.hasErrors ? 422 : 200, input.language, title, main);
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
  const t = TEXTS[input.language];
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
  const p = TEXTS[input.language].pages;
  return messagePage(200, input, p.doneTitle, [p.done]);
}

/** 409: the task was already done (a second submission of a used link). */
export function renderAlreadyDonePage(input: MessagePageInput): HtmlResponse {
  const p = TEXTS[input.language].pages;
  return messagePage(409, input, p.alreadyDoneTitle, [p.alreadyDone, p.nothingChanged, p.alreadyDoneNext]);
}

/**
 * 410: expired or already decided (TaskTimedOut, InvalidToken, TaskDoesNotExist, an expired or revoked
 * link). Says what to do next. `contact`: an address to write to (the complaints officer or the intake).
 */
export function renderExpiredPage(input: MessagePageInput & { contact?: string }): HtmlResponse {
  const p = TEXTS[input.language].pages;
  return messagePage(410, input, p.expiredTitle, [
    p.expired,
    p.nothingChanged,
    p.expiredNext,
    input.contact ? p.expiredContact(input.contact) : p.expiredNoContact,
  ]);
}

/** 403: a tampered or forged link (bad signature). No case detail is shown. */
export function renderForbiddenPage(input: { language: Language }): HtmlResponse {
  const p = TEXTS[input.language].pages;
  return messagePage(403, input, p.forbiddenTitle, [p.forbidden, p.nothingChanged]);
}

/** 404. */
export function renderNotFoundPage(input: { language: Language }): HtmlResponse {
  const p = TEXTS[input.language].pages;
  return messagePage(404, input, p.notFoundTitle, [p.notFound]);
}

/** Only an opaque id goes on the page: anything else (a message, a stack) is replaced. */
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** 500: no error detail, no stack trace; only a correlation id to quote. */
export function renderErrorPage(input: { language: Language; correlationId: string }): HtmlResponse {
  const t = TEXTS[input.language];
  const id = CORRELATION_ID.test(input.correlationId) ? input.correlationId : "-";
  return messagePage(
    500,
    input,
    t.pages.errorTitle,
    [t.pages.error],
    `<p>${escapeHtml(t.pages.errorCode)} <span class="code">${escapeHtml(id)}</span></p>`,
  );
}
