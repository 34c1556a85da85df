// Starts AWS's DynamoDB Local (the jar shipped in the npm package amplify-dynamodb-simulator) on loopback.
// Used by the integration tests (one instance per run) and by `npm start` (data in .cfm-local/).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { createTableInput, TTL_ATTRIBUTE } from "../functions/store/table-design.ts";

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

export async function freePort(): Promise<number> {
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
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const child: ChildProcess = spawn(
    "java",
    [
      "-Xmx512m",
      `-Djava.library.path=${join(dir, "DynamoDBLocal_lib")}`,
      "-jar",
      join(dir, "DynamoDBLocal.jar"),
      "-port",
      String(port),
      ...storage,
    ],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
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
    // A JVM on a busy 2-core machine can take over 30 s to listen; 90 s still fails a broken start clearly.
    if (Date.now() - started > 90_000) {
      child.kill("SIGKILL");
      throw new Error(`DynamoDB Local did not start on port ${port} within 90 s: ${output.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  client.destroy();
  return {
    endpoint,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Creates the cfm table (same definition as the CDK stack) unless it exists. */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(new CreateTableCommand(createTableInput(tableName)));
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
