/**
 * Byte layout of a topic segment: the ring of one topic. This file mirrors `bindings/RING_FORMAT.md`
 * (section "Topic segment"); `test/transport/layout-spec.test.ts` holds the two together.
 *
 * ```
 *  0        128       256        384        512                   SUB_TABLE          DATA
 *  +--------+---------+----------+----------+---------------------+------------------+----------------+
 *  | header | HEAD    | TAIL     | waiting  | publisher slots     | subscriber slots | ring data      |
 *  | (const)| (claim) |          | words    | MAX_PUB x 64 B      | MAX_SUB x 128 B  | CAPACITY bytes |
 *  |        | NEXT_SEQ| OLDEST   |          |                     |                  | (power of two) |
 *  +--------+---------+----------+----------+---------------------+------------------+----------------+
 * ```
 *
 * All integers are little-endian. Positions (HEAD, TAIL, OLDEST, cursors) are u32 byte counters that
 * wrap at 2^32; a position's offset in the data region is `position & (CAPACITY - 1)`. Words written by
 * publishers and words written by subscribers sit at least 128 bytes apart.
 *
 * @example
 *   const i32 = new Int32Array(sab);
 *   const tail = Atomics.load(i32, TOPIC_TAIL_OFFSET >> 2);
 */

/** "ETHT" read as a little-endian u32. */
export const TOPIC_MAGIC = 0x54485445;
/** Layout version of topic segments; bump on any change to this file. */
export const TOPIC_VERSION = 4;

/** Bytes per cache-line pair: producer and consumer words are separated by at least this much. */
export const LINE_PAIR = 128;

// ---- header (written once by the creator, read-only afterwards) ----
let at = 0;
const word = (): number => {
  const offset = at;
  at += 4;
  return offset;
};
/** u32: TOPIC_MAGIC. */
export const TOPIC_MAGIC_OFFSET = word();
/** u32: TOPIC_VERSION. */
export const TOPIC_VERSION_OFFSET = word();
/** u32: total length of the segment in bytes. */
export const TOPIC_SEGMENT_LENGTH_OFFSET = word();
/** u32: bytes in the data region, a power of two. */
export const TOPIC_CAPACITY_OFFSET = word();
/** u32: largest payload a frame may carry, in bytes. */
export const TOPIC_MAX_FRAME_OFFSET = word();
/** u32: 0 block, 1 drop-oldest, 2 reject. */
export const TOPIC_POLICY_OFFSET = word();
/** u32: number of publisher slots. */
export const TOPIC_MAX_PUBLISHERS_OFFSET = word();
/** u32: number of subscriber slots. */
export const TOPIC_MAX_SUBSCRIBERS_OFFSET = word();
/** u32: byte offset of the publisher table. */
export const TOPIC_PUB_TABLE_OFFSET = word();
/** u32: byte offset of the subscriber table. */
export const TOPIC_SUB_TABLE_OFFSET = word();
/** u32: byte offset of the data region. */
export const TOPIC_DATA_OFFSET = word();
/** u32: index of this topic in the session segment's topic table. */
export const TOPIC_INDEX_OFFSET = word();
/** u32: how long a `block` publisher waits for space before it raises an error, in ms. */
export const TOPIC_BLOCK_TIMEOUT_OFFSET = word();
/**
 * u32: this topic's ready stamp, random with the top bits 10: a publisher whose claim is
 * written while an earlier one is not yet committed stores it in its first header's SEQ_HI (with the
 * claim's start position in SEQ_LO) for the publisher holding TAIL to commit it (see "Commit").
 */
export const TOPIC_READY_STAMP_OFFSET = word();
/**
 * u32: how commits are fenced (see "Fences" in RING_FORMAT.md): FENCE_FULL, every commit is a
 * sequentially consistent store; FENCE_ASYMMETRIC_PROCESS / _MACHINE, a publisher holding EXCLUSIVE
 * commits with plain stores (x86-64 only) and a reader announcing a park issues the heavy barrier
 * (membarrier) over this process / every registered process.
 */
export const TOPIC_FENCE_OFFSET = word();
/** Bytes of the constant header. */
export const TOPIC_HEADER_LENGTH = LINE_PAIR;

