// A local Step Functions service: runs our real ASL (JSONPath) with aws-local-stepfunctions and adds what
// that library lacks: task tokens ($$.Task.Token, .waitForTaskToken, SendTask*), AWS-like Task timeouts
// (TimeoutSecondsPath read from the state input, default timeout of 99999999 s instead of 60 s, delays longer
// than 24.8 days), HeartbeatSeconds, execution bookkeeping (names, describe, list, stop) and AWS-shaped
// execution histories.
import "./promise-polyfill.ts";
import { randomBytes, randomUUID } from "node:crypto";
import type {
  DescribeExecutionOutput,
  ExecutionListItem,
  ExecutionStatus,
  HistoryEvent,
  HistoryEventType,
} from "@aws-sdk/client-sfn";
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from "aws-local-stepfunctions";
import { installLongTimeouts, type VirtualClock } from "./virtual-clock.ts";

// Captured at load time: settled() must still yield to the event loop when timers are faked.
const realSetImmediate = globalThis.setImmediate;

/** Default of AWS when a Task has neither TimeoutSeconds nor TimeoutSecondsPath (the library uses 60). */
export const AWS_DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;

// ---------------------------------------------------------------------------------------------------------
// Errors: names are the AWS error codes, so SDK callers and the HTTP layer can match on `name`.

export class SfnServiceError extends Error {
  readonly httpStatus: number = 400;
}
export class ExecutionAlreadyExists extends SfnServiceError {
  override name = "ExecutionAlreadyExists";
}
export class ExecutionDoesNotExist extends SfnServiceError {
  override name = "ExecutionDoesNotExist";
}
export class StateMachineDoesNotExist extends SfnServiceError {
  override name = "StateMachineDoesNotExist";
}
export class InvalidName extends SfnServiceError {
  override name = "InvalidName";
}
export class InvalidArn extends SfnServiceError {
  override name = "InvalidArn";
}
export class InvalidExecutionInput extends SfnServiceError {
  override name = "InvalidExecutionInput";
}
export class InvalidOutput extends SfnServiceError {
  override name = "InvalidOutput";
}
export class InvalidToken extends SfnServiceError {
  override name = "InvalidToken";
}
export class TaskDoesNotExist extends SfnServiceError {
  override name = "TaskDoesNotExist";
}
export class TaskTimedOut extends SfnServiceError {
  override name = "TaskTimedOut";
}

/** The definition cannot be run locally (unsupported feature, missing handler...). */
export class UnsupportedDefinitionError extends Error {
  override name = "UnsupportedDefinitionError";
}

/** Raised inside a Task whose execution has ended: neither retried nor caught (the library reads these flags). */
class ExecutionClosedError extends Error {
  override name = "States.Runtime";
  readonly isRetryable = false;
  readonly isCatchable = false;
}

/** A Task failure with a Step Functions error name (ErrorEquals matches `name`) and cause (`message`). */
class TaskFailure extends Error {
  constructor(errorName: string, cause: string) {
    super(cause);
    this.name = errorName;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Public types

export type TaskHandler = (payload: unknown) => Promise<unknown>;

export interface ExecutionEventNotice {
  executionArn: string;
  event: HistoryEvent;
}

export interface LocalStepFunctionsOptions {
  /** The ASL definition (JSONPath), e.g. the synthesized DefinitionString of the CDK state machine. */
  definition: object;
  stateMachineArn: string;
  /**
   * One handler per Task state name. For `lambda:invoke` tasks it receives `Parameters.Payload` (the Lambda
   * event) and returns the Lambda result; for `.waitForTaskToken` tasks the payload holds the task token.
   */
  lambdaHandlers: Record<string, TaskHandler>;
  clock?: VirtualClock;
  onExecutionEvent?: (notice: ExecutionEventNotice) => void;
}

export interface StartExecutionInput {
  stateMachineArn: string;
  name?: string;
  input?: string;
  traceHeader?: string;
}
export interface StartExecutionOutput {
  executionArn: string;
  startDate: Date;
}
export interface SendTaskSuccessInput {
  taskToken: string;
  output: string;
}
export interface SendTaskFailureInput {
  taskToken: string;
  error?: string;
  cause?: string;
}
export interface SendTaskHeartbeatInput {
  taskToken: string;
}
export interface DescribeExecutionInput {
  executionArn: string;
}
export interface ListExecutionsInput {
  stateMachineArn: string;
  statusFilter?: ExecutionStatus;
  maxResults?: number;
  nextToken?: string;
}
export interface ListExecutionsOutput {
  executions: ExecutionListItem[];
  nextToken?: string;
}
export interface GetExecutionHistoryInput {
  executionArn: string;
  maxResults?: number;
  reverseOrder?: boolean;
  nextToken?: string;
  includeExecutionData?: boolean;
}
export interface GetExecutionHistoryOutput {
  events: HistoryEvent[];
  nextToken?: string;
}
export interface StopExecutionInput {
  executionArn: string;
  error?: string;
  cause?: string;
}

export interface PendingTask {
  executionArn: string;
  stateName: string;
  taskToken: string;
  /** What the task handler received (for lambda:invoke: Parameters.Payload). */
  payload: unknown;
  scheduledAt: Date;
}

// ---------------------------------------------------------------------------------------------------------
// Internal model

type LibraryEvent = ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;
type LocalHandlers = NonNullable<NonNullable<RunOptions["overrides"]>["taskResourceLocalHandlers"]>;

interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: unknown;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number;
  HeartbeatSecondsPath?: string;
  Branches?: AslMachine[];
  Iterator?: AslMachine;
  ItemProcessor?: AslMachine;
  QueryLanguage?: string;
  [key: string]: unknown;
}
interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
  QueryLanguage?: string;
  [key: string]: unknown;
}

