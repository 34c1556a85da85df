// The local Step Functions service: real ASL (JSONPath) on aws-local-stepfunctions, task tokens, AWS errors,
// histories, the SFN JSON protocol for an unchanged SFNClient, and deadlines of weeks in virtual time.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LocalStepFunctions, type TaskHandler } from "../../local/stepfunctions/local-sfn.ts";
import { startSfnHttpServer } from "../../local/stepfunctions/sfn-http-server.ts";
import { VirtualClock } from "../../local/stepfunctions/virtual-clock.ts";

const STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:cfm-test";
const FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:cfm-test";
const DAY_MS = 24 * 60 * 60 * 1000;
const START = new Date("2026-03-02T09:00:00.000Z");

type State = Record<string, unknown>;

function machine(startAt: string, states: Record<string, State>): object {
  return { StartAt: startAt, States: states };
}

function invoke(payload: Record<string, unknown>, rest: State = {}): State {
  return {
    Type: "Task",
    Resource: "arn:aws:states:::lambda:invoke",
    Parameters: { FunctionName: FUNCTION_ARN, Payload: payload },
    ...rest,
  };
}

function invokeAndWait(payload: Record<string, unknown>, rest: State = {}): State {
  return {
    Type: "Task",
    Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
    Parameters: { FunctionName: FUNCTION_ARN, Payload: { ...payload, "taskToken.$": "$$.Task.Token" } },
    ...rest,
  };
}

/** A handler that records what it received and keeps the task token of callback tasks. */
function recorder(result: unknown = {}) {
  const calls: Array<{ payload: unknown; at: Date }> = [];
  const handler: TaskHandler = async (payload) => {
    calls.push({ payload, at: new Date() });
    return result;
  };
  const token = (index = -1): string => {
    const payload = calls.at(index)?.payload as { taskToken?: string } | undefined;
    if (!payload?.taskToken) throw new Error("the handler has not received a task token");
    return payload.taskToken;
  };
  return { calls, handler, token };
}

function sdkClient(url: string): SFNClient {
  return new SFNClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

function rejectionOfSync(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

async function finished(sfn: LocalStepFunctions, executionArn: string) {
  await sfn.settled();
  return sfn.describeExecution({ executionArn });
}

function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.unstubAllEnvs();
});

function build(definition: object, lambdaHandlers: Record<string, TaskHandler>, clock?: VirtualClock) {
  const sfn = new LocalStepFunctions({
    definition,
    stateMachineArn: STATE_MACHINE_ARN,
    lambdaHandlers,
    clock,
  });
  cleanups.push(() => sfn.dispose());
  return sfn;
}

function installClock(): VirtualClock {
  const clock = VirtualClock.install(START);
  cleanups.push(() => clock.uninstall());
  return clock;
}

async function serve(sfn: LocalStepFunctions) {
  const server = await startSfnHttpServer(sfn, 0);
  cleanups.push(() => server.close());
  const client = sdkClient(server.url);
  cleanups.push(() => client.destroy());
  return { url: server.url, client };
}