// ---- producer words ----
/** u32 position: end of the last claimed record. Publishers advance it by compare-and-swap. */
export const TOPIC_HEAD_OFFSET = 1 * LINE_PAIR;
/**
 * u32: low word of the sequence number the next committed frame gets. On the publishers' line, not
 * TAIL's: a spinning reader keeps pulling TAIL's line, and every extra write there is another miss.
 */
export const TOPIC_NEXT_SEQ_LO_OFFSET = TOPIC_HEAD_OFFSET + 4;
/** u32: high word of the sequence number the next committed frame gets. */
export const TOPIC_NEXT_SEQ_HI_OFFSET = TOPIC_HEAD_OFFSET + 8;
/**
 * i32: the publisher slot claiming alone, as slot + 1 (it moves HEAD and TAIL with plain stores); 0
 * when publishers claim by compare-and-swap; negative (exclusiveRevoking()) while a joining publisher
 * waits for the lone one's claim in flight (see "Exclusive publisher" in RING_FORMAT.md).
 */
export const TOPIC_EXCLUSIVE_OFFSET = TOPIC_HEAD_OFFSET + 12;
/** u32 position: end of the last committed record. Advanced in claim order by the committing publisher. */
export const TOPIC_TAIL_OFFSET = 2 * LINE_PAIR;
/** u32 position (drop-oldest only): start of the oldest record not yet evicted. */
export const TOPIC_OLDEST_OFFSET = TOPIC_TAIL_OFFSET + 4;

// ---- waiting words (written by both sides, only on the slow path) ----
/** u32: number of subscriber slots whose host is parked. Publishers ring doorbells only when > 0. */
export const TOPIC_READERS_PARKED_OFFSET = 3 * LINE_PAIR;
/** u32: number of publishers parked waiting for space (policy block). */
export const TOPIC_WRITERS_WAITING_OFFSET = TOPIC_READERS_PARKED_OFFSET + 4;
/** u32 futex word: bumped by a subscriber that freed space while writers wait. */
export const TOPIC_SPACE_SEQ_OFFSET = TOPIC_READERS_PARKED_OFFSET + 8;
/** u32: subscribers detached because their process died. */
export const TOPIC_DETACHED_OFFSET = TOPIC_READERS_PARKED_OFFSET + 12;
/** u32: claims of dead publishers turned into padding so that commits could go on. */
export const TOPIC_RECOVERED_OFFSET = TOPIC_READERS_PARKED_OFFSET + 16;
/** u32: 1 once a reader rang SPACE_SEQ during the current writer park; a parking writer resets it. */
export const TOPIC_SPACE_RUNG_OFFSET = TOPIC_READERS_PARKED_OFFSET + 20;

/** Byte offset where the publisher table starts. */
export const TOPIC_TABLES_START = 4 * LINE_PAIR;

/** Int32 indices of the shared words, for Atomics on an Int32Array over the whole segment. */
export const HEAD_INDEX = TOPIC_HEAD_OFFSET >> 2;
/** Int32 index of TAIL. */
export const TAIL_INDEX = TOPIC_TAIL_OFFSET >> 2;
/** Int32 index of NEXT_SEQ (low word). */
export const NEXT_SEQ_LO_INDEX = TOPIC_NEXT_SEQ_LO_OFFSET >> 2;
/** Int32 index of NEXT_SEQ (high word). */
export const NEXT_SEQ_HI_INDEX = TOPIC_NEXT_SEQ_HI_OFFSET >> 2;
/** Int32 index of EXCLUSIVE. */
export const EXCLUSIVE_INDEX = TOPIC_EXCLUSIVE_OFFSET >> 2;
/** Most publisher slots a topic may have: EXCLUSIVE_REVOKING_UNIT - 1 (EXCLUSIVE's revoking values name two slots). */
export const MAX_PUBLISHER_SLOTS = 0x7fff;
/** EXCLUSIVE's revoking values: -((revoker slot + 1) × this + lone slot + 1), see exclusiveRevoking(). */
export const EXCLUSIVE_REVOKING_UNIT = 0x10000;