type TaskKind = "lambda-invoke" | "lambda-function" | "service";

interface TaskMeta {
  stateName: string;
  resource: string;
  kind: TaskKind;
  waitForToken: boolean;
  /** History `resourceType` / `resource`, e.g. "lambda" / "invoke.waitForTaskToken". */
  resourceType: string;
  resourceName: string;
  staticTimeoutSeconds: number | undefined;
  staticHeartbeatSeconds: number | undefined;
}

// Each Task's Parameters are wrapped so the handler also learns TimeoutSecondsPath/HeartbeatSecondsPath values
// resolved against the state input, as AWS does (the library resolves them against the Parameters output).
interface WrappedTaskInput {
  payload: unknown;
  timeoutSeconds?: unknown;
  heartbeatSeconds?: unknown;
}

type AttemptStatus = "running" | "waiting" | "succeeded" | "failed" | "timedOut" | "closed";

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

interface TaskAttempt {
  exec: ExecutionRecord;
  meta: TaskMeta;
  token: string | undefined;
  payload: unknown;
  scheduledAt: Date;
  status: AttemptStatus;
  callback: Deferred<unknown> | undefined;
  timeoutTimer: ReturnType<typeof setTimeout> | undefined;
  heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  heartbeatMs: number | undefined;
}

interface ExecutionRecord {
  executionArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate: Date | undefined;
  output: string | undefined;
  error: string | undefined;
  cause: string | undefined;
  history: HistoryEvent[];
  abort: () => void;
  /** Token minted by the $$.Task.Token getter, taken by the next Task handler call. */
  mintedToken: string | undefined;
  attempts: Set<TaskAttempt>;
  /** Attempts started (handler calls) and attempt events seen (StateEntered/StateRetried), per Task name. */
  attemptsCalled: Map<string, number>;
  attemptsSeen: Map<string, number>;
  attemptWaiters: { stateName: string; count: number; release: () => void }[];
  eventsDrained: boolean;
}

const validatedDefinitions = new Set<string>();
const TOKEN_MAGIC = Buffer.from("LSFN");
const TOKEN_BYTES = 96;

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Rejections may happen before the Task awaits them (e.g. a heartbeat timeout while its Lambda runs).
  promise.catch(() => {});
  return { promise, resolve, reject };
}

function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

function toJson(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value);
}

/** What crosses a Lambda boundary is JSON: the handler gets a copy, and its result is serialized. */
function jsonCopy(value: unknown): unknown {
  return JSON.parse(toJson(value));
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1;
}

function errorParts(error: unknown): { name: string; message: string; stack: string | undefined } {
  if (error instanceof Error)
    return { name: error.name || "Error", message: error.message, stack: error.stack };
  return { name: "Error", message: String(error), stack: undefined };
}

function classifyResource(
  stateName: string,
  resource: string,
): Omit<TaskMeta, "staticTimeoutSeconds" | "staticHeartbeatSeconds"> {
  const integration = /^arn:aws[\w-]*:states:::(.+)$/.exec(resource);
  if (integration) {
    const target = integration[1] ?? "";
    const separator = target.indexOf(":");
    const resourceType = separator === -1 ? target : target.slice(0, separator);
    const resourceName = separator === -1 ? "" : target.slice(separator + 1);
    if (resourceName.endsWith(".sync") || resourceName.includes(".sync:")) {
      throw new UnsupportedDefinitionError(
        `Task "${stateName}": .sync integrations are not supported locally`,
      );
    }
    const waitForToken = resourceName.endsWith(".waitForTaskToken");
    const kind: TaskKind =
      resourceType === "lambda" && (resourceName === "invoke" || resourceName === "invoke.waitForTaskToken")
        ? "lambda-invoke"
        : "service";
    return { stateName, resource, kind, waitForToken, resourceType, resourceName };
  }
  if (/^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:/.test(resource)) {
    return {
      stateName,
      resource,
      kind: "lambda-function",
      waitForToken: false,
      resourceType: "lambda",
      resourceName: resource,
    };
  }
  throw new UnsupportedDefinitionError(`Task "${stateName}": resource ${resource} is not supported locally`);
}

/** Rewrites Task states in place (see WrappedTaskInput) and collects what each one is. */
function prepareDefinition(machine: AslMachine, metas: Map<string, TaskMeta>): void {
  if (machine.QueryLanguage === "JSONata") {
    throw new UnsupportedDefinitionError("JSONata state machines are not supported locally (JSONPath only)");
  }
  for (const [stateName, state] of Object.entries(machine.States)) {
    if (state.QueryLanguage === "JSONata") {
      throw new UnsupportedDefinitionError(`State "${stateName}": JSONata is not supported locally`);
    }
    if (state.Type === "Parallel") {
      for (const branch of state.Branches ?? []) prepareDefinition(branch, metas);
      continue;
    }
    if (state.Type === "Map") {
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor) prepareDefinition(processor, metas);
      continue;
    }
    if (state.Type !== "Task") continue;
    if (metas.has(stateName)) {
      throw new UnsupportedDefinitionError(
        `Task state name "${stateName}" is used twice; names must be unique`,
      );
    }
    metas.set(stateName, {
      ...classifyResource(stateName, String(state.Resource)),
      staticTimeoutSeconds: state.TimeoutSecondsPath === undefined ? state.TimeoutSeconds : undefined,
      staticHeartbeatSeconds: state.HeartbeatSecondsPath === undefined ? state.HeartbeatSeconds : undefined,
    });

    const parameters: Record<string, unknown> =
      state.Parameters === undefined ? { "payload.$": "$" } : { payload: state.Parameters };
    if (state.TimeoutSecondsPath !== undefined) {
      parameters["timeoutSeconds.$"] = state.TimeoutSecondsPath;
      state.TimeoutSecondsPath = "$.timeoutSeconds";
      delete state.TimeoutSeconds;
    } else if (state.TimeoutSeconds === undefined) {
      state.TimeoutSeconds = AWS_DEFAULT_TASK_TIMEOUT_SECONDS;
    }
    if (state.HeartbeatSecondsPath !== undefined) {
      parameters["heartbeatSeconds.$"] = state.HeartbeatSecondsPath;
      delete state.HeartbeatSecondsPath;
    }
    state.Parameters = parameters;
  }
}

