// The synthesized definition is cached by a hash of its inputs (npm start and the workflow tests read it): the
// cached definition is the one a fresh synth gives, and any change of config or input file is a new key.
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { loadConfigText } from "../../functions/domain/config.ts";
import {
  DEFINITION_INPUTS,
  definitionCacheKey,
  SYNTH_CACHE_DIR,
  synthesizeWorkflow,
} from "../../local/workflow-definition.ts";
import { synthesizeUncached } from "../../local/workflow-synth.ts";

const file = "config/training-provider.example.yaml";
const config = loadConfigText(readFileSync(file, "utf8"), file);

describe("the synthesized definition cache", () => {
  it("serves exactly what a fresh synth gives, from a file named by the inputs' hash", {
    timeout: 300_000,
  }, async () => {
    const fresh = synthesizeUncached(config);

    const served = await synthesizeWorkflow(config);

    expect(served).toEqual(fresh);
    const cached = JSON.parse(
      readFileSync(join(SYNTH_CACHE_DIR, `${definitionCacheKey(config)}.json`), "utf8"),
    );
    expect(cached).toEqual(fresh);
  });

  it("changes its key with the config", () => {
    const other = { ...config, retention: "P6Y" };

    expect(definitionCacheKey(other)).not.toBe(definitionCacheKey(config));
    expect(definitionCacheKey(structuredClone(config))).toBe(definitionCacheKey(config));
  });

  it("changes its key when any input file changes, and only then", () => {
    const copy = mkdtempSync(join(tmpdir(), "cfm-synth-inputs-"));
    try {
      for (const path of DEFINITION_INPUTS) cpSync(path, join(copy, path), { recursive: true });
      expect(definitionCacheKey(config, copy)).toBe(definitionCacheKey(config));

      const workflow = join(copy, "workflows", "complaint-workflow.ts");
      const original = readFileSync(workflow, "utf8");
      appendFileSync(workflow, "\n// a change\n");
      expect(definitionCacheKey(config, copy)).not.toBe(definitionCacheKey(config));

      writeFileSync(workflow, original);
      expect(definitionCacheKey(config, copy)).toBe(definitionCacheKey(config));
      appendFileSync(join(copy, "functions", "domain", "deadlines.ts"), "\n");
      expect(definitionCacheKey(config, copy)).not.toBe(definitionCacheKey(config));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it("hashes every source file the synth imports (its module graph outside node_modules)", async () => {
    const result = await build({
      entryPoints: ["local/workflow-definition.ts"],
      bundle: true,
      platform: "node",
      format: "esm",
      packages: "external",
      metafile: true,
      write: false,
      logLevel: "error",
    });
    const sources = Object.keys(result.metafile.inputs).filter((f) => !f.includes("node_modules"));

    expect(sources).toContain("workflows/complaint-workflow.ts");
    const uncovered = sources.filter(
      (file) => !DEFINITION_INPUTS.some((input) => file === input || file.startsWith(`${input}/`)),
    );
    expect(uncovered).toEqual([]);
  });
});
