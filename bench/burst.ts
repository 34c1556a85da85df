// An intake burst on the local stack (issue 18): `total` complaint emails POSTed to /local/inbound-email,
// `concurrency` at a time, each from its own sender. Measured: the time each request takes to be answered (the
// endpoint answers once its own case is handled: acknowledged and its triage task emailed). Checked: one case
// per message, the references gapless from 1, and each sender acknowledged exactly once.
import { type Mail, postWithoutTimers, startTestStack } from "../test/helpers/local-stack.ts";

export interface BurstResult {
  total: number;
  concurrency: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Distinct references answered (one per message when right). */
  cases: number;
  /** The reference numbers are 1..total with none missing or repeated. */
  gapless: boolean;
  /** Senders that received exactly one email about their case (the acknowledgement). */
  acknowledgedOnce: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;

export async function benchBurst(total = 200, concurrency = 20): Promise<BurstResult> {
  const stack = await startTestStack();
  try {
    const sender = (i: number) => `plaignant${i}@example.net`;
    const latencies: number[] = [];
    const references = new Map<number, string>();
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const i = next++;
        const raw =
          `From: "Plaignant ${i}" <${sender(i)}>\r\nTo: plaintes@example.org\r\n` +
          `Subject: Distribution manquée ${i}\r\nMessage-ID: <burst-${i}@example.net>\r\n` +
          "Content-Type: text/plain; charset=utf-8\r\n\r\n" +
          `Les bons promis au ménage ${i} n’ont pas été distribués à Kati.\r\n`;
        const started = performance.now();
        const answer = await postWithoutTimers(`${stack.httpUrl}/local/inbound-email`, raw, "message/rfc822");
        latencies.push(performance.now() - started);
        if (answer.status !== 200) throw new Error(`message ${i}: HTTP ${answer.status} ${answer.body}`);
        const result = JSON.parse(answer.body) as { reference?: string };
        if (result.reference) references.set(i, result.reference);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await stack.stack.wf.settled();

    const numbers = [...references.values()].map((r) => Number(r.slice(-6))).sort((a, b) => a - b);
    const gapless = numbers.length === total && numbers.every((n, i) => n === i + 1);
    const mails: Mail[] = await stack.mails();
    let acknowledgedOnce = 0;
    for (const [i, reference] of references) {
      const about = mails.filter((m) => m.to === sender(i) && m.subject.includes(reference));
      if (about.length === 1) acknowledgedOnce += 1;
    }
    const sorted = latencies.sort((a, b) => a - b);
    return {
      total,
      concurrency,
      p50Ms: quantile(sorted, 0.5),
      p95Ms: quantile(sorted, 0.95),
      maxMs: sorted.at(-1) ?? Number.NaN,
      cases: new Set(references.values()).size,
      gapless,
      acknowledgedOnce,
    };
  } finally {
    await stack.stop();
  }
}
