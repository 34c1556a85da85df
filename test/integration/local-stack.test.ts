// The local stack as a newcomer meets it (issue 6): started on free ports, driven through SMTP, HTTP and the
// clock by the demo, and restart-safe: stopped mid-case, started again, the case finishes.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTransport } from "nodemailer";
import { afterAll, describe, expect, it } from "vitest";
import { runDemo } from "../../local/demo.ts";
import { freePort } from "../../local/dynamodb-local.ts";
import { type StackProcess, spawnStack } from "../helpers/stack-process.ts";

const dataDir = mkdtempSync(join(tmpdir(), "cfm-local-"));
let stack: StackProcess | undefined;

let ports: { http: number; smtp: number; ses: number } | undefined;

/** Starts the stack; a restart uses the same ports, as a user's would (links in emails name the port). */
async function start() {
  stack = await spawnStack({ dataDir, ports });
  const url = (u: string) => Number(new URL(u).port);
  ports = { http: url(stack.httpUrl), smtp: stack.smtpPort, ses: url(stack.sesUrl) };
  return stack;
}

const coordinator = { Authorization: "Bearer local-coordinator" };
const view = async (s: StackProcess, reference: string) =>
  (await (await fetch(`${s.httpUrl}/api/complaints/${reference}`, { headers: coordinator })).json()) as {
    status: string;
    closure: string | null;
    assignee: string | null;
    timeline: Array<{ type: string }>;
  };
const mails = async (s: StackProcess) =>
  (
    (await (await fetch(`${s.sesUrl}/store`)).json()) as {
      emails: Array<{ destination: { to: string[] }; subject: string; body: { text: string } }>;
    }
  ).emails;

afterAll(async () => {
  await stack?.stop();
});

describe("npm start: the local stack", () => {
  it("answers /health, the clock and the staff API's authentication", async () => {
    const s = await start();
    expect((await fetch(`${s.httpUrl}/health`)).status).toBe(200);
    const clock = (await (await fetch(`${s.httpUrl}/local/clock`)).json()) as { now: string };
    expect(Date.parse(clock.now)).not.toBeNaN();
    expect(
      (await fetch(`${s.httpUrl}/api/complaints`, { headers: { Authorization: "Bearer nope" } })).status,
    ).toBe(401);
    const bad = await fetch(`${s.httpUrl}/local/clock`, {
      method: "POST",
      body: JSON.stringify({ advance: "7 days" }),
    });
    expect(bad.status).toBe(400);
    const notJson = await fetch(`${s.httpUrl}/local/clock`, { method: "POST", body: "advance=P7D" });
    expect(notJson.status).toBe(400);
    const badVerdict = await fetch(`${s.httpUrl}/local/inbound-email?virus=MAYBE`, {
      method: "POST",
      body: "x",
    });
    expect(badVerdict.status).toBe(400);
  });

  it("runs the procedure H demo end to end through SMTP, task pages and the clock", async () => {
    const s = stack!;
    const lines: string[] = [];
    const { reference } = await runDemo({
      httpUrl: s.httpUrl,
      sesUrl: s.sesUrl,
      smtpPort: s.smtpPort,
      log: (l) => lines.push(l),
    });
    const v = await view(s, reference);
    expect(v).toMatchObject({ status: "closed", closure: "resolved" });
    expect(v.timeline.map((e) => e.type)).toEqual([
      "received",
      "acknowledged",
      "notified", // H-B1: the supervisor, who triages with the officer
      "triaged",
      "assigned", // H-B3
      "delegated",
      "contacted",
      "progress",
      "responded",
      "closed",
    ]);
    const toComplainant = (await mails(s)).filter((m) =>
      m.destination.to.includes("aissata.traore@example.net"),
    );
    expect(toComplainant.map((m) => m.subject)).toEqual([
      expect.stringContaining(`[${reference}]`),
      expect.stringContaining(`[${reference}]`),
      expect.stringContaining(`[${reference}]`),
    ]);
    expect(lines.at(-1)).toContain("closed resolved");
  });

  it("answers the contract's shapes for quarantined and threaded mail", async () => {
    const s = stack!;
    const raw = "From: a@example.net\r\nTo: plaintes@example.org\r\nSubject: Test\r\n\r\nBonjour.\r\n";
    const quarantined = await (
      await fetch(`${s.httpUrl}/local/inbound-email?virus=FAIL`, { method: "POST", body: raw })
    ).json();
    expect(quarantined).toMatchObject({ quarantined: true, messageId: expect.any(String) });
    const opened = (await (
      await fetch(`${s.httpUrl}/local/inbound-email`, { method: "POST", body: raw })
    ).json()) as {
      reference: string;
    };
    const reply = raw.replace("Subject: Test", `Subject: Re: [${opened.reference}] Test`);
    const threaded = await (
      await fetch(`${s.httpUrl}/local/inbound-email`, { method: "POST", body: reply })
    ).json();
    expect(threaded).toMatchObject({ reference: opened.reference, attached: true });
  });

  it("survives a restart mid-case: the case resumes at its step and finishes", async () => {
    let s = stack!;
    const smtp = createTransport({ host: "127.0.0.1", port: s.smtpPort, secure: false, ignoreTLS: true });
    await smtp.sendMail({
      from: '"Moussa Diallo" <moussa@example.net>',
      to: "plaintes@example.org",
      subject: "Forage en panne à Ségou",
      text: "Le forage du quartier est en panne depuis trois semaines.",
    });
    const reference =
      (await mails(s))
        .filter((m) => m.destination.to.includes("moussa@example.net"))
        .at(-1)
        ?.subject.match(/CFM-\d{4}-\d{6}/)?.[0] ?? "";
    expect(reference).toMatch(/^CFM-/);
    const triage = (await mails(s))
      .filter((m) => m.destination.to.includes("officer@example.org") && m.subject.includes(reference))
      .at(-1);
    const link = triage?.body.text.match(/https?:\/\/\S+\/t\/[A-Za-z0-9_.-]+/)?.[0] ?? "";
    const page = await (await fetch(link)).text();
    const nonce = page.match(/name="nonce" value="([^"]+)"/)?.[1] ?? "";
    const posted = await fetch(link, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        category: "programme",
        severity: "low",
        admissible: "yes",
        nonce,
      }).toString(),
    });
    expect(posted.status).toBe(200);
    const before = await view(s, reference);
    expect(before).toMatchObject({ status: "triage", assignee: "programme@example.org" });
    const clockBefore = ((await (await fetch(`${s.httpUrl}/local/clock`)).json()) as { now: string }).now;
    const assignmentLink =
      (await mails(s))
        .filter((m) => m.destination.to.includes("programme@example.org") && m.subject.includes(reference))
        .at(-1)
        ?.body.text.match(/https?:\/\/\S+\/t\/[A-Za-z0-9_.-]+/)?.[0] ?? "";
    expect(assignmentLink).not.toBe("");

    // Stop mid-case (executions are in memory only) and start again on the same data.
    await s.stop();
    s = await start();
    const resumed = Number(s.output().match(/\((\d+) open cases resumed\)/)?.[1]);
    expect(resumed).toBeGreaterThanOrEqual(2); // this case and the one opened by the previous test
    const clockAfter = ((await (await fetch(`${s.httpUrl}/local/clock`)).json()) as { now: string }).now;
    expect(clockAfter >= clockBefore).toBe(true); // virtual time does not go back
    expect(await view(s, reference)).toMatchObject({ status: "triage", assignee: "programme@example.org" });

    // The assignment email sent before the restart still works (its link now answers to the resumed task);
    // the later steps' emails come from the new process. Finish the case with the pages.
    const act = async (to: string, fields: Record<string, string>, emailed?: string) => {
      const mail = (await mails(s))
        .filter((m) => m.destination.to.includes(to) && m.subject.includes(reference))
        .at(-1);
      const url = emailed ?? mail?.body.text.match(/https?:\/\/\S+\/t\/[A-Za-z0-9_.-]+/)?.[0] ?? "";
      const form = await (await fetch(url)).text();
      const n = form.match(/name="nonce" value="([^"]+)"/)?.[1] ?? "";
      const r = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ ...fields, nonce: n }).toString(),
      });
      expect(r.status, `${to} ${JSON.stringify(fields)}`).toBe(200);
    };
    await act(
      "programme@example.org",
      { decision: "accept", courseOfAction: "Entendre les parties et vérifier les faits." },
      assignmentLink,
    );
    await act("programme@example.org", { contacted: "yes", nextUpdateBy: "2026-12-31" });
    await act("programme@example.org", {
      outcome: "founded",
      response: "Le forage sera réparé cette semaine.",
    });
    await fetch(`${s.httpUrl}/local/clock`, { method: "POST", body: JSON.stringify({ advance: "P31D" }) });
    expect(await view(s, reference)).toMatchObject({ status: "closed", closure: "resolved" });
  });
});

