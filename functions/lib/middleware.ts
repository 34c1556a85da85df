// Middy middleware shared by the handlers.
import type middy from "@middy/core";
import type { z } from "zod";

export class InvalidInputError extends Error {
  override name = "InvalidInputError";
}

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
