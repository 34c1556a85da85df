// Workflow state "Flag needs attention": any non-transient failure ends here (the case keeps all its data).
import middy from "@middy/core";
import { invocationDeadline } from "../lib/invocation.ts";
import { liveConfig, logged, parseEvent } from "../lib/middleware.ts";
import { runtime } from "../lib/runtime.ts";
import { inputs } from "../workflow/inputs.ts";
import { needsAttention } from "../workflow/steps.ts";

const rt = runtime();

export const handler = middy()
  .use(liveConfig(rt))
  .use(invocationDeadline())
  .use(logged("needs-attention"))
  .use(parseEvent(inputs.needsAttention))
  .handler(async (event) => {
    await needsAttention(rt, event.reference, event.error);
    return {};
  });
