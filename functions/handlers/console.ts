// The staff console Lambda: the Hono app of functions/console/app.ts behind the HTTP API (routes /console and
// /console/{proxy+}, no API Gateway authoriser: the console signs staff in itself, OpenID Connect with the
// Cognito user pool's managed login, and checks its session cookie on every request).
import { handle } from "hono/aws-lambda";
import { createConsoleApp } from "../console/app.ts";
import { oidcSettingsFromEnv } from "../console/oidc.ts";
import { clearDeadline, noteDeadline } from "../lib/invocation.ts";
import { runtime } from "../lib/runtime.ts";

// At init: a misconfigured function fails at start, clearly.
const rt = runtime();
const app = createConsoleApp({ rt, oidc: oidcSettingsFromEnv() });

const serve = handle(app);

/** Issue 12: the live config (staff, calendar…) is refreshed before each request, as the middy handlers do. */
export const handler: typeof serve = async (event, context) => {
  noteDeadline(context);
  try {
    await rt.refreshConfig();
    return await serve(event, context);
  } finally {
    clearDeadline();
  }
};
