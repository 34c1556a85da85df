// The register (CONTRACT.md "Staff console": GET /console/register): one row per case received in the
// period, for the coordinator's own follow-up in a spreadsheet. Numbers are numbers (counts, days), dates are
// dates; CSV for any tool, XLSX for Excel. Pure apart from exceljs: no AWS.
import type { CaseRecord, DeadlineStep } from "../domain/complaint.ts";
import type { OrgConfig } from "../domain/config.ts";
import { label as word } from "../i18n/labels.ts";
import { localDateTime } from "./periods.ts";
import { csvText, loadExcel } from "./render.ts";

export const REGISTER_STEPS = [
  "acknowledge",
  "triage",
  "assign",
  "contact",
  "respond",
  "appealDecision",
] as const satisfies readonly DeadlineStep[];

export type RegisterValue = string | number | { instant: string } | null;

export interface Register {
  header: string[];
  rows: RegisterValue[][];
}

const DAY_MS = 86_400_000;
const days = (from: string, to: string | undefined) =>
  to ? Math.round(((Date.parse(to) - Date.parse(from)) / DAY_MS) * 10) / 10 : null;

function metText(record: CaseRecord, step: DeadlineStep): string | null {
  if (!record.deadlines[step]) return null;
  const met = record.met[step];
  if (met === true) return "Oui";
  if (met === false || record.overdue.includes(step)) return "Non";
  return "En cours";
}

export function registerOf(config: OrgConfig, records: readonly CaseRecord[]): Register {
  const label = (id: string | null, list: Array<{ id: string; label: { fr: string } }>) =>
    id ? (list.find((x) => x.id === id)?.label.fr ?? id) : null;
  const header = [
    "Référence",
    "Reçu le",
    "Type",
    "Canal",
    "Catégorie",
    "Gravité",
    "Sensible",
    "Statut",
    "Clôture",
    "Clôturé le",
    "Attribué à",
    "Responsable",
    ...REGISTER_STEPS.flatMap((s) => [
      `Échéance : ${word("fr", "step", s)}`,
      `Respectée : ${word("fr", "step", s)}`,
    ]),
    "Jours jusqu'à l'accusé de réception",
    "Jours jusqu'à la réponse",
    "Appels",
    "Pièces jointes",
  ];
  const rows = [...records]
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.reference.localeCompare(b.reference))
    .map((r): RegisterValue[] => [
      r.reference,
      { instant: r.receivedAt },
      word("fr", "kind", r.kind),
      word("fr", "channel", r.channel),
      label(r.category, config.categories),
      label(r.severity, config.severities),
      r.sensitive ? "Oui" : "Non",
      word("fr", "status", r.status),
      word("fr", "closure", r.closure ?? "open"),
      r.closedAt ? { instant: r.closedAt } : null,
      r.assignee,
      r.responsible,
      ...REGISTER_STEPS.flatMap((s): RegisterValue[] => [
        r.deadlines[s] ? { instant: r.deadlines[s] as string } : null,
        metText(r, s),
      ]),
      days(r.receivedAt, r.completedAt?.acknowledge),
      days(r.receivedAt, r.completedAt?.respond),
      r.appeals,
      r.attachments,
    ]);
  return { header, rows };
}

/** `;`-separated with a decimal comma (what a French Excel opens directly), UTF-8 with a BOM. */
export function registerCsv(register: Register, timeZone: string): string {
  const cell = (v: RegisterValue): string => {
    if (v === null) return "";
    if (typeof v === "number") return String(v).replace(".", ",");
    if (typeof v === "string") return csvText(v);
    return csvText(localDateTime(v.instant, timeZone));
  };
  const lines = [register.header.map(csvText), ...register.rows.map((row) => row.map(cell))].map((r) =>
    r.join(";"),
  );
  return `\ufeff${lines.join("\r\n")}\r\n`;
}

export async function registerXlsx(register: Register, timeZone: string, title: string): Promise<Buffer> {
  const workbook = new (await loadExcel()).Workbook();
  workbook.creator = "cfm";
  workbook.title = title;
  const sheet = workbook.addWorksheet("Registre");
  const header = sheet.addRow(register.header);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: "top" };
  sheet.views = [{ state: "frozen", ySplit: 1, xSplit: 1 }];
  if (register.rows.length > 0)
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: register.header.length } };
  for (const values of register.rows) {
    const row = sheet.addRow([]);
    values.forEach((v, i) => {
      const cell = row.getCell(i + 1);
      if (v === null) cell.value = null;
      else if (typeof v === "string" || typeof v === "number") cell.value = v;
      else {
        // Excel has no time zones: the local wall clock, as the reports do.
        cell.value = new Date(`${localDateTime(v.instant, timeZone).replace(" ", "T")}:00Z`);
        cell.numFmt = "yyyy-mm-dd hh:mm";
      }
    });
  }
  register.header.forEach((h, i) => {
    sheet.getColumn(i + 1).width = Math.min(30, Math.max(12, h.length / 2 + 4));
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
