// Where a stopped case picks up again (the local stack after a restart; an operator after needs-attention):
// derived from the persisted case alone, so nothing is stranded when executions are lost.
import type { CaseContent, CaseRecord } from "../domain/complaint.ts";
import type { OrgConfig } from "../domain/config.ts";
import { type CaseFlags, caseFlags, hasContactStep, isShortPath, triagedRoute } from "../domain/procedure.ts";
import type { ResumableStep } from "../domain/vocabulary.ts";

/** Where a stopped case restarts: a resumable step of the state machine, or its first state. */
export type ResumeAt = "receive" | ResumableStep;

export interface ResumePlan {
  resumeAt: ResumeAt;
  case: CaseFlags;
}

export function resumePlan(
  config: OrgConfig,
  record: CaseRecord,
  content: Pick<CaseContent, "outcome">,
): ResumePlan | null {
  const flags = caseFlags(config, record);
  const at = (resumeAt: ResumeAt): ResumePlan => ({ resumeAt, case: flags });
  // a short path restarts at its answer, or (answered) at sending it, which closes the case.
  if (isShortPath(record.kind) && record.status !== "closed") {
    if (record.status === "received") return at(record.assignee ? "acknowledge" : "receive");
    return at(record.status === "responded" ? "send-answer" : "answer");
  }
  switch (record.status) {
    case "closed":
      return null;
    case "received":
      return at(record.assignee ? "acknowledge" : "receive");
    case "acknowledged":
      return at("triage");
    case "triage":
      // Triaged: the route it took (H-C3 (e) referral, T-4 inadmissible) or notification then assignment
      // (notify is idempotent: a notification already sent is not sent again).
      return at(answeredWithout(config, record) ?? "notify");
    case "assigned":
      if (hasContactStep(config) && record.met.contact === undefined) return at("contact");
      return at(content.outcome ? "respond" : "conclusion");
    case "investigating":
      return at(content.outcome ? "respond" : "conclusion");
    case "responded":
      if (answeredWithout(config, record)) return at(answeredWithout(config, record)!);
      // Respond is idempotent: re-entering it leads on to the appeal window or to closure.
      return at(flags.appealable && record.met.appealWindowEnds === undefined ? "appeal" : "respond");
    case "appeal":
      if (!record.appealOutcome) return at("appeal-decision");
      // H-F2: the officer's check is recorded once it is done; then only the closure remains.
      return at(record.met.closure === undefined ? "closure" : "close-after-appeal");
  }
}

/** A case triaged out of the investigation: referred (H-C3 (e)) or inadmissible (T-4). */
function answeredWithout(config: OrgConfig, record: CaseRecord): "referral" | "inadmissible" | null {
  const route = triagedRoute(config, record);
  return route === "referral" || route === "inadmissible" ? route : null;
}
