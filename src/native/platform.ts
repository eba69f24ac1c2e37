/**
 * Checked access to the native addon: segment names, shared memory segments, cross-process futex
 * waits, the main-thread watcher and process helpers. Arguments are validated here, once, and
 * failures become Ether errors (`ERR_ETHER_SHM`, `ERR_ETHER_INVALID_OPTION`,
 * `ERR_ETHER_NATIVE_UNAVAILABLE` when the addon is missing); the addon then only makes the call.
 *
 * Linux today: names live in /dev/shm. A port changes this file and native/src/platform_<os>.cc.
 *
 * @example
 *   const name = segmentName(sessionId, "session");
 *   const sab = shmCreate(name, 1 << 20);
 *   try { … } finally { shmUnlink(name); }
 */
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { constants } from "node:os";

import { errors, type EtherError } from "../errors.js";
import type { NativeSystemError, NativeWatcher, WaitResult } from "./binding.js";
import { requireNative } from "./load.js";

export { WAIT_NOT_EQUAL, WAIT_TIMED_OUT, WAIT_WOKEN, type WaitResult } from "./binding.js";

/** Every segment Ether creates starts with this, so a reaper can find them. */
export const SEGMENT_PREFIX = "/ether-";
/** Where POSIX shared memory names appear as files on Linux. */
export const SHM_DIR = "/dev/shm";

const NAME_PATTERN = /^\/[A-Za-z0-9._-]{1,254}$/;
const KIND_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const SEGMENT_PATTERN = /^\/ether-([A-Za-z0-9]{1,8})-([A-Za-z0-9._-]{1,64})-([0-9a-f]{32})$/;
const INT32_MIN = -0x8000_0000;
const UINT32_END = 0x1_0000_0000;

/**
 * An unguessable POSIX shm name: `/ether-<first 8 alphanumerics of sessionId>-<kind>-<32 hex>` with
 * 16 random bytes, so no other user can predict (and pre-create) a session's segment.
 *
 * @example
 *   segmentName("3f2a9c1e-7b4d-4e0a-9d1c-5a6b7c8d9e0f", "topic.data");
 *   // "/ether-3f2a9c1e-topic.data-9b1f…(32 hex)"
 */
export function segmentName(sessionId: string, kind: string): string {
  if (!KIND_PATTERN.test(kind)) {
    throw errors.invalidOption("segmentName", "kind", `must match ${KIND_PATTERN}, got "${kind}"`);
  }
  return `${sessionPrefix(sessionId)}${kind}-${randomBytes(16).toString("hex")}`;
}

/**
 * The name prefix shared by every segment of a session: `/ether-<first 8 alphanumerics>-`. Several
 * sessions may share it; the session id inside the session segment tells them apart.
 *
 * @example
 *   listSegments(sessionPrefix(id) + "session-");
 */
export function sessionPrefix(sessionId: string): string {
  const short = String(sessionId).replace(/[^A-Za-z0-9]/g, "").slice(0, 8);
  if (short.length === 0) {
    throw errors.invalidOption("segmentName", "sessionId", `must contain letters or digits, got "${sessionId}"`);
  }
  return `${SEGMENT_PREFIX}${short}-`;
}

/**
 * Splits a name made by {@link segmentName}, or returns null for any other name.
 *
 * @example
 *   parseSegmentName(name)?.sessionShort; // "3f2a9c1e"
 */
export function parseSegmentName(name: string): { sessionShort: string; kind: string } | null {
  const match = SEGMENT_PATTERN.exec(name);
  return match === null ? null : { sessionShort: match[1]!, kind: match[2]! };
}

/**
 * Names (with their leading "/") of the shared memory segments present whose names start with
 * `prefix`. Empty when the platform keeps no such directory.
 *
 * @example
 *   listSegments().filter((n) => parseSegmentName(n)?.sessionShort === short);
 */
export function listSegments(prefix: string = SEGMENT_PREFIX): string[] {
  let files: string[];
  try {
    files = readdirSync(SHM_DIR);
  } catch {
    return [];
  }
  return files.map((file) => `/${file}`).filter((name) => name.startsWith(prefix)).sort();
}

function checkName(where: string, name: string): void {
  if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
    throw errors.invalidOption(where, "name", `must be "/" then 1-254 of [A-Za-z0-9._-], got ${JSON.stringify(name)}`);
  }
}

