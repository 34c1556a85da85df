// Listing cases, one home for the staff API (GET /api/complaints) and the console (GET /console/cases): the
// query's fields and their validation, which index a filter maps to, what a viewer may filter on, and the
// continuation. Every list reads one index partition at a time (never a Scan, never the whole filtered set):
// - `status` → byStatus (`needs-attention`: the open cases flagged so, issue 12); no status but `assignee` → byAssignee (open cases); `from`/`to` → byPeriod, month by
//   month; otherwise the open cases by next deadline (byDeadline).
// - kind, channel, category, flags, overdue: a DynamoDB filter on the index (the attributes it projects, issue 18);
//   status and assignee, which the indexes do not hold: tested on the status records the page reads.
// - category and assignee match only cases whose details the viewer may see (access.ts), so a filter never
//   reveals what the case page would not.
// - `q`: a reference goes straight to that case; text (coordinator only) is searched in the content of at most
//   TEXT_BUDGET cases per request, then `next` continues the search (no silent cap).
// `next` is opaque: base64url JSON of the month (byPeriod) and the index position.
import * as z from "zod";
import { type Access, accessTo, triageOfficers, type Viewer } from "../domain/access.ts";
import { type CaseContent, type CaseRecord, CHANNELS, KINDS, STATUSES } from "../domain/complaint.ts";
import { REFERENCE_PATTERN } from "../domain/vocabulary.ts";
import { InvalidPageTokenError } from "../errors.ts";
import type { Runtime } from "../lib/runtime.ts";
import type { ListFilter, ListSource, PageToken } from "../store/complaint-store.ts";

export const LIST_PAGE_DEFAULT = 100;
export const LIST_PAGE_MAX = 500;
/** Cases whose content one text-search request reads at most. */
export const TEXT_BUDGET = 200;
/** Index entries one filtered request reads at most (then `next` continues). */
const READ_BUDGET = 2000;
const EARLIEST = "2000-01-01";

const LIST_STATUSES = [...STATUSES, "needs-attention"] as const;
const day = z.iso.date("must be a date YYYY-MM-DD");

/** The query of a case list (both surfaces); strict: an unknown field is refused. */
export const listQuerySchema = z
  .strictObject({
    // Issue 12: `needs-attention` lists the open cases waiting for a coordinator action.
    status: z.enum(LIST_STATUSES, `must be one of ${LIST_STATUSES.join(", ")}`).optional(),
    kind: z.enum(KINDS, `must be one of ${KINDS.join(", ")}`).optional(),
    channel: z.enum(CHANNELS, `must be one of ${CHANNELS.join(", ")}`).optional(),
    category: z.string().max(100).optional(),
    assignee: z.email("must be a staff address").max(254).toLowerCase().optional(),
    overdue: z.enum(["true", "false"], "must be true or false").optional(),
    from: day.optional(),
    to: day.optional(),
    q: z.string().trim().max(200, "at most 200 characters").optional(),
    limit: z.coerce
      .number("must be a number")
      .int("must be a whole number")
      .min(1, "at least 1")
      .max(LIST_PAGE_MAX, `at most ${LIST_PAGE_MAX}`)
      .default(LIST_PAGE_DEFAULT),
    next: z.string().max(2000, "not a continuation token").optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ["to"], message: "must not be before from" });

export type ListQuery = z.output<typeof listQuerySchema>;

/** Empty strings are absent fields (an HTML form sends every field). */
export function cleanQuery(raw: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v.trim() !== ""));
}

export type ListResult =
  | {
      ok: true;
      records: Array<{ record: CaseRecord; access: Access }>;
      next: string | null;
      searched: number;
    }
  | { ok: false; errors: Record<string, string> };

const tokenSchema = z.strictObject({
  v: z.literal(1),
  m: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional(),
  k: z.record(z.string().max(600), z.string().max(600)).optional(),
});
type Token = z.infer<typeof tokenSchema>;

function encode(token: Token): string {
  return Buffer.from(JSON.stringify(token), "utf8").toString("base64url");
}

