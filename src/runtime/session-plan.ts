/**
 * What a config will run, worked out without running anything: each instance with what its class
 * declares, and each topic with the settings its rings get, its rings (a lane per publishing host when
 * several publish it) and the instances that publish and subscribe to it. `SessionEngine.tap()` creates
 * the segments from it; `ether info` prints it. Planning loads the config and the classes (so it
 * reports every config error), applies the registry's decorators, and tells the config's warnings.
 *
 * @example
 *   const plan = await planSession("dual_processors.yaml");
 *   for (const t of plan.topics) console.log(t.name, t.rings.length, t.publishers, t.subscribers);
 */
import { type ComponentMeta, componentMeta } from "../component/metadata.js";
import { applyDecorators } from "../component/registry-apply.js";
import { DEAD_LETTER_TOPIC } from "../component/host.js";
import { setLogLevel } from "../log.js";
import type { Policy } from "../transport/index.js";
import { type InstanceConfig, type SessionConfig, type TopicSettings, loadClass, loadConfig, topicSettings } from "./config/index.js";
import { warnPositionalKwargs, warnUnusedTopics } from "./config-warnings.js";
import { LOG_TOPIC } from "./host-runner.js";
import { type TopicLanes, planLanes } from "./lanes.js";
import { registryMethods } from "./registry.js";

/** Topic on which every instance state change is published: `{ host, instances, placement, from, to, reason, restarts, time }`. */
export const LIFECYCLE_TOPIC = "ether/lifecycle";
/** Host key of the session's main-thread host, which runs every `placement: main` instance (no instance name is empty). */
export const MAIN_HOST = "";

/** An instance of the config, with what its class declares. */
export interface PlannedInstance {
  readonly config: InstanceConfig;
  readonly meta: ComponentMeta;
}

/** A topic of the session: its settings, rings and who publishes and subscribes to it. */
export interface PlannedTopic {
  readonly name: string;
  readonly settings: TopicSettings;
  /** The policy its rings get: the setting, or drop-oldest for ether/log and ether/lifecycle unless configured. */
  readonly policy: Policy;
  /** Its rings: the topic's own, and a lane per further publishing host. */
  readonly rings: readonly string[];
  /** Instances that publish it and that subscribe to it, in config order. */
  readonly publishers: readonly string[];
  readonly subscribers: readonly string[];
}

/** What a session will run. */
export interface SessionPlan {
  readonly config: SessionConfig;
  readonly instances: readonly PlannedInstance[];
  /** The config's topics and those the instances use, then ether/log, ether/dead-letter, ether/lifecycle. */
  readonly topics: readonly PlannedTopic[];
  /** Topics several hosts publish: their rings and which host writes which. */
  readonly lanes: ReadonlyMap<string, TopicLanes>;
}

/** Key of the host that runs an instance: its name, or MAIN_HOST for every "main" instance. */
export function hostKey(instance: InstanceConfig): string {
  return instance.placement === "main" ? MAIN_HOST : instance.name;
}

/** Loads and validates the config (a YAML path or an object) and its classes, and plans the session. */
export async function planSession(source: string | object, options: { cwd?: string } = {}): Promise<SessionPlan> {
  const config = await loadConfig(source, options);
  setLogLevel(config.session.logLevel);
  for (const entry of config.registry) applyDecorators(await loadClass(entry.class), registryMethods(entry.methods));
  const instances: PlannedInstance[] = [];
  const publishers = new Map<string, string[]>();
  const subscribers = new Map<string, string[]>();
  /** Topic → keys of the hosts that publish it. */
  const writers = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, topic: string, name: string): void => {
    const names = map.get(topic) ?? [];
    if (!names.includes(name)) names.push(name);
    map.set(topic, names);
  };
  for (const instance of config.instances) {
    const cls = await loadClass(instance.class);
    warnPositionalKwargs(config, instance, cls);
    const meta = componentMeta(cls);
    instances.push({ config: instance, meta });
    for (const s of meta.subs) add(subscribers, s.topic, instance.name);
    for (const p of meta.pubs) {
      add(publishers, p.topic, instance.name);
      add(writers, p.topic, hostKey(instance));
    }
  }
  const used = new Set<string>([...subscribers.keys(), ...publishers.keys()]);
  warnUnusedTopics(config, used);
  const names = new Set<string>([...Object.keys(config.topics), ...used, LOG_TOPIC, DEAD_LETTER_TOPIC, LIFECYCLE_TOPIC]);
  for (const topic of writers.keys()) if (!topicSettings(config, topic).lanes) writers.delete(topic); // one shared ring asked for
  const lanes = planLanes(writers, names);
  const topics = [...names].map((name): PlannedTopic => {
    const settings = topicSettings(config, name);
    // A slow reader of the log must never stall a host: unless configured, the log drops its oldest lines (counted).
    const policy = (name === LOG_TOPIC || name === LIFECYCLE_TOPIC) && config.topics[name] === undefined ? "drop-oldest" : settings.policy;
    return { name, settings, policy, rings: lanes.get(name)?.rings ?? [name], publishers: publishers.get(name) ?? [], subscribers: subscribers.get(name) ?? [] };
  });
  return { config, instances, topics, lanes };
}
