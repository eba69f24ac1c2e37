/**
 * Config problems before they become an error: each names a key path, which end of the pair it is
 * about, and a sentence saying what is wrong and how to fix it. `report` sorts them as they appear in
 * the file and throws one ERR_ETHER_CONFIG error that leads with the first and lists a few more.
 *
 * @example
 *   const issues: ConfigIssue[] = [{ path: ["instances", "p"], target: "key", detail: "…" }];
 *   if (issues.length > 0) throw report(source, issues);
 */
import { errors, type EtherError } from "../../errors.js";
import { formatKeyPath, type KeyPath } from "./key-path.js";
import { locate, offsetOf, type Target, type YamlSource } from "./locate.js";

/** One problem in a config. */
export interface ConfigIssue {
  readonly path: KeyPath;
  readonly target: Target;
  /** What is wrong and how to fix it, e.g. `"threads" is not a placement; use one of thread, process, main`. */
  readonly detail: string;
  /** A text offset in the YAML file that places the problem better than the key path (YAML's own errors). */
  readonly offset?: number;
  /** The error that caused this problem (a module that failed to load), kept as the error's cause. */
  readonly cause?: unknown;
}

export { ConfigProblem } from "./config-problem.js";

/** How many problems after the first an error lists. */
const MORE = 3;

interface Placed {
  readonly issue: ConfigIssue;
  readonly line: number | undefined;
  readonly col: number | undefined;
  readonly order: number;
}

function place(source: YamlSource | undefined, issue: ConfigIssue, index: number): Placed {
  if (source === undefined) return { issue, line: undefined, col: undefined, order: index };
  const at = issue.offset === undefined ? locate(source, issue.path, issue.target) : source.lineCounter.linePos(issue.offset);
  return { issue, line: at.line, col: at.col, order: offsetOf(source, at) };
}

function describe(source: YamlSource | undefined, p: Placed): string {
  const at = source === undefined ? "" : `${source.file}:${p.line}:${p.col}: `;
  return `${at}${formatKeyPath(p.issue.path)}: ${p.issue.detail}`;
}

/**
 * The error for a non-empty list of problems: the first in file order (or in the given order when
 * the config was an object), then up to three more.
 */
export function report(source: YamlSource | undefined, issues: readonly ConfigIssue[]): EtherError {
  // A stable sort keeps the validation order among problems at the same position.
  const placed = issues.map((issue, i) => place(source, issue, i)).sort((a, b) => a.order - b.order);
  const first = placed[0]!;
  const others = placed.slice(1, 1 + MORE).map((p) => describe(source, p));
  if (placed.length > 1 + MORE) others.push(`… and ${placed.length - 1 - MORE} more`);
  const error = errors.config(
    { file: source?.file, line: first.line, col: first.col, keyPath: formatKeyPath(first.issue.path) },
    first.issue.detail,
    others,
  );
  if (first.issue.cause !== undefined) error.cause = first.issue.cause;
  return error;
}
