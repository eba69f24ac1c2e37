/**
 * From a config that passed the schema to a defaulted draft: applies defaults, turns YAML's empty
 * values (`kwargs:`, `data:`) into "not given", and runs the checks that span keys (max_frame against
 * capacity, empty sections, kwargs that a worker could not receive). Classes are resolved later, in
 * load.ts, because that needs the file system and imports.
 *
 * @example
 *   const { draft, issues } = buildDraft(parsed.data);
 */
import { cpusProblem } from "./cpus.js";
import { formatSize } from "./sizes.js";
import { RESTART_DEFAULTS, type RestartOptions, validateRestartOptions } from "../../lifecycle/restart-policy.js";
import { capacityFor, defaultMaxFrame, kDefaultSession, kDefaultTopicCapacity, largestMaxFrame, ringCapacity } from "./defaults.js";
import type { ConfigIssue } from "./issues.js";
import type { RawConfig, RawTopic } from "./schema.js";
import { TOPIC_NAME_MAX_BYTES } from "./schema.js";
import { everyPeriod, parsePeriod, type Period } from "../../component/period.js";
import { MAX_CAPACITY } from "../../transport/ring-layout.js";
import type { Placement, SessionSettings, TopicSettings } from "./types.js";

/** An instance before its class is resolved. */
export interface DraftInstance {
  readonly name: string;
  readonly classPath: string;
  readonly kwargs: Record<string, unknown>;
  readonly placement: Placement;
  readonly restart: RestartOptions;
  readonly handlerTimeoutMs: number;
  /** CPUs its host is pinned to (ascending); empty: not pinned. */
  readonly cpus: readonly number[];
}

/** A registry method before default topics (which need the class's name) are filled in. */
export interface DraftMethod {
  readonly name: string;
  readonly sub?: { readonly topic?: string | undefined; readonly concurrency?: number } | undefined;
  readonly pub?: { readonly topic?: string | undefined } | undefined;
  readonly start?: true;
  readonly every?: { readonly periodMs: number };
}

/** A registry entry before its class is resolved. */
export interface DraftRegistryEntry {
  readonly classPath: string;
  readonly methods: readonly DraftMethod[];
}

/** The config with defaults applied; classes not yet resolved. */
export interface Draft {
  readonly session: SessionSettings;
  readonly instances: readonly DraftInstance[];
  readonly registry: readonly DraftRegistryEntry[];
  readonly topics: Readonly<Record<string, TopicSettings>>;
}

/** An instance with no `restart:` key is never restarted: a crash is reported and the session runs on. */
const NO_RESTART: RestartOptions = Object.freeze({ ...RESTART_DEFAULTS, policy: "never" });

const INSTANCE_EXAMPLE = "class_path: ./processors.ts#DataProcessor";

