// Every error the functions throw on purpose, by name. Step Functions matches `ErrorEquals` on `error.name`
// and the staff API maps names to HTTP answers, so each name is a class here and each list of names that
// decides a retry is built from these classes: the state machine (workflows/complaint-workflow.ts) and the
// staff API (functions/api/staff-api.ts) read the same lists. No AWS imports.

/** A named error: `name` is the class name, which `ErrorEquals` and callers match. */
abstract class NamedError extends Error {
  override name: string = this.constructor.name;
  /** The HTTP status a web boundary answers this error with, where one does (pages, staff API). */
  readonly status?: number;
}

// ------------------------------------------------------------------------------------------- transient
// Worth trying again as they are: the same call may succeed a moment later.

/** A dependency was briefly unavailable (SES throttling, a network fault); retried with backoff. */
export class TransientError extends NamedError {
  override name = "TransientError";
}
/** Another writer changed the case between read and write (optimistic locking); the retry re-reads it. */
export class VersionConflictError extends NamedError {
  override name = "VersionConflictError";
}

/**
 * An outgoing message is claimed by another attempt and not yet marked sent: it may be on its way. A crashed
 * attempt (a Lambda timeout, the local stack killed) or a provider that did not answer leaves such a claim; the
 * mailer waits out a claim about to go stale (SEND_CLAIM_STALE_SECONDS) when the invocation has the time and
 * sends, and throws this otherwise: retried.
 */
export class SendInProgressError extends NamedError {
  override name = "SendInProgressError";
}

// ------------------------------------------------------------------------------------------- procedure

/** A submitted decision breaks a rule of the procedure (e.g. a second appeal, T-11). */
export class InvalidDecisionError extends NamedError {
  override name = "InvalidDecisionError";
}
/** Nobody in the directory holds a role a step needs (the config is checked at load; a defence). */
export class NoRoleHolderError extends NamedError {
  override name = "NoRoleHolderError";
}
export class UnknownCategoryError extends NamedError {
  override name = "UnknownCategoryError";
}
/** A step's reminder budget is spent: the case needs attention (H-D5). */
export class TooManyRemindersError extends NamedError {
  override name = "TooManyRemindersError";
}
/** The workflow was handed a submission id the link store does not hold for that step. */
export class SubmissionNotFoundError extends NamedError {
  override name = "SubmissionNotFoundError";
}

// ------------------------------------------------------------------------------------------- data

export class CaseNotFoundError extends NamedError {
  override name = "CaseNotFoundError";
  override readonly status = 404;
}
export class StoreValidationError extends NamedError {
  override name = "StoreValidationError";
  constructor(
    readonly record: string,
    readonly field: string,
    detail: string,
  ) {
    super(`invalid ${record}: ${field}: ${detail}`);
  }
}
/** A continuation token that is not one of this list's. */
export class InvalidPageTokenError extends NamedError {
  override name = "InvalidPageTokenError";
  override readonly status = 400;
  constructor() {
    super("not a continuation token of this list");
  }
}
export class LinkAlreadyUsedError extends NamedError {
  override name = "LinkAlreadyUsedError";
  override readonly status = 409;
}
export class RawMessageMissingError extends NamedError {
  override name = "RawMessageMissingError";
}
export class FilingReferencesExhaustedError extends NamedError {
  override name = "FilingReferencesExhaustedError";
}

// ------------------------------------------------------------------------------------------- input

