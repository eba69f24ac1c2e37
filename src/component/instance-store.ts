/**
 * @internal Which instances are bound to a host, and to which context. Kept on `globalThis` under a
 * `Symbol.for` key so that every copy of this module in a realm shares it: a host built from `dist/`
 * and a user's class whose decorators came from a tsx-loaded copy of the sources must see the same
 * bindings. One WeakMap per realm; a bound instance that is dropped is collected with its binding.
 *
 * The `@pub` wrapper asks "which context is `this` bound to?" on every call, so a binding is also
 * recorded on the instance itself, in a non-enumerable property under a `Symbol.for` key (a named
 * property load: a few ns, against ~15 ns for the WeakMap). The record names its instance, so an
 * object that merely inherits from a bound instance is not taken for it. Instances that cannot take
 * the property (frozen, sealed, a proxy that refuses it) are found through the WeakMap alone.
 *
 * @example
 *   const ctx = boundContext(instance);   // undefined when unbound
 */
import type { InstanceContext } from "./context.js";

const STORE = Symbol.for("etherflow.instanceContexts.v1");
/** Property key of the binding record on a bound instance. */
const BINDING = Symbol.for("etherflow.instanceBinding.v1");

/** Kept on the instance; unbinding clears `ctx` in place (that works even if the instance was frozen since). */
interface Binding {
  readonly target: object;
  ctx: InstanceContext | undefined;
}

type Anchored = { [STORE]?: WeakMap<object, InstanceContext> };

/** Instance → its context: the source of truth. */
const contexts: WeakMap<object, InstanceContext> = ((globalThis as Anchored)[STORE] ??= new WeakMap());

/** The context `instance` is bound to, or undefined (also for a non-object `this` of a detached call). */
export function boundContext(instance: unknown): InstanceContext | undefined {
  if (instance === null || instance === undefined) return undefined;
  const binding = (instance as { [BINDING]?: Binding | undefined })[BINDING];
  if (binding !== undefined && binding.target === instance) return binding.ctx;
  return typeof instance === "object" || typeof instance === "function" ? contexts.get(instance as object) : undefined;
}

/** Records that `instance` is bound to `ctx` (the caller checked it was not bound to another). */
export function storeBinding(instance: object, ctx: InstanceContext): void {
  contexts.set(instance, ctx);
  const own = ownBinding(instance);
  if (own !== undefined) {
    own.ctx = ctx;
    return;
  }
  try {
    Object.defineProperty(instance, BINDING, { value: { target: instance, ctx } satisfies Binding, writable: true, configurable: true });
  } catch {
    // Not extensible, or a proxy that refuses: the WeakMap still answers for it.
  }
}

/** Forgets `instance`'s binding; returns whether it had one. */
export function dropBinding(instance: object): boolean {
  if (!contexts.delete(instance)) return false;
  // The record stays (deleting a property would turn the instance's shape into a slow dictionary).
  const own = ownBinding(instance);
  if (own !== undefined) own.ctx = undefined;
  return true;
}

/** The binding record `instance` itself holds (not one it inherits), if any. */
function ownBinding(instance: object): Binding | undefined {
  const binding = (instance as { [BINDING]?: Binding })[BINDING];
  return binding !== undefined && binding.target === instance ? binding : undefined;
}
