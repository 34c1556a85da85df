// The inputs Step Functions passes to the workflow Lambdas (ids and flags only).
import * as z from "zod";
import { reference } from "../domain/complaint.ts";
import { CLOSE_CAUSES, HUMAN_STEPS } from "../domain/vocabulary.ts";

export const decisionStep = z.enum(HUMAN_STEPS);

const humanStepActions = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("prepare"), reference, step: decisionStep }),
  z.strictObject({
    action: z.literal("open"),
    reference,
    step: decisionStep,
    taskToken: z.string().min(1).max(2048),
  }),
  z.strictObject({ action: z.literal("apply"), reference, step: decisionStep, submissionId: z.uuid() }),
  z.strictObject({ action: z.literal("overdue"), reference, step: decisionStep }),
]);
export type HumanStepInput = z.infer<typeof humanStepActions>;

export const inputs = {
  // `flags`: the case's flags again, after R-6's short path found a complaint (it is now appealable).
  receive: z.strictObject({ action: z.enum(["receive", "flags"]), reference }),
  acknowledge: z.strictObject({ action: z.literal("acknowledge"), reference }),
  triage: z.union([humanStepActions, z.strictObject({ action: z.literal("notify"), reference })]),
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
  appeal: z.union([humanStepActions, z.strictObject({ action: z.literal("decided"), reference })]),
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
