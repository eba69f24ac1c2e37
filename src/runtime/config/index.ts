/**
 * Session config: load and validate a YAML file (or an object) into a frozen, fully defaulted
 * SessionConfig; resolve and load the classes it names.
 *
 * @example
 *   import { loadConfig, topicSettings, loadClass } from "./runtime/config/index.js";
 *   const config = await loadConfig("dual_processors.yaml");
 *   const Processor = await loadClass(config.instances[0]!.class);
 */
export { loadConfig, type LoadConfigOptions } from "./load.js";
export { resolveClass, loadClass, registerTsx, type ResolvedClass, type ResolveClassOptions, type ComponentClass } from "./class-resolver.js";
export { topicSettings, defaultTopicSettings, kDefaultSession, kDefaultTopicCapacity } from "./defaults.js";
export { parseSize, formatSize } from "./sizes.js";
export { parseDuration } from "./durations.js";
export type {
  SessionConfig,
  SessionSettings,
  InstanceConfig,
  RegistryEntry,
  RegistryMethod,
  RegistryDecoration,
  TopicSettings,
  TopicType,
  ClassRef,
  ClassForm,
  Placement,
  LogLevel,
  TopicPolicy,
} from "./types.js";