function parseStateMachineArn(arn: string): { region: string; account: string; name: string } {
  const match = /^arn:aws[\w-]*:states:([^:]+):(\d{12}):stateMachine:([^:]+)$/.exec(arn);
  if (!match) throw new InvalidArn(`Invalid Arn: '${arn}'`);
  return { region: match[1] ?? "", account: match[2] ?? "", name: match[3] ?? "" };
}

// AWS execution names: 1-80 characters, no whitespace, brackets, wildcards, special or control characters.
const FORBIDDEN_NAME_CHARACTERS = new Set(' <>{}[]?*"#%\\^|~`$&,;:/');

function isValidExecutionName(name: string): boolean {
  if (name.length < 1 || name.length > 80) return false;
  for (const character of name) {
    const code = character.codePointAt(0) ?? 0;
    if (FORBIDDEN_NAME_CHARACTERS.has(character) || /\s/.test(character)) return false;
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return false;
  }
  return true;
}

const STATE_EVENT_PREFIX: Record<string, string> = {
  Task: "Task",
  Pass: "Pass",
  Wait: "Wait",
  Choice: "Choice",
  Succeed: "Succeed",
  Fail: "Fail",
  Map: "Map",
  Parallel: "Parallel",
};

// ---------------------------------------------------------------------------------------------------------

export class LocalStepFunctions {
  readonly stateMachineArn: string;
  readonly #stateMachine: StateMachine;
  readonly #metas = new Map<string, TaskMeta>();
  readonly #handlers: Record<string, TaskHandler>;
  readonly #region: string;
  readonly #account: string;
  readonly #stateMachineName: string;
  readonly #clock: VirtualClock | undefined;
  readonly #onExecutionEvent: ((notice: ExecutionEventNotice) => void) | undefined;
  readonly #executions = new Map<string, ExecutionRecord>();
  readonly #attemptsByToken = new Map<string, TaskAttempt>();
  readonly #activeHandlers = new Set<Promise<unknown>>();
  readonly #finalizing = new Set<Promise<unknown>>();
  /** The execution (by name) each tracked handler or finalization belongs to (settledExecutions). */
  readonly #owners = new WeakMap<Promise<unknown>, string>();
  readonly #restoreTimeouts: () => void;

