// aws-ses-v2-local, the outgoing-mail store (GET /store). It is CommonJS with `exports.default`, which Node's
// ESM interop nests once more than bundlers and vitest do: take whichever is the function.
import type { Server } from "node:http";
import sesModule from "aws-ses-v2-local";

type StartSes = (config?: Partial<{ host: string; port: number }>) => Promise<Server>;

export async function startSesLocal(port: number): Promise<{ url: string; close(): Promise<void> }> {
  const candidate = sesModule as unknown as { default?: StartSes } | StartSes;
  const start = typeof candidate === "function" ? candidate : candidate.default;
  if (!start) throw new Error("aws-ses-v2-local: no server function exported");
  const server = await start({ host: "127.0.0.1", port });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
