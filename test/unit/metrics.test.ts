// Issue 18 (price of monitoring): only the counts an alarm watches become CloudWatch metrics, each with the one
// `service` dimension (one custom metric per name); every other count, and every count's other dimensions,
// are plain fields of a JSON log line that the dashboard's Logs Insights widgets read.
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ALARMED_METRICS,
  COUNT_FIELD,
  emitMetric,
  LOGGED_COUNTS,
  type MetricName,
} from "../../functions/lib/metrics.ts";

/** The JSON lines written to stdout while `emit` runs. */
function linesOf(emit: () => void): Array<Record<string, unknown>> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    emit();
  } finally {
    spy.mockRestore();
  }
  return written
    .join("")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("emitMetric on Lambda (not CFM_METRICS=memory)", () => {
  const saved = process.env.CFM_METRICS;
  afterEach(() => {
    if (saved === undefined) delete process.env.CFM_METRICS;
    else process.env.CFM_METRICS = saved;
  });

  it.each(ALARMED_METRICS.map((m) => [m]))(
    "%s: one EMF metric with the service dimension only; its own dimensions are plain log fields",
    (name) => {
      delete process.env.CFM_METRICS;
      const [line, ...more] = linesOf(() => emitMetric(name, { Step: "triage" }));
      expect(more).toEqual([]);
      const emf = (line?._aws as { CloudWatchMetrics?: Json[] } | undefined)?.CloudWatchMetrics;
      expect(emf).toEqual([
        { Namespace: "Cfm", Dimensions: [["service"]], Metrics: [{ Name: name, Unit: "Count" }] },
      ]);
      expect(line).toMatchObject({ [COUNT_FIELD]: name, service: "cfm", Step: "triage", [name]: 1 });
    },
  );

  it.each(LOGGED_COUNTS.map((m) => [m]))("%s: a log line only, no metric", (name) => {
    delete process.env.CFM_METRICS;
    const lines = linesOf(() => emitMetric(name, { Channel: "email" }));
    expect(lines).toEqual([{ [COUNT_FIELD]: name, service: "cfm", Channel: "email" }]);
  });

  it("at most ten metric names are alarmed (CloudWatch's free custom metrics)", () => {
    expect(ALARMED_METRICS.length).toBeLessThanOrEqual(10);
    const all: MetricName[] = [...ALARMED_METRICS, ...LOGGED_COUNTS];
    expect(new Set(all).size).toBe(all.length);
  });
});

// biome-ignore lint/suspicious/noExplicitAny: EMF JSON
type Json = any;
