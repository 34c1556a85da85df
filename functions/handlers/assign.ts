// Workflow states "Assign: * (H-B3, H-C1, H-C2, T-7)".
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
  .use(logged("assign"))
  .use(parseEvent(inputs.human))
  .handler(async (event) => runHumanStep(rt, event));
