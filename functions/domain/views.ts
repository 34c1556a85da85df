// The complaint view of CONTRACT.md, full and status-only (H-D1: for a sensitive case general staff
// see only the status; the status-only view is built from the status record alone, never the content).
import type { CaseContent, CaseRecord, DeadlineStep, TimelineEvent } from "./complaint.ts";

/** The deadlines shown on the view (CONTRACT.md); internal step deadlines stay internal. */
const VIEW_DEADLINES = ["acknowledge", "contact", "respond", "appealWindowEnds", "appealDecision"] as const;

export interface StatusView {
  reference: string;
  kind: CaseRecord["kind"];
  status: CaseRecord["status"];
  closure: CaseRecord["closure"];
  sensitive: boolean;
  receivedAt: string;
  deadlines: Partial<Record<(typeof VIEW_DEADLINES)[number], string>>;
  overdue: DeadlineStep[];
}

export interface FullView extends StatusView {
  channel: CaseRecord["channel"];
  language: CaseRecord["language"];
  anonymous: boolean;
  category: string | null;
  severity: CaseRecord["severity"];
  admissible: boolean | null;
  assignee: string | null;
  responsible: string | null;
  flags: CaseRecord["flags"];
  appeals: number;
  attachments: CaseContent["attachments"];
  timeline: Array<{ at: string; type: TimelineEvent["type"]; actor: string; detail?: string }>;
  description: string;
  subject: string;
  complainant: CaseContent["complainant"];
  representative: CaseContent["representative"];
}

export function statusView(record: CaseRecord): StatusView {
  const deadlines: StatusView["deadlines"] = {};
  for (const step of VIEW_DEADLINES) {
    const at = record.deadlines[step];
    if (at) deadlines[step] = at;
  }
  return {
    reference: record.reference,
    kind: record.kind,
    status: record.status,
    closure: record.closure,
    sensitive: record.sensitive,
    receivedAt: record.receivedAt,
    deadlines,
    overdue: [...record.overdue],
  };
}

export function fullView(record: CaseRecord, content: CaseContent, timeline: TimelineEvent[]): FullView {
  return {
    ...statusView(record),
    channel: record.channel,
    language: record.language,
    anonymous: record.anonymous,
    category: record.category,
    severity: record.severity,
    admissible: record.admissible,
    assignee: record.assignee,
    responsible: record.responsible,
    flags: [...record.flags],
    appeals: record.appeals,
    attachments: content.attachments,
    timeline: [...timeline]
      .sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id))
      .map(({ at, type, actor, detail }) => (detail ? { at, type, actor, detail } : { at, type, actor })),
    description: content.description,
    subject: content.subject,
    complainant: content.complainant,
    representative: content.representative,
  };
}

export type Audience = "coordinator" | "staff";

/**
 * Whether a case's details are restricted (H-D1): a sensitive case, and a case not yet triaged, since nobody
 * has yet decided it is not sensitive (a sexual-abuse report reads like any other complaint until triage).
 * Triage always sets the category, so "no category" is "not triaged".
 */
export function restricted(record: Pick<CaseRecord, "sensitive" | "category">): boolean {
  return record.sensitive || record.category === null;
}

export interface ViewerOptions {
  /** The caller's address (staff API actor), lower-cased. */
  actor?: string;
  /** Who triages (holders of the config's triage role): they read an untriaged case to triage it (H-B1). */
  triageOfficers?: readonly string[];
}

/**
 * Which view an audience gets: general staff never see a sensitive case beyond its status (H-D1), nor an
 * untriaged one unless they are its triage officer.
 */
export function mayReadDetails(
  audience: Audience,
  record: Pick<CaseRecord, "sensitive" | "category">,
  options: ViewerOptions = {},
): boolean {
  if (audience === "coordinator") return true;
  if (record.sensitive) return false;
  if (record.category !== null) return true;
  const actor = options.actor?.toLowerCase();
  return !!actor && (options.triageOfficers ?? []).some((a) => a.toLowerCase() === actor);
}

export async function viewFor(
  audience: Audience,
  record: CaseRecord,
  load: () => Promise<{ content: CaseContent; timeline: TimelineEvent[] }>,
  options: ViewerOptions = {},
): Promise<StatusView | FullView> {
  if (!mayReadDetails(audience, record, options)) return statusView(record);
  const { content, timeline } = await load();
  return fullView(record, content, timeline);
}
