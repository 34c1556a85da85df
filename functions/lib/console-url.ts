// The console's page of a case: the console is served beside the task links, under /console (one spelling for
// the workflow's emails and the intake's).
export function caseConsoleUrl(taskBaseUrl: string, reference: string): string {
  return new URL(`../console/cases/${reference}`, taskBaseUrl).toString();
}
