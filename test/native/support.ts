// Shared helpers of the native tests: segment bookkeeping (every segment is unlinked in an after
// hook, even when a test fails) and child processes / workers running the fixtures.
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Worker } from "node:worker_threads";

import { listSegments, shmUnlink } from "../../src/native/platform.js";

/**
 * Per-test-file segment names, tracked for cleanup: `/ethertest-<tag>-<8 random hex>-<kind>-<32 hex>`.
 * Deliberately not in segmentName()'s `/ether-…` namespace: a process session starting anywhere on
 * the machine reaps `/ether-…` segments that belong to no live session, which these are not.
 */
export class Segments {
  readonly #prefix: string;
  readonly #names = new Set<string>();

  constructor(tag: string) {
    this.#prefix = `/ethertest-${tag}-${randomBytes(4).toString("hex")}-`;
  }

  /** A fresh name, remembered for cleanup. */
  name(kind = "seg"): string {
    const name = `${this.#prefix}${kind}-${randomBytes(16).toString("hex")}`;
    this.#names.add(name);
    return name;
  }

  /** The segments of this file still present in /dev/shm. */
  present(): string[] {
    return listSegments(this.#prefix);
  }

  /** Unlinks every name handed out (absent ones are fine) and anything else with this prefix. */
  cleanup(): void {
    for (const name of [...this.#names, ...this.present()]) shmUnlink(name);
    this.#names.clear();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const CHILD = new URL("./fixtures/child.js", import.meta.url);
const WORKER = new URL("./fixtures/worker.js", import.meta.url);

/** A message from a fixture; `type` says what it is. */
export interface FixtureMessage {
  type: string;
  [key: string]: unknown;
}

/** A fixture process or worker with a queue of the messages it sent. */
export class Peer {
  readonly #queue: FixtureMessage[] = [];
  readonly #waiters: ((m: FixtureMessage) => void)[] = [];
  readonly exited: Promise<number | null>;

  constructor(readonly handle: ChildProcess | Worker) {
    handle.on("message", (m: FixtureMessage) => {
      const waiter = this.#waiters.shift();
      if (waiter) waiter(m);
      else this.#queue.push(m);
    });
    this.exited = new Promise((resolve) => handle.once("exit", (code: number | null) => resolve(code)));
  }

  /** The next message (in order). */
  next(): Promise<FixtureMessage> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  send(message: unknown): void {
    if (this.handle instanceof Worker) this.handle.postMessage(message);
    else this.handle.send(message as object);
  }

  /** Ends the peer if it is still running. */
  async kill(): Promise<void> {
    if (this.handle instanceof Worker) {
      await this.handle.terminate();
    } else if (this.handle.exitCode === null && this.handle.signalCode === null) {
      this.handle.kill("SIGKILL");
      await this.exited;
    }
  }
}

/** Forks test/native/fixtures/child.js running `command`. */
export function forkChild(command: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env): Peer {
  return new Peer(fork(CHILD, [command, ...args], { env, stdio: ["ignore", "ignore", "inherit", "ipc"] }));
}

/** Starts test/native/fixtures/worker.js running `command` with `data`. */
export function startWorker(command: string, data: unknown = undefined, transferList: [] = []): Peer {
  return new Peer(new Worker(WORKER, { workerData: { command, data }, transferList }));
}
