/**
 * dict-64B: a small dict message `{seq, t, value}` end to end, msgs/s at the subscriber.
 *
 * - ether: `DictEncoder.encode(obj)` -> `publish(bytes, SCHEMA_DICT)` -> `poll` ->
 *   `DictDecoder.decode(frame.buffer, frame.offset, frame.length)` -> read `seq`.
 * - postMessage: `postMessage(obj)` (structured clone) -> `message` listener -> read `seq`.
 *
 * Both sides reuse one message object per thread on the sending side; decoding makes the receiving
 * object, as structured clone does.
 */
import { DictDecoder, DictEncoder, SCHEMA_DICT } from "../src/frame/index.js";
import { checkDelivery, createControl, isDone, markDone, readyAndWaitForGo, type PubResult, type SubResult } from "./lib/control.js";
import { Topic, etherTopic, type TopicHandle } from "./lib/ether.js";
import { postMessagePair, runWorkers, type WorkerSpec } from "./lib/harness.js";
import { RateMeter } from "./lib/meter.js";
import type { RoleFn, Scenario, TrialOptions, TrialValues } from "./lib/scenario.js";
import { pmObjectPub, pmObjectSub, type SmallMessage } from "./spsc.bench.js";

const SUITE = "dict";
const CAPACITY = 1 << 22;
const MAX_FRAME = 1024;

const etherPub: RoleFn = (handle: TopicHandle, ctl, o) => {
  const encoder = new DictEncoder();
  const p = Topic.attach(handle).publisher();
  const msg: SmallMessage = { seq: 0, t: 0, value: 0 };
  const meter = new RateMeter(o.warmMs, o.measureMs);
  readyAndWaitForGo(ctl);
  let i = 0;
  let sum = 0;
  let bytes = 0;
  while (!meter.expired) {
    msg.seq = i;
    msg.t = i * 1e-3;
    msg.value = i * 0.5;
    const encoded = encoder.encode(msg);
    bytes = encoded.length;
    while (!p.publish(encoded, SCHEMA_DICT));
    sum = (sum + (i & 255)) | 0;
    i++;
    meter.tick();
  }
  markDone(ctl, i);
  p.close();
  return { count: i, sum, bytes } satisfies PubResult & { bytes: number };
};

const etherSub: RoleFn = (handle: TopicHandle, ctl, o) => {
  const decoder = new DictDecoder();
  const s = Topic.attach(handle).subscriber({ wait: "spin" });
  const meter = new RateMeter(o.warmMs, o.measureMs);
  let sum = 0;
  const handler = (f: { buffer: Uint8Array; offset: number; length: number }): void => {
    const m = decoder.decode(f.buffer, f.offset, f.length) as unknown as SmallMessage;
    sum = (sum + (m.seq & 255)) | 0;
    meter.tick();
  };
  readyAndWaitForGo(ctl);
  for (;;) if (s.poll(handler) === 0 && isDone(ctl, meter.count)) break;
  meter.finish();
  s.close();
  return { count: meter.count, sum, rate: meter.rate() } satisfies SubResult;
};

async function trial(_case: string, impl: string, opts: TrialOptions): Promise<TrialValues> {
  const ctl = createControl();
  let specs: WorkerSpec[];
  switch (impl) {
    case "ether": {
      const { handle } = etherTopic({ capacity: CAPACITY, maxFrame: MAX_FRAME });
      specs = [
        { role: "ether:pub", data: handle },
        { role: "ether:sub", data: handle },
      ];
      break;
    }
    case "postMessage":
      specs = postMessagePair("pm:pub", "pm:sub");
      break;
    default:
      throw new Error(`dict-64B has no impl ${impl}`);
  }
  const [pub, sub] = (await runWorkers(SUITE, specs, ctl, opts)) as [PubResult, SubResult];
  checkDelivery(impl, pub, sub);
  return { "msgs/s": sub.rate };
}

export const scenario: Scenario = {
  suite: SUITE,
  cases: [
    {
      name: "dict-64B",
      cores: 2,
      what: "{seq, t, value}: encode + publish + read + decode (ether) vs postMessage of the object, msgs/s",
      impls: [{ name: "ether" }, { name: "postMessage", cores: 1.4 }],
      goals: [
        {
          label: "ether >= 8x postMessage (same object)",
          kind: "ratio",
          a: { case: "dict-64B", impl: "ether", metric: "msgs/s" },
          b: { case: "dict-64B", impl: "postMessage", metric: "msgs/s" },
          op: ">=",
          target: 8,
        },
      ],
    },
  ],
  trial,
  roles: {
    "ether:pub": etherPub,
    "ether:sub": etherSub,
    "pm:pub": pmObjectPub,
    "pm:sub": pmObjectSub,
  },
};
