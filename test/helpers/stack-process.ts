// Runs `npm start` (local/start.mjs: the bundle of local/main.ts) as a child process on free ports, as a user would, so the
// test process keeps real timers (the stack's virtual clock lives in the child).
import { type ChildProcess, spawn } from "node:child_process";
import { freePort } from "../../local/dynamodb-local.ts";

export interface StackProcess {
  httpUrl: string;
  sesUrl: string;
  smtpPort: number;
  /** The `npm start` process id. */
  pid: number;
  output(): string;
  stop(): Promise<void>;
  /** SIGKILL, as a crash or `kill -9` would: no handler runs. */
  kill(): Promise<void>;
}

interface SpawnOptions {
  dataDir: string;
  configPath?: string;
  ports?: { http: number; smtp: number; ses: number };
  /** How long to wait for "ready" (60 s, the contract's figure, unless a test on a loaded machine says more). */
  readyWithinMs?: number;
}

export async function spawnStack(options: SpawnOptions): Promise<StackProcess> {
  // A free port can be taken between the pick and the bind by another process of a loaded machine: ports this
  // helper picked are picked again; ports the test fixed are its own business.
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnOnce(options);
    } catch (error) {
      // EADDRINUSE from a server, or the stack's own check of its ports at start ("port N … is already in use").
      const portTaken = error instanceof Error && /EADDRINUSE|already in use/.test(error.message);
      if (!portTaken || options.ports || attempt >= 3) throw error;
    }
  }
}

async function spawnOnce(options: SpawnOptions): Promise<StackProcess> {
  const ports = options.ports ?? { http: await freePort(), smtp: await freePort(), ses: await freePort() };
  const child: ChildProcess = spawn(process.execPath, ["local/start.mjs"], {
    env: {
      ...process.env,
      CFM_DATA_DIR: options.dataDir,
      CFM_CONFIG: options.configPath ?? "config/humanitarian.example.yaml",
      CFM_HTTP_PORT: String(ports.http),
      CFM_SMTP_PORT: String(ports.smtp),
      CFM_SES_PORT: String(ports.ses),
      // The console's OpenID provider: its own free port, so that several stacks can run side by side.
      CFM_OIDC_PORT: process.env.CFM_OIDC_PORT ?? String(await freePort()),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const started = Date.now();
  while (!output.includes("cfm local stack ready")) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${output}`);
    if (Date.now() - started > (options.readyWithinMs ?? 60_000)) {
      child.kill("SIGKILL");
      throw new Error(`the local stack was not ready within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    httpUrl: `http://127.0.0.1:${ports.http}`,
    sesUrl: `http://127.0.0.1:${ports.ses}`,
    smtpPort: ports.smtp,
    pid: child.pid ?? 0,
    output: () => output,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
