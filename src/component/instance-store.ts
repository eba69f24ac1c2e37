/**
 * @internal Which instances are bound to a host, and to which context. Kept on `globalThis` under a
 * `Symbol.for` key so that every copy of this module in a realm shares it: a host built from `dist/`
 * and a user's class whose decorators came from a tsx-loaded copy of the sources must see the same
 * bindings. One WeakMap per realm; a bound instance that is dropped is collected with its binding.
 *
 * @example
 *   contexts.get(instance)?.publish("topic", {}, { instance: "a", method: "m" });
 */
import type { InstanceContext } from "./context.js";

const STORE = Symbol.for("etherflow.instanceContexts.v1");

type Anchored = { [STORE]?: WeakMap<object, InstanceContext> };

/** Instance → its context. Lookups with a non-object key (a detached call's `this`) return undefined. */
export const contexts: WeakMap<object, InstanceContext> = ((globalThis as Anchored)[STORE] ??= new WeakMap());
