// What a workflow task does after its own action (the `then` of its payload, workflows/complaint-workflow.ts).
// Issue 18: a human step's "prepare" (its deadline, actor and the callback's timeout), H-B2's notification and
// H-D3's response each cost a state transition of their own; done by the task before them, a clean lifecycle
// takes 17 transitions instead of 25. Each part is idempotent like the action itself, so the task's Retry
// repeats all of it safely; the standalone states stay for resumes (resume.ts) and reminders.
import type { Runtime } from "../lib/runtime.ts";
import type { Then } from "./inputs.ts";
import { notify, prepare, respond } from "./steps.ts";

/** What the task answers: `seconds` until the prepared step's wait ends, null when it prepared none. */
export interface ThenResult {
  seconds: number | null;
}

export async function runThen(
  rt: Runtime,
  reference: string,
  then: Then | undefined,
  route?: string,
): Promise<ThenResult | Record<string, never>> {
  if (!then) return {};
  if (then.route !== undefined && then.route !== route) return { seconds: null };
  if (then.notify) await notify(rt, reference);
  if (then.respond) await respond(rt, reference, then.respond === "appealable");
  if (!then.prepare) return { seconds: null };
  return prepare(rt, reference, then.prepare);
}
