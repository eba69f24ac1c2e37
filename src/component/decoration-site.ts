/**
 * @internal Where a decorator is being applied, for error messages: `file:line:col` of the first
 * stack frame outside this folder and outside the decorator helpers that tsc (`__esDecorate`) and
 * esbuild (`__decorateElement`) emit. Method decorators are not told their class (TC39 gives them
 * the method's name and the metadata object only), so this location is how a decoration-time error
 * points at the class. Only computed when an error is being built. When the module came with a source
 * map that Node kept (source maps enabled, as they are once Ether loads a user's .ts through tsx), the
 * place is the one in the source, not in the code that ran.
 *
 * @example
 *   decorationSite();   // "file:///app/sensor.js:41:13"
 */
import { findSourceMap } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));

export function decorationSite(): string | undefined {
  const original = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 30;
    Error.prepareStackTrace = (_error, frames) => frames;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, decorationSite);
    const frames = holder.stack as NodeJS.CallSite[] | undefined;
    for (const frame of frames ?? []) {
      const file = frame.getFileName() ?? frame.getScriptNameOrSourceURL();
      if (!file || file.startsWith("node:")) continue;
      const path = file.startsWith("file:") ? fileURLToPath(file) : file;
      if (dirname(path) === HERE) continue;
      if (/^__(esDecorate|decorateElement|decoratorStart|runInitializers|decorateClass)/.test(frame.getFunctionName() ?? "")) continue;
      return originalPlace(file, frame.getLineNumber() ?? 0, frame.getColumnNumber() ?? 0);
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    Error.prepareStackTrace = original;
    Error.stackTraceLimit = limit;
  }
}

/** `file:line:col` in the original source when a source map says where, else as given (1-based). */
function originalPlace(file: string, line: number, col: number): string {
  try {
    const entry = findSourceMap(file)?.findEntry(line - 1, col - 1) as
      | { originalSource?: string; originalLine?: number; originalColumn?: number }
      | undefined;
    if (entry?.originalSource !== undefined && entry.originalLine !== undefined && entry.originalColumn !== undefined) {
      return `${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    }
  } catch {
    // No usable map: the place in the code that ran still helps.
  }
  return `${file}:${line}:${col}`;
}
