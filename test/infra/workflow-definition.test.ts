// Properties of the synthesized state machine definition (the one CDK deploys and the local stack runs).
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { configSchema, loadConfigText, type OrgConfig } from "../../functions/domain/config.ts";
import {
  CaseNotFoundError,
  InvalidDecisionError,
  InvalidInputError,
  isTransient,
  MailRejectedError,
  NoRoleHolderError,
  SendInProgressError,
  StoreValidationError,
  SubmissionNotFoundError,
  TemplateDataError,
  TooManyRemindersError,
  TransientError,
  VersionConflictError,
} from "../../functions/errors.ts";
import { type AslDefinition, synthesizeWorkflow } from "../../local/workflow-definition.ts";
import { RESUMABLE_STEPS } from "../../workflows/complaint-workflow.ts";
import { DIAGRAM_END, DIAGRAM_START, mermaidDiagram } from "../../workflows/diagram.ts";
import { worstCaseHistoryEvents } from "../../workflows/history-bound.ts";

const configs: Record<string, OrgConfig> = {
  humanitarian: loadConfigText(readFileSync("config/humanitarian.example.yaml", "utf8"), "H"),
  training: loadConfigText(readFileSync("config/training-provider.example.yaml", "utf8"), "T"),
};

let definition: AslDefinition;
beforeAll(async () => {
  definition = (await synthesizeWorkflow(configs.humanitarian!)).definition;
});

/** What a Lambda throws when trying again may help: our own classes (by their instances' names) and AWS's. */
const TRANSIENT_NAMES = [
  new TransientError("SES throttled").name,
  new VersionConflictError("changed meanwhile").name,
  new SendInProgressError("claimed by another attempt").name,
  "ThrottlingException",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "TransactionConflictException",
  "Lambda.ServiceException",
  "Lambda.TooManyRequestsException",
  "Lambda.Unknown",
];
/** What trying again cannot fix: straight to needs-attention (TooManyReminders is the reminder budget spent). */
const PERMANENT_NAMES = [
  new TooManyRemindersError("x").name,
  new InvalidDecisionError("x").name,
  new SubmissionNotFoundError("x").name,
  new CaseNotFoundError("x").name,
  new StoreValidationError("record", "field", "x").name,
  new MailRejectedError("x").name,
  new TemplateDataError("x").name,
  new NoRoleHolderError("x").name,
  new InvalidInputError("x").name,
  "States.ALL",
  "States.Timeout",
];

const tasks = () => Object.entries(definition.States).filter(([, s]) => s.Type === "Task");
type Retry = { ErrorEquals: string[]; MaxAttempts: number; BackoffRate: number; JitterStrategy?: string };
type Catch = { ErrorEquals: string[]; Next: string };

