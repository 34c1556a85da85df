// An intake burst on the local stack (issue 18): `total` complaint emails POSTed to /local/inbound-email,
// `concurrency` at a time, each from its own sender. Measured: the time each request takes to be answered (the
// endpoint answers once its own case is handled: acknowledged and its triage task emailed). Checked: one case
// per message, the references gapless from 1, and each sender acknowledged exactly once. Counted too (the machine
// is shared, so wall-clock figures vary with its load): CPU time per case of this process (intake, Lambdas, local
// Step Functions, SES emulator) and of DynamoDB Local, and the tries of the reference counter's conditional write.
import { readdirSync, readFileSync } from "node:fs";
import { allocationStats } from "../functions/store/complaint-store.ts";
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
  /** Wall time of the burst, first request to every execution idle. */
  wallMs: number;
  /** CPU time per case of this process (the stack runs in it) and of DynamoDB Local (NaN without /proc). */
  nodeCpuMsPerCase: number;
  dynamoCpuMsPerCase: number;
  /** Conditional writes of the year's counter per case opened (1: no creation had to retry). */
  triesPerComplaint: number;
}

/** CPU time (ms) of the DynamoDB Local processes under this one, from /proc (Linux); NaN elsewhere. */
function dynamoDbLocalCpuMs(): number {
  try {
    const children = new Map<number, number[]>();
    const stats = new Map<number, string[]>();
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const pid = Number(entry);
        stats.set(pid, fields);
        const ppid = Number(fields[1]);
        children.set(ppid, [...(children.get(ppid) ?? []), pid]);
      } catch {
        // gone meanwhile
      }
    }
    let ticks = 0;
    const walk = (pid: number) => {
      for (const child of children.get(pid) ?? []) {
        try {
          if (readFileSync(`/proc/${child}/cmdline`, "utf8").includes("DynamoDBLocal.jar")) {
            const fields = stats.get(child)!;
            ticks += Number(fields[11]) + Number(fields[12]); // utime + stime
          }
        } catch {
          // gone meanwhile
        }
        walk(child);
      }
    };
    walk(process.pid);
    return ticks * 10; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
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
    const counted = { ...allocationStats };
    const cpuBefore = process.cpuUsage();
    const dynamoBefore = dynamoDbLocalCpuMs();
    const burstStarted = performance.now();
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
    const wallMs = performance.now() - burstStarted;
    const cpu = process.cpuUsage(cpuBefore);
    const dynamoMs = dynamoDbLocalCpuMs() - dynamoBefore;
    const creations = allocationStats.creations - counted.creations;

    const numbers = [...references.values()].map((r) => Number(r.slice(-6))).sort((a, b) => a - b);
    const gapless = numbers.length === total && numbers.every((n, i) => n === i + 1);
    const mails: Mail[] = await stack.mails();
    let acknowledgedOnce = 0;
    for (const [i, reference] of references) {
      const about = mails.filter((m) => m.to === sender(i) && m.subject.includes(reference));
      if (about.length === 1) acknowledgedOnce += 1;
      else console.error(`burst: ${sender(i)} got ${about.length} emails about ${reference}`);
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
      wallMs,
      nodeCpuMsPerCase: (cpu.user + cpu.system) / 1000 / total,
      dynamoCpuMsPerCase: dynamoMs / total,
      triesPerComplaint: creations > 0 ? (allocationStats.tries - counted.tries) / creations : Number.NaN,
    };
  } finally {
    await stack.stop();
  }
}
