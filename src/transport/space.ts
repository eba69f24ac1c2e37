/**
 * The shared space of a session: its session segment plus one topic segment per topic. The creator
 * owns the segments and removes them on close(); other threads and processes attach through handles.
 *
 * @example
 *   const space = SharedSpace.create({ sessionId: "demo" });
 *   const data = space.createTopic("data", { capacity: 1 << 20, policy: "block" });
 *   const pub = Topic.attach(data).publisher();
 *   space.close();
 */
import { randomUUID } from "node:crypto";
import { errors } from "../errors.js";
import { POLICY_CODES } from "./ring-layout.js";
import type { SegmentStore } from "./segment-store.js";
import { DEFAULT_SESSION_LIMITS, type SessionLimits, SessionSegment } from "./session-segment.js";
import { type TopicStats, readTopicStats } from "./stats.js";
import { reapDeadSessions } from "./reaper.js";
import { listSegments, sessionPrefix } from "../native/platform.js";
import { Topic, type TopicHandle, storeFor } from "./topic.js";
import { fenceModeFor } from "./fence.js";
import { type TopicOptions, formatTopicSegment, resolveTopicConfig, topicSegmentLength } from "./topic-segment.js";

/** Options of SharedSpace.create(). */
export interface SpaceOptions extends Partial<SessionLimits> {
  /** Session id (default a random UUID). */
  sessionId?: string;
  /** "threads" (default) or "shm" (processes; needs the native addon). */
  transport?: "threads" | "shm";
}

const SPACE_OPTIONS = ["sessionId", "transport", ...Object.keys(DEFAULT_SESSION_LIMITS)];

/** A session's segments, as seen by their creator. */
export class SharedSpace {
  readonly sessionId: string;
  readonly session: SessionSegment;
  readonly store: SegmentStore;
  readonly #sessionSegmentName: string;
  readonly #topics = new Map<string, TopicHandle>();
  readonly #attached = new Map<string, Topic>();
  /** True for the creator, who removes the segments on close(); false for SharedSpace.attach(). */
  readonly #owner: boolean;
  #closed = false;

  private constructor(store: SegmentStore, session: SessionSegment, sessionSegmentName: string, owner = true) {
    this.store = store;
    this.session = session;
    this.sessionId = session.sessionId;
    this.#sessionSegmentName = sessionSegmentName;
    this.#owner = owner;
  }

  /**
   * Attaches to a running process session by its id (another process created it): its topics can
   * then be opened by name with topic(), and read with stats(). close() leaves the segments alone.
   */
  static attach(sessionId: string): SharedSpace {
    const store = storeFor("shm");
    for (const name of listSegments(`${sessionPrefix(sessionId)}session-`)) {
      let session: SessionSegment;
      try {
        session = SessionSegment.attach(store.open(name));
      } catch {
        continue; // being created, removed meanwhile, or not readable
      }
      if (session.sessionId === sessionId) return new SharedSpace(store, session, name, false);
    }
    throw errors.sessionNotFound(sessionId, "no session segment with that id in /dev/shm (has it ended?)");
  }

  /** Creates the session segment. */
  static create(options: SpaceOptions = {}): SharedSpace {
    for (const key of Object.keys(options)) {
      if (!SPACE_OPTIONS.includes(key)) throw errors.invalidOption("SharedSpace.create", key, `is unknown; known options: ${SPACE_OPTIONS.join(", ")}`);
    }
    const limits: SessionLimits = { ...DEFAULT_SESSION_LIMITS };
    for (const key of Object.keys(DEFAULT_SESSION_LIMITS) as (keyof SessionLimits)[]) {
      const value = options[key] ?? limits[key];
      if (!Number.isInteger(value) || value < 1 || value > 4096) {
        throw errors.invalidOption("SharedSpace.create", key, `must be a whole number from 1 to 4096, got ${value}`);
      }
      (limits as unknown as Record<string, number>)[key] = value;
    }
    const store = storeFor(options.transport ?? "threads");
    const sessionId = options.sessionId ?? randomUUID();
    if (store.kind === "shm") reapDeadSessions(store);
    const created = store.create(sessionId, "session", SessionSegment.lengthFor(limits));
    const owner = store.kind === "shm" ? process.pid : 0;
    return new SharedSpace(store, SessionSegment.create(created.sab, sessionId, limits, owner), created.name);
  }

  /** Creates a topic segment and records the topic in the session; returns its handle. */
  createTopic(name: string, options: TopicOptions = {}): TopicHandle {
    if (this.#closed) throw errors.closed(`session ${this.sessionId}`);
    const { maxPublishers, maxSubscribers } = this.session.limits;
    const config = resolveTopicConfig(name, options, maxPublishers, maxSubscribers);
    if (this.#topics.has(name)) throw errors.invalidOption(`session ${this.sessionId}`, "topic", `"${name}" already exists`);
    const created = this.store.create(this.sessionId, "topic", topicSegmentLength(config));
    let index: number;
    try {
      index = this.session.addTopic(name, POLICY_CODES[config.policy], config.capacity, config.maxFrame, created.name);
      formatTopicSegment(created.sab, index, config, fenceModeFor(this.store.kind));
    } catch (error) {
      if (created.name !== "") this.store.unlink(created.name);
      throw error;
    }
    const handle: TopicHandle = {
      transport: this.store.kind,
      sessionId: this.sessionId,
      name,
      index,
      session: this.store.kind === "threads" ? this.session.sab : null,
      ring: this.store.kind === "threads" ? created.sab : null,
      sessionSegmentName: this.#sessionSegmentName,
      ringSegmentName: created.name,
    };
    this.#topics.set(name, handle);
    this.#attached.set(name, Topic.attach({ ...handle, session: this.session.sab, ring: created.sab }, this.store));
    return handle;
  }

  /** The handle of an existing topic (looked up in the session's topic table if this space did not create it). */
  topicHandle(name: string): TopicHandle {
    let handle = this.#topics.get(name);
    if (handle === undefined && !this.#owner) {
      const entry = this.session.findTopic(name);
      if (entry !== undefined) {
        handle = {
          transport: this.store.kind,
          sessionId: this.sessionId,
          name,
          index: entry.index,
          session: null,
          ring: null,
          sessionSegmentName: this.#sessionSegmentName,
          ringSegmentName: entry.segmentName,
        };
        this.#topics.set(name, handle);
      }
    }
    if (handle === undefined) throw errors.topicNotFound(name, this.sessionId);
    return handle;
  }

  /** The topic attached in this thread. */
  topic(name: string): Topic {
    let topic = this.#attached.get(name);
    if (topic === undefined) {
      topic = Topic.attach(this.topicHandle(name), this.store);
      this.#attached.set(name, topic);
    }
    return topic;
  }

  /** Names of the topics, in creation order. */
  topicNames(): string[] {
    return this.#owner ? [...this.#topics.keys()] : this.session.topics().map((t) => t.name);
  }

  /** Counters of one topic. */
  stats(name: string): TopicStats {
    return readTopicStats(this.session, this.topicHandle(name).index, name);
  }

  /** The creator removes the segments (named ones are unlinked; mappings held elsewhere stay valid until dropped). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#owner) return;
    for (const handle of this.#topics.values()) if (handle.ringSegmentName !== "") this.store.unlink(handle.ringSegmentName);
    if (this.#sessionSegmentName !== "") this.store.unlink(this.#sessionSegmentName);
  }
}
