/**
 * One entry of the session segment's instance table (RING_FORMAT.md, "Instance table entry"): the
 * runtime's shared view of an instance. Its host writes the heartbeat and the handler words; the
 * supervisor writes the state, host and restarts, and reads everything for status and the watchdog.
 * Every word has one writer, so plain stores suffice; readers tolerate a value one write old.
 *
 * @example
 *   const entry = new InstanceEntry(session, 3);
 *   entry.enterHandler(); try { handler(m); } finally { entry.leaveHandler(); }
 */
import { monotonicNs } from "./clock.js";
import {
  INSTANCE_ENTRY_LENGTH,
  INSTANCE_HANDLER_CALLS_OFFSET,
  INSTANCE_HEARTBEAT_OFFSET,
  INSTANCE_IN_HANDLER_OFFSET,
  INSTANCE_NAME_LENGTH_OFFSET,
  INSTANCE_NAME_MAX_LENGTH,
  INSTANCE_NAME_OFFSET,
  INSTANCE_PID_OFFSET,
  INSTANCE_RESTARTS_OFFSET,
  INSTANCE_STATE_CLOSING,
  INSTANCE_STATE_OFFSET,
  INSTANCE_THREAD_OFFSET,
} from "./session-layout.js";
import type { SessionSegment } from "./session-segment.js";
import { errors } from "../errors.js";

/** What the supervisor reads of an instance. */
export interface InstanceSnapshot {
  readonly name: string;
  readonly state: number;
  readonly pid: number;
  readonly thread: number;
  readonly restarts: number;
  /** Monotonic ns of the host's last heartbeat; 0 before the first. */
  readonly heartbeatNs: number;
  readonly inHandler: boolean;
  readonly handlerCalls: number;
}

/** Reads and writes instance table entry `index` of a session segment. */
export class InstanceEntry {
  readonly index: number;
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #u8: Uint8Array;
  readonly #base: number;
  readonly #inHandler: number;
  readonly #calls: number;
  /** Handler calls of the instance running now (several with a subscription's concurrency). */
  #running = 0;

  /** Entry `index` (0 to the session's maxInstances - 1). */
  constructor(session: SessionSegment, index: number) {
    if (!(Number.isInteger(index) && index >= 0 && index < session.limits.maxInstances)) {
      throw errors.invalidOption(`session ${session.sessionId}`, "max_instances", `is ${session.limits.maxInstances}; there is no instance entry ${index}`);
    }
    this.index = index;
    this.#i32 = session.i32;
    this.#f64 = session.f64;
    this.#u8 = new Uint8Array(session.sab);
    this.#base = session.instanceTableOffset + index * INSTANCE_ENTRY_LENGTH;
    this.#inHandler = (this.#base + INSTANCE_IN_HANDLER_OFFSET) >> 2;
    this.#calls = (this.#base + INSTANCE_HANDLER_CALLS_OFFSET) >> 2;
  }

  /** Writes the name (truncated to 128 bytes at a character boundary) and clears everything else. */
  claim(name: string): void {
    this.#u8.fill(0, this.#base, this.#base + INSTANCE_ENTRY_LENGTH);
    let bytes = Buffer.from(name, "utf8");
    while (bytes.length > INSTANCE_NAME_MAX_LENGTH) bytes = Buffer.from((name = name.slice(0, -1)), "utf8");
    this.#u8.set(bytes, this.#base + INSTANCE_NAME_OFFSET);
    this.#i32[(this.#base + INSTANCE_NAME_LENGTH_OFFSET) >> 2] = bytes.length;
  }

  /** Records where the instance's host runs (process id, worker thread id). */
  setHost(pid: number, thread: number): void {
    this.#i32[(this.#base + INSTANCE_PID_OFFSET) >> 2] = pid;
    this.#i32[(this.#base + INSTANCE_THREAD_OFFSET) >> 2] = thread;
  }

  /** Records the lifecycle state code (see RING_FORMAT.md). */
  setState(code: number): void {
    Atomics.store(this.#i32, (this.#base + INSTANCE_STATE_OFFSET) >> 2, code);
  }

  /** True once the supervisor began to stop the instance's host (state closing or closed). */
  get closing(): boolean {
    return Atomics.load(this.#i32, (this.#base + INSTANCE_STATE_OFFSET) >> 2) >= INSTANCE_STATE_CLOSING;
  }

  /** Records how many times the instance was restarted. */
  setRestarts(restarts: number): void {
    this.#i32[(this.#base + INSTANCE_RESTARTS_OFFSET) >> 2] = restarts;
  }

  /** The host is alive and going round its loop. */
  beat(nowNs = monotonicNs()): void {
    this.#f64[(this.#base + INSTANCE_HEARTBEAT_OFFSET) >> 3] = nowNs;
  }

  /** A handler of the instance starts. */
  enterHandler(): void {
    const i32 = this.#i32;
    i32[this.#calls] = (i32[this.#calls]! + 1) | 0;
    i32[this.#inHandler] = 1;
    this.#running++;
  }

  /** True while a handler of the instance runs (enterHandler() without its leaveHandler() yet). */
  get inHandler(): boolean {
    return Atomics.load(this.#i32, this.#inHandler) !== 0;
  }

  /** The handler returned (or its promise settled); the flag drops when no other call of the instance runs. */
  leaveHandler(): void {
    if (--this.#running <= 0) {
      this.#running = 0;
      this.#i32[this.#inHandler] = 0;
    }
  }

  /** Everything, as the supervisor sees it now. */
  snapshot(): InstanceSnapshot {
    const i32 = this.#i32;
    const b = this.#base;
    const length = Math.min(i32[(b + INSTANCE_NAME_LENGTH_OFFSET) >> 2]! >>> 0, INSTANCE_NAME_MAX_LENGTH);
    return {
      name: Buffer.from(this.#u8.subarray(b + INSTANCE_NAME_OFFSET, b + INSTANCE_NAME_OFFSET + length)).toString("utf8"),
      state: Atomics.load(i32, (b + INSTANCE_STATE_OFFSET) >> 2),
      pid: i32[(b + INSTANCE_PID_OFFSET) >> 2]!,
      thread: i32[(b + INSTANCE_THREAD_OFFSET) >> 2]!,
      restarts: i32[(b + INSTANCE_RESTARTS_OFFSET) >> 2]!,
      heartbeatNs: this.#f64[(b + INSTANCE_HEARTBEAT_OFFSET) >> 3]!,
      inHandler: i32[this.#inHandler] !== 0,
      handlerCalls: i32[this.#calls]! >>> 0,
    };
  }
}