function cloneProblem(value: unknown): string | undefined {
  try {
    structuredClone(value);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function buildTopic(name: string, raw: RawTopic | null, issues: ConfigIssue[]): TopicSettings {
  const path = ["topics", name];
  if (name.length === 0) issues.push({ path, target: "key", detail: "a topic name cannot be empty" });
  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes > TOPIC_NAME_MAX_BYTES) issues.push({ path, target: "key", detail: `topic name is ${bytes} bytes; at most ${TOPIC_NAME_MAX_BYTES}` });
  // Without a capacity, a ring is sized for its max_frame as the default ring is for its own (a
  // quarter of it): setting max_frame alone then just works.
  const sizedFor = raw?.capacity === undefined && raw?.max_frame !== undefined ? Math.min(MAX_CAPACITY, 4 * raw.max_frame) : 0;
  const capacity = ringCapacity(raw?.capacity ?? Math.max(kDefaultTopicCapacity, sizedFor));
  let maxFrame = defaultMaxFrame(capacity);
  if (raw?.max_frame !== undefined) {
    maxFrame = raw.max_frame;
    if (maxFrame > largestMaxFrame(capacity)) {
      const needed = capacityFor(maxFrame);
      const fix =
        needed <= MAX_CAPACITY
          ? `raise capacity to at least ${formatSize(needed)}, or lower max_frame to at most ${formatSize(largestMaxFrame(capacity))}`
          : `lower max_frame to at most ${formatSize(largestMaxFrame(MAX_CAPACITY))}`;
      issues.push({
        path: [...path, "max_frame"],
        target: "value",
        detail:
          `max_frame ${formatSize(maxFrame)} does not fit in capacity ${formatSize(capacity)}: ` +
          `a ring holds at least two frames and their headers; ${fix}`,
      });
    }
  }
  return Object.freeze({ name, capacity, maxFrame, policy: raw?.policy ?? "block", lanes: raw?.lanes ?? true, ...(raw?.type === undefined ? {} : { type: raw.type }) });
}

/** Applies defaults and cross-key checks; problems are pushed to `issues`. */
export function buildDraft(raw: RawConfig): { draft: Draft; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const session: SessionSettings = {
    wait: raw.session?.wait ?? kDefaultSession.wait,
    logLevel: raw.session?.log_level ?? kDefaultSession.logLevel,
    blockTimeoutMs: raw.session?.block_timeout ?? kDefaultSession.blockTimeoutMs,
    startTimeoutMs: raw.session?.start_timeout ?? kDefaultSession.startTimeoutMs,
  };

  const instances: DraftInstance[] = [];
  const rawInstances = Object.entries(raw.instances ?? {});
  if (rawInstances.length === 0) {
    issues.push({
      path: ["instances"],
      target: "key",
      detail: `instances is empty; a session needs at least one, e.g. instances: { processor: { ${INSTANCE_EXAMPLE} } }`,
    });
  }
  for (const [name, instance] of rawInstances) {
    if (name.trim() === "") {
      issues.push({ path: ["instances", name], target: "key", detail: "an instance name cannot be empty; name it, e.g. processor2x:" });
      continue;
    }
    if (instance === null) {
      issues.push({ path: ["instances", name], target: "key", detail: `instance "${name}" has no settings; add ${INSTANCE_EXAMPLE} under it` });
      continue;
    }
    const placement = instance.placement ?? "thread";
    const kwargs = (instance.kwargs ?? {}) as Record<string, unknown>;
    if (placement !== "main") {
      const problem = cloneProblem(kwargs);
      if (problem !== undefined) {
        issues.push({
          path: ["instances", name, "kwargs"],
          target: "value",
          detail: `kwargs cannot be sent to a ${placement} (${problem}); use plain data (maps, lists, strings, numbers), or placement: main`,
        });
      }
    }
    const cpus = instance.cpus ?? [];
    if (placement === "main" && (instance.restart !== undefined || instance.handler_timeout !== undefined)) {
      const key = instance.restart !== undefined ? "restart" : "handler_timeout";
      issues.push({
        path: ["instances", name, key],
        target: "key",
        detail: `${key} needs placement: thread or process; a main instance shares the session's thread, which cannot be restarted or killed`,
      });
    }
    if (placement === "main" && instance.cpus !== undefined) {
      issues.push({
        path: ["instances", name, "cpus"],
        target: "key",
        detail: "cpus needs placement: thread or process; a main instance shares the session's thread, which Ether does not pin",
      });
    } else if (cpus.length > 0) {
      const problem = cpusProblem(cpus);
      if (problem !== undefined) issues.push({ path: ["instances", name, "cpus"], target: "value", detail: problem });
    }
    let restart: RestartOptions = NO_RESTART;
    if (instance.restart !== undefined) {
      try {
        restart = validateRestartOptions(instance.restart as Partial<RestartOptions>, `instances.${name}.restart`);
      } catch (error) {
        const key = (error as { details?: { name?: string } }).details?.name;
        const path = key !== undefined && key !== "restart" ? ["instances", name, "restart", key] : ["instances", name, "restart"];
        issues.push({ path, target: "value", detail: (error as Error).message.replace(`instances.${name}.restart: `, "") });
      }
    }
    instances.push({ name, classPath: instance.class_path, kwargs, placement, restart, handlerTimeoutMs: instance.handler_timeout ?? 0, cpus });
  }

  const registry: DraftRegistryEntry[] = [];
  for (const [classPath, entry] of Object.entries(raw.registry ?? {})) {
    const methods = Object.entries(entry?.methods ?? {});
    if (methods.length === 0) {
      issues.push({
        path: ["registry", classPath],
        target: "key",
        detail: `names no methods; add methods: { method_name: { ether_sub: { topic: data } } }`,
      });
      continue;
    }
    const drafted: DraftMethod[] = [];
    for (const [name, method] of methods) {
      if (method === null || Object.values(method).every((v) => v === undefined)) {
        issues.push({
          path: ["registry", classPath, "methods", name],
          target: "key",
          detail: `method "${name}" has no decorators; give ether_sub, ether_pub, ether_start or ether_every, e.g. ether_sub: { topic: data }`,
        });
        continue;
      }
      const start = method.ether_start !== undefined;
      const periodMs = method.ether_every === undefined ? undefined : parsePeriod(everyPeriod(method.ether_every) as Period);
      if (method.ether_sub !== undefined && (start || periodMs !== undefined)) {
        issues.push({
          path: ["registry", classPath, "methods", name, start ? "ether_start" : "ether_every"],
          target: "key",
          detail: `cannot go with ether_sub: a method is called either with messages (ether_sub) or on its own (ether_start, ether_every)`,
        });
        continue;
      }
      drafted.push({
        name,
        sub: method.ether_sub === undefined ? undefined : { topic: method.ether_sub?.topic, ...(method.ether_sub?.concurrency === undefined ? {} : { concurrency: method.ether_sub.concurrency }) },
        pub: method.ether_pub === undefined ? undefined : { topic: method.ether_pub?.topic },
        ...(start ? { start: true as const } : {}),
        ...(periodMs === undefined ? {} : { every: { periodMs } }),
      });
    }
    registry.push({ classPath, methods: drafted });
  }

  // Null prototype: a topic named "constructor" or "__proto__" is just a topic.
  const topics = Object.create(null) as Record<string, TopicSettings>;
  for (const [name, topic] of Object.entries(raw.topics ?? {})) topics[name] = buildTopic(name, topic, issues);

  return { draft: { session, instances, registry, topics }, issues };
}
