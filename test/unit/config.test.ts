import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { main } from "../../bin/cli.ts";
import { LANGUAGES, loadConfigText, parseConfig } from "../../functions/domain/config.ts";
import { labelIn, labelOf } from "../../functions/domain/config-schema.ts";

const humanitarian = readFileSync("config/humanitarian.example.yaml", "utf8");
const training = readFileSync("config/training-provider.example.yaml", "utf8");

/** Applies an edit to the humanitarian example and returns the problems found. */
function problemsAfter(edit: (doc: ReturnType<typeof parseDocument>) => void): string[] {
  const doc = parseDocument(humanitarian);
  edit(doc);
  const result = parseConfig(doc.toString());
  return result.ok ? [] : result.problems;
}

describe("organisation configuration", () => {
  it("accepts the humanitarian example (procedure H)", () => {
    const result = parseConfig(humanitarian);
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (!result.ok) return;
    const sensitive = result.config.categories.filter((c) => c.sensitive).map((c) => c.id);
    expect(sensitive).toEqual(["sexual-exploitation-abuse", "fraud", "misconduct"]);
    expect(result.config.intake.channels).toBe("any"); // H-A1
    expect(result.config.deadlines.acknowledge).toEqual({ duration: "P1W", days: "calendar" }); // H-A2
  });

  it("accepts the training-provider example (procedure T) with working-day deadlines", () => {
    const result = parseConfig(training);
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (!result.ok) return;
    expect(result.config.intake.channels).toBe("written-only"); // T-1
    expect(result.config.deadlines.acknowledge).toEqual({ duration: "P5D", days: "working" }); // T-2
    expect(result.config.severities.find((s) => s.id === "high")?.respond).toEqual({
      duration: "P10D",
      days: "working",
    }); // T-5
    expect(result.config.appeals).toEqual({
      max: 1,
      extensions: 1,
      closeWithoutReply: "no-response",
      explanationsFirst: false, // H-D4 is procedure H's, not T's
    }); // T-10, T-11
    expect(result.config.conflictOfInterest?.managementNamed).toBe("president"); // T-7
  });

  it("rejects an unknown role", () => {
    const problems = problemsAfter((doc) => doc.setIn(["staff", 0, "roles"], ["complaints-oficer"]));
    expect(problems).toContain('staff.0.roles.0: unknown role "complaints-oficer" (declare it under roles)');
  });

  it("rejects a category routed to a role nobody holds", () => {
    const problems = problemsAfter((doc) => doc.setIn(["staff", 3, "roles"], ["supervisor"]));
    expect(problems).toContain(
      'categories.0.responsible: category "programme" is routed to role "programme-officer", which nobody in staff holds',
    );
  });

  it("rejects duplicate ids and addresses", () => {
    const problems = problemsAfter((doc) => {
      doc.setIn(["categories", 1, "id"], "programme");
      doc.setIn(["staff", 1, "address"], "officer@example.org");
    });
    expect(problems).toContain('categories.1: duplicate category id "programme"');
    expect(problems).toContain('staff.1: duplicate staff address "officer@example.org"');
  });

  it.each([
    ["P0D", "duration P0D is zero"],
    ["-P1D", "P1D"],
    ["P-1D", "P-1D"],
    ["one week", "one week"],
  ])("rejects the duration %s", (duration, fragment) => {
    const problems = problemsAfter((doc) => doc.setIn(["deadlines", "acknowledge"], duration));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^deadlines\.acknowledge: /);
    expect(problems[0]).toContain(fragment);
  });

  it("rejects a malformed working-day deadline", () => {
    const problems = problemsAfter((doc) =>
      doc.setIn(["deadlines", "contact"], { duration: "P2W", days: "weekdays" }),
    );
    expect(problems.some((p) => p.startsWith("deadlines.contact"))).toBe(true);
  });

  it("rejects a holiday that is not a date", () => {
    const problems = problemsAfter((doc) => doc.setIn(["organisation", "holidays", 1], "2026-02-30"));
    expect(problems).toEqual(["organisation.holidays.1: is not a date (YYYY-MM-DD)"]);
  });

  it("accepts every language that has a catalog (R-12)", () => {
    const problems = problemsAfter((doc) =>
      doc.setIn(["organisation", "languages"], [...LANGUAGES].reverse()),
    );
    expect(problems).toEqual([]);
  });

  it("rejects an unknown language", () => {
    const problems = problemsAfter((doc) => doc.setIn(["organisation", "languages"], ["fr", "bm-Latn"]));
    expect(problems).toEqual([
      "organisation.languages.1: unknown language: no catalog functions/i18n/locales/bm-Latn.json; supported: fr, en",
    ]);
  });

  it("rejects an unknown time zone and an unknown supervisor", () => {
    const problems = problemsAfter((doc) => {
      doc.setIn(["organisation", "timeZone"], "Africa/Timbuktu-City");
      doc.setIn(["staff", 0, "supervisor"], "nobody@example.org");
    });
    expect(problems).toContain("organisation.timeZone: is not an IANA time zone");
  });

  it("rejects an unknown supervisor once the schema passes", () => {
    const problems = problemsAfter((doc) => doc.setIn(["staff", 0, "supervisor"], "nobody@example.org"));
    expect(problems).toEqual(["staff.0.supervisor: nobody@example.org is not in staff"]);
  });

  it("reports YAML syntax errors with their line number", () => {
    const broken = humanitarian.replace("  timeZone: Africa/Bamako", "  timeZone: [Africa/Bamako");
    const result = parseConfig(broken);
    expect(result.ok).toBe(false);
    const line = humanitarian.split("\n").findIndex((l) => l.includes("timeZone")) + 1;
    expect(result.ok ? "" : result.problems[0]).toMatch(
      new RegExp(`^line (${line}|${line + 1}), column \\d+: `),
    );
  });

  it("reports unknown keys instead of ignoring them", () => {
    const problems = problemsAfter((doc) => doc.setIn(["deadlines", "acknowlege"], "P1W"));
    expect(problems).toEqual([expect.stringMatching(/^deadlines: .*acknowlege/)]);
  });
});

