/**
 * Removes the shared-memory segments of dead sessions: a session segment whose creator process no
 * longer exists (or that is not a valid session segment), its topic segments, and topic segments
 * whose session segment is gone. Runs when a process session starts.
 *
 * @example
 *   const removed = reapDeadSessions(shmSegmentStore());
 */
import { listSegments, parseSegmentName } from "../native/platform.js";
import { isOwnerAlive } from "./liveness.js";
import type { SegmentStore } from "./segment-store.js";
import { SessionSegment } from "./session-segment.js";

/** Unlinks the segments of dead sessions; returns the names it removed. */
export function reapDeadSessions(store: SegmentStore): string[] {
  const names = listSegments();
  const live = new Set<string>();
  const removed: string[] = [];
  const remove = (name: string): void => {
    try {
      store.unlink(name);
      removed.push(name);
    } catch {
      // Another process reaped it first.
    }
  };
  for (const name of names) {
    const parsed = parseSegmentName(name);
    if (parsed?.kind !== "session") continue;
    let session: SessionSegment | undefined;
    try {
      session = SessionSegment.attach(store.open(name));
    } catch {
      // Not readable as a session (being created right now, or foreign): leave it alone.
      live.add(parsed.sessionShort);
      continue;
    }
    if (isOwnerAlive(session.ownerPid) && session.ownerPid !== 0) {
      live.add(parsed.sessionShort);
      continue;
    }
    for (const topic of session.topics()) if (topic.segmentName !== "") remove(topic.segmentName);
    remove(name);
  }
  for (const name of names) {
    const parsed = parseSegmentName(name);
    if (parsed === null || parsed.kind === "session" || live.has(parsed.sessionShort)) continue;
    if (names.some((n) => n.startsWith(`/ether-${parsed.sessionShort}-session-`) && !removed.includes(n))) continue;
    remove(name);
  }
  return removed;
}
