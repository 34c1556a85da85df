// The whole local stack (local/stack.ts) for an integration test file: free ports, a temporary data dir,
// and small clients for what the tests drive (CONTRACT.md "Local stack", "Staff API", "Emails").
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FullView } from "../../functions/domain/views.ts";
import { freePort } from "../../local/dynamodb-local.ts";
import { type LocalStack, startLocalStack } from "../../local/stack.ts";

export const HUMANITARIAN_CONFIG = "config/humanitarian.example.yaml";
export const COORDINATOR_AUTH = { Authorization: "Bearer local-coordinator" } as const;

export type VerdictName = "spam" | "virus" | "spf" | "dkim" | "dmarc";
export type Verdicts = Partial<Record<VerdictName, "PASS" | "FAIL">>;

/** What POST /local/inbound-email answers. */
export type InboundResult =
  | { messageId: string; reference: string; attached?: true; duplicate?: true }
  | { messageId: string; quarantined: true };

/** One message of the outgoing-mail store (aws-ses-v2-local), oldest first. */
export interface Mail {
  /** The recipients, comma-separated (the mailer sends to one address). */
  to: string;
  subject: string;
  text: string;
  html: string;
}

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

export interface TestStack {
  stack: LocalStack;
  httpUrl: string;
  sesUrl: string;
  /** POST /local/inbound-email: the raw message, with receipt verdicts (PASS by default). */
  inbound(raw: Buffer | string, verdicts?: Verdicts): Promise<InboundResult>;
  /** Every email sent so far, oldest first. */
  mails(): Promise<Mail[]>;
  /** The newest email to `to` about `reference` (in its subject or text). */
  lastMail(to: string, reference: string): Promise<Mail>;
  /** The one task link (`…/t/{token}`) in the newest email to `to` about `reference`. */
  linkFrom(to: string, reference: string): Promise<string>;
  /** GET /api/complaints/{reference} as the coordinator: the full view. */
  view(reference: string): Promise<FullView>;
  /** The same, as the exact response text (to compare byte for byte). */
  viewText(reference: string): Promise<string>;
  /** POST /local/clock: moves virtual time forward and waits for the work due to settle; answers `now`. */
  advance(duration: string): Promise<string>;
  stop(): Promise<void>;
}

export class TestStackError extends Error {
  override name = "TestStackError";
}

