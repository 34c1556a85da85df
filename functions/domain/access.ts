// Who sees what on the console (CONTRACT.md "Staff console", H-D1, T-8). Pure: no AWS.
// - The coordinator sees everything.
// - A case not yet triaged counts as sensitive: only the coordinator and the triage officer see its details.
// - A sensitive case: only the people the procedure names for it (the current actor, the responsible person)
//   see its details; other staff its status.
// - The complainant's contact details: only those who must contact them (coordinator, responsible, assignee).
import type { CaseRecord } from "./complaint.ts";
import type { OrgConfig } from "./config.ts";
import { holdersOf } from "./routing.ts";
import { type Audience, restricted } from "./views.ts";

export interface Viewer {
  email: string;
  audience: Audience;
}

/** Triage has not concluded yet: no category decided. */
export function untriaged(record: CaseRecord): boolean {
  return record.category === null && record.status !== "closed";
}

/** Sensitive for the console's purpose: a sensitive category, or not yet triaged (views.ts, H-D1). */
export function treatedAsSensitive(record: CaseRecord): boolean {
  return restricted(record);
}

function named(record: CaseRecord, email: string): boolean {
  return record.assignee === email || record.responsible === email;
}

export function canSeeDetails(config: OrgConfig, viewer: Viewer, record: CaseRecord): boolean {
  if (viewer.audience === "coordinator") return true;
  if (named(record, viewer.email)) return true;
  if (untriaged(record))
    return holdersOf(config, config.steps.triage).some((member) => member.address === viewer.email);
  return !record.sensitive;
}

export function canSeeContact(viewer: Viewer, record: CaseRecord): boolean {
  return viewer.audience === "coordinator" || named(record, viewer.email);
}
