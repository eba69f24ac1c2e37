/**
 * Whether the process that owns a slot still exists. Owner 0 means "a thread of some process": the
 * transport cannot tell a thread's death and leaves that to the runtime's supervisor.
 *
 * @example
 *   if (!isOwnerAlive(owner)) detach(slot);
 */

/** True unless `pid` names a process that no longer exists. */
export function isOwnerAlive(pid: number): boolean {
  if (pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** How long a publisher waits on a peer before it checks whether that peer's process died, in ms. */
export const LIVENESS_CHECK_MS = 100;
