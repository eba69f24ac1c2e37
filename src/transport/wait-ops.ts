/**
 * How a thread parks on a 32-bit word of a segment and how another wakes it. Between worker threads
 * the segments are plain SharedArrayBuffers and `Atomics.wait/notify` do the job; between processes
 * they do not (V8 keeps its wait list per process), so the process transport supplies futex calls
 * from the native addon with the same shape.
 *
 * @example
 *   const r = threadWaitOps.wait(i32, index, seen, 100); // WAIT_OK, WAIT_NOT_EQUAL or WAIT_TIMED_OUT
 */

/** Woken (or spuriously returned) while the word still held the expected value. */
export const WAIT_OK = 0;
/** The word did not hold the expected value; nothing waited. */
export const WAIT_NOT_EQUAL = 1;
/** The timeout elapsed. */
export const WAIT_TIMED_OUT = 2;

/** A way to park on a word and to wake the parked. */
export interface WaitOps {
  /** "threads" (Atomics) or "shm" (futex across processes). */
  readonly kind: "threads" | "shm";
  /** Blocks while `i32[index] === expected`, at most `timeoutMs` (negative: no limit). */
  wait(i32: Int32Array, index: number, expected: number, timeoutMs: number): number;
  /** Wakes up to `count` waiters on `i32[index]`; returns how many were woken. */
  wake(i32: Int32Array, index: number, count: number): number;
  /** Like wait(), without blocking the thread: for a main thread whose event loop must keep running. */
  waitAsync(i32: Int32Array, index: number, expected: number, timeoutMs: number): Promise<number>;
}

interface AtomicsWaitAsync {
  waitAsync(i32: Int32Array, index: number, value: number, timeout: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

/** Atomics.wait / Atomics.notify: for segments shared between threads of one process. */
export const threadWaitOps: WaitOps = {
  kind: "threads",
  wait(i32, index, expected, timeoutMs) {
    const r = Atomics.wait(i32, index, expected, timeoutMs < 0 ? Infinity : timeoutMs);
    return r === "ok" ? WAIT_OK : r === "not-equal" ? WAIT_NOT_EQUAL : WAIT_TIMED_OUT;
  },
  wake(i32, index, count) {
    return Atomics.notify(i32, index, count);
  },
  waitAsync(i32, index, expected, timeoutMs) {
    // Node 20 has Atomics.waitAsync; the ES2022 lib typings do not.
    const r = (Atomics as unknown as AtomicsWaitAsync).waitAsync(i32, index, expected, timeoutMs < 0 ? Infinity : timeoutMs);
    const code = (v: string): number => (v === "ok" ? WAIT_OK : v === "not-equal" ? WAIT_NOT_EQUAL : WAIT_TIMED_OUT);
    return r.async ? r.value.then(code) : Promise.resolve(code(r.value));
  },
};
