// npm run demo: one complaint of procedure H end to end against the running local stack, as people would
// drive it: an email to the intake address over SMTP, then each staff member's task link from their mailbox.
import { createTransport } from "nodemailer";

export interface DemoTarget {
  httpUrl: string;
  sesUrl: string;
  smtpPort: number;
  log?: (line: string) => void;
}

interface StoredMail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string };
}

export class DemoError extends Error {
  override name = "DemoError";
}

const COMPLAINANT = "aissata.traore@example.net";

export async function runDemo(target: DemoTarget): Promise<{ reference: string; mails: number }> {
  const log = target.log ?? console.log;
  const seen = new Set<string>();
  const mails = async () =>
    ((await (await fetch(`${target.sesUrl}/store`)).json()) as { emails: StoredMail[] }).emails;
  const printNewMail = async () => {
    for (const mail of await mails()) {
      if (seen.has(mail.messageId)) continue;
      seen.add(mail.messageId);
      log(`    ✉ to ${mail.destination.to.join(", ")}: ${mail.subject}`);
    }
  };
  const linkFor = async (to: string, reference: string) => {
    const mail = (await mails())
      .filter((m) => m.destination.to.includes(to) && m.subject.includes(`[${reference}]`))
      .at(-1);
    const link = mail?.body.text?.match(/https?:\/\/\S+\/t\/[A-Za-z0-9_.-]+/)?.[0];
    if (!link) throw new DemoError(`no task link for ${to} about ${reference}`);
    return link;
  };
  const act = async (to: string, reference: string, fields: Record<string, string>) => {
    const link = await linkFor(to, reference);
    const page = await (await fetch(link)).text();
    const nonce = page.match(/name="nonce" value="([^"]+)"/)?.[1];
    if (!nonce) throw new DemoError(`the task page for ${to} has no form`);
    const response = await fetch(link, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...fields, nonce }).toString(),
    });
    if (response.status !== 200) throw new DemoError(`${to}: the task page answered ${response.status}`);
  };
  const view = async (reference: string) =>
    (await (
      await fetch(`${target.httpUrl}/api/complaints/${reference}`, {
        headers: { Authorization: "Bearer local-coordinator" },
      })
    ).json()) as { status: string; closure: string | null; assignee: string | null };
  const advance = async (duration: string) => {
    const response = await fetch(`${target.httpUrl}/local/clock`, {
      method: "POST",
      body: JSON.stringify({ advance: duration }),
    });
    return ((await response.json()) as { now: string }).now;
  };
  const step = async (title: string, run: () => Promise<void>, reference?: string) => {
    log(`• ${title}`);
    await run();
    if (reference) {
      const v = await view(reference);
      log(
        `    status ${v.status}${v.closure ? ` (${v.closure})` : ""}${v.assignee ? `, with ${v.assignee}` : ""}`,
      );
    }
    await printNewMail();
  };

  for (const mail of await mails()) seen.add(mail.messageId);
  log("cfm demo: procedure H, one programme complaint");
  const smtp = createTransport({ host: "127.0.0.1", port: target.smtpPort, secure: false, ignoreTLS: true });
  await step("Aïssata writes to plaintes@example.org (H-A1)", async () => {
    await smtp.sendMail({
      from: `"Aïssata Traoré" <${COMPLAINANT}>`,
      to: "plaintes@example.org",
      subject: "Plainte : distribution de bons à Kati",
      text: "Bonjour,\n\nLes bons d'achat promis lors de la distribution du 3 mars à Kati n'ont jamais été remis à ma famille.\n\nAïssata Traoré",
    });
  });
  const ack = (await mails()).find((m) => m.destination.to.includes(COMPLAINANT));
  const reference = ack?.subject.match(/CFM-\d{4}-\d{6}/)?.[0];
  if (!reference) throw new DemoError("no acknowledgement reached the complainant");
  log(`    reference ${reference}, acknowledged (H-A2)`);

  await step(
    "The complaints officer triages it: programme, medium, admissible (H-B1)",
    () =>
      act("officer@example.org", reference, { category: "programme", severity: "medium", admissible: "yes" }),
    reference,
  );
  await step(
    "The programme officer delegates the investigation to the handler (H-B3, H-C2)",
    () =>
      act("programme@example.org", reference, {
        decision: "delegate",
        delegate: "handler@example.org",
        courseOfAction: "Entendre le plaignant et le chef de magasin, vérifier les listes de distribution",
        risks: "Aucun risque de représailles identifié",
      }),
    reference,
  );
  await step(
    "Five days later the handler has called Aïssata (H-C3)",
    async () => {
      await advance("P5D");
      await act("handler@example.org", reference, {
        contacted: "yes",
        nextUpdateBy: "2026-12-31",
        note: "Appel téléphonique, suite sous 3 semaines",
      });
    },
    reference,
  );
  await step(
    "Three weeks later the handler concludes; the response goes out (H-D1, H-D3)",
    async () => {
      await advance("P21D");
      await act("handler@example.org", reference, {
        outcome: "founded",
        measures: "Distribution complémentaire organisée le 30 mars",
        response: "Votre plainte est fondée. Une distribution complémentaire aura lieu le 30 mars à Kati.",
      });
    },
    reference,
  );
  await step(
    "The 30-day appeal window passes without an appeal (H-D4)",
    async () => {
      const now = await advance("P31D");
      log(`    virtual time is now ${now}`);
    },
    reference,
  );
  const final = await view(reference);
  if (final.status !== "closed") throw new DemoError(`the case ended ${final.status}, not closed`);
  log(`cfm demo: ${reference} closed ${final.closure}; ${seen.size} emails in the outgoing-mail store`);
  return { reference, mails: seen.size };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  const httpUrl = `http://127.0.0.1:${port("CFM_HTTP_PORT", 3000)}`;
  const started = Date.now();
  runDemo({
    httpUrl,
    sesUrl: `http://127.0.0.1:${port("CFM_SES_PORT", 8005)}`,
    smtpPort: port("CFM_SMTP_PORT", 2525),
  })
    .then(() => console.log(`cfm demo: done in ${((Date.now() - started) / 1000).toFixed(1)} s`))
    .catch((error: Error) => {
      const hint = /fetch failed|ECONNREFUSED/.test(`${error.message} ${String(error.cause)}`)
        ? " (is the local stack running? start it with `npm start` in another terminal)"
        : "";
      console.error(`cfm demo: ${error.message}${hint}`);
      process.exit(1);
    });
}
