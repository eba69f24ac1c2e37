/**
 * The wrapper `@pub` puts around a method: it is the plain method until its instance is bound to a
 * host (`bindInstance`), and then publishes what the method returns. Per call, unbound: a property
 * load and one WeakMap lookup, then the method. Bound: the method, then `ctx.publish` for each of the method's topics.
 *
 * Bound semantics, in order:
 * - the method throws (or its promise rejects): the error propagates, nothing is published;
 * - it returns `skip` (or a promise of `skip`): nothing is published;
 * - it returns a promise: the wrapper returns a promise that resolves, with the same value, after
 *   the value is published;
 * - `undefined` is published as the empty message `{}`;
 * - a plain object (anything but null, an array, an ArrayBuffer or a view) is published as it is;
 * - a typed array, Buffer or DataView is published as raw bytes (its handlers get a Uint8Array);
 * - anything else is a mistake: ERR_ETHER_PUBLISH_RETURN names the instance, class.method and topic
 *   (thrown, or the returned promise rejects), after the method ran;
 * - the caller gets the method's own return value; if `ctx.publish` returns a promise, the wrapper
 *   returns a promise of that value instead (a host whose publish is synchronous keeps sync sync).
 *
 * Only the instance's effective implementation publishes: a `@pub` base method reached through
 * `super.method()` from an override does not publish (the override's result is what the instance
 * publishes), while recursion through `this.method()` publishes at every level, as plain calls would.
 *
 * @example
 *   const w = makePublishWrapper(Sensor.prototype.read, record);   // what @pub returns
 */
import { errors } from "../errors.js";
import type { InstanceContext } from "./context.js";
import { boundContext } from "./instance-store.js";
import { effectiveRecords, resolvedPubs, type MethodRecord } from "./metadata.js";
import { skip } from "./skip.js";

/** @internal What a wrapper knows: the wrapped function and the record that lists its topics. */
export interface WrapState {
  readonly original: Function;
  readonly record: MethodRecord;
  /**
   * What the bound wrapper does with the method's result once it is the instance's effective
   * implementation: publishes it (after it settles, for a promise) and returns what the caller gets.
   * A host that calls `original` itself for the method `instance[method]` resolves to hands the result
   * here, and skips the look-ups a call from anywhere needs (~20 ns of a ~250 ns handler call).
   */
  readonly settle: (ctx: InstanceContext, self: object, result: unknown) => unknown;
}

/**
 * Where a message comes from, as `InstanceContext.publish` receives it. One frozen object per
 * (context, method), reused across publishes: a host may keep it.
 *
 * @example
 *   const place: Place = { instance: "processor2x", method: "processData" };
 */
export interface Place {
  readonly instance: string;
  readonly method: string;
}

const WRAP = Symbol.for("etherflow.publishWrapper.v1");

/**
 * The empty message a `@pub` method's `undefined` becomes. Frozen and shared: hosts must not mutate it.
 *
 * @example
 *   if (message === EMPTY_MESSAGE) encodeEmpty();
 */
export const EMPTY_MESSAGE: Readonly<Record<string, never>> = Object.freeze({});

