/**
 * Key shapes: the decoder's cache of key lists it has already turned into strings. A dict frame is
 * self-describing (its keys travel as UTF-8 in every frame), but messages on a topic mostly share a
 * few shapes, so the decoder compares a frame's key bytes with a cached shape's bytes instead of
 * decoding strings, and builds the result with a factory compiled for that shape: one allocation,
 * and every object of a shape gets the same hidden class. A fresh decoder with an empty cache reads
 * any frame; the cache only saves work.
 *
 * @example
 *   const shape = new KeyShape(["seq", "t", "value"]);
 *   shape.build([1, 2, 0.5])  // {seq: 1, t: 2, value: 0.5}
 */

const encoder = new TextEncoder();

/** Shapes with more keys than this are built by assignment instead of a compiled factory. */
const MAX_FACTORY_KEYS = 64;
/**
 * Uses of a shape before its factory is compiled. Compiling costs ~15 us; a stream of ever-new keys
 * (ids as keys, say) must not pay that per message, while a steady shape soon earns it back.
 */
const COMPILE_AFTER_USES = 16;

type Build = (values: readonly unknown[]) => Record<string, unknown>;

/** One list of keys, with its UTF-8 bytes for matching and a factory for building objects. */
export class KeyShape {
  readonly keys: readonly string[];
  /** UTF-8 byte length of each key. */
  readonly lengths: Int32Array;
  /** Where each key's bytes start in `bytes`. */
  readonly starts: Int32Array;
  /** All keys' UTF-8 bytes, concatenated. */
  readonly bytes: Uint8Array;
  /**
   * Builds `{keys[i]: values[i]}` (own data properties, in key order, `__proto__` included). By
   * assignment at first, by a compiled factory once the shape has been used often.
   */
  build: Build;

  /**
   * @param keys the keys, in order
   * @param encoded each key's bytes as they appear in frames (default: its UTF-8); the decoder passes
   *   the frame's own bytes, so keys that are not valid UTF-8 still match next time
   */
  constructor(keys: readonly string[], encoded: readonly Uint8Array[] = keys.map((k) => encoder.encode(k))) {
    this.keys = keys.slice();
    this.lengths = Int32Array.from(encoded, (e) => e.length);
    this.starts = new Int32Array(keys.length);
    let total = 0;
    for (let i = 0; i < keys.length; i++) {
      this.starts[i] = total;
      total += encoded[i]!.length;
    }
    this.bytes = new Uint8Array(total);
    for (let i = 0; i < keys.length; i++) this.bytes.set(encoded[i]!, this.starts[i]!);
    const assign = assigner(this.keys);
    let uses = 0;
    this.build =
      keys.length > MAX_FACTORY_KEYS
        ? assign
        : (values) => {
            if (++uses === COMPILE_AFTER_USES) this.build = compile(this.keys) ?? assign;
            return assign(values);
          };
  }
}

/**
 * `key` as a property name in generated object-literal source: JSON-quoted (safe for any string),
 * except `__proto__`, which must be computed to define an own property rather than the prototype.
 */
export function propertyKey(key: string): string {
  return key === "__proto__" ? '["__proto__"]' : JSON.stringify(key);
}

/**
 * A function returning an object literal with these keys, e.g. `v => ({"seq": v[0], "t": v[1]})`,
 * with keys written by `propertyKey`; undefined when code generation from strings is disabled.
 */
function compile(keys: readonly string[]): Build | undefined {
  const props = keys.map((k, i) => `${propertyKey(k)}: v[${i}]`);
  try {
    return new Function("v", `"use strict"; return { ${props.join(", ")} };`) as Build;
  } catch {
    return undefined; // --disallow-code-generation-from-strings
  }
}

/** Builds by assignment (`__proto__` defined as an own property). */
function assigner(keys: readonly string[]): Build {
  return (values) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (k === "__proto__") Object.defineProperty(o, k, { value: values[i], enumerable: true, writable: true, configurable: true });
      else o[k] = values[i];
    }
    return o;
  };
}

/** Most shapes kept before the cache starts over (a topic with ever-new keys must not grow it forever). */
const MAX_SHAPES = 1024;

/** Shapes by a hash of their key bytes; the decoder verifies a candidate byte by byte. */
export class KeyShapeCache {
  private readonly byHash = new Map<number, KeyShape[]>();
  private count = 0;
  /** The last shape matched for each key count (small counts only): tried first. */
  readonly recent: Array<KeyShape | undefined> = new Array(32).fill(undefined);

  /** Shapes whose keys hash to `hash` (see `hashStep`), possibly none. */
  candidates(hash: number): readonly KeyShape[] | undefined {
    return this.byHash.get(hash);
  }

  /** Adds a shape under `hash`. */
  add(hash: number, shape: KeyShape): void {
    if (this.count >= MAX_SHAPES) {
      this.byHash.clear();
      this.recent.fill(undefined);
      this.count = 0;
    }
    const list = this.byHash.get(hash);
    if (list === undefined) this.byHash.set(hash, [shape]);
    else list.push(shape);
    this.count++;
  }
}

/** FNV-1a step over one byte: start from `HASH_SEED`, feed every key's length and bytes. */
export function hashStep(h: number, byte: number): number {
  return Math.imul(h ^ byte, 0x01000193) >>> 0;
}

/** Initial value of a key-list hash. */
export const HASH_SEED = 0x811c9dc5;
