// A Report as files people open (R-13): CSV for Excel in French or English, XLSX, and the HTML email
// summary (with its plain-text twin). CSV and XLSX are built from one table model so they hold the same
// figures; the email is a digest of them.
//
// CSV for Excel: UTF-8 with a byte-order mark (without it Excel reads UTF-8 as the ANSI code page and
// breaks the accents), `;` as separator and `,` as decimal mark for French Excel, `,` and `.` for English
// Excel, CRLF line ends, every text field quoted, every row the same width (RFC 4180). No "sep=;" first
// line: Excel then ignores the BOM. Text that Excel would read as a formula (= + - @, tab, CR) is prefixed
// with an apostrophe (OWASP CSV injection); numbers are written as numbers and need no guard.
//
// The email chart is a table of coloured cells, not SVG: Gmail and Outlook on Windows drop inline SVG, and
// Gmail blocks data: URI images, while table cells with bgcolor and a width render in every common client
// (Outlook's Word engine included) and stay readable as text (each bar has its figure next to it).

import type ExcelJS from "exceljs";
import type { DeadlineStep } from "../domain/complaint.ts";
import type { Language, OrgConfig } from "../domain/config.ts";
import { labelIn, labelOf } from "../domain/config-schema.ts";
import type { CATALOGS } from "../i18n/catalogs.ts";
import { translate, type Values } from "../i18n/i18n.ts";
import { label } from "../i18n/labels.ts";
import { colon, escapeHtml } from "../mail/html.ts";
import type { Cell, Indicator, R11Step, Report, Timing } from "./compute.ts";
import { R11_STEPS } from "./compute.ts";
import { localDateTime } from "./periods.ts";

// ---------------------------------------------------------------------------------------------------------
// The table model

type Value =
  | string
  | number
  | null
  | { percent: number | null }
  | { instant: string | null }
  | { date: string | null };

export interface ReportTable {
  id:
    | "meta"
    | "r11"
    | "timings"
    | "counts"
    | "categories"
    | "appeals"
    | "loop"
    | "pending"
    | "late"
    | "legend";
  title: string;
  header: string[];
  rows: Value[][];
}

export interface RenderOptions {
  language: Language;
  /** Category and severity labels. */
  config?: OrgConfig;
  /** The console's pending page (R-5: the complete list, for every officer), when known. */
  pendingUrl?: string;
}

type ReportWord = Exclude<keyof (typeof CATALOGS)["fr"]["reports"], "title"> | `title.${Report["kind"]}`;
/** A word of the reports (catalog namespace `reports`). */
const t = (word: ReportWord, language: Language, values?: Values) =>
  translate(language, `reports.${word}`, values);
const cell = (c: Cell | undefined): Value => (c === undefined ? null : c);

/** R-11: how the indicator counts, said wherever it is shown (open steps past due, acknowledgements never sent). */
function r11Notes(report: Report, language: Language): string[] {
  const notSent = report.r11.acknowledgementsNotSent;
  return [
    t("r11Method", language),
    ...(notSent > 0 ? [translate(language, "reports.r11NotSent", { count: notSent })] : []),
  ];
}

function categoryLabel(report: Report, id: string | null | undefined, language: Language): string {
  if (id === undefined || id === null) return "";
  const row = report.categories.find((c) => c.id === id);
  return row ? labelIn(row.label, language) : id;
}

function severityLabel(id: string, language: Language, config?: OrgConfig): string {
  if (id === "none") return t("severityNone", language);
  return config ? labelOf(config.severities, id, language) : id;
}

const stepsLabel = (steps: readonly DeadlineStep[], language: Language) =>
  steps.map((s) => label(language, "step", s)).join(", ");

/** Issue 18: a report holds the first page of each list; this says how many there are and where the rest is. */
export function pendingPageNote(report: Report, options: RenderOptions): string | null {
  if (report.pendingTotal <= report.pending.length) return null;
  const where = options.pendingUrl ? ` (${options.pendingUrl})` : "";
  return t("pendingPage", options.language, {
    shown: report.pending.length,
    total: report.pendingTotal,
    where,
  });
}

export function latePageNote(report: Report, language: Language): string | null {
  if (report.late.total <= report.late.rows.length) return null;
  return t("latePage", language, { shown: report.late.rows.length, total: report.late.total });
}

/** The local date before which a deadline counts as passed (the report's own day). */
const cutoffNote = (report: Report, language: Language) =>
  `${t("cutoff", language)} ${localDateTime(report.generatedAt, report.timeZone).slice(0, 10)}.`;

/** A note row under a list (none when null). */
const notes = (note: string | null): Value[][] => (note === null ? [] : [[note]]);

