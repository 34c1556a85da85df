// Record a complaint (phone, desk, suggestion box, hotline, letter, staff report/FSEI): every field of
// POST /api/complaints, with the same validation (functions/api/staff-api.ts validateComplaint) and the
// errors next to their fields. A hidden key per form makes a double submission open one case.
import { randomUUID } from "node:crypto";
import type { Hono } from "hono";
import { html, raw } from "hono/html";
import { openFromBody, STAFF_CHANNELS, validateComplaint } from "../api/staff-api.ts";
import { KINDS } from "../domain/complaint.ts";
import type { Runtime } from "../lib/runtime.ts";
import { type ConsoleContext, type ConsoleEnv, page } from "./app.ts";
import { CHANNEL_LABELS, KIND_LABELS } from "./format.ts";
import type { Html } from "./layout.ts";
import { csrfField } from "./pages.ts";

const KEY = /^[A-Za-z0-9-]{8,64}$/;

/** The form's field names are the API's field paths with dashes: complainant.name → complainant-name. */
export const FIELD_IDS: Record<string, string> = {
  kind: "kind",
  channel: "channel",
  anonymous: "anonymous",
  "complainant.name": "complainant-name",
  "complainant.email": "complainant-email",
  "complainant.phone": "complainant-phone",
  "complainant.address": "complainant-address",
  complainant: "complainant-name",
  "representative.name": "representative-name",
  "representative.relation": "representative-relation",
  "representative.email": "representative-email",
  "representative.phone": "representative-phone",
  "representative.address": "representative-address",
  representative: "representative-name",
  subject: "subject",
  description: "description",
  factsDate: "factsDate",
  service: "service",
  personsConcerned: "personsConcerned",
  expectations: "expectations",
  consentToShare: "consentToShare",
  language: "language",
  concernedStaff: "concernedStaff",
};

/** The API's messages, in French for the form. */
export function frenchMessage(message: string): string {
  const known: Array<[RegExp, string | ((m: RegExpExecArray) => string)]> = [
    [/^required unless anonymous$/, "Obligatoire, sauf pour une plainte anonyme"],
    [/^required$/, "Obligatoire"],
    [/^must not be empty$/, "Obligatoire"],
    [/^must be an email address$/, "Adresse électronique invalide (exemple : nom@domaine.org)"],
    [/^at most (\d+) characters$/, (m) => `${m[1]} caractères au plus`],
    [/^at most (\d+) addresses$/, (m) => `${m[1]} adresses au plus`],
    [/^must be a date YYYY-MM-DD$/, "Date invalide (AAAA-MM-JJ)"],
    [/^must not be in the future$/, "La date ne peut pas être dans le futur"],
    [
      /^must be omitted for an anonymous complaint/,
      "À laisser vide pour une plainte anonyme (l'identité n'est pas enregistrée)",
    ],
    [/^must be one of/, "Choisissez une des valeurs proposées"],
    [/^unknown field$/, "Champ inconnu"],
  ];
  for (const [pattern, text] of known) {
    const match = pattern.exec(message);
    if (match) return typeof text === "string" ? text : text(match);
  }
  return message;
}

