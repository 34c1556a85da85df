// The one way a cfm Lambda is built: nodejs22.x on ARM64, an ESM bundle with the AWS SDK and the validated
// organisation config compiled in, Powertools settings, its own KMS-encrypted log group and its own role
// (no AWS managed policy: it may write to its log group and nothing else until a grant says otherwise).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsDestination } from "aws-cdk-lib/aws-lambda-destinations";
import {
  type BundlingOptions,
  NodejsFunction,
  OutputFormat,
  SourceMapMode,
} from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { OrgConfig } from "../../functions/domain/config.ts";
import { configSchema } from "../../functions/domain/config-schema.ts";
import { type CatalogGroup, LOCALES_DIR, readCatalogs } from "../../functions/i18n/catalogs.ts";
import type { WorkflowHandler } from "../../workflows/complaint-workflow.ts";
import { acceptIamWildcards, REASONS, SQS_KMS_ALLOWANCES, suppress, XRAY_ALLOWANCE } from "../nag.ts";
import { LOG_RETENTION } from "./storage.ts";

/** Every Lambda of the product; each is `functions/handlers/<name>.ts`. */
export type HandlerName =
  | WorkflowHandler
  | "intake-email"
  | "intake-sweep"
  // Issue 15: SES's Send events mark outbox items sent (EventBridge).
  | "mail-sent"
  | "staff-api"
  | "task-pages"
  | "public-pages"
  | "reports"
  | "console"
  // Issue 17: inbound SMS/WhatsApp (SNS), Kobo and gateway webhooks (HTTP API).
  | "intake-messages"
  | "channel-hooks"
  // T-12: erases an expired case (DynamoDB stream of TTL deletions).
  | "purge";

/**
 * The groups of messages each Lambda can render (issue 18): only these are compiled into its bundle, in every
 * language. A workflow step writes emails and texts (`mail`, `sms`, with `labels` and `format`), never the
 * console's, the public pages' or the task pages' texts (81 of the 113 KB of catalogs). test/infra/
 * cfm-function.test.ts checks each list against the group prefixes in the handler's bundled code; a key of a
 * group left out throws MissingMessageError naming the group.
 */
const MESSAGE: readonly CatalogGroup[] = ["format", "labels", "mail"];
const TEXTING: readonly CatalogGroup[] = [...MESSAGE, "sms"];
export const CATALOG_GROUPS: Record<HandlerName, readonly CatalogGroup[]> = {
  receive: [],
  acknowledge: TEXTING,
  triage: TEXTING,
  assign: TEXTING,
  investigate: TEXTING,
  respond: TEXTING,
  appeal: TEXTING,
  close: TEXTING,
  "needs-attention": MESSAGE,
  "intake-email": MESSAGE,
  "intake-sweep": MESSAGE,
  "intake-messages": TEXTING,
  "channel-hooks": [...TEXTING, "pages"],
  "mail-sent": [],
  purge: [],
  "staff-api": [...MESSAGE, "reports"],
  reports: ["format", "labels", "reports"],
  console: [...MESSAGE, "console", "reports"],
  "task-pages": [...TEXTING, "pages"],
  "public-pages": [...MESSAGE, "public"],
};

/**
 * Heavy packages a Lambda loads only on the path that needs them (issue 18), left out of its bundle: the XLSX
 * export's exceljs with its zip, stream and date libraries (1 MB minified) would be compiled at every cold start
 * of the console, the staff API and the reports. NodejsFunction writes one file (esbuild's code splitting needs
 * an output directory), so each is built beside the bundle as `node_modules/<name>/index.js` (CommonJS,
 * minified), where the code's `await import("<name>")` finds it as Node finds any package; the asset `cdk
 * deploy` uploads is that directory. Only a dynamic import may name one (a static one would load it at start).
 */
export const SIDE_PACKAGES: Partial<Record<HandlerName, readonly string[]>> = {
  "staff-api": ["exceljs"],
  reports: ["exceljs"],
  console: ["exceljs"],
};

/**
 * The catalogs cut to `groups`, as a module esbuild injects in place of the free identifier CFM_CATALOGS
 * (functions/i18n/catalogs.ts). A `define` would carry them on esbuild's command line, where Linux caps one
 * argument at 128 KB: every group in two languages is 160 KB. The file is named by its content, under
 * node_modules/.cache (inside the project root, where CDK runs esbuild); JSON.parse of one string is the fastest
 * way for V8 to build a large object, and the pure annotation lets a bundle that never reads the catalogs drop it.
 */
