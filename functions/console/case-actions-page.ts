// The coordinator's actions on the case page (CONTRACT.md "Operations", issue 12): one form per action the
// procedure allows in the case's status (functions/domain/actions.ts), each with its reason, the session's CSRF
// token and a one-time key (a form sent twice acts once). The POST goes through the same code as
// POST /api/complaints/{reference}/actions; a refusal answers its status with the reason in the staff
// member's language (catalog group `console.actions`).

import type { Hono } from "hono";
import { html } from "hono/html";
import { parseAction, takeAction } from "../api/case-actions.ts";
import { ACTIONS, type ActionName, APPEAL_CHANNELS, availableActions } from "../domain/actions.ts";
import type { CaseContent, CaseRecord } from "../domain/complaint.ts";
import { labelIn } from "../domain/config-schema.ts";
import { SEVERITIES } from "../domain/vocabulary.ts";
import type { Runtime } from "../lib/runtime.ts";
import type { ConsoleContext, ConsoleEnv } from "./app.ts";
import { page } from "./app.ts";
import { localDay, staffName, vocabulary } from "./format.ts";
import type { Html } from "./layout.ts";

const csrf = (c: ConsoleContext) => html`<input type="hidden" name="_csrf" value="${c.get("csrf")}">`;

/** The notice after an action (`?done=<action>`), or nothing. */
export function actionNotice(c: ConsoleContext, done: string | undefined): Html | string {
  const action = ACTIONS.find((a) => a === done);
  return action
    ? html`<p class="notice" role="status">${c.get("t")(`console.actions.done.${action}`)}</p>`
    : "";
}

/**
 * A refusal in the staff member's words: the API answers in English (its contract), the console reads the
 * reason back into a catalog message (`console.actions.errors.*`); an unknown one is shown as it came.
 */
export function actionError(c: ConsoleContext, message: string): string {
  const t = c.get("t");
  const rules: Array<[RegExp, string]> = [
    [/give the reason|reason.*required|^required$/, "reason"],
    [/only the coordinator/, "coordinatorOnly"],
    [/the case is closed/, "closed"],
    [/no step of this case waits/, "noStep"],
    [/holds no open step/, "noOpenStep"],
    [/not in the staff directory/, "notInDirectory"],
    [/already holds the step/, "alreadyHolds"],
    [/named in the complaint/, "namedInComplaint"],
    [/does not need attention/, "notNeedingAttention"],
    [/only after the triage and before the conclusion/, "retriageWindow"],
    [/not a category/, "unknownCategory"],
    [/referral is decided at triage/, "referral"],
    [/give the corrected/, "giveCorrected"],
    [/not assigned yet/, "notAssigned"],
    [/has no appeal/, "noAppeal"],
    [/already appealed/, "alreadyAppealed"],
    [/has not been answered/, "notAnswered"],
    [/appeal window ended on (\d{4}-\d{2}-\d{2})/, "appealWindow"],
    [/receivedOn/, "receivedOn"],
    [/must be letter or email/, "appealChannel"],
    [/is not closed/, "notClosed"],
    [/retention period has ended/, "retention"],
    [/changed meanwhile/, "changed"],
    [/must be one of/, "unknownAction"],
  ];
  for (const [pattern, key] of rules) {
    const match = pattern.exec(message);
    if (match)
      return t(`console.actions.errors.${key}`, { date: match[1] ? localDay(match[1], c.get("lang")) : "" });
  }
  // A reason the console does not know yet (a new rule in functions/domain/actions.ts): as the API gave it.
  return t("console.actions.errors.other", { message });
}

