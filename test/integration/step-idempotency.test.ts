// Every workflow handler is idempotent, and its error paths are the ones Step Functions expects:
// run twice with the same input, no second email and no second event; throttling is retried, a rejected email
// surfaces, a callback on a timed-out task is refused.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import {
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SEND_CLAIM_STALE_SECONDS, SendInProgressError } from "../../functions/errors.ts";
import { openCase } from "../../functions/intake/open-case.ts";
import { SENDER_CLIENT_OPTIONS } from "../../functions/lib/runtime.ts";
import { MailRejectedError, sendOnce, TransientError } from "../../functions/mail/mailer.ts";
import { outboxStore } from "../../functions/store/outbox-store.ts";
import { consumeWithSubmission, submissionsOf } from "../../functions/tasks/link-store.ts";
import { loadTask, submitTask } from "../../functions/tasks/task-actions.ts";
import { acknowledge, applyPending, notify, overdue } from "../../functions/workflow/steps.ts";
import { type Harness, startHarness } from "../helpers/workflow-harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness("config/humanitarian.example.yaml");
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe("idempotent handlers", () => {
  it("acknowledge, notify and overdue run twice send and write once", async () => {
    const ref = await h.file({});
    await h.act(await h.taskLink(ref, "officer@example.org"), {
      category: "fraud",
      severity: "high",
      admissible: "yes",
    });
    const mailsBefore = (await h.mails(ref)).length;
    const eventsBefore = (await h.rt.store.timeline(ref)).length;
    await acknowledge(h.rt, ref);
    await notify(h.rt, ref);
    expect((await h.mails(ref)).length).toBe(mailsBefore);
    expect((await h.rt.store.timeline(ref)).length).toBe(eventsBefore);

    // The assignment deadline (3 days) passes: the workflow's overdue writes reminder 1 and escalates.
    await h.advance("P4D");
    const afterOne = { mails: (await h.mails(ref)).length, events: (await h.rt.store.timeline(ref)).length };
    expect((await h.record(ref)).reminders.assignment).toBe(1);
    // The same overdue run again (a Lambda retry) writes no second reminder and sends nothing more.
    await overdue(h.rt, ref, "assignment");
    expect((await h.record(ref)).reminders.assignment).toBe(1);
    expect((await h.rt.store.timeline(ref)).length).toBe(afterOne.events);
    expect((await h.mails(ref)).length).toBe(afterOne.mails);
  });
});

describe("error paths", () => {
  // Mocked only around the send under test: the workflow's own emails go to the local SES.
  let ses: ReturnType<typeof mockClient> | undefined;
  afterEach(() => ses?.restore());

  it("rethrows SES throttling as TransientError and sends on the retry", async () => {
    const ref = await h.file({});
    const mocked = mockClient(SESv2Client);
    ses = mocked;
    mocked
      .on(SendEmailCommand)
      .rejectsOnce(Object.assign(new Error("slow down"), { name: "TooManyRequestsException" }))
      .resolves({ MessageId: "m-1" });
    const email = {
      reference: ref,
      key: "test-throttle",
      to: "x@example.org",
      template: "closure" as const,
      language: "fr" as const,
      data: { reference: ref, organisation: "O", timeZone: "Africa/Bamako", closure: "resolved" as const },
    };
    await expect(sendOnce(h.rt, email)).rejects.toBeInstanceOf(TransientError);
    await expect(sendOnce(h.rt, email)).resolves.toBe("sent");
    await expect(sendOnce(h.rt, email)).resolves.toBe("already-sent");
    expect(mocked.commandCalls(SendEmailCommand)).toHaveLength(2);
  });

  it("answers a task page with 503 while DynamoDB throttles (the page says to try again), not 500", async () => {
    const ref = await h.file({});
    const link = await h.taskLink(ref, "officer@example.org");
    const token = link.slice(link.lastIndexOf("/t/") + 3);
    const { handleTaskRequest } = await import("../../functions/handlers/task-pages.ts");
    const get = () =>
      handleTaskRequest({
        requestContext: { http: { method: "GET" } },
        rawPath: `/t/${token}`,
        pathParameters: { token },
        headers: {},
      } as never);
    const mocked = mockClient(DynamoDBDocumentClient);
    try {
      mocked
        .onAnyCommand()
        .rejects(Object.assign(new Error("slow down"), { name: "ProvisionedThroughputExceededException" }));
      const busy = await get();
      expect(busy.statusCode).toBe(503);
      expect(String(busy.body)).toContain("Veuillez réessayer dans quelques minutes");
    } finally {
      mocked.restore();
    }
    expect((await get()).statusCode).toBe(200);
  });

  it("surfaces a rejected message (MessageRejected) instead of dropping it", async () => {
    const ref = await h.file({});
    const mocked = mockClient(SESv2Client);
    ses = mocked;
    mocked
      .on(SendEmailCommand)
      .rejects(Object.assign(new Error("Email address is not verified."), { name: "MessageRejected" }));
    const email = {
      reference: ref,
      key: "test-rejected",
      to: "x@example.org",
      template: "closure" as const,
      language: "fr" as const,
      data: { reference: ref, organisation: "O", timeZone: "Africa/Bamako", closure: "resolved" as const },
    };
    await expect(sendOnce(h.rt, email)).rejects.toBeInstanceOf(MailRejectedError);
    await expect(sendOnce(h.rt, email)).rejects.toBeInstanceOf(MailRejectedError); // still surfaced, not "sent"
  });
});

