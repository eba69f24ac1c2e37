/**
 * loan-1MiB: 1 MiB frames from one publisher thread to one subscriber thread.
 *
 * What "writing a frame" means here (the same for every implementation): the publisher stores one
 * 32-bit word, the frame's sequence number, at the start of each 4 KiB page of the frame (256 stores),
 * as a producer that writes its data straight into the frame would, without making the benchmark
 * about memory bandwidth. The subscriber reads the first byte of the first and of the last page and
 * checks them, which catches a torn or stale frame. So:
 *
 * - ether and raw-sab: loan 1 MiB in the ring (ether: `claim()`, the allocation-free `loan()`) ->
 *   256 stores into the ring -> `commit()`; read in place.
 * - postMessage: 256 stores into the publisher's own 1 MiB Uint8Array, then `postMessage(u8)`, which
 *   structured-clones the whole MiB (the receiver gets its own copy).
 *
 * GB/s is frames/s x 1 MiB: the bytes made available to the reader, not bytes touched.
 *
 * loan-1MiB-proc: the same ether roles between a publisher process and a subscriber process.
 */
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
import { Topic, etherTopic, type TopicHandle } from "./lib/ether.js";
import { postMessagePair, runWorkers, type WorkerSpec } from "./lib/harness.js";
import { ProcessSpace, runProcesses } from "./lib/processes.js";
import { RateMeter } from "./lib/meter.js";
import type { RoleFn, Scenario, TrialOptions, TrialValues } from "./lib/scenario.js";
import { RawSabReader, RawSabWriter, createRawSab, type RawSabHandle } from "./peers/raw-sab.js";

const SUITE = "loan";
const FRAME = 1 << 20;
const PAGE = 4096;
const WORDS_PER_PAGE = PAGE >> 2;
const LAST_PAGE = FRAME - PAGE;
/** Ring bytes: room for several frames in flight. */
const CAPACITY = 1 << 23;
/** postMessage: at most this many 1 MiB clones queued. */
const PM_WINDOW = 4;

/** The 256 stores of one frame. */
function fill(i32: Int32Array, firstWord: number, value: number): void {
  for (let k = 0; k < FRAME >> 2; k += WORDS_PER_PAGE) i32[firstWord + k] = value;
}

// ---- raw-sab ----

const rawPub: RoleFn = (h: RawSabHandle, ctl, o) => {
  const w = new RawSabWriter(h);
  const meter = new RateMeter(o.warmMs, o.measureMs);
  readyAndWaitForGo(ctl);
  let i = 0;
  let sum = 0;
  while (!meter.expired) {
    let off: number;
    while ((off = w.loan(FRAME)) < 0);
    fill(w.words, off >> 2, i);
    w.commit();
    sum = (sum + 2 * (i & 255)) | 0;
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
    sum = (sum + bytes[offset] + bytes[offset + LAST_PAGE]) | 0;
    meter.tick();
  };
  readyAndWaitForGo(ctl);
  for (;;) if (r.poll(handler) === 0 && isDone(ctl, meter.count)) break;
  meter.finish();
  return { count: meter.count, sum, rate: meter.rate() } satisfies SubResult;
};

// ---- ether ----

const etherPub: RoleFn = (handle: TopicHandle, ctl, o) => {
  const p = Topic.attach(handle).publisher();
  // `claim()` is the allocation-free form of `loan()`: the payload's offset in `p.buffer` instead of
  // a new view per frame. One Int32Array over the segment, made once, writes the words.
  const words = new Int32Array(p.buffer.buffer);
  const base = p.buffer.byteOffset;
  const meter = new RateMeter(o.warmMs, o.measureMs);
  readyAndWaitForGo(ctl);
  let i = 0;
  let sum = 0;
  while (!meter.expired) {
    let at: number;
    while ((at = p.claim(FRAME)) < 0);
    fill(words, (base + at) >> 2, i);
    p.commit();
    sum = (sum + 2 * (i & 255)) | 0;
    i++;
    meter.tick();
  }
  markDone(ctl, i);
  p.close();
  return { count: i, sum } satisfies PubResult;
};

const etherSub: RoleFn = (handle: TopicHandle, ctl, o) => {
  const s = Topic.attach(handle).subscriber({ wait: "spin" });
  const meter = new RateMeter(o.warmMs, o.measureMs);
  let sum = 0;
  const handler = (f: { buffer: Uint8Array; offset: number }): void => {
    sum = (sum + f.buffer[f.offset] + f.buffer[f.offset + LAST_PAGE]) | 0;
    meter.tick();
  };
  readyAndWaitForGo(ctl);
  for (;;) if (s.poll(handler) === 0 && isDone(ctl, meter.count)) break;
  meter.finish();
  s.close();
  return { count: meter.count, sum, rate: meter.rate() } satisfies SubResult;
};