describe("lambda:invoke tasks", () => {
  it("returns the Lambda envelope, so ResultSelector picks Payload and StatusCode", async () => {
    const classify = recorder({ category: "complaint" });
    const sfn = build(
      machine("Classify", {
        Classify: invoke(
          { "complaintId.$": "$.complaintId" },
          {
            ResultSelector: { "category.$": "$.Payload.category", "statusCode.$": "$.StatusCode" },
            ResultPath: "$.classification",
            End: true,
          },
        ),
      }),
      { Classify: classify.handler },
    );

    const { executionArn } = sfn.startExecution({
      stateMachineArn: STATE_MACHINE_ARN,
      input: JSON.stringify({ complaintId: "c-1" }),
    });
    const execution = await finished(sfn, executionArn);

    expect(classify.calls.map((call) => call.payload)).toEqual([{ complaintId: "c-1" }]);
    expect(execution.status).toBe("SUCCEEDED");
    expect(JSON.parse(execution.output ?? "null")).toEqual({
      complaintId: "c-1",
      classification: { category: "complaint", statusCode: 200 },
    });
  });

  it("retries a handler error by its name: fails twice, then succeeds", async () => {
    class TransientStoreError extends Error {
      override name = "TransientStoreError";
    }
    let calls = 0;
    const clock = installClock();
    const sfn = build(
      machine("Store", {
        Store: invoke(
          { "id.$": "$.id" },
          {
            Retry: [
              { ErrorEquals: ["SomethingElse"], MaxAttempts: 5 },
              { ErrorEquals: ["TransientStoreError"], IntervalSeconds: 60, BackoffRate: 2, MaxAttempts: 3 },
            ],
            ResultSelector: { "saved.$": "$.Payload.saved" },
            End: true,
          },
        ),
      }),
      {
        Store: async () => {
          calls++;
          if (calls <= 2) throw new TransientStoreError("table busy");
          return { saved: true };
        },
      },
      clock,
    );

    const { executionArn } = sfn.startExecution({
      stateMachineArn: STATE_MACHINE_ARN,
      input: '{"id":"c-2"}',
    });
    await sfn.advanceTime(59_000);
    const beforeFirstRetry = calls;
    await sfn.advanceTime(10 * 60_000); // retries after 60 s, then 120 s
    const execution = sfn.describeExecution({ executionArn });
    const history = sfn.getExecutionHistory({ executionArn }).events;

    expect(beforeFirstRetry).toBe(1);
    expect(calls).toBe(3);
    expect(execution.status).toBe("SUCCEEDED");
    expect(JSON.parse(execution.output ?? "null")).toEqual({ saved: true });
    const failures = history.filter((event) => event.type === "TaskFailed");
    expect(failures.map((event) => event.taskFailedEventDetails?.error)).toEqual([
      "TransientStoreError",
      "TransientStoreError",
    ]);
    expect(JSON.parse(failures[0]?.taskFailedEventDetails?.cause ?? "{}")).toMatchObject({
      errorType: "TransientStoreError",
      errorMessage: "table busy",
    });
  });

  it("fails the execution with the handler's error name when no Retry or Catch matches", async () => {
    class InvalidDurationError extends Error {
      override name = "InvalidDurationError";
    }
    const sfn = build(
      machine("Compute", {
        Compute: invoke({}, { Retry: [{ ErrorEquals: ["Other"] }], End: true }),
      }),
      {
        Compute: async () => {
          throw new InvalidDurationError("P-3D is not a duration");
        },
      },
    );

    const { executionArn } = sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN });
    const execution = await finished(sfn, executionArn);

    expect(execution.status).toBe("FAILED");
    expect(execution.error).toBe("InvalidDurationError");
    expect(JSON.parse(execution.cause ?? "{}")).toMatchObject({ errorMessage: "P-3D is not a duration" });
  });
});

