/**
 * A topic segment (one ring) attached together with its session segment: the views and precomputed
 * indices that publishers and subscribers share. Setup code only; the per-frame code lives in
 * publisher.ts and subscriber.ts.
 *
 * @example
 *   const sab = new SharedArrayBuffer(topicSegmentLength(opts));
 *   formatTopicSegment(sab, index, opts);
 *   const ring = TopicSegment.attach(sab, session, "camera", threadWaitOps);
 */
import { randomInt } from "node:crypto";
import { errors } from "../errors.js";
import { checkSegment } from "./segment-check.js";
import type { SessionSegment } from "./session-segment.js";
import type { WaitOps } from "./wait-ops.js";
import {
  FRAME_HEADER_LENGTH,
  MAX_CAPACITY,
  POLICY_CODES,
  TOPIC_BLOCK_TIMEOUT_OFFSET,
  TOPIC_READY_STAMP_OFFSET,
  TOPIC_FENCE_OFFSET,
  FENCE_ASYMMETRIC_MACHINE,
  TOPIC_CAPACITY_OFFSET,
  TOPIC_DATA_OFFSET,
  TOPIC_INDEX_OFFSET,
  TOPIC_MAGIC,
  TOPIC_MAGIC_OFFSET,
  TOPIC_MAX_FRAME_OFFSET,
  TOPIC_MAX_PUBLISHERS_OFFSET,
  TOPIC_MAX_SUBSCRIBERS_OFFSET,
  TOPIC_POLICY_OFFSET,
  TOPIC_PUB_TABLE_OFFSET,
  TOPIC_SEGMENT_LENGTH_OFFSET,
  TOPIC_SUB_TABLE_OFFSET,
  TOPIC_TABLES_START,
  TOPIC_VERSION,
  TOPIC_VERSION_OFFSET,
  recordLength,
  topicGeometry,
} from "./ring-layout.js";

/** A topic's delivery policy. */
export type Policy = keyof typeof POLICY_CODES;

/** What a topic is created with, fully defaulted. */
export interface TopicConfig {
  /** Bytes in the ring's data region; a power of two (TopicOptions rounds up). */
  readonly capacity: number;
  /** Largest payload in bytes. */
  readonly maxFrame: number;
  readonly policy: Policy;
  readonly maxPublishers: number;
  readonly maxSubscribers: number;
  /**
   * How long a `block` publisher waits for space before raising ERR_ETHER_PUBLISH_TIMEOUT, and a
   * joining subscriber for a moment with no claim in flight (at least 1 s) before ERR_ETHER_JOIN_TIMEOUT.
   */
  readonly blockTimeoutMs: number;
}

/** What a caller may say when creating a topic. */
export interface TopicOptions {
  /** Bytes in the ring (rounded up to a power of two; at least twice the largest record). Default 1 MiB. */
  capacity?: number;
  /** Largest payload in bytes. Default: a quarter of the capacity. */
  maxFrame?: number;
  /** Default "block". */
  policy?: Policy;
  /** How long a `block` publisher waits for a slow subscriber (and a joining subscriber for claims in flight) before an error. Default 10 000 ms. */
  blockTimeoutMs?: number;
}

const OPTION_NAMES = ["capacity", "maxFrame", "policy", "blockTimeoutMs"];

