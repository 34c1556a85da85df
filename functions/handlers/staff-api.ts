// Staff API Lambda behind the HTTP API's Cognito JWT authoriser (infra/constructs/api.ts). The routing and the
// rules live in functions/api/staff-api.ts; the local HTTP server calls handleStaffApi with the same events.
import middy from "@middy/core";
import { type ApiResponse, handleStaffApi, type StaffApiEvent } from "../api/staff-api.ts";
import { invocationDeadline } from "../lib/invocation.ts";
import { liveConfig } from "../lib/middleware.ts";
import { runtime } from "../lib/runtime.ts";

// At init: a misconfigured function fails at start, clearly (runtime.ts).
const rt = runtime();

export const handler = middy<StaffApiEvent, ApiResponse>()
  .use(liveConfig(rt))
  .use(invocationDeadline())
  .handler(async (event) => handleStaffApi(event, rt));

export type { ApiResponse, StaffApiEvent };
export { handleStaffApi };
