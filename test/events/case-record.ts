// A complete, valid status record with neutral defaults, for tests that need one (override what matters).
import type { CaseRecord } from "../../functions/domain/complaint.ts";

export function caseRecord(overrides: Partial<CaseRecord> = {}): CaseRecord {
  const receivedAt = overrides.receivedAt ?? "2026-03-02T09:00:00.000Z";
  return {
    reference: "CFM-2026-000001",
    sourceId: `fixture-${overrides.reference ?? "CFM-2026-000001"}`,
    kind: "complaint",
    status: "received",
    closure: null,
    channel: "email",
    language: "fr",
    anonymous: false,
    reachable: true,
    sensitive: false,
    category: null,
    severity: null,
    admissible: null,
    assignee: null,
    responsible: null,
    receivedAt,
    deadlines: {},
    overdue: [],
    met: {},
    completedAt: {},
    flags: [],
    reminders: {},
    appeals: 0,
    appealExtensions: 0,
    appealOutcome: null,
    attachments: 0,
    closedAt: null,
    version: 1,
    updatedAt: receivedAt,
    ...overrides,
  };
}