// ---- postMessage: structured clone of the 1 MiB Uint8Array ----

const pmPub: RoleFn = (port: MessagePort, ctl, o) => {
  const frame = new Uint8Array(FRAME);
  const words = new Int32Array(frame.buffer);
  const meter = new RateMeter(o.warmMs, o.measureMs);
  readyAndWaitForGo(ctl);
  let i = 0;
  let sum = 0;
  while (!meter.expired) {
    waitForCredit(ctl, i, PM_WINDOW);
    fill(words, 0, i);
    port.postMessage(frame);
    sum = (sum + 2 * (i & 255)) | 0;
    i++;
    meter.tick();
  }
  markDone(ctl, i);
  port.postMessage(null);
  return { count: i, sum } satisfies PubResult;
};

const pmSub: RoleFn = (port: MessagePort, ctl, o) =>
  new Promise<SubResult>((resolve) => {
    const meter = new RateMeter(o.warmMs, o.measureMs);
    let sum = 0;
    port.on("message", (m: Uint8Array | null) => {
      if (m === null) {
        meter.finish();
        port.close();
        resolve({ count: meter.count, sum, rate: meter.rate() });
        return;
      }
      sum = (sum + m[0] + m[LAST_PAGE]) | 0;
      meter.tick();
      acknowledge(ctl, meter.count);
    });
    readyAndWaitForGo(ctl);
  });

/** loan-1MiB-proc: publisher process -> subscriber process. */
async function procTrial(impl: string, opts: TrialOptions): Promise<TrialValues> {
  if (impl !== "ether") throw new Error(`loan-1MiB-proc has no impl ${impl}`);
  const ps = ProcessSpace.create();
  try {
    const handle = ps.space.createTopic("bench", { capacity: CAPACITY, maxFrame: FRAME, policy: "block" });
    const specs = [
      { role: "ether:pub", data: handle },
      { role: "ether:sub", data: handle },
    ];
    const [pub, sub] = (await runProcesses(SUITE, specs, ps, opts)) as [PubResult, SubResult];
    checkDelivery(impl, pub, sub);
    return { "msgs/s": sub.rate, "GB/s": (sub.rate * FRAME) / 1e9 };
  } finally {
    ps.close();
  }
}

async function trial(caseName: string, impl: string, opts: TrialOptions): Promise<TrialValues> {
  if (caseName === "loan-1MiB-proc") return procTrial(impl, opts);
  const ctl = createControl();
  let specs: WorkerSpec[];
  switch (impl) {
    case "ether": {
      const { handle } = etherTopic({ capacity: CAPACITY, maxFrame: FRAME });
      specs = [
        { role: "ether:pub", data: handle },
        { role: "ether:sub", data: handle },
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
    case "postMessage":
      specs = postMessagePair("pm:pub", "pm:sub");
      break;
    default:
      throw new Error(`loan-1MiB has no impl ${impl}`);
  }
  const [pub, sub] = (await runWorkers(SUITE, specs, ctl, opts)) as [PubResult, SubResult];
  checkDelivery(impl, pub, sub);
  return { "msgs/s": sub.rate, "GB/s": (sub.rate * FRAME) / 1e9 };
}

export const scenario: Scenario = {
  suite: SUITE,
  cases: [
    {
      name: "loan-1MiB",
      cores: 2,
      what:
        "1 MiB frames written in place through a loan (one word per 4 KiB page); postMessage clones " +
        "its 1 MiB Uint8Array; msgs/s and GB/s at the subscriber",
      impls: [{ name: "ether" }, { name: "raw-sab" }, { name: "postMessage", cores: 1.1 }],
      goals: [
        {
          label: "ether >= 5x postMessage (1 MiB clone)",
          kind: "ratio",
          a: { case: "loan-1MiB", impl: "ether", metric: "msgs/s" },
          b: { case: "loan-1MiB", impl: "postMessage", metric: "msgs/s" },
          op: ">=",
          target: 5,
        },
      ],
    },
    {
      name: "loan-1MiB-proc",
      cores: 2,
      what: "loan-1MiB between a publisher process and a subscriber process (process topic), msgs/s and GB/s",
      impls: [{ name: "ether" }],
      goals: [
        {
          label: "ether processes >= 0.8x ether threads (loan-1MiB)",
          kind: "ratio",
          a: { case: "loan-1MiB-proc", impl: "ether", metric: "msgs/s" },
          b: { case: "loan-1MiB", impl: "ether", metric: "msgs/s" },
          op: ">=",
          target: 0.8,
        },
      ],
    },
  ],
  trial,
  roles: {
    "raw-sab:pub": rawPub,
    "raw-sab:sub": rawSub,
    "ether:pub": etherPub,
    "ether:sub": etherSub,
    "pm:pub": pmPub,
    "pm:sub": pmSub,
  },
};
