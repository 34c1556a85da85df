// `npm start`'s entry (issue 18): local/main.ts and the code base behind it, bundled by esbuild into one ES module
// graph (npm packages left as they are, imported from node_modules) and cached by a hash of the sources, so that a
// start loads plain JavaScript instead of transpiling some 170 TypeScript files through tsx's loader thread (about
// 1.8 s of the start's 5.8 s of CPU, measured at load 10 on 2 cores). The code is the same as with tsx: each
// file's `import.meta.url` and `import.meta.dirname` are its own path. Any failure to build falls back to tsx.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const CACHE = join(ROOT, "node_modules", ".cache", "cfm-start");
/** What the bundle is made of (sources it may reach, and the build's own settings). */
const INPUTS = ["local", "functions", "infra", "workflows", "tsconfig.json", "package-lock.json"];

function files(path) {
  const full = join(ROOT, path);
  if (!statSync(full, { throwIfNoEntry: false })?.isDirectory()) return [path];
  return readdirSync(full, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.(ts|mts|mjs|json)$/.test(f))
    .map((f) => join(path, f))
    .sort();
}

function sourceKey() {
  const hash = createHash("sha256").update(process.version);
  for (const file of INPUTS.flatMap(files)) {
    try {
      hash.update(file).update(readFileSync(join(ROOT, file)));
    } catch {
      // removed meanwhile: its absence is in the key
    }
  }
  return hash.digest("hex").slice(0, 24);
}

// `import.meta.url` / `.dirname` outside string literals and comments, replaced by the file's own: the bundle
// lives elsewhere, and the code finds its catalogs, the repository root and its packages from there.
const TOKENS =
  /("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`|\/\/[^\n]*|\/\*[\s\S]*?\*\/)|import\.meta\.(url|dirname)\b/g;
const ownImportMeta = {
  name: "own-import-meta",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      const url = pathToFileURL(args.path).href;
      const contents = text.replace(TOKENS, (match, skipped, property) =>
        skipped !== undefined ? match : JSON.stringify(property === "url" ? url : dirname(args.path)),
      );
      return { contents, loader: "ts" };
    });
  },
};

async function bundle(key) {
  const out = join(CACHE, key);
  if (statSync(join(out, "main.mjs"), { throwIfNoEntry: false })) return join(out, "main.mjs");
  const { build } = await import("esbuild");
  const partial = `${out}.${process.pid}.tmp`;
  await build({
    absWorkingDir: ROOT,
    entryPoints: ["local/main.ts"],
    bundle: true,
    splitting: true, // dynamic imports (the CDK synth, each handler) stay separate, loaded when imported
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outdir: partial,
    outExtension: { ".js": ".mjs" },
    sourcemap: "linked", // read only with --enable-source-maps
    logLevel: "error",
    plugins: [ownImportMeta],
  });
  try {
    renameSync(partial, out); // atomic: a concurrent start sees the whole bundle or none
  } catch {
    rmSync(partial, { recursive: true, force: true }); // another start made it first
  }
  // Bundles of other sources are left a day: node_modules (and so this cache) may be shared by several work trees,
  // each with a stack running from its own bundle.
  for (const entry of readdirSync(CACHE)) {
    const { mtimeMs } = statSync(join(CACHE, entry), { throwIfNoEntry: false }) ?? { mtimeMs: Date.now() };
    if (entry !== key && Date.now() - mtimeMs > 24 * 3600_000)
      rmSync(join(CACHE, entry), { recursive: true, force: true });
  }
  return join(out, "main.mjs");
}

let entry;
try {
  mkdirSync(CACHE, { recursive: true });
  entry = await bundle(sourceKey());
} catch (error) {
  console.error(`cfm: no bundle (${error.message.split("\n")[0]}), starting through tsx`);
}
if (entry) {
  await import(pathToFileURL(entry).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(ROOT, "local", "main.ts")).href);
}
