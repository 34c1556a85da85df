// Reports on DynamoDB Local: loading by the byPeriod and byDeadline indexes (no Scan), the T-13
// justifications from the content records, the staff API (roles, formats), `cfm report` against an HTTP
// server, and the scheduled email through aws-ses-v2-local, once per kind and period.
import { readFileSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import sesLocal from "aws-ses-v2-local";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseRecordSchema, emptyContent } from "../../functions/domain/complaint.ts";
import { loadConfigText } from "../../functions/domain/config.ts";
import { handleReportListRequest, handleReportsRequest } from "../../functions/reports/api.ts";
import { reportCommand } from "../../functions/reports/cli.ts";
import { computeReport, type Report } from "../../functions/reports/compute.ts";
import { buildReport, loadReportInputs } from "../../functions/reports/load.ts";
import { makePeriod } from "../../functions/reports/periods.ts";
import { runScheduledReport, type ScheduledRuntime } from "../../functions/reports/scheduled.ts";
import { ComplaintStore, indexAttributes, type NewCase } from "../../functions/store/complaint-store.ts";
import { freePort, LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/dynamodb-local.ts";
import {
  asStored,
  HUMANITARIAN,
  HUMANITARIAN_JUSTIFICATIONS,
  HUMANITARIAN_NOW,
  PREVIOUS,
} from "../events/reports/cases.ts";
import { batchPut, statusItem } from "../events/reports/seed.ts";
import { freshTable } from "../helpers/dynamo.ts";

// A CommonJS module: its default export is module.exports under Node's ESM loader, the function under vitest's.
const startSes = ((sesLocal as unknown as { default?: unknown }).default ?? sesLocal) as (options: {
  host: string;
  port: number;
}) => Promise<Server>;

const config = loadConfigText(readFileSync("config/humanitarian.example.yaml", "utf8"), "humanitarian");
// The store reads records with the strict schema: completion instants are stored once the record has them.
const STORED_WITH_COMPLETED_AT = "completedAt" in caseRecordSchema.shape;

let rt: ScheduledRuntime;
let ses: Server;
let sesUrl: string;

beforeAll(async () => {
  const table = await freshTable("cfm-reports");
  const now = () => new Date(HUMANITARIAN_NOW);
  const sesPort = await freePort();
  ses = await startSes({ host: "127.0.0.1", port: sesPort });
  sesUrl = `http://127.0.0.1:${sesPort}`;
  rt = {
    config,
    tableName: table.tableName,
    doc: table.doc,
    store: new ComplaintStore(table.doc, table.tableName, now),
    now,
    ses: new SESv2Client({ endpoint: sesUrl, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
    fromAddress: "plaintes@example.org",
    configurationSet: undefined,
  };
  const records = asStored([...HUMANITARIAN, ...PREVIOUS], STORED_WITH_COMPLETED_AT);
  await batchPut(table.doc, table.tableName, records.map(statusItem));
  // Content records of the late cases (the justification is all the report may read of them).
  for (const [reference, justification] of HUMANITARIAN_JUSTIFICATIONS)
    await rt.doc.send(
      new PutCommand({
        TableName: rt.tableName,
        Item: {
          pk: `CASE#${reference}`,
          sk: "CONTENT",
          ...emptyContent(reference),
          description: "DESCRIPTION-SECRÈTE",
          complainant: { name: "Aïssata Traoré" },
          lateJustification: justification,
        },
      }),
    );
});

afterAll(async () => {
  await new Promise<void>((resolve) => ses?.close(() => resolve()));
});

const q1 = () => makePeriod("quarterly", "2026-01-01", "2026-03-31", config.organisation.timeZone, "2026-Q1");

describe("loading a report from DynamoDB Local", () => {
  it("seeds with the index attributes the store itself writes", async () => {
    const table = await freshTable("cfm-reports-index");
    const store = new ComplaintStore(table.doc, table.tableName);
    const { reference: _r, ...content } = emptyContent("CFM-2031-000000");
    const fixture = HUMANITARIAN[4]!;
    const input: NewCase = {
      sourceId: "reports-index-check",
      actor: "officer@example.org",
      record: {
        ...asStored([fixture], false)[0]!,
        receivedAt: "2031-02-16T09:00:00.000Z",
      } as NewCase["record"],
      content,
    };
    const { reference } = await store.create(input);
    const stored = await table.doc.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: `CASE#${reference}`, sk: "STATUS" } }),
    );
    const record = await store.require(reference);
    const gsi = Object.fromEntries(Object.entries(stored.Item ?? {}).filter(([k]) => k.startsWith("gsi")));
    expect(gsi).toEqual(indexAttributes(record));
  });

  it("reads the period, the previous period, the open overdue cases and the late justifications", async () => {
    const inputs = await loadReportInputs(rt, q1());
    expect(inputs.cases.map((c) => c.reference).sort()).toEqual(
      HUMANITARIAN.filter((c) => c.reference !== "CFM-2026-000014")
        .map((c) => c.reference)
        .sort(),
    );
    expect(inputs.previous).toHaveLength(5);
    // Open cases whose next deadline has passed, whatever their date of receipt.
    expect(inputs.open.map((c) => c.reference).sort()).toEqual([
      "CFM-2025-000105",
      "CFM-2026-000002",
      "CFM-2026-000005",
      "CFM-2026-000006",
      "CFM-2026-000012",
    ]);
    expect(Object.fromEntries(inputs.justifications)).toEqual({
      "CFM-2026-000002": HUMANITARIAN_JUSTIFICATIONS.get("CFM-2026-000002"),
      "CFM-2026-000005": null,
      "CFM-2026-000011": "Témoin indisponible (détails confidentiels)",
      "CFM-2026-000012": null,
      "CFM-2026-000013": null,
    });
  });

  it("gives the figures computed from the fixture, plus the older overdue case on the pending list", async () => {
    const report = await buildReport(rt, q1());
    const expected = computeReport(asStored(HUMANITARIAN, STORED_WITH_COMPLETED_AT), {
      from: "2026-01-01",
      to: "2026-03-31",
      kind: "quarterly",
      key: "2026-Q1",
      config,
      now: HUMANITARIAN_NOW,
      previous: PREVIOUS,
      justifications: HUMANITARIAN_JUSTIFICATIONS,
    });
    const { pending, pendingTotal, ...rest } = report;
    const { pending: _p, pendingTotal: _t, ...expectedRest } = expected;
    expect(rest).toEqual(expectedRest);
    expect(pendingTotal).toBe(pending.length);
    expect(report.r11.overall).toMatchObject({ met: 5, completed: 12, change: 1.7 });
    expect(pending.map((p) => p.reference)).toEqual([
      "CFM-2025-000105",
      "CFM-2026-000006",
      "CFM-2026-000012",
      "CFM-2026-000005",
      // Open past its appeal window (issue 18: listed, as the total counts it).
      "CFM-2026-000002",
    ]);
    expect(JSON.stringify(report)).not.toContain("SECRÈTE");
  });
});

