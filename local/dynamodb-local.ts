// Starts AWS's DynamoDB Local (the jar shipped in the npm package amplify-dynamodb-simulator) on loopback.
// Used by the integration tests (one instance per run) and by `npm start` (data in .cfm-local/).
// Issue 18: `npm start` spawns java first thing (spawnDynamoDbLocal), before loading the rest of the stack, so
// this module loads no AWS SDK until it is used (the JVM's start, a few seconds of CPU, runs meanwhile).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { delimiter, dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createTableInput, FINAL_INDEX_STAGE, TTL_ATTRIBUTE } from "../functions/store/table-design.ts";

const sdk = () => import("@aws-sdk/client-dynamodb");

export class MissingJavaError extends Error {
  override name = "MissingJavaError";
  constructor() {
    super(
      "DynamoDB Local needs a Java runtime (JRE 17+), and `java` was not found. Install one: sudo apt-get install -y default-jre-headless",
    );
  }
}

// One pair of credentials for every local emulator: s3rver accepts only its own; the others accept any.
export const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
export const LOCAL_REGION = "us-east-1";

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** A `java` on the PATH (looked up, not run: `java -version` is a JVM start, half a second or more). */
export function javaAvailable(): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, "java"), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * A port free now, for a server that binds it a little later. Chosen at random below Linux's ephemeral range
 * (32768-60999): a port the kernel handed out for listen(0) is soon handed again to an outgoing connection, and
 * the server that binds it later then fails with EADDRINUSE (seen in CI with many stacks side by side).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  return listenAnywhere();
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

function listenAnywhere(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function emulatorDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("amplify-dynamodb-simulator/package.json")), "emulator");
}

// Issue 15: DynamoDB Local must not outlive the stack. A SIGKILL of the stack runs no handler, so java is
// started by a small watchdog (a second node process) that kills it as soon as its own parent is gone; and
// the java pid is written next to the data, so that the next start finds and stops an orphan left anyway
// (a watchdog killed too, a machine that slept).
const WATCHDOG = `
const { spawn } = require("node:child_process");
const { writeFileSync } = require("node:fs");
const [cmd, args, cwd, pidFile] = JSON.parse(process.argv[1]);
const child = spawn(cmd, args, { cwd, stdio: "inherit" });
if (pidFile) writeFileSync(pidFile, String(child.pid));
const parent = process.ppid;
const gone = () => { try { process.kill(parent, 0); return process.ppid !== parent; } catch { return true; } };
const timer = setInterval(() => { if (gone()) { child.kill("SIGKILL"); process.exit(1); } }, 300);
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => child.kill("SIGTERM"));
child.on("exit", (code) => { clearInterval(timer); process.exit(code ?? 1); });
`;

const PID_FILE = "dynamodb-local.pid";
/** Java starts in a few seconds; on a machine loaded with other work it has taken over 30. */
const STARTUP_LIMIT_MS = 90_000;
/**
 * The JIT's first tier only (C1): the JVM reaches its first answer on about half the CPU (3.5 s instead of 6.4 s
 * measured at load 10 on 2 cores), and a local table's requests are short (issue 18).
 */
const JIT_FLAGS = ["-XX:TieredStopAtLevel=1"];

/** CPU time (ms) DynamoDB Local on `dataDir` has used so far, from /proc (Linux; NaN elsewhere). */
export function dynamoDbLocalCpuMs(dataDir: string): number {
  try {
    const pid = Number(readFileSync(join(dataDir, PID_FILE), "utf8").trim());
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, at Linux's USER_HZ of 100
  } catch {
    return Number.NaN;
  }
}

/** Stops a DynamoDB Local left running on this data folder by a stack that was killed (issue 15). */
export async function stopOrphan(dataDir: string): Promise<number | null> {
  const pidFile = join(dataDir, PID_FILE);
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1 || !isDynamoDbLocal(pid)) return null;
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, "SIGKILL");
  return pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Only a process that is DynamoDB Local is ever stopped (a recycled pid may be anything). */
function isDynamoDbLocal(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("DynamoDBLocal.jar");
  } catch {
    // No /proc (macOS): ask ps.
    const ps = spawnSync("ps", ["-p", String(pid), "-o", "command="], { encoding: "utf8" });
    return ps.status === 0 && ps.stdout.includes("DynamoDBLocal.jar");
  }
}

/** Starts DynamoDB Local and waits until it answers; `dataDir` persists data, otherwise it runs in memory. */
export async function startDynamoDbLocal(
  options: { port?: number; dataDir?: string } = {},
): Promise<DynamoDbLocal> {
  const dynamo = await spawnDynamoDbLocal(options);
  await dynamo.ready;
  return dynamo;
}

