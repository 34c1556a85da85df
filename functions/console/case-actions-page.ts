// The coordinator's actions on the case page (CONTRACT.md "Operations", issue 12): one form per action the
// procedure allows in the case's status (functions/domain/actions.ts), each with its reason, the session's CSRF
// token and a one-time key (a form sent twice acts once). The POST goes through the same code as
// POST /api/complaints/{reference}/actions; a refusal answers its status with the reason in French.
import type { Hono } from "hono";
import { html } from "hono/html";
import { parseAction, takeAction } from "../api/case-actions.ts";
import { type ActionName, availableActions } from "../domain/actions.ts";
import type { CaseContent, CaseRecord } from "../domain/complaint.ts";
import { SEVERITIES } from "../domain/vocabulary.ts";
import type { Runtime } from "../lib/runtime.ts";
import type { ConsoleContext, ConsoleEnv } from "./app.ts";
import { page } from "./app.ts";
import { staffName } from "./format.ts";
import type { Html } from "./layout.ts";

const csrf = (c: ConsoleContext) => html`<input type="hidden" name="_csrf" value="${c.get("csrf")}">`;

const DONE: Record<ActionName, string> = {
  note: "Note ajoutée à l’historique.",
  reassign:
    "Étape confiée à la nouvelle personne : elle a reçu un nouveau lien, l’ancien ne fonctionne plus.",
  resume:
    "Dossier repris à son étape : la personne qui doit agir a reçu un nouveau lien, les anciens ne fonctionnent plus.",
  retriage: "Tri corrigé : le dossier suit la nouvelle orientation et les personnes prévues sont prévenues.",
  "record-contact": "Contact avec le plaignant enregistré.",
  "record-appeal": "Appel enregistré : le responsable des appels a reçu la tâche de décision.",
  reopen: "Dossier rouvert : la personne qui doit agir a reçu un nouveau lien.",
};

const SEVERITY_FR: Record<(typeof SEVERITIES)[number], string> = {
  high: "Élevée",
  medium: "Moyenne",
  low: "Faible",
};

/** The notice after an action (`?done=<action>`), or nothing. */
export function actionNotice(done: string | undefined): Html | string {
  const text = done && done in DONE ? DONE[done as ActionName] : undefined;
  return text ? html`<p class="notice" role="status">${text}</p>` : "";
}

/** Refusals in French (the API answers in English, the console reads them back). */
export function frenchActionError(message: string): string {
  const rules: Array<[RegExp, string]> = [
    [/give the reason|reason.*required|^required$/, "Donnez la raison (3 caractères au moins)."],
    [/only the coordinator/, "Seul le coordinateur peut agir sur un dossier."],
    [
      /the case is closed/,
      "Le dossier est clôturé : seule une note, un appel reçu ou la réouverture sont possibles.",
    ],
    [/no step of this case waits/, "Aucune étape de ce dossier n’attend quelqu’un."],
    [/holds no open step/, "Cette personne n’a aucune étape ouverte dans ce dossier."],
    [/not in the staff directory/, "Cette personne n’est pas dans l’annuaire du personnel."],
    [/already holds the step/, "Cette personne a déjà l’étape."],
    [
      /named in the complaint/,
      "Cette personne est mise en cause dans la plainte : elle ne peut rien recevoir (T-7).",
    ],
    [/does not need attention/, "Le dossier n’est pas en attente d’une action : il avance déjà."],
    [
      /only after the triage and before the conclusion/,
      "Le tri ne peut être corrigé qu’entre le tri et la conclusion.",
    ],
    [/not a category/, "Catégorie inconnue."],
    [/referral is decided at triage/, "Une orientation vers un autre organisme se décide au tri (H-C3 (e))."],
    [/give the corrected/, "Indiquez la catégorie, la gravité ou la sensibilité corrigée."],
    [/not assigned yet/, "Le dossier n’est pas encore attribué : le contact ne peut pas être enregistré."],
    [/has no appeal/, "La procédure ne prévoit pas d’appel."],
    [/already appealed/, "Le dossier a déjà fait l’objet d’un appel (un seul appel, T-11)."],
    [/has not been answered/, "Le dossier n’a pas encore reçu de réponse : pas d’appel possible."],
    [/appeal window ended on (\d{4}-\d{2}-\d{2})/, "Le délai d’appel est dépassé."],
    [/receivedOn/, "Date de réception invalide (AAAA-MM-JJ, pas dans le futur)."],
    [/must be letter or email/, "Indiquez comment l’appel est arrivé (courrier ou courriel)."],
    [/is not closed/, "Le dossier n’est pas clôturé."],
    [
      /retention period has ended/,
      "La durée de conservation du dossier est écoulée : il ne peut plus être rouvert.",
    ],
    [/changed meanwhile/, "Le dossier a changé entre-temps : rechargez la page et recommencez."],
    [/must be one of/, "Action inconnue."],
  ];
  return rules.find(([pattern]) => pattern.test(message))?.[1] ?? message;
}

