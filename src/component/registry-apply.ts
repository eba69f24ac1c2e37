/**
 * The YAML `registry:` section: the same declarations as `@sub`/`@pub`, applied to a class whose
 * source the user cannot edit.
 *
 * ```yaml
 * registry:
 *   ./vendor/filters.js#LowPass:
 *     methods:
 *       filter: { ether_sub: { topic: raw }, ether_pub: { topic: smooth } }
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
 *   decorators in the class body are kept, and the same topic declared both ways counts once.
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
  methodRecord,
  ownMetadata,
  ownRecord,
  type DeclaredPub,
  type DeclaredSub,
  type MethodRecord,
} from "./metadata.js";
import { installMethod, makePublishWrapper, wrapState } from "./publish-wrapper.js";
import { TOPIC_NAME_MAX_LENGTH } from "../transport/session-layout.js";

/**
 * Arguments of one registry decorator; `null` (YAML `ether_sub:` with no value) means the default topic.
 *
 * @example
 *   const args: RegistryDecoratorArgs = { topic: "data" };
 */
export type RegistryDecoratorArgs = { readonly topic?: string | undefined } | null;

/**
 * What the registry declares for one method. Absent keys declare nothing.
 *
 * @example
 *   const spec: RegistryMethodSpec = { ether_sub: { topic: "data" }, ether_pub: { topic: "processed_data" } };
 */
export interface RegistryMethodSpec {
  readonly ether_sub?: RegistryDecoratorArgs | undefined;
  readonly ether_pub?: RegistryDecoratorArgs | undefined;
}

const SPEC_KEYS: readonly string[] = ["ether_sub", "ether_pub"];
const ARG_KEYS: readonly string[] = ["topic"];
const EMPTY_OPTIONS = Object.freeze({});
const encoder = new TextEncoder();

interface Plan {
  readonly method: string;
  readonly subTopics: readonly (string | undefined)[];
  readonly pubTopics: readonly (string | undefined)[];
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
    if (p.subTopics.length > 0 && (m.start || m.periodMs !== undefined)) {
      throw errors.invalidOption(
        `registry ${Class.name}.${p.method}`,
        "ether_sub",
        `cannot apply: the method is @${m.start ? "start" : "every"}, and a method is called either with messages or on its own`,
      );
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
  if (spec === null || spec === undefined) return { method, subTopics: [], pubTopics: [] };
  if (typeof spec !== "object" || Array.isArray(spec)) {
    throw errors.invalidOption(where, "(method)", `must be a map with ether_sub and/or ether_pub, got ${Array.isArray(spec) ? "an array" : typeof spec}`);
  }
  const unknown = Object.keys(spec).filter((k) => !SPEC_KEYS.includes(k));
  if (unknown.length > 0) throw errors.invalidOption(where, unknown[0]!, `is not known; known: ${SPEC_KEYS.join(", ")}`);
  const s = spec as RegistryMethodSpec;
  const topics = (key: "ether_sub" | "ether_pub"): (string | undefined)[] => {
    const args = s[key];
    if (args === undefined) return [];
    if (args === null) return [undefined];
    if (typeof args !== "object" || Array.isArray(args)) throw errors.invalidOption(where, key, "must be a map such as { topic: data }, or empty for the default topic");
    const extra = Object.keys(args).filter((k) => !ARG_KEYS.includes(k));
    if (extra.length > 0) throw errors.invalidOption(where, `${key}.${extra[0]}`, `is not known; known: ${ARG_KEYS.join(", ")}`);
    const topic = args.topic;
    if (topic !== undefined) {
      if (typeof topic !== "string" || topic.length === 0) throw errors.invalidOption(where, `${key}.topic`, "must be a non-empty string");
      const bytes = encoder.encode(topic).length;
      if (bytes > TOPIC_NAME_MAX_LENGTH) throw errors.invalidOption(where, `${key}.topic`, `is ${bytes} bytes; at most ${TOPIC_NAME_MAX_LENGTH}`);
    }
    return [topic];
  };
  return { method, subTopics: topics("ether_sub"), pubTopics: topics("ether_pub") };
}

/** Drops what earlier registry calls declared on `m`, then adds this plan's declarations. */
function replaceRegistryDeclarations(m: MethodRecord, p: Plan): void {
  removeWhere(m.subs, (s) => s.origin === "registry");
  removeWhere(m.pubs, (s) => s.origin === "registry");
  for (const topic of p.subTopics) {
    if (!m.subs.some((s) => s.topic === topic)) m.subs.push({ topic, options: EMPTY_OPTIONS, origin: "registry" } satisfies DeclaredSub);
  }
  for (const topic of p.pubTopics) {
    if (!m.pubs.some((s) => s.topic === topic)) m.pubs.push({ topic, origin: "registry" } satisfies DeclaredPub);
  }
  m.resolvedPubs = undefined;
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
