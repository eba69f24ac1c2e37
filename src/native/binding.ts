/**
 * The TypeScript face of the C++ addon `ether_native` (native/src/*.cc): exactly what the compiled
 * module exports, nothing more. The addon is a thin system-call layer; argument checks that give
 * Ether's named errors live in `platform.ts`, which is what the rest of Ether should call. The raw
 * functions re-check whatever could crash the process and throw plain `TypeError`/`RangeError`, or an
 * {@link NativeSystemError} when the system call fails.
 *
 * Load it with `loadNative()` from `load.ts` (returns null when the addon is unavailable).
 *
 * @example
 *   const native = loadNative();
 *   if (native) {
 *     const sab = native.shmCreate("/ether-demo-x", 4096);
 *     native.shmUnlink("/ether-demo-x");
 *   }
 */

/** Outcome of a futex wait: woken (possibly spuriously: recheck the word). */
export const WAIT_WOKEN = 0;
/** Outcome of a futex wait: the word did not hold the expected value, so no wait happened. */
export const WAIT_NOT_EQUAL = 1;
/** Outcome of a futex wait: the timeout passed. */
export const WAIT_TIMED_OUT = 2;

/**
 * Result code of `futexWait` and of a `Watcher` callback: {@link WAIT_WOKEN}, {@link WAIT_NOT_EQUAL}
 * or {@link WAIT_TIMED_OUT}. A watcher callback may also receive a negative errno if the futex call
 * itself failed (it cannot after the checks the addon makes; reported rather than lost).
 *
 * @example
 *   if (native.futexWait(sab, 0, 0, 100) === WAIT_TIMED_OUT) console.log("nobody rang");
 */
export type WaitResult = typeof WAIT_WOKEN | typeof WAIT_NOT_EQUAL | typeof WAIT_TIMED_OUT;

/**
 * An error from a failed system call: `message` names the operation and the segment, `detail` is
 * the same text without the leading "cannot … <name>" part, `code` is the errno name.
 *
 * @example
 *   try { native.shmOpen("/ether-gone"); } catch (e) { if ((e as NativeSystemError).code === "ENOENT") … }
 */
export interface NativeSystemError extends Error {
  /** errno name, e.g. "ENOENT", "ENOSPC", "EEXIST". */
  code: string;
  /** errno number. */
  errno: number;
  /** The system call that failed, e.g. "shm_open", "posix_fallocate". */
  syscall: string;
  /** The message without the leading operation and name. */
  detail: string;
}

/**
 * One native thread that performs futex waits for a JS thread that must not block (the main
 * thread) and calls back on that thread's event loop. At most one wait is armed at a time; an armed
 * wait keeps the event loop alive, an idle watcher does not.
 *
 * @example
 *   const w = new native.Watcher();
 *   w.wait(sab, 0, 0, -1, (result) => { console.log("rung", result); w.close(); });
 */
export interface NativeWatcher {
  /**
   * Arms one wait on the int32 at `byteOffset` of `sab` while it equals `expected`, for up to
   * `timeoutMs` (negative or Infinity: forever). `callback(result)` runs later on this thread, once.
   * The callback may arm the next wait. Throws if a wait is already armed or the watcher is closed.
   *
   * @example
   *   w.wait(sab, 0, Atomics.load(i32, 0), 1000, (r) => r === WAIT_TIMED_OUT ? idle() : drain());
   */
  wait(
    sab: SharedArrayBuffer,
    byteOffset: number,
    expected: number,
    timeoutMs: number,
    callback: (result: WaitResult) => void,
  ): void;
  /**
   * Cancels an armed wait (its callback will not run) and stops and joins the thread. Idempotent.
   * Cancelling wakes every waiter on the watched word once; waiters must tolerate spurious wakes.
   *
   * @example
   *   w.close();
   */
  close(): void;
  /** True while a wait is armed and its callback has not run yet. @example if (!w.armed) w.wait(…); */
  readonly armed: boolean;
  /** True after close(). @example if (w.closed) w = new native.Watcher(); */
  readonly closed: boolean;
}