/** The urlencoded form as the API's JSON body: empty fields are left out. */
export function formToInput(form: Record<string, string>): Record<string, unknown> {
  const value = (name: string) => {
    const v = form[name]?.trim();
    return v ? v : undefined;
  };
  const group = (prefix: string, names: string[]) => {
    const out: Record<string, string> = {};
    for (const name of names) {
      const v = value(`${prefix}-${name}`);
      if (v !== undefined) out[name] = v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  const input: Record<string, unknown> = {
    kind: value("kind"),
    channel: value("channel"),
    anonymous: form.anonymous === "yes",
    complainant: group("complainant", ["name", "email", "phone", "address"]),
    representative: group("representative", ["name", "relation", "email", "phone", "address"]),
    subject: value("subject"),
    description: value("description"),
    factsDate: value("factsDate"),
    service: value("service"),
    personsConcerned: value("personsConcerned"),
    expectations: value("expectations"),
    consentToShare: form.consentToShare === "yes" ? true : form.consentToShare === "no" ? false : undefined,
    language: value("language"),
    concernedStaff: value("concernedStaff")
      ?.split(/[\s,;]+/)
      .filter((a) => a !== ""),
  };
  for (const [k, v] of Object.entries(input)) if (v === undefined) delete input[k];
  return input;
}

function intakeForm(
  c: ConsoleContext,
  rt: Runtime,
  values: Record<string, string>,
  errors: Record<string, string>,
): Html {
  const err = (id: string) => errors[id];
  const describedBy = (id: string, hint?: boolean) => {
    const ids = [hint ? `${id}-hint` : "", err(id) ? `${id}-error` : ""].filter(Boolean).join(" ");
    return raw(`${ids ? ` aria-describedby="${ids}"` : ""}${err(id) ? ' aria-invalid="true"' : ""}`);
  };
  const errorLine = (id: string) => (err(id) ? html`<p class="error" id="${id}-error">${err(id)}</p>` : "");
  const input = (id: string, label: string, type = "text", hint?: string, extra = "") =>
    html`<div class="field${err(id) ? " invalid" : ""}"><label for="${id}">${label}</label>${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ""}${errorLine(id)}<input type="${type}" id="${id}" name="${id}" value="${values[id] ?? ""}" class="wide"${describedBy(id, Boolean(hint))}${raw(extra)}></div>`;
  const area = (id: string, label: string, hint?: string) =>
    html`<div class="field${err(id) ? " invalid" : ""}"><label for="${id}">${label}</label>${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ""}${errorLine(id)}<textarea id="${id}" name="${id}"${describedBy(id, Boolean(hint))}>${values[id] ?? ""}</textarea></div>`;
  const select = (id: string, label: string, options: Array<[string, string]>, hint?: string) =>
    html`<div class="field${err(id) ? " invalid" : ""}"><label for="${id}">${label}</label>${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ""}${errorLine(id)}<select id="${id}" name="${id}"${describedBy(id, Boolean(hint))}>${options.map(([v, l]) => html`<option value="${v}"${raw(values[id] === v ? " selected" : "")}>${l}</option>`)}</select></div>`;
  const summary = Object.entries(errors);
  return html`<h1>Enregistrer une plainte</h1>
<p>Pour une plainte reçue par téléphone, au guichet, dans la boîte à suggestions, par la ligne d'écoute, par courrier ou signalée par un membre du personnel (FSEI). Les champs marqués * sont obligatoires.</p>
${
  summary.length > 0
    ? html`<div class="summary" role="alert" aria-labelledby="summary-title"><h2 id="summary-title">La plainte n'a pas été enregistrée : corrigez ${summary.length > 1 ? `ces ${summary.length} champs` : "ce champ"}</h2><ul>${summary.map(([id, message]) => html`<li><a href="#${id}">${message}</a></li>`)}</ul></div>`
    : ""
}
<form method="post" action="/console/intake" novalidate>
${csrfField(c)}<input type="hidden" name="_key" value="${values._key ?? randomUUID()}">
<fieldset><legend>La plainte</legend>
${select(
  "channel",
  "Canal de réception *",
  STAFF_CHANNELS.map((ch) => [ch, CHANNEL_LABELS[ch].fr]),
)}
${select(
  "kind",
  "Type *",
  KINDS.map((k) => [k, KIND_LABELS[k].fr]),
  "R-6 : plainte, suggestion, demande d'information ou retour positif.",
)}
${
  rt.config.organisation.languages.length > 1
    ? select(
        "language",
        "Langue de la réponse",
        rt.config.organisation.languages.map((l) => [l, l === "fr" ? "Français" : "Anglais"]),
      )
    : ""
}
${input("subject", "Objet")}
${area("description", "Description *", "Ce que la personne rapporte, avec ses mots.")}
${input("factsDate", "Date des faits", "date", "T-6 : la date à laquelle les faits se sont produits.")}
${input("service", "Service concerné")}
${area("personsConcerned", "Personnes concernées")}
${area("expectations", "Attentes du plaignant", "Ce que la personne attend de l'organisation.")}
${area("concernedStaff", "Adresses du personnel concerné", "Une adresse par ligne (H-B3, T-7 : le responsable et les conflits d'intérêts en dépendent).")}
</fieldset>
<fieldset><legend>Le plaignant</legend>
<div class="field choice"><input type="checkbox" id="anonymous" name="anonymous" value="yes"${raw(values.anonymous === "yes" ? " checked" : "")}${describedBy("anonymous")}><label for="anonymous">Plainte anonyme (l'identité n'est pas enregistrée)</label></div>
${errorLine("anonymous")}
${input("complainant-name", "Nom *", "text", "Obligatoire sauf pour une plainte anonyme.", ' autocomplete="off"')}
${input("complainant-email", "Courriel", "email", "Pour lui écrire l'accusé de réception et la réponse.", ' autocomplete="off"')}
${input("complainant-phone", "Téléphone", "tel", undefined, ' autocomplete="off"')}
${input("complainant-address", "Adresse postale")}
<fieldset class="field${err("consentToShare") ? " invalid" : ""}"><legend>Accord pour partager son identité (T-8)</legend>
<p class="hint">Sans accord, son identité n'est communiquée qu'aux personnes chargées du dossier.</p>${errorLine("consentToShare")}
<div class="choice"><input type="radio" id="consentToShare" name="consentToShare" value="yes"${raw(values.consentToShare === "yes" ? " checked" : "")}><label for="consentToShare">Oui, elle accepte</label></div>
<div class="choice"><input type="radio" id="consentToShare-no" name="consentToShare" value="no"${raw(values.consentToShare === "no" ? " checked" : "")}><label for="consentToShare-no">Non</label></div>
<div class="choice"><input type="radio" id="consentToShare-unknown" name="consentToShare" value=""${raw(!values.consentToShare ? " checked" : "")}><label for="consentToShare-unknown">Pas demandé</label></div>
</fieldset>
</fieldset>
<fieldset><legend>Représentant ou tiers (H-A1)</legend>
<p class="hint">Seulement si une autre personne dépose la plainte pour le plaignant.</p>
${input("representative-name", "Nom du représentant")}
${input("representative-relation", "Lien avec le plaignant")}
${input("representative-email", "Courriel du représentant", "email")}
${input("representative-phone", "Téléphone du représentant", "tel")}
${input("representative-address", "Adresse du représentant")}
</fieldset>
<button type="submit">Enregistrer la plainte</button>
</form>`;
}

export function registerIntake(app: Hono<ConsoleEnv>, rt: Runtime): void {
  app.get("/console/intake", (c) =>
    page(
      c,
      200,
      "Enregistrer une plainte",
      "intake",
      intakeForm(c, rt, { channel: "phone", kind: "complaint" }, {}),
    ),
  );

  app.post("/console/intake", async (c) => {
    const session = c.get("session");
    const form = c.get("form");
    const key = KEY.test(form._key ?? "") ? (form._key as string) : randomUUID();
    const checked = validateComplaint(rt, formToInput(form));
    if (!checked.body) {
      const errors: Record<string, string> = {};
      for (const [path, message] of Object.entries(checked.errors)) {
        const id = FIELD_IDS[path] ?? FIELD_IDS[path.replace(/\.\d+$/, "")] ?? "description";
        errors[id] ??= frenchMessage(message);
      }
      return page(
        c,
        400,
        "Enregistrer une plainte : à corriger",
        "intake",
        intakeForm(c, rt, { ...form, _key: key }, errors),
      );
    }
    const input = formToInput(form);
    const result = await openFromBody(
      rt,
      { audience: session.audience, actor: session.email },
      `console:${key}`,
      checked.body,
      input,
    );
    if (result.statusCode === 409)
      // The same form sent again with other values (back button, edit, resend): a new form key, nothing lost.
      return page(
        c,
        409,
        "Enregistrer une plainte : à vérifier",
        "intake",
        intakeForm(
          c,
          rt,
          { ...form, _key: randomUUID() },
          {
            description:
              "Ce formulaire a déjà été envoyé avec d'autres valeurs : vérifiez-les puis renvoyez-le.",
          },
        ),
      );
    const answer = JSON.parse(result.body) as {
      reference?: string;
      filingReference?: string;
      instructionsSent?: boolean;
    };
    if (answer.reference) return c.redirect(`/console/cases/${answer.reference}?recorded=1`, 303);
    // T-1 (written-only procedure): an oral complaint opens no case; the complainant gets the filing instructions.
    return page(
      c,
      200,
      "Aucun dossier ouvert",
      "intake",
      html`<h1>Aucun dossier ouvert (T-1)</h1><p>Selon la procédure, une plainte n'ouvre un dossier que par écrit (courrier, courriel) ou par un signalement du personnel.</p>
<p>${answer.instructionsSent ? "Les instructions pour déposer la plainte par écrit ont été envoyées au plaignant." : "Donnez au plaignant les instructions pour déposer sa plainte par écrit."}${answer.filingReference ? html` Référence à rappeler : <strong>${answer.filingReference}</strong>.` : ""}</p>
<p><a href="/console/intake">Enregistrer une autre plainte</a></p>`,
    );
  });
}
