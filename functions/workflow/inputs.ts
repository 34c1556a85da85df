// The inputs Step Functions passes to the workflow Lambdas (ids and flags only).
import * as z from "zod";
import { reference } from "../domain/complaint.ts";
import { CLOSE_CAUSES, HUMAN_STEPS } from "../domain/vocabulary.ts";

export const decisionStep = z.enum(HUMAN_STEPS);

/**
 * What a task does after its own action, as the definition says (workflows/complaint-workflow.ts, issue 18:
 * fewer transitions): only if the action took `route`, notify (H-B2, T-3), respond (H-D3, T-9; whether the
 * appeal window opens, as the branch the definition took says), then prepare the next human step, whose
 * seconds the task answers for the callback's timeout.
 */
export const thenSchema = z.strictObject({
  route: z.string().min(1).max(32).optional(),
  notify: z.literal(true).optional(),
  respond: z.enum(["appealable", "final"]).optional(),
  prepare: decisionStep.optional(),
});
export type Then = z.infer<typeof thenSchema>;
const then = thenSchema.optional();

const humanStepActions = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("prepare"), reference, step: decisionStep }),
  z.strictObject({
    action: z.literal("open"),
    reference,
    step: decisionStep,
    taskToken: z.string().min(1).max(2048),
  }),
  z.strictObject({
    action: z.literal("apply"),
    reference,
    step: decisionStep,
    submissionId: z.uuid(),
    then,
  }),
  z.strictObject({ action: z.literal("overdue"), reference, step: decisionStep, then }),
]);
export type HumanStepInput = z.infer<typeof humanStepActions>;

export const inputs = {
  // `flags`: the case's flags again, after R-6's short path found a complaint (it is now appealable).
  receive: z.strictObject({ action: z.enum(["receive", "flags"]), reference }),
  acknowledge: z.strictObject({ action: z.literal("acknowledge"), reference, then }),
  triage: z.union([humanStepActions, z.strictObject({ action: z.literal("notify"), reference, then })]),
  human: humanStepActions,
  respond: z.union([
    // the short path's answer step, then its email.
    humanStepActions,
    z.strictObject({
      action: z.enum(["respond", "referral", "inadmissible", "answer"]),
      reference,
      appealable: z.boolean().optional(),
    }),
  ]),
  appeal: z.union([humanStepActions, z.strictObject({ action: z.literal("decided"), reference, then })]),
  close: z.union([
    humanStepActions,
    z.strictObject({
      action: z.literal("close"),
      reference,
      cause: z.enum(CLOSE_CAUSES),
    }),
  ]),
  needsAttention: z.strictObject({ reference, error: z.string().max(256) }),
};
