// Where a stopped case picks up again (the local stack after a restart; an operator after needs-attention):
// derived from the persisted case alone, so nothing is stranded when executions are lost.
import type { CaseContent, CaseRecord } from "../domain/complaint.ts";
import type { OrgConfig } from "../domain/config.ts";

export type ResumeAt =
  | "receive"
  | "acknowledge"
  | "triage"
  | "assignment"
  | "contact"
  | "conclusion"
  | "respond"
  | "appeal"
  | "appeal-decision"
  | "closure";

export interface ResumePlan {
  resumeAt: ResumeAt;
  case: { reachable: boolean; contact: boolean; appealable: boolean };
}

export function resumePlan(
  config: OrgConfig,
  record: CaseRecord,
  content: Pick<CaseContent, "outcome">,
): ResumePlan | null {
  const flags = {
    reachable: record.reachable,
    contact: config.deadlines.contact !== undefined,
    appealable: record.reachable && config.appeals.max > 0,
  };
  const at = (resumeAt: ResumeAt): ResumePlan => ({ resumeAt, case: flags });
  switch (record.status) {
    case "closed":
      return null;
    case "received":
      return at(record.assignee ? "acknowledge" : "receive");
    case "acknowledged":
      return at("triage");
    case "triage":
      return at("assignment");
    case "assigned":
      if (flags.contact && record.met.contact === undefined) return at("contact");
      return at(content.outcome ? "respond" : "conclusion");
    case "investigating":
      return at(content.outcome ? "respond" : "conclusion");
    case "responded":
      // Respond is idempotent: re-entering it leads on to the appeal window or to closure.
      return at(flags.appealable && record.met.appealWindowEnds === undefined ? "appeal" : "respond");
    case "appeal":
      return at(record.appealOutcome ? "closure" : "appeal-decision");
  }
}