describe("a send that died holding its claim (issue 15)", () => {
  it("is retried later while the claim is young, then waited out and sent once as the claim goes stale", async () => {
    const ref = await h.file({});
    const email = {
      reference: ref,
      key: "test-crashed-send",
      to: "crash@example.org",
      template: "closure" as const,
      language: "fr" as const,
      data: { reference: ref, organisation: "O", timeZone: "Africa/Bamako", closure: "resolved" as const },
    };
    const at = { reference: ref, key: email.key };
    const outbox = outboxStore(h.rt);
    // The claim of an attempt that died before SES answered (a Lambda at its timeout, a stack killed).
    expect(await outbox.claim(at, { template: "closure" }, h.rt.now(), new Date(0))).toEqual(
      expect.any(String),
    );

    await expect(sendOnce(h.rt, email)).rejects.toBeInstanceOf(SendInProgressError);
    expect(await outbox.status(at)).toBe("sending");

    await h.advance("PT20S"); // a retry 20 s later: the claim goes stale in 10 s, this attempt waits for it
    const retry = sendOnce(h.rt, email);
    await h.advance("PT15S");
    await expect(retry).resolves.toBe("sent");
    await expect(sendOnce(h.rt, email)).resolves.toBe("already-sent");
    expect((await h.mails(ref)).filter((m) => m.to.includes("crash@example.org"))).toHaveLength(1);
  });

  it("is never taken over from a live send: a sender's client gives up on a silent provider before the claim is stale", {
    timeout: 60_000,
  }, async () => {
    // A provider that accepts the connection and never answers.
    let requests = 0;
    const silent = createServer(() => {
      requests++;
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const client = new SESv2Client({
      ...SENDER_CLIENT_OPTIONS,
      endpoint: `http://127.0.0.1:${port}`,
      region: "eu-west-1",
      credentials: { accessKeyId: "x", secretAccessKey: "y" },
    });
    const started = performance.now();
    try {
      const error = await client
        .send(
          new SendEmailCommand({
            FromEmailAddress: "a@example.org",
            Destination: { ToAddresses: ["b@example.org"] },
            Content: { Simple: { Subject: { Data: "s" }, Body: { Text: { Data: "t" } } } },
          }),
        )
        .then(
          () => null,
          (e: Error) => e,
        );
      const seconds = (performance.now() - started) / 1000;
      expect(error?.name).toBe("TimeoutError");
      expect(requests).toBe(1); // one attempt: the outbox, not the SDK, decides what is sent again
      expect(seconds).toBeGreaterThanOrEqual(
        SENDER_CLIENT_OPTIONS.requestHandler.requestTimeout / 1000 - 0.5,
      );
      expect(seconds).toBeLessThan(SEND_CLAIM_STALE_SECONDS / 2);
    } finally {
      client.destroy();
      silent.closeAllConnections();
      silent.close();
    }
  });

  it("keeps the claim of a send the provider did not answer, and gives back the claim of one that never left", async () => {
    const ref = await h.file({});
    const email = (key: string) => ({
      reference: ref,
      key,
      to: "crash@example.org",
      template: "closure" as const,
      language: "fr" as const,
      data: { reference: ref, organisation: "O", timeZone: "Africa/Bamako", closure: "resolved" as const },
    });
    const outbox = outboxStore(h.rt);
    const mocked = mockClient(SESv2Client);
    try {
      mocked
        .on(SendEmailCommand)
        .rejectsOnce(Object.assign(new Error("no answer"), { name: "TimeoutError", code: "ETIMEDOUT" }))
        .rejectsOnce(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))
        .resolves({ MessageId: "m-2" });
      // In doubt: SES may have it. Not sent again now, not rejected: the claim stays until it is stale.
      await expect(sendOnce(h.rt, email("test-in-doubt"))).rejects.toBeInstanceOf(SendInProgressError);
      expect(await outbox.status({ reference: ref, key: "test-in-doubt" })).toBe("sending");
      // Never left: the claim is given back and the retry sends.
      await expect(sendOnce(h.rt, email("test-refused"))).rejects.toBeInstanceOf(TransientError);
      await expect(sendOnce(h.rt, email("test-refused"))).resolves.toBe("sent");
      expect(mocked.commandCalls(SendEmailCommand)).toHaveLength(3);
    } finally {
      mocked.restore();
    }
  });
});

describe("Step Functions error paths", () => {
  it("answers 'expired' when SendTaskSuccess says TaskTimedOut, and the link is spent", async () => {
    const ref = await h.file({});
    const link = await h.taskLink(ref, "officer@example.org");
    const token = link.slice(link.lastIndexOf("/t/") + 3);
    const loaded = await loadTask(h.rt, token);
    const mocked = mockClient(SFNClient);
    mocked
      .on(SendTaskSuccessCommand)
      .rejects(Object.assign(new Error("Task Timed Out"), { name: "TaskTimedOut" }));
    const nonce = loaded.kind === "open" ? loaded.nonce : "";
    const result = await submitTask(h.rt, token, {
      category: "programme",
      severity: "low",
      admissible: "yes",
      nonce,
    });
    mocked.restore();
    expect(result.kind).toBe("expired");
    expect((await loadTask(h.rt, token)).kind).toBe("already-done");
    expect(await submissionsOf(h.rt, ref)).toEqual([]); // never applied later by a recovery
    expect((await h.record(ref)).category).toBeNull(); // nothing applied
  });

  it("treats ExecutionAlreadyExists for the same case as already started, and any other as an error", async () => {
    const mocked = mockClient(SFNClient);
    mocked
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error("exists"), { name: "ExecutionAlreadyExists" }));
    mocked.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => ({
      input: JSON.stringify({ reference: input.executionArn.split(":").at(-1) }),
    }));
    const opened = await openCase(h.rt, {
      sourceId: "mock-exists-1",
      kind: "complaint",
      channel: "letter",
      language: "fr",
      anonymous: true,
      receivedAt: h.rt.now().toISOString(),
      actor: "officer@example.org",
      content: { description: "Lettre." },
    });
    expect(opened.created).toBe(true);
    mocked.on(DescribeExecutionCommand).resolves({ input: JSON.stringify({ reference: "CFM-1999-000001" }) });
    await expect(
      openCase(h.rt, {
        sourceId: "mock-exists-2",
        kind: "complaint",
        channel: "letter",
        language: "fr",
        anonymous: true,
        receivedAt: h.rt.now().toISOString(),
        actor: "officer@example.org",
        content: { description: "Lettre." },
      }),
    ).rejects.toMatchObject({ name: "ExecutionAlreadyExists" });
    mocked.restore();
  });
});

describe("recovery after a stop", () => {
  it("applies a decision whose SendTaskSuccess was lost (the local stack stopped), exactly once", async () => {
    const ref = await h.file({});
    const link = await h.taskLink(ref, "officer@example.org");
    const loaded = await loadTask(h.rt, link.slice(link.lastIndexOf("/t/") + 3));
    if (loaded.kind !== "open") throw new Error("the triage link should be open");
    // The page consumed the link and stored the decision, then the process stopped before SendTaskSuccess.
    await consumeWithSubmission(h.rt, loaded.link, { category: "fraud", severity: "high", admissible: true });
    expect(await applyPending(h.rt, ref)).toBe(1);
    expect(await h.record(ref)).toMatchObject({
      status: "triage",
      category: "fraud",
      responsible: "finance@example.org",
    });
    expect(await applyPending(h.rt, ref)).toBe(0);
    expect((await h.rt.store.timeline(ref)).filter((e) => e.type === "triaged")).toHaveLength(1);
  });
});
