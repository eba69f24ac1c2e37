/**
 * Component metadata: which methods of a class subscribe, publish, start or run periodically, and on
 * which topics. Decorators (and the YAML `registry:`) record it; the host reads it with
 * `componentMeta(Class)`.
 *
 * This module also installs the `Symbol.metadata` polyfill, as its first statement: Node 20 has no
 * `Symbol.metadata`, and the decorator helpers that tsc and esbuild emit read it while a class is being
 * defined (tsc passes `context.metadata = undefined` when it is missing, so nothing could be recorded).
 * Every realm (main thread, each worker) evaluates this module before any decorated class, because
 * `decorators.ts` imports it first and a user's module imports the decorators.
 *
 * @example
 *   class Sensor {
 *     @every("10ms") @pub() read() { return { t: 21.5 }; }
 *   }
 *   componentMeta(Sensor).everys;   // [{ method: "read", periodMs: 10, declaredIn: "Sensor" }]
 *   componentMeta(Sensor).pubs;     // [{ method: "read", topic: "Sensor.read", declaredIn: "Sensor" }]
 */
import type { ZodType } from "zod";
import { errors } from "../errors.js";

// The polyfill. `Symbol.for` gives the same symbol in every realm and in every copy of this module, and
// it is the symbol esbuild's helpers (tsx) fall back to, so classes compiled by tsc or by esbuild meet.
// Non-writable and non-configurable like the real one; skipped when the runtime has its own.
if (typeof (Symbol as { metadata?: symbol }).metadata !== "symbol") {
  Object.defineProperty(Symbol, "metadata", { value: Symbol.for("Symbol.metadata") });
}

/**
 * `Symbol.metadata`: the polyfilled symbol (or the runtime's own).
 *
 * @example
 *   Object.hasOwn(Sensor, METADATA);   // true for a class with decorators
 */
export const METADATA: symbol = (Symbol as unknown as { metadata: symbol }).metadata;

/**
 * Options of `@sub`. Validated when the decorator is applied; unknown keys are errors.
 *
 * @example
 *   const options: SubOptions = { schema: z.object({ data: z.number() }) };
 */
export interface SubOptions {
  /** A zod schema: a message that fails it is not delivered (the host dead-letters it). */
  readonly schema?: ZodType;
  /**
   * How many calls of an async handler may run at once (default 1: one message at a time, in order).
   * They start in message order and may finish in any; each message's frame stays held until its
   * call settles. Block and reject topics only (a drop-oldest topic is handled one at a time).
   */
  readonly concurrency?: number;
}

/** Most calls of one subscription's handler running at once. */
export const MAX_CONCURRENCY = 1024;

/** Why `value` is not a subscription's concurrency, or undefined when it is one. */
export function concurrencyProblem(value: unknown): string | undefined {
  if (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_CONCURRENCY) return undefined;
  return `must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${typeof value === "string" ? JSON.stringify(value) : String(value)}`;
}

/**
 * One subscription: the host calls `instance[method](message)` for each message on `topic`.
 *
 * @example
 *   const s: SubDecl = { method: "processData", topic: "data", options: {}, declaredIn: "DataProcessor" };
 */
export interface SubDecl {
  readonly method: string;
  readonly topic: string;
  readonly schema?: ZodType;
  readonly options: Readonly<SubOptions>;
  /** The class whose declaration this is (a base class for an inherited method). */
  readonly declaredIn: string;
}

/**
 * One publication: what `instance[method]()` returns is published on `topic` (in a session).
 *
 * @example
 *   const p: PubDecl = { method: "processData", topic: "result", declaredIn: "DataProcessor" };
 */
export interface PubDecl {
  readonly method: string;
  readonly topic: string;
  readonly declaredIn: string;
}

/**
 * A method the host calls once, with no arguments, when the session starts.
 *
 * @example
 *   const s: StartDecl = { method: "run", declaredIn: "DataGenerator" };
 */
export interface StartDecl {
  readonly method: string;
  readonly declaredIn: string;
}

/**
 * A method the host calls every `periodMs` milliseconds (may be fractional: `{ hz: 3000 }`).
 *
 * @example
 *   const e: EveryDecl = { method: "read", periodMs: 10, declaredIn: "TemperatureSensor" };
 */
export interface EveryDecl {
  readonly method: string;
  readonly periodMs: number;
  readonly declaredIn: string;
}

