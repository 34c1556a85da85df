// GET /api/reports: role check and query validation, answered before any data is read; and the CLI's
// argument errors (the full round trips are in test/integration/reports-api.test.ts).
import { readFileSync } from "node:fs";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { loadConfigText } from "../../functions/domain/config.ts";
import { handleReportsRequest, MAX_SPAN_DAYS } from "../../functions/reports/api.ts";
import { reportCommand } from "../../functions/reports/cli.ts";
import type { ReportRuntime } from "../../functions/reports/load.ts";

const config = loadConfigText(readFileSync("config/humanitarian.example.yaml", "utf8"), "humanitarian");

/** A runtime whose data access fails the test: these answers must come before any read. */
const untouchable = {
  config,
  tableName: "untouchable",
  now: () => new Date("2026-04-02T12:00:00Z"),
  get store(): never {
    throw new Error("the store was read");
  },
  get doc(): never {
    throw new Error("the table was read");
  },
} as unknown as ReportRuntime;

const request = (query: Record<string, string> | undefined) =>
  ({ queryStringParameters: query, rawPath: "/api/reports" }) as unknown as APIGatewayProxyEventV2;

describe("handleReportsRequest: refusals", () => {
  it("H-D1: general staff get 403, whatever the query", async () => {
    const response = await handleReportsRequest(
      request({ from: "2026-01-01", to: "2026-03-31" }),
      "staff",
      untouchable,
    );
    expect(response.statusCode).toBe(403);
    const bad = await handleReportsRequest(request({ from: "nope" }), "staff", untouchable);
    expect(bad.statusCode).toBe(403);
  });

  it.each([
    [undefined, "from", /from: is required/],
    [{ to: "2026-03-31" }, "from", /from: is required/],
    [{ from: "2026-01-01" }, "to", /to: is required/],
    [{ from: "2026-02-30", to: "2026-03-31" }, "from", /YYYY-MM-DD/],
    [{ from: "01/01/2026", to: "2026-03-31" }, "from", /YYYY-MM-DD/],
    [{ from: "2026-03-31", to: "2026-01-01" }, "to", /before from/],
    [{ from: "2026-01-01", to: "2026-03-31", format: "pdf" }, "format", /json, csv, xlsx/],
    [{ from: "2026-01-01", to: "2026-03-31", lang: "de" }, "lang", /fr or en/],
    [{ from: "2026-01-01", to: "2026-03-31", delimiter: "|" }, "delimiter", /; or ,/],
    [{ from: "2020-01-01", to: "2026-03-31" }, "to", new RegExp(`at most ${MAX_SPAN_DAYS} days`)],
  ])("400 naming the field for %j", async (query, field, message) => {
    const response = await handleReportsRequest(request(query), "coordinator", untouchable);
    expect(response.statusCode).toBe(400);
    const body = JSON.parse(response.body ?? "{}") as { field: string; message: string };
    expect(body.field).toBe(field);
    expect(body.message).toMatch(message);
    expect(body.message.startsWith(`${field}: `)).toBe(true);
  });
});

describe("reportCommand: arguments", () => {
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

  it("requires --from and --to, and a known format", async () => {
    expect(await run(["--from", "2026-01-01"])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--from and --to/),
    });
    expect(await run(["--from", "2026-01-01", "--to", "2026-03-31", "--format", "pdf"])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--format must be one of csv, xlsx, json/),
    });
    expect(await run(["--frm", "x"])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/usage: cfm report/),
    });
  });

  it("prints its usage with --help", async () => {
    expect(await run(["--help"])).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^usage: cfm report/),
    });
  });
});