describe("cfm config check", () => {
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      args,
      (s) => out.push(s),
      (s) => err.push(s),
    );
    return { code, out, err };
  };

  it("exits 0 with a summary for both examples", async () => {
    for (const file of ["config/humanitarian.example.yaml", "config/training-provider.example.yaml"]) {
      const { code, out, err } = await run(["config", "check", file]);
      expect(err).toEqual([]);
      expect(code).toBe(0);
      expect(out.join("\n")).toContain("intake plaintes@example.org");
    }
  });

  it("exits 1 with one path: message line per problem", async () => {
    const { code, err } = await run(["config", "check", "test/events/config/broken.yaml"]);
    expect(code).toBe(1);
    expect(err.length).toBeGreaterThanOrEqual(3);
    for (const line of err) expect(line).toMatch(/^[\w.()]+(, column \d+)?: .+/);
  });

  it("exits 1 for a missing file", async () => {
    const { code, err } = await run(["config", "check", "config/nope.yaml"]);
    expect(code).toBe(1);
    expect(err[0]).toContain("ENOENT");
  });
});

describe("npx cfm (the package's bin)", () => {
  it("exits 0 on a valid config and 1 with path: message lines on a broken one", () => {
    const ok = spawnSync(
      process.execPath,
      ["bin/cfm.js", "config", "check", "config/humanitarian.example.yaml"],
      { encoding: "utf8" },
    );
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain("config/humanitarian.example.yaml: valid");
    const bad = spawnSync(
      process.execPath,
      ["bin/cfm.js", "config", "check", "test/events/config/broken.yaml"],
      { encoding: "utf8" },
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("organisation.holidays.3: is not a date (YYYY-MM-DD)");
  }, 30_000);
});

describe("labels the organisation writes (issue 13: one lookup, with the French fallback)", () => {
  const config = loadConfigText(readFileSync("config/humanitarian.example.yaml", "utf8"), "H");
  const category = config.categories[0];

  it("gives a category or severity its label in the language asked, French for a language it lacks", () => {
    expect(category).toBeDefined();
    const id = category?.id ?? "";
    expect(labelOf(config.categories, id, "en")).toBe(category?.label.en);
    expect(labelOf(config.categories, id, "bm")).toBe(category?.label.fr);
    expect(labelIn(category?.label ?? { fr: "x", en: "y" }, "ff")).toBe(category?.label.fr);
    expect(labelOf(config.severities, "no-such-id", "fr")).toBe("no-such-id");
  });
});
