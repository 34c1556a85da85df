// Coordinator actions on a case (CONTRACT.md "Operations"), the rules without AWS: who may act, which action
// fits which status, and what each needs. Every action carries a reason; the handler writes it with its
// timeline event in one transaction (functions/api/case-actions.ts).
import { z } from "zod";
import type { Audience } from "./access.ts";
import type { CaseRecord } from "./complaint.ts";
import type { OrgConfig } from "./config.ts";

export const IMPLEMENTED_ACTIONS = ["note", "reassign"] as const;
export type ActionName = (typeof IMPLEMENTED_ACTIONS)[number];

const reason = z
  .string("required")
  .trim()
  .min(3, "give the reason (at least 3 characters)")
  .max(2000, "at most 2000 characters");

export const actionSchema = z.discriminatedUnion(
  "action",
  [
    z.strictObject({ action: z.literal("note"), reason }),
    z.strictObject({
      action: z.literal("reassign"),
      to: z.email("must be a staff address").transform((a) => a.toLowerCase()),
      reason,
    }),
  ],
  { error: `action: must be one of ${IMPLEMENTED_ACTIONS.join(", ")}` },
);
export type CaseAction = z.output<typeof actionSchema>;

export type ActionRefusal = { status: 403 | 409 | 422; error: string; field?: string };

/** Why an action may not be taken now (null: it may). */
export function refusal(
  config: OrgConfig,
  audience: Audience,
  record: CaseRecord,
  action: CaseAction,
): ActionRefusal | null {
  if (audience !== "coordinator")
    return { status: 403, error: "only the coordinator takes actions on a case" };
  if (action.action === "note") return null;
  if (record.status === "closed") return { status: 409, error: `${action.action}: the case is closed` };
  if (action.action === "reassign") {
    if (!record.assignee) return { status: 409, error: "reassign: no step of this case waits for someone" };
    if (!config.staff.some((s) => s.address === action.to))
      return { status: 422, field: "to", error: "to: not in the staff directory" };
    if (action.to === record.assignee)
      return { status: 422, field: "to", error: "to: this person already holds the step" };
  }
  return null;
}
