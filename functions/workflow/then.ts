// What a workflow task does after its own action (the `then` of its payload, workflows/complaint-workflow.ts).
// Issue 18: a human step's "prepare" (its deadline, actor and the callback's timeout), H-B2's notification and
// H-D3's response each cost a state transition of their own; done by the task before them, a clean lifecycle
// takes 17 transitions instead of 25. The preparation is written in the same transaction as the action's own
// change where there is one (acknowledge, apply, respond), else on its own (prepare). Each part is idempotent
// like the action itself, so the task's Retry repeats all of it safely; the standalone states stay for resumes.
import type { CaseRecord } from "../domain/complaint.ts";
import type { Runtime } from "../lib/runtime.ts";
import type { Then } from "./inputs.ts";
import { notify, type PrepareNext, prepare, respond, secondsToWait } from "./steps.ts";

/** What the task answers: `seconds` until the prepared step's wait ends, null when it prepared none. */
export interface ThenResult {
  seconds: number | null;
}

/** The preparation an action may write with its own change (the step `then` prepares, at the action's time). */
export function prepareNext(
  rt: Runtime,
  then: Then | undefined,
): (PrepareNext & { route?: string }) | undefined {
  if (!then?.prepare) return undefined;
  return { step: then.prepare, now: rt.now(), ...(then.route === undefined ? {} : { route: then.route }) };
}

/**
 * After the action: `prepared` is the case as the action's write left it when that write prepared the next
 * step (a retry of a committed action finds it prepared: `prepare` then only reads and answers the seconds).
 */
export async function runThen(
  rt: Runtime,
  reference: string,
  then: Then | undefined,
  options: { route?: string; prepared?: CaseRecord; next?: PrepareNext } = {},
): Promise<ThenResult | Record<string, never>> {
  if (!then) return {};
  if (then.route !== undefined && then.route !== options.route) return { seconds: null };
  if (then.notify) await notify(rt, reference);
  let prepared = options.prepared;
  if (then.respond) {
    const answered = await respond(rt, reference, then.respond === "appealable", options.next);
    prepared = answered ?? prepared;
  }
  if (!then.prepare) return { seconds: null };
  if (prepared && options.next)
    return { seconds: secondsToWait(rt, prepared, then.prepare, options.next.now) };
  return prepare(rt, reference, then.prepare);
}
