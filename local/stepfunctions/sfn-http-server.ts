// The AWS JSON 1.0 protocol of Step Functions in front of a LocalStepFunctions, so that an unchanged
// SFNClient (AWS_ENDPOINT_URL_SFN=<url>) can start executions and send task tokens.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import * as z from "zod";
import { type LocalStepFunctions, SfnServiceError } from "./local-sfn.ts";

const MAX_BODY_BYTES = 2 * 1024 * 1024;
const TARGET_PREFIX = "AWSStepFunctions.";
const CONTENT_TYPE = "application/x-amz-json-1.0";

const executionStatus = z.enum(["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"]);
const token = z.string().min(1).max(2048);

// Unknown members are dropped (z.object strips them), as the service ignores what it does not use.
const operations = {
  StartExecution: {
    request: z.object({
      stateMachineArn: z.string().min(1),
      name: z.string().optional(),
      input: z.string().optional(),
      traceHeader: z.string().optional(),
    }),
    run: (sfn: LocalStepFunctions, request: never) => sfn.startExecution(request),
  },
  SendTaskSuccess: {
    request: z.object({ taskToken: token, output: z.string() }),
    run: (sfn: LocalStepFunctions, request: never) => sfn.sendTaskSuccess(request),
  },
  SendTaskFailure: {
    request: z.object({
      taskToken: token,
      error: z.string().max(256).optional(),
      cause: z.string().max(32_768).optional(),
    }),
    run: (sfn: LocalStepFunctions, request: never) => sfn.sendTaskFailure(request),
  },
  SendTaskHeartbeat: {
    request: z.object({ taskToken: token }),
    run: (sfn: LocalStepFunctions, request: never) => sfn.sendTaskHeartbeat(request),
  },
  DescribeExecution: {
    request: z.object({ executionArn: z.string().min(1) }),
    run: (sfn: LocalStepFunctions, request: never) => sfn.describeExecution(request),
  },
  ListExecutions: {
    request: z.object({
      stateMachineArn: z.string().min(1),
      statusFilter: executionStatus.optional(),
      maxResults: z.number().int().min(0).max(1000).optional(),
      nextToken: z.string().optional(),
    }),
    run: (sfn: LocalStepFunctions, request: never) => sfn.listExecutions(request),
  },
  GetExecutionHistory: {
    request: z.object({
      executionArn: z.string().min(1),
      maxResults: z.number().int().min(0).max(1000).optional(),
      reverseOrder: z.boolean().optional(),
      nextToken: z.string().optional(),
      includeExecutionData: z.boolean().optional(),
    }),
    run: (sfn: LocalStepFunctions, request: never) => sfn.getExecutionHistory(request),
  },
  StopExecution: {
    request: z.object({
      executionArn: z.string().min(1),
      error: z.string().max(256).optional(),
      cause: z.string().max(32_768).optional(),
    }),
    run: (sfn: LocalStepFunctions, request: never) => sfn.stopExecution(request),
  },
} as const;

type OperationName = keyof typeof operations;

class ProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** Timestamps travel as epoch seconds in the awsJson1_0 protocol. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, toWire(member)]));
  }
  return value;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ProtocolError("RequestEntityTooLarge", "Request body is too large", 413));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": CONTENT_TYPE,
    "content-length": Buffer.byteLength(payload),
    "x-amzn-requestid": randomUUID(),
  });
  response.end(payload);
}

function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  response.setHeader("x-amzn-errortype", code);
  send(response, status, { __type: `com.amazonaws.states#${code}`, message });
}

async function handle(sfn: LocalStepFunctions, request: IncomingMessage, response: ServerResponse) {
  try {
    if (request.method !== "POST")
      throw new ProtocolError("UnknownOperationException", "Only POST is supported");
    const target = String(request.headers["x-amz-target"] ?? "");
    const operationName = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : "";
    if (!Object.hasOwn(operations, operationName)) {
      throw new ProtocolError("UnknownOperationException", `Unsupported operation: '${target}'`);
    }
    const operation = operations[operationName as OperationName];

    const body = await readBody(request);
    let json: unknown;
    try {
      json = body.length === 0 ? {} : JSON.parse(body);
    } catch {
      throw new ProtocolError("SerializationException", "Request body is not valid JSON");
    }
    const parsed = operation.request.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map(
        (issue) => `${issue.path.join(".") || "body"}: ${issue.message}`,
      );
      throw new ProtocolError("ValidationException", issues.join("; "));
    }
    send(response, 200, toWire(operation.run(sfn, parsed.data as never)));
  } catch (error) {
    if (error instanceof SfnServiceError) {
      sendError(response, error.httpStatus, error.name, error.message);
    } else if (error instanceof ProtocolError) {
      sendError(response, error.status, error.code, error.message);
    } else {
      sendError(response, 500, "InternalFailure", error instanceof Error ? error.message : String(error));
    }
  }
}

export interface SfnHttpServer {
  url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` (0 = a free port). */
export function startSfnHttpServer(sfn: LocalStepFunctions, port: number): Promise<SfnHttpServer> {
  const server = createServer((request, response) => {
    void handle(sfn, request, response);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      const { port: boundPort } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${boundPort}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            // SDK clients keep connections alive; close() would otherwise wait for them.
            server.closeAllConnections();
          }),
      });
    });
  });
}
