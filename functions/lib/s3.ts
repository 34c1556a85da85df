// The S3 client, in its own module so that only the handlers that read or write objects (intake, the sweep, the
// console's attachment links) bundle it: about 110 KB that the workflow handlers leave out (issue 18).
import { S3Client } from "@aws-sdk/client-s3";
import type { FinalizeRequestMiddleware } from "@smithy/types";
import { onRuntimeReset } from "./runtime.ts";

let client: S3Client | undefined;
onRuntimeReset(() => {
  client = undefined;
});

/** Built on first use, once per container. */
export function s3(): S3Client {
  client ??= createS3Client();
  return client;
}

function createS3Client(): S3Client {
  const s3 = new S3Client({ forcePathStyle: process.env.CFM_S3_PATH_STYLE === "1" });
  if (process.env.CFM_VIRTUAL_CLOCK === "1") {
    // Local stack only: the SDK corrects "clock skew" from the emulator's real-time Date header, while s3rver
    // checks signatures against the virtual clock. Keep signing in virtual time.
    // Reset right before each signing (retries included, which follow the skew correction).
    const signInVirtualTime: FinalizeRequestMiddleware<object, object> = (next) => (args) => {
      (s3.config as { systemClockOffset: number }).systemClockOffset = 0;
      return next(args);
    };
    s3.middlewareStack.addRelativeTo(signInVirtualTime as never, {
      relation: "before",
      toMiddleware: "httpSigningMiddleware",
      name: "cfmVirtualClockSigning",
    });
  }
  return s3;
}