  constructor(options: LocalStepFunctionsOptions) {
    const { region, account, name } = parseStateMachineArn(options.stateMachineArn);
    this.stateMachineArn = options.stateMachineArn;
    this.#region = region;
    this.#account = account;
    this.#stateMachineName = name;
    this.#clock = options.clock;
    this.#onExecutionEvent = options.onExecutionEvent;
    this.#handlers = { ...options.lambdaHandlers };

    // The library validates the definition as written (asl-validator: ~0.3 s, so once per definition);
    // the rewritten copy is run without validation.
    const source = JSON.stringify(options.definition);
    if (!validatedDefinitions.has(source)) {
      new StateMachine(options.definition as StateMachineDefinition, {
        validationOptions: { checkPaths: true, checkArn: true },
      });
      validatedDefinitions.add(source);
    }
    const definition = structuredClone(options.definition) as AslMachine;
    prepareDefinition(definition, this.#metas);
    const missing = [...this.#metas.keys()].filter((stateName) => !(stateName in this.#handlers));
    if (missing.length > 0) {
      throw new UnsupportedDefinitionError(`No handler for Task state(s): ${missing.join(", ")}`);
    }
    const unknown = Object.keys(this.#handlers).filter((stateName) => !this.#metas.has(stateName));
    if (unknown.length > 0) {
      throw new UnsupportedDefinitionError(`Handlers for unknown Task state(s): ${unknown.join(", ")}`);
    }
    this.#stateMachine = new StateMachine(definition as unknown as StateMachineDefinition, {
      validationOptions: { noValidate: true },
    });
    // Real timers (no virtual clock) would run a deadline beyond 24.8 days after 1 ms.
    this.#restoreTimeouts = options.clock ? () => {} : installLongTimeouts();
  }

  // ----- API -----------------------------------------------------------------------------------------------

  startExecution(request: StartExecutionInput): StartExecutionOutput {
    this.#checkStateMachine(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    if (!isValidExecutionName(name)) throw new InvalidName(`Invalid Name: '${name}'`);
    const input = request.input ?? "{}";
    let inputValue: unknown;
    try {
      inputValue = JSON.parse(input);
    } catch {
      throw new InvalidExecutionInput(`Invalid State Machine Execution Input: '${input.slice(0, 100)}'`);
    }

    const executionArn = `arn:aws:states:${this.#region}:${this.#account}:execution:${this.#stateMachineName}:${name}`;
    const existing = this.#executions.get(executionArn);
    if (existing) {
      // Standard workflows: same name and input while running is idempotent; anything else is a conflict.
      if (existing.status === "RUNNING" && existing.input === input) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new ExecutionAlreadyExists(`Execution Already Exists: '${executionArn}'`);
    }

    const exec: ExecutionRecord = {
      executionArn,
      name,
      input,
      status: "RUNNING",
      startDate: new Date(),
      stopDate: undefined,
      output: undefined,
      error: undefined,
      cause: undefined,
      history: [],
      abort: () => {},
      mintedToken: undefined,
      attempts: new Set(),
      attemptsCalled: new Map(),
      attemptsSeen: new Map(),
      attemptWaiters: [],
      eventsDrained: false,
    };
    this.#executions.set(executionArn, exec);

    const taskContext = {};
    // A fresh token per Task attempt: minted on first read, taken by the handler call that follows.
    Object.defineProperty(taskContext, "Token", {
      enumerable: true,
      get: () => {
        exec.mintedToken ??= this.#mintToken();
        return exec.mintedToken;
      },
    });
    // The library keeps no $$.State; a state's paths are resolved in the same tick as it is entered, so
    // "now" is its entered time (except on a retry, where AWS keeps the first entry time).
    const stateContext = {};
    Object.defineProperty(stateContext, "EnteredTime", {
      enumerable: true,
      get: () => new Date().toISOString(),
    });
    const handlers: LocalHandlers = {};
    for (const meta of this.#metas.values()) {
      handlers[meta.stateName] = (wrapped) =>
        this.#callTask(exec, meta, wrapped as unknown as WrappedTaskInput) as Promise<never>;
    }
    const runOptions: RunOptions = {
      overrides: { taskResourceLocalHandlers: handlers },
      context: {
        Execution: {
          Id: executionArn,
          Name: name,
          RoleArn: `arn:aws:iam::${this.#account}:role/local-sfn`,
          RedriveCount: 0,
        },
        StateMachine: { Id: this.stateMachineArn, Name: this.#stateMachineName },
        State: stateContext,
        Task: taskContext,
      },
    };

    const run = this.#stateMachine.run(inputValue as never, runOptions);
    exec.abort = run.abort;
    const drained = this.#drainEvents(exec, run.eventLogs);
    // Tracked once the result is known: settled() must not wait for executions that are still running.
    run.result.then(
      (output) =>
        this.#track(
          this.#finalizing,
          this.#finalize(exec, drained, { status: "SUCCEEDED", output: toJson(output) }),
          exec.name,
        ),
      (error: unknown) =>
        this.#track(this.#finalizing, this.#finalize(exec, drained, this.#outcomeOf(error)), exec.name),
    );
    return { executionArn, startDate: exec.startDate };
  }

  sendTaskSuccess(request: SendTaskSuccessInput): Record<string, never> {
    const attempt = this.#openAttempt(request.taskToken);
    let output: unknown;
    try {
      output = JSON.parse(request.output);
    } catch {
      throw new InvalidOutput("Invalid State Machine Execution output");
    }
    this.#closeAttempt(attempt, "succeeded");
    attempt.callback?.resolve(output);
    return {};
  }

  sendTaskFailure(request: SendTaskFailureInput): Record<string, never> {
    const attempt = this.#openAttempt(request.taskToken);
    this.#closeAttempt(attempt, "failed");
    attempt.callback?.reject(new TaskFailure(request.error ?? "", request.cause ?? ""));
    return {};
  }

  /** Accepted for valid open tokens; restarts the HeartbeatSeconds countdown if the task has one. */
  sendTaskHeartbeat(request: SendTaskHeartbeatInput): Record<string, never> {
    const attempt = this.#openAttempt(request.taskToken);
    this.#startHeartbeat(attempt);
    return {};
  }

  describeExecution(request: DescribeExecutionInput): DescribeExecutionOutput {
    const exec = this.#execution(request.executionArn);
    return {
      executionArn: exec.executionArn,
      stateMachineArn: this.stateMachineArn,
      name: exec.name,
      status: exec.status,
      startDate: exec.startDate,
      stopDate: exec.stopDate,
      input: exec.input,
      inputDetails: { included: true },
      output: exec.output,
      outputDetails: exec.output === undefined ? undefined : { included: true },
      error: exec.error,
      cause: exec.cause,
    };
  }

  listExecutions(request: ListExecutionsInput): ListExecutionsOutput {
    this.#checkStateMachine(request.stateMachineArn);
    const all = [...this.#executions.values()]
      .filter((exec) => request.statusFilter === undefined || exec.status === request.statusFilter)
      .reverse() // newest first, as AWS lists them
      .map(
        (exec): ExecutionListItem => ({
          executionArn: exec.executionArn,
          stateMachineArn: this.stateMachineArn,
          name: exec.name,
          status: exec.status,
          startDate: exec.startDate,
          stopDate: exec.stopDate,
        }),
      );
    const { items, nextToken } = paginate(all, request.maxResults, request.nextToken);
    return { executions: items, nextToken };
  }

  getExecutionHistory(request: GetExecutionHistoryInput): GetExecutionHistoryOutput {
    const exec = this.#execution(request.executionArn);
    let events = exec.history.map((event) => structuredClone(event));
    if (request.includeExecutionData === false) events = events.map(withoutExecutionData);
    if (request.reverseOrder) events.reverse();
    const { items, nextToken } = paginate(events, request.maxResults, request.nextToken);
    return { events: items, nextToken };
  }

  stopExecution(request: StopExecutionInput): { stopDate: Date } {
    const exec = this.#execution(request.executionArn);
    if (exec.status !== "RUNNING") return { stopDate: exec.stopDate ?? new Date() };
    exec.status = "ABORTED";
    exec.stopDate = new Date();
    exec.error = request.error;
    exec.cause = request.cause;
    exec.abort();
    this.#closeExecutionAttempts(exec);
    return { stopDate: exec.stopDate };
  }

  /** Callback tasks whose token is valid (waiting for SendTaskSuccess/SendTaskFailure). */
  pendingTasks(): PendingTask[] {
    return [...this.#attemptsByToken.values()]
      .filter((attempt) => attempt.status === "waiting")
      .map((attempt) => ({
        executionArn: attempt.exec.executionArn,
        stateName: attempt.meta.stateName,
        taskToken: attempt.token ?? "",
        payload: attempt.payload,
        scheduledAt: attempt.scheduledAt,
      }));
  }

  /** Task handler calls running now (a callback task waiting for its token does not count). */
  inFlight(): number {
    return this.#activeHandlers.size;
  }

  /** Resolves once no Task handler is running and the micro/macrotask queues have drained. */
  async settled(): Promise<void> {
    let quietRounds = 0;
    while (quietRounds < 2) {
      await nextMacrotask();
      const busy = [...this.#activeHandlers, ...this.#finalizing];
      if (busy.length > 0) {
        quietRounds = 0;
        await Promise.allSettled(busy);
      } else {
        quietRounds++;
      }
    }
  }

  /**
   * Resolves once no Task handler of the executions `select` picks (by name) is running or finalizing, and the
   * queues have drained, whatever the other executions do (issue 18: a local endpoint answers when its own
   * message is handled, not when the whole runtime is idle, so a burst's requests do not wait for each other).
   */
  async settledExecutions(select: (name: string) => boolean): Promise<void> {
    let quietRounds = 0;
    while (quietRounds < 2) {
      await nextMacrotask();
      const busy = [...this.#activeHandlers, ...this.#finalizing].filter((p) =>
        select(this.#owners.get(p) ?? ""),
      );
      if (busy.length > 0) {
        quietRounds = 0;
        await Promise.allSettled(busy);
      } else {
        quietRounds++;
      }
    }
  }

  /** Shortcut for clock.advance(ms, () => this.settled()). */
  advanceTime(durationMs: number): Promise<Date> {
    if (!this.#clock) throw new Error("advanceTime() needs the LocalStepFunctions to be built with a clock");
    return this.#clock.advance(durationMs, () => this.settled());
  }

  /** Stops every running execution and restores the timers patched by this instance. */
  async dispose(): Promise<void> {
    for (const exec of this.#executions.values()) {
      if (exec.status === "RUNNING")
        this.stopExecution({ executionArn: exec.executionArn, error: "Disposed" });
    }
    await this.settled();
    this.#restoreTimeouts();
  }

  // ----- Tasks ---------------------------------------------------------------------------------------------

  #mintToken(): string {
    return Buffer.concat([TOKEN_MAGIC, randomBytes(TOKEN_BYTES - TOKEN_MAGIC.length)]).toString("base64");
  }

  /**
   * The local handler of every Task state. Its synchronous part must not mutate `wrapped`: the library reads
   * `$.timeoutSeconds` from it right after this call returns, and then arms its own timeout timer.
   */
  #callTask(exec: ExecutionRecord, meta: TaskMeta, wrapped: WrappedTaskInput): Promise<unknown> {
    const token = exec.mintedToken ?? (meta.waitForToken ? this.#mintToken() : undefined);
    exec.mintedToken = undefined;
    const timeoutSeconds =
      wrapped.timeoutSeconds ?? meta.staticTimeoutSeconds ?? AWS_DEFAULT_TASK_TIMEOUT_SECONDS;
    // The library fails the state with States.Runtime itself; a rejection here would go unhandled.
    if (!isPositiveInteger(timeoutSeconds)) return new Promise(() => {});
    if (exec.status !== "RUNNING") return Promise.reject(new ExecutionClosedError("The execution has ended"));

    const attemptNumber = (exec.attemptsCalled.get(meta.stateName) ?? 0) + 1;
    exec.attemptsCalled.set(meta.stateName, attemptNumber);
    const attempt: TaskAttempt = {
      exec,
      meta,
      token: meta.waitForToken ? token : undefined,
      payload: undefined,
      scheduledAt: new Date(),
      status: "running",
      callback: undefined,
      timeoutTimer: undefined,
      heartbeatTimer: undefined,
      heartbeatMs: undefined,
    };
    exec.attempts.add(attempt);
    // Armed before the library's timer for the same delay, so it fires first: it only records the timeout
    // and invalidates the token; the library's timer raises States.Timeout, which Retry/Catch then see
    // with AWS semantics (States.TaskFailed does not match it).
    attempt.timeoutTimer = setTimeout(() => this.#onTimeout(attempt), timeoutSeconds * 1000);

    const handlerPhase = this.#runHandler(exec, meta, attempt, wrapped, attemptNumber, timeoutSeconds);
    this.#track(this.#activeHandlers, handlerPhase, exec.name);
    if (!meta.waitForToken) return handlerPhase;
    return handlerPhase.then(() => this.#awaitCallback(attempt));
  }

  async #runHandler(
    exec: ExecutionRecord,
    meta: TaskMeta,
    attempt: TaskAttempt,
    wrapped: WrappedTaskInput,
    attemptNumber: number,
    timeoutSeconds: number,
  ): Promise<unknown> {
    // History order: this attempt's TaskStateEntered/StateRetried must be recorded before TaskScheduled.
    await this.#attemptSeen(exec, meta.stateName, attemptNumber);
    if (attempt.status !== "running") throw new ExecutionClosedError("The execution has ended");

    const parameters = wrapped.payload;
    const payload =
      meta.kind === "lambda-invoke" ? ((parameters as { Payload?: unknown })?.Payload ?? {}) : parameters;
    attempt.payload = jsonCopy(payload);
    if (wrapped.heartbeatSeconds !== undefined && !isPositiveInteger(wrapped.heartbeatSeconds)) {
      this.#closeAttempt(attempt, "failed");
      throw new ExecutionClosedError(`HeartbeatSecondsPath of "${meta.stateName}" is not a positive integer`);
    }
    attempt.heartbeatMs =
      ((wrapped.heartbeatSeconds as number | undefined) ?? meta.staticHeartbeatSeconds ?? 0) * 1000;

    this.#recordScheduled(exec, meta, parameters, timeoutSeconds, attempt.heartbeatMs / 1000);
    if (meta.waitForToken && attempt.token) {
      attempt.status = "waiting";
      attempt.callback = deferred();
      this.#attemptsByToken.set(attempt.token, attempt);
      this.#startHeartbeat(attempt);
    }

    let result: unknown;
    try {
      const handler = this.#handlers[meta.stateName];
      if (!handler) throw new UnsupportedDefinitionError(`No handler for Task state "${meta.stateName}"`);
      result = jsonCopy(await handler(jsonCopy(payload)));
    } catch (error) {
      const failure = lambdaFailure(error);
      // The first outcome wins: a token already completed (by this very Lambda, say) decides the task.
      const status = attempt.status as AttemptStatus;
      if (meta.waitForToken && (status === "succeeded" || status === "failed")) return undefined;
      if (attempt.status === "running" || attempt.status === "waiting") {
        this.#closeAttempt(attempt, "failed");
        this.#recordTaskEnd(exec, meta, "Failed", { error: failure.name, cause: failure.message });
      }
      throw failure;
    }

    const output = meta.kind === "lambda-invoke" ? lambdaEnvelope(result) : result;
    if (meta.waitForToken) {
      const status = attempt.status as AttemptStatus; // changed by SendTask* while the handler ran
      if (status === "waiting" || status === "succeeded" || status === "failed") {
        this.#record(exec, "TaskSubmitted", {
          taskSubmittedEventDetails: {
            ...this.#resource(meta),
            output: toJson(output),
            outputDetails: notTruncated,
          },
        });
      }
      return output;
    }
    if (attempt.status === "running") {
      this.#closeAttempt(attempt, "succeeded");
      this.#recordTaskEnd(exec, meta, "Succeeded", { output: toJson(output) });
    }
    return output;
  }

  async #awaitCallback(attempt: TaskAttempt): Promise<unknown> {
    const callback = attempt.callback;
    if (!callback) throw new ExecutionClosedError("The execution has ended");
    try {
      const output = await callback.promise;
      this.#recordTaskEnd(attempt.exec, attempt.meta, "Succeeded", { output: toJson(output) });
      return output;
    } catch (error) {
      // SendTaskFailure; a heartbeat timeout has already been recorded as TaskTimedOut.
      if (attempt.status === "failed" && error instanceof TaskFailure) {
        this.#recordTaskEnd(attempt.exec, attempt.meta, "Failed", {
          error: error.name,
          cause: error.message,
        });
      }
      throw error;
    }
  }

  #onTimeout(attempt: TaskAttempt): void {
    attempt.timeoutTimer = undefined;
    if (attempt.status !== "running" && attempt.status !== "waiting") return;
    this.#closeAttempt(attempt, "timedOut");
    this.#recordTaskEnd(attempt.exec, attempt.meta, "TimedOut", { error: "States.Timeout", cause: "" });
  }

