// Task links and the staff API on one API Gateway HTTP API.
//
// Why an HTTP API rather than Lambda Function URLs: stage-level throttling (a Function URL can only be
// limited through reserved concurrency), a custom domain when the organisation wants one, a built-in JWT
// authoriser for the staff routes, one endpoint for both Lambdas and access logs. A REST API would add
// request validation and WAF, at about 3.5 times the price per request, for routes that validate their own input.
//
// Why Cognito for staff: it is in the organisation's own account (no other vendor, no extra contract), it
// enforces MFA and a password policy, its `cognito:groups` claim carries the coordinator/staff distinction
// the staff API needs (full view vs general-staff view, H-D1), and API Gateway checks its JWTs itself (a JWT
// authoriser: no authoriser Lambda to write, run or pay for). IAM (SigV4) would need an IAM user per staff
// member; a Lambda authoriser would be code to maintain for the same result.
//
// The task routes /t/{token} have no authoriser on purpose: the signed, single-use link is the credential
// (functions/tasks/link-token.ts), and complainants who appeal have no account.
import { CfnOutput, Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import { HttpUserPoolAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import type { OrgConfig } from "../../functions/domain/config.ts";
import { acceptIamWildcards, EXECUTIONS_FINDING, nagArn, REASONS, suppress } from "../nag.ts";
import { CfmFunction } from "./cfm-function.ts";
import type { EmailDomain } from "./intake.ts";
import { LOG_RETENTION, type Storage } from "./storage.ts";

export const STAFF_GROUPS = {
  coordinator: "Full view of every case, sensitive ones included (H-D1)",
  staff: "General-staff view: sensitive cases show only their status and deadlines (H-D1)",
} as const;

/** What the task pages call to complete a callback task (never SendTaskHeartbeat: no task has a heartbeat). */
export const TASK_RESPONSE_ACTIONS = ["states:SendTaskSuccess", "states:SendTaskFailure"] as const;
const TASK_RESPONSE_REASON =
  "states:SendTaskSuccess and states:SendTaskFailure do not support resource-level permissions (the Service " +
  "Authorization Reference lists no resource type): '*' is the documented resource; the task token is the " +
  "capability, and only the task-pages role holds the two actions.";

/** Stage throttling for every route: task pages are opened by people, the staff API by a handful of tools. */
export const THROTTLE = { burstLimit: 50, rateLimit: 20 } as const;

/** The organisation's own host name for the console and the task links (an ACM certificate in the region). */
export interface CustomDomain {
  domainName: string;
  certificateArn: string;
}

export interface ApiProps {
  config: OrgConfig;
  storage: Storage;
  email: EmailDomain;
  /** Staff MFA: required (the default) or optional (the staff member chooses); TOTP either way. */
  staffMfa?: "required" | "optional";
  /** Prefix of the Cognito managed-login domain (<prefix>.auth.<region>.amazoncognito.com), unique per region. */
  loginDomainPrefix?: string;
  customDomain?: CustomDomain;
}

export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  /** HMAC key of the task links; readable by the task-pages and workflow Lambdas only. */
  readonly linkSecret: secretsmanager.Secret;
  readonly taskPages: CfmFunction;
  /** The complainant's web form, follow-up and satisfaction pages (functions/public/). */
  readonly publicPages: CfmFunction;
  readonly staffApi: CfmFunction;
  /** The staff console (functions/handlers/console.ts): signs in through the user pool's managed login. */
  readonly console: CfmFunction;
  /** The console's app client: authorization code with PKCE, no secret, callback /console/callback. */
  readonly consoleClient: cognito.UserPoolClient;
  readonly loginDomain: cognito.UserPoolDomain;
  /** The console's URL (the custom domain when there is one). */
  readonly consoleUrl: string;
  /** `https://<api id>.execute-api.<region>.amazonaws.com/t/`: built from the API id, so the workflow
   * Lambdas can hold it without depending on the routes (no circular dependency). */
  readonly taskBaseUrl: string;
  readonly staffApiUrl: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { storage, config, email } = props;

    this.linkSecret = new secretsmanager.Secret(this, "LinkSecret", {
      description: "cfm: HMAC-SHA256 key that signs task links",
      encryptionKey: storage.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    suppress(this.linkSecret, [
      {
        id: "AwsSolutions-SMG4",
        reason:
          "Rotating the link-signing key would invalidate every task link already emailed (an appeal link " +
          "stays valid for the whole appeal window); links are single-use, expire and are stored hashed. " +
          "Rotation is a manual, announced operation.",
      },
    ]);

    this.userPool = new cognito.UserPool(this, "StaffUsers", {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      mfa: props.staffMfa === "optional" ? cognito.Mfa.OPTIONAL : cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    suppress(this.userPool, [
      {
        id: "AwsSolutions-COG8",
        reason:
          "The Plus feature plan (threat protection, priced per active user) is not needed: a few admin-created " +
          "staff accounts, no self sign-up, a strong password policy and required TOTP MFA; Essentials is free " +
          "at an NGO's staff numbers.",
      },
    ]);
    for (const [groupName, description] of Object.entries(STAFF_GROUPS)) {
      new cognito.UserPoolGroup(this, `Group-${groupName}`, {
        userPool: this.userPool,
        groupName,
        description,
      });
    }
    this.userPoolClient = this.userPool.addClient("StaffApiClient", {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      disableOAuth: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
    });

    this.httpApi = new apigw.HttpApi(this, "HttpApi", {
      description: "cfm: task links (/t/) and staff API (/api/)",
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, "AccessLogs", {
      retention: LOG_RETENTION,
      encryptionKey: storage.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = new apigw.HttpStage(this, "DefaultStage", {
      httpApi: this.httpApi,
      stageName: "$default",
      autoDeploy: true,
      throttle: THROTTLE,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        // No $context.path and no source IP: the path of a task route is the link itself (a credential),
        // and IP addresses are personal data.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            time: "$context.requestTime",
            routeKey: "$context.routeKey",
            status: "$context.status",
            responseLength: "$context.responseLength",
            latency: "$context.responseLatency",
            integrationLatency: "$context.integrationLatency",
            integrationError: "$context.integrationErrorMessage",
            authorizerError: "$context.authorizer.error",
          }),
        ),
      },
    });
    const endpoint = this.httpApi.apiEndpoint;
    // With a custom domain, emails carry it (task links) and the console lives there too.
    const publicBase = props.customDomain ? `https://${props.customDomain.domainName}` : endpoint;
    this.taskBaseUrl = `${publicBase}/t/`;
    this.staffApiUrl = `${endpoint}/api/`;
    this.consoleUrl = `${publicBase}/console/`;
    if (props.customDomain) {
      const domain = new apigw.DomainName(this, "CustomDomain", {
        domainName: props.customDomain.domainName,
        certificate: acm.Certificate.fromCertificateArn(
          this,
          "Certificate",
          props.customDomain.certificateArn,
        ),
      });
      new apigw.ApiMapping(this, "CustomDomainMapping", {
        api: this.httpApi,
        domainName: domain,
        stage: this.stage,
      });
      new CfnOutput(Stack.of(this), "CustomDomainTarget", {
        description: `DNS: a CNAME (or alias) from ${props.customDomain.domainName} to this name`,
        value: domain.regionalDomainName,
      });
    }

    // The console signs in with the user pool's managed login: a Cognito domain and a public app client with
    // the authorization code flow (the console always sends a PKCE S256 challenge), callbacks on both the
    // API's own endpoint and the custom domain. `cognito:groups` is in the ID token.
    const stackName = Stack.of(this)
      .stackName.toLowerCase()
      .replace(/[^a-z0-9-]/g, "-");
    this.loginDomain = this.userPool.addDomain("ManagedLogin", {
      cognitoDomain: { domainPrefix: props.loginDomainPrefix ?? `${stackName}-${Stack.of(this).account}` },
    });
    const origins = [endpoint, ...(props.customDomain ? [`https://${props.customDomain.domainName}`] : [])];
    this.consoleClient = this.userPool.addClient("ConsoleClient", {
      generateSecret: false,
      preventUserExistenceErrors: true,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: origins.map((o) => `${o}/console/callback`),
        logoutUrls: origins.map((o) => `${o}/console/signed-out`),
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
    });

    this.taskPages = new CfmFunction(this, "TaskPages", {
      handler: "task-pages",
      config,
      key: storage.key,
      description: "cfm: task-link pages (GET/HEAD show the form, POST acts and completes the workflow task)",
      memorySize: 512,
      timeout: Duration.seconds(15),
      environment: { TABLE_NAME: storage.table.tableName, LINK_SECRET_ARN: this.linkSecret.secretArn },
    });
    storage.grantTableData(this.taskPages.fn, "read-write");
    this.linkSecret.grantRead(this.taskPages.fn);

    // The complainant's side: no account, so no authoriser. Abuse is held by the app's own per-address
    // limits (hashed, short-lived), the stage throttle, and optionally AWS WAF rate-based rules (README).
    this.publicPages = new CfmFunction(this, "PublicPages", {
      handler: "public-pages",
      config,
      key: storage.key,
      description: "cfm: public web form, follow-up with a receipt code, satisfaction question",
      // scrypt (receipt codes) wants 32 MiB and the CPU that comes with more memory.
      memorySize: 1024,
      timeout: Duration.seconds(15),
      environment: {
        TABLE_NAME: storage.table.tableName,
        LINK_SECRET_ARN: this.linkSecret.secretArn,
        // A message from the follow-up page is announced to the person handling the case.
        SES_FROM: email.fromAddress,
        SES_CONFIGURATION_SET: email.configurationSet.configurationSetName,
      },
    });
    storage.grantTableData(this.publicPages.fn, "read-write");
    this.linkSecret.grantRead(this.publicPages.fn);
    email.grantSend(this.publicPages.fn);

    this.staffApi = new CfmFunction(this, "StaffApi", {
      handler: "staff-api",
      config,
      key: storage.key,
      description:
        "cfm: staff API (staff-recorded intake, complaint views), behind the Cognito JWT authoriser",
      // Yearly report exports (GET /api/reports) of ~100k cases need the memory (and the CPU it brings).
      memorySize: 1024,
      // Under the HTTP API's 30 s integration timeout.
      timeout: Duration.seconds(25),
      environment: {
        TABLE_NAME: storage.table.tableName,
        // T-1: filing instructions emailed to a complainant who called (written-only procedures).
        SES_FROM: email.fromAddress,
        SES_CONFIGURATION_SET: email.configurationSet.configurationSetName,
        // Issue 12: a coordinator's reassign re-issues the step's task link to the new person.
        LINK_SECRET_ARN: this.linkSecret.secretArn,
        TASK_BASE_URL: this.taskBaseUrl,
      },
    });
    storage.grantTableData(this.staffApi.fn, "read-write");
    email.grantSend(this.staffApi.fn);
    this.linkSecret.grantRead(this.staffApi.fn);

    const region = Stack.of(this).region;
    this.console = new CfmFunction(this, "Console", {
      handler: "console",
      config,
      key: storage.key,
      description: "cfm: staff console (server-rendered pages; OpenID Connect sign-in with the user pool)",
      memorySize: 1024,
      timeout: Duration.seconds(25),
      environment: {
        TABLE_NAME: storage.table.tableName,
        LINK_SECRET_ARN: this.linkSecret.secretArn,
        TASK_BASE_URL: this.taskBaseUrl,
        ATTACHMENTS_BUCKET: storage.attachmentsBucket.bucketName,
        SES_FROM: email.fromAddress,
        SES_CONFIGURATION_SET: email.configurationSet.configurationSetName,
        OIDC_ISSUER: `https://cognito-idp.${region}.amazonaws.com/${this.userPool.userPoolId}`,
        OIDC_CLIENT_ID: this.consoleClient.userPoolClientId,
        // Sign-out ends the managed-login session too, then comes back to the console.
        OIDC_LOGOUT_URL: `${this.loginDomain.baseUrl()}/logout?client_id=${this.consoleClient.userPoolClientId}&logout_uri=${encodeURIComponent(`${origins.at(-1)}/console/signed-out`)}`,
      },
    });
    storage.grantTableData(this.console.fn, "read-write");
    email.grantSend(this.console.fn);
    this.linkSecret.grantRead(this.console.fn);
    // Attachment downloads: the console signs short-lived GetObject URLs with its own role (the objects are
    // SSE-KMS with the storage key, which the table grant above already covers).
    this.console.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["s3:GetObject"],
        resources: [storage.attachmentsBucket.arnForObjects("*")],
      }),
    );
    acceptIamWildcards(this.console.role, [
      { finding: `Resource::${nagArn(storage.attachmentsBucket)}/*`, reason: REASONS.objectKeys },
    ]);
    for (const fn of [this.taskPages, this.staffApi, this.console, this.publicPages]) {
      acceptIamWildcards(fn.role, [
        { finding: `Resource::${nagArn(storage.table)}/index/*`, reason: REASONS.tableIndexes },
      ]);
    }

    this.httpApi.addRoutes({
      path: "/t/{token}",
      methods: [apigw.HttpMethod.GET, apigw.HttpMethod.HEAD, apigw.HttpMethod.POST],
      integration: new HttpLambdaIntegration("TaskPagesIntegration", this.taskPages.fn),
    });
    const publicIntegration = new HttpLambdaIntegration("PublicPagesIntegration", this.publicPages.fn);
    const { GET, POST } = apigw.HttpMethod;
    for (const [path, methods] of [
      ["/submit", [GET, POST]],
      ["/follow-up", [GET, POST]],
      ["/follow-up/{action}", [POST]],
      ["/satisfaction/{token}", [GET, POST]],
    ] as const)
      this.httpApi.addRoutes({ path, methods: [...methods], integration: publicIntegration });
    this.httpApi.addRoutes({
      path: "/api/{proxy+}",
      methods: [apigw.HttpMethod.ANY],
      integration: new HttpLambdaIntegration("StaffApiIntegration", this.staffApi.fn),
      authorizer: new HttpUserPoolAuthorizer("StaffJwtAuthorizer", this.userPool, {
        userPoolClients: [this.userPoolClient],
      }),
    });
    const consoleIntegration = new HttpLambdaIntegration("ConsoleIntegration", this.console.fn);
    for (const path of ["/console", "/console/{proxy+}"])
      this.httpApi.addRoutes({
        path,
        methods: [apigw.HttpMethod.GET, apigw.HttpMethod.HEAD, apigw.HttpMethod.POST],
        integration: consoleIntegration,
      });
    for (const route of this.httpApi.node.findAll()) {
      if (!(route instanceof apigw.CfnRoute)) continue;
      const key = String(route.routeKey);
      if (/ \/(submit|follow-up|satisfaction)/.test(key)) {
        suppress(route, [
          {
            id: "AwsSolutions-APIG4",
            reason:
              "The complainant's web form and follow-up page are public by design (no account: people file " +
              "anonymously); the follow-up page's credential is the receipt code, checked by the app against a " +
              "scrypt hash, with per-address limits on wrong codes.",
          },
        ]);
        continue;
      }
      if (key.includes(" /console")) {
        suppress(route, [
          {
            id: "AwsSolutions-APIG4",
            reason:
              "The console authenticates itself: OpenID Connect (code + PKCE) with this user pool, then a signed, " +
              "HttpOnly, SameSite=Lax session cookie checked on every request and a CSRF token on every POST; " +
              "API Gateway's JWT authoriser cannot read a cookie session.",
          },
        ]);
        continue;
      }
      if (!key.includes(" /t/")) continue;
      suppress(route, [
        {
          id: "AwsSolutions-APIG4",
          reason:
            "Task-link routes are public by design: the HMAC-signed, single-use, expiring link is the credential " +
            "(staff and complainants open it from an email, without an account).",
        },
      ]);
    }

    const stack = Stack.of(this);
    new CfnOutput(stack, "TaskBaseUrl", {
      description: "Base URL of the task links in emails",
      value: this.taskBaseUrl,
    });
    new CfnOutput(stack, "StaffApiUrl", {
      description: "Staff API (Authorization: Bearer <Cognito ID or access token>)",
      value: this.staffApiUrl,
    });
    new CfnOutput(stack, "ConsoleUrl", {
      description: "Staff console (sign in with a user of the pool, in the coordinator or staff group)",
      value: this.consoleUrl,
    });
    new CfnOutput(stack, "LoginUrl", {
      description: "The user pool's managed login (Cognito domain)",
      value: this.loginDomain.baseUrl(),
    });
    new CfnOutput(stack, "UserPoolId", {
      description: "Cognito user pool of staff: add users to the coordinator or staff group",
      value: this.userPool.userPoolId,
    });
    new CfnOutput(stack, "UserPoolClientId", {
      description: "Cognito app client for the staff API",
      value: this.userPoolClient.userPoolClientId,
    });
  }

  /**
   * Called once the state machine exists (it depends on the workflow Lambdas, which need taskBaseUrl):
   * the staff API starts executions for staff-recorded complaints; the task pages complete callback tasks.
   */
  connectWorkflow(stateMachine: sfn.StateMachine): void {
    this.staffApi.fn.addEnvironment("STATE_MACHINE_ARN", stateMachine.stateMachineArn);
    stateMachine.grantStartExecution(this.staffApi.fn);
    // A replayed request finds its execution already started (same name): the API checks it is this case's.
    // Issue 12: a coordinator action that moves a case stops the case's execution and starts the next one.
    stateMachine.grantExecution(this.staffApi.fn, "states:DescribeExecution", "states:StopExecution");
    acceptIamWildcards(this.staffApi.role, [
      { finding: EXECUTIONS_FINDING, reason: REASONS.describeExecution },
    ]);
    // Not SendTaskHeartbeat: the callback tasks have no heartbeat. SendTaskSuccess/SendTaskFailure support no
    // resource-level permissions (the Service Authorization Reference lists no resource type for them, so a
    // policy "must specify all resources"): a statement naming the state machine ARN is not what AWS documents
    // and may not match. The task token is the capability; only the task-pages role holds these two actions.
    this.taskPages.fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: [...TASK_RESPONSE_ACTIONS], resources: ["*"] }),
    );
    acceptIamWildcards(this.taskPages.role, [
      {
        finding: "Resource::*",
        reason: `${REASONS.xray} ${TASK_RESPONSE_REASON}`,
        onlyActions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", ...TASK_RESPONSE_ACTIONS],
      },
    ]);
    // The console's intake form opens cases as the staff API does.
    this.console.fn.addEnvironment("STATE_MACHINE_ARN", stateMachine.stateMachineArn);
    stateMachine.grantStartExecution(this.console.fn);
    stateMachine.grantExecution(this.console.fn, "states:DescribeExecution", "states:StopExecution");
    acceptIamWildcards(this.console.role, [
      { finding: EXECUTIONS_FINDING, reason: REASONS.describeExecution },
    ]);
    // The web form opens cases (StartExecution, as the staff API); the follow-up page's appeal completes the
    // appeal step's callback task, as the appeal link does (same actions, same reason as the task pages).
    this.publicPages.fn.addEnvironment("STATE_MACHINE_ARN", stateMachine.stateMachineArn);
    stateMachine.grantStartExecution(this.publicPages.fn);
    stateMachine.grantExecution(this.publicPages.fn, "states:DescribeExecution");
    this.publicPages.fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: [...TASK_RESPONSE_ACTIONS], resources: ["*"] }),
    );
    acceptIamWildcards(this.publicPages.role, [
      { finding: EXECUTIONS_FINDING, reason: REASONS.describeExecution },
      {
        finding: "Resource::*",
        reason: `${REASONS.xray} ${TASK_RESPONSE_REASON}`,
        onlyActions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", ...TASK_RESPONSE_ACTIONS],
      },
    ]);
  }
}
