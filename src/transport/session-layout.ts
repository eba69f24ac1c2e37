/**
 * Byte layout of the session segment: one small segment per session holding the topic table, the
 * doorbells of reading hosts, the instance table and the counters. Mirrors `bindings/RING_FORMAT.md`
 * (section "Session segment"); `test/transport/layout-spec.test.ts` holds the two together.
 *
 * ```
 *  0          128             TOPIC_TABLE        DOORBELLS          INSTANCES          COUNTERS
 *  +----------+---------------+------------------+------------------+------------------+---------------+
 *  | header   | session id,   | MAX_TOPICS x     | MAX_DOORBELLS x  | MAX_INSTANCES x  | MAX_TOPICS x  |
 *  | (const)  | id counters   | 256 B entries    | 128 B            | 256 B            | counter block |
 *  +----------+---------------+------------------+------------------+------------------+---------------+
 * ```
 *
 * Counters are float64 (exact up to 2^53), each written by one writer only (its publisher or
 * subscriber), read by anyone.
 *
 * @example
 *   const i32 = new Int32Array(sab);
 *   const topics = i32[SESSION_MAX_TOPICS_OFFSET >> 2];
 */
import { alignUp } from "./ring-layout.js";

/** "ETHS" read as a little-endian u32. */
export const SESSION_MAGIC = 0x53485445;
/** Layout version of session segments; bump on any change to this file. */
export const SESSION_VERSION = 4;

let at = 0;
const word = (): number => {
  const offset = at;
  at += 4;
  return offset;
};
/** u32: SESSION_MAGIC. */
export const SESSION_MAGIC_OFFSET = word();
/** u32: SESSION_VERSION. */
export const SESSION_VERSION_OFFSET = word();
/** u32: total length of the segment in bytes. */
export const SESSION_SEGMENT_LENGTH_OFFSET = word();
/** u32: entries in the topic table. */
export const SESSION_MAX_TOPICS_OFFSET = word();
/** u32: entries in the doorbell table. */
export const SESSION_MAX_DOORBELLS_OFFSET = word();
/** u32: entries in the instance table. */
export const SESSION_MAX_INSTANCES_OFFSET = word();
/** u32: publisher slots per topic (the counter blocks are sized for it). */
export const SESSION_MAX_PUBLISHERS_OFFSET = word();
/** u32: subscriber slots per topic. */
export const SESSION_MAX_SUBSCRIBERS_OFFSET = word();
/** u32: byte offset of the topic table. */
export const SESSION_TOPIC_TABLE_OFFSET = word();
/** u32: byte offset of the doorbell table. */
export const SESSION_DOORBELL_TABLE_OFFSET = word();
/** u32: byte offset of the instance table. */
export const SESSION_INSTANCE_TABLE_OFFSET = word();
/** u32: byte offset of the counters region. */
export const SESSION_COUNTERS_OFFSET = word();
/** u32: bytes of one topic's counter block. */
export const SESSION_COUNTER_BLOCK_LENGTH_OFFSET = word();
/** Bytes of the constant header. */
export const SESSION_HEADER_LENGTH = 128;

// ---- mutable session words (line at 128) ----
/** u32: next publisher id to hand out (atomic add). Ids start at 1. */
export const SESSION_NEXT_PUBLISHER_ID_OFFSET = 128;
/** u32: bytes of the session id that follow. */
export const SESSION_ID_LENGTH_OFFSET = 132;
/** Up to 60 bytes: the session id, UTF-8. */
export const SESSION_ID_OFFSET = 136;
/** Longest session id in bytes. */
export const SESSION_ID_MAX_LENGTH = 60;
/** u32: process id of the session's creator; a reaper removes the segments of a session whose creator is dead. */
export const SESSION_OWNER_PID_OFFSET = SESSION_ID_OFFSET + SESSION_ID_MAX_LENGTH;
/** Byte offset where the topic table starts. */
export const SESSION_TABLES_START = 256;

// ---- topic table entry ----
/** Bytes per topic table entry. */
export const TOPIC_ENTRY_LENGTH = 256;
/** u32: 0 free, 1 being created, 2 ready. */
export const TOPIC_ENTRY_STATE_OFFSET = 0;
/** u32: policy code (see POLICY_CODES). */
export const TOPIC_ENTRY_POLICY_OFFSET = 4;
/** u32: data region bytes. */
export const TOPIC_ENTRY_CAPACITY_OFFSET = 8;
/** u32: max payload bytes. */
export const TOPIC_ENTRY_MAX_FRAME_OFFSET = 12;
/** u32: bytes of the topic name. */
export const TOPIC_ENTRY_NAME_LENGTH_OFFSET = 16;
/** u32: bytes of the segment name (0 when the ring is a SharedArrayBuffer without a name). */
export const TOPIC_ENTRY_SEGMENT_NAME_LENGTH_OFFSET = 20;
/** Up to 128 bytes: the topic name, UTF-8. */
export const TOPIC_ENTRY_NAME_OFFSET = 24;
/** Longest topic name in bytes. */
export const TOPIC_NAME_MAX_LENGTH = 128;
/** Up to 96 bytes: the POSIX shared-memory name of the topic segment. */
export const TOPIC_ENTRY_SEGMENT_NAME_OFFSET = TOPIC_ENTRY_NAME_OFFSET + TOPIC_NAME_MAX_LENGTH;
/** Longest segment name in bytes. */
export const SEGMENT_NAME_MAX_LENGTH = 96;
/** Topic entry state: free. */
export const TOPIC_ENTRY_FREE = 0;
/** Topic entry state: being created. */
export const TOPIC_ENTRY_CREATING = 1;
/** Topic entry state: ready to attach. */
export const TOPIC_ENTRY_READY = 2;