export function reportTables(report: Report, options: RenderOptions): ReportTable[] {
  const { language: l, config } = options;
  const yesNo = (b: boolean) => t(b ? "yes" : "no", l);
  const indicatorRow = (label: string, i: Indicator): Value[] => [
    label,
    i.met,
    i.completed,
    { percent: i.share },
    { percent: i.previous?.share ?? null },
    i.change,
  ];
  const timingRow = (label: string, x: Timing): Value[] => [label, x.count, x.medianDays, x.p90Days];
  const c = report.counts;
  const counts: Value[][] = [
    ...Object.entries(c.kind).map(([k, n]) => [t("kind", l), label(l, "kind", k as never), n]),
    ...Object.entries(c.channel).map(([k, n]) => [t("channel", l), label(l, "channel", k as never), n]),
    ...Object.entries(c.severity).map(([k, n]) => [t("severity", l), severityLabel(k, l, config), n]),
    ...Object.entries(c.status).map(([k, n]) => [t("status", l), label(l, "status", k as never), n]),
    ...Object.entries(c.closure).map(([k, n]) => [t("closure", l), label(l, "closure", k as never), n]),
  ];
  const includeText = report.late.rows.some((r) => r.justification !== undefined);
  return [
    {
      id: "meta",
      title: `${t(`title.${report.kind}`, l)}${colon(l)}${periodLabel(report, l)}`,
      header: [t("item", l), t("value", l), ""],
      rows: [
        [t("organisation", l), report.organisation, null],
        [t("period", l), { date: report.period.from }, { date: report.period.to }],
        ...(report.previousPeriod
          ? [
              [
                t("previousPeriod", l),
                { date: report.previousPeriod.from },
                { date: report.previousPeriod.to },
              ],
            ]
          : []),
        [t("timeZone", l), report.timeZone, null],
        [t("generatedAt", l), { instant: report.generatedAt }, null],
        [t("received", l), report.total, null],
      ],
    },
    {
      id: "r11",
      title: t("r11Title", l),
      header: [
        t("step", l),
        t("withinDeadline", l),
        t("completed", l),
        t("share", l),
        t("previousShare", l),
        t("change", l),
      ],
      rows: [
        indicatorRow(t("overall", l), report.r11.overall),
        ...R11_STEPS.map((s) => indicatorRow(label(l, "step", s), report.r11.steps[s])),
      ],
    },
    {
      id: "timings",
      title: t("timings", l),
      header: [t("measure", l), t("cases", l), t("median", l), t("p90", l)],
      rows: report.timings.available
        ? [
            timingRow(t("timeToAcknowledge", l), report.timings.acknowledge),
            timingRow(t("timeToRespond", l), report.timings.respond),
          ]
        : [[t("timingsUnavailable", l), null, null, null]],
    },
    {
      id: "counts",
      title: t("breakdown", l),
      header: [t("dimension", l), t("value", l), t("count", l)],
      rows: counts,
    },
    {
      id: "categories",
      title: t("byCategory", l),
      header: [
        t("category", l),
        t("sensitive", l),
        t("total", l),
        t("open", l),
        t("closed", l),
        ...["high", "medium", "low"].map((s) => severityLabel(s, l, config)),
        t("overdue", l),
        t("respondMet", l),
        t("respondMissed", l),
        t("respondShare", l),
      ],
      rows: report.categories.map((row) => {
        const b = row.breakdown;
        return [
          labelIn(row.label, l),
          yesNo(row.sensitive),
          cell(row.total),
          cell(b?.open),
          cell(b?.closed),
          cell(b?.severity?.high),
          cell(b?.severity?.medium),
          cell(b?.severity?.low),
          cell(b?.overdue),
          cell(b?.respondMet),
          cell(b?.respondMissed),
          b ? { percent: b.respondShare } : null,
        ];
      }),
    },
    {
      id: "appeals",
      title: t("appealsReferrals", l),
      header: [t("item", l), t("count", l)],
      rows: [
        [t("appealsFiled", l), report.appeals.filed],
        [t("appealsDecided", l), report.appeals.decided],
        [t("appealsUpheld", l), report.appeals.upheld],
        [t("appealsRevised", l), report.appeals.revised],
        [t("appealsOpen", l), report.appeals.open],
        [t("appealsExtended", l), report.appeals.extended],
        [t("referrals", l), report.referrals.total],
        [t("referralsClosed", l), report.referrals.closed],
      ],
    },
    {
      id: "loop",
      title: t("loopTitle", l),
      header: [t("item", l), t("count", l), "%"],
      rows: [
        [t("loopAsked", l), report.loop.asked, null],
        [t("loopAnswered", l), report.loop.answered, { percent: report.loop.responseRate }],
        [t("loopSatisfied", l), report.loop.satisfied, { percent: report.loop.satisfactionRate }],
        [
          t("loopAverage", l),
          report.loop.averageScore === null ? null : Math.round(report.loop.averageScore * 10) / 10,
          null,
        ],
        [t("loopCommunicated", l), report.loop.communicated, { percent: report.loop.communicatedShare }],
      ],
    },
    {
      id: "pending",
      title: `${t("pendingAsOf", l)} ${localDateTime(report.generatedAt, report.timeZone)}`,
      header: [
        t("reference", l),
        t("steps", l),
        t("deadline", l),
        t("daysOverdue", l),
        t("assignee", l),
        t("category", l),
        t("status", l),
      ],
      rows: [
        ...report.pending.map((p): Value[] =>
          p.sensitive
            ? [p.reference, stepsLabel(p.steps, l), null, null, null, null, null]
            : [
                p.reference,
                stepsLabel(p.steps, l),
                { instant: p.deadline ?? null },
                p.daysOverdue ?? null,
                p.assignee ?? "",
                categoryLabel(report, p.category, l),
                p.status ? label(l, "status", p.status) : "",
              ],
        ),
        ...notes(pendingPageNote(report, options)),
      ],
    },
    {
      id: "late",
      title: t("late", l),
      header: [
        t("reference", l),
        t("deadline", l),
        t("respondedAt", l),
        t("daysOverdue", l),
        t("category", l),
        t("justified", l),
        ...(includeText ? [t("justification", l)] : []),
      ],
      rows: report.late.rows
        .map((r) => {
          const respondedAt: Value = r.responded ? { instant: r.respondedAt ?? null } : t("notResponded", l);
          const row: Value[] = r.sensitive
            ? [r.reference, null, r.responded ? null : t("notResponded", l), null, null, yesNo(r.justified)]
            : [
                r.reference,
                { instant: r.deadline || null },
                respondedAt,
                r.daysLate ?? null,
                categoryLabel(report, r.category, l),
                yesNo(r.justified),
              ];
          if (includeText) row.push(r.sensitive ? t("confidential", l) : (r.justification ?? ""));
          return row;
        })
        .concat(notes(latePageNote(report, l))),
    },
    {
      id: "legend",
      title: t("legend", l),
      header: ["", ""],
      rows: [
        ["<3", t("legendSmall", l)],
        ["x", t("legendComplement", l)],
        ["", t("legendSensitive", l)],
        ...r11Notes(report, l).map((note): Value[] => ["R-11", note]),
        ["", cutoffNote(report, l)],
        ["", `${t("cohort", l)} ${localDateTime(report.generatedAt, report.timeZone)}.`],
      ],
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Dates and numbers for people

/** The catalog's locale for dates and numbers (en-GB: "1 March 2026" reads the same everywhere). */
const locale = (language: Language) => translate(language, "format.locale");

function dateLabel(date: string, language: Language, timeZone = "UTC"): string {
  const d = new Date(`${date}T12:00:00Z`);
  return new Intl.DateTimeFormat(locale(language), {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone,
  }).format(d);
}

/** "février 2026", "T1 2026", "2025", or "du 1 mars 2026 au 7 mars 2026". */
export function periodLabel(report: Report, language: Language): string {
  const { kind, from, to } = report.period;
  const start = new Date(`${from}T12:00:00Z`);
  if (kind === "monthly")
    return new Intl.DateTimeFormat(locale(language), {
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    }).format(start);
  if (kind === "quarterly") {
    const q = Math.floor(start.getUTCMonth() / 3) + 1;
    return t("quarter", language, { q, year: start.getUTCFullYear() });
  }
  if (kind === "annual") return String(start.getUTCFullYear());
  return `${t("from", language)} ${dateLabel(from, language)} ${t("to", language)} ${dateLabel(to, language)}`;
}

function decimal(n: number, language: Language, digits = 1): string {
  return new Intl.NumberFormat(locale(language), {
    minimumFractionDigits: 0,
    maximumFractionDigits: digits,
  }).format(n);
}

/** "71,4 %" (French spacing) or "71.4%". */
export function percent(share: number | null, language: Language): string {
  if (share === null) return "—";
  const n = decimal(Math.round(share * 1000) / 10, language);
  return translate(language, "format.percent", { n });
}

function signed(points: number, language: Language): string {
  const n = decimal(Math.abs(points), language);
  return points > 0 ? `+${n}` : points < 0 ? `\u2212${n}` : n;
}

export function reportFileName(report: Report, extension: "csv" | "xlsx" | "json"): string {
  return `cfm-${report.kind}-${report.period.key}.${extension}`;
}

// ---------------------------------------------------------------------------------------------------------
// CSV

export interface CsvOptions extends RenderOptions {
  /** Defaults to ";" for French and "," for English (what Excel expects with that system language). */
  delimiter?: ";" | ",";
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text field, quoted, guarded against formula injection. */
export function csvText(value: string): string {
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${guarded.replace(/"/g, '""')}"`;
}

function csvValue(value: Value, timeZone: string, decimalMark: "," | "."): string {
  if (value === null) return "";
  if (typeof value === "string") return csvText(value);
  if (typeof value === "number") {
    const text = String(Math.round(value * 100) / 100);
    return decimalMark === "," ? text.replace(".", ",") : text;
  }
  if ("percent" in value)
    return value.percent === null
      ? ""
      : csvValue(Math.round(value.percent * 1000) / 10, timeZone, decimalMark);
  if ("instant" in value) return value.instant ? csvText(localDateTime(value.instant, timeZone)) : "";
  return value.date ? csvText(value.date) : "";
}

/** The whole report as one CSV: its tables one under the other, each with a title row and a header row. */
export function renderCsv(report: Report, options: CsvOptions): string {
  const delimiter = options.delimiter ?? translate(options.language, "format.csvDelimiter");
  const decimalMark = delimiter === ";" ? "," : ".";
  const tables = reportTables(report, options);
  const rows: string[][] = [];
  for (const [i, table] of tables.entries()) {
    if (i > 0) rows.push([]);
    rows.push([csvText(table.title)]);
    if (table.id !== "meta" && table.id !== "legend") rows.push(table.header.map(csvText));
    for (const row of table.rows) rows.push(row.map((v) => csvValue(v, report.timeZone, decimalMark)));
  }
  const width = Math.max(...rows.map((r) => r.length));
  const lines = rows.map((r) => [...r, ...Array<string>(width - r.length).fill("")].join(delimiter));
  return `\ufeff${lines.join("\r\n")}\r\n`;
}

// ---------------------------------------------------------------------------------------------------------
// XLSX

const SHEET_TABLES: Array<{ name: ReportWord; tables: ReportTable["id"][] }> = [
  { name: "summarySheet", tables: ["meta", "r11", "timings", "counts", "appeals", "loop", "legend"] },
  { name: "byCategory", tables: ["categories"] },
  { name: "pendingSheet", tables: ["pending"] },
  { name: "lateSheet", tables: ["late"] },
];

/** Excel has no time zones: a local date-time is written as the UTC instant with the same wall clock. */
function wallClock(instant: string, timeZone: string): Date {
  return new Date(`${localDateTime(instant, timeZone).replace(" ", "T")}:00Z`);
}

function xlsxValue(value: Value, timeZone: string): { value: ExcelJS.CellValue; numFmt?: string } {
  if (value === null) return { value: null };
  if (typeof value === "string" || typeof value === "number") return { value };
  if ("percent" in value) return { value: value.percent, numFmt: "0.0%" };
  if ("instant" in value)
    return value.instant
      ? { value: wallClock(value.instant, timeZone), numFmt: "yyyy-mm-dd hh:mm" }
      : { value: null };
  return value.date ? { value: new Date(`${value.date}T00:00:00Z`), numFmt: "yyyy-mm-dd" } : { value: null };
}

/**
 * exceljs (with bluebird and jszip, about 400 KB) is loaded on the XLSX path only: the Lambdas that bundle it
 * (staff API, reports, console) do not evaluate it at cold start (issue 18).
 */
export async function loadExcel(): Promise<typeof ExcelJS> {
  return (await import("exceljs")).default;
}

export async function renderXlsx(report: Report, options: RenderOptions): Promise<Buffer> {
  const { language: l } = options;
  const tables = new Map(reportTables(report, options).map((table) => [table.id, table]));
  const workbook = new (await loadExcel()).Workbook();
  workbook.creator = "cfm";
  workbook.title = `${t(`title.${report.kind}`, l)}${colon(l)}${periodLabel(report, l)}`;
  workbook.created = new Date(report.generatedAt);
  for (const sheetDef of SHEET_TABLES) {
    const sheet = workbook.addWorksheet(t(sheetDef.name, l));
    const widths: number[] = [];
    const single = sheetDef.tables.length === 1;
    for (const id of sheetDef.tables) {
      const table = tables.get(id);
      if (!table) continue;
      if (sheet.rowCount > 0) sheet.addRow([]);
      const title = sheet.addRow([table.title]);
      title.font = { bold: true, size: id === "meta" ? 14 : 12 };
      if (id !== "meta" && id !== "legend") {
        const header = sheet.addRow(table.header);
        header.font = { bold: true };
        header.alignment = { wrapText: true, vertical: "top" };
        if (single) sheet.views = [{ state: "frozen", ySplit: header.number }];
        if (single && table.rows.length > 0)
          sheet.autoFilter = {
            from: { row: header.number, column: 1 },
            to: { row: header.number, column: table.header.length },
          };
      }
      for (const values of table.rows) {
        const row = sheet.addRow([]);
        values.forEach((v, i) => {
          const { value, numFmt } = xlsxValue(v, report.timeZone);
          const target = row.getCell(i + 1);
          target.value = value;
          if (numFmt) target.numFmt = numFmt;
          const length = typeof v === "string" ? v.length : (numFmt?.length ?? 8);
          widths[i] = Math.max(widths[i] ?? 10, Math.min(60, length + 2));
        });
      }
    }
    widths.forEach((w, i) => {
      sheet.getColumn(i + 1).width = w;
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

// ---------------------------------------------------------------------------------------------------------
// Email summary

const FONT = "font-family:Arial,Helvetica,sans-serif;";
const TEXT_COLOUR = "#1f2937";
const MUTED = "#4b5563";
const ACCENT = "#1e3a8a";
const TRACK = "#e5e7eb";
const PREVIOUS = "#9ca3af";
// Headers and figures never break inside a word (the body cell sets overflow-wrap:anywhere for long text).
const TH = `style="padding:6px 8px;border-bottom:2px solid #cbd5e1;text-align:left;overflow-wrap:normal;word-wrap:normal;${FONT}font-size:13px;line-height:18px;color:${MUTED};"`;
const TH_NUM = `style="padding:6px 8px;border-bottom:2px solid #cbd5e1;text-align:right;overflow-wrap:normal;word-wrap:normal;${FONT}font-size:13px;line-height:18px;color:${MUTED};"`;
const TD = `style="padding:6px 8px;border-bottom:1px solid #e5e7eb;${FONT}font-size:14px;line-height:20px;color:${TEXT_COLOUR};"`;
const TD_NUM = `style="padding:6px 8px;border-bottom:1px solid #e5e7eb;text-align:right;white-space:nowrap;${FONT}font-size:14px;line-height:20px;color:${TEXT_COLOUR};"`;

export interface SummaryOptions extends RenderOptions {
  /** Rows of the pending list shown in the email; the attachments hold them all. */
  maxPendingRows?: number;
}

const h2 = (text: string) =>
  `<h2 style="margin:28px 0 8px 0;${FONT}font-size:18px;line-height:24px;color:${ACCENT};">${escapeHtml(text)}</h2>`;
const p = (html: string, style = "") => `<p style="margin:0 0 12px 0;${style}">${html}</p>`;

function htmlTable(header: string[], rows: string[][], numeric: ReadonlySet<number> = new Set()): string {
  const head = header.map((h, i) => `<th ${numeric.has(i) ? TH_NUM : TH}>${escapeHtml(h)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td ${numeric.has(i) ? TD_NUM : TD}>${c}</td>`).join("")}</tr>`)
    .join("\n");
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;margin:0 0 8px 0;"><tr>${head}</tr>\n${body}</table>`;
}

const cellText = (c: Cell | undefined) => (c === undefined ? "—" : escapeHtml(String(c)));

/** One horizontal bar: a two-cell table whose first cell's width is the share (works in Outlook too). */
function bar(
  label: string,
  share: number | null,
  detail: string,
  language: Language,
  colour: string,
): string {
  const pct = share === null ? 0 : Math.max(0, Math.min(100, Math.round(share * 100)));
  const filled =
    pct > 0
      ? `<td data-chart-bar="${pct}" width="${pct}%" height="18" bgcolor="${colour}" style="background-color:${colour};height:18px;font-size:0;line-height:0;">&nbsp;</td>`
      : "";
  const rest =
    pct < 100
      ? `<td width="${100 - pct}%" height="18" bgcolor="${TRACK}" style="background-color:${TRACK};height:18px;font-size:0;line-height:0;">&nbsp;</td>`
      : "";
  return (
    `<tr><td width="110" style="padding:4px 8px 4px 0;${FONT}font-size:13px;line-height:18px;color:${TEXT_COLOUR};white-space:nowrap;">${escapeHtml(label)}</td>` +
    `<td style="padding:4px 0;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>${filled}${rest}</tr></table></td>` +
    `<td width="120" style="padding:4px 0 4px 8px;${FONT}font-size:13px;line-height:18px;color:${TEXT_COLOUR};white-space:nowrap;text-align:right;"><b>${escapeHtml(percent(share, language))}</b> <span style="color:${MUTED};">${escapeHtml(detail)}</span></td></tr>`
  );
}

function bucketLabel(label: string, unit: "day" | "week" | "month", language: Language): string {
  if (unit === "month")
    return new Intl.DateTimeFormat(locale(language), {
      month: "short",
      year: "numeric",
      timeZone: "UTC",
    }).format(new Date(`${label}-15T12:00:00Z`));
  if (unit === "week") return t("week", language, { n: Number(label.slice(-2)) });
  return new Intl.DateTimeFormat(locale(language), {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  }).format(new Date(`${label}T12:00:00Z`));
}

function trendChart(report: Report, language: Language): string {
  const rows: string[] = [];
  const prev = report.r11.overall.previous;
  if (prev)
    rows.push(
      bar(t("previousPeriod", language), prev.share, `(${prev.met}/${prev.completed})`, language, PREVIOUS),
    );
  for (const b of report.r11.series)
    rows.push(
      bar(
        bucketLabel(b.label, b.unit, language),
        b.share,
        b.completed > 0 ? `(${b.met}/${b.completed})` : t("noData", language),
        language,
        ACCENT,
      ),
    );
  return `<table role="presentation" data-chart="r11" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 8px 0;">${rows.join("\n")}</table>`;
}

export function emailSubject(report: Report, language: Language): string {
  return `${t(`title.${report.kind}`, language)}${colon(language)}${periodLabel(report, language)} (${report.organisation})`;
}

export function renderHtmlSummary(report: Report, options: SummaryOptions): string {
  const l = options.language;
  const max = options.maxPendingRows ?? (report.kind === "weekly-pending" ? 50 : 15);
  const title = `${t(`title.${report.kind}`, l)}${colon(l)}${periodLabel(report, l)}`;
  const o = report.r11.overall;
  const asOf = localDateTime(report.generatedAt, report.timeZone);
  const parts: string[] = [];

  parts.push(
    `<h1 style="margin:0 0 4px 0;${FONT}font-size:22px;line-height:28px;color:${TEXT_COLOUR};">${escapeHtml(title)}</h1>`,
    p(
      `${escapeHtml(t("received", l))}${escapeHtml(colon(l))}<b>${report.total}</b> &middot; ${escapeHtml(t("generatedAt", l))} ${escapeHtml(asOf)} (${escapeHtml(report.timeZone)})`,
      `color:${MUTED};font-size:14px;`,
    ),
  );

  // R-11 headline.
  const change =
    o.change === null
      ? ""
      : `<div style="${FONT}font-size:14px;line-height:20px;color:${MUTED};">${o.change >= 0 ? "&#9650;" : "&#9660;"} ${escapeHtml(signed(o.change, l))} ${escapeHtml(t("points", l))} ${escapeHtml(t("vsPrevious", l))} (${escapeHtml(percent(o.previous?.share ?? null, l))})</div>`;
  parts.push(
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:16px 0 8px 0;"><tr><td bgcolor="#eff6ff" style="background-color:#eff6ff;border-left:6px solid ${ACCENT};padding:16px;">` +
      `<div style="${FONT}font-size:13px;line-height:18px;color:${MUTED};text-transform:uppercase;letter-spacing:0.5px;">${escapeHtml(t("r11Title", l))}</div>` +
      `<div data-r11="${o.share === null ? "" : Math.round(o.share * 1000) / 10}" style="${FONT}font-size:36px;line-height:44px;font-weight:bold;color:${ACCENT};">${escapeHtml(percent(o.share, l))}</div>` +
      `<div style="${FONT}font-size:14px;line-height:20px;color:${TEXT_COLOUR};">${o.met} ${escapeHtml(t("of", l))} ${o.completed} ${escapeHtml(t("r11Short", l))}</div>${change}` +
      `</td></tr></table>`,
  );
  parts.push(
    htmlTable(
      [t("step", l), t("withinDeadline", l), t("share", l), t("previousShare", l), t("change", l)],
      R11_STEPS.map((s: R11Step) => {
        const i = report.r11.steps[s];
        return [
          escapeHtml(label(l, "step", s)),
          `${i.met}/${i.completed}`,
          escapeHtml(percent(i.share, l)),
          escapeHtml(percent(i.previous?.share ?? null, l)),
          i.change === null ? "—" : escapeHtml(signed(i.change, l)),
        ];
      }),
      new Set([1, 2, 3, 4]),
    ),
  );
  parts.push(
    `<p data-r11-notes style="margin:0 0 12px 0;${FONT}color:${MUTED};font-size:13px;">${r11Notes(report, l).map(escapeHtml).join("<br>")}</p>`,
  );
  parts.push(h2(t("trend", l)), trendChart(report, l));

  // Times.
  parts.push(h2(t("timings", l)));
  if (report.timings.available) {
    const fmt = (n: number | null) => (n === null ? "—" : escapeHtml(decimal(n, l)));
    parts.push(
      htmlTable(
        [t("measure", l), t("cases", l), t("median", l), t("p90", l)],
        (
          [
            ["timeToAcknowledge", report.timings.acknowledge],
            ["timeToRespond", report.timings.respond],
          ] as const
        ).map(([word, x]) => [escapeHtml(t(word, l)), String(x.count), fmt(x.medianDays), fmt(x.p90Days)]),
        new Set([1, 2, 3]),
      ),
    );
  } else parts.push(p(escapeHtml(t("timingsUnavailable", l)), `color:${MUTED};`));

  // Pending (R-5): the report holds the first page; the console's pending page has them all.
  const pendingMore = report.pendingTotal - Math.min(max, report.pending.length);
  parts.push(h2(`${t("pending", l)} (${report.pendingTotal})`));
  parts.push(p(`${escapeHtml(t("pendingAsOf", l))} ${escapeHtml(asOf)}.`, `color:${MUTED};font-size:14px;`));
  if (report.pending.length === 0) parts.push(p(escapeHtml(t("none", l))));
  else {
    parts.push(
      htmlTable(
        [t("reference", l), t("steps", l), t("daysOverdue", l), t("assignee", l)],
        report.pending
          .slice(0, max)
          .map((row) =>
            row.sensitive
              ? [
                  `<b>${escapeHtml(row.reference)}</b>`,
                  escapeHtml(stepsLabel(row.steps, l)),
                  "",
                  `<i style="color:${MUTED};">${escapeHtml(t("confidential", l))}</i>`,
                ]
              : [
                  `<b>${escapeHtml(row.reference)}</b>`,
                  escapeHtml(stepsLabel(row.steps, l)),
                  String(row.daysOverdue ?? ""),
                  escapeHtml(row.assignee ?? "—"),
                ],
          ),
        new Set([2]),
      ),
    );
    if (pendingMore > 0)
      parts.push(
        p(
          `+ ${pendingMore} ${
            options.pendingUrl
              ? `<a href="${escapeHtml(options.pendingUrl)}" style="color:${ACCENT};">${escapeHtml(t("andMore", l))}</a>`
              : escapeHtml(t("andMore", l))
          }`,
          `color:${MUTED};`,
        ),
      );
  }

  // Late (T-13).
  const late = report.late;
  parts.push(h2(`${t("late", l)} (${late.total})`));
  parts.push(
    p(
      `${late.justified} ${escapeHtml(t("lateJustified", l))} &middot; ${late.unjustified} ${escapeHtml(t("lateUnjustified", l))} &middot; ${late.awaiting} ${escapeHtml(t("lateAwaiting", l))}`,
      "font-size:14px;",
    ),
  );

  // Categories.
  parts.push(h2(t("byCategory", l)));
  parts.push(
    htmlTable(
      [t("category", l), t("total", l), t("open", l), t("overdue", l), t("respondShare", l)],
      report.categories.map((row) => [
        `${escapeHtml(labelIn(row.label, l))}${row.sensitive ? ` <span style="color:${MUTED};font-size:12px;">(${escapeHtml(t("sensitive", l).toLowerCase())})</span>` : ""}`,
        cellText(row.total),
        cellText(row.breakdown?.open),
        cellText(row.breakdown?.overdue),
        row.breakdown ? escapeHtml(percent(row.breakdown.respondShare, l)) : "—",
      ]),
      new Set([1, 2, 3, 4]),
    ),
  );

  // Volumes.
  parts.push(h2(t("breakdown", l)));
  const dims: Array<[string, Array<[string, number]>]> = [
    [t("kind", l), Object.entries(report.counts.kind).map(([k, n]) => [label(l, "kind", k as never), n])],
    [
      t("channel", l),
      Object.entries(report.counts.channel).map(([k, n]) => [label(l, "channel", k as never), n]),
    ],
    [
      t("closure", l),
      Object.entries(report.counts.closure).map(([k, n]) => [label(l, "closure", k as never), n]),
    ],
  ];
  for (const [name, entries] of dims) {
    const shown = entries.filter(([, n]) => n > 0);
    parts.push(
      p(
        `<b>${escapeHtml(name)}</b>${escapeHtml(colon(l))}${shown.length ? shown.map(([k, n]) => `${escapeHtml(k)} ${n}`).join(" &middot; ") : escapeHtml(t("none", l))}`,
        "font-size:14px;",
      ),
    );
  }

  // Appeals and referrals.
  const a = report.appeals;
  parts.push(h2(t("appealsReferrals", l)));
  parts.push(
    p(
      `${escapeHtml(t("appealsFiled", l))}${escapeHtml(colon(l))}<b>${a.filed}</b> &middot; ${escapeHtml(t("appealsDecided", l))}${escapeHtml(colon(l))}<b>${a.decided}</b> (${escapeHtml(t("appealsUpheld", l))} ${a.upheld}, ${escapeHtml(t("appealsRevised", l))} ${a.revised}) &middot; ${escapeHtml(t("referrals", l))}${escapeHtml(colon(l))}<b>${report.referrals.total}</b>`,
      "font-size:14px;",
    ),
  );

  // Closing the loop (IFRC, CHS commitment 5).
  const loop = report.loop;
  parts.push(h2(t("loopTitle", l)));
  parts.push(
    p(
      `<span data-loop="satisfaction">${escapeHtml(t("loopSatisfied", l))}${escapeHtml(colon(l))}<b>${escapeHtml(percent(loop.satisfactionRate, l))}</b> (${loop.satisfied}/${loop.answered})</span> &middot; ` +
        `<span data-loop="response">${escapeHtml(t("loopAnswered", l))}${escapeHtml(colon(l))}<b>${escapeHtml(percent(loop.responseRate, l))}</b> (${loop.answered}/${loop.asked})</span> &middot; ` +
        `<span data-loop="communicated">${escapeHtml(t("loopCommunicated", l))}${escapeHtml(colon(l))}<b>${escapeHtml(percent(loop.communicatedShare, l))}</b> (${loop.communicated}/${loop.closed})</span>`,
      "font-size:14px;",
    ),
  );

  const footer = [
    t("attachments", l),
    `<3${colon(l)}${t("legendSmall", l)}. x${colon(l)}${t("legendComplement", l)}.`,
    t("legendSensitive", l),
    `${t("cohort", l)} ${asOf}.`,
  ]
    .map((line) => `<p style="margin:0 0 4px 0;">${escapeHtml(line)}</p>`)
    .join("");

  return `<!DOCTYPE html>
<html lang="${l}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="format-detection" content="telephone=no,date=no,address=no,email=no">
<title>${escapeHtml(emailSubject(report, l))}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#f3f4f6" style="background-color:#f3f4f6;">
<tr><td align="center" style="padding:16px 8px;">
<!--[if mso]><table role="presentation" width="600" align="center" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;margin:0 auto;">
<tr><td bgcolor="${ACCENT}" style="background-color:${ACCENT};padding:16px 24px;${FONT}font-size:18px;line-height:24px;font-weight:bold;color:#ffffff;">${escapeHtml(report.organisation)}</td></tr>
<tr><td bgcolor="#ffffff" style="background-color:#ffffff;padding:24px;${FONT}font-size:16px;line-height:24px;color:${TEXT_COLOUR};word-wrap:break-word;overflow-wrap:anywhere;">
${parts.join("\n")}
</td></tr>
<tr><td style="padding:16px 24px;${FONT}font-size:13px;line-height:18px;color:${MUTED};">${footer}</td></tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr>
</table>
</body>
</html>
`;
}

/** The plain-text part of the email: the same digest, for clients that show no HTML and screen readers. */
export function renderTextSummary(report: Report, options: SummaryOptions): string {
  const l = options.language;
  const max = options.maxPendingRows ?? (report.kind === "weekly-pending" ? 50 : 15);
  const c = colon(l);
  const o = report.r11.overall;
  const lines = [
    `${t(`title.${report.kind}`, l)}${c}${periodLabel(report, l)}`,
    report.organisation,
    `${t("received", l)}${c}${report.total}`,
    "",
    `${t("r11Title", l)}${c}${percent(o.share, l)} (${o.met}/${o.completed})${o.change === null ? "" : `, ${signed(o.change, l)} ${t("points", l)} ${t("vsPrevious", l)}`}`,
    ...R11_STEPS.map((s) => {
      const i = report.r11.steps[s];
      return `- ${label(l, "step", s)}${c}${percent(i.share, l)} (${i.met}/${i.completed})`;
    }),
    ...report.r11.series.map(
      (b) => `  ${bucketLabel(b.label, b.unit, l)}${c}${percent(b.share, l)} (${b.met}/${b.completed})`,
    ),
    ...r11Notes(report, l),
    "",
    `${t("pending", l)} (${report.pendingTotal})`,
    ...report.pending
      .slice(0, max)
      .map((row) =>
        row.sensitive
          ? `- ${row.reference}${c}${stepsLabel(row.steps, l)}`
          : `- ${row.reference}${c}${stepsLabel(row.steps, l)}, ${row.daysOverdue} ${t("daysOverdue", l).toLowerCase()}, ${row.assignee ?? "—"}`,
      ),
    ...(report.pendingTotal > Math.min(max, report.pending.length)
      ? [
          `+ ${report.pendingTotal - Math.min(max, report.pending.length)} ${t("andMore", l)}${options.pendingUrl ? `: ${options.pendingUrl}` : ""}`,
        ]
      : []),
    "",
    `${t("late", l)}${c}${report.late.total} (${report.late.justified} ${t("lateJustified", l)}, ${report.late.unjustified} ${t("lateUnjustified", l)}, ${report.late.awaiting} ${t("lateAwaiting", l)})`,
    `${t("appealsFiled", l)}${c}${report.appeals.filed}; ${t("appealsDecided", l)}${c}${report.appeals.decided}; ${t("referrals", l)}${c}${report.referrals.total}`,
    `${t("loopSatisfied", l)}${c}${percent(report.loop.satisfactionRate, l)} (${report.loop.satisfied}/${report.loop.answered}); ${t("loopAnswered", l)}${c}${percent(report.loop.responseRate, l)} (${report.loop.answered}/${report.loop.asked}); ${t("loopCommunicated", l)}${c}${percent(report.loop.communicatedShare, l)} (${report.loop.communicated}/${report.loop.closed})`,
    "",
    t("byCategory", l),
    ...report.categories.map(
      (row) =>
        `- ${labelIn(row.label, l)}${row.sensitive ? ` (${t("sensitive", l).toLowerCase()})` : ""}${c}${row.total}`,
    ),
    "",
    "--",
    t("attachments", l),
    `<3${c}${t("legendSmall", l)}. x${c}${t("legendComplement", l)}.`,
    `${t("cohort", l)} ${localDateTime(report.generatedAt, report.timeZone)}.`,
  ];
  return `${lines.join("\n")}\n`;
}