  #startHeartbeat(attempt: TaskAttempt): void {
    if (attempt.heartbeatTimer) clearTimeout(attempt.heartbeatTimer);
    attempt.heartbeatTimer = undefined;
    if (!attempt.heartbeatMs) return;
    attempt.heartbeatTimer = setTimeout(() => {
      attempt.heartbeatTimer = undefined;
      if (attempt.status !== "waiting") return;
      this.#closeAttempt(attempt, "timedOut");
      this.#recordTaskEnd(attempt.exec, attempt.meta, "TimedOut", {
        error: "States.HeartbeatTimeout",
        cause: "",
      });
      // Unlike States.Timeout, States.TaskFailed matches States.HeartbeatTimeout: a plain error is right here.
      attempt.callback?.reject(new TaskFailure("States.HeartbeatTimeout", ""));
    }, attempt.heartbeatMs);
  }

  #closeAttempt(attempt: TaskAttempt, status: AttemptStatus): void {
    attempt.status = status;
    if (attempt.timeoutTimer) clearTimeout(attempt.timeoutTimer);
    if (attempt.heartbeatTimer) clearTimeout(attempt.heartbeatTimer);
    attempt.timeoutTimer = undefined;
    attempt.heartbeatTimer = undefined;
    attempt.exec.attempts.delete(attempt);
  }

  #closeExecutionAttempts(exec: ExecutionRecord): void {
    for (const attempt of [...exec.attempts]) {
      const wasWaiting = attempt.status === "waiting";
      this.#closeAttempt(attempt, "closed");
      if (wasWaiting) attempt.callback?.reject(new ExecutionClosedError("The execution has ended"));
    }
  }

  /** The attempt a token belongs to, if it can still be completed; otherwise the AWS error. */
  #openAttempt(taskToken: string): TaskAttempt {
    const attempt = this.#attemptsByToken.get(taskToken);
    if (!attempt) {
      const bytes = Buffer.from(taskToken, "base64");
      const wellFormed =
        bytes.length === TOKEN_BYTES && bytes.subarray(0, TOKEN_MAGIC.length).equals(TOKEN_MAGIC);
      if (wellFormed) throw new TaskDoesNotExist("Task Does Not Exist: 'Provided task does not exist'");
      throw new InvalidToken("Invalid Token: 'Invalid token'");
    }
    if (attempt.status !== "waiting") {
      throw new TaskTimedOut("Task Timed Out: 'Provided task does not exist anymore'");
    }
    return attempt;
  }

  // ----- Executions ----------------------------------------------------------------------------------------

  #checkStateMachine(stateMachineArn: string): void {
    if (stateMachineArn !== this.stateMachineArn) {
      parseStateMachineArn(stateMachineArn);
      throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${stateMachineArn}'`);
    }
  }

  #execution(executionArn: string): ExecutionRecord {
    const exec = this.#executions.get(executionArn);
    if (!exec) throw new ExecutionDoesNotExist(`Execution Does Not Exist: '${executionArn}'`);
    return exec;
  }

  #outcomeOf(error: unknown): { status: ExecutionStatus; error?: string; cause?: string } {
    if (error instanceof ExecutionAbortedError) return { status: "ABORTED" };
    if (error instanceof ExecutionTimeoutError) {
      return { status: "TIMED_OUT", error: "States.Timeout", cause: "The execution timed out" };
    }
    if (error instanceof ExecutionError) {
      const { name, message } = errorParts(error.cause);
      return { status: "FAILED", error: name, cause: message };
    }
    const { message } = errorParts(error);
    return { status: "FAILED", error: "States.Runtime", cause: message };
  }

  async #finalize(
    exec: ExecutionRecord,
    drained: Promise<void>,
    outcome: { status: ExecutionStatus; output?: string; error?: string; cause?: string },
  ): Promise<void> {
    // Let the state events still queued in the library's event log reach the history first.
    await Promise.race([drained.catch(() => {}), this.#macrotasks(20)]);
    if (exec.status === "RUNNING") {
      exec.status = outcome.status;
      exec.stopDate = new Date();
      exec.output = outcome.output;
      exec.error = outcome.error;
      exec.cause = outcome.cause;
    }
    this.#closeExecutionAttempts(exec);
    const details = { error: exec.error, cause: exec.cause };
    switch (exec.status) {
      case "SUCCEEDED":
        this.#record(exec, "ExecutionSucceeded", {
          executionSucceededEventDetails: { output: exec.output, outputDetails: notTruncated },
        });
        break;
      case "FAILED":
        this.#record(exec, "ExecutionFailed", { executionFailedEventDetails: details });
        break;
      case "TIMED_OUT":
        this.#record(exec, "ExecutionTimedOut", { executionTimedOutEventDetails: details });
        break;
      case "ABORTED":
        this.#record(exec, "ExecutionAborted", { executionAbortedEventDetails: details });
        break;
      default:
        break;
    }
  }

  async #macrotasks(count: number): Promise<void> {
    for (let i = 0; i < count; i++) await nextMacrotask();
  }

  #track(set: Set<Promise<unknown>>, promise: Promise<unknown>, owner: string): void {
    set.add(promise);
    this.#owners.set(promise, owner);
    const remove = () => {
      set.delete(promise);
    };
    promise.then(remove, remove);
  }

  // ----- History -------------------------------------------------------------------------------------------

  async #drainEvents(exec: ExecutionRecord, events: AsyncGenerator<LibraryEvent>): Promise<void> {
    try {
      for await (const event of events) this.#onLibraryEvent(exec, event);
    } finally {
      exec.eventsDrained = true;
      for (const waiter of exec.attemptWaiters.splice(0)) waiter.release();
    }
  }

  #attemptSeen(exec: ExecutionRecord, stateName: string, count: number): Promise<void> {
    if (exec.eventsDrained || (exec.attemptsSeen.get(stateName) ?? 0) >= count) return Promise.resolve();
    return new Promise((release) => exec.attemptWaiters.push({ stateName, count, release }));
  }

  #onLibraryEvent(exec: ExecutionRecord, event: LibraryEvent): void {
    switch (event.type) {
      case "ExecutionStarted":
        this.#record(
          exec,
          "ExecutionStarted",
          {
            executionStartedEventDetails: {
              input: exec.input,
              inputDetails: notTruncated,
              roleArn: `arn:aws:iam::${this.#account}:role/local-sfn`,
            },
          },
          event.timestamp,
        );
        return;
      case "StateEntered":
      case "StateRetried": {
        if (event.type === "StateEntered") {
          this.#record(
            exec,
            `${STATE_EVENT_PREFIX[event.state.type] ?? "Pass"}StateEntered` as HistoryEventType,
            {
              stateEnteredEventDetails: {
                name: event.state.name,
                input: toJson(event.state.input),
                inputDetails: notTruncated,
              },
            },
            event.timestamp,
          );
        }
        if (event.state.type === "Task") {
          const seen = (exec.attemptsSeen.get(event.state.name) ?? 0) + 1;
          exec.attemptsSeen.set(event.state.name, seen);
          exec.attemptWaiters = exec.attemptWaiters.filter((waiter) => {
            const ready = waiter.stateName === event.state.name && waiter.count <= seen;
            if (ready) waiter.release();
            return !ready;
          });
        }
        return;
      }
      case "StateExited":
        if (event.state.type === "Map" || event.state.type === "Parallel") {
          this.#record(exec, `${event.state.type}StateSucceeded` as HistoryEventType, {}, event.timestamp);
        }
        this.#record(
          exec,
          `${STATE_EVENT_PREFIX[event.state.type] ?? "Pass"}StateExited` as HistoryEventType,
          {
            stateExitedEventDetails: {
              name: event.state.name,
              output: toJson(event.state.output),
              outputDetails: notTruncated,
            },
          },
          event.timestamp,
        );
        return;
      case "StateFailed":
        if (event.state.type === "Map" || event.state.type === "Parallel") {
          this.#record(exec, `${event.state.type}StateFailed` as HistoryEventType, {}, event.timestamp);
        }
        return;
      case "MapIterationStarted":
      case "MapIterationSucceeded":
      case "MapIterationFailed": {
        const details = { name: event.parentState.name, index: event.index };
        const key =
          event.type === "MapIterationStarted"
            ? "mapIterationStartedEventDetails"
            : event.type === "MapIterationSucceeded"
              ? "mapIterationSucceededEventDetails"
              : "mapIterationFailedEventDetails";
        this.#record(exec, event.type, { [key]: details } as Partial<HistoryEvent>, event.timestamp);
        return;
      }
      default:
        // Execution end events are recorded by #finalize (with AWS details); retries and catches have no
        // event of their own in AWS histories, and Parallel branches none either.
        return;
    }
  }

  #resource(meta: TaskMeta): { resourceType: string; resource: string } {
    return { resourceType: meta.resourceType, resource: meta.resourceName };
  }

  #recordScheduled(
    exec: ExecutionRecord,
    meta: TaskMeta,
    parameters: unknown,
    timeoutSeconds: number,
    heartbeatSeconds: number,
  ): void {
    if (meta.kind === "lambda-function") {
      this.#record(exec, "LambdaFunctionScheduled", {
        lambdaFunctionScheduledEventDetails: {
          resource: meta.resource,
          input: toJson(parameters),
          inputDetails: notTruncated,
          timeoutInSeconds: timeoutSeconds,
        },
      });
      this.#record(exec, "LambdaFunctionStarted", {});
      return;
    }
    this.#record(exec, "TaskScheduled", {
      taskScheduledEventDetails: {
        ...this.#resource(meta),
        region: this.#region,
        parameters: toJson(parameters),
        timeoutInSeconds: timeoutSeconds,
        heartbeatInSeconds: heartbeatSeconds || undefined,
      },
    });
    this.#record(exec, "TaskStarted", { taskStartedEventDetails: this.#resource(meta) });
  }

  #recordTaskEnd(
    exec: ExecutionRecord,
    meta: TaskMeta,
    outcome: "Succeeded" | "Failed" | "TimedOut",
    details: { output?: string; error?: string; cause?: string },
  ): void {
    if (meta.kind === "lambda-function") {
      const key = `lambdaFunction${outcome}EventDetails`;
      const body =
        outcome === "Succeeded"
          ? { output: details.output, outputDetails: notTruncated }
          : { error: details.error, cause: details.cause };
      this.#record(exec, `LambdaFunction${outcome}`, { [key]: body } as Partial<HistoryEvent>);
      return;
    }
    const key = `task${outcome}EventDetails`;
    const body =
      outcome === "Succeeded"
        ? { ...this.#resource(meta), output: details.output, outputDetails: notTruncated }
        : { ...this.#resource(meta), error: details.error, cause: details.cause };
    this.#record(exec, `Task${outcome}`, { [key]: body } as Partial<HistoryEvent>);
  }

  #record(exec: ExecutionRecord, type: HistoryEventType, details: Partial<HistoryEvent>, at?: number): void {
    const id = exec.history.length + 1;
    const event: HistoryEvent = {
      timestamp: new Date(at ?? Date.now()),
      type,
      id,
      previousEventId: id - 1,
      ...details,
    };
    exec.history.push(event);
    try {
      this.#onExecutionEvent?.({ executionArn: exec.executionArn, event: structuredClone(event) });
    } catch {
      // A faulty observer must not break the execution.
    }
  }
}