describe("callback tasks (.waitForTaskToken)", () => {
  it("is completed through the HTTP server by an unchanged SFNClient", async () => {
    const notify = recorder({ sent: true });
    const sfn = build(
      machine("AwaitDecision", {
        AwaitDecision: invokeAndWait(
          { "complaintId.$": "$.complaintId" },
          { ResultPath: "$.decision", End: true },
        ),
      }),
      { AwaitDecision: notify.handler },
    );
    const { client } = await serve(sfn);

    const started = await client.send(
      new StartExecutionCommand({
        stateMachineArn: STATE_MACHINE_ARN,
        name: "c-3",
        input: '{"complaintId":"c-3"}',
      }),
    );
    await sfn.settled();
    const pending = sfn.pendingTasks();
    const taskToken = notify.token();
    await client.send(new SendTaskHeartbeatCommand({ taskToken }));
    await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ accepted: true }) }));
    await sfn.settled();
    const execution = await client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    const again = await rejectionOf(client.send(new SendTaskSuccessCommand({ taskToken, output: "{}" })));
    const garbage = await rejectionOf(
      client.send(new SendTaskSuccessCommand({ taskToken: "nope", output: "{}" })),
    );

    expect(started.executionArn).toBe("arn:aws:states:us-east-1:123456789012:execution:cfm-test:c-3");
    expect(started.startDate).toBeInstanceOf(Date);
    expect(notify.calls[0]?.payload).toEqual({ complaintId: "c-3", taskToken: expect.any(String) });
    expect(pending).toEqual([
      expect.objectContaining({ executionArn: started.executionArn, stateName: "AwaitDecision", taskToken }),
    ]);
    expect(execution.status).toBe("SUCCEEDED");
    expect(execution.stopDate).toBeInstanceOf(Date);
    expect(JSON.parse(execution.output ?? "null")).toEqual({
      complaintId: "c-3",
      decision: { accepted: true },
    });
    expect(again.name).toBe("TaskTimedOut");
    expect(garbage.name).toBe("InvalidToken");
    expect(sfn.pendingTasks()).toEqual([]);
  });

  it("lets a handler complete its own token through AWS_ENDPOINT_URL_SFN before it returns", async () => {
    const sfn = build(machine("AutoAcknowledge", { AutoAcknowledge: invokeAndWait({}, { End: true }) }), {
      AutoAcknowledge: async (payload) => {
        // As a Lambda does: no endpoint in code, the SDK reads it from the environment.
        const client = new SFNClient({
          region: "us-east-1",
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
        });
        try {
          const { taskToken } = payload as { taskToken: string };
          await client.send(new SendTaskSuccessCommand({ taskToken, output: '{"acknowledged":true}' }));
        } finally {
          client.destroy();
        }
        return { submitted: true };
      },
    });
    const { url } = await serve(sfn);
    vi.stubEnv("AWS_ENDPOINT_URL_SFN", url);

    const { executionArn } = sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN });
    const execution = await finished(sfn, executionArn);
    const types = sfn.getExecutionHistory({ executionArn }).events.map((event) => event.type);

    expect(execution.status).toBe("SUCCEEDED");
    expect(JSON.parse(execution.output ?? "null")).toEqual({ acknowledged: true });
    expect(types.filter((type) => type?.startsWith("Task"))).toEqual([
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSubmitted",
      "TaskSucceeded",
      "TaskStateExited",
    ]);
  });

  it("routes SendTaskFailure to the Catch matching its error name", async () => {
    const approve = recorder();
    const sfn = build(
      machine("AwaitApproval", {
        AwaitApproval: invokeAndWait(
          {},
          {
            Catch: [
              { ErrorEquals: ["Other"], Next: "Wrong" },
              { ErrorEquals: ["ApprovalRejected"], ResultPath: "$.rejection", Next: "Rejected" },
            ],
            Next: "Approved",
          },
        ),
        Approved: { Type: "Succeed" },
        Rejected: { Type: "Pass", End: true },
        Wrong: { Type: "Fail", Error: "WrongCatch" },
      }),
      { AwaitApproval: approve.handler },
    );
    const { client } = await serve(sfn);

    const { executionArn } = sfn.startExecution({
      stateMachineArn: STATE_MACHINE_ARN,
      input: '{"id":"c-4"}',
    });
    await sfn.settled();
    await client.send(
      new SendTaskFailureCommand({
        taskToken: approve.token(),
        error: "ApprovalRejected",
        cause: "not in scope",
      }),
    );
    const execution = await finished(sfn, executionArn);
    const types = sfn.getExecutionHistory({ executionArn }).events.map((event) => event.type);

    expect(execution.status).toBe("SUCCEEDED");
    expect(JSON.parse(execution.output ?? "null")).toEqual({
      id: "c-4",
      rejection: { Error: "ApprovalRejected", Cause: "not in scope" },
    });
    expect(types).toContain("TaskFailed");
    expect(types).toContain("PassStateEntered");
  });

  it("times out in virtual time after its TimeoutSecondsPath (read from the state input) and its token dies", async () => {
    const clock = installClock();
    const contact = recorder();
    const sfn = build(
      machine("AwaitContact", {
        AwaitContact: invokeAndWait(
          { "complaintId.$": "$.complaintId" },
          {
            TimeoutSecondsPath: "$.contactWithinSeconds",
            Catch: [
              // AWS: States.TaskFailed matches every task error except States.Timeout.
              { ErrorEquals: ["States.TaskFailed"], Next: "Wrong" },
              { ErrorEquals: ["States.Timeout"], ResultPath: "$.timeout", Next: "Escalate" },
            ],
            Next: "Contacted",
          },
        ),
        Contacted: { Type: "Succeed" },
        Escalate: { Type: "Pass", End: true },
        Wrong: { Type: "Fail", Error: "WrongCatch" },
      }),
      { AwaitContact: contact.handler },
      clock,
    );
    const realStart = performance.now();

    const { executionArn } = sfn.startExecution({
      stateMachineArn: STATE_MACHINE_ARN,
      input: JSON.stringify({ complaintId: "c-5", contactWithinSeconds: 7 * 24 * 3600 }),
    });
    await sfn.advanceTime(6 * DAY_MS);
    const afterSixDays = {
      status: sfn.describeExecution({ executionArn }).status,
      pending: sfn.pendingTasks(),
    };
    await sfn.advanceTime(DAY_MS);
    const execution = sfn.describeExecution({ executionArn });
    const lateSuccess = rejectionOfSync(() =>
      sfn.sendTaskSuccess({ taskToken: contact.token(), output: "{}" }),
    );
    const history = sfn.getExecutionHistory({ executionArn }).events;

    expect(afterSixDays.status).toBe("RUNNING");
    expect(afterSixDays.pending.map((task) => task.stateName)).toEqual(["AwaitContact"]);
    expect(execution.status).toBe("SUCCEEDED");
    expect(JSON.parse(execution.output ?? "null").timeout).toMatchObject({ Error: "States.Timeout" });
    expect(execution.stopDate?.getTime()).toBe(START.getTime() + 7 * DAY_MS);
    expect(["TaskTimedOut", "TaskDoesNotExist"]).toContain(lateSuccess.name);
    expect(sfn.pendingTasks()).toEqual([]);
    expect(history.find((event) => event.type === "TaskTimedOut")?.taskTimedOutEventDetails?.error).toBe(
      "States.Timeout",
    );
    expect(performance.now() - realStart).toBeLessThan(10_000);
  });

  it("keeps waiting beyond 60 s and beyond 24.8 days when the task has no timeout (AWS default)", async () => {
    const clock = installClock();
    const review = recorder();
    const sfn = build(
      machine("AwaitReview", { AwaitReview: invokeAndWait({}, { End: true }) }),
      {
        AwaitReview: review.handler,
      },
      clock,
    );

    const { executionArn } = sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN });
    await sfn.advanceTime(60 * DAY_MS);
    const afterSixtyDays = sfn.describeExecution({ executionArn }).status;
    sfn.sendTaskSuccess({ taskToken: review.token(), output: '{"reviewed":true}' });
    const execution = await finished(sfn, executionArn);

    expect(afterSixtyDays).toBe("RUNNING");
    expect(execution.status).toBe("SUCCEEDED");
    expect(JSON.parse(execution.output ?? "null")).toEqual({ reviewed: true });
  });

  it("fails with States.HeartbeatTimeout when heartbeats stop, SendTaskHeartbeat keeping it alive until then", async () => {
    const clock = installClock();
    const work = recorder();
    const sfn = build(
      machine("AwaitWork", {
        AwaitWork: invokeAndWait(
          {},
          {
            HeartbeatSeconds: 3600,
            Catch: [{ ErrorEquals: ["States.TaskFailed"], ResultPath: "$.failure", Next: "GiveUp" }],
            End: true,
          },
        ),
        GiveUp: { Type: "Pass", End: true },
      }),
      { AwaitWork: work.handler },
      clock,
    );

    const { executionArn } = sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN });
    await sfn.advanceTime(50 * 60_000);
    sfn.sendTaskHeartbeat({ taskToken: work.token() });
    await sfn.advanceTime(50 * 60_000);
    const afterHeartbeat = sfn.describeExecution({ executionArn }).status;
    await sfn.advanceTime(20 * 60_000);
    const execution = sfn.describeExecution({ executionArn });

    expect(afterHeartbeat).toBe("RUNNING");
    expect(execution.status).toBe("SUCCEEDED");
    expect(JSON.parse(execution.output ?? "null").failure).toMatchObject({
      Error: "States.HeartbeatTimeout",
    });
  });

  it("answers TaskTimedOut for the token of a stopped execution", async () => {
    const wait = recorder();
    const sfn = build(machine("AwaitAnything", { AwaitAnything: invokeAndWait({}, { End: true }) }), {
      AwaitAnything: wait.handler,
    });
    const { client } = await serve(sfn);

    const { executionArn } = sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN });
    await sfn.settled();
    sfn.stopExecution({ executionArn, error: "Withdrawn", cause: "complainant withdrew" });
    const execution = await finished(sfn, executionArn);
    const late = await rejectionOf(
      client.send(new SendTaskSuccessCommand({ taskToken: wait.token(), output: "{}" })),
    );
    const types = sfn.getExecutionHistory({ executionArn }).events.map((event) => event.type);

    expect(execution).toMatchObject({ status: "ABORTED", error: "Withdrawn", cause: "complainant withdrew" });
    expect(late.name).toBe("TaskTimedOut");
    expect(types.at(-1)).toBe("ExecutionAborted");
  });
});

