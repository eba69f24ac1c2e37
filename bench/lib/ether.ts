/**
 * The project's transport as the benchmarks use it: one place that creates topics and holds the
 * ether side of the streaming roles, so every case drives the API the same way.
 */
import { SharedSpace, Topic, type TopicHandle } from "../../src/transport/index.js";
import { setAffinity } from "../../src/native/platform.js";
import { isDone, markDone, readyAndWaitForGo, type PubResult, type SubResult } from "./control.js";
import { RateMeter } from "./meter.js";
import type { RoleFn } from "./scenario.js";

export type { TopicHandle };
export { SharedSpace, Topic };

/** Wait strategies of a subscriber. */
export type WaitStrategy = "spin" | "hybrid" | "park";

let spaces = 0;

/**
 * Creates a fresh session space with one `block` topic and returns its handle (and the space, which
 * the caller keeps alive for the trial).
 */
export function etherTopic(o: { capacity: number; maxFrame: number; name?: string }): {
  space: SharedSpace;
  handle: TopicHandle;
} {
  const space = SharedSpace.create({ sessionId: `bench-${process.pid}-${spaces++}` });
  const handle = space.createTopic(o.name ?? "bench", {
    capacity: o.capacity,
    maxFrame: o.maxFrame,
    policy: "block",
  });
  return { space, handle };
}

/** Data of the ether streaming roles. */
export interface EtherStreamData {
  handle: TopicHandle;
  /** Subscriber wait strategy: "spin" polls in a loop; others call `wait()` when empty. */
  wait?: WaitStrategy;
  /** Publisher: measure its own rate (fanout) rather than leave it to the subscriber. */
  measure?: boolean;
  /** CPUs to pin the role's thread to (as an instance's `cpus:` does); absent: the scheduler places it. */
  cpus?: number[];
}

/**
 * Publisher and subscriber roles moving `frame`-byte frames: the publisher copies one reused buffer
 * per frame (`publish`, one copy), the subscriber reads the first byte in place.
 */
export function etherStreamRoles(frame: number): { pub: RoleFn; sub: RoleFn } {
  const pub: RoleFn = (d: EtherStreamData, ctl, o) => {
    if (d.cpus !== undefined) setAffinity(d.cpus);
    const topic = Topic.attach(d.handle);
    const p = topic.publisher();
    const src = new Uint8Array(frame);
    const meter = new RateMeter(o.warmMs, o.measureMs);
    readyAndWaitForGo(ctl);
    let i = 0;
    let sum = 0;
    while (!meter.expired) {
      const b = i & 255;
      src[0] = b;
      while (!p.publish(src));
      sum = (sum + b) | 0;
      i++;
      meter.tick();
    }
    meter.finish();
    markDone(ctl, i);
    p.close();
    return { count: i, sum, rate: d.measure ? meter.rate() : undefined } satisfies PubResult;
  };

  const sub: RoleFn = (d: EtherStreamData, ctl, o) => {
    if (d.cpus !== undefined) setAffinity(d.cpus);
    const topic = Topic.attach(d.handle);
    const wait = d.wait ?? "spin";
    const s = topic.subscriber({ wait });
    const meter = new RateMeter(o.warmMs, o.measureMs);
    let sum = 0;
    const handler = (f: { buffer: Uint8Array; offset: number }): void => {
      sum = (sum + f.buffer[f.offset]) | 0;
      meter.tick();
    };
    readyAndWaitForGo(ctl);
    if (wait === "spin") {
      for (;;) if (s.poll(handler) === 0 && isDone(ctl, meter.count)) break;
    } else {
      // The loop the Subscriber docs show: wait() after every poll, so the strategy sees each batch.
      for (;;) {
        s.poll(handler);
        if (!s.wait(5) && isDone(ctl, meter.count)) break;
      }
    }
    meter.finish();
    s.close();
    return { count: meter.count, sum, rate: meter.rate() } satisfies SubResult;
  };

  return { pub, sub };
}
