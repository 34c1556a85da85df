// npm start: the local stack (CONTRACT.md). `npm start -- --reset` wipes .cfm-local/ after asking (or --yes).
// Issue 18: DynamoDB Local (a JVM, seconds of CPU to its first answer) is spawned as soon as the data folder is
// ours, and the stack's modules (local/stack.ts and the code base behind it) load while it starts.
// CFM_START_PHASES=1 prints when each phase of the start ended.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline/promises";
import { dynamoDbLocalCpuMs, MissingJavaError, spawnDynamoDbLocal } from "./dynamodb-local.ts";

// CFM_DATA_DIR lets tests run a stack on its own data; users keep the default.
const DATA_DIR = process.env.CFM_DATA_DIR ?? ".cfm-local";
const args = new Set(process.argv.slice(2));
const port = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    console.error(`cfm: ${name} must be a port number, got ${process.env[name]}`);
    process.exit(1);
  }
  return value;
};

async function confirmReset(): Promise<boolean> {
  if (args.has("--yes")) return true;
  if (!process.stdin.isTTY) {
    console.error("cfm: --reset wipes every local case; add --yes to confirm without a terminal");
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(`Delete every local case, email and link in ${DATA_DIR}/? [y/N] `);
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

// Issue 15: .cfm-local/stack.lock names the process using the data folder. --reset refuses to wipe the data of
// a running stack (its lock, or its HTTP port answering), and a second stack refuses to share the folder.
const LOCK_FILE = join(DATA_DIR, "stack.lock");

function lockHolder(): number | null {
  if (!existsSync(LOCK_FILE)) return null;
  try {
    const { pid } = JSON.parse(readFileSync(LOCK_FILE, "utf8")) as { pid?: unknown };
    if (typeof pid !== "number" || pid === process.pid) return null;
    process.kill(pid, 0);
    return pid;
  } catch {
    return null; // unreadable, or its process is gone: a stale lock
  }
}

async function answersOn(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const httpPort = port("CFM_HTTP_PORT", 3000);
  const holder = lockHolder();
  if (args.has("--reset")) {
    if (holder !== null || (await answersOn(httpPort))) {
      console.error(
        `cfm: a local stack is running on ${DATA_DIR}/ (${holder !== null ? `process ${holder}` : `port ${httpPort}`}): stop it before --reset`,
      );
      return 1;
    }
    if (!(await confirmReset())) return 1;
    if (existsSync(DATA_DIR)) rmSync(DATA_DIR, { recursive: true, force: true });
    console.log(`cfm: ${DATA_DIR}/ wiped`);
  }
  if (holder !== null) {
    console.error(`cfm: another local stack (process ${holder}) is using ${DATA_DIR}/: stop it first`);
    return 1;
  }
  mkdirSync(DATA_DIR, { recursive: true });
  writeFileSync(LOCK_FILE, JSON.stringify({ pid: process.pid, httpPort }));
  const configPath = process.env.CFM_CONFIG ?? "config/humanitarian.example.yaml";
  // Real elapsed time: the stack installs a virtual clock (Date is faked once it runs).
  const started = performance.now();
  const dynamo = spawnDynamoDbLocal({ dataDir: join(DATA_DIR, "dynamodb") });
  dynamo.catch(() => {}); // the stack awaits it
  let LocalStackError: typeof import("./stack.ts")["LocalStackError"] | undefined;
  try {
    const stackModule = await import("./stack.ts");
    LocalStackError = stackModule.LocalStackError;
    const stack = await stackModule.startLocalStack({
      dynamo,
      configPath,
      dataDir: DATA_DIR,
      httpPort,
      smtpPort: port("CFM_SMTP_PORT", 2525),
      sesPort: port("CFM_SES_PORT", 8005),
      oidcPort: port("CFM_OIDC_PORT", 3001),
      log: (line) => console.log(`cfm: ${line}`),
    });
    console.log(
      [
        `cfm: ${stack.config.organisation.name} (${configPath})`,
        `  staff console             ${stack.httpUrl}/console/  (sign in with a staff address: the code is emailed)`,
        `  task pages and staff API  ${stack.httpUrl}  (Authorization: Bearer local-coordinator | local-staff)`,
        `  console sign-in (OIDC)    ${stack.oidcUrl}`,
        `  send complaints by SMTP   127.0.0.1:${stack.smtpPort}, to ${stack.config.organisation.intakeAddress}`,
        `  outgoing mail             ${stack.sesUrl}  (the mailbox: ${stack.sesUrl}/store)`,
        `  virtual clock             ${stack.httpUrl}/local/clock  (POST {"advance":"P7D"})`,
        `  SMS / WhatsApp in         ${stack.httpUrl}/local/inbound-sms, /local/inbound-whatsapp  (SNS notifications)`,
        `  SMS / WhatsApp sent       ${stack.httpUrl}/local/outbox?channel=sms|whatsapp`,
        `  KoboToolbox, webhooks     ${stack.httpUrl}/hooks/kobo/{form}, /hooks/messages/{source}`,
        `  data                      ${DATA_DIR}/  (${stack.resumed.length} open cases resumed)`,
        `cfm local stack ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      ].join("\n"),
    );
    if (process.env.CFM_START_PHASES) {
      const cpu = process.cpuUsage();
      console.log(
        `cfm: start phases, s since the process started: ${stack.phases
          .map(({ phase, at, cpu }) => `${phase} ${(at / 1000).toFixed(2)} (CPU ${(cpu / 1000).toFixed(2)})`)
          .join(", ")}; CPU s: node ${((cpu.user + cpu.system) / 1e6).toFixed(2)}, DynamoDB Local ${(
          dynamoDbLocalCpuMs(join(DATA_DIR, "dynamodb")) / 1000
        ).toFixed(2)}`,
      );
    }
    const stop = async () => {
      console.log("cfm: stopping");
      await stack.stop();
      rmSync(LOCK_FILE, { force: true });
      process.exit(0);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    return 0;
  } catch (error) {
    // Stopped by the stack when it had taken it over; not when it failed first (an invalid config, a port in use).
    await dynamo.then(
      (d) => d.stop(),
      () => undefined,
    );
    rmSync(LOCK_FILE, { force: true });
    if (error instanceof MissingJavaError || (LocalStackError && error instanceof LocalStackError)) {
      console.error(`cfm: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

main().then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error: Error) => {
    console.error(`cfm: ${error.name}: ${error.message}`);
    process.exit(1);
  },
);
