/**
 * The transports every conformance test runs against: threads (SharedArrayBuffer, Atomics) and shm
 * (POSIX shared memory, futex; roles in child processes). Spaces made through spaceFor() are closed
 * by closeSpaces(), so no test leaves a segment in /dev/shm even when it fails.
 */
import { SharedSpace, type SpaceOptions } from "../../src/transport/index.js";
import type { RoleHost } from "./threads.js";

/** A transport under test and where its remote roles run. */
export interface TransportCase {
  readonly transport: "threads" | "shm";
  readonly host: RoleHost;
}

/** Both transports. The shm case fails loudly (ERR_ETHER_NATIVE_UNAVAILABLE) if the addon is missing. */
export const TRANSPORTS: readonly TransportCase[] = [
  { transport: "threads", host: "thread" },
  { transport: "shm", host: "process" },
];

const open = new Set<SharedSpace>();

/** Creates a space on the given transport and remembers it for closeSpaces(). */
export function spaceFor(transport: TransportCase["transport"], options: SpaceOptions = {}): SharedSpace {
  const space = SharedSpace.create({ ...options, transport });
  open.add(space);
  return space;
}

/** Closes (and for shm, unlinks) every space made by spaceFor(). */
export function closeSpaces(): void {
  for (const space of open) space.close();
  open.clear();
}
