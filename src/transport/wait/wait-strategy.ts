/**
 * Wait strategies: what a reader does when a poll found no work. Chosen by the alias the YAML uses.
 * A host loop is `strategy.idle(drainAll())`: work resets the strategy, no work spins or parks.
 *
 * - `spin`: never parks; lowest latency (~0.3 µs round trip here), burns a core.
 * - `hybrid` (default): spins a while, then naps (short sleeps that publishers do not have to end),
 *   then parks. Waking a parked thread on another core costs the waker ~10 µs and the sleeper ~80 µs
 *   on this kind of VM; a 50 µs nap gives the same latency while a stream flows and costs the
 *   publisher nothing, so publishers pay for wakes only after ~1 ms of silence. Idle, it parks: no CPU.
 *   A reader that keeps pace with its publisher frame by frame (polls that find fewer than
 *   SMALL_BATCH frames) is not idle, but it is not worth a core either: it reads the shared tail
 *   after every frame, which slows the publisher, and on a machine with more busy threads than cores
 *   it takes CPU the publisher needs. Such polls count as SMALL_BATCH_SPINS idle spins each, so after
 *   a few dozen of them the reader naps, even with frames waiting (a reader chasing its publisher may
 *   never find the ring empty), and then takes the frames in one batch (the publisher ran meanwhile
 *   without a reader on its line); a poll that finds a real batch resets the count.
 *   A nap after which a real batch was waiting means a heavy stream: the next nap is twice as long
 *   (up to `napMaxMs`), since waking more often would only cost context switches (each one a timer and
 *   a VM exit here) while the batches stay big; a nap that finds less goes back to `napMs`. In such a
 *   stream the reader also naps at the first poll that finds nothing (STREAM_SPINS instead of
 *   `spins`): spinning there only reads frames one by one off the publisher's lines and takes CPU
 *   that the publisher and the other readers need, while the latency is the nap's anyway. A nap that
 *   finds less than a batch ends that: the reader spins its `spins` again before the next nap. One
 *   publisher on this 2-core VM, six alternating rounds: four hybrid readers 5.0 -> 6.5 M frames/s
 *   at the publisher (+13 to +68 % per round), one reader 8.5 -> 9.1 M.
 * - `park`: parks at once; uses no CPU while idle, and a publisher pays a wake for every burst.
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
  /**
   * idle() without the park: spins or naps the same way, and returns "park" where idle() would park,
   * leaving the park to the caller (a host parks without blocking its event loop, so that timers and
   * I/O callbacks of its components still run). "waited" when it napped, "go" otherwise.
   */
  step(workCount: number, timeoutMs?: number): WaitStep;
}

/** What WaitStrategy.step() did: nothing ("go"), a nap ("waited"), or it asks the caller to park. */
export type WaitStep = "go" | "waited" | "park";

/** Tuning of the strategies. */
export interface WaitTuning {
  /** Idle polls before `hybrid` naps (default 500, a few µs). */
  spins?: number;
  /** Longest single park in ms (default 1000), so a parked host re-checks its stop flag. */
  parkTimeoutMs?: number;
  /** Length of one `hybrid` nap in ms (default 0.05). */
  napMs?: number;
  /** Longest `hybrid` nap in ms, reached while every nap ends with a batch waiting (default 0.2). */
  napMaxMs?: number;
  /** Nap time in ms after which `hybrid` parks (default 1); 0 turns naps off. */
  napBudgetMs?: number;
}

/** `hybrid`: a poll that handled fewer frames than this kept pace frame by frame (see the module comment). */
export const SMALL_BATCH = 16;
/** `hybrid`: how many idle spins such a poll counts as. */
export const SMALL_BATCH_SPINS = 16;
/** `hybrid`: spins before a nap while the last nap ended with a batch waiting (a heavy stream): none. */
export const STREAM_SPINS = 1;

/** Builds the strategy named `alias`. `doorbell` is required for hybrid and park. */
export function createWaitStrategy(
  alias: WaitAlias,
  doorbell: Doorbell | undefined,
  hasWork: () => boolean,
  tuning: WaitTuning = {},
): WaitStrategy {
  const spins = tuning.spins ?? 500;
  const parkTimeoutMs = tuning.parkTimeoutMs ?? 1000;
  const cap = (timeoutMs: number | undefined): number =>
    timeoutMs === undefined || timeoutMs < 0 ? parkTimeoutMs : Math.min(timeoutMs, parkTimeoutMs);
  if (alias === "spin") return { alias, idle: () => false, step: () => "go" };
  if (doorbell === undefined) throw new TypeError(`wait strategy "${alias}" needs a doorbell`);
  /** idle() made of step(): parks where step() asks to. */
  const parking = (step: (workCount: number, timeoutMs?: number) => WaitStep) => (workCount: number, timeoutMs?: number): boolean => {
    const next = step(workCount, timeoutMs);
    if (next === "park") doorbell.park(hasWork, cap(timeoutMs));
    return next !== "go";
  };
  if (alias === "park") {
    const step = (workCount: number): WaitStep => (workCount !== 0 ? "go" : "park");
    return { alias, idle: parking(step), step };
  }
  if (alias !== "hybrid") throw new TypeError(`unknown wait strategy "${alias}"; use one of ${WAIT_ALIASES.join(", ")}`);
  const baseNap = tuning.napMs ?? 0.05;
  const maxNap = Math.max(baseNap, tuning.napMaxMs ?? 0.2);
  const napBudget = baseNap > 0 ? (tuning.napBudgetMs ?? 1) : 0;
  let idleCount = 0;
  /** Nap time since data last flowed: past the budget, the reader parks. */
  let napSpent = 0;
  let nap = baseNap;
  /** The last call napped: this call's work tells how much came in meanwhile. */
  let napped = false;
  /** Spins before the next nap: `spins`, or STREAM_SPINS while the last nap found a batch. */
  let spinLimit = spins;
  const napFor = (timeoutMs: number | undefined): WaitStep => {
    const ms = timeoutMs === undefined || timeoutMs < 0 ? nap : Math.min(nap, timeoutMs);
    napSpent += nap;
    napped = true;
    doorbell.nap(ms);
    return "waited";
  };
  const step = (workCount: number, timeoutMs?: number): WaitStep => {
    if (napped) {
      napped = false;
      const stream = workCount >= SMALL_BATCH;
      nap = stream ? Math.min(maxNap, nap * 2) : baseNap;
      spinLimit = stream ? Math.min(spins, STREAM_SPINS) : spins;
    }
    if (workCount >= SMALL_BATCH) {
      idleCount = 0;
      napSpent = 0;
      return "go";
    }
    if (workCount > 0) {
      // Frame by frame: counts toward a nap, and naps once the count is reached even with frames
      // waiting (a reader chasing its publisher may never find the ring empty); data flows, so no park.
      napSpent = 0;
      idleCount += SMALL_BATCH_SPINS;
      return idleCount < spinLimit ? "go" : napFor(timeoutMs);
    }
    if (++idleCount < spinLimit) return "go";
    if (napSpent < napBudget) return napFor(timeoutMs);
    // Stay in the park phase (no new spins or naps) until work arrives: a caller that parks with a
    // short timeout, again and again while idle, must not pay the spin and nap phase every time.
    return "park";
  };
  return { alias, idle: parking(step), step };
}
