/**
 * The YAML `registry:` section: the same declarations as `@sub`, `@pub`, `@start` and `@every`,
 * applied to a class whose source the user cannot edit.
 *
 * ```yaml
 * registry:
 *   ./vendor/filters.js#LowPass:
 *     methods:
 *       filter: { ether_sub: { topic: raw }, ether_pub: { topic: smooth } }
 *   ./vendor/thermometer.js#Thermometer:
 *     methods:
 *       read: { ether_every: 100ms, ether_pub: { topic: temperature } }   # or { hz: 10 }, or { period: 100ms }
 *       connect: { ether_start: {} }
 * ```
 *
 * Semantics (decided here, relied on by the runtime):
 * - The class is changed in place: its metadata gains the declarations, and each listed method gets
 *   a wrapper defined on the class's own prototype (an inherited method is wrapped there too, never on
 *   the base class, which other classes may share). Instances made before still see the wrapped
 *   methods through their prototype; a wrapper is the plain method until its instance is bound, so
 *   nothing changes for them outside a session. An instance that copied a method into an own property
 *   before (`this.m = this.m.bind(this)`) keeps the unwrapped copy: apply the registry before
 *   constructing instances, as the runtime does.
 * - Every listed method is wrapped, even one that only subscribes: the class then owns the method, so a
 *   `@pub` base implementation it inherits does not publish behind the registry's back.
 * - Applying again replaces what earlier calls declared (and never wraps twice); declarations made by
 *   decorators in the class body are kept, and the same topic (or `@start`, or the same period)
 *   declared both ways counts once. A method is called either with messages (`ether_sub`) or on its
 *   own (`ether_start`, `ether_every`), as with the decorators, and has one period.
 * - Default topics are `ClassName.method` with this class's name, as if the class body had decorated it.
 * - Every method is checked before anything changes: a missing method is ERR_ETHER_REGISTRY_METHOD
 *   naming the class and listing its methods (with a camelCase hint for the seed's snake_case names).
 *
 * @example
 *   applyDecorators(LowPass, { filter: { ether_sub: { topic: "raw" }, ether_pub: { topic: "smooth" } } });
 *   componentMeta(LowPass).pubs;   // [{ method: "filter", topic: "smooth", declaredIn: "LowPass" }]
 */
import { errors } from "../errors.js";
import {
  concurrencyProblem,
  methodRecord,
  ownMetadata,
  ownRecord,
  type DeclaredPub,
  type DeclaredSub,
  type MethodRecord,
  type SubOptions,
} from "./metadata.js";
import { installMethod, makePublishWrapper, wrapState } from "./publish-wrapper.js";
import { TOPIC_NAME_MAX_LENGTH } from "../transport/session-layout.js";
import { everyPeriod, parsePeriod, periodProblem, show, type Period } from "./period.js";

/**
 * Arguments of one registry decorator; `null` (YAML `ether_sub:` with no value) means the default topic.
 *
 * @example
 *   const args: RegistryDecoratorArgs = { topic: "data" };
 */
export type RegistryDecoratorArgs = { readonly topic?: string | undefined; readonly concurrency?: number | undefined } | null;

/**
 * What the registry declares for one method. Absent keys declare nothing.
 *
 * @example
 *   const spec: RegistryMethodSpec = { ether_sub: { topic: "data" }, ether_pub: { topic: "processed_data" } };
 */
export interface RegistryMethodSpec {
  readonly ether_sub?: RegistryDecoratorArgs | undefined;
  readonly ether_pub?: RegistryDecoratorArgs | undefined;
  /** As `@start()`: called once when the session starts. `{}` or null. */
  readonly ether_start?: Readonly<Record<string, never>> | null | undefined;
  /** As `@every(period)`: a period (`"100ms"`, `250`, `{ hz: 10 }`) or `{ period }`. */
  readonly ether_every?: Period | { readonly period: Period } | undefined;
}

const SPEC_KEYS: readonly string[] = ["ether_sub", "ether_pub", "ether_start", "ether_every"];
const ON_ITS_OWN = "a method is called either with messages (ether_sub, @sub) or on its own (ether_start, ether_every, @start, @every)";
const ARG_KEYS: Readonly<Record<"ether_sub" | "ether_pub", readonly string[]>> = { ether_sub: ["topic", "concurrency"], ether_pub: ["topic"] };
const EMPTY_OPTIONS = Object.freeze({});
const encoder = new TextEncoder();