/** @internal The state of a wrapper made by any copy of this module, or undefined for other values. */
export function wrapState(fn: unknown): WrapState | undefined {
  return typeof fn === "function" ? ((fn as unknown as Record<symbol, WrapState | undefined>)[WRAP]) : undefined;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** @internal Wraps `original` so that it publishes on `record`'s topics when its instance is bound. */
export function makePublishWrapper(original: Function, record: MethodRecord): Function {
  const call = original as Method;
  const method = record.method;
  // The place object is reused while the same context publishes (the common case: one per instance).
  let placeCtx: InstanceContext | undefined;
  let place: Place | undefined;

  function placeFor(ctx: InstanceContext): Place {
    if (ctx !== placeCtx) {
      placeCtx = ctx;
      place = Object.freeze({ instance: ctx.instanceName, method });
    }
    return place!;
  }

  function topics(self: object): readonly string[] {
    return record.resolvedPubs ?? resolvedPubs(record, record.owner === undefined ? ownerName(self, method, wrapper) : undefined);
  }

  function publishValue(ctx: InstanceContext, self: object, value: unknown): void | Promise<void> {
    if (value === skip) return;
    const list = topics(self);
    let message: unknown = value;
    if (value === undefined) message = EMPTY_MESSAGE;
    else if (!isMessage(value)) {
      throw errors.publishReturn(ctx.instanceName, record.owner ?? "?", method, list.join(", "), describe(value));
    }
    const where = placeFor(ctx);
    if (list.length === 1) return ctx.publish(list[0]!, message, where);
    let pending: Promise<void>[] | undefined;
    for (const topic of list) {
      const r = ctx.publish(topic, message, where);
      if (isThenable(r)) (pending ??= []).push(r);
    }
    return pending === undefined ? undefined : Promise.all(pending).then(noop);
  }

  // The last prototype on which this wrapper was found to be the method's implementation. Which
  // implementation a prototype chain resolves to is settled when its class is bound (prepareClass),
  // so the answer is kept rather than looked up (a keyed load) on every call.
  let effectiveOn: object | undefined;

  // `arguments` rather than a rest parameter: V8 forwards it to apply without building an array.
  const wrapper = function (this: unknown): unknown {
    const ctx = boundContext(this);
    if (ctx === undefined) return call.apply(this, arguments as unknown as unknown[]);
    const result = call.apply(this, arguments as unknown as unknown[]);
    const self = this as object;
    const proto = Object.getPrototypeOf(self) as Record<string, unknown> | null;
    if (proto !== effectiveOn) {
      if (proto?.[method] !== wrapper) return result; // reached through super.method(): the override publishes
      effectiveOn = proto;
    }
    return settle(ctx, self, result);
  };

  function settle(ctx: InstanceContext, self: object, result: unknown): unknown {
    if (record.pubs.length === 0) return result;
    if (isThenable(result)) {
      return Promise.resolve(result).then((value) => {
        const published = publishValue(ctx, self, value);
        return isThenable(published) ? published.then(() => value) : value;
      });
    }
    const published = publishValue(ctx, self, result);
    return isThenable(published) ? published.then(() => result) : result;
  }

  Object.defineProperty(wrapper, "name", { value: original.name, configurable: true });
  Object.defineProperty(wrapper, "length", { value: original.length, configurable: true });
  Object.defineProperty(wrapper, WRAP, { value: Object.freeze({ original, record, settle } satisfies WrapState) });
  return wrapper;
}

/**
 * @internal How a host calls `target[method]`, an instance bound to `ctx`, with `message` (none when
 * `hasMessage` is false). For a @pub method it calls the original and settles the result as the
 * wrapper would (the method the instance resolves is its effective implementation), skipping the
 * look-ups a call from anywhere needs.
 */
export function callAsHost(target: object, ctx: InstanceContext, method: string, message: unknown, hasMessage: boolean): unknown {
  const fn = (target as Record<string, (m?: unknown) => unknown>)[method]!;
  const state = wrapState(fn);
  // A wrapper made by an older copy of this module (two versions in one process) has no settle().
  if (state?.settle === undefined) return hasMessage ? fn.call(target, message) : fn.call(target);
  const original = state.original as (m?: unknown) => unknown;
  return state.settle(ctx, target, hasMessage ? original.call(target, message) : original.call(target));
}

/**
 * @internal Makes publishing follow inheritance: for each method of `Class` whose effective record
 * publishes, the implementation an instance of `Class` runs must be a wrapper of that record. A
 * subclass that overrides a `@pub` method without decorating the override has it wrapped here, in
 * place on the prototype that holds the override. Idempotent; `bindInstance` calls it.
 */
export function prepareClass(Class: Function): void {
  const proto = Class.prototype as Record<string, unknown> | undefined;
  if (typeof proto !== "object" || proto === null) return;
  for (const [method, { record }] of effectiveRecords(Class)) {
    if (record.pubs.length === 0) continue;
    const effective = proto[method];
    if (typeof effective !== "function" || wrapState(effective)?.record === record) continue;
    let holder: object | null = proto;
    while (holder !== null && !Object.hasOwn(holder, method)) holder = Object.getPrototypeOf(holder) as object | null;
    if (holder === null) continue;
    installMethod(holder, method, makePublishWrapper(effective, record), Class.name);
  }
}

/** @internal Replaces a prototype's method, keeping the property's attributes. */
export function installMethod(holder: object, method: string, fn: Function, className: string): void {
  const desc = Object.getOwnPropertyDescriptor(holder, method);
  if (desc !== undefined && !desc.configurable && !desc.writable) {
    throw errors.cannotWrap(className, method, "the prototype's property is read-only (a frozen class?)");
  }
  Object.defineProperty(holder, method, {
    value: fn,
    writable: desc?.writable ?? true,
    enumerable: desc?.enumerable ?? false,
    configurable: desc?.configurable ?? true,
  });
}

/** The class whose prototype holds `fn` as `method` on `self`'s chain (a default topic's class). */
function ownerName(self: object, method: string, fn: Function): string | undefined {
  for (let p = Object.getPrototypeOf(self) as object | null; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    if (Object.getOwnPropertyDescriptor(p, method)?.value !== fn) continue;
    const ctor = Object.getOwnPropertyDescriptor(p, "constructor")?.value as unknown;
    return typeof ctor === "function" ? ctor.name : undefined;
  }
  return undefined;
}

/** A dict message: a non-null object that is not an array or a byte buffer. */
/** A plain object (a dict message) or a view of bytes (a raw message). */
function isMessage(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Object.prototype || proto === null) return true; // a plain object, the common case: decided at once
  return ArrayBuffer.isView(value) || (!Array.isArray(value) && !(value instanceof ArrayBuffer) && !(value instanceof SharedArrayBuffer));
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === "object") return `a ${(value as object).constructor?.name ?? "object"}`;
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`;
  if (typeof value === "function") return "a function";
  return `the ${typeof value} ${String(value)}`;
}

function noop(): void {}
