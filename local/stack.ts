// The local stack: the whole mechanism on one machine, on real emulators (CONTRACT.md "Local stack").
// DynamoDB Local, s3rver (S3 API), aws-ses-v2-local (outgoing mail), the synthesized state machine on
// aws-local-stepfunctions behind a local Step Functions endpoint, an SMTP server that turns incoming mail
// into SES receipts, and one HTTP server for task pages, the staff API and the /local endpoints. The
// handlers are the Lambda modules themselves, called with the events API Gateway and SES would send.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, unwatchFile, watchFile, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { SendEmailCommand } from "@aws-sdk/client-sesv2";
import { getRequestListener } from "@hono/node-server";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { SMTPServer } from "smtp-server";
import * as z from "zod";
import { loadConfigText, type OrgConfig, parseConfig } from "../functions/domain/config.ts";
import { liveOf, structuralChanges } from "../functions/domain/live-config.ts";
import { executionName } from "../functions/domain/procedure.ts";
import { startWorkflow } from "../functions/intake/open-case.ts";
import { makeSesEvent } from "../functions/intake/ses-event.ts";
import { runtime } from "../functions/lib/runtime.ts";
import { s3 as s3Client } from "../functions/lib/s3.ts";
import { pushConfig } from "../functions/store/config-store.ts";
import { resumePlan } from "../functions/workflow/resume.ts";
import { applyPending } from "../functions/workflow/steps.ts";
import { ensureTable, freePort, type StartingDynamoDbLocal, spawnDynamoDbLocal } from "./dynamodb-local.ts";
import { startMessagingLocal } from "./messaging-local.ts";
import { startLocalOidc } from "./oidc-provider.ts";
import { startSesLocal } from "./ses-local.ts";
import { durationMs, startWorkflowRuntime, type WorkflowRuntime } from "./workflow-runtime.ts";

export class LocalStackError extends Error {
  override name = "LocalStackError";
}

export interface LocalStackOptions {
  configPath: string;
  dataDir: string;
  httpPort: number;
  smtpPort: number;
  sesPort: number;
  /** The local OpenID provider of the console's sign-in (CFM_OIDC_PORT); a free port when absent. */
  oidcPort?: number;
  /**
   * DynamoDB Local already spawned on `<dataDir>/dynamodb` (npm start does it before loading this module: the
   * JVM starts while the stack's modules load); the stack owns it from then on. Spawned here when absent.
   */
  dynamo?: Promise<StartingDynamoDbLocal>;
  log?: (line: string) => void;
}

export interface LocalStack {
  httpUrl: string;
  sesUrl: string;
  /** The local OpenID provider (the console signs in there). */
  oidcUrl: string;
  smtpPort: number;
  wf: WorkflowRuntime;
  config: OrgConfig;
  /** Cases resumed at start-up (restart safety). */
  resumed: string[];
  /**
   * Where the start's time went: when each phase ended, in ms since the process started, and the process's CPU
   * time (ms, all its threads) by then (issue 18).
   */
  phases: Array<{ phase: string; at: number; cpu: number }>;
  stop(): Promise<void>;
}

const TABLE = "cfm";
const RAW_BUCKET = "cfm-raw-mail";
const ATTACHMENTS_BUCKET = "cfm-attachments";

type S3rver = { run(): Promise<{ port: number }>; close(): Promise<void> };
const S3rverClass = createRequire(import.meta.url)("s3rver") as new (
  options: Record<string, unknown>,
) => S3rver;

const verdict = z.enum(["PASS", "FAIL"]).default("PASS");
const inboundQuery = z.object({ spam: verdict, virus: verdict, spf: verdict, dkim: verdict, dmarc: verdict });
const clockBody = z.object({ advance: z.string().regex(/^P/, "an ISO 8601 duration such as P7D") });
const outboxQuery = z.object({ channel: z.enum(["sms", "whatsapp"]).optional() });

async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new LocalStackError(
          error.code === "EADDRINUSE"
            ? `port ${port} (${what}) is already in use: stop what uses it or set another port`
            : `cannot listen on port ${port} (${what}): ${error.code}`,
        ),
      ),
    );
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

