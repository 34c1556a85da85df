// Opens a case and hands it to the workflow: shared by the email intake and the staff-recorded intake.
// Idempotent on the source id (an SES messageId or a client's idempotency key): the same source gives one
// case and one execution, whose name is the reference (StartExecution with the same name and input is a
// no-op in Step Functions; ExecutionAlreadyExists is checked, not ignored blindly).
import { DescribeExecutionCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { isReachable } from "../domain/complainant-channel.ts";
import { type CaseContent, type Channel, emptyContent, type Flag, type Kind } from "../domain/complaint.ts";
import type { Language } from "../domain/config.ts";
import { pinCalendar } from "../domain/live-config.ts";
import { deadlinesAtReceipt } from "../domain/procedure.ts";
import { type Runtime, requireEnv } from "../lib/runtime.ts";
import { sfn } from "../lib/sfn.ts";

export interface CaseOpening {
  sourceId: string;
  sourceFingerprint?: string;
  kind: Kind;
  channel: Channel;
  language: Language;
  anonymous: boolean;
  receivedAt: string;
  /** Who recorded it: a staff address, or "email" for the intake. */
  actor: string;
  flags?: Flag[];
  /** The complainant follows the case with a receipt code (web intake): reachable on the follow-up page. */
  followUp?: boolean;
  content: Partial<Omit<CaseContent, "reference">>;
}

export async function openCase(
  rt: Runtime,
  opening: CaseOpening,
): Promise<{ reference: string; created: boolean }> {
  const { reference: _ref, ...blank } = emptyContent("CFM-0000-000000");
  const content = { ...blank, ...opening.content };
  // By email, or by SMS/WhatsApp where that channel is set up (issue 17).
  const reachable = isReachable(rt.config, opening, content);
  const result = await rt.store.create({
    sourceId: opening.sourceId,
    ...(opening.sourceFingerprint ? { sourceFingerprint: opening.sourceFingerprint } : {}),
    actor: opening.actor,
    record: {
      kind: opening.kind,
      status: "received",
      closure: null,
      channel: opening.channel,
      language: opening.language,
      anonymous: opening.anonymous,
      reachable,
      sensitive: false,
      category: null,
      severity: null,
      admissible: null,
      assignee: null,
      responsible: null,
      receivedAt: opening.receivedAt,
      // a suggestion, information request or positive feedback has its short path's deadlines.
      deadlines: deadlinesAtReceipt(rt.config, opening.kind, opening.receivedAt),
      // Issue 12: the case keeps this calendar for all its deadlines, whatever is pushed later.
      calendar: pinCalendar(rt.config, rt.configVersion ?? 0, opening.receivedAt),
      overdue: [],
      met: {},
      completedAt: {},
      flags: [...new Set(opening.flags ?? [])],
      reminders: {},
      appeals: 0,
      appealExtensions: 0,
      appealOutcome: null,
      attachments: content.attachments.length,
      closedAt: null,
      ...(opening.followUp ? { followUp: true } : {}),
    },
    content: opening.anonymous ? { ...content, complainant: null } : content,
  });
  await startWorkflow(result.reference);
  return result;
}

/** Starts the case's execution; a retry after a crash finds the one already started. */
export async function startWorkflow(
  reference: string,
  input: Record<string, unknown> = {},
  name = reference,
) {
  const stateMachineArn = requireEnv("STATE_MACHINE_ARN");
  try {
    await sfn().send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ reference, ...input }) }),
    );
  } catch (error) {
    if ((error as Error).name !== "ExecutionAlreadyExists") throw error;
    // Same name, different input: only acceptable if that execution is this case's.
    const arn = `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
    const existing = await sfn().send(new DescribeExecutionCommand({ executionArn: arn }));
    const existingRef = existing.input
      ? (JSON.parse(existing.input) as { reference?: string }).reference
      : undefined;
    if (existingRef !== reference) throw error;
  }
}
