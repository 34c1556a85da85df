// Workflow state "Acknowledge" (H-A2, T-2).
import middy from "@middy/core";
import { invocationDeadline } from "../lib/invocation.ts";
import { liveConfig, logged, parseEvent } from "../lib/middleware.ts";
import { runtime } from "../lib/runtime.ts";
import { inputs } from "../workflow/inputs.ts";
import { acknowledge } from "../workflow/steps.ts";
import { prepareNext, runThen } from "../workflow/then.ts";

const rt = runtime();

export const handler = middy()
  .use(liveConfig(rt))
  .use(invocationDeadline())
  .use(logged("acknowledge"))
  .use(parseEvent(inputs.acknowledge))
  .handler(async (event) => {
    const next = prepareNext(rt, event.then);
    const prepared = await acknowledge(rt, event.reference, next);
    return runThen(rt, event.reference, event.then, { prepared, next });
  });
