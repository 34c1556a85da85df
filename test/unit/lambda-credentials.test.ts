// Issue 18: the Lambda bundles take the role's credentials from the environment only (functions/lib/
// lambda-credentials.ts replaces the SDK's default chain there); a missing variable is a clear error, not a
// silent search through files and metadata endpoints.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { defaultProvider } from "../../functions/lib/lambda-credentials.ts";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe("the bundles' credential provider", () => {
  it("gives the role credentials Lambda puts in the environment, session token included", async () => {
    process.env.AWS_ACCESS_KEY_ID = "ASIAEXAMPLE";
    process.env.AWS_SECRET_ACCESS_KEY = "secret";
    process.env.AWS_SESSION_TOKEN = "token";

    await expect(defaultProvider()()).resolves.toMatchObject({
      accessKeyId: "ASIAEXAMPLE",
      secretAccessKey: "secret",
      sessionToken: "token",
    });
  });

  it("is what an SDK client calls for its credentials, as the default chain would be", async () => {
    process.env.AWS_ACCESS_KEY_ID = "ASIAEXAMPLE";
    process.env.AWS_SECRET_ACCESS_KEY = "secret";
    const client = new DynamoDBClient({ region: "us-east-1", credentialDefaultProvider: defaultProvider });

    await expect(client.config.credentials()).resolves.toMatchObject({ accessKeyId: "ASIAEXAMPLE" });
  });

  it("fails clearly when the environment holds no credentials", async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;

    await expect(defaultProvider()()).rejects.toThrow(/environment variable/i);
  });
});
