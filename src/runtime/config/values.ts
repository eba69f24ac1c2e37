/**
 * Small helpers for looking at raw config values (what YAML or a caller's object holds) before they
 * are validated: a parse result type, a description of a value for messages, a map test.
 *
 * @example
 *   describeValue([1, 2]);          // "a list"
 *   const r: Parsed<number> = { ok: false, problem: "…" };
 */

/** The result of parsing a config value: the value, or a sentence saying what is wrong and how to fix it. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** A short description of a config value for messages: `a list`, `the number 3`, `the string "x"`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return `the string ${JSON.stringify(value)}`;
    case "number":
    case "bigint":
      return `the number ${value}`;
    case "boolean":
      return `${value}`;
    case "function":
      return "a function";
    case "object":
      return "a map";
    default:
      return typeof value;
  }
}

/** True for a map (a plain object: not null, not a list, not a class instance such as a Date). */
export function isMap(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
