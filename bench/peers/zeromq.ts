/**
 * ZeroMQ PUB/SUB over `ipc://` (npm zeromq 6, libzmq 4.3): how the Python Ether moves messages
 * between processes, written as a careful user would write it.
 *
 * - Publisher: binds, then `await pub.send(buf)` in a loop, one 64 B Buffer reused (zeromq.js copies
 *   messages of up to 128 B when it queues them, so reuse is safe). libzmq batches queued messages
 *   into large writes on its I/O thread by itself.
 * - Subscriber: connects, subscribes to everything, reads with `for await (const [msg] of sub)`.
 * - Nothing is dropped: PUB drops messages once a subscriber's high-water mark is reached, unless
 *   `noDrop` (ZMQ_XPUB_NODROP) is set, in which case `send()` fails with EAGAIN and the publisher
 *   yields and retries (`sendNoDrop`). Both high-water marks are raised from the default 1000 so the
 *   I/O threads can batch; counts and checksums are checked like every other implementation.
 * - Slow joiner: a PUB sends nothing to a SUB whose subscription has not arrived yet. Before the
 *   start barrier the publisher sends 1-byte probes until the subscriber says (control word JOINED)
 *   that one arrived; the subscriber ignores probes still in flight after that.
 * - End: after its last frame the publisher sends a 2-byte end marker; the subscriber stops there,
 *   sets STOP, and only then does the publisher close its socket (nothing left to linger).
 *
 * This module is imported only by the roles that use it, so the runner and the thread workers
 * never load the zeromq addon.
 */
import * as zmq from "zeromq";
import { JOINED, STOP, markDone, readyAndWaitForGo, type PubResult, type SubResult } from "../lib/control.js";
import { RateMeter } from "../lib/meter.js";
import type { TrialOptions } from "../lib/scenario.js";

/** What both roles get: where to meet, and the frame size. */
export interface ZmqData {
  /** `ipc://<tmpdir>/…`; the trial removes the socket file afterwards. */
  endpoint: string;
  frame: number;
}

/**
 * Messages each side may queue per peer before `send()` answers EAGAIN (noDrop). The default 1000
 * gave ~140 k msgs/s here; 10 000 and 100 000 both ~195 k (the subscriber's JS loop is the limit),
 * and 10 000 keeps the backlog the subscriber drains after the publisher stops short.
 */
export const ZMQ_HWM = 10_000;
const PROBE_LENGTH = 1;
const END_LENGTH = 2;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * `send()` that waits instead of dropping. With ZMQ_XPUB_NODROP libzmq answers EAGAIN once the
 * subscriber's high-water mark is reached and leaves waiting to the caller ("the socket does not
 * explicitly block", libzmq#1156); zeromq.js passes that on as a rejected send rather than waiting for
 * POLLOUT (which a PUB socket always reports). So: yield to the event loop and try again.
 */
export async function sendNoDrop(pub: zmq.Publisher, msg: Buffer | string): Promise<void> {
  for (;;) {
    try {
      await pub.send(msg);
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== "EAGAIN") throw e;
      await new Promise<void>((r) => setImmediate(r));
    }
  }
}

/** Publisher role: probes until joined, then streams `frame`-byte messages for the trial's window. */
export async function zmqPub(d: ZmqData, ctl: Int32Array, o: TrialOptions): Promise<PubResult> {
  const pub = new zmq.Publisher({ sendHighWaterMark: ZMQ_HWM, noDrop: true });
  try {
    await pub.bind(d.endpoint);
    const probe = Buffer.alloc(PROBE_LENGTH);
    while (Atomics.load(ctl, JOINED) === 0) {
      await pub.send(probe);
      await sleep(1);
    }
    const src = Buffer.alloc(d.frame);
    const meter = new RateMeter(o.warmMs, o.measureMs);
    readyAndWaitForGo(ctl);
    let i = 0;
    let sum = 0;
    while (!meter.expired) {
      const b = i & 255;
      src[0] = b;
      await sendNoDrop(pub, src);
      sum = (sum + b) | 0;
      i++;
      meter.tick();
    }
    markDone(ctl, i);
    await sendNoDrop(pub, Buffer.alloc(END_LENGTH));
    while (Atomics.load(ctl, STOP) === 0) await sleep(1);
    return { count: i, sum };
  } finally {
    pub.linger = 0;
    pub.close();
  }
}

/** Subscriber role: waits for a probe, then counts and checksums frames until the end marker. */
export async function zmqSub(d: ZmqData, ctl: Int32Array, o: TrialOptions): Promise<SubResult> {
  const sub = new zmq.Subscriber({ receiveHighWaterMark: ZMQ_HWM });
  try {
    sub.connect(d.endpoint);
    sub.subscribe();
    await sub.receive(); // only probes are sent before JOINED
    Atomics.store(ctl, JOINED, 1);
    const meter = new RateMeter(o.warmMs, o.measureMs);
    let sum = 0;
    readyAndWaitForGo(ctl);
    for await (const [m] of sub) {
      const n = m.length;
      if (n === d.frame) {
        sum = (sum + m[0]) | 0;
        meter.tick();
      } else if (n === END_LENGTH) break;
      // else: a probe sent before the publisher saw JOINED
    }
    meter.finish();
    return { count: meter.count, sum, rate: meter.rate() };
  } finally {
    Atomics.store(ctl, STOP, 1);
    sub.linger = 0;
    sub.close();
  }
}
