/**
 * Asymmetric fences: what lets a topic's lone publisher commit, and its readers hand back space, with
 * plain stores. On x86-64 a plain store is already a release store, but `Atomics.store` and
 * `Atomics.compareExchange` are locked instructions that wait for the core's store buffer to drain
 * (a publisher paid two per frame, a reader one per poll). The one race a plain store opens is the
 * other side's park: a reader announcing its park while the publisher's TAIL store sits in the
 * buffer, or a publisher announcing its wait for space while a reader's cursor store does ("Fences"
 * in RING_FORMAT.md). Both parks are rare, so the side that parks closes the race: it issues a
 * membarrier, a barrier on every CPU running the other threads, before its last look.
 *
 * The addon makes the system call. Without it, on another architecture, or with `ETHER_FENCE=full`,
 * topics are created with FENCE_FULL and every commit is fenced as before.
 *
 * @example
 *   const mode = fenceModeFor("threads");       // written into the topic header
 *   if (mayStorePlainly(mode)) …                // a publisher may claim alone, a reader store its cursor
 *   if (!heavyBarrier(mode)) timeout = 1;        // a reader or a blocked publisher about to park
 */
import { loadNative } from "../native/load.js";
import { FENCE_ASYMMETRIC_MACHINE, FENCE_ASYMMETRIC_PROCESS, FENCE_FULL } from "./ring-layout.js";

/** Longest single park of a thread that could not issue the heavy barrier: a wake it relies on could be missed. */
export const UNFENCED_PARK_MS = 1;

/** Registration outcome for this process, per scope (index 0 process, 1 machine); undefined until tried. */
const registered: (boolean | undefined)[] = [undefined, undefined];

/** Registers this process for the barrier of a scope once; false when the addon or the kernel cannot. */
function register(machine: boolean): boolean {
  const at = machine ? 1 : 0;
  let ok = registered[at];
  if (ok === undefined) {
    const native = loadNative();
    ok = false;
    if (native !== null && process.arch === "x64" && process.env["ETHER_FENCE"] !== "full") {
      try {
        native.registerBarrier(machine);
        ok = true;
      } catch {
        // no expedited membarrier here (old kernel, seccomp): commits stay fenced
      }
    }
    registered[at] = ok;
  }
  return ok;
}

/**
 * The TOPIC_FENCE a new topic of this transport gets: asymmetric when this process can register for
 * the barrier (x86-64, the addon, a kernel with expedited membarrier), else FENCE_FULL.
 */
export function fenceModeFor(transport: "threads" | "shm"): number {
  const machine = transport === "shm";
  if (!register(machine)) return FENCE_FULL;
  return machine ? FENCE_ASYMMETRIC_MACHINE : FENCE_ASYMMETRIC_PROCESS;
}

/**
 * Whether this thread may make the stores the heavy barrier covers plainly (a lone publisher's HEAD and
 * TAIL, a reader's cursor) on a topic whose TOPIC_FENCE is `mode`; registers this process for the
 * barrier the first time.
 */
export function mayStorePlainly(mode: number): boolean {
  if (mode === FENCE_ASYMMETRIC_PROCESS) return register(false);
  if (mode === FENCE_ASYMMETRIC_MACHINE) return register(true);
  return false;
}

/**
 * The heavy side, for a topic whose TOPIC_FENCE is `mode`: once it returns, every store a publisher
 * made before it is visible here, and every load a publisher makes after it sees what this thread
 * stored before it. True when done (or not needed, under FENCE_FULL); false when this thread cannot
 * issue it, and the caller must not rely on being woken.
 */
export function heavyBarrier(mode: number): boolean {
  if (mode === FENCE_FULL) return true;
  const native = loadNative();
  if (native === null) return false;
  try {
    native.barrier(mode === FENCE_ASYMMETRIC_MACHINE);
    return true;
  } catch {
    return false;
  }
}
