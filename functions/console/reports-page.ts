// Reports (coordinator): the R-11 indicator and the period's figures with a chart (inline SVG, no script),
// the report downloads of GET /api/reports, and the register (one row per case) as CSV and XLSX.
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { Hono } from "hono";
import { html } from "hono/html";
import { KINDS } from "../domain/complaint.ts";
import type { Runtime } from "../lib/runtime.ts";
import { handleReportsRequest } from "../reports/api.ts";
import { R11_STEPS } from "../reports/compute.ts";
import { buildReport, receivedInPeriod } from "../reports/load.ts";
import { InvalidPeriodError, localDateTime, makePeriod } from "../reports/periods.ts";
import { registerCsv, registerOf, registerXlsx } from "../reports/register.ts";
import { type ConsoleContext, type ConsoleEnv, page } from "./app.ts";
import { CHANNEL_LABELS, KIND_LABELS, STATUS_LABELS, STEP_LABELS } from "./format.ts";
import type { Html } from "./layout.ts";

const pct = (share: number | null) => (share === null ? "–" : `${Math.round(share * 1000) / 10} %`);

/** The period of the query, by default the current month up to today (local dates). */
function periodOf(rt: Runtime, c: ConsoleContext) {
  const today = localDateTime(rt.now().toISOString(), rt.config.organisation.timeZone).slice(0, 10);
  const from = c.req.query("from")?.trim() || `${today.slice(0, 7)}-01`;
  const to = c.req.query("to")?.trim() || today;
  try {
    return {
      ok: true as const,
      period: makePeriod("custom", from, to, rt.config.organisation.timeZone),
      from,
      to,
    };
  } catch (error) {
    if (!(error instanceof InvalidPeriodError)) throw error;
    return {
      ok: false as const,
      message: "Période invalide : dates AAAA-MM-JJ, la fin après le début.",
      from,
      to,
    };
  }
}

function forbidden(c: ConsoleContext) {
  return page(
    c,
    403,
    "Réservé au coordinateur",
    null,
    html`<h1>Réservé au coordinateur</h1><p>Les rapports couvrent aussi les dossiers sensibles (H-D1).</p>`,
  );
}

/** Horizontal bars, one per row, with the figures written out (the chart repeats the table). */
function barChart(title: string, rows: Array<{ label: string; value: number; text: string }>): Html {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const height = rows.length * 28 + 8;
  return html`<figure><figcaption>${title}</figcaption>
<svg role="img" aria-label="${title} : ${rows.map((r) => `${r.label} ${r.text}`).join(", ")}" viewBox="0 0 600 ${height}" width="100%" height="${height}" preserveAspectRatio="xMinYMin meet">
${rows.map((r, i) => html`<text x="0" y="${i * 28 + 20}" font-size="14" fill="#1b1b1b">${r.label}</text><rect x="200" y="${i * 28 + 6}" width="${Math.max(2, Math.round((r.value / max) * 330))}" height="18" fill="#0b5394"></rect><text x="${210 + Math.round((r.value / max) * 330)}" y="${i * 28 + 20}" font-size="14" fill="#1b1b1b">${r.text}</text>`)}
</svg></figure>`;
}