/** Everything `ether_native.node` exports. */
export interface NativeAddon {
  /**
   * Creates POSIX shared memory segment `name` exclusively with mode 0600, reserves all its pages
   * (so a full /dev/shm fails here, not with SIGBUS later) and maps it as a real SharedArrayBuffer,
   * which can be posted to workers and stays mapped while any thread holds it. On failure nothing
   * is left in /dev/shm. Throws {@link NativeSystemError} (EEXIST, ENOSPC, …).
   *
   * @example
   *   const sab = native.shmCreate("/ether-1a2b3c4d-session-00ff…", 1 << 20);
   */
  shmCreate(name: string, size: number): SharedArrayBuffer;
  /**
   * Maps an existing segment; its size is the file's size. Throws {@link NativeSystemError}
   * (ENOENT when no segment has that name).
   *
   * @example
   *   const sab = native.shmOpen(nameFromParent);
   */
  shmOpen(name: string): SharedArrayBuffer;
  /**
   * Removes the name (existing mappings stay valid). Returns false if there was no such segment.
   *
   * @example
   *   native.shmUnlink(name); // true the first time, false after
   */
  shmUnlink(name: string): boolean;
  /**
   * Blocks the calling thread while the int32 at `byteOffset` (4-aligned) of `sab` equals
   * `expected`, for up to `timeoutMs` (negative or Infinity: forever). Works across processes
   * (non-private futex); retries after signals with the time that remains.
   *
   * @example
   *   while (Atomics.load(i32, 0) === 0) native.futexWait(sab, 0, 0, 1000);
   */
  futexWait(sab: SharedArrayBuffer, byteOffset: number, expected: number, timeoutMs: number): WaitResult;
  /**
   * Wakes up to `count` waiters (Infinity: all) on the int32 at `byteOffset`, in any process.
   * Returns how many were woken.
   *
   * @example
   *   Atomics.store(i32, 0, 1); native.futexWake(sab, 0, 1);
   */
  futexWake(sab: SharedArrayBuffer, byteOffset: number, count: number): number;
  /**
   * The futex watcher class.
   *
   * @example
   *   const w = new native.Watcher();
   */
  Watcher: new () => NativeWatcher;
  /**
   * prctl(PR_SET_PDEATHSIG): deliver `signal` (a number; 0 clears) to this process when the parent
   * *thread* that spawned it exits. Linux only.
   *
   * @example
   *   native.setParentDeathSignal(os.constants.signals.SIGTERM);
   */
  setParentDeathSignal(signal: number): void;
  /**
   * Pins the calling thread (not the whole process) to `cpus`; threads it starts later inherit it.
   *
   * @example
   *   native.setAffinity([1]);
   */
  setAffinity(cpus: number[]): void;
  /**
   * The CPUs the calling thread may run on, ascending.
   *
   * @example
   *   native.getAffinity(); // [0, 1]
   */
  getAffinity(): number[];
  /**
   * The process id as the kernel sees it (same as process.pid).
   *
   * @example
   *   native.pid() === process.pid;
   */
  pid(): number;
  /**
   * membarrier(2) registration: afterwards `barrier(machine)` calls also order this process's threads.
   * `machine` false: barriers issued by this process's own threads; true: by any process. Idempotent.
   * Throws {@link NativeSystemError} where the kernel has no expedited membarrier.
   *
   * @example
   *   native.registerBarrier(true);
   */
  registerBarrier(machine: boolean): void;
  /**
   * The heavy side of an asymmetric fence: a full memory barrier on every CPU running a thread of this
   * process (`machine` false) or of a process registered with `registerBarrier(true)`, done before it
   * returns. Costs about a microsecond; the light side is a plain store.
   *
   * @example
   *   native.barrier(false);
   */
  barrier(machine: boolean): void;
  /** The platform the addon was built for, e.g. "linux". @example native.platform === "linux" */
  readonly platform: string;
  /** CPU indices accepted by setAffinity are below this. @example native.maxCpus // 1024 */
  readonly maxCpus: number;
}

/** The export names every build of the addon must have; load.ts checks them. */
export const NATIVE_EXPORTS: readonly (keyof NativeAddon)[] = [
  "shmCreate",
  "shmOpen",
  "shmUnlink",
  "futexWait",
  "futexWake",
  "Watcher",
  "setParentDeathSignal",
  "setAffinity",
  "getAffinity",
  "pid",
  "registerBarrier",
  "barrier",
];
