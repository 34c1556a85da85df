// Reports (coordinator): the R-11 indicator and the period's figures with a chart (inline SVG, no script),
// the report downloads of GET /api/reports, and the register (one row per case) as CSV and XLSX.
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { Hono } from "hono";
import { html } from "hono/html";
import { CHANNELS, type Channel, KINDS, STATUSES, type Status } from "../domain/complaint.ts";
import type { Runtime } from "../lib/runtime.ts";
import { handleReportsRequest } from "../reports/api.ts";
import { R11_STEPS } from "../reports/compute.ts";
import { buildReport, receivedInPeriod } from "../reports/load.ts";
import { InvalidPeriodError, localDateTime, makePeriod } from "../reports/periods.ts";
import { registerCsv, registerOf, registerXlsx } from "../reports/register.ts";
import { type ConsoleContext, type ConsoleEnv, page } from "./app.ts";
import { vocabulary } from "./format.ts";
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
    return { ok: false as const, message: c.get("t")("console.reports.invalidPeriod"), from, to };
  }
}

function forbidden(c: ConsoleContext) {
  const t = c.get("t");
  return page(
    c,
    403,
    t("console.reports.forbidden"),
    null,
    html`<h1>${t("console.reports.forbidden")}</h1><p>${t("console.reports.forbiddenText")}</p>`,
  );
}

/** Horizontal bars, one per row, with the figures written out (the chart repeats the table). */
function barChart(
  title: string,
  rows: Array<{ label: string; value: number; text: string }>,
  colon: string,
): Html {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const height = rows.length * 28 + 8;
  return html`<figure><figcaption>${title}</figcaption>
<svg role="img" aria-label="${title}${colon}${rows.map((r) => `${r.label} ${r.text}`).join(", ")}" viewBox="0 0 600 ${height}" width="100%" height="${height}" preserveAspectRatio="xMinYMin meet">
${rows.map((r, i) => html`<text x="0" y="${i * 28 + 20}" font-size="14" fill="#1b1b1b">${r.label}</text><rect x="200" y="${i * 28 + 6}" width="${Math.max(2, Math.round((r.value / max) * 330))}" height="18" fill="#0b5394"></rect><text x="${210 + Math.round((r.value / max) * 330)}" y="${i * 28 + 20}" font-size="14" fill="#1b1b1b">${r.text}</text>`)}
</svg></figure>`;
}

export function registerReports(app: Hono<ConsoleEnv>, rt: Runtime): void {
  app.get("/console/reports", async (c) => {
    if (c.get("session").audience !== "coordinator") return forbidden(c);
    const t = c.get("t");
    const v = vocabulary(c.get("lang"));
    const colon = t("format.colon");
    const scroll = t("console.table.scroll");
    const chosen = periodOf(rt, c);
    const form = html`<form class="filters" method="get" action="/console/reports">
<div class="field"><label for="from">${t("console.reports.from")}</label><input type="date" id="from" name="from" value="${chosen.from}"></div>
<div class="field"><label for="to">${t("console.reports.to")}</label><input type="date" id="to" name="to" value="${chosen.to}"></div>
<div class="field"><button type="submit">${t("console.reports.show")}</button></div></form>`;
    if (!chosen.ok)
      return page(
        c,
        400,
        t("console.reports.title"),
        "reports",
        html`<h1>${t("console.reports.title")}</h1>${form}<p class="error" role="alert">${chosen.message}</p>`,
      );
    const report = await buildReport(rt, chosen.period);
    const q = `from=${chosen.period.from}&to=${chosen.period.to}`;
    const r11 = report.r11;
    const body = html`<h1>${t("console.reports.title")}</h1>${form}
<h2>${t("console.reports.r11")}</h2>
<p><strong>${pct(r11.overall.share)}</strong> (${t("console.reports.metOf", { met: r11.overall.met, completed: r11.overall.completed })})${r11.overall.change !== null ? html` · ${t("console.reports.change", { change: `${r11.overall.change >= 0 ? "+" : ""}${r11.overall.change}` })}` : ""}</p>
<div class="table" tabindex="0" role="region" aria-label="${scroll}"><table><thead><tr><th scope="col">${t("console.reports.step")}</th><th scope="col">${t("console.reports.inTime")}</th><th scope="col">${t("console.reports.completed")}</th><th scope="col">${t("console.reports.share")}</th></tr></thead><tbody>
${R11_STEPS.map((step) => html`<tr><td>${v.step(step)}</td><td>${r11.steps[step].met}</td><td>${r11.steps[step].completed}</td><td>${pct(r11.steps[step].share)}</td></tr>`)}
</tbody></table></div>
${
  r11.series.length > 0
    ? barChart(
        t("console.reports.seriesTitle"),
        r11.series.map((point) => ({
          label: point.label,
          value: Math.round((point.share ?? 0) * 100),
          text: pct(point.share),
        })),
        colon,
      )
    : ""
}
<h2>${t("console.reports.figures", { count: report.total })}</h2>
${barChart(
  t("console.reports.byKind"),
  KINDS.map((k) => ({
    label: v.kind(k),
    value: report.counts.kind[k],
    text: String(report.counts.kind[k]),
  })),
  colon,
)}
<div class="table" tabindex="0" role="region" aria-label="${scroll}"><table><caption>${t("console.reports.byChannel")}</caption><thead><tr><th scope="col">${t("console.list.channel")}</th><th scope="col">${t("console.reports.cases")}</th></tr></thead><tbody>${Object.entries(report.counts.channel).map(([ch, n]) => html`<tr><td>${(CHANNELS as readonly string[]).includes(ch) ? v.channel(ch as Channel) : ch}</td><td>${n}</td></tr>`)}</tbody></table></div>
<div class="table" tabindex="0" role="region" aria-label="${scroll}"><table><caption>${t("console.reports.byStatus")}</caption><thead><tr><th scope="col">${t("console.list.status")}</th><th scope="col">${t("console.reports.cases")}</th></tr></thead><tbody>${Object.entries(report.counts.status).map(([st, n]) => html`<tr><td>${(STATUSES as readonly string[]).includes(st) ? v.status(st as Status) : st}</td><td>${n}</td></tr>`)}</tbody></table></div>
<p>${t("console.reports.appealsLate", { filed: report.appeals.filed, decided: report.appeals.decided, late: report.late.total })}</p>
<h2>${t("console.reports.downloads")}</h2>
<ul>
<li><a href="/console/register?${q}&format=xlsx">${t("console.reports.registerXlsx")}</a> · <a href="/console/register?${q}&format=csv">CSV</a>${colon}${t("console.reports.registerText")}</li>
<li><a href="/console/reports/download?${q}&format=xlsx">${t("console.reports.reportXlsx")}</a> · <a href="/console/reports/download?${q}&format=csv">CSV</a></li>
</ul>`;
    return page(c, 200, t("console.reports.title"), "reports", body);
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
        c.get("t")("console.reports.register"),
        "reports",
        html`<h1>${c.get("t")("console.reports.register")}</h1><p class="error">${chosen.ok ? c.get("t")("console.reports.format") : chosen.message}</p>`,
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
