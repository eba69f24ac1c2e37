/**
 * Native addons known to crash the whole process when they run in a worker thread. They are found
 * in the realm's CommonJS module cache once a host on a worker thread has loaded its components, so
 * the session fails to start with a clear error instead of dying with a V8 fatal error when the first
 * data arrives.
 *
 * - serialport (bindings-cpp up to at least 13): its poller registers on the main thread's libuv loop
 *   and then calls into the worker's isolate from the main thread ("Entering the V8 API without proper
 *   locking"); see serialport/bindings-cpp#176.
 *
 * @example
 *   const problem = workerUnsafeAddon();   // undefined, or what was found and why it cannot run here
 */
import { createRequire } from "node:module";

interface KnownAddon {
  readonly pattern: RegExp;
  readonly name: string;
  readonly why: string;
}

const NOT_WORKER_SAFE: readonly KnownAddon[] = [
  {
    pattern: /[\\/]@serialport[\\/]bindings-cpp[\\/]/,
    name: "serialport",
    why: "its native binding polls the port on the main thread's event loop and calls into the worker from there, which crashes the process at the first data (serialport/bindings-cpp#176)",
  },
];

const moduleCache = createRequire(import.meta.url).cache;

/** The first known worker-unsafe addon loaded in this realm: its name and why, or undefined. */
export function workerUnsafeAddon(): { name: string; why: string } | undefined {
  const loaded = Object.keys(moduleCache);
  for (const addon of NOT_WORKER_SAFE) {
    if (loaded.some((path) => addon.pattern.test(path))) return { name: addon.name, why: addon.why };
  }
  return undefined;
}