describe("Wait states in virtual time", () => {
  it("a TimestampPath five weeks ahead fires only once the clock has been advanced to it", async () => {
    const clock = installClock();
    const remind = recorder({ reminded: true });
    const remindAt = new Date(START.getTime() + 35 * DAY_MS);
    const sfn = build(
      machine("WaitForReminder", {
        WaitForReminder: { Type: "Wait", TimestampPath: "$.remindAt", Next: "SendReminder" },
        SendReminder: invoke(
          { "complaintId.$": "$.complaintId", "enteredAt.$": "$$.State.EnteredTime" },
          { End: true },
        ),
      }),
      { SendReminder: remind.handler },
      clock,
    );

    const { executionArn } = sfn.startExecution({
      stateMachineArn: STATE_MACHINE_ARN,
      input: JSON.stringify({ complaintId: "c-6", remindAt: remindAt.toISOString() }),
    });
    await sfn.advanceTime(35 * DAY_MS - 60_000);
    const callsBefore = remind.calls.length;
    await sfn.advanceTime(60_000);
    const execution = sfn.describeExecution({ executionArn });
    const types = sfn.getExecutionHistory({ executionArn }).events.map((event) => event.type);

    expect(callsBefore).toBe(0);
    expect(remind.calls.map((call) => call.at.getTime())).toEqual([remindAt.getTime()]);
    expect(remind.calls[0]?.payload).toEqual({ complaintId: "c-6", enteredAt: remindAt.toISOString() });
    expect(execution.status).toBe("SUCCEEDED");
    expect(types.slice(0, 3)).toEqual(["ExecutionStarted", "WaitStateEntered", "WaitStateExited"]);
  });
});