// ---- doorbell (one per reading host) ----
/** Bytes per doorbell; each sits on its own line pair. */
export const DOORBELL_LENGTH = 128;
/** u32 futex word: bumped by every ring. */
export const DOORBELL_SEQ_OFFSET = 0;
/** u32: 1 while the host is parked. Only the host itself clears it. */
export const DOORBELL_PARKED_OFFSET = 4;
/** u32: 0 free, 1 taken. */
export const DOORBELL_STATE_OFFSET = 8;
/** u32: owner (process id, or 0 between threads). */
export const DOORBELL_OWNER_OFFSET = 12;
/** u32: 1 once a publisher rang during the current park; the sleeper resets it before each park. */
export const DOORBELL_RUNG_OFFSET = 16;

// ---- instance table entry (filled by the runtime) ----
/** Bytes per instance entry. */
export const INSTANCE_ENTRY_LENGTH = 256;
/** u32: lifecycle state code. */
export const INSTANCE_STATE_OFFSET = 0;
/** u32: process id of the host. */
export const INSTANCE_PID_OFFSET = 4;
/** u32: worker thread id of the host (0 for a process's main thread). */
export const INSTANCE_THREAD_OFFSET = 8;
/** u32: restarts so far. */
export const INSTANCE_RESTARTS_OFFSET = 12;
/** f64: last heartbeat, monotonic ns. */
export const INSTANCE_HEARTBEAT_OFFSET = 16;
/** u32: bytes of the instance name. */
export const INSTANCE_NAME_LENGTH_OFFSET = 24;
/** Up to 128 bytes: the instance name, UTF-8. */
export const INSTANCE_NAME_OFFSET = 32;
/** Longest instance name in bytes. */
export const INSTANCE_NAME_MAX_LENGTH = 128;
/** u32: 1 while one of the instance's handlers runs (the watchdog's view of a hung handler). */
export const INSTANCE_IN_HANDLER_OFFSET = 160;
/** u32: handler calls so far, modulo 2^32 (a watchdog sees a new call even when the flag never drops). */
export const INSTANCE_HANDLER_CALLS_OFFSET = 164;
/** Lifecycle state code of an instance whose host is being stopped (then 6, closed). */
export const INSTANCE_STATE_CLOSING = 5;

// ---- counters (float64), one block per topic ----
/** Counters of one publisher slot, in float64 units: published, bytes, rejected, blocked waits. */
export const PUB_COUNTERS = { published: 0, bytes: 1, rejected: 2, blocked: 3 } as const;
/**
 * float64 words per publisher slot: 4 counters, padded to 128 bytes so that publishers in different
 * threads never write to one cache line.
 */
export const PUB_COUNTER_WORDS = 16;
/** Buckets of the latency histogram: bucket i counts latencies in [2^i, 2^(i+1)) ns. */
export const LATENCY_BUCKETS = 32;
/** Counters of one subscriber slot, in float64 units; the latency histogram follows them. */
export const SUB_COUNTERS = { delivered: 0, bytes: 1, dropped: 2, invalid: 3, latencyHistogram: 4 } as const;
/** float64 words per subscriber slot: 4 counters and the histogram, padded to 384 bytes (whole 128-byte line pairs). */
export const SUB_COUNTER_WORDS = 48;

/** Where the tables of a session segment lie. */
export interface SessionGeometry {
  readonly topicTableOffset: number;
  readonly doorbellTableOffset: number;
  readonly instanceTableOffset: number;
  readonly countersOffset: number;
  readonly counterBlockLength: number;
  readonly segmentLength: number;
}

/** Computes the geometry of a session segment for the given table sizes. */
export function sessionGeometry(
  maxTopics: number,
  maxDoorbells: number,
  maxInstances: number,
  maxPublishers: number,
  maxSubscribers: number,
): SessionGeometry {
  const topicTableOffset = SESSION_TABLES_START;
  const doorbellTableOffset = alignUp(topicTableOffset + maxTopics * TOPIC_ENTRY_LENGTH, 128);
  const instanceTableOffset = alignUp(doorbellTableOffset + maxDoorbells * DOORBELL_LENGTH, 128);
  const countersOffset = alignUp(instanceTableOffset + maxInstances * INSTANCE_ENTRY_LENGTH, 128);
  const counterBlockLength = alignUp(
    (maxPublishers * PUB_COUNTER_WORDS + maxSubscribers * SUB_COUNTER_WORDS) * 8,
    128,
  );
  const segmentLength = countersOffset + maxTopics * counterBlockLength;
  return { topicTableOffset, doorbellTableOffset, instanceTableOffset, countersOffset, counterBlockLength, segmentLength };
}

/** Byte offset of a publisher slot's counters inside its topic's counter block. */
export function pubCountersOffset(slot: number): number {
  return slot * PUB_COUNTER_WORDS * 8;
}

/** Byte offset of a subscriber slot's counters inside its topic's counter block. */
export function subCountersOffset(maxPublishers: number, slot: number): number {
  return (maxPublishers * PUB_COUNTER_WORDS + slot * SUB_COUNTER_WORDS) * 8;
}