function readBody(request: IncomingMessage, limit = 45 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new LocalStackError("body too large"));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The API Gateway HTTP API (payload 2.0) event for a request. */
function toApiEvent(request: IncomingMessage, url: URL, body: Buffer): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers))
    if (typeof value === "string") headers[key] = value;
  // A malformed escape (`/t/%`) is passed on undecoded: the task page answers it as an unknown link (404).
  const token = url.pathname.startsWith("/t/") ? safeDecode(url.pathname.slice(3)) : undefined;
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.fromEntries(url.searchParams),
    pathParameters: token ? { token } : undefined,
    body: body.length > 0 ? body.toString("utf8") : undefined,
    isBase64Encoded: false,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: url.host,
      domainPrefix: "local",
      http: {
        method: request.method ?? "GET",
        path: url.pathname,
        protocol: "HTTP/1.1",
        sourceIp: "127.0.0.1",
        userAgent: request.headers["user-agent"] ?? "",
      },
      requestId: randomBytes(8).toString("hex"),
      routeKey: "$default",
      stage: "$default",
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
  };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
  response.end(text);
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => {});
  // Real time since the process started (the virtual clock fakes Date, not performance).
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const phases: Array<{ phase: string; at: number; cpu: number }> = [];
  const mark = (phase: string) => phases.push({ phase, at: performance.now(), cpu: cpuMs() });
  mark("modules");
  if (!existsSync(options.configPath))
    throw new LocalStackError(
      `config file ${options.configPath} not found (set CFM_CONFIG to an organisation config)`,
    );
  const checked = parseConfig(readFileSync(options.configPath, "utf8"));
  if (!checked.ok)
    throw new LocalStackError(`invalid config ${options.configPath}:\n${checked.problems.join("\n")}`);
  const config = loadConfigText(readFileSync(options.configPath, "utf8"), options.configPath);
  await assertPortFree(options.httpPort, "HTTP, CFM_HTTP_PORT");
  await assertPortFree(options.smtpPort, "SMTP, CFM_SMTP_PORT");
  await assertPortFree(options.sesPort, "outgoing mail store, CFM_SES_PORT");
  const oidcPort = options.oidcPort ?? (await freePort());
  await assertPortFree(oidcPort, "console sign-in (OpenID provider), CFM_OIDC_PORT");
  mkdirSync(options.dataDir, { recursive: true });

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
  try {
    // Issue 18: DynamoDB Local, a JVM and the longest step, starts first; its table is made ready while the other
    // emulators, the workflow runtime and the handler modules load (nothing before the config push reads it).
    const dynamo = await (options.dynamo ??
      spawnDynamoDbLocal({ dataDir: join(options.dataDir, "dynamodb") }));
    stops.push(() => dynamo.stop());
    const tableReady = dynamo.ready.then(async () => {
      mark("dynamodb-local");
      await ensureTable(dynamo.endpoint, TABLE);
      mark("dynamodb-table");
    });
    tableReady.catch(() => {}); // awaited below

    const s3Port = await freePort();
    const s3 = new S3rverClass({
      address: "127.0.0.1",
      port: s3Port,
      silent: true,
      directory: join(options.dataDir, "s3"),
      allowMismatchedSignatures: true,
    });
    await s3.run();
    stops.push(() => s3.close());
    mark("s3rver");

    const ses = await startSesLocal(options.sesPort, { persistFile: join(options.dataDir, "outbox.jsonl") });
    stops.push(() => ses.close());
    const sesUrl = ses.url;

    // Issue 17: SMS and WhatsApp go out through the SDK to a local End User Messaging; kept like the mailbox.
    const messaging = await startMessagingLocal(await freePort(), {
      persistFile: join(options.dataDir, "messages-outbox.jsonl"),
    });
    stops.push(() => messaging.close());
    mark("ses+messaging");

    const clockFile = join(options.dataDir, "clock.json");
    const saved = existsSync(clockFile)
      ? Date.parse(JSON.parse(readFileSync(clockFile, "utf8")).now)
      : Number.NaN;
    const clockStart = new Date(Math.max(Number.isNaN(saved) ? 0 : saved, Date.now()));
    const httpUrl = `http://127.0.0.1:${options.httpPort}`;
    const wf = await startWorkflowRuntime({
      config,
      configPath: options.configPath,
      tableName: TABLE,
      dynamoEndpoint: dynamo.endpoint,
      sesEndpoint: sesUrl,
      s3Endpoint: `http://127.0.0.1:${s3Port}`,
      messagingEndpoint: messaging.url,
      taskBaseUrl: `${httpUrl}/t/`,
      dataDir: options.dataDir,
      clockStart,
    });
    const saveClock = () => writeFileSync(clockFile, JSON.stringify({ now: wf.clock.now().toISOString() }));
    stops.push(async () => {
      saveClock();
      await wf.close();
    });
    Object.assign(process.env, { RAW_BUCKET, ATTACHMENTS_BUCKET, CFM_LOCAL_AUTH: "1" });
    mark("workflow-runtime");
    const rt = runtime();
    // The Lambda modules read their environment at import, as in a Lambda container: import them now.
    const { handleStaffApi } = await import("../functions/api/staff-api.ts");
    const { handleTaskRequest } = await import("../functions/handlers/task-pages.ts");
    const { handlePublicRequest } = await import("../functions/handlers/public-pages.ts");
    const { receiveEmail } = await import("../functions/intake/receive-email.ts");
    const { receiveSmsEvent, receiveWhatsAppEvent } = await import("../functions/intake/receive-text.ts");
    const { sweepRawMessages, VERDICTS_METADATA } = await import("../functions/intake/recover.ts");
    const { createConsoleApp } = await import("../functions/console/app.ts");
    const { handleHookRequest } = await import("../functions/handlers/channel-hooks.ts");
    const { recordSent } = await import("../functions/mail/record-sent.ts");
    // The workflow's task handlers too, while DynamoDB Local starts, rather than at a burst's first executions.
    await wf.preload();
    mark("handler-imports");

    // The console signs in on a real OpenID provider; its one-time codes go out through the local SES.
    const oidc = await startLocalOidc({
      port: oidcPort,
      consoleOrigin: httpUrl,
      // The staff directory in force: someone added by a config change signs in without a restart (issue 12).
      get config() {
        return rt.config;
      },
      log,
      sendCode: async (to, code) => {
        await rt.ses.send(
          new SendEmailCommand({
            FromEmailAddress: rt.fromAddress,
            Destination: { ToAddresses: [to] },
            Content: {
              Simple: {
                Subject: { Data: `Code de connexion à la console cfm : ${code}`, Charset: "UTF-8" },
                Body: {
                  Text: {
                    Data: `Votre code de connexion à la console cfm est ${code}. Il est valable 10 minutes.\n\nSi vous n'avez pas demandé ce code, ignorez ce message.`,
                    Charset: "UTF-8",
                  },
                },
              },
            },
          }),
        );
      },
    });
    stops.push(() => oidc.close());
    mark("oidc");
    await tableReady;

    // Issue 15: SES's Send events, as the configuration set publishes them in AWS, mark each email sent; those
    // of the last ten minutes first, so that a send cut by a crash after SES took it is not repeated when the
    // cases resume below.
    await ses.publishSendEvents((event) => recordSent(rt, event), {
      replayMs: 10 * 60_000,
      onError: (error) => log(`send event not recorded: ${error.name}`),
    });

    // Issue 12: the config file's live part (staff, calendar, reminders, report recipients) is pushed to the
    // local table as `cfm config push` does in AWS, at start (the file is the source here) and whenever the file
    // changes; the handlers read it as the Lambdas do. A structural change needs a restart (a deploy in AWS).
    let configChain = Promise.resolve();
    const applyConfigFile = async (when: "start" | "change") => {
      const result = parseConfig(readFileSync(options.configPath, "utf8"));
      if (!result.ok) {
        log(
          `config ${options.configPath} not applied, the version in force stays:\n${result.problems.join("\n")}`,
        );
        return;
      }
      const pushed = await pushConfig(rt.doc, rt.tableName, liveOf(result.config), {
        pushedBy: "npm start",
        source: options.configPath,
        at: wf.clock.now(),
      });
      await rt.refreshConfig(true);
      if (pushed.changed && when === "change")
        log(`config version ${pushed.version} in force: staff, calendar, reminders and report recipients`);
      const structural = structuralChanges(config, result.config);
      if (structural.length > 0)
        log(`config: ${structural.join(", ")} changed: restart npm start to apply (in AWS: cdk deploy)`);
    };
    await applyConfigFile("start");
    mark("config-push");
    // Polled (watchFile) rather than fs.watch: editors that save by replacing the file end an fs.watch watcher.
    watchFile(options.configPath, { interval: 500 }, () => {
      configChain = configChain
        .then(() => applyConfigFile("change"))
        .catch((error: Error) => log(`config reload failed: ${error.name}: ${error.message}`));
    });
    stops.push(async () => {
      unwatchFile(options.configPath);
      await configChain;
    });

    const consoleApp = createConsoleApp({
      rt,
      oidc: { issuer: oidc.issuer, clientId: oidc.clientId, logoutUrl: oidc.logoutUrl },
      settle: () => wf.settled(),
    });
    const consoleListener = getRequestListener(consoleApp.fetch);
    for (const bucket of [RAW_BUCKET, ATTACHMENTS_BUCKET])
      await s3Client()
        .send(new CreateBucketCommand({ Bucket: bucket }))
        .catch((error: Error) => {
          if (!/BucketAlready/.test(error.name)) throw error;
        });

    mark("console+buckets");
    // Restart safety: every open case continues at its current step, from the persisted case alone.
    const resumed: string[] = [];
    for (const open of await rt.store.openByNextDeadline(undefined, Number.POSITIVE_INFINITY)) {
      await applyPending(rt, open.reference);
      const record = await rt.store.require(open.reference);
      const content = await rt.store.getContent(record.reference);
      // Issue 12: a case that needs attention waits for the coordinator's action, not for a restart.
      if (record.flags.includes("needs-attention")) continue;
      const plan = resumePlan(config, record, content);
      if (!plan) continue;
      await startWorkflow(
        record.reference,
        plan.resumeAt === "receive" ? {} : { resumeAt: plan.resumeAt, case: plan.case },
        executionName(record),
      );
      resumed.push(record.reference);
    }
    await wf.settled();

    // Issue 15: raw messages stored before a crash, without an outcome, are processed now (nothing is in
    // flight at start) and then every 30 s (those older than a minute), as the scheduled sweep does in AWS.
    let sweeping = false;
    const sweep = async (olderThanMs: number) => {
      if (sweeping) return;
      sweeping = true;
      try {
        const swept = await sweepRawMessages(rt, {
          bucket: RAW_BUCKET,
          olderThanMs,
          lookbackMs: Number.POSITIVE_INFINITY,
          now: wf.clock.now(),
          requireVerdictsMetadata: true,
        });
        for (const { result } of swept.recovered) log(`recovered: ${JSON.stringify(result)}`);
        if (swept.failed.length > 0) log(`recovery: ${swept.failed.length} message(s) failed, retried later`);
        if (swept.interrupted.length > 0)
          log(`recovery: ${swept.interrupted.length} upload(s) cut by a crash, left to the sender's retry`);
        await wf.settled();
      } finally {
        sweeping = false;
      }
    };
    await sweep(0);
    mark("resume+sweep");
    const sweepTimer = setInterval(() => {
      sweep(60_000).catch((error: Error) => log(`recovery sweep failed: ${error.name}`));
    }, 30_000);
    stops.push(async () => clearInterval(sweepTimer));

    /** Same path as SES: the raw message in S3, then the intake Lambda with the receipt event. */
    const inbound = async (raw: Buffer, verdicts: z.infer<typeof inboundQuery>, envelopeSender?: string) => {
      const messageId = `local-${wf.clock.now().getTime().toString(36)}-${randomBytes(6).toString("hex")}`;
      const key = `raw/${messageId}`;
      // The verdicts go with the raw copy, so that the recovery sweep can process it after a crash (issue 15).
      await s3Client().send(
        new PutObjectCommand({
          Bucket: RAW_BUCKET,
          Key: key,
          Body: raw,
          Metadata: { [VERDICTS_METADATA]: JSON.stringify(verdicts) },
        }),
      );
      const event = makeSesEvent({
        messageId,
        bucket: RAW_BUCKET,
        key,
        verdicts,
        recipients: [config.organisation.intakeAddress],
        timestamp: wf.clock.now().toISOString(),
        ...(envelopeSender ? { source: envelopeSender } : {}),
      });
      const result = await receiveEmail(event, rt);
      // Answered once this message's own case is handled (its execution idle: acknowledged, the next task
      // emailed), not when every other execution is: a burst's requests no longer wait for each other
      // (issue 18). A message that opened or touched no case has nothing to wait for.
      if ("reference" in result) await wf.caseSettled(result.reference);
      return result;
    };

    let clockBusy = Promise.resolve();
    const server: Server = createServer(async (request, response) => {
      const url = new URL(request.url ?? "/", httpUrl);
      try {
        if (url.pathname === "/console" || url.pathname.startsWith("/console/"))
          return await consoleListener(request, response);
        const body = await readBody(request);
        if (url.pathname === "/health") return send(response, 200, { status: "ok" });
        if (url.pathname === "/local/clock") {
          if (request.method === "GET") return send(response, 200, { now: wf.clock.now().toISOString() });
          if (request.method !== "POST") return send(response, 405, { error: "GET or POST" });
          let json: unknown;
          try {
            json = JSON.parse(body.toString("utf8") || "{}");
          } catch {
            return send(response, 400, { error: 'body: not JSON; send {"advance": "P7D"}' });
          }
          const parsed = clockBody.safeParse(json);
          if (!parsed.success)
            return send(response, 400, { error: `advance: ${parsed.error.issues[0]?.message}` });
          try {
            durationMs(parsed.data.advance);
          } catch (error) {
            return send(response, 400, { error: `advance: ${(error as Error).message}` });
          }
          // One advance at a time: a second request waits for the first to settle.
          const run = clockBusy.then(() => wf.advance(parsed.data.advance));
          clockBusy = run.then(
            () => undefined,
            () => undefined,
          );
          const now = await run;
          saveClock();
          return send(response, 200, { now: now.toISOString() });
        }
        if (url.pathname === "/local/inbound-email") {
          if (request.method !== "POST") return send(response, 405, { error: "POST the raw message" });
          const query = inboundQuery.safeParse(Object.fromEntries(url.searchParams));
          if (!query.success)
            return send(response, 400, {
              error: query.error.issues.map((i) => `${i.path.join(".")}: must be PASS or FAIL`).join("; "),
            });
          if (body.length === 0) return send(response, 400, { error: "body: the raw message is empty" });
          return send(response, 200, await inbound(body, query.data));
        }
        if (url.pathname === "/local/inbound-sms" || url.pathname === "/local/inbound-whatsapp") {
          if (request.method !== "POST")
            return send(response, 405, {
              error: "POST the SNS notification AWS End User Messaging publishes",
            });
          let json: unknown;
          try {
            json = JSON.parse(body.toString("utf8"));
          } catch {
            return send(response, 400, { error: "body: not JSON; send the SNS notification" });
          }
          try {
            if (url.pathname === "/local/inbound-sms") {
              const [result] = await receiveSmsEvent(rt, json);
              await wf.settled();
              return send(response, 200, result);
            }
            const results = await receiveWhatsAppEvent(rt, json);
            await wf.settled();
            return send(response, 200, { results });
          } catch (error) {
            if ((error as Error).name === "InvalidInputError")
              return send(response, 400, { error: (error as Error).message });
            throw error;
          }
        }
        if (url.pathname === "/local/outbox") {
          if (request.method !== "GET") return send(response, 405, { error: "GET" });
          const query = outboxQuery.safeParse(Object.fromEntries(url.searchParams));
          if (!query.success) return send(response, 400, { error: "channel: must be sms or whatsapp" });
          return send(response, 200, { messages: messaging.messages(query.data.channel) });
        }
        if (url.pathname.startsWith("/t/")) {
          const result = await handleTaskRequest(toApiEvent(request, url, body));
          await wf.settled();
          response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
          return response.end(request.method === "HEAD" ? undefined : (result.body ?? ""));
        }
        if (/^\/(submit|follow-up|satisfaction)(\/|$)/.test(url.pathname)) {
          const result = await handlePublicRequest(toApiEvent(request, url, body));
          await wf.settled();
          response.writeHead(result.statusCode ?? 200, result.headers);
          return response.end(request.method === "HEAD" ? undefined : result.body);
        }
        if (url.pathname.startsWith("/hooks/")) {
          const result = await handleHookRequest(toApiEvent(request, url, body));
          await wf.settled();
          response.writeHead(result.statusCode ?? 200, result.headers);
          return response.end(result.body);
        }
        if (url.pathname.startsWith("/api/")) {
          const result = await handleStaffApi(toApiEvent(request, url, body) as never, rt);
          await wf.settled();
          response.writeHead(result.statusCode, result.headers);
          return response.end(result.isBase64Encoded ? Buffer.from(result.body, "base64") : result.body);
        }
        return send(response, 404, { error: "not found" });
      } catch (error) {
        log(`error: ${(error as Error).name}: ${(error as Error).message}`);
        if (!response.headersSent) send(response, 500, { error: (error as Error).name });
      }
    });
    await new Promise<void>((resolve) => server.listen(options.httpPort, "127.0.0.1", resolve));
    stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["AUTH", "STARTTLS"],
      size: 40 * 1024 * 1024, // SES's limit
      banner: "cfm local intake",
      onRcptTo(address, _session, callback) {
        if (address.address.toLowerCase() !== config.organisation.intakeAddress)
          return callback(new Error(`550 only ${config.organisation.intakeAddress} receives mail here`));
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          const mailFrom = session.envelope.mailFrom;
          const envelopeSender = mailFrom ? mailFrom.address || "<>" : undefined;
          inbound(Buffer.concat(chunks), inboundQuery.parse({}), envelopeSender).then(
            (result) => {
              log(`smtp: ${JSON.stringify(result)}`);
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      smtp.once("error", reject);
      smtp.listen(options.smtpPort, "127.0.0.1", () => resolve());
    });
    stops.push(() => new Promise<void>((resolve) => smtp.close(() => resolve())));
    mark("http+smtp");

    return {
      httpUrl,
      sesUrl,
      oidcUrl: oidc.issuer,
      smtpPort: options.smtpPort,
      wf,
      config,
      resumed,
      phases,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
