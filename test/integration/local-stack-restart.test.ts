// Issue 15, the local stack: the mailbox survives a restart, DynamoDB Local dies with the stack (and an orphan
// is stopped at start), --reset refuses to wipe a running stack's data, "ready in" is real time, a raw message
// stored before a crash is processed at the next start, and /t/% answers the usual 404 page.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../local/dynamodb-local.ts";
import { type StackProcess, spawnStack } from "../helpers/stack-process.ts";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const waitUntil = async (check: () => boolean, ms = 10_000) => {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  return check();
};
const complaint = (n: string) =>
  [
    "From: Awa Diarra <awa.diarra@example.net>",
    "To: plaintes@example.org",
    `Subject: Plainte ${n}`,
    `Message-ID: <${n}@example.net>`,
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Bonjour, les vivres n'ont pas été distribués à Kati.",
    "",
  ].join("\r\n");
const mailbox = async (stack: StackProcess) =>
  ((await (await fetch(`${stack.sesUrl}/store`)).json()) as { emails: Array<{ subject: string }> }).emails;

const running: StackProcess[] = [];
const stopAll = async () => {
  for (const stack of running.splice(0)) await stack.stop();
};
afterEach(stopAll);
afterAll(stopAll);

// Each test starts one or two stacks: on a loaded 2-core machine a start can take minutes.
describe("the local stack across a crash (issue 15)", { timeout: 600_000 }, () => {
  it("keeps the mailbox, kills DynamoDB Local with the stack and measures start-up in real time", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cfm-restart-"));
    const spawnedAt = Date.now();
    const first = await spawnStack({ dataDir, readyWithinMs: 240_000 });
    const realSeconds = (Date.now() - spawnedAt) / 1000;
    running.push(first);
    const posted = await fetch(`${first.httpUrl}/local/inbound-email`, {
      method: "POST",
      body: complaint("a1"),
    });
    const { reference } = (await posted.json()) as { reference: string };
    const before = await mailbox(first);
    expect(before.some((m) => m.subject.includes(reference))).toBe(true);
    const javaPid = Number(readFileSync(join(dataDir, "dynamodb", "dynamodb-local.pid"), "utf8"));
    expect(alive(javaPid)).toBe(true);
    const ready = /ready in ([\d.]+) s/.exec(first.output());
    // Real time: at most what this (real-timed) test process saw, never the virtual clock's days.
    expect(Number(ready?.[1])).toBeGreaterThan(0);
    expect(Number(ready?.[1])).toBeLessThanOrEqual(realSeconds + 1);

    await first.kill();

    expect(await waitUntil(() => !alive(javaPid))).toBe(true);
    const second = await spawnStack({ dataDir, readyWithinMs: 240_000 });
    running.push(second);
    const after = await mailbox(second);
    expect(after.map((m) => m.subject)).toEqual(expect.arrayContaining(before.map((m) => m.subject)));
  });

  it("stops a DynamoDB Local left orphaned on its data folder", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cfm-orphan-"));
    const dbDir = join(dataDir, "dynamodb");
    mkdirSync(dbDir, { recursive: true });
    const emulator = join(
      dirname(createRequire(import.meta.url).resolve("amplify-dynamodb-simulator/package.json")),
      "emulator",
    );
    const orphan = spawn(
      "java",
      [
        "-jar",
        join(emulator, "DynamoDBLocal.jar"),
        "-port",
        String(await freePort()),
        "-dbPath",
        dbDir,
        "-sharedDb",
      ],
      { cwd: emulator, stdio: "ignore", detached: true },
    );
    orphan.unref();
    writeFileSync(join(dbDir, "dynamodb-local.pid"), String(orphan.pid));

    const stack = await spawnStack({ dataDir, readyWithinMs: 240_000 });
    running.push(stack);

    expect(await waitUntil(() => !alive(orphan.pid ?? 0))).toBe(true);
    expect((await fetch(`${stack.httpUrl}/health`)).status).toBe(200);
  });

  it("refuses --reset --yes while a stack runs on the data, and wipes nothing", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cfm-reset-"));
    const stack = await spawnStack({ dataDir, readyWithinMs: 240_000 });
    running.push(stack);

    const reset = spawnSync(process.execPath, ["local/start.mjs", "--reset", "--yes"], {
      env: { ...process.env, CFM_DATA_DIR: dataDir, CFM_HTTP_PORT: String(await freePort()) },
      encoding: "utf8",
      timeout: 60_000,
    });

    expect(reset.status).toBe(1);
    expect(reset.stderr).toContain("stop it before --reset");
    expect(existsSync(join(dataDir, "dynamodb"))).toBe(true);
    expect((await fetch(`${stack.httpUrl}/health`)).status).toBe(200);
  });

  it("answers /t/% and /api/complaints/% with a 4xx, never a 500", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cfm-percent-"));
    const stack = await spawnStack({ dataDir, readyWithinMs: 240_000 });
    running.push(stack);

    const page = await fetch(`${stack.httpUrl}/t/%`);
    const api = await fetch(`${stack.httpUrl}/api/complaints/%`, {
      headers: { authorization: "Bearer local-coordinator" },
    });

    expect(page.status).toBe(404);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("cache-control")).toContain("no-store");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(api.status).toBe(400);
  });
});
