/**
 * spsc-64B: 64-byte frames from one publisher thread to one subscriber thread, msgs/s measured by the
 * subscriber from the end of warm-up to the last frame. Every frame's first byte carries the low
 * byte of its sequence number; both sides sum it, so a lost, repeated or torn frame fails the trial.
 *
 * `ether` is Ether as a user gets it: the subscriber waits with the default strategy (`hybrid`: it
 * spins while frames trickle in and naps between batches of a heavy stream, so it does not fight the
 * publisher over the tail's cache line frame by frame). `ether-spin` is the same with a subscriber that
 * only spins, like the raw-sab and ringbuf.js readers: it is shown, not a goal.
 *
 * spsc-64B-proc: the same between two processes. ether runs the very same roles over a process
 * topic (shm segments, futex waits); zeromq is PUB/SUB over ipc:// (`peers/zeromq.ts`).
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rmSync } from "node:fs";
import { RingBuffer } from "ringbuf.js";
import type { MessagePort } from "node:worker_threads";
import {
  acknowledge,
  checkDelivery,
  createControl,
  isDone,
  markDone,
  readyAndWaitForGo,
  waitForCredit,
  type PubResult,
  type SubResult,
} from "./lib/control.js";
import { postMessagePair, runWorkers, type WorkerSpec } from "./lib/harness.js";
import { RateMeter } from "./lib/meter.js";
import type { RoleFn, Scenario, TrialOptions, TrialValues } from "./lib/scenario.js";
import { RawSabReader, RawSabWriter, createRawSab, type RawSabHandle } from "./peers/raw-sab.js";
import { etherStreamRoles, etherTopic, type EtherStreamData } from "./lib/ether.js";
import { ProcessSpace, runProcesses, type ProcessRoleSpec } from "./lib/processes.js";
import type { ZmqData } from "./peers/zeromq.js";

const SUITE = "spsc";
const FRAME = 64;
/** Ring bytes for every SAB implementation alike. */
const CAPACITY = 1 << 22;
/** postMessage credit window and acknowledgement interval (messages). */
const PM_WINDOW = 16384;
const PM_ACK_EVERY = 1024;

// ---- raw-sab ----

const rawPub: RoleFn = (h: RawSabHandle, ctl, o) => {
  const w = new RawSabWriter(h);
  const src = new Uint8Array(FRAME);
  const meter = new RateMeter(o.warmMs, o.measureMs);
  readyAndWaitForGo(ctl);
  let i = 0;
  let sum = 0;
  while (!meter.expired) {
    const b = i & 255;
    src[0] = b;
    while (!w.write(src));
    sum = (sum + b) | 0;
    i++;
    meter.tick();
  }
  markDone(ctl, i);
  return { count: i, sum } satisfies PubResult;
};

const rawSub: RoleFn = (h: RawSabHandle, ctl, o) => {
  const r = new RawSabReader(h);
  const meter = new RateMeter(o.warmMs, o.measureMs);
  let sum = 0;
  const handler = (bytes: Uint8Array, offset: number): void => {
    sum = (sum + bytes[offset]) | 0;
    meter.tick();
  };
  readyAndWaitForGo(ctl);
  for (;;) if (r.poll(handler) === 0 && isDone(ctl, meter.count)) break;
  meter.finish();
  return { count: meter.count, sum, rate: meter.rate() } satisfies SubResult;
};

// ---- ringbuf.js (npm): byte ring, one 64-byte push/pop per record, busy poll ----

const ringbufPub: RoleFn = (sab: SharedArrayBuffer, ctl, o) => {
  const rb = new RingBuffer(sab, Uint8Array);
  const src = new Uint8Array(FRAME);
  const meter = new RateMeter(o.warmMs, o.measureMs);
  readyAndWaitForGo(ctl);
  let i = 0;
  let sum = 0;
  while (!meter.expired) {
    const b = i & 255;
    src[0] = b;
    // Capacity is a multiple of FRAME and every push is FRAME bytes, so a push is all or nothing.
    while (rb.push(src) === 0);
    sum = (sum + b) | 0;
    i++;
    meter.tick();
  }
  markDone(ctl, i);
  return { count: i, sum } satisfies PubResult;
};

