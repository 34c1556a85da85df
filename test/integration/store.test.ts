// The complaint store against DynamoDB Local (real transactions and conditional writes).
import { randomUUID } from "node:crypto";
import { type ConsumedCapacity, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyContent } from "../../functions/domain/complaint.ts";
import { statusView } from "../../functions/domain/views.ts";
import {
  ComplaintStore,
  type NewCase,
  StoreValidationError,
  VersionConflictError,
} from "../../functions/store/complaint-store.ts";
import { inboxStore } from "../../functions/store/inbox-store.ts";
import { keys } from "../../functions/store/keys.ts";
import { indexFor, LIST_ATTRIBUTES } from "../../functions/store/table-design.ts";
import {
  type DynamoDbLocal,
  ensureTable,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamoDbLocal,
} from "../../local/dynamodb-local.ts";
import { caseRecord } from "../events/case-record.ts";
import { freshTable } from "../helpers/dynamo.ts";

function newCase(sourceId: string, overrides: Partial<NewCase["record"]> = {}): NewCase {
  const { reference: _r, ...content } = emptyContent("CFM-2026-000000");
  return {
    sourceId,
    actor: "officer@example.org",
    record: (({ reference: _ref, sourceId: _src, version: _v, updatedAt: _u, ...record }) => record)(
      caseRecord({
        deadlines: { acknowledge: "2026-03-09T09:00:00.000Z", respond: "2026-04-13T09:00:00.000Z" },
        ...overrides,
      }),
    ),
    content: {
      ...content,
      complainant: { name: "Aïssata Traoré", email: "aissata@example.net" },
      subject: "Distribution à Kati",
      description: "Les bons d'achat n'ont pas été distribués.",
    },
  };
}