function shmFailure(operation: string, name: string, cause: unknown): EtherError {
  const native = cause as Partial<NativeSystemError>;
  const detail = typeof native.detail === "string" ? native.detail : String(native.message ?? cause);
  const error = errors.shm(operation, name, detail);
  error.cause = cause;
  return error;
}

/**
 * Creates segment `name` (mode 0600, every page reserved) and maps it as a SharedArrayBuffer that
 * can be posted to workers. Throws `ERR_ETHER_SHM` naming the segment and size when it exists
 * already or /dev/shm is too small; nothing is left behind then.
 *
 * @example
 *   const sab = shmCreate(segmentName(session, "ring"), 4 << 20);
 */
export function shmCreate(name: string, size: number): SharedArrayBuffer {
  checkName("shmCreate", name);
  if (!Number.isSafeInteger(size) || size < 1) {
    throw errors.invalidOption("shmCreate", "size", `must be a positive integer number of bytes, got ${size}`);
  }
  const native = requireNative();
  try {
    return native.shmCreate(name, size);
  } catch (e) {
    throw shmFailure("create", name, e);
  }
}

/**
 * Maps an existing segment (created by this or another process). Throws `ERR_ETHER_SHM` naming it
 * when it does not exist.
 *
 * @example
 *   const sab = shmOpen(process.argv[2]);
 */
export function shmOpen(name: string): SharedArrayBuffer {
  checkName("shmOpen", name);
  const native = requireNative();
  try {
    return native.shmOpen(name);
  } catch (e) {
    throw shmFailure("open", name, e);
  }
}

/**
 * Removes a segment's name; mappings stay valid until dropped. Returns false if it was already gone.
 *
 * @example
 *   try { run(sab); } finally { shmUnlink(name); }
 */
export function shmUnlink(name: string): boolean {
  checkName("shmUnlink", name);
  const native = requireNative();
  try {
    return native.shmUnlink(name);
  } catch (e) {
    throw shmFailure("unlink", name, e);
  }
}

function checkWord(where: string, sab: SharedArrayBuffer, byteOffset: number): void {
  if (!(sab instanceof SharedArrayBuffer)) {
    throw errors.invalidOption(where, "sab", "must be a SharedArrayBuffer");
  }
  if (!Number.isSafeInteger(byteOffset) || byteOffset < 0 || byteOffset % 4 !== 0 || byteOffset + 4 > sab.byteLength) {
    throw errors.invalidOption(
      where,
      "byteOffset",
      `must be a multiple of 4 with byteOffset + 4 <= ${sab.byteLength}, got ${byteOffset}`,
    );
  }
}

function checkWaitArgs(where: string, sab: SharedArrayBuffer, byteOffset: number, expected: number, timeoutMs: number): void {
  checkWord(where, sab, byteOffset);
  if (!Number.isInteger(expected) || expected < INT32_MIN || expected >= UINT32_END) {
    throw errors.invalidOption(where, "expected", `must be an int32 (or uint32) value, got ${expected}`);
  }
  if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs)) {
    throw errors.invalidOption(where, "timeoutMs", `must be a number of ms (negative or Infinity: forever), got ${timeoutMs}`);
  }
}

/**
 * Blocks this thread while the int32 at `byteOffset` of `sab` equals `expected`, across processes,
 * for up to `timeoutMs` (negative or Infinity: forever). Returns WAIT_WOKEN (recheck: wakes may be
 * spurious), WAIT_NOT_EQUAL or WAIT_TIMED_OUT. For workers and child processes; a main thread uses
 * a {@link Watcher}.
 *
 * @example
 *   while (Atomics.load(i32, 0) === 0) futexWait(sab, 0, 0, 1000);
 */
export function futexWait(sab: SharedArrayBuffer, byteOffset: number, expected: number, timeoutMs = -1): WaitResult {
  checkWaitArgs("futexWait", sab, byteOffset, expected, timeoutMs);
  return requireNative().futexWait(sab, byteOffset, expected, timeoutMs);
}

/**
 * Wakes up to `count` threads (in any process) waiting on the int32 at `byteOffset`; returns how
 * many woke.
 *
 * @example
 *   Atomics.store(i32, 0, 1);
 *   futexWake(sab, 0);
 */
export function futexWake(sab: SharedArrayBuffer, byteOffset: number, count = Infinity): number {
  checkWord("futexWake", sab, byteOffset);
  if (!(count === Infinity || (Number.isSafeInteger(count) && count >= 0))) {
    throw errors.invalidOption("futexWake", "count", `must be a non-negative integer or Infinity, got ${count}`);
  }
  return requireNative().futexWake(sab, byteOffset, count);
}

