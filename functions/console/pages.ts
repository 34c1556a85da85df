// The console's pages: My tasks, Cases, the case page, Pending this week (R-5). Intake and reports are in
// intake-page.ts and reports-page.ts. Who sees what: functions/domain/access.ts.
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Hono } from "hono";
import { html, raw } from "hono/html";
import { cleanQuery, listCases, listQuerySchema } from "../api/case-list.ts";
import { accessFor, accessTo, triageOfficers, type Viewer } from "../domain/access.ts";
import {
  type CaseContent,
  type CaseRecord,
  CHANNELS,
  DEADLINE_STEPS,
  type DeadlineStep,
  KINDS,
  STATUSES,
} from "../domain/complaint.ts";
import { REFERENCE_PATTERN } from "../domain/vocabulary.ts";
import type { Runtime } from "../lib/runtime.ts";
import { s3 } from "../lib/s3.ts";
import { nextDeadline } from "../store/complaint-store.ts";
import type { TaskAction } from "../tasks/forms.ts";
import { activeLinksOf, reissueForActor } from "../tasks/link-store.ts";
import type { ConsoleContext, ConsoleEnv } from "./app.ts";
import { page } from "./app.ts";
import { actionForms, actionNotice, registerCaseActions } from "./case-actions-page.ts";
import {
  CHANNEL_LABELS,
  CLOSURE_LABELS,
  categoryLabel,
  deadlineBasis,
  EVENT_LABELS,
  FLAG_LABELS,
  holidaysBetween,
  KIND_LABELS,
  OUTCOME_LABELS,
  STATUS_LABELS,
  STEP_LABELS,
  severityLabel,
  staffName,
  TASK_LABELS,
  vocabulary,
  when,
} from "./format.ts";
import { registerIntake } from "./intake-page.ts";
import type { Html } from "./layout.ts";
import { receiptForm, registerReceipt } from "./receipt-page.ts";
import { registerReports } from "./reports-page.ts";
import { recordView, viewsOf } from "./view-log.ts";

export const PAGE_SIZE = 25;
const CONCURRENCY = 8;
/** Attachment links last 5 minutes: long enough to click, short enough not to be worth forwarding. */
export const ATTACHMENT_URL_SECONDS = 300;

export function viewerOf(c: ConsoleContext): Viewer {
  const session = c.get("session");
  return { email: session.email, audience: session.audience };
}

export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const csrfField = (c: ConsoleContext) =>
  html`<input type="hidden" name="_csrf" value="${c.get("csrf")}">`;

const caseLink = (reference: string) => html`<a href="/console/cases/${reference}">${reference}</a>`;

function deadlineCell(rt: Runtime, record: CaseRecord, c: ConsoleContext): Html {
  const v = vocabulary(c.get("lang"));
  const next = nextDeadline(record);
  const late = record.overdue.length > 0;
  return html`${v.when(next, rt.config.organisation.timeZone)}${late ? html` <span class="late">${c.get("t")("console.list.lateSteps", { steps: record.overdue.map((s) => v.step(s)).join(", ") })}</span>` : ""}`;
}

/** The label of a horizontally scrollable table region. */
const scrollable = (c: ConsoleContext) => c.get("t")("console.table.scroll");