const event = (query: Record<string, string>) =>
  ({ queryStringParameters: query, rawPath: "/api/reports" }) as unknown as APIGatewayProxyEventV2;

describe("GET /api/reports/list (issue 18: a report holds the first page of each list)", () => {
  it("gives the coordinator a page of the pending or late list, with the whole list's total", async () => {
    const query = { from: "2026-01-01", to: "2026-03-31" };
    const report = await buildReport(rt, makePeriod("custom", query.from, query.to, "Africa/Bamako"), {
      includeJustificationText: true,
    });
    const pending = await handleReportListRequest(event({ ...query, list: "pending" }), "coordinator", rt);
    expect(pending.statusCode).toBe(200);
    expect(JSON.parse(pending.body ?? "")).toEqual({
      list: "pending",
      page: 1,
      pageSize: 50,
      total: report.pendingTotal,
      rows: report.pending,
      next: null,
    });
    const late = await handleReportListRequest(
      event({ ...query, list: "late", page: "1" }),
      "coordinator",
      rt,
    );
    expect(JSON.parse(late.body ?? "")).toMatchObject({ total: report.late.total, rows: report.late.rows });
    const beyond = await handleReportListRequest(
      event({ ...query, list: "late", page: "2" }),
      "coordinator",
      rt,
    );
    expect(JSON.parse(beyond.body ?? "")).toMatchObject({ page: 2, rows: [], next: null });
  });

  it("refuses general staff (403) and a bad list or page (400)", async () => {
    const query = { from: "2026-01-01", to: "2026-03-31" };
    expect((await handleReportListRequest(event({ ...query, list: "late" }), "staff", rt)).statusCode).toBe(
      403,
    );
    const bad = await handleReportListRequest(event({ ...query, list: "all" }), "coordinator", rt);
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body ?? "")).toMatchObject({ field: "list" });
    const page = await handleReportListRequest(
      event({ ...query, list: "late", page: "0" }),
      "coordinator",
      rt,
    );
    expect(JSON.parse(page.body ?? "")).toMatchObject({ field: "page" });
  });
});