export function registerReports(app: Hono<ConsoleEnv>, rt: Runtime): void {
  app.get("/console/reports", async (c) => {
    if (c.get("session").audience !== "coordinator") return forbidden(c);
    const chosen = periodOf(rt, c);
    const form = html`<form class="filters" method="get" action="/console/reports">
<div class="field"><label for="from">Du</label><input type="date" id="from" name="from" value="${chosen.from}"></div>
<div class="field"><label for="to">Au</label><input type="date" id="to" name="to" value="${chosen.to}"></div>
<div class="field"><button type="submit">Afficher</button></div></form>`;
    if (!chosen.ok)
      return page(
        c,
        400,
        "Rapports",
        "reports",
        html`<h1>Rapports</h1>${form}<p class="error" role="alert">${chosen.message}</p>`,
      );
    const report = await buildReport(rt, chosen.period);
    const q = `from=${chosen.period.from}&to=${chosen.period.to}`;
    const r11 = report.r11;
    const body = html`<h1>Rapports</h1>${form}
<h2>Indicateur R-11 : dossiers traités dans les délais</h2>
<p><strong>${pct(r11.overall.share)}</strong> (${r11.overall.met} sur ${r11.overall.completed})${r11.overall.change !== null ? html` · ${r11.overall.change >= 0 ? "+" : ""}${r11.overall.change} points par rapport à la période précédente` : ""}</p>
<div class="table" tabindex="0" role="region" aria-label="Tableau (défilement horizontal possible)"><table><thead><tr><th scope="col">Étape</th><th scope="col">Dans les délais</th><th scope="col">Terminées</th><th scope="col">Part</th></tr></thead><tbody>
${R11_STEPS.map((s) => html`<tr><td>${STEP_LABELS[s].fr}</td><td>${r11.steps[s].met}</td><td>${r11.steps[s].completed}</td><td>${pct(r11.steps[s].share)}</td></tr>`)}
</tbody></table></div>
${
  r11.series.length > 0
    ? barChart(
        "Part des étapes terminées dans les délais",
        r11.series.map((s) => ({
          label: s.label,
          value: Math.round((s.share ?? 0) * 100),
          text: pct(s.share),
        })),
      )
    : ""
}
<h2>Chiffres de la période (${report.total} dossier${report.total > 1 ? "s" : ""} reçu${report.total > 1 ? "s" : ""})</h2>
${barChart(
  "Dossiers par type",
  KINDS.map((k) => ({
    label: KIND_LABELS[k].fr,
    value: report.counts.kind[k],
    text: String(report.counts.kind[k]),
  })),
)}
<div class="table" tabindex="0" role="region" aria-label="Tableau (défilement horizontal possible)"><table><caption>Par canal</caption><thead><tr><th scope="col">Canal</th><th scope="col">Dossiers</th></tr></thead><tbody>${Object.entries(report.counts.channel).map(([ch, n]) => html`<tr><td>${CHANNEL_LABELS[ch as keyof typeof CHANNEL_LABELS]?.fr ?? ch}</td><td>${n}</td></tr>`)}</tbody></table></div>
<div class="table" tabindex="0" role="region" aria-label="Tableau (défilement horizontal possible)"><table><caption>Par statut</caption><thead><tr><th scope="col">Statut</th><th scope="col">Dossiers</th></tr></thead><tbody>${Object.entries(report.counts.status).map(([s, n]) => html`<tr><td>${STATUS_LABELS[s as keyof typeof STATUS_LABELS]?.fr ?? s}</td><td>${n}</td></tr>`)}</tbody></table></div>
<p>Appels : ${report.appeals.filed} déposés, ${report.appeals.decided} tranchés. Réponses en retard (T-13) : ${report.late.total}.</p>
<h2>Téléchargements</h2>
<ul>
<li><a href="/console/register?${q}&format=xlsx">Registre des dossiers (XLSX)</a> · <a href="/console/register?${q}&format=csv">CSV</a> : une ligne par dossier reçu dans la période</li>
<li><a href="/console/reports/download?${q}&format=xlsx">Rapport de la période (XLSX)</a> · <a href="/console/reports/download?${q}&format=csv">CSV</a></li>
</ul>`;
    return page(c, 200, "Rapports", "reports", body);
  });

  app.get("/console/reports/download", async (c) => {
    if (c.get("session").audience !== "coordinator") return forbidden(c);
    const query: Record<string, string> = {};
    for (const name of ["from", "to", "format"]) {
      const v = c.req.query(name);
      if (v) query[name] = v;
    }
    const result = await handleReportsRequest(
      { queryStringParameters: query } as unknown as APIGatewayProxyEventV2,
      "coordinator",
      rt,
    );
    const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
    const body = result.isBase64Encoded ? Buffer.from(result.body ?? "", "base64") : (result.body ?? "");
    return c.body(
      typeof body === "string" ? body : new Uint8Array(body),
      (result.statusCode ?? 200) as 200,
      headers,
    );
  });

  app.get("/console/register", async (c) => {
    if (c.get("session").audience !== "coordinator") return forbidden(c);
    const chosen = periodOf(rt, c);
    const format = c.req.query("format") ?? "xlsx";
    if (!chosen.ok || (format !== "csv" && format !== "xlsx"))
      return page(
        c,
        400,
        "Registre",
        "reports",
        html`<h1>Registre</h1><p class="error">${chosen.ok ? "Format : csv ou xlsx." : chosen.message}</p>`,
      );
    const records = await receivedInPeriod(rt.store, chosen.period.start, chosen.period.end);
    const register = registerOf(rt.config, records);
    const tz = rt.config.organisation.timeZone;
    const name = `registre-${chosen.period.from}_${chosen.period.to}.${format}`;
    const headers = { "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "no-store" };
    if (format === "csv")
      return c.body(registerCsv(register, tz), 200, {
        ...headers,
        "Content-Type": "text/csv; charset=utf-8",
      });
    const xlsx = await registerXlsx(register, tz, `Registre ${chosen.period.from} – ${chosen.period.to}`);
    return c.body(new Uint8Array(xlsx), 200, {
      ...headers,
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    });
  });
}
