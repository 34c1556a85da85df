// The Lambda wrapper, bundled for real with esbuild (the other infra tests skip bundling): an ESM bundle with
// the require() banner, the AWS SDK inside, the validated organisation config compiled in, and an external source map.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as kms from "aws-cdk-lib/aws-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfigText, type OrgConfig } from "../../functions/domain/config.ts";
import {
  CfmFunction,
  ESM_REQUIRE_BANNER,
  type HandlerName,
  handlerEntry,
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
});

describe("CfmFunction construct", () => {
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