describe("complaint store on DynamoDB Local", () => {
  let store: ComplaintStore;
  let table: Awaited<ReturnType<typeof freshTable>>;
  beforeAll(async () => {
    table = await freshTable();
    store = new ComplaintStore(table.doc, table.tableName);
  });

  it("allocates 50 distinct, consecutive references under concurrency", async () => {
    // Arrange: a separate year so this test owns its counter.
    const inputs = Array.from({ length: 50 }, (_, i) =>
      newCase(`concurrent-${i}`, { receivedAt: "2031-05-01T10:00:00.000Z" }),
    );
    // Act
    const results = await Promise.all(inputs.map((input) => store.create(input)));
    // Assert
    const numbers = results.map((r) => Number(r.reference.slice(-6))).sort((a, b) => a - b);
    expect(results.every((r) => r.created)).toBe(true);
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(results[0]?.reference).toMatch(/^CFM-2031-\d{6}$/);
  }, 120_000);

  it("creates one record for a duplicated source id, even concurrently", async () => {
    const results = await Promise.all([store.create(newCase("ses-dup")), store.create(newCase("ses-dup"))]);
    expect(results[0]?.reference).toBe(results[1]?.reference);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const again = await store.create(newCase("ses-dup"));
    expect(again).toEqual({ reference: results[0]?.reference, created: false });
  });

  it("rejects a record that fails its schema with a typed error naming the field, writing nothing", async () => {
    const bad = newCase("bad-1", { channel: "pigeon" as never });
    const error = await store.create(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreValidationError);
    expect((error as StoreValidationError).field).toBe("channel");
    expect(await store.referenceForSource("bad-1")).toBeNull();
  });

  it("gives the loser of a lost-update race a conflict error, and update() retries it", async () => {
    const { reference } = await store.create(newCase("race-1"));
    const v1 = await store.require(reference);
    // Two writers read version 1; the first wins.
    await store.transition(v1, {
      record: { status: "acknowledged" },
      event: { id: "acknowledged", type: "acknowledged", actor: "system" },
    });
    const loser = await store
      .transition(v1, {
        record: { status: "triage" },
        event: { id: "triage-1", type: "triaged", actor: "x" },
      })
      .catch((e: unknown) => e);
    expect(loser).toBeInstanceOf(VersionConflictError);
    // The retrying path sees the winner's write and applies on top of it.
    const retried = await store.update(reference, (record) => ({
      record: { flags: [...record.flags, "late"] },
      event: { id: "progress-1", type: "progress", actor: "handler@example.org" },
    }));
    expect(retried.record.status).toBe("acknowledged");
    expect(retried.record.flags).toEqual(["late"]);
    expect(retried.record.version).toBe(3);
  });

  it("retries a change whose PutItem met a transaction in progress on the record (TransactionConflictException)", async () => {
    const { reference } = await store.create(newCase("conflict-1"));
    // A bookkeeping change (no event: one PutItem) while another writer's transaction holds the item: DynamoDB
    // answers TransactionConflictException, which the SDK does not retry. Only the first attempt meets it.
    const send = table.doc.send.bind(table.doc);
    let conflicts = 0;
    table.doc.send = ((command: { constructor: { name: string } }) => {
      if (conflicts === 0 && command.constructor.name === "PutCommand") {
        conflicts++;
        return Promise.reject(
          Object.assign(new Error("Transaction is ongoing for the item"), {
            name: "TransactionConflictException",
          }),
        );
      }
      return send(command as never);
    }) as typeof table.doc.send;
    try {
      const done = await store.update(reference, () => ({ record: { assignee: "officer@example.org" } }));
      expect(done.applied).toBe(true);
    } finally {
      table.doc.send = send;
    }
    expect(conflicts).toBe(1);
    expect((await store.require(reference)).assignee).toBe("officer@example.org");
  });

  it("never loses an update among concurrent writers", async () => {
    const { reference } = await store.create(newCase("race-2"));
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.update(
          reference,
          (record) => ({
            record: { reminders: { ...record.reminders, [`w${i}`]: 1 } },
            event: { id: `reminder-${i}`, type: "reminder", actor: "system" },
          }),
          { attempts: 40 },
        ),
      ),
    );
    const record = await store.require(reference);
    expect(Object.keys(record.reminders).sort()).toEqual(["w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7"]);
    expect((await store.timeline(reference)).filter((e) => e.type === "reminder")).toHaveLength(8);
  });

  it("writes an event once when a handler is retried with the same event id", async () => {
    const { reference } = await store.create(newCase("idem-1"));
    const change = {
      record: { status: "acknowledged" as const },
      event: { id: "acknowledged", type: "acknowledged" as const, actor: "system" },
    };
    const first = await store.update(reference, () => change);
    const second = await store.update(reference, () => change);
    expect(first.applied).toBe(true);
    expect(second.applied).toBe(false);
    expect((await store.timeline(reference)).map((e) => e.type)).toEqual(["received", "acknowledged"]);
  });

  it("T-12: a closed case's status and content keep their expiry through later changes; a reopened case loses it", async () => {
    const { reference } = await store.create(newCase("retention-1"));
    const expiry = async () => {
      const read = async (key: { pk: string; sk: string }) =>
        (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true })))
          .Item?.expiresAt;
      return { status: await read(keys.status(reference)), content: await read(keys.content(reference)) };
    };
    const retainUntil = 1_930_000_000;
    await store.update(reference, () => ({
      record: { status: "closed", closure: "resolved", closedAt: "2026-04-01T09:00:00.000Z" },
      event: { id: "closed", type: "closed", actor: "system" },
      expiresAt: retainUntil,
    }));
    expect(await expiry()).toEqual({ status: retainUntil, content: retainUntil });
    // A note (status record rewritten whole), then a change of the content record, on the closed case.
    await store.update(reference, () => ({
      record: { flags: ["suspected-spam"] },
      event: { id: "note-1", type: "note", actor: "officer@example.org", detail: "Vérifié" },
    }));
    expect(await expiry()).toEqual({ status: retainUntil, content: retainUntil });
    await store.update(
      reference,
      () => ({
        content: { satisfactionComment: "Merci" },
        event: { id: "satisfaction", type: "note", actor: "complainant" },
      }),
      { withContent: true },
    );
    expect(await expiry()).toEqual({ status: retainUntil, content: retainUntil });
    expect((await store.getContent(reference)).satisfactionComment).toBe("Merci");
    // Reopened: an open case is never deleted by the table's TTL.
    await store.update(reference, () => ({
      record: { status: "investigating", closure: null, closedAt: null },
      event: { id: "reopened", type: "reopened", actor: "officer@example.org" },
    }));
    expect(await expiry()).toEqual({ status: undefined, content: undefined });
  });

  it("keeps content apart: the status projection never carries personal data (H-D1)", async () => {
    const { reference } = await store.create(newCase("sensitive-1", { sensitive: true }));
    const record = await store.require(reference);
    const view = statusView(record);
    expect(Object.keys(view).sort()).toEqual(
      ["closure", "deadlines", "kind", "overdue", "receivedAt", "reference", "sensitive", "status"].sort(),
    );
    expect(JSON.stringify(record)).not.toContain("Aïssata");
    expect(JSON.stringify(record)).not.toContain("bons d'achat");
    const content = await store.getContent(reference);
    expect(content.complainant?.name).toBe("Aïssata Traoré");
  });

  it("serves status, assignee, deadline and period queries from indexes", async () => {
    const a = await store.create(
      newCase("q-a", {
        status: "assigned",
        assignee: "programme@example.org",
        receivedAt: "2032-01-10T08:00:00.000Z",
        deadlines: { respond: "2032-02-21T08:00:00.000Z" },
      }),
    );
    const b = await store.create(
      newCase("q-b", {
        status: "assigned",
        assignee: "programme@example.org",
        receivedAt: "2032-02-03T08:00:00.000Z",
        deadlines: { respond: "2032-02-10T08:00:00.000Z" },
      }),
    );
    const byAssignee = await store.byAssignee("Programme@example.org");
    expect(byAssignee.map((r) => r.reference)).toEqual([b.reference, a.reference]); // earliest deadline first
    expect((await store.byStatus("assigned")).map((r) => r.reference)).toEqual(
      expect.arrayContaining([a.reference, b.reference]),
    );
    const due = await store.openByNextDeadline("2032-02-15");
    expect(due.map((r) => r.reference)).toContain(b.reference);
    expect(due.map((r) => r.reference)).not.toContain(a.reference);
    const january = await store.receivedBetween("2032-01-01T00:00:00.000Z", "2032-02-01T00:00:00.000Z");
    expect(january.map((r) => r.reference)).toEqual([a.reference]);
  });

  it("issue 18: an index holds its keys and the list attributes only; the queries read the whole records", async () => {
    const { reference } = await store.create(
      newCase("lean-1", {
        status: "assigned",
        assignee: "lean@example.org",
        category: "programme",
        flags: ["late"],
        overdue: ["respond"],
        receivedAt: "2033-01-05T08:00:00.000Z",
        deadlines: { respond: "2033-02-01T08:00:00.000Z" },
      }),
    );

    const entry = await table.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: indexFor("assignee").name,
        KeyConditionExpression: "gsi2pk = :pk",
        ExpressionAttributeValues: { ":pk": "ASSIGNEE#lean@example.org" },
      }),
    );
    const stored = await table.doc.send(
      new GetCommand({ TableName: table.tableName, Key: keys.status(reference) }),
    );

    expect(Object.keys(entry.Items?.[0] ?? {}).sort()).toEqual(
      ["pk", "sk", "gsi2pk", "receivedAt", ...LIST_ATTRIBUTES].sort(),
    );
    // The copies the old indexes sorted on are no longer written.
    expect(
      Object.keys(stored.Item ?? {})
        .filter((k) => k.startsWith("gsi"))
        .sort(),
    ).toEqual(["gsi1pk", "gsi2pk", "gsi3pk", "gsi3sk", "gsi4pk"]);
    const [listed] = await store.byAssignee("lean@example.org");
    expect(listed).toEqual(await store.require(reference));
  });

  it("issue 18: lists quarantined and noise mail on the new status index, by receipt", async () => {
    const inbox = inboxStore(table);
    await inbox.record("QUARANTINE", { messageId: "m-2", receivedAt: "2033-05-02T10:00:00.000Z" }, {});
    await inbox.record("QUARANTINE", { messageId: "m-1", receivedAt: "2033-05-01T10:00:00.000Z" }, {});
    await inbox.record("RECEIPT", { messageId: "m-3", receivedAt: "2033-05-03T10:00:00.000Z" }, {});

    const index = indexFor("status");
    const listed = await table.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: index.name,
        KeyConditionExpression: `${index.partitionKey} = :pk`,
        ExpressionAttributeValues: { ":pk": "INBOX#QUARANTINE" },
      }),
    );

    expect(listed.Items?.map((item) => item.pk)).toEqual(["INBOX#m-1", "INBOX#m-2"]);
  });

  it("issue 18: leaves the record's empty fields out of the stored item and reads them back", async () => {
    const { reference } = await store.create(newCase("lean-3"));

    const stored = await table.doc.send(
      new GetCommand({ TableName: table.tableName, Key: keys.status(reference) }),
    );
    const record = await store.require(reference);

    for (const field of ["assignee", "category", "closedAt", "flags", "overdue", "reminders", "appeals"])
      expect(stored.Item, field).not.toHaveProperty(field);
    expect(record).toMatchObject({ assignee: null, category: null, closedAt: null, flags: [], overdue: [] });
    expect(record).toMatchObject({ reminders: {}, appeals: 0, appealExtensions: 0, attachments: 0 });
    expect(record.kind).toBe("complaint");
  });

  const pinned = {
    version: 3,
    workingDays: ["mon", "tue", "wed", "thu", "fri"] as Array<"mon" | "tue" | "wed" | "thu" | "fri">,
    holidays: ["2026-03-26", "2026-05-01"],
  };
  const item = async (key: { pk: string; sk: string }) =>
    (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true })))
      .Item;

  it("issue 18 (issue 12's pinned calendar): written once in its own item, never on the status record; every single-case read has it", async () => {
    const { reference } = await store.create(newCase("calendar-1", { calendar: pinned }));

    await store.update(reference, () => ({
      record: { status: "acknowledged" },
      event: { id: "acknowledged", type: "acknowledged", actor: "system" },
    }));
    let seen: unknown;
    await store.update(reference, (r) => {
      seen = r.calendar;
      return { record: { reminders: { triage: 1 } } };
    });

    expect(await item(keys.status(reference))).not.toHaveProperty("calendar");
    expect(await item(keys.calendar(reference))).toMatchObject(pinned);
    expect(seen).toEqual(pinned);
    expect((await store.get(reference))?.calendar).toEqual(pinned);
    expect((await store.require(reference)).calendar).toEqual(pinned);
  });

  it("issue 18: a case with its calendar on the status record (received before) reads it; its next change moves it to its own item in the same write", async () => {
    const { reference } = await store.create(newCase("calendar-2"));
    // As the code before issue 18 wrote it: the calendar on the record, no calendar item.
    const before = await item(keys.status(reference));
    await table.doc.send(
      new PutCommand({ TableName: table.tableName, Item: { ...before, calendar: pinned } }),
    );
    expect(await item(keys.calendar(reference))).toBeUndefined();

    const read = await store.require(reference);
    const { record } = await store.update(reference, () => ({ record: { reminders: { triage: 1 } } }));

    expect(read.calendar).toEqual(pinned);
    expect(record.calendar).toEqual(pinned);
    expect(await item(keys.status(reference))).not.toHaveProperty("calendar");
    expect(await item(keys.calendar(reference))).toMatchObject(pinned);
    expect((await store.require(reference)).calendar).toEqual(pinned);
  });

  it("issue 18: a case received before calendars were pinned still has none; before the index switch the calendar stays on the record", async () => {
    const { reference } = await store.create(newCase("calendar-3"));
    await store.update(reference, () => ({ record: { reminders: { triage: 1 } } }));
    const legacy = new ComplaintStore(table.doc, table.tableName, undefined, "legacy");
    const { reference: old } = await legacy.create(newCase("calendar-4", { calendar: pinned }));
    await legacy.update(old, () => ({ record: { reminders: { triage: 1 } } }));

    expect((await store.require(reference)).calendar).toBeUndefined();
    expect(await item(keys.calendar(reference))).toBeUndefined();
    expect(await item(keys.status(old))).toMatchObject({ calendar: pinned });
    expect(await item(keys.calendar(old))).toBeUndefined();
    expect((await store.require(old)).calendar).toEqual(pinned);
  });

  it("issue 18: a write that changes no index key or listed attribute writes no index", async () => {
    const { reference } = await store.create(
      newCase("lean-2", { deadlines: { respond: "2033-03-01T08:00:00.000Z" } }),
    );
    const consumed: ConsumedCapacity[] = [];
    const counted = DynamoDBDocumentClient.from(table.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    counted.middlewareStack.add(
      (next) => async (args) => {
        (args.input as Record<string, unknown>).ReturnConsumedCapacity = "INDEXES";
        const result = await next(args);
        const out = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] })
          .ConsumedCapacity;
        consumed.push(...[out ?? []].flat());
        return result;
      },
      { step: "initialize", name: "countCapacity" },
    );
    const measured = new ComplaintStore(counted, table.tableName);
    const indexesWritten = () => {
      const names = consumed.flatMap((c) => Object.keys(c.GlobalSecondaryIndexes ?? {}));
      consumed.length = 0;
      return [...new Set(names)].sort();
    };

    await measured.update(reference, (r) => ({
      record: { reminders: { ...r.reminders, triage: 1 } },
      event: { id: "reminder-1", type: "reminder", actor: "system" },
    }));
    const bookkeeping = indexesWritten();
    await measured.update(reference, () => ({
      record: { status: "acknowledged" },
      event: { id: "acknowledged", type: "acknowledged", actor: "system" },
    }));
    const statusChange = indexesWritten();

    expect(bookkeeping).toEqual([]);
    expect(statusChange).toEqual([indexFor("status").name]);
  });
});

