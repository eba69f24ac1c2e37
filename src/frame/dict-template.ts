/**
 * Frame templates: the encoder's fast path for the commonest message, a flat object of numbers,
 * booleans and nulls (`{seq, t, value}`). Two such objects with the same keys in the same order
 * encode to the same bytes except the kind byte and payload of each value, so after the general
 * encoder has written one, later messages of that shape only patch those bytes in a copy of it.
 * The result is the very frame the general encoder would write: the wire format does not know
 * templates exist, and any reader decodes it.
 *
 * @example
 *   if (template.fill(message)) return template.bytes;  // else encode the general way
 */
import { KIND_FLOAT, KIND_INT } from "./dict-wire.js";

/** Slot categories: what a template slot accepts. */
export const SLOT_NUMBER = 1;
export const SLOT_BOOL = 2;
export const SLOT_NULL = 3;

/** A finished frame plus where each top-level value's varying bytes are. */
export class DictTemplate {
  /** The frame; `fill` rewrites it in place. */
  readonly bytes: Uint8Array;
  /** The key sequence this template was made for (the encoder's KeyNode). */
  readonly shape: object;
  /** The slot categories as a string of digits, to tell templates of one shape apart. */
  readonly slotKey: string;
  private readonly keys: readonly string[];
  private readonly slots: Uint8Array;
  private readonly kindAt: Int32Array;
  private readonly dataAt: Int32Array;
  private readonly f64: Float64Array;

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
    this.keys = keys.slice();
    this.slots = Uint8Array.from(slots);
    this.bytes = new Uint8Array(size);
    this.bytes.set(frame);
    this.f64 = new Float64Array(this.bytes.buffer, 0, size >>> 3);
    this.kindAt = new Int32Array(keys.length);
    this.dataAt = new Int32Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      this.kindAt[i] = size - kindFromEnd[i]!;
      const at = size - dataFromEnd[i]!;
      // A number's payload is an 8-aligned double: store its index in the Float64Array view.
      this.dataAt[i] = slots[i] === SLOT_NUMBER ? at >>> 3 : at;
    }
  }

  /** True when `slots` describe values this template can hold (numbers must sit 8-aligned). */
  static fits(size: number, slots: readonly number[], dataFromEnd: readonly number[]): boolean {
    if ((size & 7) !== 0) return false;
    for (let i = 0; i < slots.length; i++) {
      if (slots[i] === SLOT_NUMBER && ((size - dataFromEnd[i]!) & 7) !== 0) return false;
    }
    return true;
  }

  /**
   * Writes `message`'s values into `bytes` when the message has exactly this template's keys, in
   * order, with values of the slot categories; returns false (leaving `bytes` unspecified) otherwise.
   * The caller has checked that `message` is a plain object.
   */
  fill(message: Record<string, unknown>): boolean {
    const keys = this.keys;
    const slots = this.slots;
    const bytes = this.bytes;
    const n = keys.length;
    let i = 0;
    // for-in walks V8's enum cache without allocating, unlike Object.keys; a plain object has no
    // enumerable inherited keys, and any extra key makes the count differ below.
    for (const key in message) {
      if (i === n || key !== keys[i]) return false;
      const v = message[key];
      const slot = slots[i];
      if (slot === SLOT_NUMBER) {
        if (typeof v !== "number") return false;
        this.f64[this.dataAt[i]!] = v;
        bytes[this.kindAt[i]!] = Number.isSafeInteger(v) && !Object.is(v, -0) ? KIND_INT : KIND_FLOAT;
      } else if (slot === SLOT_BOOL) {
        if (typeof v !== "boolean") return false;
        bytes[this.dataAt[i]!] = v ? 1 : 0;
      } else if (v !== null) {
        return false;
      }
      i++;
    }
    return i === n;
  }
}