export class InvalidInputError extends NamedError {
  override name = "InvalidInputError";
  override readonly status = 400;
}
/** T-12: an expired case could not be erased whole (an S3 object or an item left); the stream retries it. */
export class PurgeIncompleteError extends NamedError {
  override name = "PurgeIncompleteError";
}
export class InvalidSesEventError extends NamedError {
  override name = "InvalidSesEventError";
}
export class InvalidReferenceError extends NamedError {
  override name = "InvalidReferenceError";
  override readonly status = 400;
}
export class InvalidPeriodError extends NamedError {
  override name = "InvalidPeriodError";
  override readonly status = 400;
}
export class InvalidDurationError extends NamedError {
  override name = "InvalidDurationError";
}
export class InvalidCalendarError extends NamedError {
  override name = "InvalidCalendarError";
}
export class FormBodyTooLargeError extends NamedError {
  override name = "FormBodyTooLargeError";
  override readonly status = 413;
}
export class TemplateDataError extends NamedError {
  override name = "TemplateDataError";
}
export class MailRejectedError extends NamedError {
  override name = "MailRejectedError";
}

/** A sign-in the identity provider refused or that could not be verified (console, OpenID Connect). */
export class SignInError extends NamedError {
  override name = "SignInError";
  override readonly status = 400;
}
/** `cfm poster --url` that is not an absolute http(s) address. */
export class PosterUrlError extends NamedError {
  override name = "PosterUrlError";
}

// ------------------------------------------------------------------------------------------- setup

export class InvalidConfigError extends NamedError {
  override name = "InvalidConfigError";
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid configuration ${source}:\n${problems.join("\n")}`);
  }
}
/** Issue 12: the stored live config (CONFIG/CURRENT) is not what a push writes; the Lambdas keep the last good one. */
export class StoredConfigError extends NamedError {
  override name = "StoredConfigError";
}
/** Issue 12: another `cfm config push` moved the live config between this push's read and its write. */
export class ConfigPushConflictError extends NamedError {
  override name = "ConfigPushConflictError";
}
export class MissingEnvironmentError extends NamedError {
  override name = "MissingEnvironmentError";
}
export class LinkSecretError extends NamedError {
  override name = "LinkSecretError";
}

/** A message key that is in no catalog: a programming error, never shown to a user as a raw key. */
export class MissingMessageError extends NamedError {
  override name = "MissingMessageError";
  override readonly status = 500;
}

// ------------------------------------------------------------------------------------------- operations

/** The intake sweep could not process every raw message it found; the failed run raises its alarm. */
export class SweepIncompleteError extends NamedError {
  override name = "SweepIncompleteError";
}

// ------------------------------------------------------------------------------------------- retry lists

/** AWS service errors that say "slow down" or "try again" (DynamoDB, SES, Lambda's own SDK calls). */
export const AWS_TRANSIENT_ERRORS = [
  "ThrottlingException",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "TransactionConflictException",
  "InternalServerError",
  "ServiceUnavailable",
] as const;

/** Every error name worth retrying unchanged: ours, then AWS's. The staff API answers these with a 503. */
export const TRANSIENT_ERRORS: readonly string[] = [
  new TransientError().name,
  new VersionConflictError().name,
  new SendInProgressError().name,
  ...AWS_TRANSIENT_ERRORS,
];

/**
 * How long a claim on an outgoing message holds before another attempt may send it: longer than a live
 * attempt can hold it (the senders' clients give up after 3 s to connect and 8 s for the request, one
 * attempt: functions/lib/runtime.ts), so that only a crashed attempt's claim is taken over.
 */
export const SEND_CLAIM_STALE_SECONDS = 30;

/** Failures of the Lambda service itself (not of the function's code), as Step Functions names them. */
export const LAMBDA_SERVICE_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
  "Lambda.ClientExecutionTimeoutException",
  "Lambda.Unknown",
] as const;

/** What every Lambda task of the state machine retries with backoff and jitter; the rest goes to its Catch. */
export const WORKFLOW_RETRY_ERRORS: readonly string[] = [...LAMBDA_SERVICE_ERRORS, ...TRANSIENT_ERRORS];

/** Whether an error is transient (by name, or the AWS SDK's own retryable mark). */
export function isTransient(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return (
    (typeof name === "string" && TRANSIENT_ERRORS.includes(name)) ||
    !!(error as { $retryable?: unknown } | null)?.$retryable
  );
}
