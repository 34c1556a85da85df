// What one clean lifecycle costs (issue 18): a programme complaint of the humanitarian example from receipt to
// closure `resolved` (the path 1 of test/integration/workflow-humanitarian.test.ts), run on the synthesized
// state machine with DynamoDB Local, aws-ses-v2-local and virtual time. Counted: state transitions (states
// entered, as Step Functions bills them), Lambda invocations with how long each handler ran, DynamoDB read and
// write units (the table's and its indexes', as DynamoDB Local reports them with ReturnConsumedCapacity=INDEXES)
// and emails sent.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ConsumedCapacity } from "@aws-sdk/client-dynamodb";
import { loadConfigText } from "../functions/domain/config.ts";
import { openCase } from "../functions/intake/open-case.ts";
import { runtime } from "../functions/lib/runtime.ts";
import { recordSent } from "../functions/mail/record-sent.ts";
import type { FormBody } from "../functions/tasks/forms.ts";
import { loadTask, submitTask } from "../functions/tasks/task-actions.ts";
import { ensureTable, freePort, startDynamoDbLocal } from "../local/dynamodb-local.ts";
import { startMessagingLocal } from "../local/messaging-local.ts";
import { startSesLocal } from "../local/ses-local.ts";
import { startWorkflowRuntime } from "../local/workflow-runtime.ts";

/** One Lambda invocation: the function (its handler name, as CFM_HANDLER in the template) and the handler's time. */
export interface Invocation {
  handler: string;
  ms: number;
}

/**
 * SES hands its Send event to EventBridge, which invokes mail-sent asynchronously: in AWS the sender's own mark
 * (a few milliseconds after SendEmail answers) is nearly always first, and mail-sent then only reads. The local
 * SES emulator publishes the event as it stores the email, racing the mark (1 to 3 more outbox writes a run, at
 * random); the bench delivers it this much later (real time), as EventBridge would.
 */
const SEND_EVENT_DELAY_MS = 500;

export interface LifecycleCounts {
  transitions: number;
  /**
   * Every Lambda invocation of the lifecycle: the workflow's tasks, mail-sent (one per email), intake-email (the
   * complaint) and task-pages (each task's form, shown then posted); timed in process, module loaded (warm).
   */
  invocations: Invocation[];
  lambdaInvocations: number;
  writeUnits: number;
  readUnits: number;
  emails: number;
  /** Units by side (read/write), table or index, command and item kinds (sort key prefixes), largest first. */
  breakdown: Array<[string, number]>;
}

/** The item kinds (sort keys up to their first #) a command touches, for the breakdown. */
function itemKinds(input: Record<string, unknown>): string {
  const kinds = new Set<string>();
  const add = (key: unknown) => {
    const raw = (key as { sk?: unknown } | undefined)?.sk;
    // Native or marshalled ({ S: "…" }), depending on where the document client is in its stack.
    const sk = typeof raw === "object" && raw !== null ? (raw as { S?: unknown }).S : raw;
    if (typeof sk === "string") kinds.add(sk.split("#")[0] ?? sk);
  };
  add(input.Item);
  add(input.Key);
  for (const t of (input.TransactItems as Array<Record<string, { Item?: unknown; Key?: unknown }>>) ?? [])
    for (const op of Object.values(t)) add(op.Item ?? op.Key);
  if (input.IndexName) kinds.add(`query ${String(input.IndexName)}`);
  return [...kinds].sort().join("+") || "-";
}

// The low-level commands the document client's commands become (the names the middleware sees).
const WRITES = new Set([
  "PutItemCommand",
  "UpdateItemCommand",
  "DeleteItemCommand",
  "TransactWriteItemsCommand",
  "BatchWriteItemCommand",
]);
const COUNTED = new Set([
  ...WRITES,
  "GetItemCommand",
  "QueryCommand",
  "TransactGetItemsCommand",
  "BatchGetItemCommand",
]);

