/**
 * The session segment: the topic table, doorbells, instance table and counters of one session.
 * This class is setup code (create, attach, look up, allocate); nothing here runs per frame.
 *
 * @example
 *   const seg = SessionSegment.create(new SharedArrayBuffer(SessionSegment.lengthFor(opts)), "s1", opts);
 *   const again = SessionSegment.attach(seg.sab); // in another thread
 */
import { errors } from "../errors.js";
import { checkSegment, readName, writeName } from "./segment-check.js";
import { MAX_PUBLISHER_SLOTS } from "./ring-layout.js";
import {
  DOORBELL_LENGTH,
  DOORBELL_PARKED_OFFSET,
  DOORBELL_STATE_OFFSET,
  DOORBELL_OWNER_OFFSET,
  SESSION_COUNTERS_OFFSET,
  SESSION_COUNTER_BLOCK_LENGTH_OFFSET,
  SESSION_DOORBELL_TABLE_OFFSET,
  SESSION_HEADER_LENGTH,
  SESSION_ID_LENGTH_OFFSET,
  SESSION_ID_MAX_LENGTH,
  SESSION_ID_OFFSET,
  SESSION_INSTANCE_TABLE_OFFSET,
  SESSION_MAGIC,
  SESSION_MAGIC_OFFSET,
  SESSION_MAX_DOORBELLS_OFFSET,
  SESSION_MAX_INSTANCES_OFFSET,
  SESSION_MAX_PUBLISHERS_OFFSET,
  SESSION_MAX_SUBSCRIBERS_OFFSET,
  SESSION_MAX_TOPICS_OFFSET,
  SESSION_NEXT_PUBLISHER_ID_OFFSET,
  SESSION_OWNER_PID_OFFSET,
  SESSION_SEGMENT_LENGTH_OFFSET,
  SESSION_TOPIC_TABLE_OFFSET,
  SESSION_VERSION,
  SESSION_VERSION_OFFSET,
  SEGMENT_NAME_MAX_LENGTH,
  TOPIC_ENTRY_CAPACITY_OFFSET,
  TOPIC_ENTRY_CREATING,
  TOPIC_ENTRY_FREE,
  TOPIC_ENTRY_LENGTH,
  TOPIC_ENTRY_MAX_FRAME_OFFSET,
  TOPIC_ENTRY_NAME_LENGTH_OFFSET,
  TOPIC_ENTRY_NAME_OFFSET,
  TOPIC_ENTRY_POLICY_OFFSET,
  TOPIC_ENTRY_READY,
  TOPIC_ENTRY_SEGMENT_NAME_LENGTH_OFFSET,
  TOPIC_ENTRY_SEGMENT_NAME_OFFSET,
  TOPIC_ENTRY_STATE_OFFSET,
  TOPIC_NAME_MAX_LENGTH,
  sessionGeometry,
} from "./session-layout.js";

/** Sizes of a session segment's tables. */
export interface SessionLimits {
  /** Topic table entries (default 64). */
  readonly maxTopics: number;
  /** Doorbells, one per reading host or standalone parked subscriber (default 256). */
  readonly maxDoorbells: number;
  /** Instance table entries (default 256). */
  readonly maxInstances: number;
  /** Publisher slots per topic (default 8). */
  readonly maxPublishers: number;
  /** Subscriber slots per topic (default 16). */
  readonly maxSubscribers: number;
}

/** The defaults of SessionLimits. */
export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  maxTopics: 64,
  maxDoorbells: 256,
  maxInstances: 256,
  maxPublishers: 8,
  maxSubscribers: 16,
};

/** A topic as the session's topic table records it. */
export interface TopicEntry {
  readonly index: number;
  readonly name: string;
  readonly policy: number;
  readonly capacity: number;
  readonly maxFrame: number;
  readonly segmentName: string;
}

const SIGNATURE = {
  what: "session segment",
  magic: SESSION_MAGIC,
  version: SESSION_VERSION,
  headerLength: SESSION_HEADER_LENGTH + 128,
  lengthOffset: SESSION_SEGMENT_LENGTH_OFFSET,
};

/** Typed views over a session segment, plus the setup operations on its tables. */
export class SessionSegment {
  readonly sab: SharedArrayBuffer;
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  readonly f64: Float64Array;
  readonly limits: SessionLimits;
  readonly sessionId: string;
  readonly topicTableOffset: number;
  readonly doorbellTableOffset: number;
  readonly instanceTableOffset: number;
  readonly countersOffset: number;
  readonly counterBlockLength: number;

