/**
 * Defaults of a session config, and the topic geometry rules the ring applies (capacity rounded up to
 * a power of two, at least 4 KiB; a ring holds at least two frames), so that the config states what
 * the ring will be and rejects what it could not be.
 *
 * @example
 *   topicSettings(config, "data");   // the configured settings, or the defaults for "data"
 */
import { FRAME_HEADER_LENGTH, recordLength } from "../../transport/ring-layout.js";
import type { SessionConfig, SessionSettings, TopicSettings } from "./types.js";

/** `session:` when not given. */
export const kDefaultSession: SessionSettings = Object.freeze({ wait: "hybrid", logLevel: "info", blockTimeoutMs: 10_000, startTimeoutMs: 30_000 });

/** Ring capacity of a topic the config does not size: 1 MiB. */
export const kDefaultTopicCapacity = 1 << 20;

/** Smallest ring the transport builds. */
export const kMinTopicCapacity = 4096;

/** The capacity a ring is built with when `requested` bytes are asked for. */
export function ringCapacity(requested: number): number {
  return Math.max(kMinTopicCapacity, 2 ** Math.ceil(Math.log2(requested)));
}

/** The default max frame of a ring: a quarter of it, less a frame header. */
export function defaultMaxFrame(capacity: number): number {
  return capacity / 4 - FRAME_HEADER_LENGTH;
}

/** The largest payload a ring of `capacity` bytes can take (two records must fit). */
export function largestMaxFrame(capacity: number): number {
  return capacity / 2 - FRAME_HEADER_LENGTH;
}

/** The smallest ring that takes frames of `maxFrame` bytes. */
export function capacityFor(maxFrame: number): number {
  return ringCapacity(2 * recordLength(maxFrame));
}

/** Settings of a topic the config does not mention. */
export function defaultTopicSettings(name: string): TopicSettings {
  return Object.freeze({ name, capacity: kDefaultTopicCapacity, maxFrame: defaultMaxFrame(kDefaultTopicCapacity), policy: "block", lanes: true });
}

/** The settings of `topic`: as configured under `topics:`, else the defaults. */
export function topicSettings(config: SessionConfig, topic: string): TopicSettings {
  return Object.hasOwn(config.topics, topic) ? config.topics[topic]! : defaultTopicSettings(topic);
}
