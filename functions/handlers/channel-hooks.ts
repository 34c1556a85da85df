// KoboToolbox REST Services and signed gateway webhooks (issue 17) behind the HTTP API, without an
// authoriser: each request carries its own credential (the form's shared secret, the source's HMAC). The
// routing and the rules are the Hono app in functions/hooks/app.ts, which the local stack runs too.
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { handle } from "hono/aws-lambda";
import { createHooksApp } from "../hooks/app.ts";
import { invocationDeadline } from "../lib/invocation.ts";
import { liveConfig } from "../lib/middleware.ts";
import { requireEnv, runtime } from "../lib/runtime.ts";

type HooksHandler = (
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2 & { headers: Record<string, string>; body: string }>;

// At init: a misconfigured function fails at start, clearly (runtime.ts).
const rt = runtime();
requireEnv("RAW_BUCKET");
requireEnv("ATTACHMENTS_BUCKET");
requireEnv("STATE_MACHINE_ARN");

export const handleHookRequest = handle(createHooksApp(rt)) as unknown as HooksHandler;

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(liveConfig(rt))
  .use(invocationDeadline())
  .handler((event, context) => handleHookRequest(event, context));
