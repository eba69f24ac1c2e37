/**
 * Maps key paths of a parsed YAML config back to file positions, and file positions (of YAML syntax
 * errors) to key paths, through `yaml`'s document tree and its LineCounter.
 *
 * @example
 *   const source = { file, doc: parseDocument(text, { lineCounter }), lineCounter };
 *   locate(source, ["instances", "p2", "placement"], "value");   // { line: 7, col: 16 }
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from "yaml";
import type { KeyPath } from "./key-path.js";

/** A YAML config file as parsed: the file, its document tree, and the line index of its text. */
export interface YamlSource {
  readonly file: string;
  readonly doc: Document;
  readonly lineCounter: LineCounter;
}

/** A 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/** Which end of a `key: value` pair a problem is about. */
export type Target = "key" | "value";

function keyText(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function startOf(source: YamlSource, node: unknown): Position {
  const range = (node as Partial<Node> | null)?.range;
  return source.lineCounter.linePos(range?.[0] ?? 0);
}

function deref(source: YamlSource, node: unknown): unknown {
  return isAlias(node) ? node.resolve(source.doc) : node;
}

/** The pair for `key` in a YAML map, looking into `<<` merges after the map's own keys. */
function findPair(source: YamlSource, map: unknown, key: string, depth = 0): Pair | undefined {
  const node = deref(source, map);
  if (!isMap(node) || depth > 8) return undefined;
  for (const pair of node.items) if (keyText(pair) === key) return pair;
  for (const pair of node.items) {
    if (keyText(pair) !== "<<") continue;
    const merged = deref(source, pair.value);
    for (const item of isSeq(merged) ? merged.items : [merged]) {
      const found = findPair(source, item, key, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * The position of the key or value at `path`. When the path goes further than the file (a missing
 * key, a value that is empty), the position of the deepest key that exists: the place to add it.
 */
export function locate(source: YamlSource, path: KeyPath, target: Target): Position {
  let node: unknown = source.doc.contents;
  let lastKey: unknown = undefined;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const current = deref(source, node);
    let pair: Pair | undefined;
    let next: unknown;
    if (isSeq(current) && typeof segment === "number") {
      next = current.items[segment];
    } else {
      pair = findPair(source, current, String(segment));
      next = pair?.value ?? undefined;
    }
    if (pair === undefined && next === undefined) break;
    const last = i === path.length - 1;
    if (last) {
      if (target === "key" && pair !== undefined) return startOf(source, pair.key);
      return startOf(source, next ?? pair?.key);
    }
    if (next === undefined || next === null) return startOf(source, pair?.key);
    lastKey = pair?.key ?? next;
    node = next;
  }
  return lastKey === undefined ? startOf(source, source.doc.contents) : startOf(source, lastKey);
}

/**
 * The key path of the last key that starts at or before `offset` (a position in the file's text):
 * the key a YAML error is in, or the nearest one above it when the error is between keys.
 */
export function pathAt(source: YamlSource, offset: number): KeyPath {
  let best: { start: number; path: KeyPath } = { start: -1, path: [] };
  const visit = (node: unknown, path: KeyPath, depth: number): void => {
    const current = deref(source, node);
    if (depth > 64) return;
    if (isMap(current)) {
      for (const pair of current.items) {
        const start = (pair.key as Node | null)?.range?.[0];
        if (start === undefined || start > offset) continue;
        const at = [...path, keyText(pair)];
        if (start >= best.start) best = { start, path: at };
        if (!isAlias(pair.value)) visit(pair.value, at, depth + 1);
      }
    } else if (isSeq(current)) {
      current.items.forEach((item, index) => {
        const start = (item as Node | null)?.range?.[0];
        if (start !== undefined && start <= offset && !isAlias(item)) visit(item, [...path, index], depth + 1);
      });
    }
  };
  visit(source.doc.contents, [], 0);
  return best.path;
}

/** Where the key `key` of the map at `path` first appears (for "duplicate key, first at line N"). */
export function firstKeyPosition(source: YamlSource, mapPath: KeyPath, key: string): Position | undefined {
  let node: unknown = source.doc.contents;
  for (const segment of mapPath) {
    const pair = findPair(source, node, String(segment));
    if (pair === undefined) return undefined;
    node = pair.value;
  }
  const pair = findPair(source, node, key);
  return pair === undefined ? undefined : startOf(source, pair.key);
}

/** Text offset of a position, for ordering problems as they appear in the file. */
export function offsetOf(source: YamlSource, position: Position): number {
  const starts = source.lineCounter.lineStarts;
  return (starts[position.line - 1] ?? 0) + position.col - 1;
}
