// The Lambda wrapper, bundled for real with esbuild (the other infra tests skip bundling): an ESM bundle with
// the require() banner, the AWS SDK inside, the validated organisation config compiled in, and an external source map.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as kms from "aws-cdk-lib/aws-kms";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfigText, type OrgConfig } from "../../functions/domain/config.ts";
import { CATALOGS } from "../../functions/i18n/catalogs.ts";
import { LANGUAGES } from "../../functions/i18n/languages.ts";
import {
  CATALOG_GROUPS,
  CfmFunction,
  cfmBundling,
  ESM_REQUIRE_BANNER,
  type HandlerName,
  handlerEntry,
  REPO_ROOT,
  SIDE_PACKAGES,
} from "../../infra/constructs/cfm-function.ts";

const CONFIG_FILE = "config/training-provider.example.yaml";
const config: OrgConfig = loadConfigText(readFileSync(CONFIG_FILE, "utf8"), CONFIG_FILE);

describe("CfmFunction bundle", () => {
  let outdir: string;
  let bundle: string;
  let assetDir: string;

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), "cfm-bundle-"));
    const app = new App({ outdir });
    const stack = new Stack(app, "Bundle");
    new CfmFunction(stack, "NeedsAttention", {
      handler: "needs-attention",
      config,
      key: new kms.Key(stack, "Key"),
      description: "bundle test",
    });
    app.synth();
    const asset = readdirSync(outdir).find(
      (name) => name.startsWith("asset.") && existsSync(join(outdir, name, "index.mjs")),
    );
    if (!asset) throw new Error(`no bundled asset in ${outdir}`);
    assetDir = join(outdir, asset);
    bundle = readFileSync(join(assetDir, "index.mjs"), "utf8");
  }, 120_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it("is an ESM bundle that starts with the require() banner for CommonJS dependencies", () => {
    expect(bundle.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(bundle).toMatch(/export\s*\{[^}]*as handler\s*\}|export\s*\{\s*handler\s*\}/);
  });

  it("includes the AWS SDK instead of importing it from the runtime", () => {
    expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(bundle).toContain("dynamodb");
  });

  it("compiles the validated organisation config in, instead of reading it at run time", () => {
    expect(bundle).not.toContain("CFM_CONFIG_JSON");
    expect(bundle).not.toContain("CFM_CONFIG_VALIDATED"); // parsed at synth, taken as is (issue 18)
    expect(bundle).toContain(config.organisation.name);
    expect(bundle).toContain(config.organisation.intakeAddress);
  });

  it("is minified, with its source map beside it and never parsed at run time (issue 18)", () => {
    expect(existsSync(join(assetDir, "index.mjs.map"))).toBe(true);
    expect(bundle).not.toContain("sourceMappingURL");
    const map = JSON.parse(readFileSync(join(assetDir, "index.mjs.map"), "utf8"));
    expect(map.sourcesContent).toBeUndefined();
    const averageLineLength = bundle.length / bundle.split("\n").length;
    expect(averageLineLength).toBeGreaterThan(500); // unminified code averages well under 100
  });

  it("leaves out what a workflow handler never runs: YAML, zod's other locales, S3, Step Functions (issue 18)", () => {
    const sources: string[] = JSON.parse(readFileSync(join(assetDir, "index.mjs.map"), "utf8")).sources;
    const bundled = (pattern: RegExp) => sources.filter((source) => pattern.test(source));
    expect(bundled(/node_modules\/zod\//).length).toBeGreaterThan(0);
    expect(bundled(/node_modules\/yaml\//)).toEqual([]);
    expect(bundled(/node_modules\/zod\/v4\/locales\/(?!en\.)/)).toEqual([]);
    expect(bundled(/node_modules\/@aws-sdk\/client-(s3|sfn)\//)).toEqual([]);
    expect(bundled(/functions\/domain\/config\.ts$/)).toEqual([]);
  });

  it("takes its credentials from the environment only, without the SDK's default chain and its nested clients (issue 18)", () => {
    const sources: string[] = JSON.parse(readFileSync(join(assetDir, "index.mjs.map"), "utf8")).sources;
    const bundled = (pattern: RegExp) => sources.filter((source) => pattern.test(source));
    expect(bundled(/functions\/lib\/lambda-credentials\.ts$/)).toHaveLength(1);
    expect(bundled(/node_modules\/@aws-sdk\/credential-provider-env\//).length).toBeGreaterThan(0);
    expect(
      bundled(
        /node_modules\/@aws-sdk\/(credential-provider-(node|ini|sso|process|web-identity|http|login)|nested-clients|token-providers)\//,
      ),
    ).toEqual([]);
    expect(bundled(/node_modules\/@smithy\/credential-provider-imds\//)).toEqual([]);
  });

  it("loads in a fresh Node process with its environment only, as on Lambda", () => {
    const run = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `await import(${JSON.stringify(join(assetDir, "index.mjs"))}); console.log("ok")`,
      ],
      {
        encoding: "utf8",
        env: {
          PATH: process.env.PATH ?? "",
          AWS_REGION: "eu-west-3",
          AWS_ACCESS_KEY_ID: "test",
          AWS_SECRET_ACCESS_KEY: "test",
          TABLE_NAME: "cfm-test",
        },
      },
    );
    expect(run.stdout.trim()).toBe("ok");
  });

  it("leaves the console's, public pages' and task pages' texts out of a workflow bundle", () => {
    // needs-attention renders emails only: format, labels, mail.
    expect(bundle).toContain(CATALOGS.fr.mail.fact.handledBy);
    expect(bundle).not.toContain(CATALOGS.fr.console.notice.tooLarge);
    expect(bundle).not.toContain(CATALOGS.fr.public.submit.relation);
    expect(bundle).not.toContain(CATALOGS.fr.pages.task.errorTitle);
  });
});

/** Synthesizes one CfmFunction with bundling on; the asset directory `cdk deploy` would upload. */
function bundleOne(outdir: string, handler: HandlerName): string {
  const app = new App({ outdir });
  const stack = new Stack(app, "Bundle");
  new CfmFunction(stack, "Fn", {
    handler,
    config,
    key: new kms.Key(stack, "Key"),
    description: "bundle test",
  });
  app.synth();
  const asset = readdirSync(outdir).find(
    (name) => name.startsWith("asset.") && existsSync(join(outdir, name, "index.mjs")),
  );
  if (!asset) throw new Error(`no bundled asset in ${outdir}`);
  return join(outdir, asset);
}

// Issue 18: the XLSX export's exceljs (1 MB with its zip and stream libraries) is built beside the bundle of the
// Lambdas that export (SIDE_PACKAGES) and loaded by the export alone (`await import("exceljs")`, reports/render.ts).
describe("a side package (issue 18)", () => {
  let outdir: string;
  let assetDir: string;

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), "cfm-bundle-"));
    assetDir = bundleOne(outdir, "reports");
  }, 180_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it("is listed for the Lambdas that export XLSX", () => {
    expect(SIDE_PACKAGES).toEqual({ "staff-api": ["exceljs"], reports: ["exceljs"], console: ["exceljs"] });
  });

  it("is left out of the bundle, which imports it by name on the export path only", () => {
    const sources: string[] = JSON.parse(readFileSync(join(assetDir, "index.mjs.map"), "utf8")).sources;
    expect(
      sources.filter((s) => /node_modules\/(exceljs|jszip|bluebird|unzipper|archiver)\//.test(s)),
    ).toEqual([]);
    const bundle = readFileSync(join(assetDir, "index.mjs"), "utf8");
    expect(bundle).toMatch(/import\(\s*"exceljs"\s*\)/);
    expect(bundle).not.toMatch(/from\s*"exceljs"/); // a static import would load it at every start
  });

  it("is built beside the bundle, where Node finds it, and writes and reads a workbook", () => {
    const side = join(assetDir, "node_modules", "exceljs", "index.js");
    expect(existsSync(side)).toBe(true);
    // Run from the asset directory, as Lambda runs index.mjs from /var/task.
    writeFileSync(
      join(assetDir, "probe.mjs"),
      `const ExcelJS = (await import("exceljs")).default;
       const book = new ExcelJS.Workbook();
       book.addWorksheet("Résumé").addRow(["Référence", 42]);
       const again = new ExcelJS.Workbook();
       await again.xlsx.load(await book.xlsx.writeBuffer());
       process.stdout.write(JSON.stringify(again.getWorksheet("Résumé").getRow(1).values));`,
    );
    const run = spawnSync(process.execPath, ["probe.mjs"], {
      cwd: assetDir,
      encoding: "utf8",
      env: { PATH: "" },
    });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual([null, "Référence", 42]);
  });
});

// Issue 18: each Lambda bundles only the groups of messages it names (CATALOG_GROUPS). Every key is named with its
// group as a literal ("mail.x", `pages.task.${key}`), so the groups a handler can render are the group prefixes in
// the code it bundles; likewise the heavy packages it can load are the ones its code still imports.
describe("what each Lambda's own code reaches (issue 18)", () => {
  const handlers = Object.keys(CATALOG_GROUPS) as HandlerName[];
  /** Each handler's code, its packages left as imports (comments out). */
  let code: Record<string, string>;

  beforeAll(async () => {
    const result = await build({
      entryPoints: Object.fromEntries(handlers.map((h) => [h, handlerEntry(h)])),
      bundle: true,
      platform: "node",
      format: "esm",
      packages: "external",
      minifyWhitespace: true, // no comments
      write: false,
      outdir: "/bundle-check",
      logLevel: "silent",
    });
    code = Object.fromEntries(
      result.outputFiles.map((file) => [file.path.replace(/^.*\/([^/]+)\.js$/, "$1"), file.text]),
    );
  }, 60_000);

  it("names exactly the catalog groups compiled into it", () => {
    const named = new RegExp(`["'\`](${Object.keys(CATALOGS.fr).join("|")})\\.`, "g");
    const found = Object.fromEntries(
      handlers.map((h) => [h, [...new Set([...(code[h] ?? "").matchAll(named)].map((m) => m[1]))].sort()]),
    );
    const declared = Object.fromEntries(handlers.map((h) => [h, [...CATALOG_GROUPS[h]].sort()]));
    expect(found).toEqual(declared);
  });

  it("reaches mailparser only where mail is parsed, and exceljs only through the export's dynamic import", () => {
    const reaching = (name: string) =>
      handlers.filter((h) => new RegExp(`["']${name}["']`).test(code[h] ?? "")).sort();
    expect(reaching("mailparser")).toEqual(["intake-email", "intake-sweep"]);
    expect(reaching("exceljs")).toEqual(Object.keys(SIDE_PACKAGES).sort());
    for (const h of reaching("exceljs")) expect(code[h]).not.toMatch(/from\s*"exceljs"/);
  });
});

describe("CfmFunction construct", () => {
  it("injects the catalogs from a file, never on esbuild's command line (one argument is capped at 128 KB)", () => {
    const bundling = cfmBundling(config, { catalogGroups: ["mail"] });
    expect(Object.keys(bundling.define ?? {})).toEqual([
      "process.env.CFM_CONFIG_JSON",
      "process.env.CFM_CONFIG_VALIDATED",
    ]);
    const [file] = bundling.inject ?? [];
    const text = readFileSync(join(REPO_ROOT, file ?? ""), "utf8");
    const json = JSON.parse(text.replace(/^[^"]*/, "").replace(/\);\s*$/, ""));
    expect(Object.keys(JSON.parse(json))).toEqual(LANGUAGES);
    expect(Object.keys(JSON.parse(json).en)).toEqual(["mail"]);
  });

  it("names the entry functions/handlers/<name>.ts", () => {
    expect(handlerEntry("task-pages")).toMatch(/\/functions\/handlers\/task-pages\.ts$/);
  });

  it("refuses a handler whose entry file does not exist", () => {
    const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
    const stack = new Stack(app, "Missing");
    const create = () =>
      new CfmFunction(stack, "Missing", {
        handler: "does-not-exist" as HandlerName,
        config,
        key: new kms.Key(stack, "Key"),
        description: "missing",
      });
    expect(create).toThrow(/handler file for "does-not-exist" is missing/);
  });

  it("gives an asynchronously invoked function two retries and an encrypted on-failure queue", () => {
    const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
    const stack = new Stack(app, "Async");
    const fn = new CfmFunction(stack, "Reports", {
      handler: "reports",
      config,
      key: new kms.Key(stack, "Key"),
      description: "async",
      asyncInvocation: true,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: {
          Destination: {
            "Fn::GetAtt": [stack.getLogicalId(fn.failureQueue?.node.defaultChild as never), "Arn"],
          },
        },
      },
    });
    template.hasResourceProperties("AWS::SQS::Queue", {
      KmsMasterKeyId: {
        "Fn::GetAtt": [stack.getLogicalId(stack.node.findChild("Key").node.defaultChild as never), "Arn"],
      },
    });
  });
});
