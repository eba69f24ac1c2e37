/**
 * The zod schema of a session config as written (YAML keys, snake_case). It checks shapes, enums,
 * sizes and durations and says how to fix each problem; `build.ts` then applies defaults and the
 * checks that span keys, and `load.ts` resolves classes.
 *
 * Unknown keys are errors (`z.strictObject`). Their zod message is a marker naming the kind of map
 * (`unknown-keys:instance`), which `unknownKeyIssues` turns into one problem per key with the known
 * keys and a suggestion: zod reports all unknown keys of a map in one issue, and each deserves its
 * own file position.
 *
 * @example
 *   const parsed = configSchema.safeParse(rawObject);
 *   if (!parsed.success) issues.push(...toIssues(parsed.error.issues, rawObject));
 */
import { z } from "zod";
import { WAIT_ALIASES } from "../../transport/wait/wait-strategy.js";
import { MAX_CAPACITY, POLICY_CODES } from "../../transport/ring-layout.js";
import { TOPIC_NAME_MAX_LENGTH } from "../../transport/session-layout.js";
import { parseDuration } from "./durations.js";
import { RESTART_POLICIES } from "../../lifecycle/restart-policy.js";
import { concurrencyProblem } from "../../component/metadata.js";
import type { ConfigIssue } from "./issues.js";
import type { KeyPath } from "./key-path.js";
import { formatSize, parseSize } from "./sizes.js";
import { closest, didYouMean } from "./suggest.js";
import { describeValue, isMap } from "./values.js";
import { everyPeriod, periodProblem } from "../../component/period.js";

/** Log levels, most severe first. */
export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;
/** Where an instance runs. */
export const PLACEMENTS = ["thread", "process", "main"] as const;
/** Topic policies, as the ring stores them. */
export const POLICIES = Object.keys(POLICY_CODES) as (keyof typeof POLICY_CODES)[];

const CLASS_PATH_FORMS = "./file.ts#ClassName, package#ClassName or dotted.module.ClassName";

/** Keys of each kind of map, and hints for keys of capabilities that are planned but not built. */
const KINDS = {
  top: {
    keys: ["session", "instances", "registry", "topics"],
    example: "session:, instances:, registry:, topics:",
    later: {
      recording: "recording is planned but not built yet",
      record: "recording is planned but not built yet",
      bridge: "bridges are planned but not built yet",
      bridges: "bridges are planned but not built yet",
      cycles: "cycles are planned but not built yet",
    },
  },
  session: { keys: ["wait", "log_level", "block_timeout", "start_timeout"], example: "{ wait: hybrid, log_level: info }", later: {} },
  instance: {
    keys: ["class_path", "kwargs", "placement", "restart", "handler_timeout", "cpus"],
    example: "{ class_path: ./processors.ts#DataProcessor }",
    later: {},
  },
  restart: { keys: ["policy", "max", "delay", "max_delay", "window"], example: "{ policy: on-failure, max: 5, delay: 100ms }", later: {} },
  registryEntry: { keys: ["methods"], example: "{ methods: { process_data: { ether_sub: {} } } }", later: {} },
  registryMethod: {
    keys: ["ether_sub", "ether_pub", "ether_start", "ether_every"],
    example: "{ ether_sub: { topic: data } } or { ether_every: 100ms, ether_pub: { topic: readings } }",
    later: {},
  },
  decoratorArgs: { keys: ["topic"], example: "{ topic: data }", later: {} },
  subArgs: { keys: ["topic", "concurrency"], example: "{ topic: data, concurrency: 4 }", later: {} },
  startArgs: { keys: [], example: "{}", later: {} },
  topic: { keys: ["capacity", "max_frame", "policy", "lanes", "type"], example: "{ capacity: 4MiB, policy: block }", later: {} },
} as const satisfies Record<string, { keys: readonly string[]; example: string; later: Record<string, string> }>;

type Kind = keyof typeof KINDS;

const UNKNOWN_KEYS_MARKER = "unknown-keys:";

