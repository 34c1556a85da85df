// Workflow states "Receive" (H-A1, H-A2, T-1) and "Reclassify as complaint".
import middy from "@middy/core";
import { invocationDeadline } from "../lib/invocation.ts";
import { liveConfig, logged, parseEvent } from "../lib/middleware.ts";
import { runtime } from "../lib/runtime.ts";
import { inputs } from "../workflow/inputs.ts";
import { receive, reclassified } from "../workflow/steps.ts";

const rt = runtime();

export const handler = middy()
  .use(liveConfig(rt))
  .use(invocationDeadline())
  .use(logged("receive"))
  .use(parseEvent(inputs.receive))
  .handler(async (event) =>
    event.action === "flags" ? reclassified(rt, event.reference) : receive(rt, event.reference),
  );