export function registerPages(app: Hono<ConsoleEnv>, rt: Runtime): void {
  const tz = () => rt.config.organisation.timeZone;

  // ---------------------------------------------------------------------------------------------------
  // My tasks: the open human steps assigned to me, with their deadline and a button to open the task page.
  app.get("/console/", async (c) => {
    const viewer = viewerOf(c);
    const mine = (await rt.store.byAssignee(viewer.email, Number.POSITIVE_INFINITY)).filter(
      (r) => r.status !== "closed",
    );
    const withLinks = await mapLimit(mine, CONCURRENCY, async (record) => ({
      record,
      links: (await activeLinksOf(rt, record.reference)).filter((l) => l.actor === viewer.email),
    }));
    const rows = withLinks
      .flatMap(({ record, links }) => links.map((link) => ({ record, link })))
      .sort((a, b) => a.link.expiresAt.localeCompare(b.link.expiresAt));
    const t = c.get("t");
    const v = vocabulary(c.get("lang"));
    const body = html`<h1>${t("console.tasks.title")}</h1>
${
  rows.length === 0
    ? html`<p>${t("console.tasks.none")}</p>`
    : html`<p>${t("console.tasks.count", { count: rows.length })}</p>
<div class="table" tabindex="0" role="region" aria-label="${scrollable(c)}"><table><caption class="hint">${t("console.tasks.caption")}</caption>
<thead><tr><th scope="col">${t("console.tasks.case")}</th><th scope="col">${t("console.tasks.task")}</th><th scope="col">${t("console.tasks.due")}</th><th scope="col">${t("console.list.status")}</th><th scope="col">${t("console.tasks.action")}</th></tr></thead>
<tbody>${rows.map(({ record, link }) => {
        const task = t(`console.task.${link.step}`);
        return html`<tr><td>${caseLink(record.reference)}</td><td>${task}</td><td>${v.when(link.expiresAt, tz(), true)}${record.overdue.length > 0 ? html` <span class="late">${t("console.list.late")}</span>` : ""}</td><td>${v.status(record.status)}</td>
<td><form method="post" action="/console/tasks/${record.reference}/${link.step}">${csrfField(c)}<button type="submit" aria-label="${t("console.tasks.openLabel", { task, reference: record.reference })}">${t("console.tasks.open")}</button></form></td></tr>`;
      })}</tbody></table></div>`
}
<h2>${t("console.tasks.shortcuts")}</h2>
<ul><li><a href="/console/cases">${t("console.tasks.allCases")}</a></li><li><a href="/console/intake">${t("console.tasks.recordIntake")}</a></li><li><a href="/console/pending">${t("console.tasks.pending")}</a></li></ul>`;
    return page(c, 200, t("console.tasks.title"), "tasks", body);
  });

  // Opens a task: a fresh link to the step for its actor (the store keeps only link hashes).
  app.post("/console/tasks/:reference/:step", async (c) => {
    const viewer = viewerOf(c);
    const reference = c.req.param("reference");
    const step = c.req.param("step") as TaskAction;
    if (!REFERENCE_PATTERN.test(reference) || !(step in TASK_LABELS))
      return page(c, 404, "Tâche introuvable", "tasks", html`<h1>Tâche introuvable</h1>`);
    const url = await reissueForActor(rt, reference, step, viewer.email);
    if (!url)
      return page(
        c,
        404,
        "Tâche introuvable",
        "tasks",
        html`<h1>Cette tâche n'est plus ouverte pour vous</h1><p>Elle a peut-être déjà été faite ou confiée à quelqu'un d'autre. <a href="/console/">Retour à mes tâches</a></p>`,
      );
    // Same origin as the console (a custom domain serves both): keep the path only.
    return c.redirect(new URL(url).pathname, 303);
  });

  // ---------------------------------------------------------------------------------------------------
  // Cases: filters, search, one page at a time with a continuation (functions/api/case-list.ts, shared with
  // the staff API): never the whole filtered set in memory, never a silent cap.
  app.get("/console/cases", async (c) => {
    const viewer = viewerOf(c);
    const q = cleanQuery(Object.fromEntries(new URL(c.req.url).searchParams));
    delete q.page;
    const parsed = listQuerySchema.safeParse({ ...q, limit: String(PAGE_SIZE) });
    const errors: Record<string, string> = {};
    let result: Awaited<ReturnType<typeof listCases>> | null = null;
    if (!parsed.success)
      for (const issue of parsed.error.issues)
        errors[String(issue.path[0] ?? "q")] ??= listError(c, String(issue.path[0]));
    else {
      const text = parsed.data.q ?? "";
      if (text && REFERENCE_PATTERN.test(text.toUpperCase())) {
        const found = await rt.store.get(text.toUpperCase());
        if (found) return c.redirect(`/console/cases/${found.reference}`, 302);
      }
      result = await listCases(rt, viewer, parsed.data, { newestFirst: true });
      if (!result.ok) for (const field of Object.keys(result.errors)) errors[field] = listError(c, field);
    }
    const shown = result?.ok ? result.records : [];
    const nextToken = result?.ok ? result.next : null;
    const status = parsed.success ? parsed.data.status : undefined;
    const kind = parsed.success ? parsed.data.kind : undefined;
    const channel = parsed.success ? parsed.data.channel : undefined;
    const category = parsed.success ? parsed.data.category : undefined;
    const assignee = parsed.success ? parsed.data.assignee : undefined;
    const from = parsed.success ? parsed.data.from : undefined;
    const to = parsed.success ? parsed.data.to : undefined;
    const overdue = q.overdue === "true";
    const text = q.q ?? "";
    const searching = text !== "" && !REFERENCE_PATTERN.test(text.toUpperCase());
    const link = (token: string | null) => {
      const params = new URLSearchParams(Object.entries(q).filter(([k]) => k !== "next"));
      if (token) params.set("next", token);
      const query = params.toString();
      return `/console/cases${query ? `?${query}` : ""}`;
    };
    const continued = q.next !== undefined;
    const t = c.get("t");
    const v = vocabulary(c.get("lang"));
    const lang = c.get("lang");
    const select = (name: string, options: Array<[string, string]>, value: string | undefined) =>
      html`<div class="field${errors[name] ? " invalid" : ""}"><label for="f-${name}">${t(`console.list.${name}`)}</label>${errors[name] ? html`<p class="error" id="f-${name}-error">${errors[name]}</p>` : ""}<select id="f-${name}" name="${name}"><option value="">${t("console.list.all")}</option>${options.map(([value_, text]) => html`<option value="${value_}"${raw(value_ === value ? " selected" : "")}>${text}</option>`)}</select></div>`;
    const count = shown.length;
    const body = html`<h1>${t("console.list.title")}</h1>
<form class="filters" method="get" action="/console/cases" role="search" aria-label="${t("console.list.filterLabel")}">
<div class="field${errors.q ? " invalid" : ""}"><label for="f-q">${viewer.audience === "coordinator" ? t("console.list.qCoordinator") : t("console.list.q")}</label>${errors.q ? html`<p class="error" id="f-q-error">${errors.q}</p>` : ""}<input type="search" id="f-q" name="q" value="${text}" maxlength="200"${raw(errors.q ? ' aria-invalid="true" aria-describedby="f-q-error"' : "")}></div>
${select(
  "status",
  [
    ...STATUSES.map((s): [string, string] => [s, v.status(s)]),
    ["needs-attention", t("console.list.needsAttention")],
  ],
  status,
)}
${select(
  "kind",
  KINDS.map((k) => [k, v.kind(k)]),
  kind,
)}
${select(
  "category",
  rt.config.categories.map((cat) => [cat.id, cat.label[lang]]),
  category,
)}
${select(
  "channel",
  CHANNELS.map((ch) => [ch, v.channel(ch)]),
  channel,
)}
${select(
  "assignee",
  rt.config.staff.map((member) => [member.address, member.name]),
  assignee,
)}
<div class="field${errors.from ? " invalid" : ""}"><label for="f-from">${t("console.list.from")}</label>${errors.from ? html`<p class="error">${errors.from}</p>` : ""}<input type="date" id="f-from" name="from" value="${from ?? ""}"></div>
<div class="field${errors.to ? " invalid" : ""}"><label for="f-to">${t("console.list.to")}</label>${errors.to ? html`<p class="error">${errors.to}</p>` : ""}<input type="date" id="f-to" name="to" value="${to ?? ""}"></div>
<div class="field choice"><input type="checkbox" id="f-overdue" name="overdue" value="true"${raw(overdue ? " checked" : "")}><label for="f-overdue">${t("console.list.overdueOnly")}</label></div>
<div class="field"><button type="submit">${t("console.list.filter")}</button> <a href="/console/cases">${t("console.list.clear")}</a></div>
</form>
<p role="status">${
      searching && result?.ok
        ? t(nextToken ? "console.list.foundMore" : "console.list.found", { count, searched: result.searched })
        : t(
            !status && !from && !to
              ? nextToken
                ? "console.list.openMore"
                : "console.list.open"
              : nextToken
                ? "console.list.countMore"
                : "console.list.count",
            { count },
          )
    }</p>
${
  shown.length === 0
    ? html`<p>${t("console.list.none")}</p>`
    : html`<div class="table" tabindex="0" role="region" aria-label="${scrollable(c)}"><table><thead><tr><th scope="col">${t("console.list.reference")}</th><th scope="col">${t("console.list.received")}</th><th scope="col">${t("console.list.kind")}</th><th scope="col">${t("console.list.channel")}</th><th scope="col">${t("console.list.category")}</th><th scope="col">${t("console.list.status")}</th><th scope="col">${t("console.list.assignee")}</th><th scope="col">${t("console.list.next")}</th></tr></thead><tbody>
${shown.map(({ record: r, access }) => {
  const details = access.details;
  return html`<tr><td>${caseLink(r.reference)}</td><td>${v.when(r.receivedAt, tz())}</td><td>${v.kind(r.kind)}</td><td>${v.channel(r.channel)}</td><td>${details ? v.category(rt.config, r.category) : html`<span class="tag">${t("console.list.sensitive")}</span>`}</td><td>${v.status(r.status)}${r.closure ? ` (${v.closure(r.closure)})` : ""}</td><td>${details ? staffName(rt.config, r.assignee) : "–"}</td><td>${deadlineCell(rt, r, c)}</td></tr>`;
})}</tbody></table></div>`
}
${continued || nextToken ? html`<nav class="pages" aria-label="${t("console.list.pages")}">${continued ? html`<a href="${link(null)}">${t("console.list.firstPage")}</a>` : ""}${nextToken ? html`<a href="${link(nextToken)}" rel="next">${searching ? t("console.list.continueSearch") : t("console.list.nextPage")}</a>` : ""}</nav>` : ""}`;
    return page(c, Object.keys(errors).length > 0 ? 400 : 200, t("console.list.title"), "cases", body);
  });

  // ---------------------------------------------------------------------------------------------------
  // The case page.
  app.get("/console/cases/:reference", async (c) => {
    const viewer = viewerOf(c);
    const reference = c.req.param("reference").toUpperCase();
    if (!REFERENCE_PATTERN.test(reference)) return c.notFound();
    const record = await rt.store.get(reference);
    if (!record) return c.notFound();
    const details = accessFor(rt.config, viewer, record).details;
    const sensitive = accessFor(rt.config, viewer, record).restricted;
    if (sensitive)
      await recordView(rt, reference, {
        at: rt.now().toISOString(),
        who: viewer.email,
        shown: details ? "details" : "status",
        what: "page",
      });
    const summary = html`<dl>
<dt>Statut</dt><dd>${STATUS_LABELS[record.status].fr}${record.closure ? ` · ${CLOSURE_LABELS[record.closure].fr}` : ""}${record.closedAt ? ` le ${when(record.closedAt, tz())}` : ""}</dd>
<dt>Type</dt><dd>${KIND_LABELS[record.kind].fr}</dd>
<dt>Reçu le</dt><dd>${when(record.receivedAt, tz(), true)}</dd>
${record.flags.includes("needs-attention") ? html`<dt>Attention</dt><dd class="late">${FLAG_LABELS["needs-attention"]}</dd>` : ""}
</dl>`;
    const deadlines = deadlinesTable(rt, record);
    if (!details) {
      const body = html`<h1>Dossier ${reference}</h1>
<p class="notice warn">${record.sensitive ? "Dossier sensible" : "Dossier pas encore trié (traité comme sensible)"} : seuls son statut et ses échéances vous sont montrés (H-D1). Votre consultation est enregistrée.</p>
${summary}<h2>Échéances</h2>${deadlines}`;
      return page(c, 200, `Dossier ${reference}`, "cases", body);
    }
    const [content, timeline, views] = await Promise.all([
      rt.store.getContent(reference),
      rt.store.timeline(reference),
      viewer.audience === "coordinator" && sensitive ? viewsOf(rt, reference) : Promise.resolve([]),
    ]);
    const contact = accessFor(rt.config, viewer, record).contact;
    const optional = (label: string, value: string | null | undefined) =>
      value ? html`<dt>${label}</dt><dd>${value}</dd>` : "";
    const person = (p: CaseContent["complainant"] | CaseContent["representative"], withContact: boolean) =>
      p
        ? html`${optional("Nom", p.name)}${withContact ? html`${optional("Courriel", p.email)}${optional("Téléphone", p.phone)}${optional("Adresse", p.address)}` : ""}`
        : "";
    const recorded = c.req.query("recorded") === "1";
    const acted = c.req.query("done");
    const body = html`<h1>Dossier ${reference}</h1>
${actionNotice(acted)}
${recorded ? html`<p class="notice" role="status">La plainte a été enregistrée sous la référence <strong>${reference}</strong>. Communiquez-la au plaignant.</p>` : ""}
${sensitive ? html`<p class="notice warn">${record.sensitive ? "Dossier sensible" : "Dossier pas encore trié"} : ne partagez rien sans l'accord du plaignant (T-8). Votre consultation est enregistrée.</p>` : ""}
${summary}
<h2>Plainte</h2>
<dl>
<dt>Canal</dt><dd>${CHANNEL_LABELS[record.channel].fr}</dd>
<dt>Langue</dt><dd>${record.language === "fr" ? "Français" : "Anglais"}</dd>
${optional("Objet", content.subject)}
<dt>Description</dt><dd>${content.description || "–"}</dd>
${optional("Date des faits", content.factsDate)}
${optional("Service concerné", content.service)}
${optional("Personnes concernées", content.personsConcerned)}
${optional("Attentes du plaignant", content.expectations)}
${content.concernedStaff.length > 0 ? html`<dt>Personnel concerné</dt><dd>${content.concernedStaff.join(", ")}</dd>` : ""}
</dl>
<h2>Plaignant</h2>
${record.anonymous ? html`<p>Plainte anonyme.</p>` : html`<dl>${person(content.complainant, contact)}</dl>`}
${record.anonymous ? "" : html`<p>Accord pour partager son identité (T-8) : ${content.consentToShare === true ? "oui" : content.consentToShare === false ? "non" : "pas demandé"}.</p>`}
${!contact && !record.anonymous ? html`<p class="hint">Les coordonnées ne sont montrées qu'aux personnes chargées de contacter le plaignant.</p>` : ""}
${content.representative ? html`<h3>Représentant (H-A1)</h3><dl>${person(content.representative, contact)}${optional("Lien avec le plaignant", content.representative.relation)}</dl>` : ""}
<h2>Échéances</h2>${deadlines}
<h2>Tri</h2>
<dl>
<dt>Catégorie</dt><dd>${categoryLabel(rt.config, record.category)}${record.sensitive ? " (sensible)" : ""}</dd>
<dt>Gravité</dt><dd>${severityLabel(rt.config, record.severity)}</dd>
<dt>Recevable</dt><dd>${record.admissible === null ? "–" : record.admissible ? "Oui" : "Non"}</dd>
${optional("Motif du tri", content.triageReason)}
${optional("Risques", content.risks)}
${record.flags.length > 0 ? html`<dt>Signalements</dt><dd>${record.flags.map((f) => html`<span class="tag">${FLAG_LABELS[f] ?? f}</span>`)}</dd>` : ""}
</dl>
<h2>Attribution</h2>
<dl><dt>Action attendue de</dt><dd>${staffName(rt.config, record.assignee)}</dd><dt>Responsable du dossier</dt><dd>${staffName(rt.config, record.responsible)}</dd></dl>
<h2>Contact et avancement</h2>
${content.contactNote ? html`<dl>${optional("Compte rendu du contact", content.contactNote)}</dl>` : ""}
${content.progress.length > 0 ? html`<ul>${content.progress.map((p) => html`<li>${when(p.at, tz(), true)} : ${p.note}</li>`)}</ul>` : html`<p>Aucun avancement noté.</p>`}
<h2>Conclusion et réponse</h2>
${!content.outcome && !content.response ? html`<p>Pas encore de conclusion.</p>` : html`<dl>${optional("Conclusion", content.outcome ? OUTCOME_LABELS[content.outcome] : null)}${optional("Mesures", content.measures)}${optional("Réponse", content.response)}${optional("Justification du retard (T-13)", content.lateJustification)}</dl>`}
<h2>Appel</h2>
${record.appeals === 0 ? html`<p>Aucun appel.</p>` : html`<dl><dt>Appels</dt><dd>${record.appeals}</dd>${optional("Motif", content.appealReason)}${optional("Décision", record.appealOutcome === "upheld" ? "Décision maintenue" : record.appealOutcome === "revised" ? "Décision révisée" : null)}${optional("Motivation", content.appealReasoning)}</dl>`}
<h2>Pièces jointes</h2>
${
  content.attachments.length === 0
    ? html`<p>Aucune pièce jointe.</p>`
    : html`<ul>${content.attachments.map((a, i) => html`<li>${a.oversized ? html`${a.filename} (trop volumineuse, non conservée)` : html`<a href="/console/cases/${reference}/attachments/${i}">${a.filename}</a> (${Math.ceil(a.size / 1024)} Ko)`}</li>`)}</ul><p class="hint">Les liens de téléchargement sont valables 5 minutes.</p>`
}
${content.messages.length > 0 ? html`<h2>Messages reçus</h2><ul>${content.messages.map((m, mi) => messageItem(reference, m, mi, tz()))}</ul>` : ""}
<h2>Historique</h2>
<div class="table" tabindex="0" role="region" aria-label="Tableau (défilement horizontal possible)"><table><thead><tr><th scope="col">Date</th><th scope="col">Événement</th><th scope="col">Par</th><th scope="col">Détail</th></tr></thead><tbody>
${timeline.map((e) => html`<tr><td>${when(e.at, tz(), true)}</td><td>${EVENT_LABELS[e.type] ?? e.type}</td><td>${e.actor}</td><td>${e.detail ?? ""}</td></tr>`)}
</tbody></table></div>
${viewer.audience === "coordinator" ? actionForms(c, rt, record, content) : ""}
${viewer.audience === "coordinator" ? receiptForm(csrfField(c), record) : ""}
${
  viewer.audience === "coordinator" && sensitive
    ? html`<h2>Consultations de ce dossier sensible</h2>${views.length === 0 ? html`<p>Aucune.</p>` : html`<div class="table" tabindex="0" role="region" aria-label="Tableau (défilement horizontal possible)"><table><thead><tr><th scope="col">Date</th><th scope="col">Par</th><th scope="col">Vu</th></tr></thead><tbody>${views.map((v) => html`<tr><td>${when(v.at, tz(), true)}</td><td>${v.who}</td><td>${v.what === "attachment" ? "une pièce jointe" : v.shown === "details" ? "le dossier complet" : "le statut"}</td></tr>`)}</tbody></table></div>`}`
    : ""
}`;
    return page(c, 200, `Dossier ${reference}`, "cases", body);
  });

  // Coordinator actions (issue 12): functions/console/case-actions-page.ts.
  registerCaseActions(app, rt);

  // Attachments: a short-lived signed URL, for those who may see the case's details.
  // Issue 15: a stranger's files are reached through their message (kept aside, never the case's own).
  const attachmentRoute = async (c: ConsoleContext) => {
    const viewer = viewerOf(c);
    const reference = (c.req.param("reference") ?? "").toUpperCase();
    const index = Number(c.req.param("index"));
    const messageParam = c.req.param("message");
    const messageIndex = messageParam === undefined ? null : Number(messageParam);
    if (!REFERENCE_PATTERN.test(reference) || !Number.isInteger(index) || index < 0) return c.notFound();
    if (messageIndex !== null && (!Number.isInteger(messageIndex) || messageIndex < 0)) return c.notFound();
    const record = await rt.store.get(reference);
    if (!record) return c.notFound();
    if (!accessFor(rt.config, viewer, record).details)
      return page(
        c,
        403,
        "Accès refusé",
        "cases",
        html`<h1>Accès refusé</h1><p>Ce dossier est sensible.</p>`,
      );
    const content = await rt.store.getContent(reference);
    const attachment =
      messageIndex === null
        ? content.attachments[index]
        : content.messages[messageIndex]?.attachments?.[index];
    const bucket = process.env.ATTACHMENTS_BUCKET;
    if (!attachment || attachment.oversized || !bucket) return c.notFound();
    if (accessFor(rt.config, viewer, record).restricted)
      await recordView(rt, reference, {
        at: rt.now().toISOString(),
        who: viewer.email,
        shown: "details",
        what: "attachment",
      });
    const url = await getSignedUrl(
      s3(),
      new GetObjectCommand({
        Bucket: bucket,
        Key: attachment.key,
        ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`,
        ResponseContentType: attachment.contentType,
      }),
      { expiresIn: ATTACHMENT_URL_SECONDS },
    );
    return c.redirect(url, 302);
  };
  app.get("/console/cases/:reference/attachments/:index", attachmentRoute);
  app.get("/console/cases/:reference/messages/:message/attachments/:index", attachmentRoute);

  // ---------------------------------------------------------------------------------------------------
  // R-5: every open case with its next deadline, overdue first.
  app.get("/console/pending", async (c) => {
    const viewer = viewerOf(c);
    const open = await rt.store.openByNextDeadline(undefined, Number.POSITIVE_INFINITY);
    const now = rt.now().toISOString();
    const weekEnd = new Date(rt.now().getTime() + 7 * 86_400_000).toISOString();
    const overdue = open.filter((r) => r.overdue.length > 0 || (nextDeadline(r) ?? "~") < now);
    const dueThisWeek = open.filter((r) => !overdue.includes(r) && (nextDeadline(r) ?? "~") < weekEnd);
    const later = open.filter((r) => !overdue.includes(r) && !dueThisWeek.includes(r));
    const t = c.get("t");
    const v = vocabulary(c.get("lang"));
    const officers = triageOfficers(rt.config);
    const table = (rows: CaseRecord[]) =>
      rows.length === 0
        ? html`<p>${t("console.pending.none")}</p>`
        : html`<div class="table" tabindex="0" role="region" aria-label="${scrollable(c)}"><table><thead><tr><th scope="col">${t("console.list.reference")}</th><th scope="col">${t("console.list.status")}</th><th scope="col">${t("console.list.category")}</th><th scope="col">${t("console.pending.actor")}</th><th scope="col">${t("console.list.next")}</th></tr></thead><tbody>${rows.map(
            (r) => {
              const details = accessTo(viewer, r, officers).details;
              return html`<tr><td>${caseLink(r.reference)}</td><td>${v.status(r.status)}</td><td>${details ? v.category(rt.config, r.category) : html`<span class="tag">${t("console.list.sensitive")}</span>`}</td><td>${details ? staffName(rt.config, r.assignee) : "–"}</td><td>${deadlineCell(rt, r, c)}</td></tr>`;
            },
          )}</tbody></table></div>`;
    const body = html`<h1>${t("console.pending.title")}</h1>
<p>${t("console.pending.count", { count: open.length })}</p>
<h2>${t("console.pending.overdue", { count: overdue.length })}</h2>${table(overdue)}
<h2>${t("console.pending.week", { count: dueThisWeek.length })}</h2>${table(dueThisWeek)}
<h2>${t("console.pending.later", { count: later.length })}</h2>${table(later)}`;
    return page(c, 200, t("console.pending.title"), "pending", body);
  });

  registerIntake(app, rt);
  registerReceipt(app, rt);
  registerReports(app, rt);
}

