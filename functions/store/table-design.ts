// One table, shared by the CDK stack (infra/constructs/storage.ts) and the local stack / tests
// (CreateTable on DynamoDB Local), so both run the same keys and indexes.
//
// Items (pk / sk), every key built by keys.ts:
//   CASE#<ref>        / STATUS           the status record (no personal data)               H-D1
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
//                                        domain/report-tally.ts), and the references of its late cases: no personal data
//   AGG#<timeZone>    / READY            issue 18: the backfill counted every older case; reports read the DAY# items
//
// Access patterns, all by GetItem or Query, never Scan:
//   by reference                    GetItem CASE#<ref>/STATUS (+ CONTENT for the full view, + Query EVENT#)
//   by status                       Query byStatus:   gsi1pk = STATUS#<status>,  gsi1sk = <receivedAt>#<ref>
//   inbound mail with no case       Query byStatus:   gsi1pk = INBOX#NOISE|INBOX#QUARANTINE, gsi1sk = <receivedAt>#<msgId>
//   by assignee                     Query byAssignee: gsi2pk = ASSIGNEE#<addr>,  gsi2sk = <nextDeadline>#<ref>
//   open cases by next deadline     Query byDeadline: gsi3pk = OPEN (sparse: removed on closure), gsi3sk = <nextDeadline>#<ref>
//   a period's report counters      Query AGG#<timeZone>, sk BETWEEN DAY#<from> AND DAY#<to> (≤ 366 items a year)
//   cases by period (reports)       Query byPeriod:   gsi4pk = RECEIVED#<YYYY-MM>, gsi4sk = <receivedAt>#<ref>
export const TABLE_KEYS = { partitionKey: "pk", sortKey: "sk" } as const;
export const TTL_ATTRIBUTE = "expiresAt";

export const INDEXES = [
  { name: "byStatus", partitionKey: "gsi1pk", sortKey: "gsi1sk" },
  { name: "byAssignee", partitionKey: "gsi2pk", sortKey: "gsi2sk" },
  { name: "byDeadline", partitionKey: "gsi3pk", sortKey: "gsi3sk" },
  { name: "byPeriod", partitionKey: "gsi4pk", sortKey: "gsi4sk" },
] as const;
export type IndexName = (typeof INDEXES)[number]["name"];

/** CreateTable input for DynamoDB Local (on-demand billing, all attributes projected). */
export function createTableInput(tableName: string) {
  const attributes = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey]);
  for (const index of INDEXES) {
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
    GlobalSecondaryIndexes: INDEXES.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: "HASH" as const },
        { AttributeName: index.sortKey, KeyType: "RANGE" as const },
      ],
      Projection: { ProjectionType: "ALL" as const },
    })),
  };
}
