// Scheduled reports Lambda (infra/constructs/reports.ts): EventBridge Scheduler invokes it with `{ kind }`.
// The period is computed here from the invocation time, so a retried invocation reports the same period
// and the outbox (REPORT#<kind>#<period>) keeps it to one email.
import middy from "@middy/core";
import * as z from "zod";
import { invocationDeadline } from "../lib/invocation.ts";
import { liveConfig, parseEvent } from "../lib/middleware.ts";
import { runtime } from "../lib/runtime.ts";
import { runScheduledReport } from "../reports/scheduled.ts";

const rt = runtime();

const scheduledEvent = z.object({ kind: z.enum(["weekly-pending", "monthly", "quarterly", "annual"]) });

export const handler = middy()
  .use(liveConfig(rt))
  .use(invocationDeadline())
  .use(parseEvent(scheduledEvent))
  .handler(async (event) => {
    const { kind } = scheduledEvent.parse(event);
    return runScheduledReport(rt, kind);
  });
