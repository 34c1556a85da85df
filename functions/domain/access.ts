// Who sees what, the one rule (CONTRACT.md "Staff console" and "Staff API"), used by the staff API, the console
// and the complaint views alike. Pure: no AWS.
// - The coordinator sees everything.
// - H-D1: a sensitive case keeps its details with the person responsible for it ("les détails de la procédure
//   sont gardés par la personne responsable assignée au cas") and the handler it is assigned to (H-C2, H-C3:
//   the handler investigates and contacts the complainant). Every other staff member sees its status only.
// - An untriaged case (no category decided yet) counts as sensitive: nobody has yet decided it is not (a
//   sexual-abuse report reads like any other complaint until triage). The triage officers read it to triage it
//   (H-B1).
// - A case triaged as not sensitive: every staff member sees its details (the general-staff view).
// - H-D1: the investigation's details of a sensitive case (risks, contact note, progress notes, measures, the
//   response text) are not kept in the shared records at all but in a private item (complaint.ts
//   caseDetailsSchema) that only the responsible person and the handler read; the coordinator too only when the
//   organisation says so (`sensitiveDetails.coordinator`). Of a case triaged as not sensitive, whoever reads
//   the details reads the investigation.
// - The complainant's and representative's contact details (email, phone, address): only those who must
//   contact them, the coordinator, the responsible person and the assigned handler (H-C3, T-8, R-10).
import type { CaseRecord } from "./complaint.ts";
import type { OrgConfig } from "./config.ts";
import { holdersOf } from "./routing.ts";

export type Audience = "coordinator" | "staff";

export interface Viewer {
  /** The staff address (any case; compared lower-cased). */
  email: string;
  audience: Audience;
}

export type AccessCase = Pick<CaseRecord, "sensitive" | "category" | "assignee" | "responsible"> &
  Partial<Pick<CaseRecord, "handler" | "appealHandler">>;

/** What a viewer may see of one case. */
export interface Access {
  /** The case counts as sensitive (H-D1, untriaged included): views are recorded, a warning is shown. */
  restricted: boolean;
  /** Content, timeline, triage, assignment, attachments; false: status and deadlines only. */
  details: boolean;
  /** The complainant's and representative's email, phone and address. */
  contact: boolean;
  /** H-D1: the investigation's details (risks, contact note, progress, measures, response text). */
  investigation: boolean;
}

/** H-D1: where a case's investigation details go: the private item while it counts as sensitive. */
export function keepsDetailsPrivate(record: Pick<CaseRecord, "sensitive" | "category">): boolean {
  return restricted(record);
}

/**
 * What a task page shows its actor of the investigation: everything of a case that is not sensitive; of a
 * sensitive one, the keepers (H-D1) and the appeal officer deciding an appeal, who reviews every step, result
 * and measure taken (H-E2).
 */
export function taskShowsInvestigation(record: AccessCase, step: string, actor: string): boolean {
  return !restricted(record) || keepsDetails(record, actor) || step === "appeal-decision";
}

/** H-D1: the people who keep a sensitive case's details: the responsible person and the handler. */
export function keepsDetails(record: AccessCase, email: string): boolean {
  return same(record.responsible, email) || same(record.handler, email);
}

/** Sensitive, or not yet triaged (triage always sets the category, so "no category" is "not triaged"). */
export function restricted(record: Pick<CaseRecord, "sensitive" | "category">): boolean {
  return record.sensitive || record.category === null;
}

const same = (a: string | null | undefined, b: string) => !!a && a.toLowerCase() === b.toLowerCase();

/**
 * H-B3, H-C2, H-D1: the people the procedure names for this case, the responsible person and the assignee; H-E2:
 * the member handling its appeal, who keeps the complainant informed (the case and its contact details, not the
 * private investigation).
 */
export function namedFor(
  record: Pick<CaseRecord, "assignee" | "responsible"> & Partial<Pick<CaseRecord, "appealHandler">>,
  email: string,
): boolean {
  return same(record.responsible, email) || same(record.assignee, email) || same(record.appealHandler, email);
}

/**
 * H-B1: the staff who triage: the holders of the config's triage role and those it triages with (the
 * supervisor, `steps.triageCopy`), whom the procedure names for an untriaged case.
 */
export function triageOfficers(config: OrgConfig): string[] {
  const roles = [config.steps.triage, ...config.steps.triageCopy];
  return [...new Set(roles.flatMap((role) => holdersOf(config, role).map((member) => member.address)))];
}

/**
 * The rule. `officers` are the triage officers (triageOfficers(config)); passed in so a list of cases computes
 * them once.
 */
export function accessTo(
  viewer: Viewer,
  record: AccessCase,
  officers: readonly string[],
  coordinatorReadsDetails = false,
): Access {
  const isRestricted = restricted(record);
  // H-D1: of a sensitive case only the people who keep its details read them (the coordinator if configured).
  const keeper = keepsDetails(record, viewer.email);
  if (viewer.audience === "coordinator")
    return {
      restricted: isRestricted,
      details: true,
      contact: true,
      investigation: !isRestricted || coordinatorReadsDetails || keeper,
    };
  const named = namedFor(record, viewer.email);
  const details =
    named ||
    keeper ||
    !isRestricted ||
    (record.category === null && officers.some((officer) => same(officer, viewer.email)));
  return {
    restricted: isRestricted,
    details,
    contact: named || keeper,
    investigation: isRestricted ? keeper : details,
  };
}

export function accessFor(config: OrgConfig, viewer: Viewer, record: AccessCase): Access {
  return accessTo(viewer, record, triageOfficers(config), config.sensitiveDetails.coordinator);
}
