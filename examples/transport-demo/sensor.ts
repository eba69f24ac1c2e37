// The publishing side of the transport demo: a simulated sensor that publishes dict messages with a
// small waveform as a Float32Array. Runs as a worker thread (workerData) or a child process (argv).
import { parentPort, workerData } from "node:worker_threads";
import { Topic, type TopicHandle } from "../../src/transport/index.js";
import { DictEncoder, SCHEMA_DICT } from "../../src/frame/index.js";

const { handle, count } = (workerData ?? JSON.parse(process.argv[2]!)) as { handle: TopicHandle; count: number };
const pub = Topic.attach(handle).publisher();
const encoder = new DictEncoder();
const waveform = new Float32Array(16);
for (let seq = 0; seq < count; seq++) {
  for (let i = 0; i < waveform.length; i++) waveform[i] = Math.sin((seq + i) / 10);
  pub.publish(encoder.encode({ seq, t: Date.now(), value: waveform[0]!, waveform }), SCHEMA_DICT);
}
pub.close();
if (parentPort === null) process.disconnect?.();