const TASK_LINK = /https?:\/\/[^\s"'<>)]+\/t\/[A-Za-z0-9_.-]+/g;

/** The distinct task links in an email's text (and its HTML, which must hold the same link). */
export function taskLinks(mail: Mail): string[] {
  return [...new Set([...mail.text.matchAll(TASK_LINK), ...mail.html.matchAll(TASK_LINK)].map((m) => m[0]))];
}

/**
 * A POST with node:http on a fresh connection, which sets no timer of its own. fetch (undici) arms its headers
 * timeout on the global setTimeout, which the stack's virtual clock fakes: the clock's jump would fire it
 * mid-request; and a kept-alive socket closed by the server as a request went out is reset (ECONNRESET).
 */
export function postWithoutTimers(
  url: string,
  body: string,
  contentType = "application/json",
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: "POST", headers: { "Content-Type": contentType, Connection: "close" } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

async function json<T>(response: Response, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new TestStackError(`${what}: HTTP ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

export async function startTestStack(
  options: { configPath?: string; log?: (line: string) => void } = {},
): Promise<TestStack> {
  let dataDir = "";
  let stack: LocalStack | undefined;
  // A free port is free when asked, not when bound: test files start stacks in parallel, and another one (or
  // one of its emulators) may take the port in between. The stack stops what it started on failure: start again
  // on fresh ports.
  for (let attempt = 1; !stack; attempt += 1) {
    dataDir = mkdtempSync(join(tmpdir(), "cfm-stack-"));
    const [httpPort, smtpPort, sesPort] = [await freePort(), await freePort(), await freePort()];
    try {
      stack = await startLocalStack({
        configPath: options.configPath ?? HUMANITARIAN_CONFIG,
        dataDir,
        httpPort,
        smtpPort,
        sesPort,
        log: options.log,
      });
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      const taken =
        (error as NodeJS.ErrnoException).code === "EADDRINUSE" || /EADDRINUSE|in use/.test(String(error));
      if (!taken || attempt >= 3) throw error;
    }
  }
  const { httpUrl, sesUrl } = stack;

  const mails = async (): Promise<Mail[]> => {
    const store = await json<{ emails: StoredEmail[] }>(await fetch(`${sesUrl}/store`), "GET /store");
    return store.emails.map((e) => ({
      to: e.destination.to.join(", "),
      subject: e.subject,
      text: e.body.text ?? "",
      html: e.body.html ?? "",
    }));
  };

  const lastMail = async (to: string, reference: string): Promise<Mail> => {
    const all = await mails();
    const mail = all
      .filter((m) => m.to === to && (m.subject.includes(reference) || m.text.includes(reference)))
      .at(-1);
    if (!mail)
      throw new TestStackError(
        `no email to ${to} about ${reference}; sent: ${all.map((m) => `${m.to}: ${m.subject}`).join(" | ")}`,
      );
    return mail;
  };

  const viewText = async (reference: string): Promise<string> => {
    const response = await fetch(`${httpUrl}/api/complaints/${encodeURIComponent(reference)}`, {
      headers: COORDINATOR_AUTH,
    });
    const text = await response.text();
    if (!response.ok)
      throw new TestStackError(
        `GET /api/complaints/${reference}: HTTP ${response.status} ${text.slice(0, 500)}`,
      );
    return text;
  };

  return {
    stack,
    httpUrl,
    sesUrl,
    async inbound(raw, verdicts = {}) {
      const query = new URLSearchParams(verdicts as Record<string, string>).toString();
      const response = await fetch(`${httpUrl}/local/inbound-email${query ? `?${query}` : ""}`, {
        method: "POST",
        headers: { "Content-Type": "message/rfc822" },
        body: typeof raw === "string" ? raw : new Uint8Array(raw),
      });
      return json<InboundResult>(response, "POST /local/inbound-email");
    },
    mails,
    lastMail,
    async linkFrom(to, reference) {
      const mail = await lastMail(to, reference);
      const links = taskLinks(mail);
      if (links.length !== 1)
        throw new TestStackError(
          `expected one task link in "${mail.subject}" to ${to}, found ${links.length}`,
        );
      return links[0] as string;
    },
    async view(reference) {
      return JSON.parse(await viewText(reference)) as FullView;
    },
    viewText,
    async advance(duration) {
      const { status, body } = await postWithoutTimers(
        `${httpUrl}/local/clock`,
        JSON.stringify({ advance: duration }),
      );
      if (status !== 200) throw new TestStackError(`POST /local/clock: HTTP ${status} ${body}`);
      return (JSON.parse(body) as { now: string }).now;
    },
    async stop() {
      try {
        await stack.stop();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** The anti-CSRF nonce of a task page's form. */
export function formNonce(html: string): string {
  const nonce = /<input type="hidden" name="nonce" value="([^"]+)">/.exec(html)?.[1];
  if (!nonce) throw new TestStackError(`no nonce in the page: ${html.slice(0, 300)}`);
  return nonce;
}

export interface PageResponse {
  status: number;
  headers: Headers;
  html: string;
}

/** GET a task link. */
export async function getPage(link: string): Promise<PageResponse> {
  const response = await fetch(link);
  return { status: response.status, headers: response.headers, html: await response.text() };
}

/** What a browser does: GET the task page, then POST its form with these fields (the nonce added). */
export async function submitForm(link: string, fields: Record<string, string>): Promise<PageResponse> {
  const page = await getPage(link);
  if (page.status !== 200) throw new TestStackError(`GET ${link}: HTTP ${page.status}, no form to submit`);
  return postForm(link, new URLSearchParams({ ...fields, nonce: formNonce(page.html) }).toString());
}

/** POST a urlencoded body to a task link, as a form does. */
export async function postForm(link: string, body: string): Promise<PageResponse> {
  const response = await fetch(link, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body,
  });
  return { status: response.status, headers: response.headers, html: await response.text() };
}
