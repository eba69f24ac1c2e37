/**
 * UTF-8 decoding for the dict codec. Short ASCII strings (most keys and labels) are decoded in
 * JavaScript, which beats a native TextDecoder call below ~16 bytes; everything else goes through
 * TextDecoder, which accepts views into a SharedArrayBuffer. Invalid UTF-8 decodes with U+FFFD
 * replacement characters (never throws). Encoding lives in dict-writer.ts.
 *
 * @example
 *   decodeUtf8(frameBytes, start, end)  // "value"
 */

const textDecoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/** Strings up to this many bytes are tried as ASCII in JavaScript first. */
const SHORT_ASCII = 16;

/** Decodes `bytes[start, end)` as UTF-8. The range must lie inside `bytes` (callers check). */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= SHORT_ASCII) {
    let s = "";
    let i = start;
    for (; i < end; i++) {
      const c = bytes[i]!;
      if (c >= 0x80) break;
      s += String.fromCharCode(c);
    }
    if (i === end) return s;
  }
  return textDecoder.decode(bytes.subarray(start, end));
}
