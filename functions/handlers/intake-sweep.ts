// Intake recovery sweep (issue 15), every 15 minutes (EventBridge Scheduler, infra/constructs/intake.ts):
// raw messages stored by SES at least 30 minutes ago, within the last 7 days, that have no recorded outcome
// are processed again (functions/intake/recover.ts). Throws when a message failed, so the invocation counts
// as an error (alarmed) while the others are done.
import middy from "@middy/core";
import * as z from "zod";
import { SweepIncompleteError } from "../errors.ts";
import { sweepRawMessages } from "../intake/recover.ts";
import { invocationDeadline } from "../lib/invocation.ts";
import { log } from "../lib/logger.ts";
import { liveConfig } from "../lib/middleware.ts";
import { requireEnv, runtime } from "../lib/runtime.ts";

const rt = runtime();
const bucket = requireEnv("RAW_BUCKET");

const MINUTE = 60_000;
/** Longer than SES's asynchronous invocation and its retries normally take. */
export const SWEEP_MIN_AGE_MS = 30 * MINUTE;
/** A week back: a message still without an outcome by then has been alarmed on for days. */
export const SWEEP_LOOKBACK_MS = 7 * 24 * 60 * MINUTE;

// The schedule sends {} (nothing is read from it); anything else is refused clearly.
const eventSchema = z.object({}).passthrough();

export const handler = middy()
  .use(liveConfig(rt))
  .use(invocationDeadline())
  .handler(async (event: unknown) => {
    eventSchema.parse(event ?? {});
    const result = await sweepRawMessages(rt, {
      bucket,
      olderThanMs: SWEEP_MIN_AGE_MS,
      lookbackMs: SWEEP_LOOKBACK_MS,
      now: rt.now(),
    });
    log("INFO", "intake sweep done", {
      checked: result.checked,
      recovered: result.recovered.length,
      failed: result.failed.length,
    });
    if (result.failed.length > 0)
      throw new SweepIncompleteError(`${result.failed.length} raw message(s) could not be processed`);
    return { checked: result.checked, recovered: result.recovered.length };
  });
