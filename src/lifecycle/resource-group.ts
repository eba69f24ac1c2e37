/**
 * A group of resources started in dependency order and closed in reverse: a session's segments before
 * its hosts, a host's transport before its instances.
 *
 * - Dependencies are declared by member name when a member is added. Unknown dependencies and cycles
 *   are found (ERR_ETHER_RESOURCE_GROUP, naming the members and the cycle) before anything starts.
 * - The start order is a topological order that keeps the order of `add` wherever dependencies
 *   allow, so it is deterministic. Members start one at a time.
 * - If a member fails to start, the members already started are closed in reverse order, the start
 *   rejects with ERR_ETHER_GROUP_START naming the failing member (its error is `cause`), and the
 *   members after it are never started: nothing is left running. The failing member stays `failed`
 *   (its error visible) and the others `created` until `close()`.
 * - `close()` closes every member not yet closed in reverse start order, goes on past a failing
 *   cleanup, and rejects at the end with ERR_ETHER_CLEANUP listing the failures.
 *
 * A group starts once: members that were closed cannot start again, so a restart builds a new group
 * (or restarts single members through their own `start()`, which the group does not prevent).
 *
 * @example
 *   const group = new ResourceGroup("session")
 *     .add(segment)
 *     .add(hostA, { dependsOn: ["segment"] })
 *     .add(hostB, { dependsOn: ["segment"] });
 *   group.onTransition((e) => publish("ether/lifecycle", e));
 *   await group.start();   // segment, hostA, hostB
 *   await group.close();   // hostB, hostA, segment
 */
import { notifyAll } from "./resource-state.js";
import { errors } from "../errors.js";
import type { Resource } from "./resource.js";
import type { TransitionEvent, TransitionListener } from "./resource-state.js";

/**
 * How a member joins a group.
 *
 * @example
 *   group.add(instance, { dependsOn: ["transport"] });
 */
export interface GroupMemberOptions {
  /** Names of members that must be ready before this one starts (and stay until it is closed). */
  readonly dependsOn?: readonly string[];
}

/**
 * A group's own progress: `idle → starting → started | failed`, then `closing → closed`.
 *
 * @example
 *   if (group.state === "started") await group.close();
 */
export type GroupState = "idle" | "starting" | "started" | "failed" | "closing" | "closed";

interface Member {
  readonly resource: Resource;
  readonly dependsOn: readonly string[];
}

const noop = (): void => {};

/** Resources started in dependency order and closed in reverse; see the module comment. */
export class ResourceGroup {
  /** The name errors use. */
  readonly name: string;
  readonly #members = new Map<string, Member>();
  readonly #listeners: TransitionListener[] = [];
  #state: GroupState = "idle";
  #order: readonly Resource[] | undefined;
  /** Members that reached ready during start(), in start order. */
  #started: Resource[] = [];
  /** The member whose start() is in flight. */
  #current: Resource | undefined;
  #starting: Promise<void> | undefined;
  #closeRequested = false;
  #closed: Promise<void> | undefined;

  constructor(name: string) {
    if (typeof name !== "string" || name === "") throw errors.invalidOption("ResourceGroup", "name", "must be a non-empty string");
    this.name = name;
  }

  /** The group's progress. */
  get state(): GroupState {
    return this.#state;
  }

  /** Members in the order they were added. */
  get members(): readonly Resource[] {
    return [...this.#members.values()].map((m) => m.resource);
  }

  /** The member named `name`, if any. */
  get(name: string): Resource | undefined {
    return this.#members.get(name)?.resource;
  }

  /**
   * Adds a member (before `start()`); its name must be new in the group. Dependencies may name
   * members added later: they are checked when the order is computed.
   *
   * @example
   *   group.add(model, { dependsOn: ["camera"] });
   */
  add(resource: Resource, options: GroupMemberOptions = {}): this {
    if (this.#state !== "idle") {
      throw errors.resourceGroup(this.name, `cannot add member "${resource.name}" while ${this.#state}; add members before start()`);
    }
    if (this.#members.has(resource.name)) throw errors.resourceGroup(this.name, `a member named "${resource.name}" was already added`);
    const dependsOn = options.dependsOn ?? [];
    if (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== "string" || d === "")) {
      throw errors.resourceGroup(this.name, `member "${resource.name}": dependsOn must be a list of member names`);
    }
    this.#members.set(resource.name, { resource, dependsOn: [...dependsOn] });
    resource.onTransition((event) => this.#forward(event));
    return this;
  }

  /**
   * Observes the transitions of every member (added before or after this call); returns the
   * function that stops observing.
   *
   * @example
   *   group.onTransition((e) => log(`${e.resource}: ${e.from} → ${e.to}`));
   */
  onTransition(listener: TransitionListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at >= 0) this.#listeners.splice(at, 1);
    };
  }

  #forward(event: TransitionEvent): void {
    notifyAll(this.#listeners, event);
  }

