// Record a complaint (phone, desk, suggestion box, hotline, letter, staff report/FSEI): every field of
// POST /api/complaints, with the same validation (functions/api/staff-api.ts validateComplaint) and the
// errors next to their fields. A hidden key per form makes a double submission open one case.
import { randomUUID } from "node:crypto";
import type { Hono } from "hono";
import { html, raw } from "hono/html";
import { openFromBody, STAFF_CHANNELS, validateComplaint } from "../api/staff-api.ts";
import { KINDS } from "../domain/complaint.ts";
import type { Translator } from "../i18n/i18n.ts";
import type { Runtime } from "../lib/runtime.ts";
import { type ConsoleContext, type ConsoleEnv, page } from "./app.ts";
import { vocabulary } from "./format.ts";
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

/** The API's messages (English, its contract) in the staff member's words (`console.intake.errors.*`). */
export function fieldMessage(t: Translator, message: string): string {
  const known: Array<[RegExp, string]> = [
    [/^required unless anonymous$/, "requiredUnlessAnonymous"],
    [/^required$/, "required"],
    [/^must not be empty$/, "required"],
    [/^must be an email address$/, "email"],
    [/^at most (\d+) characters$/, "maxChars"],
    [/^at most (\d+) addresses$/, "maxAddresses"],
    [/^must be a date YYYY-MM-DD$/, "date"],
    [/^must not be in the future$/, "future"],
    [/^must be omitted for an anonymous complaint/, "anonymous"],
    [/^must be one of/, "oneOf"],
    [/^unknown field$/, "unknownField"],
  ];
  for (const [pattern, key] of known) {
    const match = pattern.exec(message);
    if (match) return t(`console.intake.errors.${key}`, match[1] ? { count: Number(match[1]) } : undefined);
  }
  return t("console.intake.errors.other", { message });
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
  const t = c.get("t");
  const v = vocabulary(c.get("lang"));
  const i = (key: string) => t(`console.intake.${key}`);
  return html`<h1>${i("title")}</h1>
<p>${i("intro")}</p>
${
  summary.length > 0
    ? html`<div class="summary" role="alert" aria-labelledby="summary-title"><h2 id="summary-title">${t("console.intake.summary", { count: summary.length })}</h2><ul>${summary.map(([id, message]) => html`<li><a href="#${id}">${message}</a></li>`)}</ul></div>`
    : ""
}
<form method="post" action="/console/intake" novalidate>
${csrfField(c)}<input type="hidden" name="_key" value="${values._key ?? randomUUID()}">
<fieldset><legend>${i("complaint")}</legend>
${select(
  "channel",
  i("channel"),
  STAFF_CHANNELS.map((ch) => [ch, v.channel(ch)]),
)}
${select(
  "kind",
  i("kind"),
  KINDS.map((k) => [k, v.kind(k)]),
  i("kindHint"),
)}
${
  rt.config.organisation.languages.length > 1
    ? select(
        "language",
        i("language"),
        rt.config.organisation.languages.map((l) => [l, v.languageName(l)]),
      )
    : ""
}
${input("subject", i("subject"))}
${area("description", i("description"), i("descriptionHint"))}
${input("factsDate", i("factsDate"), "date", i("factsDateHint"))}
${input("service", i("service"))}
${area("personsConcerned", i("personsConcerned"))}
${area("expectations", i("expectations"), i("expectationsHint"))}
${area("concernedStaff", i("concernedStaff"), i("concernedStaffHint"))}
</fieldset>
<fieldset><legend>${i("complainant")}</legend>
<div class="field choice"><input type="checkbox" id="anonymous" name="anonymous" value="yes"${raw(values.anonymous === "yes" ? " checked" : "")}${describedBy("anonymous")}><label for="anonymous">${i("anonymous")}</label></div>
${errorLine("anonymous")}
${input("complainant-name", i("name"), "text", i("nameHint"), ' autocomplete="off"')}
${input("complainant-email", i("email"), "email", i("emailHint"), ' autocomplete="off"')}
${input("complainant-phone", i("phone"), "tel", i(rt.config.channels.sms ? "phoneHintSms" : "phoneHint"), ' autocomplete="off"')}
${input("complainant-address", i("address"))}
<fieldset class="field${err("consentToShare") ? " invalid" : ""}"><legend>${i("consent")}</legend>
<p class="hint">${i("consentHint")}</p>${errorLine("consentToShare")}
<div class="choice"><input type="radio" id="consentToShare" name="consentToShare" value="yes"${raw(values.consentToShare === "yes" ? " checked" : "")}><label for="consentToShare">${i("consentYes")}</label></div>
<div class="choice"><input type="radio" id="consentToShare-no" name="consentToShare" value="no"${raw(values.consentToShare === "no" ? " checked" : "")}><label for="consentToShare-no">${i("consentNo")}</label></div>
<div class="choice"><input type="radio" id="consentToShare-unknown" name="consentToShare" value=""${raw(!values.consentToShare ? " checked" : "")}><label for="consentToShare-unknown">${i("consentUnknown")}</label></div>
</fieldset>
</fieldset>
<fieldset><legend>${i("representative")}</legend>
<p class="hint">${i("representativeHint")}</p>
${input("representative-name", i("representativeName"))}
${input("representative-relation", i("representativeRelation"))}
${input("representative-email", i("representativeEmail"), "email")}
${input("representative-phone", i("representativePhone"), "tel")}
${input("representative-address", i("representativeAddress"))}
</fieldset>
<button type="submit">${i("submit")}</button>
</form>`;
}

export function registerIntake(app: Hono<ConsoleEnv>, rt: Runtime): void {
  app.get("/console/intake", (c) =>
    page(
      c,
      200,
      c.get("t")("console.intake.title"),
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
        errors[id] ??= fieldMessage(c.get("t"), message);
      }
      return page(
        c,
        400,
        c.get("t")("console.intake.titleErrors"),
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
        c.get("t")("console.intake.titleConflict"),
        "intake",
        intakeForm(
          c,
          rt,
          { ...form, _key: randomUUID() },
          { description: c.get("t")("console.intake.conflict") },
        ),
      );
    const answer = JSON.parse(result.body) as {
      reference?: string;
      filingReference?: string;
      instructionsSent?: boolean;
    };
    if (answer.reference) return c.redirect(`/console/cases/${answer.reference}?recorded=1`, 303);
    // T-1 (written-only procedure): an oral complaint opens no case; the complainant gets the filing instructions.
    const t = c.get("t");
    return page(
      c,
      200,
      t("console.intake.noCaseTitle"),
      "intake",
      html`<h1>${t("console.intake.noCaseHeading")}</h1><p>${t("console.intake.noCaseText")}</p>
<p>${t(answer.instructionsSent ? "console.intake.instructionsSent" : "console.intake.instructionsGive")}${answer.filingReference ? html` ${t("console.intake.filingReference", { reference: answer.filingReference })}` : ""}</p>
<p><a href="/console/intake">${t("console.intake.another")}</a></p>`,
    );
  });
}
