// Staff API (issue 4) on DynamoDB Local: staff-recorded intake (H-A1, T-1, T-6, R-6), complaint views (H-D1),
// lists by status and overdue, authentication. Step Functions and SES are mocked (tested elsewhere).
import { randomUUID } from "node:crypto";
import { SESv2Client, SendEmailCommand, type SendEmailCommandInput } from "@aws-sdk/client-sesv2";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ApiResponse, idempotencySource, type StaffApiEvent } from "../../functions/api/staff-api.ts";
import { loadConfigFile } from "../../functions/domain/config.ts";
import { type Runtime, resetRuntime, runtime } from "../../functions/lib/runtime.ts";
import { freshTable } from "../helpers/dynamo.ts";

const HUMANITARIAN = "config/humanitarian.example.yaml";
const TRAINING = "config/training-provider.example.yaml";
const STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:cfm-complaint";
const COORDINATOR = { authorization: "Bearer local-coordinator" };
const STAFF = { authorization: "Bearer local-staff" };

type HandleStaffApi = (event: StaffApiEvent, rt?: Runtime) => Promise<ApiResponse>;

const sfn = mockClient(SFNClient);
const ses = mockClient(SESv2Client);
let handleStaffApi: HandleStaffApi;
let humanitarian: Runtime;
let training: Runtime;

/** A runtime on its own table with this organisation config (what a Lambda of that stack would have). */
async function runtimeFor(configPath: string): Promise<Runtime> {
  const table = await freshTable("cfm-staff-api");
  process.env.TABLE_NAME = table.tableName;
  process.env.CFM_CONFIG_JSON = JSON.stringify(loadConfigFile(configPath));
  resetRuntime();
  return runtime();
}

function request(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; query?: string } = {},
): StaffApiEvent {
  return {
    rawPath: path,
    rawQueryString: options.query ?? "",
    headers: options.headers ?? {},
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === "string"
          ? options.body
          : JSON.stringify(options.body),
    isBase64Encoded: false,
    requestContext: { http: { method }, requestId: randomUUID() },
  };
}

async function call(rt: Runtime, event: StaffApiEvent) {
  const response = await handleStaffApi(event, rt);
  return {
    status: response.statusCode,
    body: JSON.parse(response.body) as Record<string, unknown>,
    response,
  };
}

const complaint = (overrides: Record<string, unknown> = {}) => ({
  kind: "complaint",
  channel: "phone",
  complainant: { name: "Fatoumata Coulibaly", phone: "+223 70 00 00 00", email: "fatoumata@example.net" },
  description: "L'agent de distribution a demandé de l'argent pour inscrire ma famille sur la liste.",
  subject: "Distribution à Kati",
  factsDate: "2026-02-25",
  service: "Distribution alimentaire",
  personsConcerned: "L'agent de distribution",
  expectations: "Être inscrite sur la liste sans payer.",
  language: "fr",
  ...overrides,
});

async function post(rt: Runtime, body: unknown, key: string | null = randomUUID(), headers = STAFF) {
  return call(
    rt,
    request("POST", "/api/complaints", {
      headers: { ...headers, ...(key ? { "Idempotency-Key": key } : {}) },
      body,
    }),
  );
}

async function opened(rt: Runtime, overrides: Record<string, unknown> = {}): Promise<string> {
  const { status, body } = await post(rt, complaint(overrides));
  expect(status).toBe(201);
  return String(body.reference);
}

const sent = (): SendEmailCommandInput[] => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);

beforeAll(async () => {
  Object.assign(process.env, {
    STATE_MACHINE_ARN,
    CFM_LOCAL_AUTH: "1",
    CFM_METRICS: "memory",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
  });
  const table = await freshTable("cfm-staff-api");
  process.env.AWS_ENDPOINT_URL_DYNAMODB = table.endpoint;
  ({ handleStaffApi } = await import("../../functions/api/staff-api.ts"));
  training = await runtimeFor(TRAINING);
  humanitarian = await runtimeFor(HUMANITARIAN);
});

afterAll(() => {
  sfn.restore();
  ses.restore();
});

beforeEach(() => {
  sfn.reset();
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
    executionArn: `${STATE_MACHINE_ARN}:${input.name}`,
    startDate: new Date(),
  }));
  ses.reset();
  ses.on(SendEmailCommand).callsFake(() => ({ MessageId: `ses-${randomUUID()}` }));
});