  private constructor(sab: SharedArrayBuffer) {
    this.sab = sab;
    this.i32 = new Int32Array(sab);
    this.u8 = new Uint8Array(sab);
    this.f64 = new Float64Array(sab, 0, sab.byteLength >> 3);
    const w = (offset: number): number => this.i32[offset >> 2]!;
    this.limits = {
      maxTopics: w(SESSION_MAX_TOPICS_OFFSET),
      maxDoorbells: w(SESSION_MAX_DOORBELLS_OFFSET),
      maxInstances: w(SESSION_MAX_INSTANCES_OFFSET),
      maxPublishers: w(SESSION_MAX_PUBLISHERS_OFFSET),
      maxSubscribers: w(SESSION_MAX_SUBSCRIBERS_OFFSET),
    };
    this.topicTableOffset = w(SESSION_TOPIC_TABLE_OFFSET);
    this.doorbellTableOffset = w(SESSION_DOORBELL_TABLE_OFFSET);
    this.instanceTableOffset = w(SESSION_INSTANCE_TABLE_OFFSET);
    this.countersOffset = w(SESSION_COUNTERS_OFFSET);
    this.counterBlockLength = w(SESSION_COUNTER_BLOCK_LENGTH_OFFSET);
    this.sessionId = readName(this.u8, SESSION_ID_LENGTH_OFFSET, SESSION_ID_OFFSET, SESSION_ID_MAX_LENGTH);
  }

  /** Bytes a session segment with these limits needs. */
  static lengthFor(limits: SessionLimits): number {
    const l = limits;
    return sessionGeometry(l.maxTopics, l.maxDoorbells, l.maxInstances, l.maxPublishers, l.maxSubscribers).segmentLength;
  }

  /** Formats a fresh, zeroed segment (its length must be at least lengthFor(limits)) and returns a view of it. */
  static create(sab: SharedArrayBuffer, sessionId: string, limits: SessionLimits, ownerPid = 0): SessionSegment {
    if (!(Number.isInteger(limits.maxPublishers) && limits.maxPublishers >= 1 && limits.maxPublishers <= MAX_PUBLISHER_SLOTS)) {
      throw errors.invalidOption(`session ${sessionId}`, "max_publishers", `must be a whole number from 1 to ${MAX_PUBLISHER_SLOTS}, got ${limits.maxPublishers}`);
    }
    const g = sessionGeometry(limits.maxTopics, limits.maxDoorbells, limits.maxInstances, limits.maxPublishers, limits.maxSubscribers);
    if (sab.byteLength < g.segmentLength) throw errors.segmentTooSmall("session segment", sab.byteLength, g.segmentLength);
    const i32 = new Int32Array(sab);
    const set = (offset: number, value: number): void => {
      i32[offset >> 2] = value;
    };
    set(SESSION_SEGMENT_LENGTH_OFFSET, g.segmentLength);
    set(SESSION_MAX_TOPICS_OFFSET, limits.maxTopics);
    set(SESSION_MAX_DOORBELLS_OFFSET, limits.maxDoorbells);
    set(SESSION_MAX_INSTANCES_OFFSET, limits.maxInstances);
    set(SESSION_MAX_PUBLISHERS_OFFSET, limits.maxPublishers);
    set(SESSION_MAX_SUBSCRIBERS_OFFSET, limits.maxSubscribers);
    set(SESSION_TOPIC_TABLE_OFFSET, g.topicTableOffset);
    set(SESSION_DOORBELL_TABLE_OFFSET, g.doorbellTableOffset);
    set(SESSION_INSTANCE_TABLE_OFFSET, g.instanceTableOffset);
    set(SESSION_COUNTERS_OFFSET, g.countersOffset);
    set(SESSION_COUNTER_BLOCK_LENGTH_OFFSET, g.counterBlockLength);
    set(SESSION_NEXT_PUBLISHER_ID_OFFSET, 1);
    set(SESSION_OWNER_PID_OFFSET, ownerPid);
    writeName(new Uint8Array(sab), SESSION_ID_LENGTH_OFFSET, SESSION_ID_OFFSET, SESSION_ID_MAX_LENGTH, sessionId, "session");
    set(SESSION_VERSION_OFFSET, SESSION_VERSION);
    // SYNC magic: the magic is written last, so an attacher that sees it sees a formatted header.
    Atomics.store(i32, SESSION_MAGIC_OFFSET >> 2, SESSION_MAGIC);
    return new SessionSegment(sab);
  }

  /** Validates a segment made by create() (length, magic, version) and returns a view of it. */
  static attach(sab: SharedArrayBuffer): SessionSegment {
    checkSegment(sab, SIGNATURE);
    return new SessionSegment(sab);
  }

  /** Process id of the session's creator (0 between threads). */
  get ownerPid(): number {
    return this.i32[SESSION_OWNER_PID_OFFSET >> 2]!;
  }

