// The console's pages: My tasks, Cases, the case page, Pending this week (R-5). Intake and reports are in
// intake-page.ts and reports-page.ts. Who sees what: functions/domain/access.ts.

import { GetObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Hono } from "hono";
import { html, raw } from "hono/html";
import { cleanQuery, listCases, listQuerySchema } from "../api/case-list.ts";
import { accessFor, accessTo, keepsDetailsPrivate, triageOfficers, type Viewer } from "../domain/access.ts";
import {
  type CaseContent,
  type CaseRecord,
  CHANNELS,
  type Channel,
  CLOSURES,
  type Closure,
  DEADLINE_STEPS,
  type DeadlineStep,
  investigationOf,
  KINDS,
  STATUSES,
  type TimelineEvent,
} from "../domain/complaint.ts";
import { labelIn } from "../domain/config-schema.ts";
import { caseConfig } from "../domain/live-config.ts";
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
  deadlineBasis,
  holidaysBetween,
  isTaskStep,
  localDay,
  staffName,
  vocabulary,
  weekdays,
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

const caseLink = (reference: string) =>
  html`<a class="ref" href="/console/cases/${reference}">${reference}</a>`;

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
    const step = c.req.param("step");
    const t = c.get("t");
    if (!REFERENCE_PATTERN.test(reference) || !isTaskStep(step))
      return page(c, 404, t("console.task.notFound"), "tasks", html`<h1>${t("console.task.notFound")}</h1>`);
    const url = await reissueForActor(rt, reference, step, viewer.email);
    if (!url)
      return page(
        c,
        404,
        t("console.task.notFound"),
        "tasks",
        html`<h1>${t("console.task.closed")}</h1><p>${t("console.task.closedText")} <a href="/console/">${t("console.task.back")}</a></p>`,
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
  rt.config.categories.map((cat) => [cat.id, labelIn(cat.label, lang)]),
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
    const access = accessFor(rt.config, viewer, record);
    const details = access.details;
    const sensitive = access.restricted;
    if (sensitive)
      await recordView(rt, reference, {
        at: rt.now().toISOString(),
        who: viewer.email,
        shown: details ? "details" : "status",
        what: "page",
      });
    const t = c.get("t");
    const lang = c.get("lang");
    const v = vocabulary(lang);
    const title = t("console.case.title", { reference });
    const summary = html`<dl>
<dt>${t("console.case.status")}</dt><dd>${v.status(record.status)}${record.closure ? ` · ${v.closure(record.closure)}` : ""}${record.closedAt ? ` ${t("console.case.closedOn", { date: v.when(record.closedAt, tz()) })}` : ""}</dd>
<dt>${t("console.case.kind")}</dt><dd>${v.kind(record.kind)}</dd>
<dt>${t("console.case.received")}</dt><dd>${v.when(record.receivedAt, tz(), true)}</dd>
${record.flags.includes("needs-attention") ? html`<dt>${t("console.case.attention")}</dt><dd class="late">${v.flag("needs-attention")}</dd>` : ""}
</dl>`;
    const deadlines = deadlinesTable(rt, record, c);
    if (!details) {
      const body = html`<h1>${title}</h1>
<p class="notice warn">${t(record.sensitive ? "console.case.restrictedSensitive" : "console.case.restrictedUntriaged")}</p>
${summary}<h2>${t("console.case.deadlines")}</h2>${deadlines}`;
      return page(c, 200, title, "cases", body);
    }
    const [content, timeline, views, links, kept] = await Promise.all([
      rt.store.getContent(reference),
      rt.store.timeline(reference),
      viewer.audience === "coordinator" && sensitive ? viewsOf(rt, reference) : Promise.resolve([]),
      activeLinksOf(rt, reference),
      // H-D1: the private details are read only for those who keep them (access.ts).
      access.investigation && keepsDetailsPrivate(record)
        ? rt.store.getDetails(reference)
        : Promise.resolve(null),
    ]);
    const found = access.investigation ? investigationOf(content, kept) : null;
    const keptNotice = html`<p class="hint">${t("console.case.detailsKept", { name: staffName(rt.config, record.responsible) })}</p>`;
    // The steps the viewer holds on this case: opened from here as from My tasks (a fresh link each time).
    const mine = links.filter((l) => l.actor === viewer.email && isTaskStep(l.step));
    const contact = access.contact;
    const optional = (key: string, value: string | null | undefined) =>
      value ? html`<dt>${t(`console.case.${key}`)}</dt><dd>${value}</dd>` : "";
    const person = (p: CaseContent["complainant"] | CaseContent["representative"], withContact: boolean) =>
      p
        ? html`${optional("name", p.name)}${withContact ? html`${optional("email", p.email)}${p.phone ? html`<dt>${t("console.case.phone")}</dt><dd><a href="tel:${p.phone.replace(/[^\d+]/g, "")}">${p.phone}</a></dd>` : ""}${optional("address", p.address)}` : ""}`
        : "";
    const recorded = c.req.query("recorded") === "1";
    const acted = c.req.query("done");
    const consent =
      content.consentToShare === true
        ? "console.case.consentYes"
        : content.consentToShare === false
          ? "console.case.consentNo"
          : "console.case.consentUnknown";
    const appealDecision =
      record.appealOutcome === "upheld"
        ? t("console.case.upheld")
        : record.appealOutcome === "revised"
          ? t("console.case.revised")
          : null;
    const body = html`<h1>${title}</h1>
${actionNotice(c, acted)}
${recorded ? html`<p class="notice" role="status">${emphasise(t("console.case.recorded", { reference }), reference)}</p>` : ""}
${sensitive ? html`<p class="notice warn">${t(record.sensitive ? "console.case.warnSensitive" : "console.case.warnUntriaged")}</p>` : ""}
${
  mine.length > 0
    ? html`<section class="notice" aria-labelledby="your-task"><h2 id="your-task">${t("console.case.yourTask")}</h2>${mine.map(
        (l) => {
          const task = v.task(l.step as TaskAction);
          return html`<form method="post" action="/console/tasks/${reference}/${l.step}">${csrfField(c)}<p>${task} · ${t("console.tasks.due")} ${v.when(l.expiresAt, tz(), true)} <button type="submit" aria-label="${t("console.tasks.openLabel", { task, reference })}">${t("console.tasks.open")}</button></p></form>`;
        },
      )}</section>`
    : ""
}
${summary}
<h2>${t("console.case.complaint")}</h2>
<dl>
<dt>${t("console.case.channel")}</dt><dd>${v.channel(record.channel)}</dd>
<dt>${t("console.case.language")}</dt><dd>${v.languageName(record.language)}</dd>
${optional("subject", content.subject)}
<dt>${t("console.case.description")}</dt><dd>${content.description || "–"}</dd>
${optional("factsDate", content.factsDate ? localDay(content.factsDate, lang) : null)}
${optional("service", content.service)}
${optional("personsConcerned", content.personsConcerned)}
${optional("expectations", content.expectations)}
${content.concernedStaff.length > 0 ? html`<dt>${t("console.case.concernedStaff")}</dt><dd>${content.concernedStaff.join(", ")}</dd>` : ""}
</dl>
<h2>${t("console.case.complainant")}</h2>
${record.anonymous ? html`<p>${t("console.case.anonymous")}</p>` : html`<dl>${person(content.complainant, contact)}</dl>`}
${record.anonymous ? "" : html`<p>${t("console.case.consent", { answer: t(consent) })}</p>`}
${!contact && !record.anonymous ? html`<p class="hint">${t("console.case.contactHidden")}</p>` : ""}
${content.representative ? html`<h3>${t("console.case.representative")}</h3><dl>${person(content.representative, contact)}${optional("relation", content.representative.relation)}</dl>` : ""}
<h2>${t("console.case.deadlines")}</h2>${deadlines}
<h2>${t("console.case.triage")}</h2>
<dl>
<dt>${t("console.case.category")}</dt><dd>${record.sensitive ? t("console.case.categorySensitive", { category: v.category(rt.config, record.category) }) : v.category(rt.config, record.category)}</dd>
<dt>${t("console.case.severity")}</dt><dd>${v.severity(rt.config, record.severity)}</dd>
<dt>${t("console.case.admissible")}</dt><dd>${record.admissible === null ? "–" : t(record.admissible ? "console.case.yes" : "console.case.no")}</dd>
${optional("triageReason", content.triageReason)}
${optional("risks", found?.risks)}
${record.flags.length > 0 ? html`<dt>${t("console.case.flags")}</dt><dd>${record.flags.map((f) => html`<span class="tag">${v.flag(f)}</span>`)}</dd>` : ""}
</dl>
<h2>${t("console.case.assignment")}</h2>
<dl><dt>${t("console.case.assignee")}</dt><dd>${staffName(rt.config, record.assignee)}</dd><dt>${t("console.case.responsible")}</dt><dd>${staffName(rt.config, record.responsible)}</dd>${optional("courseOfAction", found?.courseOfAction)}</dl>
<h2>${t("console.case.contact")}</h2>
${
  !found
    ? keptNotice
    : html`${found.contactNote ? html`<dl>${optional("contactNote", found.contactNote)}</dl>` : ""}
${found.progress.length > 0 ? html`<ul>${found.progress.map((p) => html`<li>${t("console.case.progressItem", { date: v.when(p.at, tz(), true), note: p.note })}</li>`)}</ul>` : html`<p>${t("console.case.noProgress")}</p>`}`
}
<h2>${t("console.case.outcomeTitle")}</h2>
${!content.outcome && !found?.response ? html`<p>${t("console.case.noOutcome")}</p>` : html`<dl>${optional("outcome", content.outcome ? v.outcome(content.outcome) : null)}${optional("measures", found?.measures)}${optional("response", found?.response)}${optional("lateJustification", content.lateJustification)}</dl>${found ? "" : keptNotice}`}
<h2>${t("console.case.appeal")}</h2>
${record.appeals === 0 ? html`<p>${t("console.case.noAppeal")}</p>` : html`<dl><dt>${t("console.case.appeals")}</dt><dd>${record.appeals}</dd>${optional("appealHandler", record.appealHandler ? staffName(rt.config, record.appealHandler) : null)}${optional("appealReason", content.appealReason)}${optional("appealDecision", appealDecision)}${optional("appealReasoning", content.appealReasoning)}</dl>`}
<h2>${t("console.case.attachments")}</h2>
${
  content.attachments.length === 0
    ? html`<p>${t("console.case.noAttachment")}</p>`
    : html`<ul>${content.attachments.map((a, i) => attachmentItem(c, a, `/console/cases/${reference}/attachments/${i}`))}</ul><p class="hint">${t("console.case.linksValid", { count: ATTACHMENT_URL_SECONDS / 60 })}</p>`
}
${content.messages.length > 0 ? html`<h2>${t("console.case.messages")}</h2><ul>${content.messages.map((m, mi) => messageItem(c, reference, m, mi, tz()))}</ul>` : ""}
<h2>${t("console.case.history")}</h2>
<div class="table" tabindex="0" role="region" aria-label="${scrollable(c)}"><table class="cards"><thead><tr><th scope="col">${t("console.case.date")}</th><th scope="col">${t("console.case.event")}</th><th scope="col">${t("console.case.by")}</th><th scope="col">${t("console.case.detail")}</th></tr></thead><tbody>
${timeline.map((e) => {
  const detail = eventDetail(rt, c, e);
  return html`<tr><td data-label="${t("console.case.date")}">${v.when(e.at, tz(), true)}</td><td data-label="${t("console.case.event")}">${v.event(e.type)}</td><td data-label="${t("console.case.by")}">${actorName(rt, c, e.actor)}</td>${detail ? html`<td data-label="${t("console.case.detail")}">${detail}</td>` : html`<td></td>`}</tr>`;
})}
</tbody></table></div>
${actionForms(c, rt, record, content)}
${viewer.audience === "coordinator" ? receiptForm(c, record) : ""}
${
  viewer.audience === "coordinator" && sensitive
    ? html`<h2>${t("console.case.views")}</h2>${views.length === 0 ? html`<p>${t("console.case.noViews")}</p>` : html`<div class="table" tabindex="0" role="region" aria-label="${scrollable(c)}"><table><thead><tr><th scope="col">${t("console.case.date")}</th><th scope="col">${t("console.case.by")}</th><th scope="col">${t("console.case.seen")}</th></tr></thead><tbody>${views.map((view) => html`<tr><td>${v.when(view.at, tz(), true)}</td><td>${staffName(rt.config, view.who)}</td><td>${t(view.what === "attachment" ? "console.case.seenAttachment" : view.shown === "details" ? "console.case.seenDetails" : "console.case.seenStatus")}</td></tr>`)}</tbody></table></div>`}`
    : ""
}`;
    return page(c, 200, title, "cases", body);
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
        c.get("t")("console.case.deniedTitle"),
        "cases",
        html`<h1>${c.get("t")("console.case.deniedTitle")}</h1><p>${c.get("t")("console.case.deniedText")}</p>`,
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
        : // On a phone each case is a card (label and value per line): who must act and by when stay in view.
          html`<div class="table" tabindex="0" role="region" aria-label="${scrollable(c)}"><table class="cards"><thead><tr><th scope="col">${t("console.list.reference")}</th><th scope="col">${t("console.list.status")}</th><th scope="col">${t("console.list.category")}</th><th scope="col">${t("console.pending.actor")}</th><th scope="col">${t("console.list.next")}</th></tr></thead><tbody>${rows.map(
            (r) => {
              const details = accessTo(viewer, r, officers).details;
              return html`<tr><td data-label="${t("console.list.reference")}">${caseLink(r.reference)}</td><td data-label="${t("console.list.status")}">${v.status(r.status)}</td><td data-label="${t("console.list.category")}">${details ? v.category(rt.config, r.category) : html`<span class="tag">${t("console.list.sensitive")}</span>`}</td><td data-label="${t("console.pending.actor")}">${details ? staffName(rt.config, r.assignee) : "–"}</td><td data-label="${t("console.list.next")}"><span>${deadlineCell(rt, r, c)}</span></td></tr>`;
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

/** An attachment: its download link (a short-lived signed URL behind it), or why there is none. */
function attachmentItem(c: ConsoleContext, a: CaseContent["attachments"][number], href: string): Html {
  const t = c.get("t");
  return html`<li>${a.oversized ? t("console.case.oversized", { name: a.filename }) : html`<a href="${href}">${a.filename}</a> (${t("console.case.size", { size: Math.ceil(a.size / 1024) })})`}</li>`;
}

/**
 * One received message with its sender. Issue 15: a message from somebody who is neither the complainant nor
 * their representative is flagged, never acted on, and its files are kept aside with it (not the case's).
 */
function messageItem(
  c: ConsoleContext,
  reference: string,
  m: CaseContent["messages"][number],
  index: number,
  timeZone: string,
) {
  const t = c.get("t");
  const v = vocabulary(c.get("lang"));
  const files = m.attachments ?? [];
  return html`<li>${t("console.case.messageFrom", { date: v.when(m.at, timeZone, true), from: m.from ?? t("console.case.noAddress") })}${m.unknownSender ? html` <span class="tag">${t("console.case.unknownSender")}</span>` : ""}${c.get("lang") === "fr" ? "\u00a0:" : ":"} ${m.text}${
    files.length > 0
      ? html`<p>${t("console.case.setAside")}</p><ul>${files.map((a, i) => attachmentItem(c, a, `/console/cases/${reference}/messages/${index}/attachments/${i}`))}</ul>`
      : ""
  }</li>`;
}

/** Wraps each occurrence of `part` (a reference) in <strong>; the rest is escaped. */
function emphasise(text: string, part: string): Html {
  const pieces = text.split(part);
  return html`${pieces.map((piece, i) => html`${i > 0 ? html`<strong>${part}</strong>` : ""}${piece}`)}`;
}

/** Who acted: a staff member by name, the workflow as such, the complainant as they are recorded. */
function actorName(rt: Runtime, c: ConsoleContext, actor: string): string {
  if (actor === "cfm") return c.get("t")("console.case.system");
  if (actor === "complainant") return c.get("t")("console.case.complainantActor");
  return actor.includes("@") ? staffName(rt.config, actor) : actor;
}

const ADDRESS = /^[^\s@]+@[^\s@]+$/;

/**
 * The timeline's detail in the staff member's words where it is a code the workflow wrote (a step, a channel,
 * a closure, "on-time"); free text (a reason, a note) as written.
 */
function eventDetail(rt: Runtime, c: ConsoleContext, e: TimelineEvent): string {
  const detail = e.detail ?? "";
  if (detail === "") return "";
  const t = c.get("t");
  const v = vocabulary(c.get("lang"));
  const codes: Record<string, string> = {
    "no-contact": "console.detail.noContact",
    "on-time": "console.detail.onTime",
    late: "console.detail.late",
    "progress-update": "console.detail.progressUpdate",
    "appeal-decision": "console.detail.appealDecision",
    note: "console.detail.note",
    conclusion: "console.detail.conclusion",
    "closure-confirmed": "console.detail.closureConfirmed",
    explanations: "console.detail.explanations",
    "follow-up": "console.detail.followUp",
    "replaces the previous code": "console.detail.receiptReplaced",
    upheld: "console.detail.upheld",
    revised: "console.detail.revised",
  };
  const code = codes[detail];
  if (code) return t(code);
  // H-E2: the member the appeal officer assigned to handle the appeal.
  if (e.type === "assigned" && detail.startsWith("appeal:"))
    return t("console.detail.appealMember", { name: staffName(rt.config, detail.slice("appeal:".length)) });
  if (ADDRESS.test(detail)) return staffName(rt.config, detail);
  // A step given to another person: "from → to: reason" (functions/api/case-actions.ts).
  const handOver = e.type === "reassigned" ? /^(\S+@\S+) → (\S+@\S+?): ([\s\S]*)$/.exec(detail) : null;
  if (handOver)
    return t("console.detail.handOver", {
      from: staffName(rt.config, handOver[1] ?? ""),
      to: staffName(rt.config, handOver[2] ?? ""),
      reason: handOver[3] ?? "",
    });
  if (detail.startsWith("needs-attention: "))
    return t("console.detail.needsAttention", { error: detail.slice("needs-attention: ".length) });
  if (e.type === "acknowledged" || e.type === "message") {
    const channel = (CHANNELS as readonly string[]).includes(detail) ? (detail as Channel) : null;
    if (channel) {
      const name = v.channel(channel);
      return t("console.detail.viaChannel", {
        channel: /[A-Z].*[A-Z]/.test(name) ? name : name.toLowerCase(),
      });
    }
  }
  if (e.type === "reminder" && (DEADLINE_STEPS as readonly string[]).includes(detail))
    return v.step(detail as DeadlineStep);
  if (e.type === "closed" && (CLOSURES as readonly string[]).includes(detail))
    return v.closure(detail as Closure);
  if (e.type === "triaged") {
    const category = rt.config.categories.find((cat) => cat.id === detail);
    if (category) return labelIn(category.label, c.get("lang"));
  }
  return detail;
}

/** The console's words for a list query error (case-list.ts names the field). */
function listError(c: ConsoleContext, field: string): string {
  const t = c.get("t");
  if (field === "from" || field === "to") return t("console.list.errors.date");
  if (field === "q") return t("console.list.errors.text");
  if (field === "next") return t("console.list.errors.next");
  return t("console.list.errors.unknown");
}

function deadlinesTable(rt: Runtime, record: CaseRecord, c: ConsoleContext): Html {
  const tz = rt.config.organisation.timeZone;
  // Issue 12: the calendar the case's deadlines were counted on (the one of the config it was received under).
  const calendar = caseConfig(rt.config, record);
  const t = c.get("t");
  const lang = c.get("lang");
  const v = vocabulary(lang);
  const steps = DEADLINE_STEPS.filter((s): s is DeadlineStep => Boolean(record.deadlines[s]));
  if (steps.length === 0) return html`<p>${t("console.case.deadline.none")}</p>`;
  return html`<div class="table" tabindex="0" role="region" aria-label="${scrollable(c)}"><table class="cards"><thead><tr><th scope="col">${t("console.case.deadline.step")}</th><th scope="col">${t("console.case.deadline.due")}</th><th scope="col">${t("console.case.deadline.basis")}</th><th scope="col">${t("console.case.deadline.state")}</th></tr></thead><tbody>
${steps.map((step) => {
  const due = record.deadlines[step] as string;
  const basis = deadlineBasis(rt.config, record, step, t);
  const skipped = basis?.working ? holidaysBetween(calendar, record.receivedAt, due) : [];
  const met = record.met[step];
  const state = record.overdue.includes(step)
    ? html`<span class="late">${t("console.case.deadline.late")}</span>`
    : met === true
      ? t("console.case.deadline.met")
      : met === false
        ? html`<span class="late">${t("console.case.deadline.missed")}</span>`
        : t("console.case.deadline.running");
  const label = (key: string) => t(`console.case.deadline.${key}`);
  return html`<tr><td data-label="${label("step")}">${v.step(step)}</td><td data-label="${label("due")}">${v.when(due, tz, true)}</td><td data-label="${label("basis")}">${basis?.text ?? "–"}${skipped.length > 0 ? html`<br><span class="hint">${t("console.case.deadline.holidays", { days: skipped.map((d) => localDay(d, lang)).join(", ") })}</span>` : ""}</td><td data-label="${label("state")}">${state}</td></tr>`;
})}
</tbody></table></div>
<p class="hint">${t("console.case.deadline.footer", { timeZone: tz, days: weekdays(calendar.organisation.workingDays, lang) })}</p>`;
}