/** The forms of the actions the procedure allows now. */
export function actionForms(c: ConsoleContext, rt: Runtime, record: CaseRecord, content: CaseContent): Html {
  const offered = new Set(availableActions(rt.config, record, content, rt.now().toISOString()));
  const open = (action: ActionName) =>
    html`<form method="post" action="/console/cases/${record.reference}/actions">${csrf(c)}<input type="hidden" name="_key" value="${crypto.randomUUID()}"><input type="hidden" name="action" value="${action}">`;
  const reasonField = (action: ActionName, label: string, hint: string) =>
    html`<div class="field"><label for="${action}-reason">${label}</label><p class="hint" id="${action}-reason-hint">${hint}</p><textarea id="${action}-reason" name="reason" aria-describedby="${action}-reason-hint" required></textarea></div>`;
  const staffOptions = (exclude: string | null) =>
    rt.config.staff
      .filter((m) => m.address !== exclude && !content.concernedStaff.includes(m.address))
      .map((m) => html`<option value="${m.address}">${m.name} (${m.address})</option>`);
  const forms: Html[] = [];
  if (offered.has("resume"))
    forms.push(html`<section aria-labelledby="resume-title"><h3 id="resume-title">Reprendre le dossier</h3>
<p>Le dossier attend une action du coordinateur. Il repart à son étape : la personne qui doit agir reçoit un nouveau lien et un nouveau délai de relance ; les anciens liens ne fonctionnent plus.</p>
${open("resume")}${reasonField("resume", "Raison", "Par exemple : la responsable est revenue de congé. Enregistrée dans l’historique.")}
<button type="submit">Reprendre le dossier</button></form></section>`);
  if (offered.has("reassign") && record.assignee)
    forms.push(html`<section aria-labelledby="reassign-title"><h3 id="reassign-title">Confier l’étape à une autre personne</h3>
${open("reassign")}<div class="field"><label for="reassign-to">Confier l’étape en cours à</label><p class="hint" id="reassign-to-hint">Actuellement : ${staffName(rt.config, record.assignee)}. Toutes ses étapes ouvertes dans ce dossier passent à la personne choisie, qui reçoit un nouveau lien ; l’ancien ne fonctionne plus.</p><select id="reassign-to" name="to" aria-describedby="reassign-to-hint">${staffOptions(record.assignee)}</select></div>
${reasonField("reassign", "Raison", "Par exemple : congé jusqu’au 15 du mois.")}
<button type="submit">Confier l’étape</button></form></section>`);
  if (offered.has("retriage"))
    forms.push(html`<section aria-labelledby="retriage-title"><h3 id="retriage-title">Corriger le tri</h3>
<p>Avant la conclusion seulement. Si la personne responsable change (H-B3), le dossier lui est attribué et les personnes à prévenir le sont (H-B2).</p>
${open("retriage")}<div class="field"><label for="retriage-category">Catégorie</label><select id="retriage-category" name="category"><option value="">(inchangée)</option>${rt.config.categories
      .filter((cat) => cat.outcome !== "referral")
      .map(
        (cat) =>
          html`<option value="${cat.id}">${cat.label.fr}${cat.id === record.category ? " (actuelle)" : ""}</option>`,
      )}</select></div>
<div class="field"><label for="retriage-severity">Gravité</label><select id="retriage-severity" name="severity"><option value="">(inchangée)</option>${SEVERITIES.map((s) => html`<option value="${s}">${SEVERITY_FR[s]}${s === record.severity ? " (actuelle)" : ""}</option>`)}</select></div>
<div class="field"><label for="retriage-sensitive">Sensibilité</label><select id="retriage-sensitive" name="sensitive"><option value="">(selon la catégorie)</option><option value="yes">Sensible</option><option value="no">Non sensible</option></select></div>
${reasonField("retriage", "Raison", "Ce qui justifie la correction. Enregistrée dans l’historique.")}
<button type="submit">Corriger le tri</button></form></section>`);
  if (offered.has("record-contact"))
    forms.push(html`<section aria-labelledby="record-contact-title"><h3 id="record-contact-title">Enregistrer un contact avec le plaignant</h3>
${open("record-contact")}${reasonField("record-contact", "Contact", "Quand, comment (téléphone, visite…) et ce qui a été dit (H-C3). Si l’étape de contact attend, elle est terminée.")}
<button type="submit">Enregistrer le contact</button></form></section>`);
  if (offered.has("record-appeal"))
    forms.push(html`<section aria-labelledby="record-appeal-title"><h3 id="record-appeal-title">Enregistrer un appel reçu</h3>
<p>Un appel écrit reçu par courrier ou par courriel (H-E1) ouvre l’étape d’appel, même si le plaignant n’a pas d’adresse électronique.</p>
${open("record-appeal")}<div class="field"><label for="record-appeal-channel">Reçu par</label><select id="record-appeal-channel" name="channel"><option value="letter">Courrier</option><option value="email">Courriel</option></select></div>
<div class="field"><label for="record-appeal-received">Reçu le</label><p class="hint" id="record-appeal-received-hint">AAAA-MM-JJ ; vide : aujourd’hui.</p><input type="date" id="record-appeal-received" name="receivedOn" aria-describedby="record-appeal-received-hint"></div>
${reasonField("record-appeal", "Motifs de l’appel", "Ce que le plaignant conteste, tel qu’il l’écrit.")}
<button type="submit">Enregistrer l’appel</button></form></section>`);
  if (offered.has("reopen"))
    forms.push(html`<section aria-labelledby="reopen-title"><h3 id="reopen-title">Rouvrir le dossier</h3>
<p>Le dossier reprend à l’enquête (ou au tri s’il n’a pas été instruit), avec un nouveau délai de réponse.</p>
${open("reopen")}${reasonField("reopen", "Raison", "Par exemple : un fait nouveau signalé par le plaignant.")}
<button type="submit">Rouvrir le dossier</button></form></section>`);
  forms.push(html`<section aria-labelledby="note-title"><h3 id="note-title">Ajouter une note</h3>
${open("note")}${reasonField("note", "Note interne", "Ajoutée à l’historique avec votre nom.")}
<button type="submit">Ajouter la note</button></form></section>`);
  return html`<h2 id="actions">Actions du coordinateur</h2>${forms}`;
}