/**
 * Everything a host needs to run instances of one class. Lists are empty for a plain class.
 *
 * @example
 *   for (const s of componentMeta(Class).subs) subscribe(s.topic, (m) => instance[s.method](m));
 */
export interface ComponentMeta {
  readonly className: string;
  readonly subs: readonly SubDecl[];
  readonly pubs: readonly PubDecl[];
  readonly starts: readonly StartDecl[];
  readonly everys: readonly EveryDecl[];
}

// ---------------------------------------------------------------------------------------------------
// The stored model (internal to the component layer). One `ClassRecord` per class, kept in that class's
// own metadata object under a `Symbol.for` key, so that two copies of this module (dist and a tsx-loaded
// source, say) read each other's records. Bump the key's version if the shapes below change.

const RECORD = Symbol.for("etherflow.component.v1");

/** Where a declaration came from: a decorator in the class body, or `applyDecorators` (YAML registry). */
export type Origin = "decorator" | "registry";

/** @internal A subscription as declared: `topic` undefined means the default `ClassName.method`. */
export interface DeclaredSub {
  readonly topic: string | undefined;
  readonly options: Readonly<SubOptions>;
  readonly origin: Origin;
}

/** @internal A publication as declared. */
export interface DeclaredPub {
  readonly topic: string | undefined;
  readonly origin: Origin;
}

/** @internal Everything one class declares about one of its methods. */
export interface MethodRecord {
  readonly method: string;
  readonly subs: DeclaredSub[];
  readonly pubs: DeclaredPub[];
  start: boolean;
  periodMs: number | undefined;
  /** Who declared `start` (undefined while it is false): registry declarations are replaced when it applies again. */
  startOrigin: Origin | undefined;
  /** Who declared `periodMs` (undefined while there is none). */
  periodOrigin: Origin | undefined;
  /** Name of the class that declares this record, once known (see `resolveOwners`). */
  owner: string | undefined;
  /** `pubs` with default topics filled in, cached; reset to undefined whenever `pubs` changes. */
  resolvedPubs: readonly string[] | undefined;
}

/** @internal */
export interface ClassRecord {
  readonly methods: Map<string, MethodRecord>;
}

type MetadataObject = Record<PropertyKey, unknown>;

/** @internal The record kept in this metadata object itself (never one inherited through its prototype). */
export function ownRecord(metadata: object): ClassRecord {
  const meta = metadata as MetadataObject;
  if (Object.hasOwn(meta, RECORD)) return meta[RECORD] as ClassRecord;
  const record: ClassRecord = { methods: new Map() };
  Object.defineProperty(meta, RECORD, { value: record, enumerable: false });
  return record;
}

/** @internal This method's record in a class record, created empty on first use. */
export function methodRecord(record: ClassRecord, method: string): MethodRecord {
  let m = record.methods.get(method);
  if (m === undefined) {
    m = { method, subs: [], pubs: [], start: false, periodMs: undefined, startOrigin: undefined, periodOrigin: undefined, owner: undefined, resolvedPubs: undefined };
    record.methods.set(method, m);
  }
  return m;
}

/** @internal The class's own metadata object, created (inheriting from its base's) when it has none. */
export function ownMetadata(Class: Function): object {
  if (Object.hasOwn(Class, METADATA)) return (Class as unknown as MetadataObject)[METADATA] as object;
  const base = Object.getPrototypeOf(Class) as MetadataObject | null;
  const metadata = Object.create((base?.[METADATA] as object | undefined) ?? null) as object;
  Object.defineProperty(Class, METADATA, { value: metadata, enumerable: true, configurable: true, writable: true });
  return metadata;
}

/** @internal A class and what it declares itself (not what it inherits). */
export interface DeclaringClass {
  readonly Class: Function;
  readonly record: ClassRecord;
}

/** @internal The class and its bases, most derived first, that declare something themselves. */
export function declaringClasses(Class: Function): DeclaringClass[] {
  const out: DeclaringClass[] = [];
  for (let C: unknown = Class; typeof C === "function" && C !== Function.prototype; C = Object.getPrototypeOf(C)) {
    if (!Object.hasOwn(C, METADATA)) continue;
    const metadata = (C as unknown as MetadataObject)[METADATA];
    if (typeof metadata !== "object" || metadata === null || !Object.hasOwn(metadata, RECORD)) continue;
    out.push({ Class: C, record: (metadata as MetadataObject)[RECORD] as ClassRecord });
  }
  return out;
}

