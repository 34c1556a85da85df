// End-to-end harness: the synthesized state machine on aws-local-stepfunctions, DynamoDB Local,
// aws-ses-v2-local, virtual time. Tests act as staff do: they take the task link from the email and submit
// the task form through the same code the task page runs (submitTask -> SendTaskSuccess).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CaseContent, CaseRecord } from "../../functions/domain/complaint.ts";
import { loadConfigText } from "../../functions/domain/config.ts";
import { type CaseOpening, openCase } from "../../functions/intake/open-case.ts";
import { type Runtime, runtime } from "../../functions/lib/runtime.ts";
import { recordSent } from "../../functions/mail/record-sent.ts";
import type { FormBody } from "../../functions/tasks/forms.ts";
import { loadTask, submitTask } from "../../functions/tasks/task-actions.ts";
import { freePort } from "../../local/dynamodb-local.ts";
import { type MessagingChannel, type SentMessage, startMessagingLocal } from "../../local/messaging-local.ts";
import { type SesLocal, startSesLocal } from "../../local/ses-local.ts";
import { startWorkflowRuntime, type WorkflowRuntime } from "../../local/workflow-runtime.ts";
import { freshTable } from "./dynamo.ts";

export interface SentMail {
  messageId: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  at: number;
}

let sesStarted: SesLocal | undefined;

async function ses(): Promise<SesLocal> {
  sesStarted ??= await startSesLocal(await freePort());
  return sesStarted;
}

let messagingStarted: Awaited<ReturnType<typeof startMessagingLocal>> | undefined;

/** The local End User Messaging (SMS, WhatsApp), one per test process like the SES store. */
async function messaging() {
  messagingStarted ??= await startMessagingLocal(await freePort());
  return messagingStarted;
}

export interface Harness {
  rt: Runtime;
  wf: WorkflowRuntime;
  sesUrl: string;
  /** Opens a case as an intake would, and lets the workflow run until it waits. */
  file(
    opening: Partial<CaseOpening> & { content?: Partial<Omit<CaseContent, "reference">> },
  ): Promise<string>;
  mails(reference?: string): Promise<SentMail[]>;
  /** SMS and WhatsApp messages sent through the local End User Messaging (issue 17), oldest first. */
  texts(channel?: MessagingChannel, to?: string): SentMessage[];
  /** The one task link in the newest task email to `to` about `reference`. */
  taskLink(reference: string, to: string): Promise<string>;
  /** Submits a task form like the task page does (with a valid nonce) and waits for the workflow to settle. */
  act(link: string, fields: Record<string, string>): Promise<Awaited<ReturnType<typeof submitTask>>>;
  record(reference: string): Promise<CaseRecord>;
  advance(duration: string): Promise<void>;
  close(): Promise<void>;
}

let sourceCounter = 0;

export async function startHarness(
  configPath: string,
  clockStart = new Date("2026-03-02T09:00:00.000Z"),
  beforeTask?: (stateName: string, payload: unknown) => void | Promise<void>,
): Promise<Harness> {
  const config = loadConfigText(readFileSync(configPath, "utf8"), configPath);
  const table = await freshTable("cfm-e2e");
  const sesLocal = await ses();
  const sesUrl = sesLocal.url;
  const texts = await messaging();
  const wf = await startWorkflowRuntime({
    config,
    configPath,
    tableName: table.tableName,
    dynamoEndpoint: table.endpoint,
    sesEndpoint: sesUrl,
    messagingEndpoint: texts.url,
    taskBaseUrl: "http://127.0.0.1:3000/t/",
    dataDir: mkdtempSync(join(tmpdir(), "cfm-e2e-")),
    clockStart,
    beforeTask,
  });
  const rt = runtime();
  // As in AWS and the local stack: SES's Send event marks each email's outbox item sent (issue 15). One SES
  // store per test process: the newest harness receives the events.
  await sesLocal.publishSendEvents((event) => recordSent(rt, event), {
    replayMs: 0,
    onError: (error) => console.error(`harness: send event not recorded: ${error.name}: ${error.message}`),
  });
  const mails = async (reference?: string) => {
    const store = (await (await fetch(`${sesUrl}/store`)).json()) as {
      emails: Array<{
        messageId: string;
        destination: { to: string[] };
        subject: string;
        body: { text?: string; html?: string };
        at: number;
      }>;
    };
    return store.emails
      .map((e) => ({
        messageId: e.messageId,
        to: e.destination.to,
        subject: e.subject,
        text: e.body.text ?? "",
        html: e.body.html ?? "",
        at: e.at,
      }))
      .filter((m) => !reference || m.subject.includes(`[${reference}]`));
  };
  return {
    rt,
    wf,
    sesUrl,
    async file(opening) {
      sourceCounter += 1;
      // The message's arrival, before the config read: the virtual clock runs on, and the tests expect deadlines
      // counted from the instant they set it to.
      const receivedAt = rt.now().toISOString();
      await rt.refreshConfig(); // as the intake Lambdas' middleware does before each invocation (issue 12)
      const { reference } = await openCase(rt, {
        sourceId: `test-${Date.now()}-${sourceCounter}`,
        kind: "complaint",
        channel: "email",
        language: "fr",
        anonymous: false,
        receivedAt,
        actor: "email",
        ...opening,
        content: {
          complainant: { name: "Aïssata Traoré", email: "aissata@example.net" },
          subject: "Distribution à Kati",
          description: "Les bons d'achat promis n'ont jamais été distribués à Kati.",
          ...opening.content,
        },
      });
      await wf.settled();
      return reference;
    },
    mails,
    texts: (channel, to) => texts.messages(channel).filter((m) => !to || m.to === to),
    async taskLink(reference, to) {
      const found = (await mails(reference)).filter(
        (m) => m.to.includes(to) && /https?:\/\/\S+\/t\/\S+/.test(m.text),
      );
      const last = found.at(-1);
      if (!last) throw new Error(`no task email to ${to} about ${reference}`);
      const urls = last.text.match(/https?:\/\/[^\s>)]+\/t\/[A-Za-z0-9_.-]+/g) ?? [];
      if (urls.length !== 1) throw new Error(`expected one task link, found ${urls.length}`);
      return urls[0]!;
    },
    async act(link, fields) {
      const token = link.slice(link.lastIndexOf("/t/") + 3);
      await rt.refreshConfig(); // as the task-pages Lambda's middleware does
      const loaded = await loadTask(rt, token);
      const body: FormBody = { ...fields, nonce: loaded.kind === "open" ? loaded.nonce : "" };
      const result = await submitTask(rt, token, body);
      await wf.settled();
      return result;
    },
    record: (reference) => rt.store.require(reference),
    async advance(duration) {
      await wf.advance(duration);
    },
    async close() {
      await wf.close();
    },
  };
}
