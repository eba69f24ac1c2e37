/**
 * The control block a trial shares with its workers: a start barrier, the publisher's end-of-run
 * count, a stop flag, a flow-control counter for the postMessage peers and a "joined" flag for peers
 * with a connection handshake (ZeroMQ). It is not on any hot path except `ACK` (postMessage
 * credit), so each word simply gets its own 128-byte line.
 *
 * ```
 *  0        128      256      384      512      640      768
 *  +--------+--------+--------+--------+--------+--------+
 *  | READY  | GO     | DONE   | STOP   | ACK    | JOINED |
 *  |        |        | TOTAL  |        |        |        |
 *  +--------+--------+--------+--------+--------+--------+
 * ```
 *
 * Between threads it is a plain SharedArrayBuffer; between processes the same layout lives in a
 * named shm segment (`lib/processes.ts`), and the child installs a futex wait for GO (`setGoWait`)
 * because `Atomics.wait`/`notify` do not cross processes.
 *
 * @example
 *   const ctl = createControl();
 *   Atomics.store(ctl, GO, 1); Atomics.notify(ctl, GO);
 */

const LINE = 32; // Int32 words per 128 bytes

/** Workers that finished setup (attached, created endpoints) add 1 here. */
export const READY = 0 * LINE;
/** Set to 1 by the trial's main thread once every worker is ready. */
export const GO = 1 * LINE;
/** Set to 1 by the publisher after it wrote TOTAL. */
export const DONE = 2 * LINE;
/** Messages the publisher sent in total (valid once DONE is 1). */
export const TOTAL = 2 * LINE + 1;
/** Set to 1 to stop workers that run until told (echo side of round trips, idle waiters). */
export const STOP = 3 * LINE;
/** postMessage peers: messages the subscriber has handled, for the publisher's credit window. */
export const ACK = 4 * LINE;
/** Set to 1 by a subscriber once its connection delivers (ZeroMQ slow joiner), before READY. */
export const JOINED = 5 * LINE;

/** Bytes of a control block. */
export const CONTROL_BYTES = 6 * 128;

/** A fresh control block. */
export function createControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(CONTROL_BYTES));
}

/** Blocks until GO is set. Threads: Atomics.wait; a child process replaces it with a futex wait. */
let waitForGo = (ctl: Int32Array): void => {
  while (Atomics.load(ctl, GO) === 0) Atomics.wait(ctl, GO, 0, 1000);
};

/** Replaces how `readyAndWaitForGo` blocks (child processes: futex on a shm control block). */
export function setGoWait(wait: (ctl: Int32Array) => void): void {
  waitForGo = wait;
}

/** Worker side of the start barrier: say ready, then block until the main thread says go. */
export function readyAndWaitForGo(ctl: Int32Array): void {
  Atomics.add(ctl, READY, 1);
  Atomics.notify(ctl, READY);
  waitForGo(ctl);
}

/** Publisher side of the end of a run: the count first, then the flag that makes it valid. */
export function markDone(ctl: Int32Array, total: number): void {
  Atomics.store(ctl, TOTAL, total);
  Atomics.store(ctl, DONE, 1); // SYNC bench-done
}

/** Subscriber side: true once the publisher is done and `received` reached its total. */
export function isDone(ctl: Int32Array, received: number): boolean {
  return Atomics.load(ctl, DONE) === 1 && received >= Atomics.load(ctl, TOTAL); // SYNC bench-done
}

/**
 * postMessage peers: block (Atomics.wait, as a user would) while `window` messages are unacknowledged,
 * so the publisher cannot queue gigabytes of clones ahead of the subscriber.
 */
export function waitForCredit(ctl: Int32Array, sent: number, window: number): void {
  let acked: number;
  while (sent - (acked = Atomics.load(ctl, ACK)) >= window) Atomics.wait(ctl, ACK, acked, 20);
}

/** postMessage peers: the subscriber acknowledges everything it has handled so far. */
export function acknowledge(ctl: Int32Array, received: number): void {
  Atomics.store(ctl, ACK, received);
  Atomics.notify(ctl, ACK);
}

/** What every streaming publisher role returns: frames sent and the checksum of their marker bytes. */
export interface PubResult {
  count: number;
  sum: number;
  /** Publisher-measured msgs/s (fanout), when the role measures. */
  rate?: number;
}

/** What every streaming subscriber role returns. */
export interface SubResult {
  count: number;
  sum: number;
  /** Subscriber-measured msgs/s from the end of warm-up to the last message. */
  rate: number;
}

/** Throws unless the subscriber saw exactly what the publisher sent. */
export function checkDelivery(impl: string, pub: PubResult, sub: SubResult): void {
  if (pub.count !== sub.count || pub.sum !== sub.sum) {
    throw new Error(
      `${impl}: delivery mismatch: published count=${pub.count} sum=${pub.sum}, ` +
        `received count=${sub.count} sum=${sub.sum}`,
    );
  }
}