/**
 * EXCLUSIVE while the publisher in slot `revoker` takes the exclusivity of the lone publisher in slot
 * `lone` away: a negative value naming both, so that if the revoker dies meanwhile another joiner can
 * see it is gone and finish the revocation in its place.
 */
export function exclusiveRevoking(revoker: number, lone: number): number {
  return -((revoker + 1) * EXCLUSIVE_REVOKING_UNIT + lone + 1);
}

/** The revoker and lone slots of a revoking EXCLUSIVE value (negative; see exclusiveRevoking()). */
export function revokingSlots(value: number): { revoker: number; lone: number } {
  const v = -value;
  return { revoker: Math.floor(v / EXCLUSIVE_REVOKING_UNIT) - 1, lone: (v % EXCLUSIVE_REVOKING_UNIT) - 1 };
}
/** TOPIC_FENCE: every commit is a sequentially consistent store (any platform, no addon needed). */
export const FENCE_FULL = 0;
/** TOPIC_FENCE: a lone publisher commits with plain stores; parking readers fence this process's threads (threads transport). */
export const FENCE_ASYMMETRIC_PROCESS = 1;
/** TOPIC_FENCE: the same across processes: parking readers fence every registered process (shm transport). */
export const FENCE_ASYMMETRIC_MACHINE = 2;
/** Int32 index of OLDEST. */
export const OLDEST_INDEX = TOPIC_OLDEST_OFFSET >> 2;
/** Int32 index of READERS_PARKED. */
export const READERS_PARKED_INDEX = TOPIC_READERS_PARKED_OFFSET >> 2;
/** Int32 index of WRITERS_WAITING. */
export const WRITERS_WAITING_INDEX = TOPIC_WRITERS_WAITING_OFFSET >> 2;
/** Int32 index of SPACE_SEQ. */
export const SPACE_SEQ_INDEX = TOPIC_SPACE_SEQ_OFFSET >> 2;
/** Int32 index of DETACHED. */
export const DETACHED_INDEX = TOPIC_DETACHED_OFFSET >> 2;
/** Int32 index of RECOVERED. */
export const RECOVERED_INDEX = TOPIC_RECOVERED_OFFSET >> 2;
/** Int32 index of SPACE_RUNG. */
export const SPACE_RUNG_INDEX = TOPIC_SPACE_RUNG_OFFSET >> 2;

// ---- publisher slot (one per publisher) ----
/** Bytes per publisher slot: a whole 128-byte line pair, since each publisher writes its claim intent on every frame. */
export const PUB_SLOT_LENGTH = 128;
/** u32: slot state, see SLOT_FREE / SLOT_ACTIVE / SLOT_DEAD. */
export const PUB_STATE_OFFSET = 0;
/** u32: publisher id written into every frame it publishes. */
export const PUB_ID_OFFSET = 4;
/** u32: owner (process id, or 0 between threads). */
export const PUB_OWNER_OFFSET = 8;
/** u32 position: start of the claim this publisher is making or made last (written before its CAS on HEAD). */
export const PUB_CLAIM_START_OFFSET = 12;
/** u32 position: end of that claim. */
export const PUB_CLAIM_END_OFFSET = 16;
/**
 * u32 position: end of the claim a lone publisher is committing with a plain TAIL store (written
 * before it looks at EXCLUSIVE once more), so that a joiner knows to wait for that store.
 */
export const PUB_COMMITTING_OFFSET = 20;

// ---- subscriber slot (one per subscriber, each on its own line pair) ----
/** Bytes per subscriber slot. */
export const SUB_SLOT_LENGTH = LINE_PAIR;
/** u32 position: the next record this subscriber reads; the record at the cursor is protected. */
export const SUB_CURSOR_OFFSET = 0;
/** u32: slot state, see SLOT_FREE / SLOT_ACTIVE / SLOT_DEAD. */
export const SUB_STATE_OFFSET = 4;
/** u32: index of the reading host's doorbell in the session segment, or NO_DOORBELL. */
export const SUB_DOORBELL_OFFSET = 8;
/** u32: owner (process id, or 0 between threads). */
export const SUB_OWNER_OFFSET = 12;
/** u32: drop-oldest only: low word of the sequence number the subscriber expects next, stored with its cursor. */
export const SUB_NEXT_SEQ_LO_OFFSET = 16;
/** u32: high word of that sequence number. */
export const SUB_NEXT_SEQ_HI_OFFSET = 20;

