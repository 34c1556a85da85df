// The staff console in the stack: the Cognito managed-login domain, the console's app client (authorization
// code flow, public client: the console sends PKCE S256), its callback and sign-out URLs, the console Lambda
// and its unauthorised routes, the optional custom domain and the staff MFA setting.
import { readFileSync } from "node:fs";
import { App, type CfnElement } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfigText } from "../../functions/domain/config.ts";
import { CfmStack, type CfmStackProps } from "../../infra/cfm-stack.ts";

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON
type Json = any;

const CONFIG = "config/humanitarian.example.yaml";

function synth(props: Partial<CfmStackProps> = {}) {
  const config = loadConfigText(readFileSync(CONFIG, "utf8"), CONFIG);
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const stack = new CfmStack(app, "Cfm", { config, ...props });
  const template = Template.fromStack(stack);
  const id = (construct: IConstruct) =>
    stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
  return { stack, template, id };
}

const only = (t: Template, type: string, props: Json = {}) => {
  const found = Object.entries(t.findResources(type, { Properties: Match.objectLike(props) }));
  expect(found).toHaveLength(1);
  return found[0] as [string, { Properties: Json }];
};

let plain: ReturnType<typeof synth>;
let custom: ReturnType<typeof synth>;
beforeAll(() => {
  plain = synth();
  custom = synth({
    customDomain: {
      domainName: "plaintes.example.org",
      certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
    },
    staffMfa: "optional",
    loginDomainPrefix: "ong-exemple-cfm",
  });
}, 240_000);

describe("staff console sign-in (Cognito managed login)", () => {
  it("gives the user pool a Cognito domain named after the stack and the account", () => {
    const [, domain] = only(plain.template, "AWS::Cognito::UserPoolDomain");
    expect(domain.Properties.UserPoolId).toEqual({
      Ref: plain.id(plain.stack.node.findChild("Api").node.findChild("StaffUsers")),
    });
    expect(domain.Properties.Domain).toEqual({ "Fn::Join": ["", ["cfm-", { Ref: "AWS::AccountId" }]] });
  });

  it("has a console app client with the authorization code flow only, no secret, OpenID scopes", () => {
    const [, client] = only(plain.template, "AWS::Cognito::UserPoolClient", { AllowedOAuthFlows: ["code"] });
    expect(client.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      SupportedIdentityProviders: ["COGNITO"],
      EnableTokenRevocation: true,
    });
    expect([...client.Properties.AllowedOAuthScopes].sort()).toEqual(["email", "openid", "profile"]);
    // No implicit flow, no password flows: the browser never sees a token.
    expect(client.Properties.AllowedOAuthFlows).not.toContain("implicit");
    expect(JSON.stringify(client.Properties.ExplicitAuthFlows ?? [])).not.toContain("PASSWORD");
  });

  it("calls back to /console/callback and signs out to /console/signed-out on the API's endpoint", () => {
    const [, client] = only(plain.template, "AWS::Cognito::UserPoolClient", { AllowedOAuthFlows: ["code"] });
    const api = plain.id(plain.stack.node.findChild("Api").node.findChild("HttpApi"));
    const urls = (list: Json[]) => list.map((u) => JSON.stringify(u));
    expect(client.Properties.CallbackURLs).toHaveLength(1);
    expect(urls(client.Properties.CallbackURLs)[0]).toContain(api);
    expect(urls(client.Properties.CallbackURLs)[0]).toContain("/console/callback");
    expect(urls(client.Properties.LogoutURLs)[0]).toContain("/console/signed-out");
  });

  it("runs the console Lambda with the pool as OpenID issuer and the console client", () => {
    const consoleFn = plain.id(plain.stack.functions.console);
    const fn = plain.template.findResources("AWS::Lambda::Function")[consoleFn] as { Properties: Json };
    const env = fn.Properties.Environment.Variables;
    const pool = plain.id(plain.stack.node.findChild("Api").node.findChild("StaffUsers"));
    const [clientId] = only(plain.template, "AWS::Cognito::UserPoolClient", { AllowedOAuthFlows: ["code"] });
    expect(JSON.stringify(env.OIDC_ISSUER)).toContain("cognito-idp.");
    expect(JSON.stringify(env.OIDC_ISSUER)).toContain(pool);
    expect(env.OIDC_CLIENT_ID).toEqual({ Ref: clientId });
    expect(JSON.stringify(env.OIDC_LOGOUT_URL)).toContain("/logout?client_id=");
    expect(env.ATTACHMENTS_BUCKET).toBeDefined();
    expect(env.LINK_SECRET_ARN).toBeDefined();
  });

  it("routes GET, HEAD and POST /console and /console/{proxy+} to the console without an API Gateway authoriser", () => {
    const routes = Object.values(plain.template.findResources("AWS::ApiGatewayV2::Route")) as Array<{
      Properties: Json;
    }>;
    const keys = routes
      .filter((r) => String(r.Properties.RouteKey).includes(" /console"))
      .map((r) => {
        expect(r.Properties.AuthorizationType ?? "NONE").toBe("NONE");
        return r.Properties.RouteKey as string;
      })
      .sort();
    expect(keys).toEqual(
      ["GET", "HEAD", "POST"].flatMap((m) => [`${m} /console`, `${m} /console/{proxy+}`]).sort(),
    );
  });

  it("requires TOTP MFA by default", () => {
    plain.template.hasResourceProperties("AWS::Cognito::UserPool", { MfaConfiguration: "ON" });
  });
});

describe("custom domain and MFA settings", () => {
  it("maps the organisation's domain to the API with its ACM certificate", () => {
    const [, domain] = only(custom.template, "AWS::ApiGatewayV2::DomainName");
    expect(domain.Properties.DomainName).toBe("plaintes.example.org");
    expect(JSON.stringify(domain.Properties.DomainNameConfigurations)).toContain("certificate/11111111");
    only(custom.template, "AWS::ApiGatewayV2::ApiMapping");
    custom.template.hasOutput("CustomDomainTarget", {});
  });

  it("accepts the custom domain's callback and puts it in task links", () => {
    const [, client] = only(custom.template, "AWS::Cognito::UserPoolClient", { AllowedOAuthFlows: ["code"] });
    expect(client.Properties.CallbackURLs).toContain("https://plaintes.example.org/console/callback");
    expect(client.Properties.LogoutURLs).toContain("https://plaintes.example.org/console/signed-out");
    const env = (
      custom.template.findResources("AWS::Lambda::Function")[
        custom.id(custom.stack.functions.acknowledge)
      ] as { Properties: Json }
    ).Properties.Environment.Variables;
    expect(env.TASK_BASE_URL).toBe("https://plaintes.example.org/t/");
  });

  it("takes the login domain prefix and optional MFA from the props", () => {
    custom.template.hasResourceProperties("AWS::Cognito::UserPoolDomain", { Domain: "ong-exemple-cfm" });
    custom.template.hasResourceProperties("AWS::Cognito::UserPool", { MfaConfiguration: "OPTIONAL" });
  });
});