export interface StartingDynamoDbLocal extends DynamoDbLocal {
  /** Resolves once DynamoDB Local answers (rejects if it exits or does not answer in time: it is then killed). */
  ready: Promise<void>;
}

/**
 * Spawns DynamoDB Local and answers at once, with its endpoint and a promise of its readiness: the caller does
 * other work while the JVM starts (issue 18).
 */
export async function spawnDynamoDbLocal(
  options: { port?: number; dataDir?: string } = {},
): Promise<StartingDynamoDbLocal> {
  if (!javaAvailable()) throw new MissingJavaError();
  const port = options.port ?? (await freePort());
  const dir = emulatorDir();
  // DynamoDB Local runs in its own folder: the data path must be absolute.
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  const storage = dataDir ? ["-dbPath", dataDir, "-sharedDb"] : ["-inMemory", "-sharedDb"];
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    await stopOrphan(dataDir);
  }
  const javaArgs = [
    "-Xmx512m",
    ...JIT_FLAGS,
    `-Djava.library.path=${join(dir, "DynamoDBLocal_lib")}`,
    "-jar",
    join(dir, "DynamoDBLocal.jar"),
    "-port",
    String(port),
    ...storage,
  ];
  const pidFile = dataDir ? join(dataDir, PID_FILE) : "";
  const child: ChildProcess = spawn(
    process.execPath,
    ["-e", WATCHDOG, JSON.stringify(["java", javaArgs, dir, pidFile])],
    // Its own process group (watchdog and java), so that a failed start kills both at once.
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const ready = (async () => {
    const { DynamoDBClient, DescribeTableCommand, ResourceNotFoundException } = await sdk();
    const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    // Real elapsed time: the local stack may install its virtual clock (a faked Date) meanwhile.
    const started = performance.now();
    try {
      for (;;) {
        if (child.exitCode !== null)
          throw new Error(`DynamoDB Local exited (${child.exitCode}): ${output.slice(-500)}`);
        try {
          await client.send(new DescribeTableCommand({ TableName: "__probe__" }));
          return;
        } catch (error) {
          if (error instanceof ResourceNotFoundException) return;
        }
        if (performance.now() - started > STARTUP_LIMIT_MS) {
          killGroup("SIGKILL");
          throw new Error(
            `DynamoDB Local did not start on port ${port} within ${STARTUP_LIMIT_MS / 1000} s: ${output.slice(-500)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      client.destroy();
    }
  })();
  ready.catch(() => {}); // the caller awaits it; not an unhandled rejection meanwhile
  return {
    endpoint,
    port,
    ready,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          if (pidFile) rmSync(pidFile, { force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once("exit", done);
        child.kill("SIGTERM");
      }),
  };
}

/** Creates the cfm table (same definition as the CDK stack) unless it exists. */
/**
 * Creates the table (the design's indexes, or those of one stage of the index upgrade), or brings an existing one
 * to them: a data directory kept from before issue 18 has the old indexes, which the code no longer reads. One
 * index per UpdateTable, new ones first, as on AWS (the local table goes through the stages in one call).
 */
export async function ensureTable(
  endpoint: string,
  tableName: string,
  stage: number = FINAL_INDEX_STAGE,
): Promise<void> {
  const {
    CreateTableCommand,
    DescribeTableCommand,
    DynamoDBClient,
    ResourceNotFoundException,
    UpdateTableCommand,
    UpdateTimeToLiveCommand,
  } = await sdk();
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const wanted = createTableInput(tableName, stage);
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
    // DynamoDB (Local too) builds one index at a time: each update waits for the table to be settled first, or
    // it answers LimitExceededException ("Only 1 online index can be created or deleted simultaneously").
    for (const index of wanted.GlobalSecondaryIndexes.filter((g) => !present.has(g.IndexName))) {
      await settled(client, tableName);
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: wanted.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: index }],
        }),
      );
    }
    const names = new Set(wanted.GlobalSecondaryIndexes.map((g) => g.IndexName));
    for (const name of [...present].filter((n): n is string => n !== undefined && !names.has(n))) {
      await settled(client, tableName);
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: name } }],
        }),
      );
    }
    await settled(client, tableName);
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(new CreateTableCommand(wanted));
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } finally {
    client.destroy();
  }
}

/** Waits until the table and every index are ACTIVE (no index being built or deleted), for up to 5 minutes. */
async function settled(client: DynamoDBClient, tableName: string): Promise<void> {
  const { DescribeTableCommand } = await sdk();
  for (let waited = 0; ; waited += 100) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const busy =
      Table?.TableStatus !== "ACTIVE" ||
      (Table?.GlobalSecondaryIndexes ?? []).some((g) => g.IndexStatus !== "ACTIVE");
    if (!busy) return;
    if (waited >= 300_000) throw new Error(`DynamoDB Local: table ${tableName} still busy after 5 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
