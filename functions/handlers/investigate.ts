// Workflow states "Investigate: contact: *" and "Investigate: conclude: *" (H-C3, H-C4, H-D1, H-D3, T-9, T-13).
import middy from "@middy/core";
import { invocationDeadline } from "../lib/invocation.ts";
import { liveConfig, logged, parseEvent } from "../lib/middleware.ts";
import { runtime } from "../lib/runtime.ts";
import { runHumanStep } from "../workflow/human-step.ts";
import { inputs } from "../workflow/inputs.ts";

const rt = runtime();

export const handler = middy()
  .use(liveConfig(rt))
  .use(invocationDeadline())
  .use(logged("investigate"))
  .use(parseEvent(inputs.human))
  .handler(async (event) => runHumanStep(rt, event));
