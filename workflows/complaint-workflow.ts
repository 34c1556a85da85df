// The complaint workflow: one Step Functions Standard execution per complaint. This is the single
// definition: CDK deploys it (infra/constructs/workflow.ts), and the tests and the local stack execute the
// ASL that CDK synthesizes from it (local/workflow-definition.ts).
//
// Execution state carries ids and flags only (no personal data): { reference, case: {...flags}, wait, submission, route }.
// Each human step is a loop: await (a callback task whose Lambda emails a task link; the task page calls
// SendTaskSuccess with a submission id) -> apply (the Lambda applies the submission to the case). The task
// before the await prepares the step (its deadline, actor and the callback's timeout: `then`, issue 18); a
// missed deadline (States.Timeout) goes to overdue (reminder, escalation, metric), which prepares the next wait,
// then back to await with a fresh token; the loop is bounded.
import { Duration } from "aws-cdk-lib";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import * as tasks from "aws-cdk-lib/aws-stepfunctions-tasks";
import type { Construct } from "constructs";
import type { OrgConfig } from "../functions/domain/config.ts";
import { type HumanStep, RESUMABLE_STEPS, type ResumableStep } from "../functions/domain/vocabulary.ts";
import { WORKFLOW_RETRY_ERRORS } from "../functions/errors.ts";
import type { Then } from "../functions/workflow/inputs.ts";

export const WORKFLOW_HANDLERS = [
  "receive",
  "acknowledge",
  "triage",
  "assign",
  "investigate",
  "respond",
  "appeal",
  "close",
  "needs-attention",
] as const;
export type WorkflowHandler = (typeof WORKFLOW_HANDLERS)[number];

/** Human steps, the Lambda that serves each, and whether a missed deadline is reminded (loop) or ends the step. */
export const HUMAN_STEPS = {
  triage: { handler: "triage", label: "Triage" },
  assignment: { handler: "assign", label: "Assign" },
  // The card's states are receive, acknowledge, triage, assign, investigate, respond, appeal and close: the
  // contact (H-C3) and the conclusion (H-C4, H-D1) are parts of the investigation, and read so (issue 14).
  contact: { handler: "investigate", label: "Investigate: contact" },
  conclusion: { handler: "investigate", label: "Investigate: conclude" },
  appeal: { handler: "appeal", label: "Appeal window" },
  "appeal-decision": { handler: "appeal", label: "Appeal decision" },
  closure: { handler: "close", label: "Confirm closure" },
  answer: { handler: "respond", label: "Answer" },
} as const satisfies Record<HumanStep, { handler: WorkflowHandler; label: string }>;
export type { HumanStep, ResumableStep };
/** Steps a stopped execution can be restarted at (vocabulary.ts). */
export { RESUMABLE_STEPS };

/** Under one year (the Standard maximum), so a stuck execution ends and alarms. */
export const STATE_MACHINE_TIMEOUT = Duration.days(360);

/** Lambda errors that are transient: retried with exponential backoff and full jitter (functions/errors.ts). */
export const TRANSIENT_ERRORS: readonly string[] = WORKFLOW_RETRY_ERRORS;
export const RETRY = { interval: 2, backoffRate: 2, maxAttempts: 6 } as const;