const ringbufSub: RoleFn = (sab: SharedArrayBuffer, ctl, o) => {
  const rb = new RingBuffer(sab, Uint8Array);
  const dst = new Uint8Array(FRAME);
  const meter = new RateMeter(o.warmMs, o.measureMs);
  let sum = 0;
  readyAndWaitForGo(ctl);
  for (;;) {
    if (rb.pop(dst) === 0) {
      if (isDone(ctl, meter.count)) break;
      continue;
    }
    sum = (sum + dst[0]) | 0;
    meter.tick();
  }
  meter.finish();
  return { count: meter.count, sum, rate: meter.rate() } satisfies SubResult;
};

// ---- postMessage of a small object, shared with dict-64B ----

/** The message object every dict-like case sends: ~64 bytes once encoded. */
export interface SmallMessage {
  seq: number;
  t: number;
  value: number;
}

/** Publisher: posts one reused `{seq, t, value}` per message (each post clones it). */
export const pmObjectPub: RoleFn = (port: MessagePort, ctl, o) => {
  const msg: SmallMessage = { seq: 0, t: 0, value: 0 };
  const meter = new RateMeter(o.warmMs, o.measureMs);
  readyAndWaitForGo(ctl);
  let i = 0;
  let sum = 0;
  while (!meter.expired) {
    waitForCredit(ctl, i, PM_WINDOW);
    msg.seq = i;
    msg.t = i * 1e-3;
    msg.value = i * 0.5;
    port.postMessage(msg);
    sum = (sum + (i & 255)) | 0;
    i++;
    meter.tick();
  }
  markDone(ctl, i);
  port.postMessage(null);
  return { count: i, sum } satisfies PubResult;
};

/** Subscriber: a `message` listener, as a Node user writes it. */
export const pmObjectSub: RoleFn = (port: MessagePort, ctl, o) =>
  new Promise<SubResult>((resolve) => {
    const meter = new RateMeter(o.warmMs, o.measureMs);
    let sum = 0;
    port.on("message", (m: SmallMessage | null) => {
      if (m === null) {
        meter.finish();
        port.close();
        resolve({ count: meter.count, sum, rate: meter.rate() });
        return;
      }
      sum = (sum + (m.seq & 255)) | 0;
      meter.tick();
      if ((meter.count & (PM_ACK_EVERY - 1)) === 0) acknowledge(ctl, meter.count);
    });
    readyAndWaitForGo(ctl);
  });

const ether = etherStreamRoles(FRAME);

// ---- ZeroMQ PUB/SUB over ipc://, loaded only in its own processes ----

const zmqPub: RoleFn = async (d: ZmqData, ctl, o) => (await import("./peers/zeromq.js")).zmqPub(d, ctl, o);
const zmqSub: RoleFn = async (d: ZmqData, ctl, o) => (await import("./peers/zeromq.js")).zmqSub(d, ctl, o);

/** spsc-64B-proc: publisher process -> subscriber process. */
async function procTrial(impl: string, opts: TrialOptions): Promise<TrialValues> {
  const ps = ProcessSpace.create();
  const endpoint = join(tmpdir(), `etherflow-bench-${process.pid}.ipc`);
  try {
    let specs: ProcessRoleSpec[];
    switch (impl) {
      case "ether":
      case "ether-spin": {
        const handle = ps.space.createTopic("bench", { capacity: CAPACITY, maxFrame: FRAME, policy: "block" });
        const data: EtherStreamData = { handle, wait: impl === "ether" ? "hybrid" : "spin" };
        specs = [
          { role: "ether:pub", data },
          { role: "ether:sub", data },
        ];
        break;
      }
      case "zeromq": {
        const data: ZmqData = { endpoint: `ipc://${endpoint}`, frame: FRAME };
        specs = [
          { role: "zmq:pub", data },
          { role: "zmq:sub", data },
        ];
        break;
      }
      default:
        throw new Error(`spsc-64B-proc has no impl ${impl}`);
    }
    const [pub, sub] = (await runProcesses(SUITE, specs, ps, opts)) as [PubResult, SubResult];
    checkDelivery(impl, pub, sub);
    return { "msgs/s": sub.rate };
  } finally {
    ps.close();
    rmSync(endpoint, { force: true });
  }
}