/** A strict map of `shape`; other keys are errors, and a value that is not a map says what it is. */
function strict<S extends z.core.$ZodLooseShape>(kind: Kind, shape: S) {
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === "unrecognized_keys") return UNKNOWN_KEYS_MARKER + kind;
      if (iss.code === "invalid_type") return `must be a map like ${KINDS[kind].example}, got ${describeValue(iss.input)}`;
      return undefined;
    },
  });
}

/** One of `values`, with the default named and a suggestion for a typo. */
function oneOf<const T extends readonly string[]>(values: T, what: string, fallback: T[number]) {
  const list = values.map((v) => (v === fallback ? `${v} (the default)` : v)).join(", ");
  return z.enum(values, {
    error: (iss) => {
      const got = typeof iss.input === "string" ? `"${iss.input}"` : describeValue(iss.input);
      const hint = typeof iss.input === "string" ? didYouMean(iss.input, values) : "";
      return `${got} is not a ${what}; use one of ${list}${hint}`;
    },
  });
}

/** A value parsed by `parse` (size, duration): undefined passes through as "not given". */
function parsedBy<T>(parse: (v: unknown) => { ok: true; value: T } | { ok: false; problem: string }) {
  return z.unknown().transform((value, ctx): T | undefined => {
    if (value === undefined) return undefined;
    const r = parse(value);
    if (r.ok) return r.value;
    ctx.addIssue({ code: "custom", message: r.problem });
    return z.NEVER;
  });
}

function sizeIn(what: string, min: number, max: number) {
  return parsedBy(parseSize).superRefine((bytes, ctx) => {
    if (bytes === undefined) return;
    if (bytes < min || bytes > max) {
      ctx.addIssue({ code: "custom", message: `${what} must be from ${formatSize(min)} to ${formatSize(max)}, got ${formatSize(bytes)}` });
    }
  });
}

/** A topic name: a non-empty string of at most 128 UTF-8 bytes (what the session segment holds). */
export const TOPIC_NAME_MAX_BYTES = TOPIC_NAME_MAX_LENGTH;
const topicName = z.string({ error: (iss) => `a topic name must be a string, got ${describeValue(iss.input)}` }).superRefine((name, ctx) => {
  if (name.length === 0) ctx.addIssue({ code: "custom", message: "a topic name cannot be empty" });
  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes > TOPIC_NAME_MAX_BYTES) ctx.addIssue({ code: "custom", message: `topic name is ${bytes} bytes; at most ${TOPIC_NAME_MAX_BYTES}` });
});

const sessionSchema = strict("session", {
  wait: oneOf(WAIT_ALIASES, "wait strategy", "hybrid").optional(),
  log_level: oneOf(LOG_LEVELS, "log level", "info").optional(),
  block_timeout: parsedBy(parseDuration).superRefine((ms, ctx) => {
    if (ms === undefined) return;
    if (!Number.isInteger(ms) || ms < 0 || ms > 0x7fffffff) {
      ctx.addIssue({ code: "custom", message: `block_timeout must be a whole number of milliseconds from 0 to 24.8 days, got ${ms} ms` });
    }
  }).optional(),
  start_timeout: durationMs("start_timeout", 1).optional(),
});

/** A whole number of milliseconds from `min` to 24.8 days, written as a duration. */
function durationMs(key: string, min: number) {
  return parsedBy(parseDuration).superRefine((ms, ctx) => {
    if (ms === undefined) return;
    if (!Number.isInteger(ms) || ms < min || ms > 0x7fffffff) {
      ctx.addIssue({ code: "custom", message: `${key} must be a whole number of milliseconds from ${min} to 24.8 days, got ${ms} ms` });
    }
  });
}

/**
 * `cpus: 1` or `cpus: [0, 1]`: the CPUs an instance's host may run on, as a list without repeats.
 * Whether this machine has them is checked in build.ts.
 */
