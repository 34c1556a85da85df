// `npm run baseline`: records the stack as released, per example config, in test/infra/baseline/. The upgrade
// test diffs every later template against it. Run it only when a release is cut, or in the same reviewed commit
// as a deliberate migration of a stateful resource (README, "Upgrades and stateful resources").
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { REPO_ROOT } from "./constructs/cfm-function.ts";
import {
  baselinePath,
  EXAMPLE_CONFIGS,
  type ExampleName,
  normaliseTemplate,
  statefulListProblems,
  synthTemplate,
} from "./upgrade.ts";

for (const [name, config] of Object.entries(EXAMPLE_CONFIGS) as [ExampleName, string][]) {
  const template = synthTemplate(config);
  // A baseline that contradicts the stateful list would hide the next problem: refuse it.
  const problems = statefulListProblems(template);
  if (problems.length > 0) {
    console.error(`cfm: ${config} does not match infra/stateful-resources.json; fix that first:`);
    for (const problem of problems) console.error(`  ${problem}`);
    process.exit(1);
  }
  const path = baselinePath(name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(normaliseTemplate(template), null, 1)}\n`);
  console.log(`cfm: wrote ${relative(REPO_ROOT, path)} (${config})`);
}
