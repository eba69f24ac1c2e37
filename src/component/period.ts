/**
 * Periods for `@every`: a duration string (`"10ms"`, `"1.5s"`, `"250us"`, `"100Hz"`), a number of
 * milliseconds (`250`), or a rate (`{ hz: 1000 }`), parsed into milliseconds (fractional below 1 ms).
 *
 * @example
 *   parsePeriod("10ms");        // 10
 *   parsePeriod({ hz: 1000 });  // 1
 *   parsePeriod("2kHz");        // 0.5
 */
import { errors } from "../errors.js";

/**
 * What `@every` accepts.
 *
 * @example
 *   const periods: Period[] = ["10ms", 250, { hz: 1000 }];
 */
export type Period = string | number | { readonly hz: number };

/**
 * The shortest period accepted: 1 µs (a rate of 1 MHz). Shorter ones are typos, not sensors.
 *
 * @example
 *   parsePeriod({ hz: 1e6 }) === MIN_PERIOD_MS;   // true
 */
export const MIN_PERIOD_MS = 0.001;
/**
 * The longest period accepted: the largest delay a Node timer takes (about 24.8 days).
 *
 * @example
 *   parsePeriod(MAX_PERIOD_MS);   // accepted; one more millisecond is not
 */
export const MAX_PERIOD_MS = 2 ** 31 - 1;

/** Milliseconds per unit; rates (`hz`, `khz`) are handled apart. Keys are lower case. */
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  ms: 1,
  s: 1000,
  min: 60_000,
  h: 3_600_000,
};
const UNIT_HZ: Readonly<Record<string, number>> = { hz: 1, khz: 1000 };
const UNITS = "ns, us, ms, s, min, h, Hz, kHz";

const PERIOD = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-zµ]+)\s*$/i;

/**
 * Why `period` is not a valid period, or undefined when it is. `parsePeriod` throws this reason; `@every`
 * turns it into an error that names the decorated method.
 *
 * @example
 *   periodProblem("10 parsecs");   // 'unit "parsecs" is not one of ns, us, ms, s, min, h, Hz, kHz'
 */
export function periodProblem(period: unknown): string | undefined {
  const ms = toMs(period);
  return typeof ms === "string" ? ms : undefined;
}

/**
 * The period a registry `ether_every` value gives: the value itself, in any form `@every` takes, or
 * the `period` of `{ period: ... }` (a map with that one key).
 *
 * @example
 *   everyPeriod({ period: "100ms" });   // "100ms"
 *   everyPeriod({ hz: 10 });            // { hz: 10 }
 */
export function everyPeriod(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === "period" ? (value as { period: unknown }).period : value;
}

/**
 * The period in milliseconds; throws ERR_ETHER_INVALID_PERIOD naming the input and the accepted forms.
 *
 * @example
 *   parsePeriod(250);       // 250
 *   parsePeriod("1s");      // 1000
 */
export function parsePeriod(period: Period): number {
  const ms = toMs(period);
  if (typeof ms === "string") throw errors.invalidPeriod(show(period), ms);
  return ms;
}

/** The period in ms, or a reason string. */
function toMs(period: unknown): number | string {
  let ms: number;
  if (typeof period === "number") {
    if (!Number.isFinite(period)) return "a number of milliseconds must be finite";
    ms = period;
  } else if (typeof period === "string") {
    const m = PERIOD.exec(period);
    if (m === null) {
      return /^\s*[\d.]+\s*$/.test(period)
        ? `"${period.trim()}" has no unit: write "${period.trim()}ms" (or the number ${period.trim()}); units: ${UNITS}`
        : `expected a number and a unit such as "10ms", "1s" or "100Hz" (units: ${UNITS})`;
    }
    const value = Number(m[1]);
    const unit = m[2]!.toLowerCase();
    if (unit in UNIT_MS) ms = value * UNIT_MS[unit]!;
    else if (unit in UNIT_HZ) {
      if (value === 0) return "a rate must be above 0 Hz";
      ms = 1000 / (value * UNIT_HZ[unit]!);
    } else return `unit "${m[2]}" is not one of ${UNITS}`;
  } else if (typeof period === "object" && period !== null && !Array.isArray(period)) {
    const keys = Object.keys(period);
    const extra = keys.filter((k) => k !== "hz");
    if (extra.length > 0 || !keys.includes("hz")) {
      return `an object period is { hz: number }; got keys ${keys.length === 0 ? "(none)" : keys.join(", ")}`;
    }
    const hz = (period as { hz: unknown }).hz;
    if (typeof hz !== "number" || !Number.isFinite(hz) || hz <= 0) return `hz must be a finite number above 0, got ${show(hz)}`;
    ms = 1000 / hz;
  } else {
    return `expected "10ms", 250 (milliseconds) or { hz: 1000 }, got ${period === null ? "null" : Array.isArray(period) ? "an array" : typeof period}`;
  }
  if (!(ms >= MIN_PERIOD_MS)) return `the period must be at least 1 µs (1 MHz), got ${ms} ms`;
  if (ms > MAX_PERIOD_MS) return `the period must be at most ${MAX_PERIOD_MS} ms (about 24.8 days), got ${ms} ms`;
  return ms;
}

/** @internal The input as the user wrote it, for messages: `show("10ms")` is `"10ms"` with the quotes. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object" && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}
