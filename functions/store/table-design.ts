// One table, shared by the CDK stack (infra/constructs/storage.ts) and the local stack / tests
// (CreateTable on DynamoDB Local), so both run the same keys and indexes.
//
// Items (pk / sk), every key built by keys.ts:
//   CASE#<ref>        / STATUS           the status record (no personal data)               H-D1
//   CASE#<ref>        / STATUS#CALENDAR  issue 12's pinned calendar, written once at receipt (issue 18: out of the
//                                        status record, which every step rewrites; read with it by one Query)
//   CASE#<ref>        / CONTENT          complainant, description, investigation details   H-D1, T-8
//   CASE#<ref>        / DETAILS          H-D1: a sensitive case's course of action, risks, notes, measures, response (private)
//   CASE#<ref>        / EVENT#<id>       one timeline event (id unique per case: idempotent writes)
//   CASE#<ref>        / OUTBOX#<key>     one outgoing email about the case (sent once)
//   CASE#<ref>        / LINKPTR#<step>   the current task link of a step (a re-issue revokes the old one)
//   CASE#<ref>        / VIEW#<at>#<who>  one opening of the case in the console (who saw what)
//   CASE#<ref>        / SUBMISSION#<id>  a decision posted on a task page, until the workflow applies it (TTL)
//   CASE#<ref>        / RECEIPT          a web case's receipt code, as a salted scrypt hash (never the code)
//   SOURCE#<id>       / SOURCE           idempotency: source id (SES messageId, Idempotency-Key) -> reference
//   SOURCE#<id>       / FILING           T-1: an oral complaint answered with filing instructions (no case)
//   SOURCE#<id>       / OUTBOX#filing-instructions   that answer's email (sent once)
//   COUNTER#<year>    / COUNTER          last case reference number allocated in that year
//   FILING#<year>     / COUNTER          last T-1 filing number of that year
//   LINK#<idHash>     / LINK             a task link (hash of its id only; TTL)
//   INBOX#<msgId>     / RECEIPT|NOISE|QUARANTINE   what became of one inbound message
//   REPORT#<kind>#<period> / OUTBOX      a scheduled report, sent once per kind and period
//   HUMANCHECK#<idHash> / HUMANCHECK     a web form's human check, spent once (TTL: the check's validity)
//   THROTTLE#<hash>   / THROTTLE         a public page's attempts in one window, by keyed hash of the address (TTL)
//   CONVERSATION#<channel>#<phoneHash> / CONVERSATION   issue 17: a number's open case on SMS/WhatsApp (TTL)
//   OPTOUT#<phoneHash> / OPTOUT          issue 17: a number that sent STOP (no SMS to it any more)
//   CONFIG            / CURRENT          issue 12: the live config in force (staff, calendar, reminders, recipients)
//   CONFIG            / VERSION#<n>      issue 12: each pushed version of it, kept unchanged
//   AGG#<timeZone>    / DAY#<YYYY-MM-DD> issue 18: report counters of the cases received that local day, moved by ADD in
//                                        each case change's own transaction (aggregate-store.ts; the count rules in
//                                        domain/report-tally.ts): no personal data; #acknowledge#<n>, #respond#<n>
//                                        (completion-time histograms by duration bin, 4 items a step), #due (what
//                                        each undecided deadline moves once its local day is over) and #late are
//                                        items apart
//   AGG#<timeZone>    / READY            issue 18: the backfill counted every older case; reports read the DAY# items
//
// Access patterns, all by GetItem or Query, never Scan (the index names of INDEXES; LEGACY_INDEXES below):
//   by reference                    Query CASE#<ref>, begins_with(sk, STATUS): the status record and its calendar
//                                   (+ CONTENT for the full view, + Query EVENT#)
//   by status                       Query byStatusV2:   gsi1pk = STATUS#<status>,  receivedAt
//   by assignee                     Query byAssigneeV2: gsi2pk = ASSIGNEE#<addr> (open cases), receivedAt (by receipt: a
//                                   key on the next deadline was rewritten at every step; the store puts one person's
//                                   open cases in deadline order itself)
//   open cases by next deadline     Query byDeadlineV2: gsi3pk = OPEN (sparse: removed on closure), gsi3sk = <nextDeadline>#<ref>
//   a period's report counters      Query AGG#<timeZone>, sk BETWEEN DAY#<from> AND DAY#<to>~ (≤ 366 days a year)
//   the pending list's count        Query byDeadlineV2 Select COUNT, gsi3sk < the report's day (no record read)
//   cases by period (reports)       Query byPeriodV2:   gsi4pk = RECEIVED#<YYYY-MM>, receivedAt
//   inbound mail with no case       Query byStatusV2:   gsi1pk = INBOX#NOISE|INBOX#QUARANTINE, receivedAt
//                                   (gsi1sk = <receivedAt>#<msgId> for the old byStatus index)
// Issue 18: an index holds its keys, the table's keys and LIST_ATTRIBUTES only (INCLUDE), so an index item is one
// write unit and a status-record write that changes neither its keys nor those attributes writes nothing to it.
// A query that needs whole records reads them from the table by BatchGetItem (complaint-store.ts). The new indexes
// sort on receivedAt and gsi3sk, which the record holds anyway, so the copies gsi1sk, gsi2sk and gsi4sk that the
// old indexes sorted on are written only while those are read (complaint-store.ts indexAttributes). Every key
// attribute is a string wherever it appears, receivedAt included (an item holding it as another type could not
// be written).
export const TABLE_KEYS = { partitionKey: "pk", sortKey: "sk" } as const;
export const TTL_ATTRIBUTE = "expiresAt";

