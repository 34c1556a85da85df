// One Powertools logger for every handler: structured JSON with the service name and, inside a Lambda, the
// request context. Callers log ids, counts and error names only (no personal data in logs).
import { Logger } from "@aws-lambda-powertools/logger";

export const logger = new Logger({ serviceName: "cfm" });

export type LogLevel = "INFO" | "WARN" | "ERROR";

export function log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
  if (level === "INFO") logger.info(message, fields);
  else if (level === "WARN") logger.warn(message, fields);
  else logger.error(message, fields);
}