interface Plan {
  readonly method: string;
  readonly subTopics: readonly (string | undefined)[];
  /** Options of its subscriptions (`ether_sub.concurrency`). */
  readonly subOptions: Readonly<SubOptions>;
  readonly pubTopics: readonly (string | undefined)[];
  readonly start: boolean;
  readonly periodMs: number | undefined;
}

/**
 * Applies registry declarations to `Class` (see the module comment for the semantics).
 *
 * @example
 *   applyDecorators(ThirdPartyProcessor, { process_data: { ether_sub: { topic: "data" }, ether_pub: null } });
 */
export function applyDecorators(Class: Function, methods: Readonly<Record<string, RegistryMethodSpec | null | undefined>>): void {
  if (typeof Class !== "function" || typeof Class.prototype !== "object" || Class.prototype === null) {
    throw errors.invalidOption("applyDecorators", "Class", `must be a class, got ${Class === null ? "null" : typeof Class}`);
  }
  if (typeof methods !== "object" || methods === null || Array.isArray(methods)) {
    throw errors.invalidOption(`registry ${Class.name}`, "methods", "must be a map of method names to { ether_sub, ether_pub }");
  }
  const proto = Class.prototype as object;
  const plans: Plan[] = [];
  for (const [method, spec] of Object.entries(methods)) {
    if (method === "constructor" || typeof methodOf(proto, method) !== "function") {
      const available = methodNames(proto);
      throw errors.registryMethod(Class.name, method, available, hint(method, available));
    }
    plans.push(plan(Class.name, method, spec));
  }
  const record = ownRecord(ownMetadata(Class));
  for (const p of plans) {
    const m = methodRecord(record, p.method);
    const where = `registry ${Class.name}.${p.method}`;
    const startDecorated = m.startOrigin === "decorator";
    const everyDecorated = m.periodOrigin === "decorator";
    if (p.subTopics.length > 0 && (startDecorated || everyDecorated)) {
      throw errors.invalidOption(where, "ether_sub", `cannot apply: the method is @${startDecorated ? "start" : "every"}, and ${ON_ITS_OWN}`);
    }
    if ((p.start || p.periodMs !== undefined) && m.subs.some((s) => s.origin === "decorator")) {
      throw errors.invalidOption(where, p.start ? "ether_start" : "ether_every", `cannot apply: the method is @sub, and ${ON_ITS_OWN}`);
    }
    if (p.periodMs !== undefined && everyDecorated && m.periodMs !== p.periodMs) {
      throw errors.invalidOption(where, "ether_every", `cannot apply: the method is already @every with a period of ${m.periodMs} ms (one period per method)`);
    }
  }
  for (const p of plans) {
    const m = methodRecord(record, p.method);
    m.owner ??= Class.name;
    replaceRegistryDeclarations(m, p);
    const current = methodOf(proto, p.method) as Function;
    if (!Object.hasOwn(proto, p.method) || wrapState(current)?.record !== m) {
      installMethod(proto, p.method, makePublishWrapper(current, m), Class.name);
    }
  }
}

function plan(className: string, method: string, spec: unknown): Plan {
  const where = `registry ${className}.${method}`;
  if (spec === null || spec === undefined) return { method, subTopics: [], subOptions: EMPTY_OPTIONS, pubTopics: [], start: false, periodMs: undefined };
  if (typeof spec !== "object" || Array.isArray(spec)) {
    throw errors.invalidOption(where, "(method)", `must be a map of ${SPEC_KEYS.join(", ")}, got ${Array.isArray(spec) ? "an array" : typeof spec}`);
  }
  const unknown = Object.keys(spec).filter((k) => !SPEC_KEYS.includes(k));
  if (unknown.length > 0) throw errors.invalidOption(where, unknown[0]!, `is not known; known: ${SPEC_KEYS.join(", ")}`);
  const s = spec as RegistryMethodSpec;
  const topics = (key: "ether_sub" | "ether_pub"): (string | undefined)[] => {
    const args = s[key];
    if (args === undefined) return [];
    if (args === null) return [undefined];
    if (typeof args !== "object" || Array.isArray(args)) throw errors.invalidOption(where, key, "must be a map such as { topic: data }, or empty for the default topic");
    const extra = Object.keys(args).filter((k) => !ARG_KEYS[key].includes(k));
    if (extra.length > 0) throw errors.invalidOption(where, `${key}.${extra[0]}`, `is not known; known: ${ARG_KEYS[key].join(", ")}`);
    const topic = args.topic;
    if (topic !== undefined) {
      if (typeof topic !== "string" || topic.length === 0) throw errors.invalidOption(where, `${key}.topic`, "must be a non-empty string");
      const bytes = encoder.encode(topic).length;
      if (bytes > TOPIC_NAME_MAX_LENGTH) throw errors.invalidOption(where, `${key}.topic`, `is ${bytes} bytes; at most ${TOPIC_NAME_MAX_LENGTH}`);
    }
    return [topic];
  };
  const subTopics = topics("ether_sub");
  const concurrency = s.ether_sub?.concurrency;
  const problem = concurrency === undefined ? undefined : concurrencyProblem(concurrency);
  if (problem !== undefined) throw errors.invalidOption(where, "ether_sub.concurrency", problem);
  const start = startOf(where, s.ether_start);
  const periodMs = periodOf(where, s.ether_every);
  if (subTopics.length > 0 && (start || periodMs !== undefined)) {
    throw errors.invalidOption(where, start ? "ether_start" : "ether_every", `cannot go with ether_sub: ${ON_ITS_OWN}`);
  }
  return { method, subTopics, subOptions: concurrency === undefined ? EMPTY_OPTIONS : Object.freeze({ concurrency }), pubTopics: topics("ether_pub"), start, periodMs };
}

