/**
 * A topic attached in this thread: the factory of its publishers and subscribers. Handles are plain
 * structured-cloneable objects, so a topic created in one thread is attached in another by posting
 * its handle once at setup.
 *
 * @example
 *   const handle = space.createTopic("data", { capacity: 1 << 20 });
 *   worker.postMessage(handle);
 *   // in the worker:
 *   const topic = Topic.attach(handle);
 *   const sub = topic.subscriber();
 */
import { Publisher } from "./publisher.js";
import type { SegmentStore } from "./segment-store.js";
import { threadSegmentStore } from "./segment-store.js";
import { shmSegmentStore } from "./shm-store.js";
import { SessionSegment } from "./session-segment.js";
import { type TopicStats, readTopicStats } from "./stats.js";
import { type SubscriberOptions, Subscriber } from "./subscriber.js";
import { TopicSegment } from "./topic-segment.js";
import { detachSubscriber, orphanSubscriber, reclaimPublishers } from "./detach.js";
import { TOPIC_DETACHED_OFFSET, TOPIC_RECOVERED_OFFSET } from "./ring-layout.js";

/** Everything another thread or process needs to attach to a topic. */
export interface TopicHandle {
  /** "threads": the SharedArrayBuffers travel in the handle; "shm": they are opened by name. */
  readonly transport: "threads" | "shm";
  readonly sessionId: string;
  readonly name: string;
  readonly index: number;
  readonly session: SharedArrayBuffer | null;
  readonly ring: SharedArrayBuffer | null;
  readonly sessionSegmentName: string;
  readonly ringSegmentName: string;
}

/** Returns the store for a transport kind ("shm" needs the native addon). */
export function storeFor(transport: "threads" | "shm"): SegmentStore {
  return transport === "threads" ? threadSegmentStore : shmSegmentStore();
}

/** One topic, attached in this thread. */
export class Topic {
  readonly name: string;
  readonly handle: TopicHandle;
  /** @internal The attached segment views. */
  readonly segment: TopicSegment;

  private constructor(handle: TopicHandle, segment: TopicSegment) {
    this.name = handle.name;
    this.handle = handle;
    this.segment = segment;
  }

  /** Attaches to a topic from its handle; validates both segments (magic, version, length). */
  static attach(handle: TopicHandle, store: SegmentStore = storeFor(handle.transport)): Topic {
    const sessionSab = handle.session ?? store.open(handle.sessionSegmentName);
    const ringSab = handle.ring ?? store.open(handle.ringSegmentName);
    const session = SessionSegment.attach(sessionSab);
    return new Topic(handle, TopicSegment.attach(ringSab, session, handle.name, store.waitOps));
  }

  /** The ring's policy. */
  get policy(): TopicSegment["policy"] {
    return this.segment.policy;
  }

  /** Largest payload in bytes. */
  get maxFrame(): number {
    return this.segment.maxFrame;
  }

  /** Bytes in the ring's data region. */
  get capacity(): number {
    return this.segment.capacity;
  }

  /** A new publisher (takes a publisher slot until closed). Between processes its owner is this process. */
  publisher(owner = this.#defaultOwner()): Publisher {
    return new Publisher(this.segment, owner);
  }

  /** A new subscriber that reads every frame published from now on (takes a slot until closed). */
  subscriber(options: SubscriberOptions = {}): Subscriber {
    return new Subscriber(this.segment, { owner: this.#defaultOwner(), ...options });
  }

  /** Detaches subscriber `slot` (its owner is gone): block publishers stop waiting for it. True if it was active. */
  detachSubscriber(slot: number): boolean {
    return detachSubscriber(this.segment, slot);
  }

  /**
   * Keeps subscriber `slot` (its reader is gone but will be restarted with `resume`): its cursor holds
   * block publishers (up to their timeout) and its park is undone. Returns its old doorbell index.
   */
  orphanSubscriber(slot: number): number | undefined {
    return orphanSubscriber(this.segment, slot);
  }

  /** Gives back the publisher slots of a host that is gone (its process id or thread-host token); returns how many were freed. */
  reclaimPublishers(owner: number): number {
    return reclaimPublishers(this.segment, owner);
  }

  /** Subscribers detached because their process died, and dead publishers' claims recovered. */
  faults(): { detachedSubscribers: number; recoveredClaims: number } {
    const i32 = this.segment.i32;
    return {
      detachedSubscribers: Atomics.load(i32, TOPIC_DETACHED_OFFSET >> 2),
      recoveredClaims: Atomics.load(i32, TOPIC_RECOVERED_OFFSET >> 2),
    };
  }

  /** Slots record the owning process between processes, so that peers can detect its death. */
  #defaultOwner(): number {
    return this.segment.waitOps.kind === "shm" ? process.pid : 0;
  }

  /** The topic's counters. */
  stats(): TopicStats {
    return readTopicStats(this.segment.session, this.segment.index, this.name);
  }
}
