/**
 * The validated session config: what `loadConfig` returns, fully defaulted and frozen. Everything
 * downstream (launcher, hosts, topics) trusts it and validates nothing again.
 *
 * It is plain data (no functions, no class instances), so it can be posted to a worker thread or
 * serialised to a child process as is; classes are named by `ClassRef`, loaded with `loadClass`.
 *
 * @example
 *   const config = await loadConfig("config/dual_processors.yaml");
 *   for (const instance of config.instances) console.log(instance.name, instance.placement, instance.class.module);
 */
import type { RestartOptions } from "../../lifecycle/restart-policy.js";
import type { WaitAlias } from "../../transport/wait/wait-strategy.js";
import type { LOG_LEVELS, PLACEMENTS, POLICIES } from "./schema.js";

/** Where an instance runs: its own worker thread (default), its own child process, or the main thread. */
export type Placement = (typeof PLACEMENTS)[number];

/** How much a session logs. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A topic's delivery policy: `block` (lossless, the default), `drop-oldest`, `reject`. */
export type TopicPolicy = (typeof POLICIES)[number];

/** How a class was named in the config. */
export type ClassForm = "file" | "package" | "dotted" | "builtin";

/**
 * A class named by a config, resolved to a module that can be imported from anywhere (a worker, a
 * child process): plain data.
 *
 * @example
 *   { specifier: "./processors.ts#DataProcessor", form: "file", module: "/home/me/lab/processors.ts",
 *     exportName: "DataProcessor", typescript: true }
 */
export interface ClassRef {
  /** As written in the config. */
  readonly specifier: string;
  readonly form: ClassForm;
  /** Absolute path of the module file, or a `node:` builtin specifier. */
  readonly module: string;
  /** The module's export holding the class (`default` for a default export). */
  readonly exportName: string;
  /** True when the module is TypeScript and must be imported with tsx registered. */
  readonly typescript: boolean;
}

/** Session-wide settings (`session:`). */
export interface SessionSettings {
  /** What idle hosts do: `spin`, `hybrid` (default) or `park`. */
  readonly wait: WaitAlias;
  /** Default `info`. */
  readonly logLevel: LogLevel;
  /** How long a publisher on a full `block` topic waits for a slow subscriber before an error (default 10 000 ms). */
  readonly blockTimeoutMs: number;
  /** How long a host may take to construct its instances, run their `initialize()` and subscribe (default 30 000 ms). */
  readonly startTimeoutMs: number;
}

/** One entry of `instances:`. */
export interface InstanceConfig {
  /** The instance's name: its key under `instances:`. */
  readonly name: string;
  /** `class_path` as written. */
  readonly classPath: string;
  /** The resolved class (already loaded once by `loadConfig`, so it exists and is a class). */
  readonly class: ClassRef;
  /**
   * Passed to the constructor as one object (`{}` when not given). Frozen: a host passes a copy
   * (workers receive one anyway) so a constructor may change its options.
   */
  readonly kwargs: Readonly<Record<string, unknown>>;
  /** Default `thread`. */
  readonly placement: Placement;
  /** When the supervisor restarts it (durations in ms); policy `never` when the config says nothing. */
  readonly restart: RestartOptions;
  /** A handler running longer than this (ms) is hung: the watchdog restarts the instance. 0: no watchdog. */
  readonly handlerTimeoutMs: number;
  /** CPUs its host's thread is pinned to (`cpus:`, ascending); empty when not pinned. */
  readonly cpus: readonly number[];
}

/** `ether_sub` / `ether_pub` applied by the registry to one method (its topic). */
export interface RegistryDecoration {
  /** Always set: the configured topic, or the default `ClassName.methodName`. */
  readonly topic: string;
}

/** One method under a `registry:` entry. */
export interface RegistryMethod {
  readonly name: string;
  /** Present when the method subscribes (`ether_sub`), with its calls that may run at once (`concurrency`). */
  readonly sub?: RegistryDecoration & { readonly concurrency?: number };
  /** Present when the method's return value is published (`ether_pub`). */
  readonly pub?: RegistryDecoration;
  /** True when the method is called once at start (`ether_start`). */
  readonly start?: true;
  /** Present when the method is called periodically (`ether_every`): its period in ms. */
  readonly every?: { readonly periodMs: number };
}

/** One entry of `registry:`: decorators applied to a class the user cannot edit. */
export interface RegistryEntry {
  /** The key as written (same forms as `class_path`). */
  readonly classPath: string;
  readonly class: ClassRef;
  /** The class's name, as default topics use it. */
  readonly className: string;
  /** In file order; each exists on the class's prototype. */
  readonly methods: readonly RegistryMethod[];
}

/** Settings of one topic (`topics:`), or the defaults for a topic the config does not mention. */
export interface TopicSettings {
  readonly name: string;
  /**
   * Bytes in the ring: what the config asked, rounded up to a power of two and at least 4 KiB, as
   * the ring is built (default 1 MiB).
   */
  readonly capacity: number;
  /** Largest payload in bytes (default: a quarter of the capacity less a frame header). */
  readonly maxFrame: number;
  /** Default `block`. */
  readonly policy: TopicPolicy;
  /**
   * A ring per publishing host when several hosts publish the topic (default true); false keeps one
   * shared ring, in which frames of all publishers are in one order (runtime/lanes.ts).
   */
  readonly lanes: boolean;
  /** The FlatBuffers table class its messages are (`type:`, as written), if the topic is typed. */
  readonly type?: string;
}

/** A typed topic's table: the class flatc --ts generated, and the schema id its frames carry. */
export interface TopicType {
  /** The table's accessor class (module and export). */
  readonly class: ClassRef;
  /** Schema id of its frames: 16 and up, one per distinct table class of the session, in file order. */
  readonly schemaId: number;
}

/** A validated session config. */
export interface SessionConfig {
  /** Absolute path of the YAML file, or undefined when the config was given as an object. */
  readonly file: string | undefined;
  /** The folder relative class paths were resolved from (the YAML file's, or `cwd`). */
  readonly baseDir: string;
  /** The folder dotted class paths were resolved from (of the nearest package.json). */
  readonly projectRoot: string;
  readonly session: SessionSettings;
  /** In file order; at least one. */
  readonly instances: readonly InstanceConfig[];
  /** In file order. */
  readonly registry: readonly RegistryEntry[];
  /** Topics the config mentions, by name; `topicSettings` gives the defaults for the others. */
  readonly topics: Readonly<Record<string, TopicSettings>>;
  /** The typed topics' tables, by topic name. */
  readonly types: Readonly<Record<string, TopicType>>;
  /** Where each topic under `topics:` is written: `file:line:col: topics.name`, or `topics.name` for an object config. */
  readonly topicPlaces: Readonly<Record<string, string>>;
  /** Where each instance's `kwargs` are written (`file:line:col: instances.name.kwargs`), by instance name. */
  readonly kwargsPlaces: Readonly<Record<string, string>>;
}