/** `ether_start`: absent, or `{}` / null. */
function startOf(where: string, args: unknown): boolean {
  if (args === undefined) return false;
  if (args === null || (typeof args === "object" && !Array.isArray(args) && Object.keys(args).length === 0)) return true;
  throw errors.invalidOption(where, "ether_start", "takes no arguments: write ether_start: {}");
}

/** `ether_every`: absent, a period, or `{ period }`; milliseconds. */
function periodOf(where: string, args: unknown): number | undefined {
  if (args === undefined) return undefined;
  if (typeof args === "object" && args !== null && !Array.isArray(args) && !Object.hasOwn(args, "hz")) {
    const extra = Object.keys(args).filter((k) => k !== "period");
    if (extra.length > 0) throw errors.invalidOption(where, `ether_every.${extra[0]}`, "is not known; write a period (100ms, { hz: 10 }) or { period: 100ms }");
  }
  const period = everyPeriod(args);
  const problem = periodProblem(period);
  if (problem !== undefined) throw errors.invalidOption(where, "ether_every", `got ${show(period)}: ${problem}`);
  return parsePeriod(period as Period);
}

/** Drops what earlier registry calls declared on `m`, then adds this plan's declarations. */
function replaceRegistryDeclarations(m: MethodRecord, p: Plan): void {
  removeWhere(m.subs, (s) => s.origin === "registry");
  removeWhere(m.pubs, (s) => s.origin === "registry");
  for (const topic of p.subTopics) {
    if (!m.subs.some((s) => s.topic === topic)) m.subs.push({ topic, options: p.subOptions, origin: "registry" } satisfies DeclaredSub);
  }
  for (const topic of p.pubTopics) {
    if (!m.pubs.some((s) => s.topic === topic)) m.pubs.push({ topic, origin: "registry" } satisfies DeclaredPub);
  }
  m.resolvedPubs = undefined;
  if (m.startOrigin === "registry") {
    m.start = false;
    m.startOrigin = undefined;
  }
  if (m.periodOrigin === "registry") {
    m.periodMs = undefined;
    m.periodOrigin = undefined;
  }
  if (p.start && !m.start) {
    m.start = true;
    m.startOrigin = "registry";
  }
  if (p.periodMs !== undefined && m.periodMs === undefined) {
    m.periodMs = p.periodMs;
    m.periodOrigin = "registry";
  }
}

function removeWhere<T>(list: T[], drop: (item: T) => boolean): void {
  let kept = 0;
  for (const item of list) if (!drop(item)) list[kept++] = item;
  list.length = kept;
}

/** The value of a data property found along the prototype chain (getters are not called). */
function methodOf(proto: object, name: string): unknown {
  for (let p: object | null = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    const desc = Object.getOwnPropertyDescriptor(p, name);
    if (desc !== undefined) return desc.value;
  }
  return undefined;
}

/** Names of the methods instances of the class have (own and inherited, not Object's), sorted. */
function methodNames(proto: object): string[] {
  const names = new Set<string>();
  for (let p: object | null = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name !== "constructor" && typeof Object.getOwnPropertyDescriptor(p, name)?.value === "function") names.add(name);
    }
  }
  return [...names].sort();
}

/** ` (did you mean processData?)` when a method matches ignoring case, `_` and `-` (seed YAML is snake_case). */
function hint(method: string, available: readonly string[]): string {
  const key = (s: string): string => s.toLowerCase().replace(/[_-]/g, "");
  const match = available.find((name) => key(name) === key(method));
  return match === undefined ? "" : ` (did you mean ${match}?)`;
}
