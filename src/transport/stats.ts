/**
 * Reading the counters of the session segment: per publisher and subscriber slot, and per topic.
 * Counters are written by one writer each and read here without locks: a snapshot may be a frame
 * behind, never torn.
 *
 * @example
 *   const s = space.stats("data");
 *   console.log(s.published, s.subscribers.map((x) => x.delivered));
 */
import type { SessionSegment } from "./session-segment.js";
import {
  LATENCY_BUCKETS,
  PUB_COUNTERS,
  SUB_COUNTERS,
  pubCountersOffset,
  subCountersOffset,
} from "./session-layout.js";

/** Counters of one publisher slot (they accumulate across the publishers that used the slot). */
export interface PublisherStats {
  readonly slot: number;
  readonly published: number;
  readonly bytes: number;
  readonly rejected: number;
  /** Times a publish had to wait for space (policy block). */
  readonly blocked: number;
}

/** Counters of one subscriber slot. */
export interface SubscriberStats {
  readonly slot: number;
  readonly delivered: number;
  readonly bytes: number;
  readonly dropped: number;
  readonly invalid: number;
  /** Sampled publish-to-read latency: bucket i counts latencies in [2^i, 2^(i+1)) ns. */
  readonly latencyHistogram: readonly number[];
}

/** Counters of one topic: totals plus every slot that has counted something. */
export interface TopicStats {
  readonly name: string;
  readonly published: number;
  readonly bytes: number;
  readonly rejected: number;
  readonly delivered: number;
  readonly dropped: number;
  readonly invalid: number;
  readonly publishers: readonly PublisherStats[];
  readonly subscribers: readonly SubscriberStats[];
}

/** Reads the counters of topic `index`. */
export function readTopicStats(session: SessionSegment, index: number, name: string): TopicStats {
  const f64 = session.f64;
  const block = session.counterBlockOffset(index);
  const { maxPublishers, maxSubscribers } = session.limits;
  const publishers: PublisherStats[] = [];
  for (let slot = 0; slot < maxPublishers; slot++) {
    const c = (block + pubCountersOffset(slot)) >> 3;
    const s = {
      slot,
      published: f64[c + PUB_COUNTERS.published]!,
      bytes: f64[c + PUB_COUNTERS.bytes]!,
      rejected: f64[c + PUB_COUNTERS.rejected]!,
      blocked: f64[c + PUB_COUNTERS.blocked]!,
    };
    if (s.published + s.rejected + s.blocked > 0) publishers.push(s);
  }
  const subscribers: SubscriberStats[] = [];
  for (let slot = 0; slot < maxSubscribers; slot++) {
    const c = (block + subCountersOffset(maxPublishers, slot)) >> 3;
    const h = c + SUB_COUNTERS.latencyHistogram;
    const s = {
      slot,
      delivered: f64[c + SUB_COUNTERS.delivered]!,
      bytes: f64[c + SUB_COUNTERS.bytes]!,
      dropped: f64[c + SUB_COUNTERS.dropped]!,
      invalid: f64[c + SUB_COUNTERS.invalid]!,
      latencyHistogram: Array.from(f64.subarray(h, h + LATENCY_BUCKETS)),
    };
    if (s.delivered + s.dropped + s.invalid > 0) subscribers.push(s);
  }
  const sum = <T>(xs: readonly T[], f: (x: T) => number): number => xs.reduce((a, x) => a + f(x), 0);
  return {
    name,
    published: sum(publishers, (p) => p.published),
    bytes: sum(publishers, (p) => p.bytes),
    rejected: sum(publishers, (p) => p.rejected),
    delivered: sum(subscribers, (s) => s.delivered),
    dropped: sum(subscribers, (s) => s.dropped),
    invalid: sum(subscribers, (s) => s.invalid),
    publishers,
    subscribers,
  };
}