describe("GET /api/reports", () => {
  it("gives the coordinator the report as JSON, with the T-13 justification of non-sensitive cases", async () => {
    const response = await handleReportsRequest(
      event({ from: "2026-01-01", to: "2026-03-31" }),
      "coordinator",
      rt,
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers?.["content-type"]).toMatch(/^application\/json/);
    const report = JSON.parse(response.body ?? "") as Report;
    expect(report.total).toBe(13);
    expect(report.late.rows.find((r) => r.reference === "CFM-2026-000002")?.justification).toContain(
      "Enquêteur",
    );
    expect(report.late.rows.find((r) => r.reference === "CFM-2026-000011")?.justification).toBeUndefined();
  });

  it("answers CSV in the chosen language with a file name", async () => {
    const response = await handleReportsRequest(
      event({ from: "2026-01-01", to: "2026-03-31", format: "csv", lang: "en" }),
      "coordinator",
      rt,
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers?.["content-type"]).toBe("text/csv; charset=utf-8");
    expect(response.headers?.["content-disposition"]).toBe(
      'attachment; filename="cfm-custom-2026-01-01_2026-03-31.csv"',
    );
    expect(response.body?.startsWith('\ufeff"Report: from 1 January 2026 to 31 March 2026"')).toBe(true);
  });

  it("answers XLSX base64-encoded, readable by exceljs", async () => {
    const response = await handleReportsRequest(
      event({ from: "2026-01-01", to: "2026-03-31", format: "xlsx" }),
      "coordinator",
      rt,
    );
    expect(response.statusCode).toBe(200);
    expect(response.isBase64Encoded).toBe(true);
    expect(response.headers?.["content-type"]).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(response.body ?? "", "base64") as never);
    expect(workbook.getWorksheet("En attente")?.getRow(3).getCell(1).value).toBe("CFM-2025-000105");
  });

  it("refuses general staff (403) and a bad query (400)", async () => {
    expect(
      (await handleReportsRequest(event({ from: "2026-01-01", to: "2026-03-31" }), "staff", rt)).statusCode,
    ).toBe(403);
    expect((await handleReportsRequest(event({ from: "2026-01-01" }), "coordinator", rt)).statusCode).toBe(
      400,
    );
  });
});

