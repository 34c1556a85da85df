// `cfm stack-trace MAP [FILE]`: a Lambda stack trace (from CloudWatch Logs) with each position in the minified
// bundle mapped back to cfm's source. The functions never parse their source map at run time (issue 18: it cost
// up to 77 % of a cold start); the map ships beside the bundle in the asset (cdk.out/asset.<hash>/index.mjs.map).
import { readFileSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";

/** Rewrites every `index.mjs:LINE:COLUMN` in `trace` as `source:line:column`, keeping the bundle position after. */
export function mapStackTrace(trace: string, map: SourceMapPayload): string {
  const sourceMap = new SourceMap(map);
  return trace.replace(/(?:file:\/\/)?[^\s()]*index\.mjs:(\d+):(\d+)/g, (position, line, column) => {
    // Stack traces count from 1, the map's entries from 0.
    const entry = sourceMap.findEntry(Number(line) - 1, Number(column) - 1) as Partial<{
      originalSource: string;
      originalLine: number;
      originalColumn: number;
    }>;
    if (entry.originalSource === undefined || entry.originalLine === undefined) return position;
    const source = entry.originalSource.replace(/^(?:\.\.\/)+/, "");
    return `${source}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1} (${position})`;
  });
}

export function stackTraceCommand(
  args: string[],
  out: (s: string) => void,
  err: (s: string) => void,
  stdin: () => string = () => readFileSync(0, "utf8"),
): number {
  const [mapFile, traceFile] = args;
  if (!mapFile) {
    err(
      "usage: cfm stack-trace cdk.out/asset.<hash>/index.mjs.map [FILE]  (the trace on stdin without FILE)",
    );
    return 2;
  }
  let map: SourceMapPayload;
  try {
    map = JSON.parse(readFileSync(mapFile, "utf8")) as SourceMapPayload;
  } catch (error) {
    err(`${mapFile}: not a readable source map: ${(error as Error).message}`);
    return 1;
  }
  try {
    out(mapStackTrace(traceFile ? readFileSync(traceFile, "utf8") : stdin(), map));
    return 0;
  } catch (error) {
    err(`cfm stack-trace: ${(error as Error).message}`);
    return 1;
  }
}
