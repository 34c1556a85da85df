// Issue 14 "Done when": every clause of docs/procedures.md is cited by at least one test (in a test's name or
// its comments, as `H-C3`, `T-10`, `R-6`). A clause added to the procedures without a test fails here.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;

/** The clause IDs docs/procedures.md defines: each is a list item that starts with its ID. */
function clauseIds(procedures: string): string[] {
  return [...procedures.matchAll(/^- ([HTR]-[A-Z]?\d+) /gm)].map((m) => m[1] as string);
}

/** Every test file under test/ (unit, integration, infra), recursively. */
function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

/** The clause IDs a text cites (an ID not followed by another digit: `H-C3` is not cited by `H-C30`). */
function citedIn(text: string, ids: readonly string[]): Set<string> {
  return new Set(ids.filter((id) => new RegExp(`(^|[^A-Za-z0-9-])${id}(?![0-9])`).test(text)));
}

describe("clause coverage (issue 14)", () => {
  const ids = clauseIds(readFileSync(join(ROOT, "docs/procedures.md"), "utf8"));
  const self = new URL(import.meta.url).pathname;
  // This file names no clause on purpose: the IDs it would cite must come from the tests of the rules.
  const files = testFiles(join(ROOT, "test")).filter((f) => f !== self);

  it("reads the 47 clauses of docs/procedures.md (H-A1 … R-13)", () => {
    expect(ids).toHaveLength(47);
    expect(ids[0]).toBe("H-A1");
    expect(ids.at(-1)).toBe("R-13");
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("every clause is cited by at least one test file", () => {
    const cited = new Set<string>();
    for (const file of files) for (const id of citedIn(readFileSync(file, "utf8"), ids)) cited.add(id);
    expect(ids.filter((id) => !cited.has(id))).toEqual([]);
  });

  it("the check itself fails on an uncited clause and does not mistake a longer ID for a shorter one", () => {
    expect(citedIn("it('H-C30: …')", ["H-C3"]).size).toBe(0);
    expect(citedIn("it('R-10 confidentiality')", ["R-1"]).size).toBe(0);
    expect(citedIn("// R-1: centralised", ["R-1"]).size).toBe(1);
    expect(clauseIds("- X-1 not a clause\n- T-9 The response states")).toEqual(["T-9"]);
  });
});
