// The complainant's pages (web form, follow-up, satisfaction) behind the HTTP API, without an authoriser:
// the routing and the rules are the Hono app in functions/public/app.ts, which the local stack runs too
// with the same API Gateway (payload 2.0) events.
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { handle } from "hono/aws-lambda";
import { liveConfig } from "../lib/middleware.ts";
import { runtime } from "../lib/runtime.ts";
import { createPublicApp } from "../public/app.ts";

type PublicHandler = (
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2 & { headers: Record<string, string>; body: string }>;

// At init: a misconfigured function fails at start, clearly (runtime.ts). Hono's adapter declares its own
// event types (body `string | null`); API Gateway's payload 2.0 is what it reads.
export const handlePublicRequest = handle(createPublicApp(runtime())) as unknown as PublicHandler;

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(liveConfig(runtime()))
  .handler((event, context) => handlePublicRequest(event, context));
