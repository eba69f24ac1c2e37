// Transport demo (`npm start` until the runtime exists): a sensor publishes 200,000 dict messages
// through a shared-memory topic; this thread reads them in place and prints the counters. It runs
// once between worker threads and, when the native addon is built, once between processes.
import { Worker } from "node:worker_threads";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SharedSpace, Topic, type SharedSpace as Space } from "../../src/transport/index.js";
import { DictDecoder } from "../../src/frame/index.js";
import { nativeStatus } from "../../src/native/load.js";

const COUNT = 200_000;
const sensorScript = fileURLToPath(new URL("./sensor.js", import.meta.url));

function percentile(histogram: readonly number[], p: number): string {
  const total = histogram.reduce((a, b) => a + b, 0);
  let seen = 0;
  for (let bucket = 0; bucket < histogram.length; bucket++) {
    seen += histogram[bucket]!;
    if (seen >= total * p) return `< ${(2 ** (bucket + 1) / 1000).toFixed(1)} µs`;
  }
  return "n/a";
}

async function run(transport: "threads" | "shm"): Promise<void> {
  const space: Space = SharedSpace.create({ transport });
  try {
    const handle = space.createTopic("sensor/readings", { capacity: 1 << 20, policy: "block" });
    const sub = Topic.attach(handle).subscriber({ wait: "hybrid" });
    const decoder = new DictDecoder();
    const started = performance.now();
    const sensor =
      transport === "threads"
        ? new Worker(sensorScript, { workerData: { handle, count: COUNT } })
        : fork(sensorScript, [JSON.stringify({ handle, count: COUNT })], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let received = 0;
    let sum = 0;
    let lastSeq = -1;
    while (received < COUNT) {
      received += sub.poll((frame) => {
        const message = decoder.decode(frame.buffer, frame.offset, frame.length) as { seq: number; waveform: Float32Array };
        sum += message.waveform[0]!; // a zero-copy view into the ring, valid during this handler
        lastSeq = message.seq;
      });
      if (received < COUNT) sub.wait(1000);
    }
    const seconds = (performance.now() - started) / 1000;
    const stats = space.stats("sensor/readings");
    const mine = stats.subscribers[0]!;
    console.log(
      `[${transport}] ${received} messages in ${seconds.toFixed(2)} s (${(received / seconds / 1e6).toFixed(2)} M msg/s), ` +
        `last seq ${lastSeq}, checksum ${sum.toFixed(3)}`,
    );
    console.log(
      `[${transport}] counters: published ${stats.published}, delivered ${mine.delivered}, dropped ${mine.dropped}, ` +
        `latency p50 ${percentile(mine.latencyHistogram, 0.5)}, p99 ${percentile(mine.latencyHistogram, 0.99)}`,
    );
    sub.close();
    await new Promise((resolve) => sensor.once("exit", resolve));
  } finally {
    space.close();
  }
}

await run("threads");
const native = nativeStatus();
if (native.available) await run("shm");
else console.log(`[shm] skipped: process placement needs the native addon (${native.reason}); run \`ether doctor\``);
