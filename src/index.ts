/**
 * etherflow: shared-memory dataflow for TypeScript. The public entry: topics (transport), frame
 * encoding, errors. The decorator API and sessions are added here as they are built.
 *
 * @example
 *   import { SharedSpace, Topic, DictEncoder, SCHEMA_DICT } from "etherflow";
 */
export {
  SharedSpace,
  Topic,
  Publisher,
  Subscriber,
  FrameView,
  Doorbell,
  WAIT_ALIASES,
  createWaitStrategy,
  monotonicNs,
  type SpaceOptions,
  type TopicHandle,
  type TopicOptions,
  type Policy,
  type FrameHandler,
  type SubscriberOptions,
  type WaitAlias,
  type WaitStrategy,
  type TopicStats,
  type PublisherStats,
  type SubscriberStats,
} from "./transport/index.js";
export { DictEncoder, DictDecoder, SCHEMA_RAW, SCHEMA_DICT } from "./frame/index.js";
export { EtherError, type EtherErrorCode } from "./errors.js";