/**
 * What the list filters of the console and the staff API test on the index (functions/api/case-list.ts), besides
 * the index's own key. Status and assignee are left out on purpose: they change at almost every step, and
 * projecting them would rewrite every index at every step; the lists test them on the records read by BatchGet.
 */
export const LIST_ATTRIBUTES = ["kind", "channel", "category", "flags", "overdue"] as const;

/** Which listing an index serves (the store picks the index of a role from the set in force). */
export type IndexRole = "status" | "assignee" | "deadline" | "period";

export interface IndexDesign {
  readonly name: string;
  readonly role: IndexRole;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** ALL, or the non-key attributes projected (INCLUDE). */
  readonly projection: "ALL" | readonly string[];
}

export const INDEXES = [
  {
    name: "byStatusV2",
    role: "status",
    partitionKey: "gsi1pk",
    sortKey: "receivedAt",
    projection: LIST_ATTRIBUTES,
  },
  {
    name: "byAssigneeV2",
    role: "assignee",
    partitionKey: "gsi2pk",
    sortKey: "receivedAt",
    projection: LIST_ATTRIBUTES,
  },
  {
    name: "byDeadlineV2",
    role: "deadline",
    partitionKey: "gsi3pk",
    sortKey: "gsi3sk",
    projection: LIST_ATTRIBUTES,
  },
  {
    name: "byPeriodV2",
    role: "period",
    partitionKey: "gsi4pk",
    sortKey: "receivedAt",
    projection: LIST_ATTRIBUTES,
  },
] as const satisfies readonly IndexDesign[];

/**
 * The indexes released before issue 18, projecting ALL (each status-record write rewrote a 2-unit item in all
 * four). CloudFormation cannot change an index's projection, so they live on under their names until a deployed
 * table has gone through INDEX_STAGES; then they are gone.
 */
export const LEGACY_INDEXES = [
  { name: "byStatus", role: "status", partitionKey: "gsi1pk", sortKey: "gsi1sk", projection: "ALL" },
  { name: "byAssignee", role: "assignee", partitionKey: "gsi2pk", sortKey: "gsi2sk", projection: "ALL" },
  { name: "byDeadline", role: "deadline", partitionKey: "gsi3pk", sortKey: "gsi3sk", projection: "ALL" },
  { name: "byPeriod", role: "period", partitionKey: "gsi4pk", sortKey: "gsi4sk", projection: "ALL" },
] as const satisfies readonly IndexDesign[];