export function complaintWorkflow(
  scope: Construct,
  fns: Record<WorkflowHandler, IFunction>,
  // The definition is the same for every organisation; the config drives the Lambdas.
  _config: OrgConfig,
): sfn.IChainable {
  const needsAttentionFail = new sfn.Fail(scope, "Needs attention", {
    error: "NeedsAttention",
    cause: "The case could not proceed; see the case's needs-attention flag and the coordinator's email.",
  });
  const needsAttention = new tasks.LambdaInvoke(scope, "Flag needs attention", {
    lambdaFunction: fns["needs-attention"],
    payload: sfn.TaskInput.fromObject({
      reference: sfn.JsonPath.stringAt("$.reference"),
      error: sfn.JsonPath.stringAt("$.error.Error"),
    }),
    resultPath: sfn.JsonPath.DISCARD,
    retryOnServiceExceptions: false,
  });
  needsAttention.addRetry(retryProps());
  // Only a failure to flag the case fails the execution (an alarm then points the operator at it).
  needsAttention.addCatch(needsAttentionFail, { errors: ["States.ALL"], resultPath: "$.attentionError" });
  // Issue 12: needs-attention is a state of the case, not a failure: the case is flagged, the coordinator is
  // emailed a link to its page, and the execution ends here; the console's `resume` (and the other coordinator
  // actions) start the case's next execution at its step.
  needsAttention.next(
    new sfn.Succeed(scope, "Waiting for the coordinator", {
      comment:
        "The case is flagged needs-attention and waits for a coordinator action (resume, reassign, …).",
    }),
  );

  /**
   * A Lambda task with the standard Retry and a Catch to needs-attention. `then` (functions/workflow/then.ts):
   * what the task does after its action, up to preparing the next human step, whose seconds it answers.
   */
  const invoke = (
    id: string,
    handler: WorkflowHandler,
    payload: Record<string, unknown>,
    result?: { selector: Record<string, string>; path: string },
  ) => {
    const task = new tasks.LambdaInvoke(scope, id, {
      lambdaFunction: fns[handler],
      payload: sfn.TaskInput.fromObject({ reference: sfn.JsonPath.stringAt("$.reference"), ...payload }),
      resultSelector: result?.selector,
      resultPath: result ? result.path : sfn.JsonPath.DISCARD,
      retryOnServiceExceptions: false,
    });
    task.addRetry(retryProps());
    task.addCatch(needsAttention, { errors: ["States.ALL"], resultPath: "$.error" });
    return task;
  };
  // Every task that routes or prepares writes `$.next`: `route` for the Choice after it, `seconds` for the
  // callback task after it (its timeout: the step's deadline or reminder checkpoint).
  const NEXT = "$.next";
  const SECONDS = { "seconds.$": "$.Payload.seconds" };
  const ROUTE = { "route.$": "$.Payload.route" };
  /** A task that goes on with `then` and answers the seconds of the step it prepares. */
  const invokeThen = (id: string, handler: WorkflowHandler, payload: Record<string, unknown>, then: Then) =>
    invoke(id, handler, { ...payload, then }, { selector: SECONDS, path: NEXT });

  /**
   * A human step: await (a callback task with a timeout) -> apply. The task before `wait` prepares the step
   * (`then.prepare`); `prepare`, a state of its own, is for the entries that come from no such task (a resume,
   * another round). A missed deadline (States.Timeout) goes to overdue, which reminds and prepares the next
   * wait, or to `onTimeout`. `apply(id, then)` builds one of the step's apply states (one per branch when what
   * follows depends on a flag the branch already knows).
   */
  const humanStep = (step: HumanStep, onTimeout: "remind" | sfn.IChainable) => {
    const { handler, label } = HUMAN_STEPS[step];
    const prepare = invoke(
      `${label}: prepare`,
      handler,
      { action: "prepare", step },
      { selector: SECONDS, path: NEXT },
    );
    const wait = new tasks.LambdaInvoke(scope, `${label}: await`, {
      lambdaFunction: fns[handler],
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        action: "open",
        step,
        reference: sfn.JsonPath.stringAt("$.reference"),
        taskToken: sfn.JsonPath.taskToken,
      }),
      taskTimeout: sfn.Timeout.at("$.next.seconds"),
      resultSelector: { "id.$": "$.submissionId" },
      resultPath: "$.submission",
      retryOnServiceExceptions: false,
    });
    wait.addRetry(retryProps());
    const apply = (suffix: string, then?: Then) =>
      invoke(
        `${label}: apply${suffix}`,
        handler,
        {
          action: "apply",
          step,
          submissionId: sfn.JsonPath.stringAt("$.submission.id"),
          ...(then ? { then } : {}),
        },
        { selector: then ? { ...ROUTE, ...SECONDS } : ROUTE, path: NEXT },
      );
    if (onTimeout === "remind") {
      const overdue = invokeThen(
        `${label}: overdue`,
        handler,
        { action: "overdue", step },
        { prepare: step },
      );
      wait.addCatch(overdue, { errors: [sfn.Errors.TIMEOUT], resultPath: sfn.JsonPath.DISCARD });
      overdue.next(wait);
    } else {
      wait.addCatch(onTimeout, { errors: [sfn.Errors.TIMEOUT], resultPath: sfn.JsonPath.DISCARD });
    }
    wait.addCatch(needsAttention, { errors: ["States.ALL"], resultPath: "$.error" });
    prepare.next(wait);
    return { start: prepare, wait, apply };
  };

  // A closing task ends the execution itself (no Succeed state after it: one transition less).
  const close = (id: string, cause: string) => invoke(id, "close", { action: "close", cause });

  // Receive (H-A2, T-1) and acknowledge (H-A2, T-2); acknowledge prepares the first human step.
  const flags = {
    selector: {
      "reachable.$": "$.Payload.reachable",
      "contact.$": "$.Payload.contact",
      "appealable.$": "$.Payload.appealable",
      "short.$": "$.Payload.short",
    },
    path: "$.case",
  };
  const receive = invoke("Receive", "receive", { action: "receive" }, flags);

  // Triage (H-B1, T-4, T-5) and its routes; investigation's first step is prepared by the triage's apply, after
  // H-B2/T-3's notification (Notify, a state of its own, is for a resume).
  const triage = humanStep("triage", "remind");
  const triageApply = triage.apply("", { route: "investigate", notify: true, prepare: "assignment" });
  const refer = invoke("Refer", "respond", { action: "referral" }); // H-C3 (e)
  const inadmissible = invoke("Decide inadmissible", "respond", { action: "inadmissible" }); // T-4
  const notify = invokeThen("Notify", "triage", { action: "notify" }, { prepare: "assignment" }); // H-B2, T-3

  // Assignment (H-B3, H-C1, H-C2, T-7), contact (H-C3), conclusion (H-C4, H-D1, H-D3, T-9, T-13).
  const assign = humanStep("assignment", "remind");
  const contact = humanStep("contact", "remind");
  const conclusion = humanStep("conclusion", "remind");
  const respond = invoke("Respond", "respond", { action: "respond" });

  // Appeal window (H-D4, H-E1, T-10, T-11), decision (H-E2, T-11), parties informed (H-F1), closure check (H-F2).
  const windowPassed = close("Close: appeal window passed", "window-passed");
  const appeal = humanStep("appeal", windowPassed);
  const appealDecision = humanStep("appeal-decision", "remind");
  const appealDecided = invokeThen("Inform parties", "appeal", { action: "decided" }, { prepare: "closure" });
  const closure = humanStep("closure", "remind");

  // a suggestion, an information request or positive feedback: acknowledged, routed to the person its
  // kind names, answered (or thanked) and closed; no severity, admissibility, investigation nor appeal. A
  // complaint after all goes to triage.
  const answer = humanStep("answer", "remind");
  const sendAnswer = invoke("Send answer", "respond", { action: "answer" });
  sendAnswer.next(close("Close: answered", "answered"));
  const toTriage = invoke("Reclassify as complaint", "receive", { action: "flags" }, flags);
  toTriage.next(triage.start);
  answer.wait.next(
    answer
      .apply("")
      .next(
        new sfn.Choice(scope, "Answer route")
          .when(sfn.Condition.stringEquals("$.next.route", "complaint"), toTriage)
          .otherwise(sendAnswer),
      ),
  );
  triage.wait.next(
    triageApply.next(
      new sfn.Choice(scope, "Triage route")
        .when(
          sfn.Condition.stringEquals("$.next.route", "referral"),
          refer.next(close("Close: referred", "referred")),
        )
        .when(
          sfn.Condition.stringEquals("$.next.route", "inadmissible"),
          inadmissible.next(close("Close: inadmissible", "inadmissible")),
        )
        .when(sfn.Condition.stringEquals("$.next.route", "answer"), answer.start)
        .otherwise(assign.wait),
    ),
  );
  notify.next(assign.wait);
  // The contact step (H-C3) is the config's: the branch is taken before the apply, which prepares the right step.
  assign.wait.next(
    new sfn.Choice(scope, "Investigate: contact step?")
      .when(
        sfn.Condition.booleanEquals("$.case.contact", true),
        assign.apply("", { prepare: "contact" }).next(contact.wait),
      )
      .otherwise(assign.apply(" (no contact step)", { prepare: "conclusion" }).next(conclusion.wait)),
  );
  contact.wait.next(contact.apply("", { prepare: "conclusion" })).next(conclusion.wait);
  // H-D3, T-9: the conclusion's apply answers the complainant (Respond, a state of its own, is for a resume)
  // and, where an appeal is possible, prepares its window.
  const respondedClose = close("Close: responded", "responded");
  conclusion.wait.next(
    new sfn.Choice(scope, "Appeal possible?")
      .when(
        sfn.Condition.booleanEquals("$.case.appealable", true),
        conclusion.apply("", { respond: "appealable", prepare: "appeal" }).next(appeal.wait),
      )
      .otherwise(conclusion.apply(" (no appeal)", { respond: "final" }).next(respondedClose)),
  );
  respond.next(
    new sfn.Choice(scope, "Respond: appeal possible?")
      .when(sfn.Condition.booleanEquals("$.case.appealable", true), appeal.start)
      .otherwise(respondedClose),
  );
  appeal.wait.next(appeal.apply("", { prepare: "appeal-decision" })).next(appealDecision.wait);
  appealDecision.wait.next(
    appealDecision
      .apply("")
      .next(
        new sfn.Choice(scope, "Appeal decision route")
          .when(sfn.Condition.stringEquals("$.next.route", "extend"), appealDecision.start)
          .otherwise(appealDecided.next(closure.wait)),
      ),
  );
  const closeAfterAppeal = close("Close: appeal decided", "appeal-decided");
  closure.wait.next(closure.apply("")).next(closeAfterAppeal);

  // R-6's short path is known from receipt: the branch comes before the acknowledgement, which prepares the
  // branch's first human step (triage, or the short path's answer).
  const afterReceive = new sfn.Choice(scope, "Short path?")
    .when(
      sfn.Condition.and(
        sfn.Condition.isPresent("$.case.short"),
        sfn.Condition.booleanEquals("$.case.short", true),
      ),
      invokeThen(
        "Acknowledge (short path)",
        "acknowledge",
        { action: "acknowledge" },
        { prepare: "answer" },
      ).next(answer.wait),
    )
    .otherwise(
      invokeThen("Acknowledge", "acknowledge", { action: "acknowledge" }, { prepare: "triage" }).next(
        triage.wait,
      ),
    );
  const resumeTargets: Record<ResumableStep, sfn.IChainable> = {
    acknowledge: afterReceive,
    triage: triage.start,
    notify,
    referral: refer,
    inadmissible,
    assignment: assign.start,
    contact: contact.start,
    conclusion: conclusion.start,
    respond,
    appeal: appeal.start,
    "appeal-decision": appealDecision.start,
    closure: closure.start,
    "close-after-appeal": closeAfterAppeal,
    answer: answer.start,
    "send-answer": sendAnswer,
  };

  let resume = new sfn.Choice(scope, "Resume at step");
  for (const step of RESUMABLE_STEPS)
    resume = resume.when(sfn.Condition.stringEquals("$.resumeAt", step), resumeTargets[step]);
  resume.otherwise(needsAttention);

  return new sfn.Choice(scope, "Start")
    .when(sfn.Condition.isPresent("$.resumeAt"), resume)
    .otherwise(receive.next(afterReceive));
}

function retryProps(): sfn.RetryProps {
  return {
    errors: [...TRANSIENT_ERRORS],
    interval: Duration.seconds(RETRY.interval),
    backoffRate: RETRY.backoffRate,
    maxAttempts: RETRY.maxAttempts,
    jitterStrategy: sfn.JitterType.FULL,
  };
}
