// The current invocation's deadline, for work that may choose to wait (functions/mail/mailer.ts waits out a
// crashed send's claim only when the invocation has the time). Lambda runs one invocation at a time per
// container, so one value per module is the invocation's own; the local stack gives every handler 60 s.
import type middy from "@middy/core";

let deadline: number | undefined;

/** Notes when this invocation must end, from Lambda's context (for handlers outside middy). */
export function noteDeadline(context: { getRemainingTimeInMillis?: () => number } | undefined): void {
  const left = context?.getRemainingTimeInMillis?.();
  deadline = typeof left === "number" ? Date.now() + left : undefined;
}

/** The invocation has ended: no deadline until the next one. */
export function clearDeadline(): void {
  deadline = undefined;
}

/** Middleware: notes when this invocation must end (Lambda's context), before the handler runs. */
export function invocationDeadline(): middy.MiddlewareObj {
  return {
    before: (request) => noteDeadline(request.context),
    after: () => clearDeadline(),
    onError: () => clearDeadline(),
  };
}

/** Milliseconds this invocation has left; unbounded outside a Lambda invocation (a script, a test). */
export function timeLeftMs(): number {
  return deadline === undefined ? Number.POSITIVE_INFINITY : deadline - Date.now();
}
