/**
 * rtt-spin: ping-pong between two threads over two one-way channels, both sides spinning. The pinger
 * sends a 64-byte frame on A, spins until the echo arrives on B, and repeats; the result is the mean
 * round trip in µs over the measured window. postMessage (listeners on both sides, no spinning
 * possible) is shown for reference.
 *
 * rtt-spin-proc: the same ether roles between two processes (process topics in shm segments).
 */
import type { MessagePort } from "node:worker_threads";
import { STOP, createControl, readyAndWaitForGo } from "./lib/control.js";
import { SharedSpace, Topic, type TopicHandle } from "./lib/ether.js";
import { postMessagePair, runWorkers, type WorkerSpec } from "./lib/harness.js";
import { ProcessSpace, runProcesses } from "./lib/processes.js";
import { RateMeter } from "./lib/meter.js";
import type { RoleFn, Scenario, TrialOptions, TrialValues } from "./lib/scenario.js";
import { RawSabReader, RawSabWriter, createRawSab, type RawSabHandle } from "./peers/raw-sab.js";

const SUITE = "rtt";
const FRAME = 64;
const CAPACITY = 1 << 16;

interface PingResult {
  /** Mean round trip in µs. */
  us: number;
  count: number;
  /** Sum of the echoed marker bytes, to check against `expected`. */
  sum: number;
  expected: number;
}

interface PairData<H> {
  ping: H;
  pong: H;
}

function check(impl: string, r: PingResult): void {
  if (r.sum !== r.expected) throw new Error(`${impl}: echo mismatch: sum=${r.sum} expected=${r.expected}`);
}

// ---- raw-sab ----

const rawPinger: RoleFn = (d: PairData<RawSabHandle>, ctl, o) => {
  const w = new RawSabWriter(d.ping);
  const r = new RawSabReader(d.pong);
  const src = new Uint8Array(FRAME);
  const meter = new RateMeter(o.warmMs, o.measureMs);
  let sum = 0;
  const onPong = (bytes: Uint8Array, offset: number): void => {
    sum = (sum + bytes[offset]) | 0;
  };
  readyAndWaitForGo(ctl);
  let i = 0;
  let expected = 0;
  while (!meter.expired) {
    const b = i & 255;
    src[0] = b;
    while (!w.write(src));
    while (r.poll(onPong) === 0);
    expected = (expected + b) | 0;
    i++;
    meter.tick();
  }
  meter.finish();
  Atomics.store(ctl, STOP, 1);
  return { us: meter.periodMs() * 1000, count: i, sum, expected } satisfies PingResult;
};

const rawPonger: RoleFn = (d: PairData<RawSabHandle>, ctl) => {
  const r = new RawSabReader(d.ping);
  const w = new RawSabWriter(d.pong);
  const src = new Uint8Array(FRAME);
  const onPing = (bytes: Uint8Array, offset: number): void => {
    src[0] = bytes[offset];
    while (!w.write(src));
  };
  readyAndWaitForGo(ctl);
  for (;;) if (r.poll(onPing) === 0 && Atomics.load(ctl, STOP) === 1) break;
  return {};
};

// ---- ether ----

const etherPinger: RoleFn = (d: PairData<TopicHandle>, ctl, o) => {
  const p = Topic.attach(d.ping).publisher();
  const s = Topic.attach(d.pong).subscriber({ wait: "spin" });
  const src = new Uint8Array(FRAME);
  const meter = new RateMeter(o.warmMs, o.measureMs);
  let sum = 0;
  const onPong = (f: { buffer: Uint8Array; offset: number }): void => {
    sum = (sum + f.buffer[f.offset]) | 0;
  };
  readyAndWaitForGo(ctl);
  let i = 0;
  let expected = 0;
  while (!meter.expired) {
    const b = i & 255;
    src[0] = b;
    while (!p.publish(src));
    while (s.poll(onPong) === 0);
    expected = (expected + b) | 0;
    i++;
    meter.tick();
  }
  meter.finish();
  Atomics.store(ctl, STOP, 1);
  p.close();
  s.close();
  return { us: meter.periodMs() * 1000, count: i, sum, expected } satisfies PingResult;
};

const etherPonger: RoleFn = (d: PairData<TopicHandle>, ctl) => {
  const s = Topic.attach(d.ping).subscriber({ wait: "spin" });
  const p = Topic.attach(d.pong).publisher();
  const src = new Uint8Array(FRAME);
  let pending = 0;
  // Echo after poll() returns rather than publish from inside the handler.
  const onPing = (f: { buffer: Uint8Array; offset: number }): void => {
    src[0] = f.buffer[f.offset];
    pending++;
  };
  readyAndWaitForGo(ctl);
  for (;;) {
    if (s.poll(onPing, 1) === 0) {
      if (Atomics.load(ctl, STOP) === 1) break;
      continue;
    }
    while (pending > 0) {
      while (!p.publish(src));
      pending--;
    }
  }
  p.close();
  s.close();
  return {};
};

// ---- postMessage ----

