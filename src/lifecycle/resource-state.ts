/**
 * The state machine every resource follows, as data: its states, the one table of legal transitions,
 * and the event an observer receives for each transition.
 *
 * ```
 *                      ┌──────────── restart ────────────┐
 *                      ▼                                 │
 *   created ──▶ initializing ──▶ ready ◀──▶ degraded ──▶ failed
 *                      │           │                     ▲
 *                      └───────────┴─── crash ───────────┘   (initializing → failed: initialize threw)
 *
 *   every state but closed ──▶ closing ──▶ closed   (closed is final)
 * ```
 *
 * | from         | may go to                                  | driven by                                   |
 * |--------------|--------------------------------------------|---------------------------------------------|
 * | created      | initializing, closing                      | start(), close()                            |
 * | initializing | ready, failed, closing                     | initialize() settling, markFailed(), close() |
 * | ready        | degraded, failed, closing                  | markDegraded(), markFailed(), close()       |
 * | degraded     | ready, failed, closing                     | markRecovered(), markFailed(), close()      |
 * | failed       | initializing, closing                      | start() (a restart), close()                |
 * | closing      | closed                                     | close() finishing                           |
 * | closed       | (none: final)                              |                                             |
 *
 * Not legal, on purpose: ready → initializing (re-initializing a healthy resource hides a restart; fail
 * it first), degraded → initializing (recovery happens while degraded, so observers see one degraded
 * period per incident), anything → created, and a state to itself.
 *
 * @example
 *   canTransition("failed", "initializing");   // true: a restart
 *   canTransition("closed", "initializing");   // false: closed is final
 */

/** The states of a resource, in the order of a normal life. */
export const RESOURCE_STATES = ["created", "initializing", "ready", "degraded", "failed", "closing", "closed"] as const;

/** A resource's state. */
export type ResourceState = (typeof RESOURCE_STATES)[number];

/**
 * Legal transitions: `TRANSITIONS[from]` lists the states `from` may go to. The one place the state
 * machine is defined; `Resource` checks every change against it.
 *
 * @example
 *   TRANSITIONS.ready;   // ["degraded", "failed", "closing"]
 */
export const TRANSITIONS: Readonly<Record<ResourceState, readonly ResourceState[]>> = Object.freeze({
  created: Object.freeze(["initializing", "closing"] as const),
  initializing: Object.freeze(["ready", "failed", "closing"] as const),
  ready: Object.freeze(["degraded", "failed", "closing"] as const),
  degraded: Object.freeze(["ready", "failed", "closing"] as const),
  failed: Object.freeze(["initializing", "closing"] as const),
  closing: Object.freeze(["closed"] as const),
  closed: Object.freeze([] as const),
});

/**
 * Whether the state machine allows `from → to`.
 *
 * @example
 *   canTransition("ready", "degraded");   // true
 */
export function canTransition(from: ResourceState, to: ResourceState): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * One transition, as observers receive it: plain data, ready to publish on `ether/lifecycle`.
 *
 * @example
 *   { resource: "camera", from: "ready", to: "degraded", reason: "health check failed: no frames for 2 s", time: 1718000000000 }
 */
export interface TransitionEvent {
  /** The resource's name. */
  readonly resource: string;
  readonly from: ResourceState;
  readonly to: ResourceState;
  /** Why, when known: the error message of a failure, the health problem, "restart", … */
  readonly reason?: string;
  /** When, from the resource's clock (milliseconds; `Date.now` unless one was injected). */
  readonly time: number;
}

/**
 * Receives transitions. Called synchronously, after the state has changed; it must not throw (a throw
 * is re-raised on a microtask as an uncaught exception, and never undoes or blocks the transition).
 *
 * @example
 *   const listener: TransitionListener = (e) => console.log(`${e.resource}: ${e.from} → ${e.to}`);
 */
export type TransitionListener = (event: TransitionEvent) => void;

/**
 * Calls every listener with `event`. A listener that throws neither stops the others nor undoes the
 * transition, nor goes unnoticed: its error is re-raised on a microtask as an uncaught exception.
 *
 * @example
 *   notifyAll(listeners, event);
 */
export function notifyAll(listeners: readonly TransitionListener[], event: TransitionEvent): void {
  for (const listener of listeners.slice()) {
    try {
      listener(event);
    } catch (thrown) {
      queueMicrotask(() => {
        throw thrown;
      });
    }
  }
}