const cpusSchema = z.unknown().transform((value, ctx): number[] | undefined => {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  const bad = list.find((cpu) => !Number.isInteger(cpu) || (cpu as number) < 0);
  if (list.length === 0 || bad !== undefined) {
    const got = list.length === 0 ? "an empty list" : describeValue(bad);
    ctx.addIssue({ code: "custom", message: `cpus takes a CPU index (from 0) or a list of them, e.g. cpus: 1 or cpus: [0, 1]; got ${got}` });
    return z.NEVER;
  }
  return [...new Set(list as number[])].sort((a, b) => a - b);
});

/** `restart: on-failure` or `restart: { policy, max, delay, max_delay, window }`. */
const restartSchema = z.preprocess(
  (value) => (typeof value === "string" ? { policy: value } : value),
  strict("restart", {
    policy: oneOf(RESTART_POLICIES, "restart policy", "on-failure").optional(),
    max: z
      .number({ error: (iss) => `max must be a whole number of restarts, got ${describeValue(iss.input)}` })
      .int({ error: "max must be a whole number of restarts" })
      .min(1, { error: "max must be at least 1 (use policy: never for no restarts)" })
      .optional(),
    delay: durationMs("delay", 0).optional(),
    max_delay: durationMs("max_delay", 0).optional(),
    window: durationMs("window", 1).optional(),
  }),
);

const instanceSchema = strict("instance", {
  class_path: z.string({
    error: (iss) =>
      iss.input === undefined
        ? `class_path is missing; add class_path: ${CLASS_PATH_FORMS}`
        : `class_path must be a string (${CLASS_PATH_FORMS}), got ${describeValue(iss.input)}`,
  }),
  kwargs: z.unknown().superRefine((value, ctx) => {
    if (value !== undefined && value !== null && !isMap(value)) {
      ctx.addIssue({
        code: "custom",
        message: `kwargs must be a map of constructor options, passed as one object (e.g. kwargs: { multiplier: 2 }), got ${describeValue(value)}`,
      });
    }
  }).optional(),
  placement: oneOf(PLACEMENTS, "placement", "thread").optional(),
  restart: restartSchema.optional(),
  handler_timeout: durationMs("handler_timeout", 1).optional(),
  cpus: cpusSchema.optional(),
});

const decoratorArgs = strict("decoratorArgs", { topic: topicName.optional() }).nullish();

/** `ether_sub`: a topic, and how many calls of an async handler may run at once (as `@sub`'s option). */
const subArgs = strict("subArgs", {
  topic: topicName.optional(),
  concurrency: z
    .unknown()
    .superRefine((value, ctx) => {
      const problem = concurrencyProblem(value);
      if (problem !== undefined) ctx.addIssue({ code: "custom", message: `concurrency ${problem}` });
    })
    .transform((value) => value as number)
    .optional(),
}).nullish();

/** `ether_every`: a period as `@every` takes it, or { period: ... }. */
const everyArgs = z.unknown().superRefine((value, ctx) => {
  const problem = periodProblem(everyPeriod(value));
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: `ether_every takes a period (100ms, 10Hz, { hz: 10 } or { period: 100ms }): ${problem}` });
});

const registryMethodSchema = strict("registryMethod", {
  ether_sub: subArgs,
  ether_pub: decoratorArgs,
  ether_start: strict("startArgs", {}).nullish(),
  ether_every: everyArgs.optional(),
});

const registryEntrySchema = strict("registryEntry", {
  methods: z.record(z.string(), registryMethodSchema.nullable(), {
    error: (iss) =>
      iss.input === undefined
        ? `methods is missing; name the methods to decorate, e.g. methods: { process_data: { ether_sub: { topic: data } } }`
        : `methods must be a map of method names, got ${describeValue(iss.input)}`,
  }),
});

