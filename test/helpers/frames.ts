/**
 * Checksummed test frames: [u32 publisher][u32 counter][u32 checksum][pseudo-random bytes…].
 * A torn or overwritten frame fails the checksum.
 */

/** A frame size in [12, maxSize] from a random word. */
export function frameSize(random: number, maxSize: number): number {
  return 12 + ((random >>> 0) % (maxSize - 11));
}

/** Fills `size` bytes at `at` of `u8` with a checksummed frame. */
export function fillFrame(u8: Uint8Array, at: number, size: number, publisher: number, counter: number, seed: number): void {
  const dv = new DataView(u8.buffer, u8.byteOffset);
  let x = seed | 1;
  let sum = 0;
  for (let i = 12; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    const b = (x >>> 16) & 0xff;
    u8[at + i] = b;
    sum = (Math.imul(sum, 31) + b) | 0;
  }
  dv.setUint32(at, publisher, true);
  dv.setUint32(at + 4, counter, true);
  dv.setInt32(at + 8, sum ^ counter ^ Math.imul(publisher, 0x9e3779b1), true);
}

/** Returns [publisher, counter] when the frame's checksum holds, undefined when it does not. */
export function checksumFrame(u8: Uint8Array, at: number, size: number): [number, number] | undefined {
  if (size < 12) return undefined;
  const dv = new DataView(u8.buffer, u8.byteOffset);
  const publisher = dv.getUint32(at, true);
  const counter = dv.getUint32(at + 4, true);
  let sum = 0;
  for (let i = 12; i < size; i++) sum = (Math.imul(sum, 31) + u8[at + i]!) | 0;
  return (sum ^ counter ^ Math.imul(publisher, 0x9e3779b1)) === dv.getInt32(at + 8, true) ? [publisher, counter] : undefined;
}
