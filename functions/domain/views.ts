// The complaint view of CONTRACT.md, full and status-only (H-D1: for a sensitive case general staff
// see only the status; the status-only view is built from the status record alone, never the content).
import { accessTo, type Viewer } from "./access.ts";
import {
  type CaseContent,
  type CaseDetails,
  type CaseRecord,
  type DeadlineStep,
  type Investigation,
  investigationOf,
  type TimelineEvent,
} from "./complaint.ts";

export type { Audience, Viewer } from "./access.ts";

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
  /**
   * H-D1: risks, contact note, progress notes, measures (internal), the text for the complainant: only for
   * those access.ts lets read them (of a sensitive case, the responsible person and the handler).
   */
  investigation?: Investigation;
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

/** A person without their email, phone and address (the name stays: staff handling the case need it). */
function withoutContact<T extends { name?: string | undefined } | null>(person: T): T {
  if (!person) return person;
  const {
    email: _e,
    phone: _p,
    address: _a,
    ...rest
  } = person as T & {
    email?: string;
    phone?: string;
    address?: string;
  };
  return rest as T;
}

/** `contact` false: the complainant's and representative's contact details are left out (access.ts). */
export function fullView(
  record: CaseRecord,
  content: CaseContent,
  timeline: TimelineEvent[],
  contact = true,
): FullView {
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
    complainant: contact ? content.complainant : withoutContact(content.complainant),
    representative: contact ? content.representative : withoutContact(content.representative),
  };
}

/**
 * The view the viewer is entitled to (access.ts, the one rule): the status view, built without reading the
 * content, or the full view, without contact details for those who need not contact the complainant.
 */
export async function viewFor(
  viewer: Viewer,
  record: CaseRecord,
  load: () => Promise<{ content: CaseContent; timeline: TimelineEvent[] }>,
  triageOfficers: readonly string[] = [],
  privateDetails: { load: () => Promise<CaseDetails>; coordinatorReads?: boolean } | null = null,
): Promise<StatusView | FullView> {
  const access = accessTo(viewer, record, triageOfficers, privateDetails?.coordinatorReads ?? false);
  if (!access.details) return statusView(record);
  const { content, timeline } = await load();
  const view = fullView(record, content, timeline, access.contact);
  // H-D1: the private item is read only for those who keep the case's details.
  if (!access.investigation) return view;
  const details = privateDetails ? await privateDetails.load() : null;
  return { ...view, investigation: investigationOf(content, details) };
}