describe("the complaint state machine", () => {
  it("is written in JSONPath (aws-local-stepfunctions runs no JSONata)", () => {
    expect(definition.QueryLanguage ?? "JSONPath").toBe("JSONPath");
    expect(JSON.stringify(definition)).not.toContain("{%");
  });

  it("has a total timeout under one year", () => {
    expect(definition.TimeoutSeconds).toBeGreaterThan(0);
    expect(definition.TimeoutSeconds).toBeLessThan(365 * 24 * 3600);
  });

  it("retries every Lambda task on transient errors with backoff and full jitter, and catches the rest", () => {
    expect(tasks().length).toBeGreaterThan(30);
    for (const [name, state] of tasks()) {
      const retry = (state.Retry as Retry[] | undefined)?.[0];
      expect(retry, name).toBeDefined();
      // Written out here, not read from the constant the ASL is built from: losing one fails this test.
      for (const transient of TRANSIENT_NAMES) expect(retry?.ErrorEquals, name).toContain(transient);
      for (const permanent of PERMANENT_NAMES) expect(retry?.ErrorEquals, name).not.toContain(permanent);
      expect(retry?.BackoffRate, name).toBe(2);
      expect(retry?.JitterStrategy, name).toBe("FULL");
      const catches = (state.Catch as Catch[] | undefined) ?? [];
      const all = catches.find((c) => c.ErrorEquals.includes("States.ALL"));
      expect(all?.Next, name).toBe(
        name === "Flag needs attention" ? "Needs attention" : "Flag needs attention",
      );
    }
  });

  it("retries the same errors the staff API answers with 503 (one list, functions/errors.ts)", () => {
    for (const name of TRANSIENT_NAMES.filter((n) => !n.startsWith("Lambda.")))
      expect(isTransient({ name }), name).toBe(true);
    for (const name of PERMANENT_NAMES) expect(isTransient({ name }), name).toBe(false);
  });

  it("gives every callback task a timeout and a path for States.Timeout", () => {
    const callbacks = tasks().filter(([, s]) => String(s.Resource).endsWith(".waitForTaskToken"));
    expect(callbacks.map(([n]) => n).sort()).toEqual(
      [
        "Answer: await",
        "Appeal decision: await",
        "Appeal window: await",
        "Assign: await",
        "Confirm closure: await",
        "Investigate: conclude: await",
        "Investigate: contact: await",
        "Triage: await",
      ].sort(),
    );
    for (const [name, state] of callbacks) {
      expect(state.TimeoutSecondsPath, name).toBe("$.next.seconds");
      const timeout = (state.Catch as Catch[]).find((c) => c.ErrorEquals.includes("States.Timeout"));
      expect(timeout?.Next, name).toMatch(
        name === "Appeal window: await" ? /^Close: appeal window passed/ : /: overdue$/,
      );
      expect(JSON.stringify(state.Parameters), name).toContain('"taskToken.$":"$$.Task.Token"');
    }
  });

  it("carries ids and flags only: no task payload reads anything but the reference, step data and ids", () => {
    for (const [name, state] of tasks()) {
      const payload = (state.Parameters as { Payload?: Record<string, unknown> }).Payload ?? {};
      for (const [key, value] of Object.entries(payload)) {
        if (key.endsWith(".$"))
          expect(String(value), `${name}.${key}`).toMatch(
            /^\$\.(reference|submission\.id|error\.Error)$|^\$\$\.Task\.Token$/,
          );
      }
    }
  });

  it("can resume at every step of a case (restart safety)", () => {
    const resume = definition.States["Resume at step"] as unknown as {
      Choices: Array<{ StringEquals: string }>;
    };
    expect(resume.Choices.map((c) => c.StringEquals)).toEqual([...RESUMABLE_STEPS]);
  });

  it.each(Object.keys(configs))("bounds the history of one execution under 25,000 events (%s)", (name) => {
    const events = worstCaseHistoryEvents(definition as never, configs[name]!);
    expect(events).toBeGreaterThan(1000);
    expect(events).toBeLessThan(25_000);
  });

  it("bounds it under 25,000 events too with the most reminders a config push may set (issue 12: live, no deploy)", () => {
    // The schema's maxima: a push changes escalation without a new definition, so the bound must hold for any.
    const escalation = configSchema.shape.escalation.unwrap().shape;
    const maxReminders = escalation.maxReminders.unwrap().maxValue ?? Number.POSITIVE_INFINITY;
    const maxProgressUpdates = escalation.maxProgressUpdates.unwrap().maxValue ?? Number.POSITIVE_INFINITY;
    expect([maxReminders, maxProgressUpdates]).toEqual([30, 60]);
    for (const config of Object.values(configs)) {
      const most: OrgConfig = {
        ...config,
        escalation: { ...config.escalation, maxReminders, maxProgressUpdates },
      };
      expect(worstCaseHistoryEvents(definition as never, most)).toBeLessThan(25_000);
    }
  });

  it("issue 12: no path ends an execution without the case closed or waiting for a coordinator action", () => {
    type State = {
      Type: string;
      Next?: string;
      End?: boolean;
      Default?: string;
      Choices?: Array<{ Next: string }>;
      Catch?: Array<{ Next: string }>;
    };
    const states = definition.States as unknown as Record<string, State>;
    const edges = Object.entries(states).flatMap(([from, state]) => [
      ...(state.Next ? [{ from, to: state.Next, via: "next" }] : []),
      ...(state.Default ? [{ from, to: state.Default, via: "next" }] : []),
      ...(state.Choices ?? []).map((c) => ({ from, to: c.Next, via: "next" })),
      ...(state.Catch ?? []).map((c) => ({ from, to: c.Next, via: "catch" })),
    ]);
    const terminal = Object.entries(states).filter(
      ([, state]) => state.Type === "Succeed" || state.Type === "Fail" || state.End === true,
    );
    expect(terminal.length).toBeGreaterThan(0);
    for (const [name, state] of terminal) {
      const incoming = edges.filter((e) => e.to === name);
      expect(incoming.length, name).toBeGreaterThan(0);
      // Closed: a closing task ends the execution by its success (issue 18: no Succeed state after it).
      if (state.Type === "Task") {
        expect(name, "a task that ends the execution").toMatch(/^Close: /);
        continue;
      }
      for (const edge of incoming) {
        // Waiting: the case flagged needs-attention, which the console's case page resumes. Failed: only when
        // flagging itself failed (the runbook's "A failed execution").
        const waiting = edge.from === "Flag needs attention" && edge.via === "next";
        const flagFailed =
          edge.from === "Flag needs attention" && edge.via === "catch" && state.Type === "Fail";
        expect(waiting || flagFailed, `${edge.from} → ${name}`).toBe(true);
      }
    }
    // Every error a task catches goes on in the workflow or flags the case; none ends the execution directly.
    for (const edge of edges.filter((e) => e.via === "catch" && e.from !== "Flag needs attention"))
      expect(["Succeed", "Fail"], `${edge.from} catches into ${edge.to}`).not.toContain(
        states[edge.to]?.Type,
      );
  });

  it("is drawn in the README from this definition (run `npm run diagram` after changing the workflow)", () => {
    const readme = readFileSync("README.md", "utf8");
    const section = readme
      .slice(readme.indexOf(DIAGRAM_START) + DIAGRAM_START.length, readme.indexOf(DIAGRAM_END))
      .trim();
    expect(section).toBe(mermaidDiagram(definition as never));
  });
});
