// Workflow states "Triage: *" (H-B1, T-4, T-5) and "Notify" (H-B2, T-3).
import middy from "@middy/core";
import { invocationDeadline } from "../lib/invocation.ts";
import { liveConfig, logged, parseEvent } from "../lib/middleware.ts";
import { runtime } from "../lib/runtime.ts";
import { runHumanStep } from "../workflow/human-step.ts";
import { inputs } from "../workflow/inputs.ts";
import { notify } from "../workflow/steps.ts";
import { runThen } from "../workflow/then.ts";

const rt = runtime();

export const handler = middy()
  .use(liveConfig(rt))
  .use(invocationDeadline())
  .use(logged("triage"))
  .use(parseEvent(inputs.triage))
  .handler(async (event) => {
    if (event.action === "notify") {
      await notify(rt, event.reference);
      return runThen(rt, event.reference, event.then);
    }
    return runHumanStep(rt, event);
  });
