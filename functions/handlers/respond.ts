// Workflow states "Respond" (H-D3, T-9), "Refer" (H-C3 (e)), "Decide inadmissible" (T-4), and R-6's short
// path: "Answer: *" (the human step) and "Send answer".
import middy from "@middy/core";
import { isAppealable } from "../domain/procedure.ts";
import { invocationDeadline } from "../lib/invocation.ts";
import { liveConfig, logged, parseEvent } from "../lib/middleware.ts";
import { runtime } from "../lib/runtime.ts";
import { runHumanStep } from "../workflow/human-step.ts";
import { inputs } from "../workflow/inputs.ts";
import { answerWithoutInvestigation, respond, sendAnswer } from "../workflow/steps.ts";

const rt = runtime();

export const handler = middy()
  .use(liveConfig(rt))
  .use(invocationDeadline())
  .use(logged("respond"))
  .use(parseEvent(inputs.respond))
  .handler(async (event) => {
    switch (event.action) {
      case "prepare":
      case "open":
      case "apply":
      case "overdue":
        return runHumanStep(rt, event);
      case "answer":
        await sendAnswer(rt, event.reference);
        return {};
      case "respond": {
        const record = await rt.store.require(event.reference);
        await respond(rt, event.reference, event.appealable ?? isAppealable(rt.config, record));
        return {};
      }
      default:
        await answerWithoutInvestigation(rt, event.reference, event.action);
        return {};
    }
  });
