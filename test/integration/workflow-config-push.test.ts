// Issue 12, end to end on the synthesized workflow in virtual time (procedure T, working-day deadlines): a
// `cfm config push` changes who gets the next task and the deadlines of the next case without a deploy, never
// the deadlines of a case already running; an invalid file is refused with the checker's errors, nothing written.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../bin/cli.ts";
import { keys } from "../../functions/store/keys.ts";
import { type Harness, startHarness } from "../helpers/workflow-harness.ts";

const T = "config/training-provider.example.yaml";
const OFFICER = "officer@example.org";
const NEWCOMER = "nadia.benali@example.org";
// Monday 2 March 2026, 10:00 in Paris.
const MONDAY = new Date("2026-03-02T09:00:00.000Z");

let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await startHarness(T, MONDAY);
  dir = mkdtempSync(join(tmpdir(), "cfm-config-push-"));
}, 120_000);
afterAll(async () => {
  await h?.close();
});

/** The example config with a new training manager listed first (the first holder of a role acts) and a holiday. */
function editedConfig(options: { supervisor?: string } = {}): string {
  const original = readFileSync(T, "utf8");
  const edited = original
    .replace(
      "staff:\n",
      `staff:\n  - { address: ${NEWCOMER}, name: Nadia Benali, roles: [complaints-handler], supervisor: ${options.supervisor ?? OFFICER} }\n`,
    )
    .replace(
      "holidays: # France public holidays\n",
      "holidays: # France public holidays\n    - 2026-03-04\n",
    );
  expect(edited).not.toBe(original);
  return edited;
}

async function push(text: string) {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    ["config", "push", file, "--table", h.rt.tableName],
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const current = async () =>
  (
    await h.rt.doc.send(
      new GetCommand({ TableName: h.rt.tableName, Key: keys.configCurrent, ConsistentRead: true }),
    )
  ).Item;

describe("cfm config push (issue 12)", () => {
  it("refuses an invalid file with the checker's errors and writes nothing", async () => {
    const result = await push(editedConfig({ supervisor: "personne@example.org" }));
    expect(result.code).toBe(1);
    expect(result.err).toContain("staff.0.supervisor: personne@example.org is not in staff");
    expect(result.err).toContain("not pushed");
    expect(await current()).toBeUndefined();
  });

  it("adds a staff member and a holiday: the next task goes to them and the next case's deadlines skip the holiday, without a deploy; a running case keeps its deadlines", async () => {
    const running = await h.file({});
    const before = await h.record(running);
    expect(before.calendar?.version).toBe(0);
    expect(before.deadlines.triage?.slice(0, 10)).toBe("2026-03-05"); // T: 3 working days

    const pushed = await push(editedConfig());
    expect(pushed.code, pushed.err).toBe(0);
    expect(pushed.out).toMatch(/version 1 pushed/);
    expect((await current())?.version).toBe(1);
    // Pushing the same file again writes nothing new.
    expect((await push(editedConfig())).out).toMatch(/unchanged: version 1/);

    // The functions cache the live config briefly (60 s), then take the push.
    await h.rt.refreshConfig();
    expect(h.rt.configVersion).toBe(0);
    await h.advance("PT61S");
    await h.rt.refreshConfig();
    expect(h.rt.configVersion).toBe(1);

    // The next case is counted on the new calendar: Wednesday 4 March is a holiday now.
    const next = await h.file({});
    const after = await h.record(next);
    expect(after.calendar).toMatchObject({ version: 1 });
    expect(after.calendar?.holidays).toContain("2026-03-04");
    expect(after.deadlines.triage?.slice(0, 10)).toBe("2026-03-06");
    expect(after.deadlines.acknowledge?.slice(0, 10)).toBe("2026-03-10");

    // The running case: its deadlines are where they were, and those set from now on keep its calendar.
    expect((await h.record(running)).deadlines).toEqual(before.deadlines);
    await h.act(await h.taskLink(running, OFFICER), {
      category: "service",
      severity: "medium",
      admissible: "yes",
    });
    const triaged = await h.record(running);
    expect(triaged.status).toBe("triage");
    // The next task's recipient comes from the directory in force: the newcomer, listed first.
    expect(triaged.assignee).toBe(NEWCOMER);
    const task = await h.taskLink(running, NEWCOMER);
    expect(task).toMatch(/\/t\//);
    // Assignment: 2 working days from Monday, counted without the holiday the case was not received under.
    expect(triaged.deadlines.assign?.slice(0, 10)).toBe("2026-03-04");
    expect(triaged.deadlines.respond).toBe(before.deadlines.respond);
    expect(triaged.deadlines.triage).toBe(before.deadlines.triage);
  });
});
