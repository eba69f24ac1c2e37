/**
 * `ether`: the session facade users call. One session at a time per `Ether` object.
 *
 * @example
 *   import { ether } from "etherflow";
 *   await ether.tap({ config: "config/dual_processors.yaml" });   // or an object
 *   await ether.start();
 *   // ... the pipeline runs ...
 *   await ether.shutdown();
 */
import { hostOfThisRealm } from "./host-marker.js";
import { errors } from "../errors.js";
import { NOTHING_RAN, SessionEngine, type ShutdownReport } from "./session-engine.js";
import type { InstanceStatus } from "./supervisor.js";

/** Options of tap(). */
export interface TapOptions {
  /** A YAML file path, or the same structure as an object. */
  readonly config: string | object;
  /** Folder that relative class paths of an object config resolve from (default: process.cwd()). */
  readonly cwd?: string;
}

/** The public face of a session. */
export class Ether {
  #engine: SessionEngine | undefined;

  /** Loads and validates the config and prepares the session (topics exist; nothing runs yet). */
  async tap(options: TapOptions): Promise<void> {
    const host = hostOfThisRealm();
    // A component's module that also starts a session, imported again by the host that runs the component.
    if (host !== undefined) throw errors.sessionInHost(host);
    if (this.#engine !== undefined && this.#engine.state !== "stopped") {
      throw errors.invalidOption("ether.tap", "config", `session ${this.#engine.id} is still ${this.#engine.state}; shut it down first`);
    }
    this.#engine = await SessionEngine.tap(options.config, { cwd: options.cwd });
  }

  /** Starts every instance; resolves once all are running. */
  async start(): Promise<void> {
    if (this.#engine === undefined) throw errors.invalidOption("ether.start", "session", "call ether.tap({ config }) first");
    await this.#engine.start();
  }

  /** Drains, stops every instance, removes the session's segments. Safe to call twice. */
  async shutdown(): Promise<ShutdownReport> {
    if (this.#engine === undefined) return NOTHING_RAN;
    return this.#engine.shutdown();
  }

  /** Every instance of the current session: host, placement, pid, lifecycle state, restarts, health (empty before start). */
  status(): InstanceStatus[] {
    return this.#engine?.status() ?? [];
  }

  /**
   * True in a realm that runs components for a session (a host's worker thread or child process).
   * Hosts import the modules that define their components, running their top-level code: a script
   * that defines components and also starts the session guards the start with it, as a Python
   * script does with `if __name__ == "__main__"`.
   *
   * @example
   *   if (!ether.inHost) await main();
   */
  get inHost(): boolean {
    return hostOfThisRealm() !== undefined;
  }

  /** The current session's id, or undefined before tap(). */
  get sessionId(): string | undefined {
    return this.#engine?.id;
  }

  /** The engine of the current session (for tools and tests). */
  get engine(): SessionEngine | undefined {
    return this.#engine;
  }
}

/** The default session object. */
export const ether = new Ether();
