// aws-ses-v2-local, the outgoing-mail store (GET /store). It is CommonJS with `exports.default`, which Node's
// ESM interop nests once more than bundlers and vitest do: take whichever is the function.
// Issue 15: its store is in memory; with `persistFile` every email is also appended to a JSON Lines file
// (under .cfm-local/) and loaded back at start, so the task links already emailed can still be found in the
// mailbox after a restart.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import sesModule from "aws-ses-v2-local";

type StartSes = (config?: Partial<{ host: string; port: number }>) => Promise<Server>;
type Store = { emails: unknown[] };

export async function startSesLocal(
  port: number,
  options: { persistFile?: string } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const candidate = sesModule as unknown as { default?: StartSes } | StartSes;
  const start = typeof candidate === "function" ? candidate : candidate.default;
  if (!start) throw new Error("aws-ses-v2-local: no server function exported");
  if (options.persistFile) persistStore(options.persistFile);
  const server = await start({ host: "127.0.0.1", port });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Loads the saved emails into the store and appends each new one to the file, synchronously (a SIGKILL loses none). */
function persistStore(file: string): void {
  const { getStoreReadonly } = createRequire(import.meta.url)("aws-ses-v2-local/dist/store.js") as {
    getStoreReadonly(): Store;
  };
  const store = getStoreReadonly();
  const saved = existsSync(file)
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
  const persisted = (emails: unknown[]) =>
    new Proxy(emails, {
      set(target, property, value, receiver) {
        // push() sets the new index, then length: append on the index.
        if (typeof property === "string" && /^\d+$/.test(property) && Number(property) >= target.length)
          appendFileSync(file, `${JSON.stringify(value)}\n`);
        return Reflect.set(target, property, value, receiver);
      },
    });
  let emails = persisted([...saved]);
  Object.defineProperty(store, "emails", {
    configurable: true,
    get: () => emails,
    // POST /clear-store replaces the array: the file is emptied with it.
    set: (next: unknown[]) => {
      writeFileSync(file, next.map((e) => `${JSON.stringify(e)}\n`).join(""));
      emails = persisted([...next]);
    },
  });
}
