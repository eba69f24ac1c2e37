/**
 * Arbitrary-precision integers as bytes: two's complement, little-endian, the fewest bytes that hold
 * the value and its sign bit (kind `BigIntWide` of the dict record). Only bigints outside the int64
 * range take this path. Conversions go through hexadecimal strings, which V8 converts in linear time
 * (shifting a bigint byte by byte would be quadratic in its size).
 *
 * @example
 *   bigintToBytes(2n ** 64n)   // Uint8Array [0, 0, 0, 0, 0, 0, 0, 0, 1]
 *   bytesToBigint(bigintToBytes(-(2n ** 70n)), 0, 9)  // -(2n ** 70n)
 */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** True when `v` fits a FlatBuffers `long` (kind `BigInt`). */
export function fitsInt64(v: bigint): boolean {
  return v >= INT64_MIN && v <= INT64_MAX;
}

/** `v` as minimal two's complement little-endian bytes (at least one byte). */
export function bigintToBytes(v: bigint): Uint8Array {
  // A negative v is the bitwise NOT of the non-negative m = -v - 1, byte for byte.
  const negative = v < 0n;
  const m = negative ? -v - 1n : v;
  let hex = m.toString(16);
  if (hex.length & 1) hex = `0${hex}`;
  const len = hex.length >> 1;
  const topNeedsSignByte = (parseInt(hex.slice(0, 2), 16) & 0x80) !== 0;
  const out = new Uint8Array(len + (topNeedsSignByte ? 1 : 0));
  for (let i = 0; i < len; i++) out[len - 1 - i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  if (negative) for (let i = 0; i < out.length; i++) out[i] = ~out[i]! & 0xff;
  return out;
}

/** The integer held by `bytes[start, end)`, two's complement little-endian; empty means 0n. */
export function bytesToBigint(bytes: Uint8Array, start: number, end: number): bigint {
  if (end <= start) return 0n;
  const negative = (bytes[end - 1]! & 0x80) !== 0;
  const mask = negative ? 0xff : 0;
  const parts: string[] = [];
  for (let i = end - 1; i >= start; i--) parts.push(HEX[bytes[i]! ^ mask]!);
  const m = BigInt(`0x${parts.join("")}`);
  return negative ? -m - 1n : m;
}