describe("npm start: clear one-line errors", () => {
  const run = async (env: Record<string, string>, args: string[] = []) => {
    const oidcPort = await freePort();
    return new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ["local/start.mjs", ...args], {
        env: {
          ...process.env,
          CFM_DATA_DIR: mkdtempSync(join(tmpdir(), "cfm-err-")),
          CFM_OIDC_PORT: String(oidcPort),
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (c) => {
        output += c;
      });
      child.stderr.on("data", (c) => {
        output += c;
      });
      child.on("exit", (code) => resolve({ code, output }));
    });
  };
  const cfmLines = (output: string) =>
    output.split("\n").filter((l) => l.startsWith("cfm") || /^\S+: /.test(l));

  it("an invalid config: exit 1 with the config check's lines", async () => {
    const { code, output } = await run({ CFM_CONFIG: "test/events/config/broken.yaml" });
    expect(code).toBe(1);
    expect(output).toContain("invalid config test/events/config/broken.yaml");
    expect(output).toMatch(
      /organisation\.languages\.1: unknown language: no catalog functions\/i18n\/locales\/\S+\.json; supported: fr, en/,
    );
  });

  it("a port already in use: exit 1 naming the port and its variable", async () => {
    const blocker = createServer().listen(0, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    const port = (blocker.address() as { port: number }).port;
    const { code, output } = await run({ CFM_HTTP_PORT: String(port) });
    blocker.close();
    expect(code).toBe(1);
    expect(cfmLines(output)).toContain(
      `cfm: port ${port} (HTTP, CFM_HTTP_PORT) is already in use: stop what uses it or set another port`,
    );
  });

  it("no Java runtime: exit 1 with the apt command", async () => {
    const { code, output } = await run({ PATH: "/nonexistent" });
    expect(code).toBe(1);
    expect(output).toContain("sudo apt-get install -y default-jre-headless");
  });

  it("--reset without --yes and without a terminal refuses; with --yes it wipes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cfm-reset-"));
    writeFileSync(join(dir, "marker"), "x");
    const refused = await run({ CFM_DATA_DIR: dir, CFM_CONFIG: "config/nope.yaml" }, ["--reset"]);
    expect(refused.code).toBe(1);
    expect(existsSync(join(dir, "marker"))).toBe(true);
    const wiped = await run({ CFM_DATA_DIR: dir, CFM_CONFIG: "config/nope.yaml" }, ["--reset", "--yes"]);
    expect(wiped.output).toContain("wiped");
    expect(existsSync(join(dir, "marker"))).toBe(false);
  });
});
