// Issue 18: the Lambdas never parse their source map; `cfm stack-trace` maps a logged trace back to the source
// offline, from the map that ships beside the bundle. Built here with esbuild as CfmFunction builds a Lambda.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mapStackTrace, stackTraceCommand } from "../../bin/stack-trace.ts";

let dir: string;
let trace: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cfm-stack-trace-"));
  mkdirSync(join(dir, "src"));
  writeFileSync(
    join(dir, "src", "helper.ts"),
    'export function explode(): never {\n  throw new Error("boom");\n}\n',
  );
  writeFileSync(
    join(dir, "src", "handler.ts"),
    'import { explode } from "./helper.ts";\n\nexport const handler = async () => {\n  explode();\n};\n',
  );
  await build({
    entryPoints: [join(dir, "src", "handler.ts")],
    outfile: join(dir, "asset", "index.mjs"),
    bundle: true,
    format: "esm",
    platform: "node",
    minify: true,
    sourcemap: "external",
    sourcesContent: false,
    logLevel: "error",
  });
  const { handler } = await import(pathToFileURL(join(dir, "asset", "index.mjs")).href);
  trace = await handler().then(
    () => "",
    (error: Error) => error.stack ?? "",
  );
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cfm stack-trace", () => {
  it("maps each bundle position of a minified trace to its source file and line", () => {
    expect(trace).toMatch(/index\.mjs:1:\d+/);
    expect(trace).not.toMatch(/helper\.ts/); // the map is not loaded at run time

    const mapped = mapStackTrace(
      trace,
      JSON.parse(readFileSync(join(dir, "asset", "index.mjs.map"), "utf8")),
    );

    expect(mapped).toMatch(/src\/helper\.ts:2:\d+ \(.*index\.mjs:1:\d+\)/);
    expect(mapped).toMatch(/src\/handler\.ts:4:\d+ \(.*index\.mjs:1:\d+\)/);
    expect(mapped.split("\n")[0]).toBe("Error: boom");
  });

  it("reads the trace from a file or stdin, and says what is wrong with a bad map", () => {
    const traceFile = join(dir, "trace.txt");
    writeFileSync(traceFile, trace);
    const out: string[] = [];
    const err: string[] = [];
    const map = join(dir, "asset", "index.mjs.map");

    expect(
      stackTraceCommand(
        [map, traceFile],
        (s) => out.push(s),
        (s) => err.push(s),
      ),
    ).toBe(0);
    expect(
      stackTraceCommand(
        [map],
        (s) => out.push(s),
        (s) => err.push(s),
        () => trace,
      ),
    ).toBe(0);
    expect(out[0]).toMatch(/src\/helper\.ts:2/);
    expect(out[1]).toBe(out[0]);

    expect(
      stackTraceCommand(
        [traceFile],
        () => {},
        (s) => err.push(s),
      ),
    ).toBe(1);
    expect(err.at(-1)).toMatch(/not a readable source map/);
    expect(
      stackTraceCommand(
        [],
        () => {},
        (s) => err.push(s),
      ),
    ).toBe(2);
    expect(err.at(-1)).toMatch(/usage: cfm stack-trace/);
  });
});
