// The synthesized definition is cached by a hash of its inputs (npm start and the workflow tests read it): the
// cached definition is the one a fresh synth gives, and any change of config or input file is a new key.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfigText } from "../../functions/domain/config.ts";
import {
  definitionCacheKey,
  SYNTH_CACHE_DIR,
  synthesizeUncached,
  synthesizeWorkflow,
} from "../../local/workflow-definition.ts";

const file = "config/training-provider.example.yaml";
const config = loadConfigText(readFileSync(file, "utf8"), file);

describe("the synthesized definition cache", () => {
  it("serves exactly what a fresh synth gives, from a file named by the inputs' hash", {
    timeout: 300_000,
  }, () => {
    const fresh = synthesizeUncached(config);

    const served = synthesizeWorkflow(config);

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
});