/** The forms of the actions the procedure allows now. */
export function actionForms(c: ConsoleContext, rt: Runtime, record: CaseRecord, content: CaseContent): Html {
  const t = c.get("t");
  const lang = c.get("lang");
  const v = vocabulary(lang);
  const session = c.get("session");
  const who = { audience: session.audience, email: session.email };
  const offered = new Set(availableActions(rt.config, record, content, rt.now().toISOString(), who));
  // General staff: only the appeal they may record (H-E1), nothing else, not even a note.
  if (who.audience !== "coordinator" && !offered.has("record-appeal")) return html``;
  const open = (action: ActionName) =>
    html`<form method="post" action="/console/cases/${record.reference}/actions">${csrf(c)}<input type="hidden" name="_key" value="${crypto.randomUUID()}"><input type="hidden" name="action" value="${action}">`;
  const reasonField = (action: ActionName, label: string, hint: string) =>
    html`<div class="field"><label for="${action}-reason">${label}</label><p class="hint" id="${action}-reason-hint">${hint}</p><textarea id="${action}-reason" name="reason" aria-describedby="${action}-reason-hint" required></textarea></div>`;
  const staffOptions = (exclude: string | null) =>
    rt.config.staff
      .filter((m) => m.address !== exclude && !content.concernedStaff.includes(m.address))
      .map((m) => html`<option value="${m.address}">${m.name} (${m.address})</option>`);
  const a = (key: string, values?: Record<string, string>) => t(`console.actions.${key}`, values);
  const current = (label: string, isCurrent: boolean) =>
    isCurrent ? a("retriage.current", { label }) : label;
  const forms: Html[] = [];
  if (offered.has("resume"))
    forms.push(html`<section aria-labelledby="resume-title"><h3 id="resume-title">${a("resume.title")}</h3>
<p>${a("resume.text")}</p>
${open("resume")}${reasonField("resume", a("reason"), a("resume.hint"))}
<button type="submit">${a("resume.submit")}</button></form></section>`);
  if (offered.has("reassign") && record.assignee)
    forms.push(html`<section aria-labelledby="reassign-title"><h3 id="reassign-title">${a("reassign.title")}</h3>
${open("reassign")}<div class="field"><label for="reassign-to">${a("reassign.to")}</label><p class="hint" id="reassign-to-hint">${a("reassign.toHint", { current: staffName(rt.config, record.assignee) })}</p><select id="reassign-to" name="to" aria-describedby="reassign-to-hint">${staffOptions(record.assignee)}</select></div>
${reasonField("reassign", a("reason"), a("reassign.hint"))}
<button type="submit">${a("reassign.submit")}</button></form></section>`);
  if (offered.has("retriage"))
    forms.push(html`<section aria-labelledby="retriage-title"><h3 id="retriage-title">${a("retriage.title")}</h3>
<p>${a("retriage.text")}</p>
${open("retriage")}<div class="field"><label for="retriage-category">${a("retriage.category")}</label><select id="retriage-category" name="category"><option value="">${a("retriage.unchanged")}</option>${rt.config.categories
      .filter((cat) => cat.outcome !== "referral")
      .map(
        (cat) =>
          html`<option value="${cat.id}">${current(labelIn(cat.label, lang), cat.id === record.category)}</option>`,
      )}</select></div>
<div class="field"><label for="retriage-severity">${a("retriage.severity")}</label><select id="retriage-severity" name="severity"><option value="">${a("retriage.unchanged")}</option>${SEVERITIES.map((s) => html`<option value="${s}">${current(v.severity(rt.config, s), s === record.severity)}</option>`)}</select></div>
<div class="field"><label for="retriage-sensitive">${a("retriage.sensitivity")}</label><select id="retriage-sensitive" name="sensitive"><option value="">${a("retriage.byCategory")}</option><option value="yes">${a("retriage.sensitive")}</option><option value="no">${a("retriage.notSensitive")}</option></select></div>
${reasonField("retriage", a("reason"), a("retriage.hint"))}
<button type="submit">${a("retriage.submit")}</button></form></section>`);
  if (offered.has("record-contact"))
    forms.push(html`<section aria-labelledby="record-contact-title"><h3 id="record-contact-title">${a("recordContact.title")}</h3>
${open("record-contact")}${reasonField("record-contact", a("recordContact.label"), a("recordContact.hint"))}
<button type="submit">${a("recordContact.submit")}</button></form></section>`);
  if (offered.has("record-appeal"))
    forms.push(html`<section aria-labelledby="record-appeal-title"><h3 id="record-appeal-title">${a("recordAppeal.title")}</h3>
<p>${a("recordAppeal.text")}</p>
${open("record-appeal")}<div class="field"><label for="record-appeal-channel">${a("recordAppeal.channel")}</label><select id="record-appeal-channel" name="channel">${APPEAL_CHANNELS.filter((ch) => rt.config.intake.channels === "any" || (ch !== "phone" && ch !== "in-person")).map((ch) => html`<option value="${ch}">${v.channel(ch)}</option>`)}</select></div>
<div class="field"><label for="record-appeal-received">${a("recordAppeal.receivedOn")}</label><p class="hint" id="record-appeal-received-hint">${a("recordAppeal.receivedOnHint")}</p><input type="date" id="record-appeal-received" name="receivedOn" aria-describedby="record-appeal-received-hint"></div>
${reasonField("record-appeal", a("recordAppeal.label"), a("recordAppeal.hint"))}
<button type="submit">${a("recordAppeal.submit")}</button></form></section>`);
  if (offered.has("reopen"))
    forms.push(html`<section aria-labelledby="reopen-title"><h3 id="reopen-title">${a("reopen.title")}</h3>
<p>${a("reopen.text")}</p>
${open("reopen")}${reasonField("reopen", a("reason"), a("reopen.hint"))}
<button type="submit">${a("reopen.submit")}</button></form></section>`);
  if (who.audience === "coordinator")
    forms.push(html`<section aria-labelledby="note-title"><h3 id="note-title">${a("note.title")}</h3>
${open("note")}${reasonField("note", a("note.label"), a("note.hint"))}
<button type="submit">${a("note.submit")}</button></form></section>`);
  return html`<h2 id="actions">${a("title")}</h2>${forms}`;
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
    const t = c.get("t");
    return page(
      c,
      result.status,
      t("console.actions.refused"),
      "cases",
      html`<h1>${t("console.actions.refused")}</h1><div class="summary" role="alert"><ul>${Object.values(result.errors).map((e) => html`<li>${actionError(c, e)}</li>`)}</ul></div><p><a href="/console/cases/${reference}#actions">${t("console.actions.back", { reference })}</a></p>`,
    );
  });
}