export function catalogModule(groups?: readonly CatalogGroup[]): string {
  const json = JSON.stringify(readCatalogs(LOCALES_DIR, groups));
  const text = `export const CFM_CATALOGS = /* @__PURE__ */ JSON.parse(${JSON.stringify(json)});\n`;
  const dir = join(REPO_ROOT, "node_modules", ".cache", "cfm-catalogs");
  const file = join(dir, `${createHash("sha256").update(text).digest("hex").slice(0, 20)}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, text);
    renameSync(partial, file);
  }
  return `./${relative(REPO_ROOT, file)}`;
}

/** The command that builds a side package into a bundle's output directory (see SIDE_PACKAGES). */
export const sidePackageCommand = (name: string, outputDir: string): string =>
  `npx --no-install esbuild ${name} --bundle --platform=node --target=node22 --format=cjs --minify ` +
  `--log-level=warning "--outfile=${join(outputDir, "node_modules", name, "index.js")}"`;

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const handlerEntry = (name: HandlerName) => join(REPO_ROOT, "functions", "handlers", `${name}.ts`);

/** The credential provider of the bundles, in place of the SDK's default chain (issue 18). */
export const LAMBDA_CREDENTIALS = "functions/lib/lambda-credentials.ts";

/** ESM bundles of CommonJS dependencies still call require(): give them one. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * How every cfm Lambda is bundled (also used by `npm run bench -- bundles` for its bare reference handler, so
 * the figures compare like with like).
 */
export function cfmBundling(
  config: OrgConfig,
  options: {
    metafile?: boolean;
    catalogGroups?: readonly CatalogGroup[];
    sidePackages?: readonly string[];
  } = {},
): BundlingOptions {
  const side = options.sidePackages ?? [];
  return {
    // Benchmarks only (context cfm:bundle-metafile): index.meta.json beside the bundle, bytes per input.
    ...(options.metafile ? { metafile: true } : {}),
    format: OutputFormat.ESM,
    mainFields: ["module", "main"],
    banner: ESM_REQUIRE_BANNER,
    target: "node22",
    // The AWS SDK is bundled (pinned by package-lock.json), not taken from the runtime; the side packages are
    // built beside the bundle (SIDE_PACKAGES).
    externalModules: [...side],
    ...(side.length > 0
      ? {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (_inputDir: string, outputDir: string) =>
              side.map((name) => sidePackageCommand(name, outputDir)),
          },
        }
      : {}),
    // On Lambda the role's credentials are in the environment: the SDK's default chain gives way to the
    // environment provider alone (functions/lib/lambda-credentials.ts, about 90 KB less in every bundle). The path
    // is resolved from the project root, where CDK runs esbuild (local bundling: esbuild is a dev dependency).
    esbuildArgs: { "--alias": `@aws-sdk/credential-provider-node=./${LAMBDA_CREDENTIALS}` },
    minify: true,
    // The map ships beside the bundle (EXTERNAL: no sourceMappingURL comment) and Node is not started with
    // --enable-source-maps: parsing a multi-megabyte map cost 18-77 % of each cold start (issue 18). Stack
    // traces are symbolised offline from the asset's index.mjs.map when needed.
    sourceMap: true,
    sourceMapMode: SourceMapMode.EXTERNAL,
    sourcesContent: false,
    // The validated organisation config is compiled into the bundle: environment variables are limited to 4 KB.
    // Parsed here by the schema the Lambda holds, so that the Lambda takes it as is (loadRuntimeConfig).
    define: {
      "process.env.CFM_CONFIG_JSON": JSON.stringify(JSON.stringify(configSchema.parse(config))),
      "process.env.CFM_CONFIG_VALIDATED": JSON.stringify("synth"),
    },
    // The catalogs likewise: discovered in functions/i18n/locales/ at synth, so that adding a language needs no
    // import line (functions/i18n/catalogs.ts), each cut to the groups the function renders (CATALOG_GROUPS).
    inject: [catalogModule(options.catalogGroups)],
  };
}

export interface CfmFunctionProps {
  handler: HandlerName;
  config: OrgConfig;
  /** Encrypts the log group and, for asynchronously invoked functions, the failure queue. */
  key: kms.IKey;
  description: string;
  environment?: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
  /**
   * Invoked asynchronously (SES, EventBridge Scheduler): two retries, then the event goes to an encrypted
   * SQS queue (on-failure destination) that an alarm watches.
   */
  asyncInvocation?: boolean;
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR";
}

export class CfmFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly handlerName: HandlerName;
  /** Failed asynchronous invocations (asyncInvocation only). */
  readonly failureQueue?: sqs.Queue;

  constructor(scope: Construct, id: string, props: CfmFunctionProps) {
    super(scope, id);
    this.handlerName = props.handler;

    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: LOG_RETENTION,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `cfm ${props.handler} Lambda`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    if (props.asyncInvocation) {
      this.failureQueue = new sqs.Queue(this, "FailureQueue", {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: props.key,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      suppress(this.failureQueue, [
        {
          id: "AwsSolutions-SQS3",
          reason:
            "This queue is itself the dead-letter (on-failure) destination of the function; an alarm fires " +
            "as soon as it holds a message.",
        },
      ]);
    }

    const entry = handlerEntry(props.handler);
    if (!existsSync(entry)) {
      throw new Error(`cfm: the handler file for "${props.handler}" is missing: ${entry}`);
    }

    this.fn = new NodejsFunction(this, "Function", {
      entry,
      handler: "handler",
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, "package-lock.json"),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: "cfm",
        POWERTOOLS_METRICS_NAMESPACE: "Cfm",
        LOG_LEVEL: props.logLevel ?? "INFO",
        // The local stack maps state machine tasks to handler modules through this variable.
        CFM_HANDLER: props.handler,
        ...props.environment,
      },
      bundling: cfmBundling(props.config, {
        metafile: this.node.tryGetContext("cfm:bundle-metafile") === true,
        catalogGroups: CATALOG_GROUPS[props.handler],
        sidePackages: SIDE_PACKAGES[props.handler],
      }),
      ...(this.failureQueue ? { retryAttempts: 2, onFailure: new SqsDestination(this.failureQueue) } : {}),
    });

    acceptIamWildcards(this.role, [
      XRAY_ALLOWANCE,
      // SQS encryption: CDK's grantSendMessages for the failure destination grants the key's data-key actions.
      ...(this.failureQueue ? SQS_KMS_ALLOWANCES : []),
    ]);
    suppress(this.fn, [{ id: "AwsSolutions-L1", reason: REASONS.latestRuntime }]);
  }
}