const topicSchema = strict("topic", {
  capacity: sizeIn("capacity", 1, MAX_CAPACITY).optional(),
  max_frame: sizeIn("max_frame", 1, MAX_CAPACITY).optional(),
  policy: oneOf(POLICIES, "policy", "block").optional(),
  lanes: z.boolean({ error: (iss) => `lanes must be true or false, got ${describeValue(iss.input)}` }).optional(),
  type: z
    .string({ error: (iss) => `type must name a FlatBuffers table class generated by flatc --ts, e.g. ./generated/imu/sample.ts#Sample, got ${describeValue(iss.input)}` })
    .optional(),
});

function mapOf<T extends z.ZodType>(what: string, value: T, example: string) {
  return z.record(z.string(), value, {
    error: (iss) =>
      iss.input === undefined
        ? `${what} is missing; add at least one, e.g. ${what}: ${example}`
        : `${what} must be a map like ${example}, got ${describeValue(iss.input)}`,
  });
}

/** The whole config as written. `instances:` with nothing under it (null) is reported as empty by build.ts. */
export const configSchema = strict("top", {
  session: sessionSchema.nullish(),
  instances: mapOf("instances", instanceSchema.nullable(), "{ processor2x: { class_path: ./processors.ts#DataProcessor } }").nullable(),
  registry: mapOf("registry", registryEntrySchema.nullable(), '{ "third_party.module.Class": { methods: { … } } }').nullish(),
  topics: mapOf("topics", topicSchema.nullable(), "{ data: { capacity: 4MiB, policy: block } }").nullish(),
});

/** The config as written, after the schema: shapes are right, sizes are bytes, durations are ms. */
export type RawConfig = z.output<typeof configSchema>;
export type RawInstance = z.output<typeof instanceSchema>;
export type RawTopic = z.output<typeof topicSchema>;
export type RawRegistryEntry = z.output<typeof registryEntrySchema>;

function unknownKeyIssue(kind: Kind, path: KeyPath, key: string): ConfigIssue & { readonly suggests?: string | undefined } {
  const { keys, later } = KINDS[kind];
  const at = [...path, key];
  const planned = (later as Record<string, string>)[key];
  if (planned !== undefined) {
    return { path: at, target: "key", detail: `"${key}" is not supported yet (${planned}); remove it. Known keys here: ${keys.join(", ")}` };
  }
  if (keys.length === 0) return { path: at, target: "key", detail: `unknown key "${key}": this map takes no keys; write ${KINDS[kind].example}` };
  const suggests = closest(key, keys);
  const hint = suggests === undefined ? "" : ` did you mean "${suggests}"?`;
  return { path: at, target: "key", detail: `unknown key "${key}";${hint} known keys here: ${keys.join(", ")}`, suggests };
}

function valueAt(root: unknown, path: KeyPath): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/**
 * Turns zod's issues into config problems (one per unknown key), on the config as written (`raw`).
 * A required key reported missing next to an unknown key that is its misspelling (`clas_path`) is
 * left out: the unknown key's suggestion says it all, and at the right line.
 */
export function toIssues(issues: readonly z.core.$ZodIssue[], raw: unknown): ConfigIssue[] {
  const out = collectIssues(issues);
  const suggested = new Set<string>();
  for (const issue of out) {
    if ("suggests" in issue && issue.suggests !== undefined) suggested.add(JSON.stringify([...issue.path.slice(0, -1), issue.suggests]));
  }
  return out.filter((issue) => {
    if (!suggested.has(JSON.stringify(issue.path))) return true;
    const parent = valueAt(raw, issue.path.slice(0, -1));
    const missing = parent !== null && typeof parent === "object" && !Object.hasOwn(parent, issue.path[issue.path.length - 1]!);
    return !missing;
  });
}

function collectIssues(issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol") as KeyPath;
    if (issue.code === "unrecognized_keys" && issue.message.startsWith(UNKNOWN_KEYS_MARKER)) {
      const kind = issue.message.slice(UNKNOWN_KEYS_MARKER.length) as Kind;
      for (const key of issue.keys) out.push(unknownKeyIssue(kind, path, key));
      continue;
    }
    out.push({ path, target: "value", detail: issue.message });
  }
  return out;
}
