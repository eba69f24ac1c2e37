/**
 * Logging: `debug` namespaces (`DEBUG=ether:*`) for developers, and the session lines users see
 * (the seed's `Starting Ether session: <uuid>...` and friends), printed with a timestamp. Imports
 * nothing from src/ so every layer may use it.
 *
 * @example
 *   const log = namespace("transport");
 *   log("attached %s", name);
 *   sessionLine("info", "Ether system started successfully");
 */
import createDebug from "debug";

/** A `debug` logger under `ether:<name>`. */
export function namespace(name: string): createDebug.Debugger {
  return createDebug(`ether:${name}`);
}

/** Levels of session lines, most severe first. */
export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;

/** A session line's level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

let threshold: LogLevel = "info";

/** Sets the most verbose level printed (from the session config's `log_level`). */
export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

/** Whether lines of `level` are printed. */
export function enabled(level: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(threshold);
}

/** `2026-11-22 07:01:38.123`: local time with milliseconds, as the seed prints it. */
export function timestamp(date = new Date()): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  return (
    `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ` +
    `${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}.${p(date.getMilliseconds(), 3)}`
  );
}

/** Prints one session line: `<timestamp> - <LEVEL> - <message>` (errors and warnings to stderr). */
export function sessionLine(level: LogLevel, message: string): void {
  if (!enabled(level)) return;
  const line = `${timestamp()} - ${level.toUpperCase()} - ${message}`;
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}
