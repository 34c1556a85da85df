// `npx cdk synth` (cdk.json runs `npx tsx infra/app.ts`): the cfm stack for the organisation config named by
// CFM_CONFIG (default: the humanitarian example). No lookups and no account/region: synth needs no credentials.
import { readFileSync } from "node:fs";
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { InvalidConfigError, loadConfigText, type OrgConfig } from "../functions/domain/config.ts";
import { FINAL_INDEX_STAGE } from "../functions/store/table-design.ts";
import { CfmStack } from "./cfm-stack.ts";
import { ControlTowerChecks } from "./control-tower.ts";

export const DEFAULT_CONFIG = "config/humanitarian.example.yaml";

function loadConfig(path: string): OrgConfig {
  try {
    return loadConfigText(readFileSync(path, "utf8"), path);
  } catch (error) {
    if (error instanceof InvalidConfigError) {
      console.error(`cfm: invalid configuration ${error.source}:`);
      for (const problem of error.problems) console.error(`  ${problem}`);
    } else {
      console.error(`cfm: cannot read the configuration ${path}: ${(error as Error).message}`);
    }
    process.exit(1);
  }
}

const configPath = process.env.CFM_CONFIG || DEFAULT_CONFIG;
const config = loadConfig(configPath);
const app = new App();
const context = (key: string) => app.node.tryGetContext(key) as string | number | boolean | undefined;
const rawDays = context("cfm:rawMailExpiryDays");
if (rawDays !== undefined && !(Number.isInteger(Number(rawDays)) && Number(rawDays) > 0)) {
  console.error(`cfm: context cfm:rawMailExpiryDays must be a whole number of days, got ${String(rawDays)}`);
  process.exit(1);
}
const staffMfa = String(context("cfm:staffMfa") ?? "required");
if (staffMfa !== "required" && staffMfa !== "optional") {
  console.error(`cfm: context cfm:staffMfa must be required or optional, got ${staffMfa}`);
  process.exit(1);
}
const domainName = context("cfm:domainName");
const certificateArn = context("cfm:certificateArn");
if ((domainName === undefined) !== (certificateArn === undefined)) {
  console.error(
    "cfm: a custom domain needs both cfm:domainName and cfm:certificateArn (an ACM certificate ARN)",
  );
  process.exit(1);
}
const loginDomainPrefix = context("cfm:loginDomainPrefix");
// Issue 18: a table deployed before the INCLUDE indexes steps through INDEX_STAGES one deploy at a time.
const indexStage = context("cfm:indexStage");
if (
  indexStage !== undefined &&
  !(
    Number.isInteger(Number(indexStage)) &&
    Number(indexStage) >= 0 &&
    Number(indexStage) <= FINAL_INDEX_STAGE
  )
) {
  console.error(
    `cfm: context cfm:indexStage must be a whole number from 0 to ${FINAL_INDEX_STAGE}, got ${String(indexStage)}`,
  );
  process.exit(1);
}
new CfmStack(app, String(context("cfm:stackName") ?? "Cfm"), {
  config,
  description: `cfm: complaints and feedback mechanism for ${config.organisation.name}`,
  rawMailExpiryDays: rawDays === undefined ? undefined : Number(rawDays),
  manageEmailIdentity: String(context("cfm:manageEmailIdentity") ?? "true") !== "false",
  dashboard: String(context("cfm:dashboard") ?? "true") !== "false",
  staffMfa,
  loginDomainPrefix: loginDomainPrefix === undefined ? undefined : String(loginDomainPrefix),
  indexStage: indexStage === undefined ? undefined : Number(indexStage),
  customDomain:
    domainName === undefined
      ? undefined
      : { domainName: String(domainName), certificateArn: String(certificateArn) },
});
// Every synth is checked against the AWS Solutions rules (cdk-nag v3 is a policy-validation plugin) and AWS
// Control Tower's proactive controls (cfn-guard): an unacknowledged finding fails the synth. Each acknowledgment
// carries its reason: infra/nag.ts and the constructs for cdk-nag, infra/control-tower.ts for Control Tower.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ControlTowerChecks());
app.synth();
