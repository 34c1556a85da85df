// SES's Send events (EventBridge rule of infra/constructs/mail-events.ts): each marks the outbox item the message
// names sent, so that an attempt taking over a crashed send's claim finds it done and does not send it twice
// (issue 15; functions/mail/sent-receipt.ts). Only the outcome is logged.
import middy from "@middy/core";
import { log } from "../lib/logger.ts";
import { parseEvent } from "../lib/middleware.ts";
import { requireEnv } from "../lib/runtime.ts";
import { recordSent } from "../mail/record-sent.ts";
import { type SesSendEvent, sesSendEvent } from "../mail/sent-receipt.ts";
import { openTable } from "../store/table.ts";

// The table only: this Lambda needs no config, no SES client and no link secret.
const table = openTable(requireEnv("TABLE_NAME"));

export const handler = middy()
  .use(parseEvent(sesSendEvent))
  .handler(async (event: SesSendEvent) => {
    const outcome = await recordSent(table, event);
    // Usually the sender's own mark came first ("already-recorded"); "confirmed" is a send whose mark was
    // late or lost to a crash.
    log("INFO", "send event recorded", { outcome });
    return { outcome };
  });