describe("issue 18: a table at the old indexes, then upgraded", () => {
  // A DynamoDB Local of its own: building an index on the suite's shared one, which holds every other test's
  // tables, took up to 30 s per index on CI (4 minutes for the upgrade's eight changes); alone, about a second.
  let own: DynamoDbLocal | undefined;
  afterAll(async () => {
    await own?.stop();
  });

  it("reads and writes the old indexes, and the new ones find the same cases once the table has them", {
    timeout: 180_000,
  }, async () => {
    own = await startDynamoDbLocal();
    const tableName = `cfm-legacy-${randomUUID().slice(0, 8)}`;
    await ensureTable(own.endpoint, tableName, 0);
    const client = new DynamoDBClient({
      endpoint: own.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const table = {
      endpoint: own.endpoint,
      tableName,
      doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    };
    const legacy = new ComplaintStore(table.doc, table.tableName, undefined, "legacy");
    const { reference } = await legacy.create(
      newCase("legacy-1", {
        status: "assigned",
        assignee: "old@example.org",
        receivedAt: "2034-04-01T08:00:00.000Z",
        deadlines: { respond: "2034-05-01T08:00:00.000Z" },
      }),
    );
    const stored = await table.doc.send(
      new GetCommand({ TableName: table.tableName, Key: keys.status(reference) }),
    );

    // Whole, for the code before issue 18 that a rolled-back early stage runs again.
    expect(stored.Item).toMatchObject({
      flags: [],
      closedAt: null,
      gsi1sk: expect.any(String),
      gsi2sk: expect.any(String),
      gsi4sk: expect.any(String),
    });
    expect((await legacy.byStatus("assigned")).map((r) => r.reference)).toEqual([reference]);
    // Nor does it carry the report counters' mark, which the released code's strict schema would refuse;
    // the counters start at the switch, and the backfill cannot run before it.
    await legacy.update(reference, () => ({
      record: { flags: ["late"] },
      event: { id: "late-1", type: "progress", actor: "system" },
    }));
    const changed = await table.doc.send(
      new GetCommand({ TableName: table.tableName, Key: keys.status(reference) }),
    );
    expect(changed.Item).toMatchObject({ version: 2, flags: ["late"] });
    expect(Object.keys(changed.Item ?? {})).not.toContain("aggregatedIn");
    await expect(legacy.countInAggregates([await legacy.require(reference)])).rejects.toThrow(/switch stage/);

    await ensureTable(table.endpoint, table.tableName);
    const current = new ComplaintStore(table.doc, table.tableName);
    expect(await current.countInAggregates([await current.require(reference)])).toBe(1);
    expect(await current.countInAggregates([await current.require(reference)])).toBe(0);

    expect((await current.byStatus("assigned")).map((r) => r.reference)).toEqual([reference]);
    expect((await current.byAssignee("old@example.org")).map((r) => r.reference)).toEqual([reference]);
    expect((await current.openByNextDeadline("2034-06-01")).map((r) => r.reference)).toEqual([reference]);
    expect(
      (await current.receivedBetween("2034-04-01T00:00:00.000Z", "2034-05-01T00:00:00.000Z")).map(
        (r) => r.reference,
      ),
    ).toEqual([reference]);
  });
});