describe("POST /api/complaints: staff-recorded intake (H-A1)", () => {
  it.each(["letter", "phone", "in-person", "suggestion-box", "hotline", "staff-report"])(
    "records a %s complaint: 201, a case, its workflow started",
    async (channel) => {
      const { status, body } = await post(humanitarian, complaint({ channel }));

      expect(status).toBe(201);
      const reference = String(body.reference);
      expect(reference).toMatch(/^CFM-\d{4}-\d{6}$/);
      const record = await humanitarian.store.require(reference);
      expect(record).toMatchObject({ channel, kind: "complaint", status: "received", reachable: true });
      const content = await humanitarian.store.getContent(reference);
      expect(content).toMatchObject({
        complainant: {
          name: "Fatoumata Coulibaly",
          email: "fatoumata@example.net",
          phone: "+22370000000", // stored in E.164, so that it can be texted
        },
        description: complaint().description,
        factsDate: "2026-02-25",
        service: "Distribution alimentaire",
        expectations: "Être inscrite sur la liste sans payer.",
      });
      expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([reference]);
    },
  );

  it("records the staff member as who received it, and each kind of feedback (R-6)", async () => {
    const { body } = await post(humanitarian, complaint({ kind: "suggestion" }), randomUUID(), COORDINATOR);

    const reference = String(body.reference);
    expect((await humanitarian.store.require(reference)).kind).toBe("suggestion");
    const [received] = await humanitarian.store.timeline(reference);
    expect(received).toMatchObject({ type: "received", actor: "officer@example.org" });
  });

  it("records a representative filing for the complainant (H-A1)", async () => {
    const reference = await opened(humanitarian, {
      representative: { name: "Ibrahim Diallo", email: "ibrahim@example.net", relation: "fils" },
    });

    const content = await humanitarian.store.getContent(reference);
    expect(content.representative).toEqual({
      name: "Ibrahim Diallo",
      email: "ibrahim@example.net",
      relation: "fils",
    });
  });

  it("records an anonymous complaint without identity: unreachable", async () => {
    const { status, body } = await post(humanitarian, complaint({ anonymous: true, complainant: undefined }));

    expect(status).toBe(201);
    const record = await humanitarian.store.require(String(body.reference));
    expect(record).toMatchObject({ anonymous: true, reachable: false });
    expect((await humanitarian.store.getContent(String(body.reference))).complainant).toBeNull();
  });

  it("answers a replay of the same Idempotency-Key with the same reference (200), opening nothing more", async () => {
    const key = randomUUID();
    const first = await post(humanitarian, complaint(), key);
    const replay = await post(humanitarian, complaint(), key);

    expect(first.status).toBe(201);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ reference: first.body.reference });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it("refuses an Idempotency-Key reused with another body (409), opening nothing (issue 15)", async () => {
    const key = randomUUID();
    const first = await post(humanitarian, complaint(), key);
    const other = await post(
      humanitarian,
      complaint({ description: "Une autre plainte, d'une autre personne." }),
      key,
    );
    const reordered = await post(
      humanitarian,
      Object.fromEntries(Object.entries(complaint()).reverse()),
      key,
    );

    expect(first.status).toBe(201);
    expect(other.status).toBe(409);
    expect(String(other.body.error)).toContain("Idempotency-Key");
    expect(reordered.status).toBe(200); // the same body, keys in another order
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it("scopes Idempotency-Keys per caller: the same key from another caller is another complaint (issue 15)", async () => {
    const key = randomUUID();
    const staff = await post(humanitarian, complaint(), key, STAFF);
    const coordinator = await post(humanitarian, complaint(), key, COORDINATOR);

    expect(staff.status).toBe(201);
    expect(coordinator.status).toBe(201);
    expect(coordinator.body.reference).not.toBe(staff.body.reference);
  });

  it("answers 400 naming each bad field", async () => {
    const { status, body } = await post(humanitarian, {
      kind: "rant",
      channel: "email",
      anonymous: "yes",
      complainant: { email: "not-an-address", shoeSize: 42 },
      representative: { name: "Ibrahim Diallo" },
      factsDate: "2026-02-30",
      concernedStaff: ["manager"],
      unexpected: true,
    });

    expect(status).toBe(400);
    expect(Object.keys(body.errors as object).sort()).toEqual(
      [
        "anonymous",
        "channel",
        "complainant.email",
        "complainant.shoeSize",
        "concernedStaff.0",
        "description",
        "factsDate",
        "kind",
        "representative.relation",
        "unexpected",
      ].sort(),
    );
    expect(body.errors).toMatchObject({
      description: "required",
      channel: expect.stringContaining("email arrives through the intake address"),
      factsDate: "must be a date YYYY-MM-DD",
      "complainant.email": "must be an email address",
      "complainant.shoeSize": "unknown field",
    });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it("answers 400 for a named complaint without a complainant, a future facts date and a missing Idempotency-Key", async () => {
    const { status, body } = await post(
      humanitarian,
      complaint({ complainant: undefined, factsDate: "2999-01-01", language: "de" }),
      null,
    );

    expect(status).toBe(400);
    expect(body.errors).toEqual({
      "Idempotency-Key": expect.stringContaining("required"),
      complainant: "required unless anonymous",
      factsDate: "must not be in the future",
      language: "must be one of fr, en",
    });
  });

  it("answers 400 for a body that is not JSON, and for an identity on an anonymous complaint", async () => {
    const notJson = await post(humanitarian, "{not json");
    const anonymousNamed = await post(humanitarian, complaint({ anonymous: true }));

    expect(notJson).toMatchObject({ status: 400, body: { errors: { body: "must be a JSON object" } } });
    expect(anonymousNamed.status).toBe(400);
    expect(anonymousNamed.body.errors).toEqual({
      complainant: "must be omitted for an anonymous complaint (the identity is not recorded)",
    });
  });
});

describe("T-1: written complaints only (training-provider config)", () => {
  it("T-15: answers a phone complaint 202 with no case, and tells the complainant by email, once, how to file it", async () => {
    const key = randomUUID();
    const { status, body } = await post(training, complaint({ channel: "phone" }), key);

    expect(status).toBe(202);
    expect(body).toMatchObject({ caseOpened: false, instructionsSent: true });
    expect(String(body.reason)).toMatch(/^T-1/);
    expect(await training.store.referenceForSource(`api:${key}`)).toBeNull();
    expect(
      (await post(training, complaint({ channel: "phone", description: "Autre chose." }), key)).status,
    ).toBe(409);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    const mails = sent();
    expect(mails).toHaveLength(1);
    expect(mails[0]?.Destination?.ToAddresses).toEqual(["fatoumata@example.net"]);
    expect(mails[0]?.Content?.Simple?.Subject?.Data).toContain("par écrit");
    expect(mails[0]?.Content?.Simple?.Body?.Text?.Data).toContain("plaintes@example.org");
    // The reference the instructions quote is no case's, now or later.
    const filingReference = String(body.filingReference);
    expect(await training.store.get(filingReference)).toBeNull();
    expect(mails[0]?.Content?.Simple?.Subject?.Data).toContain(`[${filingReference}]`);

    const replay = await post(training, complaint({ channel: "phone" }), key);
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual(body);
    expect(sent()).toHaveLength(1);
  });

  it.each(["in-person", "hotline", "suggestion-box"])(
    "opens no case for a %s complaint either",
    async (channel) => {
      const { status, body } = await post(
        training,
        complaint({ channel, complainant: { name: "Paul Martin" } }),
      );

      expect(status).toBe(202);
      expect(body).toMatchObject({ caseOpened: false, instructionsSent: false });
      expect(sent()).toHaveLength(0);
      expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    },
  );

  it.each(["staff-report", "letter"])(
    "opens a case for a %s (FSEI, written), numbered without gaps",
    async (channel) => {
      const { status, body } = await post(training, complaint({ channel }));

      expect(status).toBe(201);
      const reference = String(body.reference);
      expect((await training.store.require(reference)).channel).toBe(channel);
      // The filing instructions above took no number from the case sequence.
      const cases = await training.store.byStatus("received");
      expect(cases.map((c) => Number(reference.slice(-6)) >= Number(c.reference.slice(-6)))).not.toContain(
        false,
      );
      expect(Math.max(...cases.map((c) => Number(c.reference.slice(-6))))).toBe(cases.length);
    },
  );
});

describe("GET /api/complaints/{reference}", () => {
  it("gives coordinators the full view and general staff only the status of a sensitive case (H-D1)", async () => {
    const reference = await opened(humanitarian);
    await humanitarian.store.update(reference, () => ({
      record: { sensitive: true, category: "sexual-exploitation-abuse" },
    }));

    const full = await call(
      humanitarian,
      request("GET", `/api/complaints/${reference}`, { headers: COORDINATOR }),
    );
    const staff = await call(
      humanitarian,
      request("GET", `/api/complaints/${reference}`, { headers: STAFF }),
    );

    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({
      reference,
      sensitive: true,
      channel: "phone",
      category: "sexual-exploitation-abuse",
      description: complaint().description,
      timeline: [expect.objectContaining({ type: "received" })],
    });
    expect(staff.status).toBe(200);
    expect(Object.keys(staff.body).sort()).toEqual(
      ["closure", "deadlines", "kind", "overdue", "receivedAt", "reference", "sensitive", "status"].sort(),
    );
    expect(staff.response.body).not.toContain("Fatoumata");
    expect(staff.response.body).not.toContain("argent");
  });

  it("gives general staff the full view of a case triaged as not sensitive", async () => {
    const reference = await opened(humanitarian);
    await humanitarian.store.update(reference, () => ({ record: { category: "programme" } }));

    const { status, body } = await call(
      humanitarian,
      request("GET", `/api/complaints/${reference}`, { headers: STAFF }),
    );

    expect(status).toBe(200);
    expect(body).toMatchObject({ reference, sensitive: false, description: complaint().description });
  });

  it("treats an untriaged case as sensitive: only the coordinator and the triage officer read it (H-D1, H-B1, issue 15)", async () => {
    const reference = await opened(humanitarian, {
      description: "Le chef de distribution m'a demandé des faveurs sexuelles en échange de la ration.",
    });
    const asClaims = (claims: Record<string, unknown>) => ({
      ...request("GET", `/api/complaints/${reference}`),
      requestContext: { http: { method: "GET" }, authorizer: { jwt: { claims } } },
    });

    const staff = await call(
      humanitarian,
      request("GET", `/api/complaints/${reference}`, { headers: STAFF }),
    );
    const list = await call(
      humanitarian,
      request("GET", "/api/complaints", { headers: STAFF, query: "status=received" }),
    );
    delete process.env.CFM_LOCAL_AUTH;
    let officer: Awaited<ReturnType<typeof call>>;
    let programme: Awaited<ReturnType<typeof call>>;
    try {
      officer = await call(
        humanitarian,
        asClaims({ "cognito:groups": "[staff]", email: "officer@example.org" }),
      );
      programme = await call(
        humanitarian,
        asClaims({ "cognito:groups": "[staff]", email: "programme@example.org" }),
      );
    } finally {
      process.env.CFM_LOCAL_AUTH = "1";
    }
    const coordinator = await call(
      humanitarian,
      request("GET", `/api/complaints/${reference}`, { headers: COORDINATOR }),
    );

    expect(staff.status).toBe(200);
    expect(staff.body).not.toHaveProperty("description");
    expect(staff.response.body).not.toContain("faveurs");
    expect(list.response.body).not.toContain("faveurs");
    expect(programme.body).not.toHaveProperty("description");
    expect(officer.body).toHaveProperty("description");
    expect(coordinator.body).toHaveProperty("description");
  });

  it("answers 404 for an unknown reference and 400 for something that is not one", async () => {
    const unknown = await call(
      humanitarian,
      request("GET", "/api/complaints/CFM-2026-999998", { headers: STAFF }),
    );
    const malformed = await call(humanitarian, request("GET", "/api/complaints/12", { headers: STAFF }));

    const percent = await call(humanitarian, request("GET", "/api/complaints/%", { headers: STAFF }));
    const badEscape = await call(
      humanitarian,
      request("GET", "/api/complaints/CFM-2026-%zz0001", { headers: STAFF }),
    );

    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(400);
    // Issue 15: a malformed escape is a bad reference, not a 500.
    expect(percent.status).toBe(400);
    expect(percent.response.headers["cache-control"]).toBe("no-store");
    expect(badEscape.status).toBe(400);
    expect(malformed.body).toEqual({ errors: { reference: "must be a reference CFM-YYYY-NNNNNN" } });
  });
});

describe("GET /api/complaints?status=&overdue=true", () => {
  it("lists by status (byStatus index) and keeps the overdue ones", async () => {
    const rt = await runtimeFor(HUMANITARIAN); // its own table: the list is exactly what this test made
    const onTime = await opened(rt);
    const late = await opened(rt);
    const triaged = await opened(rt);
    await rt.store.update(late, () => ({ record: { overdue: ["acknowledge"], category: "programme" } }));
    await rt.store.update(triaged, () => ({
      record: { status: "triage", overdue: ["triage"] },
      event: { id: "test-triage", type: "triaged", actor: "officer@example.org" },
    }));

    const received = await call(
      rt,
      request("GET", "/api/complaints", { headers: COORDINATOR, query: "status=received" }),
    );
    const lateReceived = await call(
      rt,
      request("GET", "/api/complaints", { headers: COORDINATOR, query: "status=received&overdue=true" }),
    );
    const allLate = await call(
      rt,
      request("GET", "/api/complaints", { headers: STAFF, query: "overdue=true" }),
    );
    const allOpen = await call(rt, request("GET", "/api/complaints", { headers: STAFF }));

    const refs = (r: { body: Record<string, unknown> }) =>
      (r.body.items as Array<{ reference: string }>).map((i) => i.reference).sort();
    expect(refs(received)).toEqual([onTime, late].sort());
    expect(refs(lateReceived)).toEqual([late]);
    expect(refs(allLate)).toEqual([late, triaged].sort());
    expect(refs(allOpen)).toEqual([onTime, late, triaged].sort());
    expect((lateReceived.body.items as Array<{ overdue: string[]; description: string }>)[0]).toMatchObject({
      overdue: ["acknowledge"],
      description: complaint().description,
    });
  });

  it("gives general staff the status view of the sensitive cases in a list (H-D1)", async () => {
    const rt = await runtimeFor(HUMANITARIAN);
    const open = await opened(rt);
    const sensitive = await opened(rt);
    await rt.store.update(open, () => ({ record: { category: "programme" } }));
    await rt.store.update(sensitive, () => ({ record: { sensitive: true, category: "fraud" } }));

    const { body } = await call(
      rt,
      request("GET", "/api/complaints", { headers: STAFF, query: "status=received" }),
    );

    const items = body.items as Array<Record<string, unknown>>;
    expect(items.find((i) => i.reference === open)).toHaveProperty("description");
    expect(items.find((i) => i.reference === sensitive)).not.toHaveProperty("description");
    expect(items.find((i) => i.reference === sensitive)).not.toHaveProperty("category");
  });

  it("pages a status list with a continuation token instead of stopping silently (issue 15)", async () => {
    const rt = await runtimeFor(HUMANITARIAN);
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push(await opened(rt));
    await rt.store.update(made[5] as string, () => ({ record: { overdue: ["acknowledge"] } }));

    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await call(
        rt,
        request("GET", "/api/complaints", {
          headers: COORDINATOR,
          query: `status=received&limit=3${next ? `&next=${encodeURIComponent(next)}` : ""}`,
        }),
      );
      expect(page.status).toBe(200);
      seen.push(...(page.body.items as Array<{ reference: string }>).map((i) => i.reference));
      next = page.body.next as string | undefined;
      pages++;
    } while (next && pages < 10);
    const overdue = await call(
      rt,
      request("GET", "/api/complaints", { headers: COORDINATOR, query: "overdue=true&limit=2" }),
    );
    const forged = await call(
      rt,
      request("GET", "/api/complaints", {
        headers: COORDINATOR,
        query: `status=closed&next=${Buffer.from('{"gsi1pk":"STATUS#received"}').toString("base64url")}`,
      }),
    );
    const garbage = await call(
      rt,
      request("GET", "/api/complaints", { headers: COORDINATOR, query: "status=received&next=%%%" }),
    );

    expect(seen.sort()).toEqual([...made].sort());
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
    const overdueItems = [...(overdue.body.items as Array<{ reference: string }>)];
    let token = overdue.body.next as string | undefined;
    while (token) {
      const more = await call(
        rt,
        request("GET", "/api/complaints", {
          headers: COORDINATOR,
          query: `overdue=true&limit=2&next=${encodeURIComponent(token)}`,
        }),
      );
      overdueItems.push(...(more.body.items as Array<{ reference: string }>));
      token = more.body.next as string | undefined;
    }
    expect(overdueItems.map((i) => i.reference)).toEqual([made[5]]);
    expect(forged.status).toBe(400);
    expect(forged.body).toEqual({ errors: { next: "not a continuation token of this list" } });
    expect(garbage.status).toBe(400);
  });

  it("answers 400 naming a bad status or overdue value", async () => {
    const { status, body } = await call(
      humanitarian,
      request("GET", "/api/complaints", { headers: STAFF, query: "status=lost&overdue=yes" }),
    );

    expect(status).toBe(400);
    expect(Object.keys(body.errors as object).sort()).toEqual(["overdue", "status"]);
  });
});

describe("authentication", () => {
  it.each([
    ["no Authorization", {}],
    ["an unknown token", { authorization: "Bearer local-admin" }],
    ["another scheme", { authorization: "Basic bG9jYWwtY29vcmRpbmF0b3I=" }],
  ])("answers 401 with %s", async (_, headers) => {
    for (const event of [
      request("GET", "/api/complaints", { headers }),
      request("POST", "/api/complaints", {
        headers: { ...headers, "Idempotency-Key": randomUUID() },
        body: complaint(),
      }),
    ]) {
      const { status, body } = await call(humanitarian, event);
      expect(status).toBe(401);
      expect(body).toEqual({ error: "unauthorized" });
    }
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it("in AWS reads the Cognito groups the JWT authoriser verified (local tokens are not accepted)", async () => {
    const reference = await opened(humanitarian);
    await humanitarian.store.update(reference, () => ({ record: { sensitive: true, category: "fraud" } }));
    const withClaims = (
      claims: Record<string, unknown> | undefined,
      headers: Record<string, string> = {},
    ) => ({
      ...request("GET", `/api/complaints/${reference}`, { headers }),
      requestContext: {
        http: { method: "GET" },
        ...(claims ? { authorizer: { jwt: { claims } } } : {}),
      },
    });
    delete process.env.CFM_LOCAL_AUTH;
    try {
      const coordinator = await call(
        humanitarian,
        withClaims({ "cognito:groups": "[coordinator]", email: "officer@example.org" }),
      );
      const staff = await call(humanitarian, withClaims({ "cognito:groups": "[staff]" }));
      const noGroup = await call(humanitarian, withClaims({ sub: "abc" }));
      const localToken = await call(humanitarian, withClaims(undefined, COORDINATOR));

      expect(coordinator.status).toBe(200);
      expect(coordinator.body).toHaveProperty("description");
      expect(staff.status).toBe(200);
      expect(staff.body).not.toHaveProperty("description");
      expect(noGroup.status).toBe(403);
      expect(localToken.status).toBe(401);
    } finally {
      process.env.CFM_LOCAL_AUTH = "1";
    }
  });

  it("routes GET /api/reports to the reports module, for coordinators only", async () => {
    const staff = await call(
      humanitarian,
      request("GET", "/api/reports", { headers: STAFF, query: "from=2026-01-01&to=2026-12-31" }),
    );
    const noPeriod = await call(humanitarian, request("GET", "/api/reports", { headers: COORDINATOR }));
    const report = await call(
      humanitarian,
      request("GET", "/api/reports", {
        headers: COORDINATOR,
        query: "from=2026-01-01&to=2026-12-31&format=json",
      }),
    );
    const post = await call(humanitarian, request("POST", "/api/reports", { headers: COORDINATOR }));

    expect(staff.status).toBe(403);
    expect(noPeriod.status).toBe(400);
    expect(report.status).toBe(200);
    expect(report.response.headers["content-type"]).toContain("application/json");
    expect(post.status).toBe(405);
  });
});

describe("the Lambda handler", () => {
  it("serves the same routes through middy", async () => {
    process.env.CFM_CONFIG_JSON = JSON.stringify(loadConfigFile(HUMANITARIAN));
    process.env.TABLE_NAME = humanitarian.tableName;
    resetRuntime();
    const { handler } = await import("../../functions/handlers/staff-api.ts");
    const key = randomUUID();

    const response = await handler(
      request("POST", "/api/complaints", {
        headers: { ...COORDINATOR, "Idempotency-Key": key },
        body: complaint(),
      }),
      {} as Context,
    );
    const notFound = await handler(request("GET", "/api/nothing", { headers: STAFF }), {} as Context);

    expect(response.statusCode).toBe(201);
    expect(
      await humanitarian.store.referenceForSource(
        idempotencySource({ audience: "coordinator", actor: "officer@example.org" }, key),
      ),
    ).toBe(JSON.parse(response.body).reference);
    expect(notFound.statusCode).toBe(404);
  });
});