/** Fields each action's form may carry (others are ignored). */
const FIELDS: Record<string, readonly string[]> = {
  reassign: ["to", "from"],
  retriage: ["category", "severity", "sensitive"],
  "record-appeal": ["channel", "receivedOn"],
};

export function registerCaseActions(app: Hono<ConsoleEnv>, rt: Runtime): void {
  app.post("/console/cases/:reference/actions", async (c) => {
    const session = c.get("session");
    const reference = c.req.param("reference").toUpperCase();
    if (!/^CFM-\d{4}-\d{6}$/.test(reference)) return c.notFound();
    const form = c.get("form");
    const key = /^[A-Za-z0-9-]{8,64}$/.test(form._key ?? "") ? (form._key as string) : crypto.randomUUID();
    const action = form.action ?? "";
    const input: Record<string, string> = { action, reason: form.reason ?? "" };
    for (const field of FIELDS[action] ?? []) {
      const value = form[field]?.trim();
      if (value) input[field] = value;
    }
    const parsed = parseAction(input);
    const result = parsed.action
      ? await takeAction(
          rt,
          { audience: session.audience, actor: session.email },
          reference,
          `console-${key}`,
          parsed.action,
        )
      : ({ ok: false, status: 400, errors: parsed.errors } as const);
    if (result.ok)
      return c.redirect(`/console/cases/${reference}?done=${parsed.action?.action}#actions`, 303);
    return page(
      c,
      result.status,
      "Action refusée",
      "cases",
      html`<h1>Action refusée</h1><div class="summary" role="alert"><ul>${Object.values(result.errors).map((e) => html`<li>${frenchActionError(e)}</li>`)}</ul></div><p><a href="/console/cases/${reference}#actions">Retour au dossier ${reference}</a></p>`,
    );
  });
}