export type IndexName = (typeof INDEXES)[number]["name"] | (typeof LEGACY_INDEXES)[number]["name"];
/** Which index set the code queries: the one every stage from INDEX_SWITCH_STAGE on has whole. */
export type IndexSet = "legacy" | "current";

export interface IndexStage {
  readonly indexes: readonly IndexDesign[];
  readonly reads: IndexSet;
  /** What this deploy does to a table coming from the previous stage (deploy checklist, README). */
  readonly step: string;
}

function buildStages(): IndexStage[] {
  const stages: IndexStage[] = [
    { indexes: LEGACY_INDEXES, reads: "legacy", step: "the table as released before issue 18" },
  ];
  // CloudFormation adds or deletes at most one GSI per stack update: one per deploy, new ones first.
  for (let i = 1; i <= INDEXES.length; i++)
    stages.push({
      indexes: [...LEGACY_INDEXES, ...INDEXES.slice(0, i)],
      reads: "legacy",
      step: `creates ${INDEXES[i - 1]?.name} (DynamoDB fills it from the table); the code still reads the old indexes`,
    });
  // The code switches in a deploy of its own: the last new index is ACTIVE (filled) before anything reads it.
  stages.push({
    indexes: [...LEGACY_INDEXES, ...INDEXES],
    reads: "current",
    step: "the code reads the new indexes; no index changes",
  });
  for (let i = 1; i <= LEGACY_INDEXES.length; i++)
    stages.push({
      indexes: [...LEGACY_INDEXES.slice(i), ...INDEXES],
      reads: "current",
      step: `deletes ${LEGACY_INDEXES[i - 1]?.name}`,
    });
  return stages;
}

/**
 * The staged upgrade of a deployed table (CDK context `cfm:indexStage`, README deploy checklist): stage 0 is the
 * table as released, each later stage differs from the one before by at most one index, and the last is the
 * design (INDEXES only), which a new installation gets directly.
 */
export const INDEX_STAGES: readonly IndexStage[] = buildStages();
export const FINAL_INDEX_STAGE = INDEX_STAGES.length - 1;
/** Set to "legacy" on every function at the stages that read LEGACY_INDEXES (infra/cfm-stack.ts). */
export const INDEX_SET_ENV = "CFM_INDEX_SET";
/** The first stage whose code reads INDEXES. */
export const INDEX_SWITCH_STAGE = INDEX_STAGES.findIndex((stage) => stage.reads === "current");

/** The index of `role` in a set. */
export function indexFor(role: IndexRole, set: IndexSet = "current"): IndexDesign {
  const index = (set === "current" ? INDEXES : LEGACY_INDEXES).find((i) => i.role === role);
  if (!index) throw new Error(`no ${role} index`);
  return index;
}

/** CreateTable input for DynamoDB Local (on-demand billing); the design's indexes unless a stage is named. */
export function createTableInput(tableName: string, stage: number = FINAL_INDEX_STAGE) {
  const indexes = INDEX_STAGES[stage]?.indexes;
  if (!indexes) throw new Error(`no index stage ${stage} (0 to ${FINAL_INDEX_STAGE})`);
  const attributes = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey]);
  for (const index of indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST" as const,
    AttributeDefinitions: [...attributes].map((name) => ({
      AttributeName: name,
      AttributeType: "S" as const,
    })),
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: "HASH" as const },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: "RANGE" as const },
    ],
    GlobalSecondaryIndexes: indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: "HASH" as const },
        { AttributeName: index.sortKey, KeyType: "RANGE" as const },
      ],
      Projection:
        index.projection === "ALL"
          ? { ProjectionType: "ALL" as const }
          : { ProjectionType: "INCLUDE" as const, NonKeyAttributes: [...index.projection] },
    })),
  };
}
