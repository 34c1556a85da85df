// What every email about a case starts from: its reference and kind, the organisation's name and time zone.
import type { CaseRecord } from "../domain/complaint.ts";
import type { OrgConfig } from "../domain/config.ts";

export function caseEmailBase(
  config: Pick<OrgConfig, "organisation">,
  record: Pick<CaseRecord, "reference" | "kind">,
) {
  return {
    reference: record.reference,
    organisation: config.organisation.name,
    timeZone: config.organisation.timeZone,
    kind: record.kind,
  };
}