/** Validates options once at the boundary and returns the fully defaulted config. */
export function resolveTopicConfig(
  topic: string,
  options: TopicOptions,
  maxPublishers: number,
  maxSubscribers: number,
): TopicConfig {
  const where = `topic "${topic}"`;
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) throw errors.invalidOption(where, key, `is unknown; known options: ${OPTION_NAMES.join(", ")}`);
  }
  const requested = options.capacity ?? 1 << 20;
  if (!Number.isInteger(requested) || requested <= 0 || requested > MAX_CAPACITY) {
    throw errors.invalidOption(where, "capacity", `must be a whole number of bytes from 1 to ${MAX_CAPACITY}, got ${requested}`);
  }
  const capacity = Math.max(4096, 2 ** Math.ceil(Math.log2(requested)));
  const maxFrame = options.maxFrame ?? capacity / 4 - FRAME_HEADER_LENGTH;
  if (!Number.isInteger(maxFrame) || maxFrame < 0) throw errors.invalidOption(where, "maxFrame", `must be a whole number of bytes, got ${maxFrame}`);
  if (2 * recordLength(maxFrame) > capacity) {
    throw errors.invalidOption(
      where,
      "maxFrame",
      `${maxFrame} needs a capacity of at least ${2 * recordLength(maxFrame)} bytes (two records), but capacity is ${capacity}`,
    );
  }
  const policy = options.policy ?? "block";
  if (!(policy in POLICY_CODES)) throw errors.invalidOption(where, "policy", `must be one of ${Object.keys(POLICY_CODES).join(", ")}, got "${policy}"`);
  const blockTimeoutMs = options.blockTimeoutMs ?? 10_000;
  if (!(blockTimeoutMs >= 0 && blockTimeoutMs <= 0x7fffffff)) throw errors.invalidOption(where, "blockTimeoutMs", `must be ≥ 0, got ${blockTimeoutMs}`);
  return { capacity, maxFrame, policy, maxPublishers, maxSubscribers, blockTimeoutMs };
}

/** Bytes a topic segment with this config needs. */
export function topicSegmentLength(config: TopicConfig): number {
  return topicGeometry(config.maxPublishers, config.maxSubscribers, config.capacity).segmentLength;
}

/** Formats a fresh, zeroed topic segment; `fence` is its TOPIC_FENCE (fence.ts: fenceModeFor). */
export function formatTopicSegment(sab: SharedArrayBuffer, index: number, config: TopicConfig, fence: number): void {
  const g = topicGeometry(config.maxPublishers, config.maxSubscribers, config.capacity);
  if (sab.byteLength < g.segmentLength) throw errors.segmentTooSmall("topic segment", sab.byteLength, g.segmentLength);
  const i32 = new Int32Array(sab, 0, TOPIC_TABLES_START >> 2);
  const set = (offset: number, value: number): void => {
    i32[offset >> 2] = value;
  };
  set(TOPIC_SEGMENT_LENGTH_OFFSET, g.segmentLength);
  set(TOPIC_CAPACITY_OFFSET, config.capacity);
  set(TOPIC_MAX_FRAME_OFFSET, config.maxFrame);
  set(TOPIC_POLICY_OFFSET, POLICY_CODES[config.policy]);
  set(TOPIC_MAX_PUBLISHERS_OFFSET, config.maxPublishers);
  set(TOPIC_MAX_SUBSCRIBERS_OFFSET, config.maxSubscribers);
  set(TOPIC_PUB_TABLE_OFFSET, g.pubTableOffset);
  set(TOPIC_SUB_TABLE_OFFSET, g.subTableOffset);
  set(TOPIC_DATA_OFFSET, g.dataOffset);
  set(TOPIC_INDEX_OFFSET, index);
  set(TOPIC_BLOCK_TIMEOUT_OFFSET, config.blockTimeoutMs);
  set(TOPIC_READY_STAMP_OFFSET, (randomInt(0x40000000) | 0x80000000) | 0); // top bits 10 (see takenMark)
  set(TOPIC_FENCE_OFFSET, fence);
  set(TOPIC_VERSION_OFFSET, TOPIC_VERSION);
  Atomics.store(i32, TOPIC_MAGIC_OFFSET >> 2, TOPIC_MAGIC); // SYNC magic
}

const POLICY_NAMES = Object.keys(POLICY_CODES) as Policy[];

