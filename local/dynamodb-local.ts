// Starts AWS's DynamoDB Local (the jar shipped in the npm package amplify-dynamodb-simulator) on loopback.
// Used by the integration tests (one instance per run) and by `npm start` (data in .cfm-local/).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { createTableInput, FINAL_INDEX_STAGE, TTL_ATTRIBUTE } from "../functions/store/table-design.ts";

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

export function javaAvailable(): boolean {
  const probe = spawnSync("java", ["-version"], { stdio: "ignore" });
  return probe.status === 0;
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

/** Starts DynamoDB Local; `dataDir` persists data, otherwise it runs in memory. */
export async function startDynamoDbLocal(
  options: { port?: number; dataDir?: string } = {},
): Promise<DynamoDbLocal> {
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
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`DynamoDB Local exited (${child.exitCode}): ${output.slice(-500)}`);
    try {
      await client.send(new DescribeTableCommand({ TableName: "__probe__" }));
      break;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) break;
    }
    if (Date.now() - started > STARTUP_LIMIT_MS) {
      killGroup("SIGKILL");
      throw new Error(
        `DynamoDB Local did not start on port ${port} within ${STARTUP_LIMIT_MS / 1000} s: ${output.slice(-500)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  client.destroy();
  return {
    endpoint,
    port,
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
