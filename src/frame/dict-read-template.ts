/**
 * Read templates: the decoder's fast path for flat records (`{seq, t, value}`), the mirror of the
 * encoder's frame templates. After the decoder has parsed and validated a frame whose root values are
 * all numbers, booleans or nulls, it keeps the frame's bytes and a mask of the bytes that carried
 * values (kind bytes of numbers, the 8 bytes of each `num`, each `flag`). A later frame whose every
 * other byte is identical parses along exactly the same offsets, vtables and keys, so only those
 * bytes are compared (word by word), the varying kinds checked, and the values read.
 * Nothing is trusted that was not compared: a corrupt frame either equals a validated one byte for
 * byte outside the values, or it goes through the full validating parser.
 *
 * The match is compiled per template into straight-line code (constants inline, values read
 * straight into an object literal), like better-sqlite3's per-shape row factories; without code
 * generation from strings, or for large frames, an equivalent loop runs instead.
 *
 * @example
 *   const msg = t.length === length ? t.match(words, base >> 2, bytes, view, base) : undefined;
 */
import { type KeyShape, propertyKey } from "./dict-keys.js";
import { KIND_FLOAT, KIND_INT } from "./dict-wire.js";

/** Slot categories (what the root value at each index was when the template was made). */
export const READ_NUMBER = 1;
export const READ_BOOL = 2;
export const READ_NULL = 3;

/** Frames up to this size get compiled matchers (the generated source grows with the frame). */
const MAX_COMPILED_BYTES = 4096;

/** Returns the decoded message when the frame at `base` (`w0 = base >> 2`) matches, else undefined. */
type Match = (
  words: Int32Array,
  w0: number,
  bytes: Uint8Array,
  view: DataView,
  base: number,
) => Record<string, unknown> | undefined;

/** A validated flat frame with its varying bytes masked out. */
export class ReadTemplate {
  /** Frame length in bytes (a multiple of 4). */
  readonly length: number;
  /** Reads a matching frame; see `Match`. */
  readonly match: Match;

  /**
   * @param frame the validated frame's bytes (copied)
   * @param kindAt per slot, the kind byte's position in the frame (0 when absent)
   * @param dataAt per slot, the `num` or `flag` position in the frame (0 when absent)
   */
  constructor(frame: Uint8Array, shape: KeyShape, slots: readonly number[], kindAt: readonly number[], dataAt: readonly number[]) {
    this.length = frame.length;
    const copy = frame.slice();
    const words = new Int32Array(copy.buffer, 0, copy.length >>> 2);
    const maskBytes = new Uint8Array(copy.length).fill(0xff);
    for (let i = 0; i < slots.length; i++) {
      const data = dataAt[i]!;
      if (slots[i] === READ_NUMBER) {
        maskBytes[kindAt[i]!] = 0; // a number's kind is always present: Int or Float, checked below
        if (data !== 0) maskBytes.fill(0, data, data + 8);
      } else if (slots[i] === READ_BOOL && data !== 0) {
        maskBytes[data] = 0;
      }
    }
    const mask = new Int32Array(maskBytes.buffer, 0, copy.length >>> 2);
    this.match =
      (copy.length <= MAX_COMPILED_BYTES ? compileMatch(words, mask, shape, slots, kindAt, dataAt) : undefined) ??
      loopMatch(words, mask, shape, slots, kindAt, dataAt);
  }
}

/** Straight-line source for the match; undefined when code generation is unavailable. */
function compileMatch(
  words: Int32Array,
  mask: Int32Array,
  shape: KeyShape,
  slots: readonly number[],
  kindAt: readonly number[],
  dataAt: readonly number[],
): Match | undefined {
  const checks: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const m = mask[i]!;
    if (m === -1) checks.push(`w[w0 + ${i}] !== ${words[i]!}`);
    else if (m !== 0) checks.push(`((w[w0 + ${i}] ^ ${words[i]! & m}) & ${m}) !== 0`);
  }
  const props: string[] = [];
  for (let i = 0; i < slots.length; i++) {
    const data = dataAt[i]!;
    let value = "null";
    if (slots[i] === READ_NUMBER) {
      checks.push(`(k = b[base + ${kindAt[i]!}]) !== ${KIND_INT} && k !== ${KIND_FLOAT}`);
      value = data === 0 ? "0" : `v.getFloat64(base + ${data}, true)`;
    } else if (slots[i] === READ_BOOL) {
      value = data === 0 ? "false" : `b[base + ${data}] !== 0`;
    }
    props.push(`${propertyKey(shape.keys[i]!)}: ${value}`);
  }
  const source = `"use strict"; let k = 0;
if (${checks.join(" ||\n  ")}) return undefined;
return { ${props.join(", ")} };`;
  try {
    return new Function("w", "w0", "b", "v", "base", source) as Match;
  } catch {
    return undefined; // --disallow-code-generation-from-strings
  }
}

/** The same match as a loop over the template's arrays. */
function loopMatch(
  ours: Int32Array,
  mask: Int32Array,
  shape: KeyShape,
  slots: readonly number[],
  kindAt: readonly number[],
  dataAt: readonly number[],
): Match {
  const values: unknown[] = [];
  return (words, w0, bytes, view, base) => {
    for (let i = 0; i < ours.length; i++) if (((words[w0 + i]! ^ ours[i]!) & mask[i]!) !== 0) return undefined;
    for (let i = 0; i < slots.length; i++) {
      const data = dataAt[i]!;
      if (slots[i] === READ_NUMBER) {
        const kind = bytes[base + kindAt[i]!];
        if (kind !== KIND_INT && kind !== KIND_FLOAT) return undefined;
        values[i] = data === 0 ? 0 : view.getFloat64(base + data, true);
      } else if (slots[i] === READ_BOOL) {
        values[i] = data !== 0 && bytes[base + data] !== 0;
      } else {
        values[i] = null;
      }
    }
    return shape.build(values);
  };
}
