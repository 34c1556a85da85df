// Intake Lambda (issue 4): invoked asynchronously by the SES receipt rule after its S3 action stored the raw
// message. Any failure is thrown so that SES/Lambda retries the event (every step is idempotent); after the
// retries the event goes to the function's failure destination, and the raw message is still in S3.
import middy from "@middy/core";
import { receiveEmail } from "../intake/receive-email.ts";
import { invocationDeadline } from "../lib/invocation.ts";
import { liveConfig } from "../lib/middleware.ts";
import { runtime } from "../lib/runtime.ts";

// At init: a misconfigured function fails at start, clearly (runtime.ts).
const rt = runtime();

export const handler = middy()
  .use(liveConfig(rt))
  .use(invocationDeadline())
  .handler(async (event: unknown) => receiveEmail(event, rt));

export type { IntakeResult } from "../intake/receive-email.ts";
export { receiveEmail };
