import { build } from "esbuild";
import { readFileSync } from "node:fs";
const [entry, ...extra] = process.argv.slice(2);
const r = await build({ entryPoints: [entry], bundle: true, platform: "node", target: "node22", format: "esm", mainFields: ["module","main"], minify: true, metafile: true, write: false, outfile: "/tmp/perf-an/out.mjs", define: { "process.env.CFM_CONFIG_JSON": JSON.stringify("{}") }, logLevel: "error", ...(extra.length? {alias: Object.fromEntries(extra.map(e=>e.split("=")))}:{}) });
const out = Object.values(r.metafile.outputs)[0];
const by = new Map();
for (const [f, { bytesInOutput }] of Object.entries(out.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f);
  const k = m ? m[1] : f.split("/").slice(0, 2).join("/");
  by.set(k, (by.get(k) ?? 0) + bytesInOutput);
}
console.log("total", Math.round(out.bytes / 1024), "KB");
for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(String(Math.round(v / 1024)).padStart(5), k);