  /**
   * The start order (dependencies first, otherwise the order of `add`), after checking that every
   * dependency is a member and that there is no cycle. Starts nothing; the runtime may call it to
   * reject a bad layout before launching anything.
   *
   * @example
   *   group.order().map((r) => r.name);   // ["segment", "hostA", "hostB"]
   */
  order(): readonly Resource[] {
    const members = [...this.#members.values()];
    const unknown = members.flatMap((m) => m.dependsOn.filter((d) => !this.#members.has(d)).map((d) => `"${m.resource.name}" → "${d}"`));
    if (unknown.length > 0) {
      const names = members.map((m) => m.resource.name).join(", ");
      throw errors.resourceGroup(this.name, `unknown dependencies (not members): ${unknown.join(", ")}; members: ${names || "none"}`);
    }
    const placed = new Set<string>();
    const order: Resource[] = [];
    while (order.length < members.length) {
      const next = members.find((m) => !placed.has(m.resource.name) && m.dependsOn.every((d) => placed.has(d)));
      if (next === undefined) {
        const cycle = findCycle(members.filter((m) => !placed.has(m.resource.name)), this.#members);
        throw errors.resourceGroup(this.name, `dependency cycle: ${cycle.map((n) => `"${n}"`).join(" → ")} (→ means "depends on")`);
      }
      placed.add(next.resource.name);
      order.push(next.resource);
    }
    return order;
  }

  /**
   * Starts every member in dependency order; see the module comment for what a failing member does.
   * Rejects with ERR_ETHER_RESOURCE_GROUP (bad dependencies, nothing started), ERR_ETHER_GROUP_START
   * (a member failed), or ERR_ETHER_CLOSED (close() was called while starting).
   *
   * @example
   *   await group.start();
   */
  start(): Promise<void> {
    if (this.#state !== "idle") {
      return Promise.reject(errors.resourceGroup(this.name, `start() needs a group that was never started; it is ${this.#state}`));
    }
    try {
      this.#order = this.order();
    } catch (error) {
      return Promise.reject(error);
    }
    this.#state = "starting";
    this.#starting = this.#start(this.#order);
    return this.#starting;
  }

  async #start(order: readonly Resource[]): Promise<void> {
    for (let i = 0; i < order.length; i++) {
      const member = order[i]!;
      if (this.#closeRequested) throw errors.closed(`resource group "${this.name}"`);
      this.#current = member;
      try {
        await member.start();
      } catch (cause) {
        if (this.#closeRequested) throw errors.closed(`resource group "${this.name}"`);
        const stopped: string[] = [];
        const failures: Error[] = [];
        for (const started of this.#started.reverse()) {
          try {
            await started.close(`member "${member.name}" of group "${this.name}" failed to start`);
          } catch (thrown) {
            failures.push(thrown instanceof Error ? thrown : new Error(String(thrown)));
          }
          stopped.push(started.name);
        }
        this.#started = [];
        this.#state = "failed";
        const notStarted = order.slice(i + 1).map((r) => r.name);
        throw errors.groupStart(this.name, member.name, cause, stopped, notStarted, failures);
      } finally {
        this.#current = undefined;
      }
      this.#started.push(member);
    }
    this.#state = "started";
  }

  /**
   * Closes every member not yet closed, in reverse start order (reverse `add` order if the group has
   * no valid order), after a start in flight has stopped. Idempotent: later calls return the same
   * promise. Rejects with ERR_ETHER_CLEANUP when any cleanup threw; every member is closed anyway.
   *
   * @example
   *   await group.close("SIGINT");
   */
  close(reason?: string): Promise<void> {
    if (this.#closed !== undefined) return this.#closed;
    this.#closeRequested = true;
    // Tell the member that is starting now at once; its close() waits for its initialize() to settle.
    const current = this.#current;
    const early = current === undefined ? undefined : current.close(reason).then(noop, noop);
    this.#closed = this.#close(reason, early);
    return this.#closed;
  }

  async #close(reason: string | undefined, early: Promise<void> | undefined): Promise<void> {
    await early;
    await this.#starting?.then(noop, noop);
    this.#state = "closing";
    let order: readonly Resource[] = this.#order ?? [];
    if (this.#order === undefined) {
      try {
        order = this.order();
      } catch {
        order = this.members;
      }
    }
    const failures: Error[] = [];
    for (const member of [...order].reverse()) {
      if (member.state === "closed") continue; // closed earlier (a rolled-back start); its error was reported then
      try {
        await member.close(reason);
      } catch (thrown) {
        failures.push(thrown instanceof Error ? thrown : new Error(String(thrown)));
      }
    }
    this.#state = "closed";
    if (failures.length > 0) throw errors.groupCleanupFailed(this.name, failures);
  }
}

/**
 * A dependency cycle among `stuck` members (each has a dependency that could not be placed): follow
 * the first unplaced dependency until a name repeats. Returns the names along it, first one last too.
 */
function findCycle(stuck: readonly Member[], all: ReadonlyMap<string, Member>): string[] {
  const stuckNames = new Set(stuck.map((m) => m.resource.name));
  const path: string[] = [];
  let name = stuck[0]!.resource.name;
  while (!path.includes(name)) {
    path.push(name);
    name = all.get(name)!.dependsOn.find((d) => stuckNames.has(d))!;
  }
  return [...path.slice(path.indexOf(name)), name];
}
