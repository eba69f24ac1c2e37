/**
 * etherflow: shared-memory dataflow for TypeScript. The public entry: decorators and sessions, topics
 * (transport), frame encoding, errors.
 *
 * @example
 *   import { pub, sub, start, every, ether } from "etherflow";
 */
import "./component/metadata.js"; // Symbol.metadata before any user class is evaluated
export { pub, sub, start, every, type PubReturn } from "./component/decorators.js";
export { skip, type Skip } from "./component/skip.js";
export { applyDecorators } from "./component/registry-apply.js";
export { componentMeta, type ComponentMeta } from "./component/metadata.js";
export { ether, Ether, type TapOptions } from "./runtime/session.js";
export { type InstanceStatus } from "./runtime/supervisor.js";
export { type ShutdownReport } from "./runtime/session-engine.js";
export { loadConfig, type SessionConfig } from "./runtime/config/index.js";
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
export { setAffinity, getAffinity } from "./native/platform.js";