/**
 * @internal The record that decides each method of `Class`: per method name, the most derived class
 * that declares anything about it wins entirely (a subclass that redecorates a method replaces the
 * base's declarations for it; a subclass that only overrides it keeps them). Also fills in `owner`.
 */
export function effectiveRecords(Class: Function): Map<string, { record: MethodRecord; declaredIn: Function }> {
  const winners = new Map<string, { record: MethodRecord; declaredIn: Function }>();
  for (const { Class: C, record } of declaringClasses(Class)) {
    for (const [method, m] of record.methods) {
      m.owner ??= C.name;
      if (!winners.has(method) && !isEmpty(m)) winners.set(method, { record: m, declaredIn: C });
    }
  }
  return winners;
}

function isEmpty(m: MethodRecord): boolean {
  return m.subs.length === 0 && m.pubs.length === 0 && !m.start && m.periodMs === undefined;
}

/** @internal The topic a declaration means: its own, or `Owner.method`. */
export function topicOf(declared: string | undefined, owner: string, method: string): string {
  if (declared !== undefined) return declared;
  if (owner === "") throw errors.anonymousComponent(method);
  return `${owner}.${method}`;
}

/** @internal The record's publication topics with defaults filled in (cached on the record). */
export function resolvedPubs(m: MethodRecord, owner: string | undefined): readonly string[] {
  if (m.resolvedPubs !== undefined) return m.resolvedPubs;
  if (owner !== undefined) m.owner ??= owner;
  const name = m.owner ?? "";
  m.resolvedPubs = Object.freeze(m.pubs.map((p) => topicOf(p.topic, name, m.method)));
  return m.resolvedPubs;
}

/**
 * What a class declares, including what it inherits from its base classes. A base class's decorated
 * method stays decorated in a subclass that overrides it without decorating the override (the host
 * calls the override; a `@pub` override also publishes once an instance is bound, see `bindInstance`);
 * a subclass that decorates its override replaces the base's declarations for that method. Default
 * topics use the name of the class that declares the method.
 *
 * Returns fresh frozen lists in declaration order, base classes first.
 *
 * @example
 *   class Processor { @sub("data") @pub("result") process(m: { x: number }) { return { y: m.x * 2 }; } }
 *   class Faster extends Processor { override process(m: { x: number }) { return { y: m.x << 1 }; } }
 *   componentMeta(Faster).subs;   // [{ method: "process", topic: "data", options: {}, declaredIn: "Processor" }]
 */
export function componentMeta(Class: Function): ComponentMeta {
  if (typeof Class !== "function") throw errors.invalidOption("componentMeta", "Class", `must be a class, got ${describe(Class)}`);
  const winners = effectiveRecords(Class);
  const subs: SubDecl[] = [];
  const pubs: PubDecl[] = [];
  const starts: StartDecl[] = [];
  const everys: EveryDecl[] = [];
  for (const { Class: C, record } of declaringClasses(Class).reverse()) {
    for (const [method, m] of record.methods) {
      if (winners.get(method)?.record !== m) continue;
      const declaredIn = C.name;
      for (const s of m.subs) {
        const decl: SubDecl = s.options.schema === undefined
          ? { method, topic: topicOf(s.topic, declaredIn, method), options: s.options, declaredIn }
          : { method, topic: topicOf(s.topic, declaredIn, method), schema: s.options.schema, options: s.options, declaredIn };
        subs.push(Object.freeze(decl));
      }
      for (const topic of resolvedPubs(m, declaredIn)) pubs.push(Object.freeze({ method, topic, declaredIn }));
      if (m.start) starts.push(Object.freeze({ method, declaredIn }));
      if (m.periodMs !== undefined) everys.push(Object.freeze({ method, periodMs: m.periodMs, declaredIn }));
    }
  }
  return Object.freeze({
    className: Class.name,
    subs: Object.freeze(subs),
    pubs: Object.freeze(pubs),
    starts: Object.freeze(starts),
    everys: Object.freeze(everys),
  });
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return `an object (${Object.prototype.toString.call(value)})`;
  return `${typeof value} ${String(value)}`;
}
