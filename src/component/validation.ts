/**
 * Message validation for `@sub(topic, { schema })`: the host checks each message against the zod
 * schema before calling the handler, and an invalid one goes to `ether/dead-letter` with the reason.
 *
 * @example
 *   const r = validateMessage(z.object({ data: z.number() }), { data: "x" });
 *   // { ok: false, reason: "data: Invalid input: expected number, received string" }
 */
import type { ZodType } from "zod";

/**
 * The outcome of `validateMessage`: the parsed value, or a one-line reason. A value, never a throw.
 *
 * @example
 *   const v: Validation<{ n: number }> = { ok: false, reason: "n: Invalid input: expected number, received string" };
 */
export type Validation<T = unknown> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** At most this many issues are spelled out in a reason; the rest are counted. */
const MAX_ISSUES = 3;

/**
 * Checks `message` with `schema.safeParse`. On success `value` is zod's output (defaults applied,
 * transforms run, unknown keys stripped unless the schema is strict or loose): deliver that to the
 * handler. On failure `reason` is one line, `path: message` per issue (`(root)` for the message itself),
 * joined by "; ", at most three then "(+n more)". A schema that throws (an async refinement in a sync
 * parse, a throwing transform) gives `ok: false` with the thrown message, so it is counted like any other
 * invalid message instead of failing the host.
 *
 * @example
 *   validateMessage(z.object({ n: z.number().int() }), { n: 1 });   // { ok: true, value: { n: 1 } }
 */
export function validateMessage<T>(schema: ZodType<T>, message: unknown): Validation<T> {
  let result: ReturnType<ZodType<T>["safeParse"]>;
  try {
    result = schema.safeParse(message);
  } catch (e) {
    return { ok: false, reason: `schema threw: ${oneLine(e instanceof Error ? e.message : String(e))}` };
  }
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues;
  const parts = issues.slice(0, MAX_ISSUES).map((i) => `${formatPath(i.path)}: ${oneLine(i.message)}`);
  if (issues.length > MAX_ISSUES) parts.push(`(+${issues.length - MAX_ISSUES} more)`);
  return { ok: false, reason: parts.length === 0 ? "invalid message" : parts.join("; ") };
}

/**
 * A zod issue path as one string, or `(root)` for an empty path.
 *
 * @example
 *   formatPath(["a", 0, "odd key"]);   // 'a[0]["odd key"]'
 */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "symbol") out += `[${key.toString()}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/**
 * True when `value` looks like a zod schema (has `safeParse`). `@sub` checks its `schema` option with
 * this when the decorator is applied, so a wrong value fails at class definition, not per message.
 *
 * @example
 *   isSchema(z.string());   // true
 */
export function isSchema(value: unknown): value is ZodType {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { safeParse?: unknown }).safeParse === "function"
  );
}