describe("executions", () => {
  it("starting the same name and input again returns the running execution; other input is a conflict", async () => {
    const wait = recorder();
    const sfn = build(machine("AwaitAnything", { AwaitAnything: invokeAndWait({}, { End: true }) }), {
      AwaitAnything: wait.handler,
    });
    const { client } = await serve(sfn);
    const request = { stateMachineArn: STATE_MACHINE_ARN, name: "CFM-2026-000001", input: '{"id":"c-7"}' };

    const first = sfn.startExecution(request);
    const second = await client.send(new StartExecutionCommand(request));
    const conflict = await rejectionOf(
      client.send(new StartExecutionCommand({ ...request, input: '{"id":"x"}' })),
    );
    await sfn.settled();
    sfn.sendTaskSuccess({ taskToken: wait.token(), output: "{}" });
    await finished(sfn, first.executionArn);
    const afterClose = rejectionOfSync(() => sfn.startExecution(request));
    const listed = await client.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN }));

    expect(second.executionArn).toBe(first.executionArn);
    expect(second.startDate?.getTime()).toBe(first.startDate.getTime());
    expect(conflict.name).toBe("ExecutionAlreadyExists");
    expect(afterClose.name).toBe("ExecutionAlreadyExists");
    expect(wait.calls).toHaveLength(1);
    expect(listed.executions?.map((execution) => [execution.name, execution.status])).toEqual([
      ["CFM-2026-000001", "SUCCEEDED"],
    ]);
  });

  // Issue 18: the local inbound endpoint answers when its own case is handled, so that a burst's requests do not
  // wait for each other's executions.
  it("settledExecutions waits for the executions it selects only, not for a busy other one", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const work: TaskHandler = async (payload) => {
      if ((payload as { slow?: boolean }).slow) await gate;
      return {};
    };
    const wait = recorder();
    const sfn = build(
      machine("Work", {
        Work: invoke({ "slow.$": "$.slow" }, { Next: "AwaitAnything" }),
        AwaitAnything: invokeAndWait({ "id.$": "$$.Execution.Name" }, { End: true }),
      }),
      { Work: work, AwaitAnything: wait.handler },
    );
    const input = (slow: boolean) => JSON.stringify({ slow });
    sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, name: "SLOW", input: input(true) });
    sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, name: "FAST", input: input(false) });

    await sfn.settledExecutions((name) => name === "FAST");

    // FAST went through Work to its callback task while SLOW is still inside Work.
    expect(wait.calls.map((c) => (c.payload as { id: string }).id)).toEqual(["FAST"]);
    expect(sfn.inFlight()).toBe(1);
    release();
    await sfn.settled();
    expect(wait.calls.map((c) => (c.payload as { id: string }).id).sort()).toEqual(["FAST", "SLOW"]);
  });

  it("answers unknown executions and bad input with the AWS error names", async () => {
    const sfn = build(machine("Done", { Done: { Type: "Succeed" } }), {});
    const { client } = await serve(sfn);

    const unknown = await rejectionOf(
      client.send(
        new DescribeExecutionCommand({
          executionArn: `${STATE_MACHINE_ARN.replace("stateMachine", "execution")}:nope`,
        }),
      ),
    );
    const badInput = await rejectionOf(
      client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, input: "{not json" })),
    );

    expect(unknown.name).toBe("ExecutionDoesNotExist");
    expect(badInput.name).toBe("InvalidExecutionInput");
  });

  it("records an AWS-shaped history with the state and task inputs and outputs", async () => {
    const store = recorder({ stored: "ok" });
    const sfn = build(
      machine("Store", {
        Store: invoke({ "complainant.$": "$.complainant" }, { ResultPath: "$.store", End: true }),
      }),
      { Store: store.handler },
    );
    const { client } = await serve(sfn);

    const { executionArn } = sfn.startExecution({
      stateMachineArn: STATE_MACHINE_ARN,
      input: JSON.stringify({ complainant: "Ada Lovelace" }),
    });
    await finished(sfn, executionArn);
    const { events = [] } = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    const scheduled = events.find((event) => event.type === "TaskScheduled")?.taskScheduledEventDetails;

    expect(events.map((event) => event.type)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSucceeded",
      "TaskStateExited",
      "ExecutionSucceeded",
    ]);
    expect(events.map((event) => event.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(events[0]?.timestamp).toBeInstanceOf(Date);
    expect(scheduled).toMatchObject({ resourceType: "lambda", resource: "invoke", region: "us-east-1" });
    expect(JSON.parse(scheduled?.parameters ?? "{}")).toEqual({
      FunctionName: FUNCTION_ARN,
      Payload: { complainant: "Ada Lovelace" },
    });
    expect(events[1]?.stateEnteredEventDetails).toMatchObject({ name: "Store" });
    expect(JSON.stringify(events)).toContain("Ada Lovelace");
  });
});

