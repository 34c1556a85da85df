// Workflow states "Respond" (H-D3, T-9), "Refer" (H-C3 (e)) and "Decide inadmissible" (T-4).
import middy from "@middy/core";
import { isAppealable } from "../domain/procedure.ts";
import { liveConfig, logged, parseEvent } from "../lib/middleware.ts";
import { runtime } from "../lib/runtime.ts";
import { inputs } from "../workflow/inputs.ts";
import { answerWithoutInvestigation, respond } from "../workflow/steps.ts";

const rt = runtime();

export const handler = middy()
  .use(liveConfig(rt))
  .use(logged("respond"))
  .use(parseEvent(inputs.respond))
  .handler(async (event) => {
    if (event.action === "respond") {
      const record = await rt.store.require(event.reference);
      await respond(rt, event.reference, event.appealable ?? isAppealable(rt.config, record));
    } else await answerWithoutInvestigation(rt, event.reference, event.action);
    return {};
  });
