// The four actions of every human step (prepare, open, apply, overdue), shared by the step handlers; apply and
// overdue go on with what the definition says comes next (then.ts).
import type { Runtime } from "../lib/runtime.ts";
import type { HumanStepInput } from "./inputs.ts";
import { apply, open, overdue, prepare } from "./steps.ts";
import { prepareNext, runThen } from "./then.ts";

export async function runHumanStep(rt: Runtime, event: HumanStepInput): Promise<unknown> {
  switch (event.action) {
    case "prepare":
      return prepare(rt, event.reference, event.step);
    case "open":
      await open(rt, event.reference, event.step, event.taskToken);
      return {};
    case "apply": {
      const next = prepareNext(rt, event.then);
      // With a response to send first (the conclusion's apply), the preparation goes with the response's write.
      const { route, prepared } = await apply(
        rt,
        event.reference,
        event.step,
        event.submissionId,
        event.then?.respond ? undefined : next,
      );
      return { route, ...(await runThen(rt, event.reference, event.then, { route, prepared, next })) };
    }
    case "overdue":
      await overdue(rt, event.reference, event.step);
      return runThen(rt, event.reference, event.then);
  }
}
