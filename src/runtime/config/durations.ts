/**
 * Durations in a session config: a number with a unit (`250ms`, `10s`, `1.5s`, `2m`, `1h`, `500us`).
 * A bare number is rejected: a reader cannot tell seconds from milliseconds, and the seed's configs
 * used both.
 *
 * @example
 *   parseDuration("10s");    // { ok: true, value: 10000 }   (milliseconds)
 *   parseDuration(10);       // { ok: false, problem: "10 has no unit; …" }
 */
import { describeValue, type Parsed } from "./values.js";

const MS_PER_UNIT: Readonly<Record<string, number>> = {
  us: 0.001,
  µs: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
};

const DURATION_RE = /^(\d[\d_]*(?:\.\d+)?)\s*([a-zA-Zµ]*)$/;
const EXAMPLE = `write a duration like "250ms", "10s" or "2m"`;

/** Parses a duration and returns it in milliseconds (possibly fractional, for `us`). */
export function parseDuration(value: unknown): Parsed<number> {
  if (typeof value === "number") return { ok: false, problem: `${value} has no unit (seconds or milliseconds?); ${EXAMPLE}` };
  if (typeof value !== "string") return { ok: false, problem: `expected a duration, got ${describeValue(value)}; ${EXAMPLE}` };
  const m = DURATION_RE.exec(value.trim());
  if (m === null) return { ok: false, problem: `"${value}" is not a duration; ${EXAMPLE}` };
  if (m[2] === "") return { ok: false, problem: `"${value}" has no unit (seconds or milliseconds?); ${EXAMPLE}` };
  const scale = MS_PER_UNIT[m[2]!];
  if (scale === undefined) return { ok: false, problem: `"${value}" has an unknown unit "${m[2]}"; use us, ms, s, m or h (${EXAMPLE})` };
  return { ok: true, value: Number(m[1]!.replaceAll("_", "")) * scale };
}
