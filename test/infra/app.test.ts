// infra/app.ts as `npx cdk synth` runs it: both example configs synthesize (cdk-nag passing: an unacknowledged
// or Control Tower finding makes the synth exit 1), and an invalid config stops it with one `path: message` line per problem.
// Asset bundling is skipped here (CDK_CONTEXT_JSON); cfm-function.test.ts bundles one function for real.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfigText } from "../../functions/domain/config.ts";

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, navigated freely by the assertions
type Json = any;

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function runApp(env: Record<string, string>) {
  const outdir = mkdtempSync(join(tmpdir(), "cfm-synth-"));
  outdirs.push(outdir);
  const result = spawnSync(process.execPath, ["--import", "tsx", "infra/app.ts"], {
    encoding: "utf8",
    env: {
      ...process.env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ "aws:cdk:bundling-stacks": [] }),
      ...env,
    },
  });
  return { ...result, outdir };
}

describe("infra/app.ts", () => {
  it.each([
    ["humanitarian (default)", undefined],
    ["training provider", "config/training-provider.example.yaml"],
  ])(
    "synthesizes the %s config with no credentials and no unacknowledged cdk-nag or Control Tower finding",
    { timeout: 300_000 },
    (_, file) => {
      const run = runApp(file ? { CFM_CONFIG: file } : { CFM_CONFIG: "" });

      expect(run.stderr).not.toContain("ERROR");
      expect(run.status).toBe(0);
      const template = JSON.parse(readFileSync(join(run.outdir, "Cfm.template.json"), "utf8"));
      const config = file ?? "config/humanitarian.example.yaml";
      const expected = loadConfigText(readFileSync(config, "utf8"), config);
      const schedules = Object.values(template.Resources as Record<string, Json>).filter(
        (r) => r.Type === "AWS::Scheduler::Schedule",
      );
      expect(schedules.map((s) => JSON.parse(s.Properties.Target.Input).kind).sort()).toEqual(
        expected.reports.map((r) => r.kind).sort(),
      );
      expect(template.Description).toContain(expected.organisation.name);
      const report = JSON.parse(readFileSync(join(run.outdir, "validation-report.json"), "utf8"));
      // cdk-nag keeps its acknowledged findings to itself; Control Tower's are listed as suppressed, with reasons.
      expect(report.pluginReports.map((r: Json) => [r.pluginName, r.conclusion, r.violations])).toEqual([
        ["control-tower", "success", []],
      ]);
      const suppressed = report.pluginReports[0].suppressedViolations as Json[];
      expect(suppressed.length).toBeGreaterThan(0);
      for (const s of suppressed) expect(s.reason.length, s.ruleName).toBeGreaterThanOrEqual(60);
    },
  );

  it("exits 1 on an invalid config and prints each problem as `path: message`", { timeout: 300_000 }, () => {
    const run = runApp({ CFM_CONFIG: "test/events/config/broken.yaml" });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain("invalid configuration test/events/config/broken.yaml");
    expect(run.stderr).toMatch(/^ {2}organisation\.languages\.1: /m);
    expect(run.stderr).toMatch(/^ {2}deadlines\.contact: /m);
  });

  it("exits 1 when the config file does not exist", { timeout: 300_000 }, () => {
    const run = runApp({ CFM_CONFIG: "config/missing.yaml" });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain("cannot read the configuration config/missing.yaml");
  });
});