describe("npx cfm report", () => {
  let server: Server;
  let api: string;
  const seen: string[] = [];

  beforeAll(async () => {
    // A stand-in for the local stack's HTTP server: bearer tokens as in CONTRACT.md, API Gateway v2 events.
    server = createServer(async (req, res) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      seen.push(req.headers.authorization ?? "");
      const token = req.headers.authorization?.replace(/^Bearer /, "");
      const audience =
        token === "local-coordinator" ? "coordinator" : token === "local-staff" ? "staff" : null;
      if (!audience || url.pathname !== "/api/reports") {
        res.writeHead(audience ? 404 : 401).end();
        return;
      }
      const response = await handleReportsRequest(event(Object.fromEntries(url.searchParams)), audience, rt);
      res.writeHead(response.statusCode ?? 200, response.headers as Record<string, string>);
      res.end(response.isBase64Encoded ? Buffer.from(response.body ?? "", "base64") : response.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await reportCommand(
      args,
      (s) => out.push(s),
      (s) => err.push(s),
    );
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  it("writes the XLSX the API returns, as the coordinator", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cfm-report-"));
    const file = join(dir, "q1.xlsx");
    const result = await run([
      "--from",
      "2026-01-01",
      "--to",
      "2026-03-31",
      "--format",
      "xlsx",
      "--out",
      file,
      "--api",
      api,
    ]);
    expect(result).toMatchObject({ code: 0, err: "" });
    expect(seen.at(-1)).toBe("Bearer local-coordinator");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile(file)) as never);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      "Synthèse",
      "Par catégorie",
      "En attente",
      "En retard",
    ]);
  });

  it("prints CSV and JSON to standard output", async () => {
    const csv = await run(["--from", "2026-01-01", "--to", "2026-03-31", "--api", api, "--lang", "en"]);
    expect(csv.code).toBe(0);
    expect(csv.out).toMatch(/^"Report: from 1 January 2026/);
    const json = await run(["--from", "2026-01-01", "--to", "2026-03-31", "--format", "json", "--api", api]);
    expect((JSON.parse(json.out) as Report).total).toBe(13);
  });

  it("says what went wrong: the API's 400 message, or an unreachable stack", async () => {
    const bad = await run(["--from", "2026-03-31", "--to", "2026-01-01", "--api", api]);
    expect(bad).toMatchObject({
      code: 1,
      err: "report failed: HTTP 400: to: must not be before from (2026-03-31)",
    });
    const down = await run([
      "--from",
      "2026-01-01",
      "--to",
      "2026-03-31",
      "--api",
      `http://127.0.0.1:${await freePort()}`,
    ]);
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/cannot reach the staff API .*ECONNREFUSED.*npm start/);
  });
});

describe("scheduled report email", () => {
  type StoredEmail = {
    subject: string;
    destination: { to: string[] };
    body: { html?: string; text?: string };
    attachments: Array<{ filename: string; contentType: string; content: string }>;
  };
  const emails = async () =>
    ((await (await fetch(`${sesUrl}/store`)).json()) as { emails: StoredEmail[] }).emails;

  it("H-G1: emails the quarter that just ended to the schedule's recipients, with CSV and XLSX, once", async () => {
    const first = await runScheduledReport(rt, "quarterly");
    expect(first).toEqual({ kind: "quarterly", period: "2026-Q1", result: "sent", recipients: 1 });
    const again = await runScheduledReport(rt, "quarterly");
    expect(again.result).toBe("already-sent");

    const sent = (await emails()).filter((e) => e.subject.startsWith("Rapport trimestriel"));
    expect(sent).toHaveLength(1);
    const email = sent[0]!;
    expect(email.subject).toBe("Rapport trimestriel\u00a0: T1 2026 (ONG Exemple Mali)");
    expect(email.destination.to).toEqual(["director@example.org"]);
    expect(email.body.html).toContain('data-r11="41.7"');
    expect(email.body.text).toContain("41,7\u00a0% (5/12)");
    expect(email.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ["cfm-quarterly-2026-Q1.csv", "text/csv; charset=utf-8"],
      ["cfm-quarterly-2026-Q1.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
    ]);
    const csv = Buffer.from(email.attachments[0]!.content, "base64").toString("utf8");
    expect(csv.startsWith("\ufeff")).toBe(true);
    // The scheduled report goes to a list: no justification text, no content at all.
    expect(csv).not.toContain("Enquêteur");
    expect(csv).not.toContain("SECRÈTE");
    const outbox = await rt.doc.send(
      new GetCommand({ TableName: rt.tableName, Key: { pk: "REPORT#quarterly#2026-Q1", sk: "OUTBOX" } }),
    );
    expect(outbox.Item).toMatchObject({ status: "sent", recipients: 1 });
  });

  it("R-5: the weekly pending list goes to both recipients; a kind nobody receives sends nothing", async () => {
    const weekly = await runScheduledReport(rt, "weekly-pending");
    expect(weekly).toEqual({ kind: "weekly-pending", period: "2026-W14", result: "sent", recipients: 2 });
    const email = (await emails()).find((e) => e.subject.startsWith("Liste hebdomadaire"));
    expect(email?.destination.to).toEqual(["officer@example.org", "supervisor@example.org"]);
    expect(email?.body.html).toContain("CFM-2025-000105");
    expect(await runScheduledReport(rt, "annual")).toMatchObject({ result: "no-recipients", recipients: 0 });
  });
});
