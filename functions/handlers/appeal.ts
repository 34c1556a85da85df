// Workflow states "Appeal window: *" (H-D4, H-E1, T-10, T-11), "Appeal decision: *" (H-E2, T-11) and
// "Inform parties" (H-F1).
import middy from "@middy/core";
import { invocationDeadline } from "../lib/invocation.ts";
import { liveConfig, logged, parseEvent } from "../lib/middleware.ts";
import { runtime } from "../lib/runtime.ts";
import { runHumanStep } from "../workflow/human-step.ts";
import { inputs } from "../workflow/inputs.ts";
import { informParties } from "../workflow/steps.ts";
import { runThen } from "../workflow/then.ts";

const rt = runtime();

export const handler = middy()
  .use(liveConfig(rt))
  .use(invocationDeadline())
  .use(logged("appeal"))
  .use(parseEvent(inputs.appeal))
  .handler(async (event) => {
    if (event.action === "decided") {
      await informParties(rt, event.reference);
      return runThen(rt, event.reference, event.then);
    }
    return runHumanStep(rt, event);
  });
