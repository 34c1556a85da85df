// Runs the synthesized state machine locally: aws-local-stepfunctions behind a local Step Functions endpoint,
// each Task bound to the same handler module as its Lambda, DynamoDB Local and aws-ses-v2-local for I/O, and
// a virtual clock so deadlines of weeks pass in milliseconds. Used by the tests and by `npm start`.
import "./stepfunctions/promise-polyfill.ts";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Context } from "aws-lambda";
import type { OrgConfig } from "../functions/domain/config.ts";
import { parseDuration } from "../functions/domain/duration.ts";
import { resetRuntime } from "../functions/lib/runtime.ts";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "./dynamodb-local.ts";
import { LocalStepFunctions, type TaskHandler } from "./stepfunctions/local-sfn.ts";
import { startSfnHttpServer } from "./stepfunctions/sfn-http-server.ts";
import { VirtualClock } from "./stepfunctions/virtual-clock.ts";
import {
  type AslDefinition,
  handlerOfArn,
  LOCAL_ACCOUNT,
  synthesizeWorkflow,
} from "./workflow-definition.ts";

export const STATE_MACHINE_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:cfm-complaint`;

export interface WorkflowRuntimeOptions {
  config: OrgConfig;
  configPath: string;
  tableName: string;
  dynamoEndpoint: string;
  sesEndpoint: string;
  s3Endpoint?: string;
  /** The local AWS End User Messaging (local/messaging-local.ts): SMS and WhatsApp go there (issue 17). */
  messagingEndpoint?: string;
  taskBaseUrl: string;
  /** A folder for the link-signing key (created when missing). */
  dataDir: string;
  clockStart?: Date;
  sfnPort?: number;
  /** Fault injection for tests: runs before each task's handler and may throw (as a failing Lambda would). */
  beforeTask?: (stateName: string, payload: unknown) => void | Promise<void>;
  /** Told how long each task's handler ran (real milliseconds, its module already loaded): the bench prices it. */
  afterTask?: (handlerName: string, ms: number) => void;
}

export interface WorkflowRuntime {
  sfn: LocalStepFunctions;
  sfnEndpoint: string;
  clock: VirtualClock;
  definition: AslDefinition;
  /** Moves virtual time forward and answers once every timer due has fired and its work settled. */
  advance(duration: string): Promise<Date>;
  settled(): Promise<void>;
  /** Resolves once the executions of one case (`<reference>`, `<reference>-<n>`) are idle, whatever the others do. */
  caseSettled(reference: string): Promise<void>;
  /** Imports every task's handler module now (as a Lambda's init), not at its first execution. */
  preload(): Promise<void>;
  close(): Promise<void>;
}

type LambdaModule = { handler: (event: unknown, context: Context) => Promise<unknown> };

/** Milliseconds of an ISO 8601 duration, for the clock (months as 30 days, years as 365). */
export function durationMs(text: string): number {
  const d = parseDuration(text);
  const days = d.years * 365 + d.months * 30 + d.weeks * 7 + d.days;
  return ((days * 24 + d.hours) * 60 + d.minutes) * 60_000 + d.seconds * 1000;
}

function lambdaContext(name: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `cfm-${name}`,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:cfm-${name}`,
    memoryLimitInMB: "512",
    awsRequestId: randomBytes(16).toString("hex"),
    logGroupName: `/aws/lambda/cfm-${name}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => 60_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** The environment the Lambdas get in AWS, pointed at the local emulators. */
export function applyLocalEnvironment(options: WorkflowRuntimeOptions & { sfnEndpoint?: string }): void {
  const secretFile = join(options.dataDir, "link-secret.key");
  mkdirSync(options.dataDir, { recursive: true });
  try {
    writeFileSync(secretFile, randomBytes(32).toString("base64"), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: options.dynamoEndpoint,
    AWS_ENDPOINT_URL_SESV2: options.sesEndpoint,
    ...(options.sfnEndpoint ? { AWS_ENDPOINT_URL_SFN: options.sfnEndpoint } : {}),
    ...(options.s3Endpoint ? { AWS_ENDPOINT_URL_S3: options.s3Endpoint, CFM_S3_PATH_STYLE: "1" } : {}),
    ...(options.messagingEndpoint
      ? {
          AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: options.messagingEndpoint,
          AWS_ENDPOINT_URL_SOCIALMESSAGING: options.messagingEndpoint,
        }
      : {}),
    TABLE_NAME: options.tableName,
    // What CDK compiles into each Lambda: the config, validated, as JSON.
    CFM_CONFIG_JSON: JSON.stringify(options.config),
    TASK_BASE_URL: options.taskBaseUrl,
    CFM_LINK_SECRET_FILE: secretFile,
    CFM_METRICS: "memory",
    CFM_VIRTUAL_CLOCK: "1",
    STATE_MACHINE_ARN,
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? "WARN",
  });
  resetRuntime();
}

export async function startWorkflowRuntime(options: WorkflowRuntimeOptions): Promise<WorkflowRuntime> {
  const { definition } = await synthesizeWorkflow(options.config);
  applyLocalEnvironment(options);
  const modules = new Map<string, Promise<LambdaModule>>();
  const load = (name: string) => {
    let module = modules.get(name);
    if (!module) {
      module = import(`../functions/handlers/${name}.ts`) as Promise<LambdaModule>;
      modules.set(name, module);
    }
    return module;
  };
  const lambdaHandlers: Record<string, TaskHandler> = {};
  const handlerNames = new Set<string>();
  for (const [stateName, state] of Object.entries(definition.States)) {
    if (state.Type !== "Task") continue;
    const functionName = (state.Parameters as { FunctionName?: string } | undefined)?.FunctionName;
    const handlerName = functionName ? handlerOfArn(functionName) : null;
    if (!handlerName) throw new Error(`task ${stateName} is not bound to a cfm Lambda (${functionName})`);
    handlerNames.add(handlerName);
    lambdaHandlers[stateName] = async (payload) => {
      await options.beforeTask?.(stateName, payload);
      const module = await load(handlerName);
      const started = performance.now();
      try {
        return await module.handler(payload, lambdaContext(handlerName));
      } finally {
        options.afterTask?.(handlerName, performance.now() - started);
      }
    };
  }
  const clock = VirtualClock.install(options.clockStart ?? new Date());
  const sfn = new LocalStepFunctions({
    definition,
    stateMachineArn: STATE_MACHINE_ARN,
    lambdaHandlers,
    clock,
  });
  const server = await startSfnHttpServer(sfn, options.sfnPort ?? 0);
  process.env.AWS_ENDPOINT_URL_SFN = server.url;
  resetRuntime();
  return {
    sfn,
    sfnEndpoint: server.url,
    clock,
    definition,
    advance: (duration) => sfn.advanceTime(durationMs(duration)),
    settled: () => sfn.settled(),
    caseSettled: (reference) =>
      sfn.settledExecutions((name) => name === reference || name.startsWith(`${reference}-`)),
    preload: async () => {
      for (const name of handlerNames) await load(name);
    },
    close: async () => {
      await sfn.dispose();
      await server.close();
      clock.uninstall();
    },
  };
}
