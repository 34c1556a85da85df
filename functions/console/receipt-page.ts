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
export function receiptForm(csrf: Html, record: CaseRecord): Html {
  return html`<h2 id="receipt">Code de suivi</h2>
<form method="post" action="/console/cases/${record.reference}/receipt">${csrf}
<p class="hint">${record.followUp ? "Ce dossier a déjà un code de suivi. En remettre un nouveau annule l'ancien (code perdu ou connu d'un tiers)." : "À la demande du plaignant (par téléphone, par écrit…) : avec la référence et ce code, il suit son dossier, lit la réponse et peut faire appel sur la page de suivi, sans compte."}</p>
<button type="submit">${record.followUp ? "Remettre un nouveau code de suivi" : "Remettre un code de suivi"}</button></form>`;
}

export function registerReceipt(app: Hono<ConsoleEnv>, rt: Runtime): void {
  app.post("/console/cases/:reference/receipt", async (c: ConsoleContext) => {
    const session = c.get("session");
    const reference = (c.req.param("reference") ?? "").toUpperCase();
    if (!REFERENCE_PATTERN.test(reference)) return c.notFound();
    const issued = await issueReceipt(rt, { audience: session.audience, actor: session.email }, reference);
    if (!issued.ok)
      return issued.status === 404
        ? c.notFound()
        : page(
            c,
            403,
            "Action refusée",
            "cases",
            html`<h1>Action refusée</h1><p>Seul le coordinateur remet un code de suivi.</p><p><a href="/console/cases/${reference}">Retour au dossier ${reference}</a></p>`,
          );
    return page(
      c,
      201,
      `Code de suivi du dossier ${reference}`,
      "cases",
      html`<h1>Code de suivi du dossier ${reference}</h1>
<p class="notice" role="status">Donnez ce code au plaignant avec la référence. Il ne sera plus jamais affiché : notez-le seulement le temps de le lui transmettre.${issued.replaced ? " L'ancien code ne fonctionne plus." : ""}</p>
<dl><dt>Référence</dt><dd id="reference">${reference}</dd><dt>Code de suivi</dt><dd id="receipt"><code>${issued.receipt}</code></dd>
<dt>Page de suivi</dt><dd>${followUpUrl(rt)}</dd></dl>
<p>S'il perd ce code, remettez-lui-en un nouveau depuis la page du dossier.</p>
<p><a href="/console/cases/${reference}">Retour au dossier ${reference}</a></p>`,
    );
  });
}
