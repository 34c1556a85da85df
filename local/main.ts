// npm start: the local stack (CONTRACT.md). `npm start -- --reset` wipes .cfm-local/ after asking (or --yes).
import { existsSync, rmSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import { MissingJavaError } from "./dynamodb-local.ts";
import { LocalStackError, startLocalStack } from "./stack.ts";

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

async function main(): Promise<number> {
  if (args.has("--reset")) {
    if (!(await confirmReset())) return 1;
    if (existsSync(DATA_DIR)) rmSync(DATA_DIR, { recursive: true, force: true });
    console.log(`cfm: ${DATA_DIR}/ wiped`);
  }
  const configPath = process.env.CFM_CONFIG ?? "config/humanitarian.example.yaml";
  const started = Date.now();
  try {
    const stack = await startLocalStack({
      configPath,
      dataDir: DATA_DIR,
      httpPort: port("CFM_HTTP_PORT", 3000),
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
        `  data                      ${DATA_DIR}/  (${stack.resumed.length} open cases resumed)`,
        `cfm local stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      ].join("\n"),
    );
    const stop = async () => {
      console.log("cfm: stopping");
      await stack.stop();
      process.exit(0);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    return 0;
  } catch (error) {
    if (error instanceof MissingJavaError || error instanceof LocalStackError) {
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
