/**
 * Key paths for error messages, in JavaScript accessor syntax: `a.b[3]`, `["odd key"].x`.
 *
 * @example
 *   formatKeyPath(["a", "b", 3], 3)  // "a.b[3]"
 */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Formats the first `count` segments (object keys as strings, list indices as numbers). */
export function formatKeyPath(segments: ReadonlyArray<string | number>, count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) {
    const seg = segments[i]!;
    if (typeof seg === "number") out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += i === 0 ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
