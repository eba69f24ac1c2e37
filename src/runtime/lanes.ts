/**
 * Lanes: a topic that several hosts publish gets one ring per publishing host, and its subscribers
 * read all of them. In one shared ring every frame is claimed and committed by compare-and-swap on
 * the same head and tail words, which two publishers on two cores hand back and forth on every frame,
 * and a publisher preempted between claim and commit holds back the frames the others claimed after
 * it. With a ring each, every publisher is the lone one on its ring (plain stores, no waiting on
 * another's commit): the seed pipeline (two processors into one collector) ran ~1.6× faster.
 *
 * What a subscriber sees is unchanged per publisher (its frames, in its order, nothing lost); frames
 * of different publishers were never ordered by anything but the race between them, and now they are
 * interleaved batch by batch. Sequence numbers count per ring. Each ring has the topic's capacity, so
 * a topic published by N hosts takes N times its capacity in shared memory.
 *
 * The first publishing host writes the ring named after the topic (where publishers outside the
 * session's instances write too); the others write rings named `<topic>@<n>`.
 *
 * @example
 *   const lanes = planLanes(new Map([["result", ["processor2x", "processor4x"]]]), new Set(["data", "result"]));
 *   lanes.get("result");  // { rings: ["result", "result@2"], writers: Map { processor2x → result, processor4x → result@2 } }
 */
import { TOPIC_NAME_MAX_LENGTH } from "../transport/session-layout.js";

/** The rings of one topic and which publishing host writes which. */
export interface TopicLanes {
  /** Every ring of the topic, the topic's own first: what a subscriber reads. */
  readonly rings: readonly string[];
  /** Ring each publishing host (by host key) writes. */
  readonly writers: ReadonlyMap<string, string>;
}

const encoder = new TextEncoder();

/**
 * For every topic published by two or more hosts (`writersByTopic`: topic → host keys, in config
 * order), the ring each host writes. `taken`: every topic name of the session, which no ring name may
 * reuse. A topic whose ring names would not fit the session segment's 128 bytes keeps one ring.
 */
export function planLanes(writersByTopic: ReadonlyMap<string, readonly string[]>, taken: ReadonlySet<string>): Map<string, TopicLanes> {
  const used = new Set(taken);
  const plan = new Map<string, TopicLanes>();
  for (const [topic, hosts] of writersByTopic) {
    if (hosts.length < 2) continue;
    const rings = [topic];
    for (let n = 2; rings.length < hosts.length; n++) {
      const name = `${topic}@${n}`;
      if (used.has(name)) continue;
      if (encoder.encode(name).length > TOPIC_NAME_MAX_LENGTH) break;
      rings.push(name);
    }
    if (rings.length < hosts.length) continue; // no room for the names: one shared ring, as before
    for (const ring of rings) used.add(ring);
    plan.set(topic, { rings, writers: new Map(hosts.map((host, i) => [host, rings[i]!])) });
  }
  return plan;
}
