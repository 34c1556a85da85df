// An upper bound on the history events of one execution (Step Functions caps a history at 25,000 events).
// Every state counts as visited once, except the states of a human step's reminder loop, visited at most
// (reminders + 1) times, and the appeal decision, repeated once per allowed extension (T-11). Summing over all
// states, including mutually exclusive branches, makes this a safe over-estimate.
import type { OrgConfig } from "../functions/domain/config.ts";
import { reminderBudget, stepRounds } from "../functions/domain/procedure.ts";
import { HUMAN_STEPS, type HumanStep } from "./complaint-workflow.ts";

type State = { Type: string; Retry?: Array<{ MaxAttempts?: number }>; Resource?: string };

/** Events for one visit of a state, with every retry used. */
export function stateEventCost(state: State): number {
  const retries = (state.Retry ?? []).reduce((sum, r) => sum + (r.MaxAttempts ?? 3), 0);
  switch (state.Type) {
    case "Task": {
      const callback = state.Resource?.endsWith(".waitForTaskToken") ?? false;
      // Entered, Scheduled, Started, (Submitted), Succeeded/Failed/TimedOut, Exited; a failed attempt adds
      // Scheduled, Started, (Submitted), Failed.
      return (callback ? 6 : 5) + retries * (callback ? 4 : 3);
    }
    case "Choice":
    case "Pass":
    case "Wait":
      return 2;
    default:
      return 2;
  }
}

export function loopBound(config: OrgConfig, step: HumanStep): number {
  // The procedure's own budget: the appeal window has none (it passes), the conclusion adds H-D3's updates.
  return (reminderBudget(config, step) + 1) * stepRounds(config, step);
}

export function worstCaseHistoryEvents(
  definition: { States: Record<string, State> },
  config: OrgConfig,
): number {
  let total = 2; // ExecutionStarted, ExecutionSucceeded/Failed/TimedOut
  for (const [name, state] of Object.entries(definition.States)) {
    const step = (Object.keys(HUMAN_STEPS) as HumanStep[]).find((s) =>
      name.startsWith(`${HUMAN_STEPS[s].label}: `),
    );
    const visits = step && !/: apply( \(.+\))?$/.test(name) ? loopBound(config, step) : 1;
    total += stateEventCost(state) * visits;
  }
  return total;
}
