/**
 * `pipeline-dict` over ZeroMQ + JSON (impl `zeromq-json`): the same generator -> 2 processors ->
 * collector, one process each, PUB/SUB over `ipc://`, JSON.stringify / JSON.parse per message, as the
 * Python Ether moves dict messages between processes.
 *
 * ```
 *   generator PUB --bind ipc://…-data--> SUB processor k=2 PUB --connect--+
 *                                   \--> SUB processor k=4 PUB --connect--+--> ipc://…-result SUB (bind) collector
 * ```
 *
 * Direct PUB/SUB links, one ZeroMQ message per dict message (the JSON text): this is the fastest form
 * of that design. The Python Ether routes every message through an XSUB/XPUB proxy process and sends a
 * topic frame with each message, which adds a hop and a frame; leaving them out makes this peer an
 * upper bound for it.
 *
 * Like `peers/zeromq.ts`: every PUB sets `noDrop` and retries on EAGAIN (`sendNoDrop`), high-water
 * marks are `ZMQ_HWM`, receivers read with `for await`. Slow joiners: before the start barrier each
 * sender sends 1-byte probes until each of its receivers has seen one and set its bit in JOINED
 * (`JOINED_*` below); probes still in flight are skipped by length. End: the generator sends a 2-byte
 * end marker after its last message, each processor forwards it, the collector stops at the second one
 * and sets STOP, and only then do the senders close.
 *
 * Imported only by these role processes, so no other trial loads the zeromq addon.
 */
import * as zmq from "zeromq";
import { JOINED, STOP, readyAndWaitForGo } from "../lib/control.js";
import { RateMeter } from "../lib/meter.js";
import type { TrialOptions } from "../lib/scenario.js";
import { ZMQ_HWM, sendNoDrop } from "../peers/zeromq.js";
import {
  FANOUT,
  PipelineTally,
  fillData,
  processData,
  type DataMessage,
  type GeneratedTotal,
  type PipelineReport,
  type ResultMessage,
} from "./tally.js";

/** What every role gets (JSON). */
export interface ZmqPipelineData {
  /** `ipc://…`: the generator binds, processors connect. */
  data: string;
  /** `ipc://…`: the collector binds, processors connect. */
  result: string;
  /** Processors: which one (0 or 1) and its multiplier. */
  index?: number;
  k?: number;
}

/** JOINED bit of processor `i` once the generator's probe reached it. */
const joinedFromGenerator = (i: number): number => 1 << i;
/** JOINED bit of processor `i` once its probe reached the collector. */
const joinedAtCollector = (i: number): number => 1 << (FANOUT + i);
const ALL_FROM_GENERATOR = (1 << FANOUT) - 1;
const ALL_AT_COLLECTOR = ALL_FROM_GENERATOR << FANOUT;

/**
 * Retry interval of connecting sockets: the processors usually connect before the generator and the
 * collector have bound, and libzmq's default of 100 ms would add that much to every trial's start.
 */
const RECONNECT_MS = 5;
const PROBE_LENGTH = 1;
const END_LENGTH = 2;
const END = Buffer.alloc(END_LENGTH);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Generator: probes until both processors joined, then streams JSON for the trial's window. */
export async function zmqGenerator(d: ZmqPipelineData, ctl: Int32Array, o: TrialOptions): Promise<GeneratedTotal> {
  const pub = new zmq.Publisher({ sendHighWaterMark: ZMQ_HWM, noDrop: true });
  try {
    await pub.bind(d.data);
    const probe = Buffer.alloc(PROBE_LENGTH);
    while ((Atomics.load(ctl, JOINED) & ALL_FROM_GENERATOR) !== ALL_FROM_GENERATOR) {
      await pub.send(probe);
      await sleep(1);
    }
    const msg: DataMessage = { seq: 0, t: 0, value: 0 };
    const meter = new RateMeter(o.warmMs, o.measureMs);
    readyAndWaitForGo(ctl);
    let i = 0;
    let sum = 0;
    while (!meter.expired) {
      fillData(msg, i);
      await sendNoDrop(pub, JSON.stringify(msg));
      sum = (sum + (i & 255)) | 0;
      i++;
      meter.tick();
    }
    await sendNoDrop(pub, END);
    while (Atomics.load(ctl, STOP) === 0) await sleep(1);
    return { count: i, sum };
  } finally {
    pub.linger = 0;
    pub.close();
  }
}

/** Processor: parses each message, sends `{ seq, k, value·k }` as JSON to the collector. */
export async function zmqProcessor(d: ZmqPipelineData, ctl: Int32Array): Promise<{ count: number }> {
  const index = d.index!;
  const k = d.k!;
  // Connecting sockets retry every RECONNECT_MS (libzmq's default 100 ms) until the peer has bound.
  const sub = new zmq.Subscriber({ receiveHighWaterMark: ZMQ_HWM, reconnectInterval: RECONNECT_MS });
  const pub = new zmq.Publisher({ sendHighWaterMark: ZMQ_HWM, noDrop: true, reconnectInterval: RECONNECT_MS });
  try {
    sub.connect(d.data);
    sub.subscribe();
    pub.connect(d.result);
    const probe = Buffer.of(index);
    const bit = joinedAtCollector(index);
    const collectorJoined = (async () => {
      while ((Atomics.load(ctl, JOINED) & bit) === 0) {
        await pub.send(probe);
        await sleep(1);
      }
    })();
    await sub.receive(); // only probes are sent before JOINED
    Atomics.or(ctl, JOINED, joinedFromGenerator(index));
    await collectorJoined;
    readyAndWaitForGo(ctl);
    let count = 0;
    for await (const [m] of sub) {
      const n = m.length;
      if (n === PROBE_LENGTH) continue;
      if (n === END_LENGTH) break;
      const out = processData(JSON.parse(m.toString()) as DataMessage, k);
      await sendNoDrop(pub, JSON.stringify(out));
      count++;
    }
    await sendNoDrop(pub, END);
    while (Atomics.load(ctl, STOP) === 0) await sleep(1);
    return { count };
  } finally {
    sub.linger = 0;
    pub.linger = 0;
    sub.close();
    pub.close();
  }
}

/** Collector: waits for both processors' probes, then tallies results until both end markers. */
export async function zmqCollector(d: ZmqPipelineData, ctl: Int32Array, o: TrialOptions): Promise<PipelineReport> {
  const sub = new zmq.Subscriber({ receiveHighWaterMark: ZMQ_HWM });
  try {
    await sub.bind(d.result);
    sub.subscribe();
    while ((Atomics.load(ctl, JOINED) & ALL_AT_COLLECTOR) !== ALL_AT_COLLECTOR) {
      const [m] = await sub.receive();
      if (m.length === PROBE_LENGTH) Atomics.or(ctl, JOINED, joinedAtCollector(m[0]));
    }
    const tally = new PipelineTally(o);
    readyAndWaitForGo(ctl);
    let ends = 0;
    for await (const [m] of sub) {
      const n = m.length;
      if (n === PROBE_LENGTH) continue;
      if (n === END_LENGTH) {
        if (++ends === FANOUT) break;
        continue;
      }
      tally.add(JSON.parse(m.toString()) as ResultMessage);
    }
    return tally.finish();
  } finally {
    Atomics.store(ctl, STOP, 1);
    sub.linger = 0;
    sub.close();
  }
}
