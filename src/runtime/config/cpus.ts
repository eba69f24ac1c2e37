/**
 * `cpus:` of an instance: which CPUs this session may pin a host to, and what is wrong with a list.
 * A host pins its JavaScript thread (a worker's, or a child process's main thread) with the native
 * addon's sched_setaffinity; the CPUs it may name are those the session's own thread may run on.
 *
 * @example
 *   cpusProblem([0, 3], [0, 1]); // "CPU 3 is not one this session may run on; it may use 0, 1"
 */
import { loadNative } from "../../native/load.js";

/** The CPUs the calling thread may run on (ascending), or undefined without the native addon. */
export function usableCpus(): readonly number[] | undefined {
  const native = loadNative();
  return native === null ? undefined : native.getAffinity();
}

/** What keeps a host from being pinned to `cpus` here, or undefined when nothing does. */
export function cpusProblem(cpus: readonly number[], usable: readonly number[] | undefined = usableCpus()): string | undefined {
  if (usable === undefined) return "pinning a host to CPUs needs Ether's native addon, which did not load (npx ether doctor says why)";
  const missing = cpus.filter((cpu) => !usable.includes(cpu));
  if (missing.length === 0) return undefined;
  const which = missing.length === 1 ? `CPU ${missing[0]} is` : `CPUs ${missing.join(", ")} are`;
  return `${which} not one this session may run on; it may use ${usable.join(", ")}`;
}
