/**
 * Whether this realm is a host of a running session (a worker thread or child process that Ether
 * launched), and which. Kept on `globalThis` under a `Symbol.for` key, so that a copy of Ether that a
 * user's module imports in that realm sees it too.
 *
 * @example
 *   if (hostOfThisRealm() !== undefined) throw new Error("no sessions inside a host");
 */
const MARKER = Symbol.for("etherflow.hostOfThisRealm.v1");

type Marked = { [MARKER]?: string };

/** Marks this realm as the host `hostName` (host-entry does, before it loads any component). */
export function markHostRealm(hostName: string): void {
  (globalThis as Marked)[MARKER] = hostName;
}

/** The host this realm runs, or undefined in a realm Ether did not launch. */
export function hostOfThisRealm(): string | undefined {
  return (globalThis as Marked)[MARKER];
}
