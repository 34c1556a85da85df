import { defineConfig } from "vitest/config";

// Three projects: pure unit tests, integration tests on real emulators (DynamoDB Local,
// aws-local-stepfunctions, aws-ses-v2-local, Chromium) and CDK template tests.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/helpers/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "infra",
          include: ["test/infra/**/*.test.ts"],
          testTimeout: 120_000,
          // CDK synthesis in beforeAll takes seconds, more on a loaded machine.
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
