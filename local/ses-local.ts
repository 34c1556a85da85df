// aws-ses-v2-local, the outgoing-mail store (GET /store). It is CommonJS with `exports.default`, which Node's
// ESM interop nests once more than bundlers and vitest do: take whichever is the function.
// Issue 15: its store is in memory; with `persistFile` every email is also appended to a JSON Lines file
// (under .cfm-local/) and loaded back at start, so the task links already emailed can still be found in the
// mailbox after a restart.
// Issue 15 too: SES publishes a Send event for each message it accepts (the configuration set's event
// destination, infra/constructs/mail-events.ts); the emulator publishes none. `publishSendEvents` adds them:
// each email stored from then on becomes the same event, and those stored shortly before a restart (the file
// is appended synchronously, before the emulator answers) are published again at start, so a send whose own
// mark a SIGKILL cut is marked by its event before the workflows resume.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import sesModule from "aws-ses-v2-local";
import type { SesSendEvent } from "../functions/mail/sent-receipt.ts";

type StartSes = (config?: Partial<{ host: string; port: number }>) => Promise<Server>;
type Store = { emails: unknown[] };
/** What the emulator stores of an email, as far as a Send event needs it. */
interface StoredEmail {
  messageId?: string;
  at?: number;
  headers?: Array<{ name: string; value: string }>;
}
type Publish = (event: SesSendEvent) => Promise<unknown>;

export interface SesLocal {
  url: string;
  close(): Promise<void>;
  /**
   * From now on, publishes a Send event for each email the emulator stores, and first for those stored in
   * the last `replayMs` (awaited). Failures are given to `onError` (the sender's own mark still stands).
   */
  publishSendEvents(
    publish: Publish,
    options: { replayMs: number; onError(error: Error): void },
  ): Promise<void>;
}

export async function startSesLocal(port: number, options: { persistFile?: string } = {}): Promise<SesLocal> {
  const candidate = sesModule as unknown as { default?: StartSes } | StartSes;
  const start = typeof candidate === "function" ? candidate : candidate.default;
  if (!start) throw new Error("aws-ses-v2-local: no server function exported");
  const observed = observeStore(options.persistFile);
  const server = await start({ host: "127.0.0.1", port });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    async publishSendEvents(publish, { replayMs, onError }) {
      const since = Date.now() - replayMs;
      const recent = (observed.emails() as StoredEmail[]).filter((e) => (e.at ?? 0) * 1000 >= since);
      // Listening first: an email stored while the replay runs gets its event too (twice at worst: harmless).
      observed.onStored((email) => {
        const event = sendEvent(email as StoredEmail);
        if (event) publish(event).catch(onError);
      });
      for (const email of recent) {
        const event = sendEvent(email);
        if (event) await publish(event);
      }
    },
  };
}

/** SES's Send event (EventBridge form) for one stored email; null if the emulator stored no id or time. */
export function sendEvent(email: StoredEmail): SesSendEvent | null {
  if (!email.messageId || typeof email.at !== "number") return null;
  return {
    source: "aws.ses",
    detail: {
      eventType: "Send",
      mail: {
        messageId: email.messageId,
        timestamp: new Date(email.at * 1000).toISOString(),
        headers: email.headers ?? [],
      },
    },
  };
}

/**
 * Wraps the emulator's email list: each new email is appended to `file` (synchronously: a SIGKILL loses none)
 * and given to the `onStored` listener; the saved emails are loaded back first.
 */
function observeStore(file: string | undefined) {
  const { getStoreReadonly } = createRequire(import.meta.url)("aws-ses-v2-local/dist/store.js") as {
    getStoreReadonly(): Store;
  };
  const store = getStoreReadonly();
  const saved =
    file && existsSync(file)
      ? readFileSync(file, "utf8")
          .split("\n")
          .filter((line) => line.trim() !== "")
          .flatMap((line) => {
            try {
              return [JSON.parse(line) as unknown];
            } catch {
              return []; // a line cut by a crash mid-write
            }
          })
      : [];
  let listener: ((email: unknown) => void) | undefined;
  const observedList = (emails: unknown[]) =>
    new Proxy(emails, {
      set(target, property, value, receiver) {
        // push() sets the new index, then length: act on the index.
        const added =
          typeof property === "string" && /^\d+$/.test(property) && Number(property) >= target.length;
        if (added && file) appendFileSync(file, `${JSON.stringify(value)}\n`);
        const done = Reflect.set(target, property, value, receiver);
        if (added) listener?.(value);
        return done;
      },
    });
  // The file, when there is one, is the mailbox (a second start in one process must not load it twice).
  let emails = observedList(file ? [...saved] : [...store.emails]);
  Object.defineProperty(store, "emails", {
    configurable: true,
    get: () => emails,
    // POST /clear-store replaces the array: the file is emptied with it.
    set: (next: unknown[]) => {
      if (file) writeFileSync(file, next.map((e) => `${JSON.stringify(e)}\n`).join(""));
      emails = observedList([...next]);
    },
  });
  return {
    emails: () => emails,
    onStored(fn: (email: unknown) => void) {
      listener = fn;
    },
  };
}
