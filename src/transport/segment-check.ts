/**
 * Validation of a segment before anything reads it: length, magic and version, each a named error.
 * Opening a segment with requirements it cannot meet is an error, never a silent adaptation.
 */
import { errors } from "../errors.js";

/** What a segment kind must carry in its first words. */
export interface SegmentSignature {
  readonly what: string;
  readonly magic: number;
  readonly version: number;
  readonly headerLength: number;
  readonly lengthOffset: number;
}

/** Throws ERR_ETHER_SEGMENT_TOO_SMALL, ERR_ETHER_BAD_MAGIC or ERR_ETHER_BAD_VERSION when `sab` is not a valid segment. */
export function checkSegment(sab: SharedArrayBuffer, sig: SegmentSignature): void {
  if (!(sab instanceof SharedArrayBuffer)) {
    throw errors.layout(sig.what, "expected a SharedArrayBuffer");
  }
  if (sab.byteLength < sig.headerLength) throw errors.segmentTooSmall(sig.what, sab.byteLength, sig.headerLength);
  const u32 = new Uint32Array(sab, 0, 3);
  if (u32[0] !== sig.magic) throw errors.badMagic(sig.what, u32[0]!, sig.magic);
  if (u32[1] !== sig.version) throw errors.badVersion(sig.what, u32[1]!, sig.version);
  const declared = new Uint32Array(sab, sig.lengthOffset, 1)[0]!;
  if (declared > sab.byteLength) throw errors.segmentTooSmall(sig.what, sab.byteLength, declared);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Writes a UTF-8 string of at most `max` bytes at `offset`, its byte length at `lengthOffset`. */
export function writeName(u8: Uint8Array, lengthOffset: number, offset: number, max: number, value: string, what: string): void {
  const bytes = encoder.encode(value);
  if (bytes.length > max) throw errors.invalidOption(what, "name", `"${value}" is ${bytes.length} bytes; at most ${max}`);
  u8.set(bytes, offset);
  new DataView(u8.buffer, u8.byteOffset).setUint32(lengthOffset, bytes.length, true);
}

/** Reads a UTF-8 string written by writeName. */
export function readName(u8: Uint8Array, lengthOffset: number, offset: number, max: number): string {
  const length = Math.min(new DataView(u8.buffer, u8.byteOffset).getUint32(lengthOffset, true), max);
  return decoder.decode(u8.slice(offset, offset + length));
}