/**
 * Futex waits for a thread that must not block (the main thread): one native thread per watcher,
 * one armed wait at a time, the callback runs on this thread's event loop. An armed wait keeps the
 * process alive; an idle watcher does not. Close it when done.
 *
 * @example
 *   const watcher = new Watcher();
 *   watcher.wait(sab, 0, 0, -1, (result) => { drain(); watcher.close(); });
 */
export class Watcher {
  readonly #native: NativeWatcher;

  constructor() {
    this.#native = new (requireNative().Watcher)();
  }

  /**
   * Arms one wait while the int32 at `byteOffset` of `sab` equals `expected`, up to `timeoutMs`
   * (negative or Infinity: forever); `callback(result)` runs once, and may arm the next wait.
   *
   * @example
   *   watcher.wait(sab, DOORBELL_OFFSET, seen, 100, (r) => r === WAIT_TIMED_OUT ? tick() : drain());
   */
  wait(
    sab: SharedArrayBuffer,
    byteOffset: number,
    expected: number,
    timeoutMs: number,
    callback: (result: WaitResult) => void,
  ): void {
    if (this.#native.closed) throw errors.closed("Watcher");
    if (this.#native.armed) {
      throw errors.invalidOption("Watcher.wait", "callback", "cannot be armed: a wait is already armed; wait for its callback or close()");
    }
    checkWaitArgs("Watcher.wait", sab, byteOffset, expected, timeoutMs);
    if (typeof callback !== "function") throw errors.invalidOption("Watcher.wait", "callback", "must be a function");
    this.#native.wait(sab, byteOffset, expected, timeoutMs, callback);
  }

  /**
   * Cancels an armed wait (no callback) and stops the thread. Idempotent. Cancelling wakes the
   * other waiters on the watched word once (a spurious wake, which they tolerate).
   *
   * @example
   *   watcher.close();
   */
  close(): void {
    this.#native.close();
  }

  /** True while a wait is armed. @example if (!watcher.armed) watcher.wait(…); */
  get armed(): boolean {
    return this.#native.armed;
  }

  /** True after close(). @example watcher.closed; */
  get closed(): boolean {
    return this.#native.closed;
  }
}

/** A signal's name ("SIGTERM"); spelled out here so that the package's types need no @types/node. */
export type SignalName = `SIG${string}`;

/**
 * Asks the kernel to send `signal` to this process when the parent thread that spawned it exits
 * (Linux PR_SET_PDEATHSIG; Node spawns from the thread that called spawn/fork, so a child spawned
 * by a worker thread gets the signal when that worker ends). Pass the parent's pid as `parentPid`
 * to close the race where the parent died before this call: the signal is then sent at once.
 *
 * @example
 *   setParentDeathSignal("SIGTERM", Number(process.env.ETHER_PARENT_PID));
 */
export function setParentDeathSignal(signal: number | SignalName, parentPid?: number): void {
  const number = typeof signal === "string" ? constants.signals[signal as NodeJS.Signals] : signal;
  if (!Number.isInteger(number) || number < 0 || number > 64) {
    throw errors.invalidOption("setParentDeathSignal", "signal", `must be a signal name or number, got ${String(signal)}`);
  }
  requireNative().setParentDeathSignal(number);
  if (parentPid !== undefined && number !== 0 && process.ppid !== parentPid) process.kill(process.pid, number);
}

/**
 * Pins the calling thread (the JS thread of this worker or process, not its helper threads) to
 * `cpus`; threads it starts afterwards inherit the set.
 *
 * @example
 *   setAffinity([1]);
 */
export function setAffinity(cpus: readonly number[]): void {
  const native = requireNative();
  if (!Array.isArray(cpus) || cpus.length === 0) {
    throw errors.invalidOption("setAffinity", "cpus", "must be a non-empty array of CPU indices");
  }
  for (const cpu of cpus) {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= native.maxCpus) {
      throw errors.invalidOption("setAffinity", "cpus", `must hold integers in [0, ${native.maxCpus}), got ${cpu}`);
    }
  }
  native.setAffinity([...new Set(cpus)]);
}

/**
 * The CPUs the calling thread may run on, ascending.
 *
 * @example
 *   getAffinity(); // [0, 1]
 */
export function getAffinity(): number[] {
  return requireNative().getAffinity();
}
