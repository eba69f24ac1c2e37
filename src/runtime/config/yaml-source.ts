/**
 * Reads a YAML config file into a document tree that keeps positions, and turns YAML's own errors
 * (syntax, duplicate keys) into config problems at their file positions.
 *
 * @example
 *   const { source, value, issues } = parseYamlConfig(file, text);
 */
import { LineCounter, parseDocument } from "yaml";
import type { ConfigIssue } from "./issues.js";
import { formatKeyPath } from "./key-path.js";
import { firstKeyPosition, pathAt, type YamlSource } from "./locate.js";

/** What must be unique, by the map a duplicate key is in. */
const UNIQUE: Readonly<Record<string, string>> = {
  instances: "instance names must be unique; rename one",
  topics: "each topic is configured once; merge the two entries",
  registry: "each class is registered once; merge the two entries",
};

function yamlIssue(source: YamlSource, error: { code: string; message: string; pos: [number, number] }): ConfigIssue {
  const offset = error.pos[0];
  const path = pathAt(source, offset);
  if (error.code === "DUPLICATE_KEY" && path.length > 0) {
    const key = String(path[path.length - 1]);
    const parent = path.slice(0, -1);
    const first = firstKeyPosition(source, parent, key);
    const where = first === undefined ? "" : ` (first at line ${first.line})`;
    const rule = (parent.length === 1 ? UNIQUE[String(parent[0])] : undefined) ?? `keys in ${formatKeyPath(parent)} must be unique`;
    return { path, target: "key", offset, detail: `duplicate key "${key}"${where}; ${rule}` };
  }
  return {
    path,
    target: "key",
    offset,
    detail:
      `YAML syntax error: ${error.message.replace(/\s+$/, "")} (${error.code}); ` +
      "check the indentation, quotes and brackets here and on the lines above",
  };
}

/** Parses `text` (the contents of `file`); `value` is the plain data, `issues` YAML's own errors. */
export function parseYamlConfig(file: string, text: string): { source: YamlSource; value: unknown; issues: ConfigIssue[] } {
  const lineCounter = new LineCounter();
  // merge: the seed's configs were read by PyYAML, which expands `<<: *anchor` merge keys.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  const source: YamlSource = { file, doc, lineCounter };
  const issues = doc.errors.map((e) => yamlIssue(source, e));
  if (issues.length > 0) return { source, value: undefined, issues };
  try {
    return { source, value: doc.toJS({ maxAliasCount: 1000 }) as unknown, issues };
  } catch (e) {
    return { source, value: undefined, issues: [{ path: [], target: "key", offset: 0, detail: `cannot read the YAML: ${(e as Error).message}` }] };
  }
}