export async function benchLifecycle(): Promise<LifecycleCounts> {
  const configPath = "config/humanitarian.example.yaml";
  const config = loadConfigText(readFileSync(configPath, "utf8"), configPath);
  const dataDir = mkdtempSync(join(tmpdir(), "cfm-bench-lifecycle-"));
  const dynamo = await startDynamoDbLocal();
  const ses = await startSesLocal(await freePort());
  const texts = await startMessagingLocal(await freePort());
  const tableName = "cfm-bench-lifecycle";
  await ensureTable(dynamo.endpoint, tableName);
  const wf = await startWorkflowRuntime({
    config,
    configPath,
    tableName,
    dynamoEndpoint: dynamo.endpoint,
    sesEndpoint: ses.url,
    messagingEndpoint: texts.url,
    taskBaseUrl: "http://127.0.0.1:3000/t/",
    dataDir,
    clockStart: new Date("2026-03-02T09:00:00.000Z"),
    afterTask: (handler, ms) => invocations.push({ handler, ms }),
  });
  const rt = runtime();
  const invocations: Invocation[] = [];
  const timed = async <T>(handler: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      invocations.push({ handler, ms: performance.now() - started });
    }
  };
  const sendEvents = new Set<Promise<unknown>>();
  // SES's Send events, as in AWS (issue 15): their outbox reads are counted with the rest below.
  await ses.publishSendEvents(
    (event) => {
      const recorded = sleep(SEND_EVENT_DELAY_MS).then(() => timed("mail-sent", () => recordSent(rt, event)));
      sendEvents.add(recorded);
      return recorded.finally(() => sendEvents.delete(recorded));
    },
    {
      replayMs: 0,
      onError: (error) => console.error(`bench: send event not recorded: ${error.name}`),
    },
  );
  const units = { read: 0, write: 0 };
  const breakdown = new Map<string, number>();
  // Every DynamoDB call of the handlers goes through this client: ask for the consumed capacity and add it up.
  rt.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const counted = COUNTED.has(context.commandName ?? "");
      if (counted) (args.input as Record<string, unknown>).ReturnConsumedCapacity = "INDEXES";
      const result = await next(args);
      if (counted) {
        const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] })
          .ConsumedCapacity;
        const all = [consumed ?? []].flat();
        const total = all.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
        const write = WRITES.has(context.commandName ?? "");
        if (write) units.write += total;
        else units.read += total;
        // Where the units went: the table's share by item kind, each index's share (printed by the bench).
        const kinds = itemKinds(args.input as Record<string, unknown>);
        for (const c of all) {
          const side = write ? "write" : "read";
          const tableKey = `${side} table ${context.commandName?.replace("Command", "")} ${kinds}`;
          breakdown.set(tableKey, (breakdown.get(tableKey) ?? 0) + (c.Table?.CapacityUnits ?? 0));
          for (const [index, used] of Object.entries(c.GlobalSecondaryIndexes ?? {})) {
            const indexKey = `${side} index ${index} ${kinds}`;
            breakdown.set(indexKey, (breakdown.get(indexKey) ?? 0) + (used.CapacityUnits ?? 0));
          }
        }
      }
      return result;
    },
    { step: "initialize", name: "cfmBenchCapacity" },
  );
  const mails = async () =>
    (
      (await (await fetch(`${ses.url}/store`)).json()) as {
        emails: Array<{ destination: { to: string[] }; subject: string; body: { text?: string } }>;
      }
    ).emails;
  const act = async (reference: string, to: string, fields: Record<string, string>) => {
    const last = (await mails())
      .filter((m) => m.destination.to.includes(to) && m.subject.includes(`[${reference}]`))
      .filter((m) => /\/t\/[A-Za-z0-9_.-]+/.test(m.body.text ?? ""))
      .at(-1);
    const link = last?.body.text?.match(/https?:\/\/[^\s>)]+\/t\/[A-Za-z0-9_.-]+/)?.[0];
    if (!link) throw new Error(`no task link to ${to} about ${reference}`);
    const token = link.slice(link.lastIndexOf("/t/") + 3);
    // Two task-pages invocations: the form shown (GET), then posted.
    const loaded = await timed("task-pages", () => loadTask(rt, token));
    const body: FormBody = { ...fields, nonce: loaded.kind === "open" ? loaded.nonce : "" };
    const result = await timed("task-pages", () => submitTask(rt, token, body));
    if (result.kind !== "done") throw new Error(`the task of ${to} was not accepted: ${result.kind}`);
    await wf.settled();
  };

  try {
    // The intake-email invocation (its MIME parsing, about a millisecond a message, is not included).
    const { reference } = await timed("intake-email", () =>
      openCase(rt, {
        sourceId: "bench-lifecycle-1",
        kind: "complaint",
        channel: "email",
        language: "fr",
        anonymous: false,
        receivedAt: rt.now().toISOString(),
        actor: "email",
        content: {
          complainant: { name: "Aïssata Traoré", email: "aissata@example.net" },
          subject: "Distribution à Kati",
          description: "Les bons d'achat promis n'ont jamais été distribués à Kati.",
        },
      }),
    );
    await wf.settled();
    await wf.advance("P1D");
    await act(reference, "officer@example.org", {
      category: "programme",
      severity: "medium",
      admissible: "yes",
    });
    await act(reference, "programme@example.org", {
      decision: "delegate",
      delegate: "handler@example.org",
      courseOfAction: "Entendre les parties et vérifier les faits.",
      risks: "Aucun",
    });
    await wf.advance("P5D");
    await act(reference, "handler@example.org", {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
      note: "Appel le 8 mars",
    });
    await wf.advance("P14D");
    await act(reference, "handler@example.org", {
      outcome: "founded",
      measures: "Distribution complémentaire le 30 mars",
      response: "Votre plainte est fondée : une distribution complémentaire aura lieu.",
    });
    await wf.advance("P31D");
    // The Send events still on their way (SEND_EVENT_DELAY_MS) are recorded, and counted, before the end.
    while (sendEvents.size > 0) await Promise.allSettled([...sendEvents]);
    const record = await rt.store.require(reference);
    if (record.status !== "closed" || record.closure !== "resolved")
      throw new Error(`the lifecycle did not close resolved: ${record.status} ${record.closure}`);

    let transitions = 0;
    let workflowTasks = 0;
    const executions = wf.sfn.listExecutions({ stateMachineArn: wf.sfn.stateMachineArn }).executions;
    for (const execution of executions) {
      for (const event of wf.sfn.getExecutionHistory({ executionArn: execution.executionArn ?? "" }).events) {
        if (event.type?.endsWith("StateEntered")) transitions += 1;
        const lambdaTask =
          event.type === "TaskScheduled" && event.taskScheduledEventDetails?.resourceType === "lambda";
        if (event.type === "LambdaFunctionScheduled" || lambdaTask) workflowTasks += 1;
      }
    }
    const emails = (await mails()).filter((m) => m.subject.includes(`[${reference}]`)).length;
    const count = (handler: string) => invocations.filter((i) => i.handler === handler).length;
    const timedTasks = invocations.length - count("mail-sent") - count("intake-email") - count("task-pages");
    if (timedTasks !== workflowTasks || count("mail-sent") !== emails)
      throw new Error(
        `bench: ${timedTasks} workflow tasks timed of ${workflowTasks}, ${count("mail-sent")} Send events of ${emails} emails`,
      );
    return {
      transitions,
      invocations,
      // Each email's SES Send event invokes the mail-sent Lambda once (issue 15), besides the workflow's tasks.
      lambdaInvocations: invocations.length,
      writeUnits: units.write,
      readUnits: units.read,
      emails,
      breakdown: [...breakdown].filter(([, u]) => u > 0).sort((a, b) => b[1] - a[1]),
    };
  } finally {
    await wf.close();
    await texts.close();
    await ses.close();
    await dynamo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