const pmPinger: RoleFn = (port: MessagePort, ctl, o) =>
  new Promise<PingResult>((resolve) => {
    const msg = { seq: 0 };
    const meter = new RateMeter(o.warmMs, o.measureMs);
    let sum = 0;
    let expected = 0;
    port.on("message", (m: { seq: number }) => {
      sum = (sum + (m.seq & 255)) | 0;
      expected = (expected + (msg.seq & 255)) | 0;
      meter.tick();
      if (meter.expired) {
        meter.finish();
        port.postMessage(null);
        port.close();
        resolve({ us: meter.periodMs() * 1000, count: meter.count, sum, expected });
        return;
      }
      msg.seq++;
      port.postMessage(msg);
    });
    readyAndWaitForGo(ctl);
    port.postMessage(msg);
  });

const pmPonger: RoleFn = (port: MessagePort, ctl) =>
  new Promise<object>((resolve) => {
    port.on("message", (m: { seq: number } | null) => {
      if (m === null) {
        port.close();
        resolve({});
        return;
      }
      port.postMessage(m);
    });
    port.on("close", () => resolve({}));
    readyAndWaitForGo(ctl);
  });

/** Ping and pong topics of one space, alike for threads and processes. */
function pingPongTopics(space: SharedSpace): PairData<TopicHandle> {
  const topic = { capacity: CAPACITY, maxFrame: FRAME, policy: "block" } as const;
  return { ping: space.createTopic("ping", topic), pong: space.createTopic("pong", topic) };
}

/** rtt-spin-proc: pinger process <-> ponger process. */
async function procTrial(impl: string, opts: TrialOptions): Promise<TrialValues> {
  if (impl !== "ether") throw new Error(`rtt-spin-proc has no impl ${impl}`);
  const ps = ProcessSpace.create();
  try {
    const data = pingPongTopics(ps.space);
    const [ping] = (await runProcesses(
      SUITE,
      [
        { role: "ether:pinger", data },
        { role: "ether:ponger", data },
      ],
      ps,
      opts,
    )) as [PingResult, unknown];
    check(impl, ping);
    return { us: ping.us };
  } finally {
    ps.close();
  }
}

async function trial(caseName: string, impl: string, opts: TrialOptions): Promise<TrialValues> {
  if (caseName === "rtt-spin-proc") return procTrial(impl, opts);
  const ctl = createControl();
  let specs: WorkerSpec[];
  switch (impl) {
    case "ether": {
      const data = pingPongTopics(SharedSpace.create({ sessionId: `bench-rtt-${process.pid}` }));
      specs = [
        { role: "ether:pinger", data },
        { role: "ether:ponger", data },
      ];
      break;
    }
    case "raw-sab": {
      const data: PairData<RawSabHandle> = { ping: createRawSab(CAPACITY), pong: createRawSab(CAPACITY) };
      specs = [
        { role: "raw-sab:pinger", data },
        { role: "raw-sab:ponger", data },
      ];
      break;
    }
    case "postMessage":
      specs = postMessagePair("pm:pinger", "pm:ponger");
      break;
    default:
      throw new Error(`rtt-spin has no impl ${impl}`);
  }
  const [ping] = (await runWorkers(SUITE, specs, ctl, opts)) as [PingResult, unknown];
  check(impl, ping);
  return { us: ping.us };
}

export const scenario: Scenario = {
  suite: SUITE,
  cases: [
    {
      name: "rtt-spin",
      cores: 2,
      what: "ping-pong of a 64 B frame between two spinning threads over two topics, µs per round trip",
      // postMessage is shown for reference, in full runs only (the quick run stays under a minute).
      impls: [{ name: "ether" }, { name: "raw-sab" }, { name: "postMessage", cores: 0.8, fullOnly: true }],
      goals: [
        {
          label: "ether <= 1.5x raw-sab round trip",
          kind: "ratio",
          a: { case: "rtt-spin", impl: "ether", metric: "us" },
          b: { case: "rtt-spin", impl: "raw-sab", metric: "us" },
          op: "<=",
          target: 1.5,
        },
      ],
    },
    {
      name: "rtt-spin-proc",
      cores: 2,
      what: "ping-pong of a 64 B frame between two spinning processes over two topics, µs per round trip",
      impls: [{ name: "ether" }],
      goals: [
        {
          // The "≥ 0.8× the same case between threads", for a time: speed ≥ 0.8x is RTT ≤ 1/0.8.
          label: "ether processes RTT <= 1.25x ether threads RTT (rtt-spin), i.e. speed >= 0.8x",
          kind: "ratio",
          a: { case: "rtt-spin-proc", impl: "ether", metric: "us" },
          b: { case: "rtt-spin", impl: "ether", metric: "us" },
          op: "<=",
          target: 1.25,
        },
      ],
    },
  ],
  trial,
  roles: {
    "raw-sab:pinger": rawPinger,
    "raw-sab:ponger": rawPonger,
    "ether:pinger": etherPinger,
    "ether:ponger": etherPonger,
    "pm:pinger": pmPinger,
    "pm:ponger": pmPonger,
  },
};