function decode(text: string): Token | null {
  try {
    const parsed = tokenSchema.safeParse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const BAD_TOKEN = { next: "not a continuation token of this list" };

/** The months from `to` back to `from` (newest first), YYYY-MM. */
function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const cursor = new Date(`${to.slice(0, 7)}-01T00:00:00Z`);
  while (cursor.toISOString().slice(0, 7) >= from.slice(0, 7)) {
    out.push(cursor.toISOString().slice(0, 7));
    cursor.setUTCMonth(cursor.getUTCMonth() - 1);
  }
  return out;
}

function textMatches(content: CaseContent, needle: string): boolean {
  const fields = [
    content.subject,
    content.description,
    content.service,
    content.personsConcerned,
    content.expectations,
    content.complainant?.name,
    content.complainant?.email,
    content.complainant?.phone,
    content.representative?.name,
  ];
  return fields.some((f) => typeof f === "string" && f.toLowerCase().includes(needle));
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * One page of the list for `viewer`. `newestFirst`: by status and by period, the most recent first (the
 * console); the staff API keeps oldest first. The open cases are always by next deadline.
 */
export async function listCases(
  rt: Runtime,
  viewer: Viewer,
  query: ListQuery,
  options: { newestFirst?: boolean } = {},
): Promise<ListResult> {
  const officers = triageOfficers(rt.config);
  const accessOf = (record: CaseRecord) => accessTo(viewer, record, officers);
  if (query.category && !rt.config.categories.some((c) => c.id === query.category))
    return { ok: false, errors: { category: "not a category of the configuration" } };
  const text = query.q ?? "";
  const reference = text.toUpperCase();
  const byReference = text !== "" && REFERENCE_PATTERN.test(reference);
  if (text && !byReference && viewer.audience !== "coordinator")
    return { ok: false, errors: { q: "text search is for the coordinator; search by reference" } };

  if (byReference) {
    const record = await rt.store.get(reference);
    return {
      ok: true,
      records: record ? [{ record, access: accessOf(record) }] : [],
      next: null,
      searched: record ? 1 : 0,
    };
  }

  const token = query.next === undefined ? undefined : decode(query.next);
  if (token === null) return { ok: false, errors: BAD_TOKEN };

  // The DynamoDB filter: the fields the index projects (table-design.ts LIST_ATTRIBUTES) and does not already
  // select by its key; status and assignee are tested on the records (`match`).
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const equal = (field: string, value: string | undefined) => {
    if (value === undefined) return;
    conditions.push(`#${field} = :${field}`);
    names[`#${field}`] = field;
    values[`:${field}`] = value;
  };
  const periodic = query.from !== undefined || query.to !== undefined;
  const source = (month?: string): ListSource => {
    const newestFirst = options.newestFirst ?? false;
    if (periodic && month) {
      const from = query.from ?? EARLIEST;
      return {
        by: "month",
        month,
        newestFirst,
        ...(from.slice(0, 7) === month ? { from } : {}),
        ...(query.to && query.to.slice(0, 7) === month ? { to: query.to } : {}),
      };
    }
    if (query.status && query.status !== "needs-attention")
      return { by: "status", status: query.status, newestFirst };
    if (query.assignee) return { by: "assignee", address: query.assignee, newestFirst };
    return { by: "open" };
  };
  const first = source(periodic ? (query.to ?? rt.now().toISOString().slice(0, 10)).slice(0, 7) : undefined);
  const tests: Array<(record: CaseRecord) => boolean> = [];
  if (query.status === "needs-attention") {
    conditions.push("contains(flags, :flag)");
    values[":flag"] = "needs-attention";
    tests.push((r) => r.status !== "closed");
  } else if (first.by !== "status" && query.status !== undefined) {
    const status = query.status;
    tests.push((r) => r.status === status);
  }
  if (first.by !== "assignee" && query.assignee !== undefined) {
    const assignee = query.assignee;
    tests.push((r) => r.assignee === assignee);
  }
  const match = tests.length > 0 ? (r: CaseRecord) => tests.every((test) => test(r)) : undefined;
  equal("kind", query.kind);
  equal("channel", query.channel);
  equal("category", query.category);
  if (query.overdue === "true") {
    conditions.push("size(overdue) > :none");
    values[":none"] = 0;
  }
  const filter: ListFilter | undefined = conditions.length
    ? { expression: conditions.join(" AND "), names, values }
    : undefined;
  // Without names, `size(overdue)` still needs the values only.
  if (filter && Object.keys(names).length === 0) delete filter.names;

  const needle = text.toLowerCase();
  const visibleOnly = query.category !== undefined || query.assignee !== undefined;
  const keep = async (records: CaseRecord[]): Promise<boolean[]> => {
    const visible = records.map((r) => !visibleOnly || accessOf(r).details);
    if (!needle) return visible;
    return mapLimit(records, 8, async (r) =>
      textMatches(await rt.store.getContent(r.reference), needle),
    ).then((hits) => hits.map((hit, i) => hit && (visible[i] as boolean)));
  };
  const budget = needle ? TEXT_BUDGET : READ_BUDGET;

  const months: Array<string | undefined> = periodic
    ? monthsBetween(query.from ?? EARLIEST, query.to ?? rt.now().toISOString().slice(0, 10))
    : [undefined];
  let position = 0;
  if (periodic && token?.m) {
    position = months.indexOf(token.m);
    if (position === -1) return { ok: false, errors: BAD_TOKEN };
  } else if (periodic !== (token?.m !== undefined) && token) return { ok: false, errors: BAD_TOKEN };

  const out: CaseRecord[] = [];
  let after: PageToken | undefined = token?.k;
  let read = 0;
  let searched = 0;
  for (; position < months.length; position++) {
    let page: Awaited<ReturnType<Runtime["store"]["listPage"]>>;
    try {
      page = await rt.store.listPage({
        source: source(months[position]),
        limit: query.limit - out.length,
        budget: Math.max(1, budget - read),
        after,
        filter,
        match,
        keep,
      });
    } catch (error) {
      if (error instanceof InvalidPageTokenError) return { ok: false, errors: BAD_TOKEN };
      throw error;
    }
    out.push(...page.records);
    // An empty month partition still costs a query: count it, so a long period cannot loop unbounded.
    read += Math.max(1, page.read);
    searched += page.read;
    after = undefined;
    const month = months[position];
    if (page.next) {
      return done(out, encode({ v: 1, ...(month ? { m: month } : {}), k: page.next }), searched);
    }
    const following = months[position + 1];
    if (following && (out.length >= query.limit || read >= budget))
      return done(out, encode({ v: 1, m: following }), searched);
  }
  return done(out, null, searched);

  function done(records: CaseRecord[], next: string | null, count: number): ListResult {
    return {
      ok: true,
      records: records.map((record) => ({ record, access: accessOf(record) })),
      next,
      searched: count,
    };
  }
}