/** Slot state: free to take. */
export const SLOT_FREE = 0;
/** Slot state: in use. */
export const SLOT_ACTIVE = 1;
/** Slot state: its owner died; detached and counted. */
export const SLOT_DEAD = 2;
/** SUB_DOORBELL value of a subscriber that nobody wakes (it spins or polls). */
export const NO_DOORBELL = 0xffffffff;

// ---- frame record (in the data region, 8-byte aligned, never straddling the end) ----
/** u32: payload length in bytes (a padding record: bytes of padding after the header). */
export const FRAME_LENGTH_OFFSET = 0;
/** u32: flags, see FRAME_FLAG_PADDING. */
export const FRAME_FLAGS_OFFSET = 4;
/** u32: low word of the frame's sequence number. */
export const FRAME_SEQ_LO_OFFSET = 8;
/** u32: high word of the frame's sequence number. */
export const FRAME_SEQ_HI_OFFSET = 12;
/** u32: low word of the monotonic publish time in ns. */
export const FRAME_TIME_LO_OFFSET = 16;
/** u32: high word of the monotonic publish time in ns. */
export const FRAME_TIME_HI_OFFSET = 20;
/** u32: id of the publisher that wrote the frame. */
export const FRAME_PUBLISHER_OFFSET = 24;
/** u32: schema id of the payload (0 raw bytes, 1 dict, …). */
export const FRAME_SCHEMA_OFFSET = 28;
/** Bytes of a frame record header; the payload follows it. */
export const FRAME_HEADER_LENGTH = 32;
/** Records start and end on multiples of this. */
export const FRAME_ALIGNMENT = 8;
/** Flag: the record is padding up to the end of the ring; readers skip it. */
export const FRAME_FLAG_PADDING = 1;
/**
 * SEQ_HI of a ready claim's first header once it was taken to be published: `0xC0000000 | (slot + 1)`
 * for the publisher in that slot, `0xC0000000` for a taker with no slot (a recovering reader or
 * supervisor). Ready stamps have the top bits 10, taken marks 11, sequence numbers 0.
 */
export function takenMark(publisherSlot: number): number {
  return (0xc0000000 | (publisherSlot + 1)) | 0;
}
/** The taken mark of a taker with no publisher slot. */
export const TAKEN_BY_NONE = 0xc0000000 | 0;
/** Whether a SEQ_HI word is a taken mark. */
export function isTakenMark(word: number): boolean {
  return word >>> 30 === 3;
}

/** Policy codes stored in TOPIC_POLICY. */
export const POLICY_CODES = { block: 0, "drop-oldest": 1, reject: 2 } as const;

/** Largest data region a topic may have (positions must differ by less than 2^31). */
export const MAX_CAPACITY = 1 << 30;

/** Bytes of a whole record carrying `payload` bytes. */
export function recordLength(payload: number): number {
  return (FRAME_HEADER_LENGTH + payload + FRAME_ALIGNMENT - 1) & ~(FRAME_ALIGNMENT - 1);
}

/** Where the tables and data region of a topic segment lie, for the given slot counts and capacity. */
export interface TopicGeometry {
  readonly pubTableOffset: number;
  readonly subTableOffset: number;
  readonly dataOffset: number;
  readonly segmentLength: number;
}

/** Computes a topic segment's geometry; the data region starts on a 4 KiB page boundary. */
export function topicGeometry(maxPublishers: number, maxSubscribers: number, capacity: number): TopicGeometry {
  const pubTableOffset = TOPIC_TABLES_START;
  const subTableOffset = alignUp(pubTableOffset + maxPublishers * PUB_SLOT_LENGTH, LINE_PAIR);
  const dataOffset = alignUp(subTableOffset + maxSubscribers * SUB_SLOT_LENGTH, 4096);
  return { pubTableOffset, subTableOffset, dataOffset, segmentLength: dataOffset + capacity };
}

/** Rounds `value` up to a multiple of `alignment` (a power of two). */
export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}
