/**
 * The transport layer: shared-memory topics with zero-copy frames. See bindings/RING_FORMAT.md.
 *
 * @example
 *   import { SharedSpace, Topic } from "./transport/index.js";
 *   const space = SharedSpace.create();
 *   const topic = Topic.attach(space.createTopic("data"));
 */
export { SharedSpace, type SpaceOptions } from "./space.js";
export { Topic, type TopicHandle, storeFor } from "./topic.js";
export { shmSegmentStore } from "./shm-store.js";
export { Publisher } from "./publisher.js";
export { Subscriber, type FrameHandler, type SubscriberOptions } from "./subscriber.js";
export { FrameView } from "./frame-view.js";
export { Doorbell } from "./doorbell.js";
export { type Policy, type TopicOptions, type TopicConfig } from "./topic-segment.js";
export { type WaitAlias, type WaitStrategy, type WaitTuning, WAIT_ALIASES, createWaitStrategy } from "./wait/wait-strategy.js";
export { type WaitOps, threadWaitOps, WAIT_OK, WAIT_NOT_EQUAL, WAIT_TIMED_OUT } from "./wait-ops.js";
export { type SegmentStore, threadSegmentStore } from "./segment-store.js";
export { type TopicStats, type PublisherStats, type SubscriberStats } from "./stats.js";
export { DEFAULT_SESSION_LIMITS, type SessionLimits } from "./session-segment.js";
export { monotonicNs } from "./clock.js";
export { InstanceEntry, type InstanceSnapshot } from "./instance-entry.js";