/** Views over an attached topic segment and its session segment, with the header read once. */
export class TopicSegment {
  readonly name: string;
  readonly sab: SharedArrayBuffer;
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  readonly session: SessionSegment;
  readonly waitOps: WaitOps;
  readonly index: number;
  readonly capacity: number;
  readonly mask: number;
  readonly maxFrame: number;
  readonly policy: Policy;
  readonly policyCode: number;
  readonly maxPublishers: number;
  readonly maxSubscribers: number;
  readonly pubTableOffset: number;
  readonly subTableOffset: number;
  readonly dataOffset: number;
  readonly blockTimeoutMs: number;
  /** The topic's ready stamp (TOPIC_READY_STAMP): marks a written claim waiting to be committed. */
  readonly readyStamp: number;
  /** Byte offset of this topic's counter block in the session segment. */
  readonly countersOffset: number;
  /** TOPIC_FENCE: whether a lone publisher commits with plain stores, and which barrier parking readers issue. */
  readonly fence: number;

  private constructor(sab: SharedArrayBuffer, session: SessionSegment, name: string, waitOps: WaitOps) {
    this.name = name;
    this.sab = sab;
    this.i32 = new Int32Array(sab);
    this.u8 = new Uint8Array(sab);
    this.session = session;
    this.waitOps = waitOps;
    const w = (offset: number): number => this.i32[offset >> 2]!;
    this.index = w(TOPIC_INDEX_OFFSET);
    this.capacity = w(TOPIC_CAPACITY_OFFSET);
    this.mask = this.capacity - 1;
    this.maxFrame = w(TOPIC_MAX_FRAME_OFFSET);
    this.policyCode = w(TOPIC_POLICY_OFFSET);
    this.policy = POLICY_NAMES[this.policyCode]!;
    this.maxPublishers = w(TOPIC_MAX_PUBLISHERS_OFFSET);
    this.maxSubscribers = w(TOPIC_MAX_SUBSCRIBERS_OFFSET);
    this.pubTableOffset = w(TOPIC_PUB_TABLE_OFFSET);
    this.subTableOffset = w(TOPIC_SUB_TABLE_OFFSET);
    this.dataOffset = w(TOPIC_DATA_OFFSET);
    this.blockTimeoutMs = w(TOPIC_BLOCK_TIMEOUT_OFFSET);
    this.readyStamp = w(TOPIC_READY_STAMP_OFFSET);
    this.fence = w(TOPIC_FENCE_OFFSET);
    this.countersOffset = session.counterBlockOffset(this.index);
  }

  /** Validates the segment (length, magic, version, geometry) and returns its views. */
  static attach(sab: SharedArrayBuffer, session: SessionSegment, name: string, waitOps: WaitOps): TopicSegment {
    checkSegment(sab, {
      what: `topic segment of "${name}"`,
      magic: TOPIC_MAGIC,
      version: TOPIC_VERSION,
      headerLength: TOPIC_TABLES_START,
      lengthOffset: TOPIC_SEGMENT_LENGTH_OFFSET,
    });
    const seg = new TopicSegment(sab, session, name, waitOps);
    const g = topicGeometry(seg.maxPublishers, seg.maxSubscribers, seg.capacity);
    const valid =
      seg.capacity >= 4096 &&
      (seg.capacity & seg.mask) === 0 &&
      seg.capacity <= MAX_CAPACITY &&
      seg.policy !== undefined &&
      seg.dataOffset === g.dataOffset &&
      seg.subTableOffset === g.subTableOffset &&
      g.segmentLength <= sab.byteLength &&
      2 * recordLength(seg.maxFrame) <= seg.capacity &&
      seg.maxPublishers <= session.limits.maxPublishers &&
      seg.maxSubscribers <= session.limits.maxSubscribers &&
      seg.readyStamp >>> 30 === 2 &&
      seg.fence >= 0 &&
      seg.fence <= FENCE_ASYMMETRIC_MACHINE;
    if (!valid) throw errors.layout(`topic segment of "${name}"`, "header fields are inconsistent (corrupted or foreign segment)");
    return seg;
  }
}