async function trial(caseName: string, impl: string, opts: TrialOptions): Promise<TrialValues> {
  if (caseName === "spsc-64B-proc") return procTrial(impl, opts);
  const ctl = createControl();
  let specs: WorkerSpec[];
  switch (impl) {
    case "ether":
    case "ether-spin": {
      const { handle } = etherTopic({ capacity: CAPACITY, maxFrame: FRAME });
      const data: EtherStreamData = { handle, wait: impl === "ether" ? "hybrid" : "spin" };
      specs = [
        { role: "ether:pub", data },
        { role: "ether:sub", data },
      ];
      break;
    }
    case "raw-sab": {
      const h = createRawSab(CAPACITY);
      specs = [
        { role: "raw-sab:pub", data: h },
        { role: "raw-sab:sub", data: h },
      ];
      break;
    }
    case "ringbuf.js": {
      const sab = RingBuffer.getStorageForCapacity(CAPACITY, Uint8Array);
      specs = [
        { role: "ringbuf:pub", data: sab },
        { role: "ringbuf:sub", data: sab },
      ];
      break;
    }
    case "postMessage":
      specs = postMessagePair("pm:pub", "pm:sub");
      break;
    default:
      throw new Error(`spsc-64B has no impl ${impl}`);
  }
  const [pub, sub] = (await runWorkers(SUITE, specs, ctl, opts)) as [PubResult, SubResult];
  checkDelivery(impl, pub, sub);
  return { "msgs/s": sub.rate };
}

export const scenario: Scenario = {
  suite: SUITE,
  cases: [
    {
      name: "spsc-64B",
      cores: 2,
      what:
        "64 B frames, 1 publisher thread -> 1 subscriber thread, msgs/s at the subscriber; ether waits with " +
        "its default (hybrid), ether-spin and the peers spin",
      // ether-spin and ringbuf.js are shown, not goals: full runs only, which keeps the quick run under a minute.
      impls: [
        { name: "ether", cores: 1.3 },
        { name: "ether-spin", fullOnly: true },
        { name: "raw-sab" },
        { name: "ringbuf.js", fullOnly: true },
        { name: "postMessage", cores: 1.5 },
      ],
      goals: [
        {
          label: "ether >= 25x postMessage (small object)",
          kind: "ratio",
          a: { case: "spsc-64B", impl: "ether", metric: "msgs/s" },
          b: { case: "spsc-64B", impl: "postMessage", metric: "msgs/s" },
          op: ">=",
          target: 25,
        },
        {
          label: "ether >= 0.8x raw-sab",
          kind: "ratio",
          a: { case: "spsc-64B", impl: "ether", metric: "msgs/s" },
          b: { case: "spsc-64B", impl: "raw-sab", metric: "msgs/s" },
          op: ">=",
          target: 0.8,
        },
      ],
    },
    {
      name: "spsc-64B-proc",
      cores: 2,
      what:
        "64 B frames, 1 publisher process -> 1 subscriber process (ether: default hybrid wait, ether-spin: " +
        "spinning); zeromq: PUB/SUB over ipc://, msgs/s at the subscriber",
      // ZeroMQ on an idle machine: ~1.8 (the subscriber's JS loop, the publisher retrying at the
      // high-water mark, and the two I/O threads share the two vCPUs).
      impls: [{ name: "ether", cores: 1.3 }, { name: "ether-spin", fullOnly: true }, { name: "zeromq", cores: 1.8 }],
      goals: [
        {
          label: "ether processes >= 0.8x ether threads (spsc-64B)",
          kind: "ratio",
          a: { case: "spsc-64B-proc", impl: "ether", metric: "msgs/s" },
          b: { case: "spsc-64B", impl: "ether", metric: "msgs/s" },
          op: ">=",
          target: 0.8,
        },
        {
          label: "ether processes >= 30x zeromq PUB/SUB ipc://",
          kind: "ratio",
          a: { case: "spsc-64B-proc", impl: "ether", metric: "msgs/s" },
          b: { case: "spsc-64B-proc", impl: "zeromq", metric: "msgs/s" },
          op: ">=",
          target: 30,
        },
      ],
    },
  ],
  trial,
  roles: {
    "raw-sab:pub": rawPub,
    "raw-sab:sub": rawSub,
    "ringbuf:pub": ringbufPub,
    "ringbuf:sub": ringbufSub,
    "pm:pub": pmObjectPub,
    "pm:sub": pmObjectSub,
    "ether:pub": ether.pub,
    "ether:sub": ether.sub,
    "zmq:pub": zmqPub,
    "zmq:sub": zmqSub,
  },
};
