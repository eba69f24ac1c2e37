/**
 * Frame templates: the encoder's fast path for the commonest message, a flat object of numbers,
 * booleans and nulls (`{seq, t, value}`). Two such objects with the same keys in the same order
 * encode to the same bytes except the kind byte and payload of each value, so after the general
 * encoder has written one, later messages of that shape only patch those bytes in a copy of it.
 * The result is the very frame the general encoder would write: the wire format does not know
 * templates exist, and any reader decodes it.
 *
 * The patching is compiled per template into straight-line code (named property reads, constant
 * offsets); without code generation from strings an equivalent loop runs instead.
 *
 * @example
 *   if (template.fill(message)) return template.bytes;  // else encode the general way
 */
import { KIND_FLOAT, KIND_INT } from "./dict-wire.js";

/** Slot categories: what a template slot accepts. */
export const SLOT_NUMBER = 1;
export const SLOT_BOOL = 2;
export const SLOT_NULL = 3;

/** Writes a message's values into the template; false when the message has another shape. */
type Fill = (message: Record<string, unknown>) => boolean;

/** A finished frame plus where each top-level value's varying bytes are. */
export class DictTemplate {
  /** The frame; `fill` rewrites it in place. */
  readonly bytes: Uint8Array;
  /** The key sequence this template was made for (the encoder's KeyNode). */
  readonly shape: object;
  /** The slot categories as a string of digits, to tell templates of one shape apart. */
  readonly slotKey: string;
  /**
   * Writes `message`'s values into `bytes` when the message has exactly this template's keys, in
   * order, with values of the slot categories; returns false (leaving `bytes` unspecified) otherwise.
   * The caller has checked that `message` is a plain object.
   */
  readonly fill: Fill;

  /**
   * @param shape identifies the key sequence (compared by identity)
   * @param frame the general encoder's output for a message of this shape (copied)
   * @param kindFromEnd per slot, the kind byte's distance from the end of the frame
   * @param dataFromEnd per slot, the `num` (8-aligned) or `flag` byte's distance from the end
   */
  constructor(
    shape: object,
    keys: readonly string[],
    slots: readonly number[],
    kindFromEnd: readonly number[],
    dataFromEnd: readonly number[],
    frame: Uint8Array,
  ) {
    const size = frame.length;
    this.shape = shape;
    this.slotKey = slots.join("");
    this.bytes = frame.slice();
    const kindAt = kindFromEnd.map((d) => size - d);
    // A number's payload is an 8-aligned double: keep its index in a Float64Array view.
    const dataAt = dataFromEnd.map((d, i) => (slots[i] === SLOT_NUMBER ? (size - d) >>> 3 : size - d));
    const f64 = new Float64Array(this.bytes.buffer, 0, size >>> 3);
    this.fill = compileFill(keys, slots, kindAt, dataAt, this.bytes, f64) ?? loopFill(keys, slots, kindAt, dataAt, this.bytes, f64);
  }

  /** True when `slots` describe values this template can hold (numbers must sit 8-aligned). */
  static fits(size: number, slots: readonly number[], dataFromEnd: readonly number[]): boolean {
    if ((size & 7) !== 0) return false;
    for (let i = 0; i < slots.length; i++) {
      if (slots[i] === SLOT_NUMBER && ((size - dataFromEnd[i]!) & 7) !== 0) return false;
    }
    return true;
  }
}

function compileFill(
  keys: readonly string[],
  slots: readonly number[],
  kindAt: readonly number[],
  dataAt: readonly number[],
  bytes: Uint8Array,
  f64: Float64Array,
): Fill | undefined {
  // for-in walks V8's enum cache without allocating, unlike Object.keys; a plain object has no
  // enumerable inherited keys, and any extra or missing key makes the count differ.
  const lines = [
    `"use strict"; let i = 0;`,
    `for (const key in m) { if (i === ${keys.length} || key !== keys[i]) return false; i++; }`,
    `if (i !== ${keys.length}) return false;`,
  ];
  for (let i = 0; i < keys.length; i++) {
    const read = `m[${JSON.stringify(keys[i])}]`;
    if (slots[i] === SLOT_NUMBER) {
      lines.push(
        `const v${i} = ${read}; if (typeof v${i} !== "number") return false;`,
        `f64[${dataAt[i]!}] = v${i}; b[${kindAt[i]!}] = Number.isSafeInteger(v${i}) && !Object.is(v${i}, -0) ? ${KIND_INT} : ${KIND_FLOAT};`,
      );
    } else if (slots[i] === SLOT_BOOL) {
      lines.push(`const v${i} = ${read}; if (typeof v${i} !== "boolean") return false; b[${dataAt[i]!}] = v${i} ? 1 : 0;`);
    } else {
      lines.push(`if (${read} !== null) return false;`);
    }
  }
  lines.push("return true;");
  try {
    const make = new Function("keys", "b", "f64", `return (m) => {\n${lines.join("\n")}\n};`) as (
      keys: readonly string[],
      b: Uint8Array,
      f64: Float64Array,
    ) => Fill;
    return make(keys.slice(), bytes, f64);
  } catch {
    return undefined; // --disallow-code-generation-from-strings
  }
}

function loopFill(
  keys: readonly string[],
  slots: readonly number[],
  kindAt: readonly number[],
  dataAt: readonly number[],
  bytes: Uint8Array,
  f64: Float64Array,
): Fill {
  const n = keys.length;
  return (message) => {
    let i = 0;
    for (const key in message) {
      if (i === n || key !== keys[i]) return false;
      const v = message[key];
      const slot = slots[i];
      if (slot === SLOT_NUMBER) {
        if (typeof v !== "number") return false;
        f64[dataAt[i]!] = v;
        bytes[kindAt[i]!] = Number.isSafeInteger(v) && !Object.is(v, -0) ? KIND_INT : KIND_FLOAT;
      } else if (slot === SLOT_BOOL) {
        if (typeof v !== "boolean") return false;
        bytes[dataAt[i]!] = v ? 1 : 0;
      } else if (v !== null) {
        return false;
      }
      i++;
    }
    return i === n;
  };
}
