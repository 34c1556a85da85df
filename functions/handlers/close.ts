// Workflow states "Confirm closure: *" (H-F2) and "Close: *" (T-10, T-12).
import middy from "@middy/core";
import { invocationDeadline } from "../lib/invocation.ts";
import { liveConfig, logged, parseEvent } from "../lib/middleware.ts";
import { runtime } from "../lib/runtime.ts";
import { runHumanStep } from "../workflow/human-step.ts";
import { inputs } from "../workflow/inputs.ts";
import { close } from "../workflow/steps.ts";

const rt = runtime();

export const handler = middy()
  .use(liveConfig(rt))
  .use(invocationDeadline())
  .use(logged("close"))
  .use(parseEvent(inputs.close))
  .handler(async (event) => {
    if (event.action === "close") {
      await close(rt, event.reference, event.cause);
      return {};
    }
    return runHumanStep(rt, event);
  });
