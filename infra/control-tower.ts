// AWS Control Tower's proactive controls (the cfn-guard rules bundled in @cdklabs/cdk-validator-cfnguard) as a
// CDK policy-validation plugin, and every finding cfm keeps, with its reason, in ONE list:
// CONTROL_TOWER_ACKNOWLEDGEMENTS below. `npx cdk synth` fails on a finding that is neither fixed nor listed
// here; test/infra/control-tower.test.ts says which control, which construct and what to add.
//
// A new resource that fails a control: fix it (the finding's "fix" says how), or add an entry below with the
// control id, the construct path under the stack (as the failing test prints it) and a reason that would convince
// a security reviewer. Entries that no longer match a finding fail the test too, so this list stays true.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, parse } from "node:path";
import { CfnGuardValidator } from "@cdklabs/cdk-validator-cfnguard";
import type {
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  PolicyViolation,
  Stack,
} from "aws-cdk-lib";
import { Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

/** The plugin's name, hence the namespace of its acknowledgements: `control-tower::CT.S3.PR.9`. */
export const CONTROL_TOWER_PLUGIN = "control-tower";

const require = createRequire(import.meta.url);
const GUARD_PACKAGE = dirname(require.resolve("@cdklabs/cdk-validator-cfnguard/package.json"));
const RULES_DIR = join(GUARD_PACKAGE, "rules", "control-tower", "cfn-guard");

export interface ControlTowerAcknowledgement {
  /** The Control Tower control id, as the finding prints it: `CT.S3.PR.9`. */
  control: string;
  /**
   * Construct paths under the stack, e.g. `Storage/AccessLogs`; `*` stands for one path segment, `**` for any
   * number. The acknowledgement covers the construct and everything under it.
   */
  paths: string[];
  reason: string;
}

export const REASONS = {
  noVpc:
    "cfm's Lambdas reach only AWS APIs (DynamoDB, S3, SES, Step Functions, Secrets Manager, KMS, CloudWatch) " +
    "and hold no private network resource to protect. Inside a VPC they would need a NAT gateway (about $32 a " +
    "month) or an interface endpoint per service (about $7 a month each per zone), many times the mechanism's " +
    "whole running cost, for no isolation gained: access is governed by IAM, KMS and TLS instead.",
  publicTaskRoutes:
    "The task-link routes /t/{token} are public by design: the HMAC-signed, single-use, expiring link is the " +
    "credential, checked by the task-pages Lambda (staff and complainants open it from an email, without an " +
    "account). The staff API routes carry the Cognito JWT authoriser.",
  hookRoutes:
    "Issue 17: KoboToolbox REST Services and SMS gateways cannot sign in with an IAM, JWT or custom " +
    "authoriser; each request carries its own credential (the form's shared secret, or an HMAC-SHA256 " +
    "signature with a timestamp), checked in constant time by the channel-hooks Lambda; refused requests are " +
    "kept and alarmed on.",
  publicComplainantRoutes:
    "The complainant's web form, follow-up and satisfaction routes are public by design: people file without " +
    "an account, anonymously if they wish. The follow-up page's credential is the receipt code (checked by " +
    "the public-pages Lambda against a scrypt hash, wrong codes throttled per hashed address); the " +
    "satisfaction link is HMAC-signed; the form is throttled per hashed address (functions/public/).",
  consoleRoutes:
    "The console routes /console and /console/{proxy+} authenticate in the console Lambda: OpenID Connect (code " +
    "+ PKCE) with this stack's Cognito user pool, then a signed HttpOnly, SameSite=Lax session cookie checked on " +
    "every request and a CSRF token on every POST. API Gateway's JWT authoriser reads a bearer header, never a " +
    "cookie, so it cannot guard a browser session.",
  invokeFromApi:
    "API Gateway may invoke the function only from this HTTP API's route: SourceArn is the route's " +
    "execute-api ARN in this account (arn:...:execute-api:<region>:<account>:<api id>/*/*/<route>). The rule " +
    "accepts only a literal string or a Ref/GetAtt, and that ARN can only be built with Fn::Join; " +
    "test/infra/control-tower.test.ts checks every permission has it.",
  invokeFromSes:
    "SES may invoke the function only for this account (SourceAccount) and this receipt rule (SourceArn). Both " +
    "are intrinsic functions (the account is a pseudo-parameter, the rule ARN an Fn::Join as receipt rules " +
    "have no Arn attribute), which the rule reads as missing; test/infra/control-tower.test.ts checks both.",
  accessLogsEncryption:
    "Server access logs can only be delivered to a bucket whose default encryption is SSE-S3: AWS documents " +
    "that default encryption with SSE-KMS is not supported for a logging target (Amazon S3 User Guide, " +
    "'Enabling Amazon S3 server access logging'). The logs hold request metadata, not complaint data.",
  accessLogsLogging:
    "This is the access-log bucket itself: AWS advises against enabling server access logging on a logging " +
    "target (logging it into itself loops); reads of the logs are recorded by CloudTrail.",
  noEventNotifications:
    "Nothing consumes this bucket's events: the SES receipt rule invokes intake directly after storing the raw " +
    "message, and only intake writes attachments. An event notification would need a destination (a queue or " +
    "EventBridge rule and CDK's notifications custom-resource Lambda) that nothing reads.",
  noObjectLock:
    "Object Lock would stop the lifecycle rules from deleting objects on time: raw mail must go after " +
    "rawMailExpiryDays, attachments at the end of the T-12 retention, and a person's data must be erasable on " +
    "request. Versioning, deletion protection of the table, Retain policies and TLS-only bucket policies guard " +
    "against loss instead. A logging target cannot have Object Lock at all (Amazon S3 User Guide).",
  deadLetterQueue:
    "This queue is itself a dead-letter destination (failed asynchronous invocations or schedules); nothing " +
    "consumes it, so no redrive can happen, and an alarm fires at its first message. A dead-letter queue of a " +
    "dead-letter queue would only move messages an operator is reading.",
} as const;

/**
 * Every Control Tower finding cfm keeps, per resource, with its reason. See the header for how to add one.
 * (Fixed rather than kept: CT.CLOUDWATCH.PR.2, every log group keeps a year; CT.KMS.PR.3, the key policy
 * denies CreateGrant unless it is for an AWS resource.)
 */
/** The complainant's routes (infra/constructs/api.ts). */
const PUBLIC_ROUTES = [
  "Api/HttpApi/*--submit",
  "Api/HttpApi/*--follow-up",
  "Api/HttpApi/POST--follow-up--{action}",
  "Api/HttpApi/*--satisfaction--{token}",
];

/** Issue 17: the Kobo and gateway webhook routes (present only when the config declares them). */
const HOOK_ROUTES = ["Api/HttpApi/POST--hooks--kobo--{form}", "Api/HttpApi/POST--hooks--messages--{source}"];

export const CONTROL_TOWER_ACKNOWLEDGEMENTS: ControlTowerAcknowledgement[] = [
  { control: "CT.LAMBDA.PR.3", paths: ["**/Function"], reason: REASONS.noVpc },
  { control: "CT.APIGATEWAY.PR.5", paths: ["Api/HttpApi/*--t--{token}"], reason: REASONS.publicTaskRoutes },
  {
    control: "CT.APIGATEWAY.PR.5",
    paths: ["Api/HttpApi/*--console", "Api/HttpApi/*--console--{proxy+}"],
    reason: REASONS.consoleRoutes,
  },
  {
    control: "CT.APIGATEWAY.PR.5",
    paths: PUBLIC_ROUTES,
    reason: REASONS.publicComplainantRoutes,
  },
  {
    control: "CT.LAMBDA.PR.2",
    paths: [
      "Api/HttpApi/*--t--{token}/TaskPagesIntegration-Permission",
      "Api/HttpApi/ANY--api--{proxy+}/StaffApiIntegration-Permission",
      "Api/HttpApi/*--console/ConsoleIntegration-Permission",
      "Api/HttpApi/*--console--{proxy+}/ConsoleIntegration-Permission",
      ...PUBLIC_ROUTES.map((route) => `${route}/PublicPagesIntegration-Permission`),
    ],
    reason: REASONS.invokeFromApi,
  },
  {
    control: "CT.APIGATEWAY.PR.5",
    paths: HOOK_ROUTES,
    reason: REASONS.hookRoutes,
  },
  {
    control: "CT.LAMBDA.PR.2",
    paths: HOOK_ROUTES.map((route) => `${route}/ChannelHooksIntegration-Permission`),
    reason: REASONS.invokeFromApi,
  },
  {
    control: "CT.LAMBDA.PR.2",
    paths: ["Intake/IntakeEmail/Function/AllowSesIntakeRule"],
    reason: REASONS.invokeFromSes,
  },
  { control: "CT.S3.PR.10", paths: ["Storage/AccessLogs"], reason: REASONS.accessLogsEncryption },
  { control: "CT.S3.PR.2", paths: ["Storage/AccessLogs"], reason: REASONS.accessLogsLogging },
  {
    control: "CT.S3.PR.4",
    paths: ["Storage/AccessLogs", "Storage/RawMail", "Storage/Attachments"],
    reason: REASONS.noEventNotifications,
  },
  {
    control: "CT.S3.PR.9",
    paths: ["Storage/AccessLogs", "Storage/RawMail", "Storage/Attachments"],
    reason: REASONS.noObjectLock,
  },
  {
    control: "CT.SQS.PR.1",
    paths: ["**/FailureQueue", "Reports/ScheduleDeadLetterQueue"],
    reason: REASONS.deadLetterQueue,
  },
];

/** `Storage/*` → RegExp over a construct path relative to the stack. */
export function pathPattern(glob: string): RegExp {
  const parts = glob.split("/").map((part) => {
    if (part === "**") return "(?:[^/]+/)*";
    const escaped = part.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*");
    return `${escaped}/`;
  });
  return new RegExp(`^${parts.join("")}`.replace(/\/$/, "$"));
}

/** The constructs (below `stack`) an acknowledgement path names. */
export function constructsAt(stack: Stack, glob: string): IConstruct[] {
  const pattern = pathPattern(glob);
  const prefix = `${stack.node.path}/`;
  return stack.node
    .findAll()
    .filter((c) => c.node.path.startsWith(prefix) && pattern.test(c.node.path.slice(prefix.length)));
}

/** Records CONTROL_TOWER_ACKNOWLEDGEMENTS on the constructs they name (CDK then suppresses those findings). */
export function acknowledgeControlTowerFindings(
  stack: Stack,
  acknowledgements: ControlTowerAcknowledgement[] = CONTROL_TOWER_ACKNOWLEDGEMENTS,
): void {
  for (const ack of acknowledgements) {
    for (const glob of ack.paths) {
      for (const construct of constructsAt(stack, glob)) {
        Validations.of(construct).acknowledge({
          id: `${CONTROL_TOWER_PLUGIN}::${ack.control}`,
          reason: ack.reason,
        });
      }
    }
  }
}

/** `[CT.S3.PR.9]: Require ...` → `CT.S3.PR.9`. */
export function controlId(description: string | undefined): string | undefined {
  return /^\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(description ?? "")?.[1];
}

/**
 * The Control Tower rules as a policy-validation plugin. Findings are named by control id (CT.S3.PR.9) rather
 * than by guard rule name. Only the rule files that name a resource type present in the templates run (the
 * others can only skip): cfn-guard takes a fraction of a second per rule file on a 200 KB template.
 */
export class ControlTowerChecks implements IPolicyValidationPlugin {
  readonly name = CONTROL_TOWER_PLUGIN;
  readonly version: string = (
    JSON.parse(readFileSync(join(GUARD_PACKAGE, "package.json"), "utf8")) as { version: string }
  ).version;

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const types = new Set<string>();
    for (const path of context.templatePaths) {
      const template = JSON.parse(readFileSync(path, "utf8")) as {
        Resources?: Record<string, { Type: string }>;
      };
      for (const resource of Object.values(template.Resources ?? {})) types.add(resource.Type);
    }
    const irrelevant = ruleFiles()
      .filter((file) => {
        const named = readFileSync(file, "utf8").match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? [];
        return named.length > 0 && !named.some((type) => types.has(type));
      })
      .map((file) => parse(file).name);
    const report = new CfnGuardValidator({ disabledRules: irrelevant, maxBuffer: 64 * 1024 * 1024 }).validate(
      context,
    );
    const violations: PolicyViolation[] = report.violations
      .map((violation) => ({
        ...violation,
        ruleName: controlId(violation.description) ?? violation.ruleName,
        // cfn-guard sometimes also reports a check on the template itself (no resource): keep resources only.
        violatingResources: violation.violatingResources.filter((r) => r.resourceLogicalId),
      }))
      .filter((violation) => violation.violatingResources.length > 0);
    return { success: violations.length === 0, violations };
  }
}

function ruleFiles(): string[] {
  return readdirSync(RULES_DIR, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".guard"))
    .map((file) => join(RULES_DIR, file));
}
