// Module-scope clients and settings shared by the handlers: created once per Lambda container (or once per
// local process), with the environment checked at init so a misconfigured function fails at start, clearly.
import { readFileSync } from "node:fs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { FinalizeRequestMiddleware } from "@smithy/types";
import { configSchema, loadConfigText, type OrgConfig } from "../domain/config.ts";
import { MissingEnvironmentError } from "../errors.ts";
import { ComplaintStore } from "../store/complaint-store.ts";

export { MissingEnvironmentError };

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new MissingEnvironmentError(`environment variable ${name} is required`);
  return value;
}

/** The organisation config: compiled into the bundle at synth (CFM_CONFIG_JSON) or read from CFM_CONFIG locally. */
export function loadRuntimeConfig(): OrgConfig {
  const compiled = process.env.CFM_CONFIG_JSON;
  if (compiled) return configSchema.parse(JSON.parse(compiled));
  const path = process.env.CFM_CONFIG ?? "config/humanitarian.example.yaml";
  return loadConfigText(readFileSync(path, "utf8"), path);
}

export interface Runtime {
  config: OrgConfig;
  tableName: string;
  doc: DynamoDBDocumentClient;
  store: ComplaintStore;
  ses: SESv2Client;
  sfn: SFNClient;
  s3: S3Client;
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

/** Local stack and tests: drop the cached runtime after changing the environment. */
export function resetRuntime(): void {
  current = undefined;
}

function createRuntime(): Runtime {
  const config = loadRuntimeConfig();
  const tableName = requireEnv("TABLE_NAME");
  const dynamo = new DynamoDBClient({});
  const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const now = () => new Date();
  let secret: Promise<Buffer> | undefined;
  // SES, Step Functions and S3 clients are built on first use: most handlers need one of them or none, and
  // building a client costs cold-start time (issue 18).
  let ses: SESv2Client | undefined;
  let sfn: SFNClient | undefined;
  let s3: S3Client | undefined;
  return {
    config,
    tableName,
    doc,
    store: new ComplaintStore(doc, tableName, now),
    get ses() {
      ses ??= new SESv2Client({});
      return ses;
    },
    get sfn() {
      sfn ??= new SFNClient({});
      return sfn;
    },
    get s3() {
      s3 ??= s3Client();
      return s3;
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

function s3Client(): S3Client {
  const s3 = new S3Client({ forcePathStyle: process.env.CFM_S3_PATH_STYLE === "1" });
  if (process.env.CFM_VIRTUAL_CLOCK === "1") {
    // Local stack only: the SDK corrects "clock skew" from the emulator's real-time Date header, while s3rver
    // checks signatures against the virtual clock. Keep signing in virtual time.
    // Reset right before each signing (retries included, which follow the skew correction).
    const signInVirtualTime: FinalizeRequestMiddleware<object, object> = (next) => (args) => {
      (s3.config as { systemClockOffset: number }).systemClockOffset = 0;
      return next(args);
    };
    s3.middlewareStack.addRelativeTo(signInVirtualTime as never, {
      relation: "before",
      toMiddleware: "httpSigningMiddleware",
      name: "cfmVirtualClockSigning",
    });
  }
  return s3;
}

async function loadLinkSecret(): Promise<Buffer> {
  const file = process.env.CFM_LINK_SECRET_FILE;
  if (file) return Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  const arn = requireEnv("LINK_SECRET_ARN");
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  if (!out.SecretString) throw new MissingEnvironmentError("the link secret is empty");
  return Buffer.from(out.SecretString, "utf8");
}
