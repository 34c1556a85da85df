// Issue 13: one data-access layer. Only functions/store/ talks to DynamoDB and knows the keys; every other
// module reaches the table through a repository (functions/store/*-store.ts). This reads the imports of every
// module under functions/ and fails on one that crosses the boundary, so it stays that way.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const FUNCTIONS = join(ROOT, "functions");
const STORE = join(FUNCTIONS, "store");

/** The DynamoDB SDK packages, and the store modules that only the repositories may read. */
const FORBIDDEN_PACKAGES = ["@aws-sdk/client-dynamodb", "@aws-sdk/lib-dynamodb"];
const STORE_INTERNALS = ["keys.ts", "table-design.ts"].map((f) => join(STORE, f));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every module specifier a source imports or re-exports, statically or dynamically (type imports included). */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\b[^;'"]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']/g,
  ];
  for (const pattern of patterns)
    for (const match of source.matchAll(pattern)) found.push(match[1] as string);
  for (const match of source.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) found.push(match[1] as string);
  return found;
}

/** What a module outside functions/store/ must not do, as readable lines. */
function crossings(file: string, source: string): string[] {
  const out: string[] = [];
  for (const spec of specifiers(source)) {
    if (FORBIDDEN_PACKAGES.some((p) => spec === p || spec.startsWith(`${p}/`)))
      out.push(`${relative(ROOT, file)} imports ${spec} (ask a repository in functions/store/)`);
    if (spec.startsWith(".") && STORE_INTERNALS.includes(resolve(dirname(file), spec)))
      out.push(`${relative(ROOT, file)} imports ${spec} (only the repositories know the keys)`);
  }
  if (/\bTableName\s*:/.test(source))
    out.push(`${relative(ROOT, file)} builds a DynamoDB request (TableName)`);
  return out;
}

const outside = sources(FUNCTIONS).filter((file) => !file.startsWith(`${STORE}/`));

describe("the data-access boundary (issue 13)", () => {
  it("finds a crossing when there is one (the check itself can fail)", () => {
    const file = join(FUNCTIONS, "api", "example.ts");
    expect(crossings(file, `import { GetCommand } from "@aws-sdk/lib-dynamodb";`)).toHaveLength(1);
    expect(crossings(file, `import type { X } from "@aws-sdk/client-dynamodb";`)).toHaveLength(1);
    expect(crossings(file, `import { keys } from "../store/keys.ts";`)).toHaveLength(1);
    expect(crossings(file, `const m = await import("@aws-sdk/lib-dynamodb");`)).toHaveLength(1);
    expect(crossings(file, `doc.send(new X({ TableName: t }))`)).toHaveLength(1);
    expect(crossings(file, `import { outboxStore } from "../store/outbox-store.ts";`)).toEqual([]);
  });

  it("reads every module under functions/", () => {
    expect(outside.length).toBeGreaterThan(100);
    expect(outside.some((f) => f.endsWith("api/staff-api.ts"))).toBe(true);
  });

  it("the store depends on the domain and the errors only, never on what uses it (lib, intake, handlers…)", () => {
    const upward = sources(STORE).flatMap((file) =>
      specifiers(readFileSync(file, "utf8"))
        .filter((spec) => spec.startsWith("."))
        .map((spec) => relative(FUNCTIONS, resolve(dirname(file), spec)))
        .filter((target) => !/^(store|domain)\//.test(target) && target !== "errors.ts")
        .map((target) => `${relative(ROOT, file)} imports functions/${target}`),
    );
    expect(sources(STORE).length).toBeGreaterThan(10);
    expect(upward).toEqual([]);
  });

  it("no module outside functions/store/ imports the DynamoDB SDK or the keys, or sends a command", () => {
    const found = outside.flatMap((file) => crossings(file, readFileSync(file, "utf8")));
    expect(found).toEqual([]);
  });
});
