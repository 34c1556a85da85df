// Module-scope clients and settings shared by the handlers: created once per Lambda container (or once per
// local process), with the environment checked at init so a misconfigured function fails at start, clearly.
import { readFileSync } from "node:fs";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { configSchema, type OrgConfig } from "../domain/config-schema.ts";
import { MissingEnvironmentError } from "../errors.ts";
import { ComplaintStore, indexSetOfEnvironment } from "../store/complaint-store.ts";
import { readCurrentConfig } from "../store/config-store.ts";
import { openTable, type Table } from "../store/table.ts";
import { cacheMsFromEnv, LiveConfigCache } from "./live-config.ts";

export { MissingEnvironmentError };

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new MissingEnvironmentError(`environment variable ${name} is required`);
  return value;
}

/**
 * The organisation config, compiled into the bundle at synth (esbuild defines CFM_CONFIG_JSON). The local stack and
 * the tests set the variable from a YAML file (`loadConfigFile`); reading YAML here would put the YAML parser into
 * every Lambda (115 KB, issue 18).
 */
export function loadRuntimeConfig(): OrgConfig {
  const compiled = process.env.CFM_CONFIG_JSON;
  if (!compiled)
    throw new MissingEnvironmentError(
      "the organisation config is missing: CDK compiles it in at synth, the local stack sets it from the YAML file",
    );
  // In a Lambda the config was parsed by this same schema at synth (cfmBundling, which also defines
  // CFM_CONFIG_VALIDATED): parsing it again at each cold start cost 90-200 ms at load 12, zod building and
  // compiling the config's validators on their first use (issue 18).
  if (process.env.CFM_CONFIG_VALIDATED === "synth") return JSON.parse(compiled) as OrgConfig;
  return configSchema.parse(JSON.parse(compiled));
}

/**
 * The table handle (`doc`, `tableName`) is what the repositories of functions/store/ are built from
 * (`outboxStore(rt)`, …); nothing outside functions/store/ sends a DynamoDB command itself.
 */
/**
 * The clients that send messages (SES, SMS, WhatsApp): one attempt (the outbox decides what is retried: a
 * throttled or unreachable provider gives the claim back, a call that got no answer keeps it), given up after
 * 3 s to connect and 8 s for the whole request (`throwOnRequestTimeout`: without it the SDK only logs a
 * warning). A send thus holds its outbox claim well under SEND_CLAIM_STALE_SECONDS (errors.ts; a test checks
 * it against a server that never answers).
 */
export const SENDER_CLIENT_OPTIONS = {
  maxAttempts: 1,
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 8_000, throwOnRequestTimeout: true },
} as const;

export interface Runtime extends Table {
  /** The config in force: the deployed one with the live part of the last `cfm config push` (issue 12). */
  readonly config: OrgConfig;
  /** The pushed config version in force (0: none pushed). */
  readonly configVersion: number;
  /** Reads the live config again when the cache period has passed (before an invocation), or now (`force`). */
  refreshConfig(force?: boolean): Promise<void>;
  store: ComplaintStore;
  ses: SESv2Client;
  /** Base URL of task links, ending with "/t/". */
  taskBaseUrl: string;
  fromAddress: string;
  configurationSet: string | undefined;
  linkSecret(): Promise<Buffer>;
  now(): Date;
}

let current: Runtime | undefined;

export function runtime(): Runtime {
  current ??= createRuntime();
  return current;
}

const resetHooks: Array<() => void> = [];

/** Client modules kept apart from the runtime (s3.ts, sfn.ts) drop their client with it. */
export function onRuntimeReset(hook: () => void): void {
  resetHooks.push(hook);
}

/** Local stack and tests: drop the cached runtime and clients after changing the environment. */
export function resetRuntime(): void {
  current = undefined;
  for (const hook of resetHooks) hook();
}

function createRuntime(): Runtime {
  const config = loadRuntimeConfig();
  const tableName = requireEnv("TABLE_NAME");
  const { doc } = openTable(tableName);
  const now = () => new Date();
  const live = new LiveConfigCache(config, () => readCurrentConfig(doc, tableName), {
    ttlMs: cacheMsFromEnv(),
  });
  let secret: Promise<Buffer> | undefined;
  // The SES client is built on first use: building a client costs cold-start time. S3 and Step Functions live in
  // s3.ts and sfn.ts, so that the handlers that never call them do not bundle them (issue 18).
  let ses: SESv2Client | undefined;
  return {
    get config() {
      return live.config;
    },
    get configVersion() {
      return live.version;
    },
    refreshConfig: (force) => live.refresh(force),
    tableName,
    doc,
    // Issue 18: the old indexes until a deployed table's new ones are filled (INDEX_STAGES, set by the stack).
    store: new ComplaintStore(doc, tableName, now, indexSetOfEnvironment(), config.organisation.timeZone),
    get ses() {
      ses ??= new SESv2Client(SENDER_CLIENT_OPTIONS);
      return ses;
    },
    taskBaseUrl: process.env.TASK_BASE_URL ?? "http://127.0.0.1:3000/t/",
    fromAddress: process.env.SES_FROM ?? config.organisation.intakeAddress,
    configurationSet: process.env.SES_CONFIGURATION_SET || undefined,
    linkSecret: () => {
      secret ??= loadLinkSecret();
      return secret;
    },
    now,
  };
}

async function loadLinkSecret(): Promise<Buffer> {
  const file = process.env.CFM_LINK_SECRET_FILE;
  if (file) return Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  const arn = requireEnv("LINK_SECRET_ARN");
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  if (!out.SecretString) throw new MissingEnvironmentError("the link secret is empty");
  return Buffer.from(out.SecretString, "utf8");
}
