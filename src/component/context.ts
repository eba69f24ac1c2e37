/**
 * The seam between decorated classes and the host that runs them (the runtime layer). A host binds
 * each instance it runs to an `InstanceContext`; while bound, the instance's `@pub` methods publish
 * what they return through `ctx.publish`. Unbound (before the session, after shutdown, or an instance
 * the user made themselves), every decorated method is the plain method.
 *
 * @example
 *   const ctx: InstanceContext = {
 *     instanceName: "processor2x",
 *     publish: (topic, message, place) => publisherFor(topic).send(message),
 *   };
 *   bindInstance(processor, ctx);
 *   processor.processData({ data: 1 });   // returns { result: 2 } and publishes it on "result"
 *   unbindInstance(processor);
 *   processor.processData({ data: 1 });   // returns { result: 2 }, publishes nothing
 */
import { errors } from "../errors.js";
import { boundContext, dropBinding, storeBinding } from "./instance-store.js";
import { prepareClass } from "./publish-wrapper.js";

/**
 * What a host gives each instance it runs.
 *
 * @example
 *   const ctx: InstanceContext = { instanceName: "logger", publish: (topic, message) => ring(topic).send(message) };
 */
export interface InstanceContext {
  /**
   * Publishes one message from `place` (the instance's name in the session and the method that
   * returned it). Called synchronously by the `@pub` wrapper; may return a promise, which the wrapper
   * then hands back to its caller (see `publish-wrapper.ts`). Throwing propagates to the caller.
   */
  publish(topic: string, message: unknown, place: { instance: string; method: string }): void | Promise<void>;
  /** The instance's name in the session (the key under `instances:` in the YAML). */
  readonly instanceName: string;
}

/**
 * Binds `instance` to a host: from now on its `@pub` methods publish through `ctx`. Also makes
 * `@pub` inheritance hold for the instance's class (an undecorated override of a base class's `@pub`
 * method is wrapped, in place on the prototype that holds it, so that the override publishes).
 * Binding to the context it already has is a no-op; binding to another is ERR_ETHER_ALREADY_BOUND
 * (unbind first: one instance, one host).
 *
 * @example
 *   bindInstance(sensor, { instanceName: "sensor", publish: (t, m) => bus.publish(t, m) });
 */
export function bindInstance(instance: object, ctx: InstanceContext): void {
  if ((typeof instance !== "object" && typeof instance !== "function") || instance === null) {
    throw errors.invalidOption("bindInstance", "instance", `must be an object, got ${instance === null ? "null" : typeof instance}`);
  }
  if (typeof ctx !== "object" || ctx === null || typeof ctx.publish !== "function" || typeof ctx.instanceName !== "string") {
    throw errors.invalidOption("bindInstance", "ctx", "must be { publish(topic, message, place), instanceName: string }");
  }
  const current = boundContext(instance);
  if (current === ctx) return;
  if (current !== undefined) throw errors.alreadyBound(current.instanceName, ctx.instanceName);
  const ctor = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(instance) ?? {}, "constructor")?.value as unknown;
  if (typeof ctor === "function") prepareClass(ctor);
  storeBinding(instance, ctx);
}

/**
 * Unbinds `instance`: its decorated methods are plain methods again. Returns whether it was bound.
 * Calls already running keep the context they started with (an async `@pub` method that resolves
 * after unbinding still publishes through it: the host decides what a publish after shutdown does).
 *
 * @example
 *   unbindInstance(sensor);   // true
 */
export function unbindInstance(instance: object): boolean {
  return dropBinding(instance);
}

/**
 * The context `instance` is bound to, or undefined.
 *
 * @example
 *   instanceContext(sensor)?.instanceName;   // "sensor"
 */
export function instanceContext(instance: object): InstanceContext | undefined {
  return boundContext(instance);
}
