// The Step Functions client, in its own module so that only the handlers that start executions or complete
// task tokens (intake, task pages, the staff API) bundle it; the workflow's own handlers never call it (issue 18).
import { SFNClient } from "@aws-sdk/client-sfn";
import { onRuntimeReset } from "./runtime.ts";

let client: SFNClient | undefined;
onRuntimeReset(() => {
  client = undefined;
});

/** Built on first use, once per container. */
export function sfn(): SFNClient {
  client ??= new SFNClient({});
  return client;
}