describe("the virtual clock and real I/O", () => {
  it("does not block a real HTTP request made while it is installed", async () => {
    installClock();
    const { server, url } = await listen((_request, response) => {
      setTimeout(() => response.end("pong"), 50); // a faked timer: still fires in real time
    });
    cleanups.push(() => new Promise((done) => server.close(done)));
    const realStart = performance.now();

    const body = await (await fetch(url)).text();

    expect(body).toBe("pong");
    expect(performance.now() - realStart).toBeLessThan(5_000);
  });

  it("advance waits for a handler's HTTP call started by a fired Wait before moving on", async () => {
    const clock = installClock();
    const { server, url } = await listen((_request, response) => {
      setTimeout(() => response.end(JSON.stringify({ sla: "met" })), 100);
    });
    cleanups.push(() => new Promise((done) => server.close(done)));
    const sfn = build(
      machine("WaitThreeDays", {
        WaitThreeDays: { Type: "Wait", Seconds: 3 * 24 * 3600, Next: "Check" },
        Check: invoke({}, { ResultSelector: { "sla.$": "$.Payload.sla" }, End: true }),
      }),
      { Check: async () => (await fetch(url)).json() },
      clock,
    );

    const { executionArn } = sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN });
    const reached = await sfn.advanceTime(3 * DAY_MS + 1_000);
    const execution = sfn.describeExecution({ executionArn });

    expect(reached.getTime()).toBeGreaterThanOrEqual(START.getTime() + 3 * DAY_MS + 1_000);
    expect(execution.status).toBe("SUCCEEDED");
    expect(JSON.parse(execution.output ?? "null")).toEqual({ sla: "met" });
  });
});
