/**
 * Starts hosts where their placement says: a worker thread, a child process (which dies with this
 * one), or this thread (placement "main"). Every kind answers the same small interface, so the
 * session treats them alike.
 *
 * @example
 *   const host = launchHost(spec);
 *   await host.next("subscribed");
 *   host.send({ type: "go" });
 */
import { fork } from "node:child_process";
import { EventEmitter } from "node:events";
import { Worker } from "node:worker_threads";
import { HostRunner } from "./host-runner.js";
import type { FromHost, HostSpec, ToHost } from "./host-spec.js";
import { namespace } from "../log.js";

const HOST_ENTRY = new URL("./host-entry.js", import.meta.url);
const debug = namespace("launcher");
/** How long kill() waits for a main host that was asked to stop again, before it leaves it behind. */
const MAIN_KILL_GRACE_MS = 1000;

/** A started host, whatever its placement. */
export interface LaunchedHost {
  readonly spec: HostSpec;
  /** Sends a control message. */
  send(message: ToHost): void;
  /** Calls `listener` with every message the host sends. */
  onMessage(listener: (message: FromHost) => void): void;
  /** Resolves with the next message of that type; rejects if the host fails or exits first. */
  next<T extends FromHost["type"]>(type: T, timeoutMs?: number): Promise<Extract<FromHost, { type: T }>>;
  /** Resolves when the host's thread or process has ended (immediately for a main host that stopped). */
  readonly exited: Promise<void>;
  /** How it ended, once it has: an exit code or a signal, and the error it reported, if any. */
  exitInfo(): string | undefined;
  /** Process id of a process host; this process's id otherwise. */
  readonly pid: number;
  /**
   * Ends it now: terminate the worker, SIGKILL the process. A main host can only be asked to stop;
   * one that still has not stopped after MAIN_KILL_GRACE_MS is left behind.
   */
  kill(): Promise<void>;
}

class Mailbox extends EventEmitter {
  exited = false;
  async next<T extends FromHost["type"]>(host: string, type: T, timeoutMs: number): Promise<Extract<FromHost, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`host ${host} did not report "${type}" within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (m: FromHost): void => {
        if (m.type === type) finish(undefined, m as Extract<FromHost, { type: T }>);
        else if (m.type === "failed") finish(Object.assign(new Error(`host ${host} failed: ${m.message}`), { code: m.code }));
      };
      const onExit = (): void => finish(new Error(`host ${host} exited before reporting "${type}"`));
      const finish = (error?: Error, value?: Extract<FromHost, { type: T }>): void => {
        clearTimeout(timer);
        this.off("message", onMessage);
        this.off("exit", onExit);
        if (error) reject(error);
        else resolve(value!);
      };
      this.on("message", onMessage);
      this.on("exit", onExit);
      if (this.exited) onExit();
    });
  }
}

/** Starts one host. */
export function launchHost(spec: HostSpec): LaunchedHost {
  const box = new Mailbox();
  let reported: string | undefined;
  box.on("message", (m: FromHost) => {
    if (m.type === "failed") reported = m.message;
  });
  const info = (): string | undefined => (ending === undefined ? undefined : reported === undefined ? ending : `${ending}: ${reported}`);
  const next = <T extends FromHost["type"]>(type: T, timeoutMs = 30_000) => box.next(spec.hostName, type, timeoutMs);
  let ending: string | undefined;
  const markExit = (): void => {
    box.exited = true;
    box.emit("exit");
  };
  if (spec.placement === "thread") {
    const worker = new Worker(HOST_ENTRY, { workerData: spec });
    worker.on("message", (m: FromHost) => box.emit("message", m));
    worker.on("error", (e) => box.emit("message", { type: "failed", message: e.message }));
    // Not events.once(): it rejects when "error" comes first, which is how a crashing worker ends.
    const exited = new Promise<void>((resolve) =>
      worker.once("exit", (code) => {
        ending = `exit code ${code}`;
        markExit();
        resolve();
      }),
    );
    return {
      spec,
      send: (m) => worker.postMessage(m),
      next,
      onMessage: (listener) => void box.on("message", listener),
      exited,
      exitInfo: info,
      pid: process.pid,
      kill: async () => void (await worker.terminate()),
    };
  }
  if (spec.placement === "process") {
    const child = fork(HOST_ENTRY, [JSON.stringify(spec)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    child.on("message", (m: FromHost) => box.emit("message", m));
    // A process that could not be started, or a message it can no longer take: reported, never thrown
    // at the session (an unhandled "error" event would end the launcher's process).
    child.on("error", (e) => box.emit("message", { type: "failed", message: e.message }));
    const exited = new Promise<void>((resolve) => {
      const end = (code: number | null, signal: NodeJS.Signals | null): void => {
        ending = signal !== null ? `signal ${signal}` : `exit code ${code}`;
        markExit();
        resolve();
      };
      child.once("exit", end);
      if (child.pid === undefined) child.once("error", () => end(null, null)); // never spawned: no exit event comes
    });
    return {
      spec,
      send: (m) => {
        // The host may have exited since `connected` was last updated: a failed write goes to the callback.
        if (child.connected) child.send(m, (error) => error && debug("%s: cannot send %s: %s", spec.hostName, m.type, error.message));
      },
      next,
      onMessage: (listener) => void box.on("message", listener),
      exited,
      exitInfo: info,
      pid: child.pid ?? 0,
      kill: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        await exited;
      },
    };
  }
  // Placement "main": the host runs in this thread, on its event loop.
  let runner: HostRunner | undefined;
  const pending: ToHost[] = [];
  void HostRunner.create(spec, (m) => queueMicrotask(() => box.emit("message", m))).then(
    async (r) => {
      runner = r;
      for (const m of pending.splice(0)) r.receive(m);
      await r.subscribe();
    },
    (e: Error) => box.emit("message", { type: "failed", message: e.message, code: (e as { code?: string }).code }),
  );
  const stopped = new Promise<void>((resolve) => {
    box.on("message", (m: FromHost) => {
      if (m.type === "stopped" || m.type === "failed") resolve();
    });
  }).then(() => {
    ending = "stopped";
    markExit();
  });
  return {
    spec,
    send: (m) => (runner === undefined ? pending.push(m) : runner.receive(m)),
    next,
    onMessage: (listener) => void box.on("message", listener),
    exited: stopped,
    exitInfo: () => ending,
    pid: process.pid,
    kill: async () => {
      runner?.receive({ type: "stop" });
      // It can only be asked: one that still does not stop (a cleanup() that never ends) is left behind.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([stopped, new Promise((resolve) => (timer = setTimeout(resolve, MAIN_KILL_GRACE_MS)))]);
      clearTimeout(timer);
    },
  };
}