// ---------------------------------------------------------------------------------------------------------

const notTruncated = { truncated: false };

/** The result shape of the arn:aws:states:::lambda:invoke integration. */
function lambdaEnvelope(payload: unknown): Record<string, unknown> {
  return {
    ExecutedVersion: "$LATEST",
    Payload: payload,
    SdkHttpMetadata: { HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: randomUUID() },
    StatusCode: 200,
  };
}

/** As a Lambda function error reaches Step Functions: Error = errorType, Cause = the error JSON. */
function lambdaFailure(error: unknown): Error {
  if (error instanceof ExecutionClosedError || error instanceof UnsupportedDefinitionError) return error;
  const { name, message, stack } = errorParts(error);
  const trace = (stack ?? "")
    .split("\n")
    .slice(1)
    .map((line) => line.trim());
  return new TaskFailure(name, JSON.stringify({ errorType: name, errorMessage: message, trace }));
}

function withoutExecutionData(event: HistoryEvent): HistoryEvent {
  const copy = structuredClone(event) as unknown as Record<string, unknown>;
  for (const value of Object.values(copy)) {
    if (value && typeof value === "object" && !(value instanceof Date)) {
      const details = value as Record<string, unknown>;
      for (const field of ["input", "output", "parameters"]) {
        if (field in details) delete details[field];
      }
    }
  }
  return copy as unknown as HistoryEvent;
}

function paginate<T>(
  items: T[],
  maxResults?: number,
  nextToken?: string,
): { items: T[]; nextToken?: string } {
  const start = nextToken ? Number.parseInt(Buffer.from(nextToken, "base64").toString("utf8"), 10) || 0 : 0;
  const size = maxResults && maxResults > 0 ? Math.min(maxResults, 1000) : 1000;
  const page = items.slice(start, start + size);
  const end = start + page.length;
  return {
    items: page,
    nextToken: end < items.length ? Buffer.from(String(end), "utf8").toString("base64") : undefined,
  };
}