/**
 * One received message with its sender. Issue 15: a message from somebody who is neither the complainant nor
 * their representative is flagged, never acted on, and its files are kept aside with it (not the case's).
 */
function messageItem(reference: string, m: CaseContent["messages"][number], index: number, timeZone: string) {
  const files = m.attachments ?? [];
  return html`<li>${when(m.at, timeZone, true)}, de ${m.from ?? "expéditeur sans adresse"}${m.unknownSender ? html` <span class="tag">Expéditeur inconnu : ni le plaignant ni son représentant</span>` : ""} : ${m.text}${
    files.length > 0
      ? html`<p>Pièces jointes mises à l'écart (non versées au dossier) :</p><ul>${files.map((a, i) => html`<li>${a.oversized ? html`${a.filename} (trop volumineuse, non conservée)` : html`<a href="/console/cases/${reference}/messages/${index}/attachments/${i}">${a.filename}</a> (${Math.ceil(a.size / 1024)} Ko)`}</li>`)}</ul>`
      : ""
  }</li>`;
}

/** The console's words for a list query error (case-list.ts names the field). */
function listError(c: ConsoleContext, field: string): string {
  const t = c.get("t");
  if (field === "from" || field === "to") return t("console.list.errors.date");
  if (field === "q") return t("console.list.errors.text");
  if (field === "next") return t("console.list.errors.next");
  return t("console.list.errors.unknown");
}

function deadlinesTable(rt: Runtime, record: CaseRecord): Html {
  const tz = rt.config.organisation.timeZone;
  const steps = DEADLINE_STEPS.filter((s): s is DeadlineStep => Boolean(record.deadlines[s]));
  if (steps.length === 0) return html`<p>Aucune échéance.</p>`;
  return html`<div class="table" tabindex="0" role="region" aria-label="Tableau (défilement horizontal possible)"><table><thead><tr><th scope="col">Étape</th><th scope="col">Échéance</th><th scope="col">Calcul</th><th scope="col">État</th></tr></thead><tbody>
${steps.map((step) => {
  const due = record.deadlines[step] as string;
  const basis = deadlineBasis(rt.config, record, step);
  const skipped = basis?.working ? holidaysBetween(rt.config, record.receivedAt, due) : [];
  const met = record.met[step];
  const state = record.overdue.includes(step)
    ? html`<span class="late">En retard</span>`
    : met === true
      ? "Respectée"
      : met === false
        ? html`<span class="late">Dépassée</span>`
        : "En cours";
  return html`<tr><td>${STEP_LABELS[step].fr}</td><td>${when(due, tz, true)}</td><td>${basis?.text ?? "–"}${skipped.length > 0 ? html`<br><span class="hint">Jours fériés sautés : ${skipped.join(", ")}</span>` : ""}</td><td>${state}</td></tr>`;
})}
</tbody></table></div>
<p class="hint">Fuseau horaire : ${tz}. Jours ouvrés : ${rt.config.organisation.workingDays.join(", ")} ; les jours fériés sont sautés par les délais en jours ouvrés.</p>`;
}
