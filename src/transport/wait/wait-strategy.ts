/**
 * Wait strategies: what a reader does when a poll found no work. Chosen by the alias the YAML uses.
 * A host loop is `strategy.idle(drainAll())`: work resets the strategy, no work spins or parks.
 *
 * - `spin`: never parks; lowest latency (~0.3 µs round trip here), burns a core.
 * - `hybrid` (default): spins a while (a wake from a parked state costs ~80 µs on this VM), then parks.
 * - `park`: parks at once; uses no CPU while idle, pays the wake cost on every burst.
 *
 * @example
 *   const strategy = createWaitStrategy("hybrid", doorbell, () => sub.hasData());
 *   for (;;) strategy.idle(sub.poll(handler));
 */
import type { Doorbell } from "../doorbell.js";

/** The names of the wait strategies. */
export type WaitAlias = "spin" | "hybrid" | "park";

/** The known aliases, for validation. */
export const WAIT_ALIASES: readonly WaitAlias[] = ["spin", "hybrid", "park"];

/** What a reader does between polls. */
export interface WaitStrategy {
  readonly alias: WaitAlias;
  /**
   * Called after each poll with the frames it handled; may spin or park (at most `timeoutMs`,
   * negative: no limit). Returns true when it parked, so a caller with a deadline reads the clock.
   */
  idle(workCount: number, timeoutMs?: number): boolean;
  /** Forgets how long the reader has been idle. */
  reset(): void;
}

/** Tuning of the strategies. */
export interface WaitTuning {
  /** Idle polls before `hybrid` parks (default 2000, roughly 5–50 µs). */
  spins?: number;
  /** Longest single park in ms (default 1000), so a parked host re-checks its stop flag. */
  parkTimeoutMs?: number;
}

/** Builds the strategy named `alias`. `doorbell` is required for hybrid and park. */
export function createWaitStrategy(
  alias: WaitAlias,
  doorbell: Doorbell | undefined,
  hasWork: () => boolean,
  tuning: WaitTuning = {},
): WaitStrategy {
  const spins = tuning.spins ?? 2_000;
  const parkTimeoutMs = tuning.parkTimeoutMs ?? 1000;
  const cap = (timeoutMs: number | undefined): number =>
    timeoutMs === undefined || timeoutMs < 0 ? parkTimeoutMs : Math.min(timeoutMs, parkTimeoutMs);
  if (alias === "spin") return { alias, idle: () => false, reset() {} };
  if (doorbell === undefined) throw new TypeError(`wait strategy "${alias}" needs a doorbell`);
  if (alias === "park") {
    return {
      alias,
      idle(workCount, timeoutMs) {
        if (workCount !== 0) return false;
        doorbell.park(hasWork, cap(timeoutMs));
        return true;
      },
      reset() {},
    };
  }
  if (alias !== "hybrid") throw new TypeError(`unknown wait strategy "${alias}"; use one of ${WAIT_ALIASES.join(", ")}`);
  let idleCount = 0;
  return {
    alias,
    idle(workCount, timeoutMs) {
      if (workCount > 0) {
        idleCount = 0;
        return false;
      }
      if (++idleCount < spins) return false;
      idleCount = 0;
      doorbell.park(hasWork, cap(timeoutMs));
      return true;
    },
    reset() {
      idleCount = 0;
    },
  };
}
