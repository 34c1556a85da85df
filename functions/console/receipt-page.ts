// Issue 16: the coordinator issues a receipt code for a case from its page (a complainant who phoned or wrote
// asks to follow their case on the follow-up page). The code is shown on the answer page once, never again;
// issuing another replaces it (functions/api/receipt-issue.ts).
import type { Hono } from "hono";
import { html } from "hono/html";
import { issueReceipt } from "../api/receipt-issue.ts";
import type { CaseRecord } from "../domain/complaint.ts";
import { REFERENCE_PATTERN } from "../domain/vocabulary.ts";
import type { Runtime } from "../lib/runtime.ts";
import { type ConsoleContext, type ConsoleEnv, page } from "./app.ts";
import type { Html } from "./layout.ts";

/** The follow-up page, beside the task links (`…/t/` → `…/follow-up`), as the closing email's link is. */
export const followUpUrl = (rt: Runtime) => `${rt.taskBaseUrl.replace(/t\/$/, "")}follow-up`;

/** The case page's form (coordinator only). */
export function receiptForm(c: ConsoleContext, record: CaseRecord): Html {
  const t = c.get("t");
  return html`<h2 id="receipt">${t("console.receipt.title")}</h2>
<form method="post" action="/console/cases/${record.reference}/receipt"><input type="hidden" name="_csrf" value="${c.get("csrf")}">
<p class="hint">${t(record.followUp ? "console.receipt.hintExisting" : "console.receipt.hintNew")}</p>
<button type="submit">${t(record.followUp ? "console.receipt.submitNew" : "console.receipt.submit")}</button></form>`;
}

export function registerReceipt(app: Hono<ConsoleEnv>, rt: Runtime): void {
  app.post("/console/cases/:reference/receipt", async (c: ConsoleContext) => {
    const session = c.get("session");
    const t = c.get("t");
    const reference = (c.req.param("reference") ?? "").toUpperCase();
    if (!REFERENCE_PATTERN.test(reference)) return c.notFound();
    const issued = await issueReceipt(rt, { audience: session.audience, actor: session.email }, reference);
    const back = html`<p><a href="/console/cases/${reference}">${t("console.actions.back", { reference })}</a></p>`;
    if (!issued.ok)
      return issued.status === 404
        ? c.notFound()
        : page(
            c,
            403,
            t("console.actions.refused"),
            "cases",
            html`<h1>${t("console.actions.refused")}</h1><p>${t("console.receipt.refusedText")}</p>${back}`,
          );
    const title = t("console.receipt.pageTitle", { reference });
    return page(
      c,
      201,
      title,
      "cases",
      html`<h1>${title}</h1>
<p class="notice" role="status">${t("console.receipt.notice")}${issued.replaced ? ` ${t("console.receipt.replaced")}` : ""}</p>
<dl><dt>${t("console.receipt.reference")}</dt><dd id="reference">${reference}</dd><dt>${t("console.receipt.code")}</dt><dd id="receipt"><code>${issued.receipt}</code></dd>
<dt>${t("console.receipt.page")}</dt><dd>${followUpUrl(rt)}</dd></dl>
<p>${t("console.receipt.lost")}</p>
${back}`,
    );
  });
}
