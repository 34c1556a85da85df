// In the Lambda bundles only, in place of @aws-sdk/credential-provider-node (CfmFunction aliases it here): on
// Lambda the function's role credentials are in its environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN), so the rest of the SDK's default chain (SSO, shared files, processes, web identity,
// container and instance metadata, with their nested STS and SSO clients: about 90 KB in every bundle) is never
// used there (issue 18). The local stack and the tests run the source, with the whole chain.
import { fromEnv } from "@aws-sdk/credential-provider-env";

/** The signature of the default chain's provider factory, which each SDK client calls with its own config. */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
