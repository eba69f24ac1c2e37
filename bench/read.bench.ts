/**
 * read-1KiB / read-1MiB: the cost of reading one frame in place, single thread, with tinybench.
 *
 * Before each sample (untimed, tinybench `beforeEach`) the publisher loans and commits BATCH frames,
 * writing only their first byte. The timed sample is one `poll(handler, BATCH)` whose handler reads
 * the first byte of each frame; the result is the median sample divided by BATCH, in µs per frame.
 * A zero-copy read costs the same whatever the frame's size, so the goal compares the two cases.
 */
import { Bench } from "tinybench";
import { SharedSpace, Topic } from "./lib/ether.js";
import type { Scenario, TrialOptions, TrialValues } from "./lib/scenario.js";
import { RawSabReader, RawSabWriter, createRawSab } from "./peers/raw-sab.js";

const SUITE = "read";
/** Frames per timed sample: enough that the clock's own cost (~0.05 µs) is small beside it. */
const BATCH = 32;
const SIZES: Readonly<Record<string, number>> = { "read-1KiB": 1 << 10, "read-1MiB": 1 << 20 };

/** A ring that holds BATCH frames of `size` with room to spare (a power of two). */
function capacityFor(size: number): number {
  let c = 1 << 16;
  while (c < 2 * BATCH * (size + 64)) c *= 2;
  return c;
}

/** Builds the fill and read functions of one implementation. */
function setup(impl: string, size: number): { refill: () => void; read: () => number } {
  let sum = 0;
  switch (impl) {
    case "ether": {
      const space = SharedSpace.create({ sessionId: `bench-read-${process.pid}` });
      const handle = space.createTopic("read", { capacity: capacityFor(size), maxFrame: size, policy: "block" });
      const topic = Topic.attach(handle);
      const sub = topic.subscriber({ wait: "spin" });
      const pub = topic.publisher();
      const handler = (f: { buffer: Uint8Array; offset: number }): void => {
        sum = (sum + f.buffer[f.offset]) | 0;
      };
      return {
        refill: () => {
          for (let i = 0; i < BATCH; i++) {
            const view = pub.loan(size);
            if (view === undefined) throw new Error("ether: ring full in refill");
            view[0] = i;
            pub.commit();
          }
        },
        read: () => sub.poll(handler, BATCH),
      };
    }
    case "raw-sab": {
      const h = createRawSab(capacityFor(size));
      const w = new RawSabWriter(h);
      const r = new RawSabReader(h);
      const handler = (bytes: Uint8Array, offset: number): void => {
        sum = (sum + bytes[offset]) | 0;
      };
      return {
        refill: () => {
          for (let i = 0; i < BATCH; i++) {
            const off = w.loan(size);
            if (off < 0) throw new Error("raw-sab: ring full in refill");
            w.bytes[off] = i;
            w.commit();
          }
        },
        read: () => r.poll(handler, BATCH),
      };
    }
    default:
      throw new Error(`read cases have no impl ${impl}`);
  }
}

async function trial(caseName: string, impl: string, opts: TrialOptions): Promise<TrialValues> {
  const size = SIZES[caseName];
  if (size === undefined) throw new Error(`read: unknown case ${caseName}`);
  const { refill, read } = setup(impl, size);
  let short = 0;
  // tinybench's time budgets count timed work only (~0.5 µs a sample here), not the untimed refill
  // (a few µs), so small budgets already give tens of thousands of samples.
  const bench = new Bench({
    time: opts.quick ? 15 : 60,
    warmupTime: opts.quick ? 5 : 20,
    throws: true,
  });
  bench.add(
    `${caseName} ${impl}`,
    () => {
      if (read() !== BATCH) short++;
    },
    // async: false skips tinybench's async-detection call, which would run without beforeEach.
    { beforeEach: refill, async: false },
  );
  bench.runSync();
  if (short > 0) throw new Error(`${impl}: ${short} samples read fewer than ${BATCH} frames`);
  const result = bench.tasks[0].result;
  if (result.state !== "completed") throw new Error(`${impl}: tinybench task ended ${result.state}`);
  return { us: (result.latency.p50 * 1000) / BATCH };
}

const goal = {
  label: "ether read-1MiB <= 1.5x read-1KiB (zero-copy: same cost)",
  kind: "ratio",
  a: { case: "read-1MiB", impl: "ether", metric: "us" },
  b: { case: "read-1KiB", impl: "ether", metric: "us" },
  op: "<=",
  target: 1.5,
} as const;

export const scenario: Scenario = {
  suite: SUITE,
  cases: [
    {
      name: "read-1KiB",
      cores: 1,
      what: "read one 1 KiB frame in place (first byte), single thread, tinybench, µs per frame",
      impls: [{ name: "ether" }, { name: "raw-sab" }],
      goals: [],
    },
    {
      name: "read-1MiB",
      cores: 1,
      what: "read one 1 MiB frame in place (first byte), single thread, tinybench, µs per frame",
      impls: [{ name: "ether" }, { name: "raw-sab" }],
      goals: [goal],
    },
  ],
  trial,
  roles: {},
};
