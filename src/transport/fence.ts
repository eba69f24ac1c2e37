/**
 * Asymmetric fences: what lets a topic's lone publisher commit with plain stores. On x86-64 a plain
 * store is already a release store, but `Atomics.store` and `Atomics.compareExchange` are locked
 * instructions that wait for the core's store buffer to drain — on every frame, twice. The one race a
 * plain TAIL store opens (a reader announcing its park while the store sits in the buffer, see
 * "Fences" in RING_FORMAT.md) is closed from the reader's side, which parks rarely: it issues a
 * membarrier, a barrier on every CPU running the publishers, before its last look at TAIL.
 *
 * The addon makes the system call. Without it, on another architecture, or with `ETHER_FENCE=full`,
 * topics are created with FENCE_FULL and every commit is fenced as before.
 *
 * @example
 *   const mode = fenceModeFor("threads");       // written into the topic header
 *   if (mayCommitPlainly(mode)) …               // a publisher may claim alone
 *   if (!heavyBarrier(mode)) timeout = 1;        // a reader about to park
 */
import { loadNative } from "../native/load.js";
import { FENCE_ASYMMETRIC_MACHINE, FENCE_ASYMMETRIC_PROCESS, FENCE_FULL } from "./ring-layout.js";

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

/** Whether a publisher in this thread may claim alone (plain stores) on a topic whose TOPIC_FENCE is `mode`. */
export function mayCommitPlainly(mode: number): boolean {
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