  /** Claims a topic table entry and records the topic in it; returns the entry's index. */
  addTopic(name: string, policy: number, capacity: number, maxFrame: number, segmentName: string): number {
    if (this.findTopic(name) !== undefined) throw errors.invalidOption("session " + this.sessionId, "topic", `"${name}" already exists`);
    for (let index = 0; index < this.limits.maxTopics; index++) {
      const base = this.topicTableOffset + index * TOPIC_ENTRY_LENGTH;
      const state = (base + TOPIC_ENTRY_STATE_OFFSET) >> 2;
      if (Atomics.compareExchange(this.i32, state, TOPIC_ENTRY_FREE, TOPIC_ENTRY_CREATING) !== TOPIC_ENTRY_FREE) continue;
      this.i32[(base + TOPIC_ENTRY_POLICY_OFFSET) >> 2] = policy;
      this.i32[(base + TOPIC_ENTRY_CAPACITY_OFFSET) >> 2] = capacity;
      this.i32[(base + TOPIC_ENTRY_MAX_FRAME_OFFSET) >> 2] = maxFrame;
      writeName(this.u8, base + TOPIC_ENTRY_NAME_LENGTH_OFFSET, base + TOPIC_ENTRY_NAME_OFFSET, TOPIC_NAME_MAX_LENGTH, name, "topic");
      writeName(
        this.u8,
        base + TOPIC_ENTRY_SEGMENT_NAME_LENGTH_OFFSET,
        base + TOPIC_ENTRY_SEGMENT_NAME_OFFSET,
        SEGMENT_NAME_MAX_LENGTH,
        segmentName,
        "segment",
      );
      this.clearCounters(index);
      Atomics.store(this.i32, state, TOPIC_ENTRY_READY); // SYNC topic-entry
      return index;
    }
    throw errors.invalidOption("session " + this.sessionId, "max_topics", `is ${this.limits.maxTopics} and every entry is taken`);
  }

  /** The ready topics, in table order. */
  topics(): TopicEntry[] {
    const out: TopicEntry[] = [];
    for (let index = 0; index < this.limits.maxTopics; index++) {
      const entry = this.topicAt(index);
      if (entry !== undefined) out.push(entry);
    }
    return out;
  }

  /** The topic entry at `index`, or undefined when the entry is not ready. */
  topicAt(index: number): TopicEntry | undefined {
    const base = this.topicTableOffset + index * TOPIC_ENTRY_LENGTH;
    if (Atomics.load(this.i32, (base + TOPIC_ENTRY_STATE_OFFSET) >> 2) !== TOPIC_ENTRY_READY) return undefined; // SYNC topic-entry
    return {
      index,
      name: readName(this.u8, base + TOPIC_ENTRY_NAME_LENGTH_OFFSET, base + TOPIC_ENTRY_NAME_OFFSET, TOPIC_NAME_MAX_LENGTH),
      policy: this.i32[(base + TOPIC_ENTRY_POLICY_OFFSET) >> 2]!,
      capacity: this.i32[(base + TOPIC_ENTRY_CAPACITY_OFFSET) >> 2]!,
      maxFrame: this.i32[(base + TOPIC_ENTRY_MAX_FRAME_OFFSET) >> 2]!,
      segmentName: readName(
        this.u8,
        base + TOPIC_ENTRY_SEGMENT_NAME_LENGTH_OFFSET,
        base + TOPIC_ENTRY_SEGMENT_NAME_OFFSET,
        SEGMENT_NAME_MAX_LENGTH,
      ),
    };
  }

  /** The ready topic called `name`, or undefined. */
  findTopic(name: string): TopicEntry | undefined {
    return this.topics().find((t) => t.name === name);
  }

  /** Byte offset of topic `index`'s counter block. */
  counterBlockOffset(index: number): number {
    return this.countersOffset + index * this.counterBlockLength;
  }

  /** Hands out a session-wide publisher id (ids start at 1). */
  nextPublisherId(): number {
    return Atomics.add(this.i32, SESSION_NEXT_PUBLISHER_ID_OFFSET >> 2, 1);
  }

  /** Claims a free doorbell; returns its index. */
  claimDoorbell(owner: number): number {
    for (let index = 0; index < this.limits.maxDoorbells; index++) {
      const base = this.doorbellOffset(index);
      if (Atomics.compareExchange(this.i32, (base + DOORBELL_STATE_OFFSET) >> 2, 0, 1) === 0) {
        this.i32[(base + DOORBELL_OWNER_OFFSET) >> 2] = owner;
        return index;
      }
    }
    throw errors.invalidOption("session " + this.sessionId, "max_doorbells", `is ${this.limits.maxDoorbells} and every doorbell is taken`);
  }

  /** Gives a doorbell back (also one whose host died parked: its flag is cleared for the next owner). */
  releaseDoorbell(index: number): void {
    Atomics.store(this.i32, (this.doorbellOffset(index) + DOORBELL_PARKED_OFFSET) >> 2, 0);
    Atomics.store(this.i32, (this.doorbellOffset(index) + DOORBELL_STATE_OFFSET) >> 2, 0);
  }

  /** Byte offset of doorbell `index`. */
  doorbellOffset(index: number): number {
    return this.doorbellTableOffset + index * DOORBELL_LENGTH;
  }

  private clearCounters(index: number): void {
    const start = this.counterBlockOffset(index);
    this.f64.fill(0, start >> 3, (start + this.counterBlockLength) >> 3);
  }
}
