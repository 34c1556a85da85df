// Middy middleware shared by the handlers.
import type middy from "@middy/core";
import type * as z from "zod";
import { InvalidInputError } from "../errors.ts";
import { log } from "./logger.ts";

export { InvalidInputError };

/** Validates the event with zod before the handler runs; a bad event throws InvalidInputError (no retry). */
export function parseEvent<S extends z.ZodType>(schema: S): middy.MiddlewareObj<z.input<S>> {
  return {
    before: (request) => {
      const result = schema.safeParse(request.event);
      if (!result.success) {
        const issues = result.error.issues.map((i) => `${i.path.join(".") || "(event)"}: ${i.message}`);
        throw new InvalidInputError(`invalid input: ${issues.join("; ")}`);
      }
      request.event = result.data as z.input<S>;
    },
  };
}

/** Logs each invocation of a workflow Lambda by ids only (reference, action, step) and its error's name. */
export function logged(handler: string): middy.MiddlewareObj<unknown> {
  const ids = (event: unknown) => {
    const e = (event ?? {}) as Record<string, unknown>;
    return { handler, reference: e.reference, action: e.action, step: e.step };
  };
  return {
    after: (request) => {
      log("INFO", "step done", ids(request.event));
    },
    onError: (request) => {
      log("WARN", "step failed", { ...ids(request.event), error: request.error?.name });
    },
  };
}

/**
 * Issue 12: before each invocation, the live part of the config (staff, calendar, reminders, recipients) is
 * refreshed from the last `cfm config push` if the copy this container holds is older than the cache period.
 */
export function liveConfig<E = unknown, R = unknown>(rt: {
  refreshConfig(): Promise<void>;
}): middy.MiddlewareObj<E, R> {
  return {
    before: async () => {
      await rt.refreshConfig();
    },
  };
}
