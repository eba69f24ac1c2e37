/**
 * Where segments come from. Between threads a segment is a plain SharedArrayBuffer with no name;
 * between processes it is a named POSIX shared-memory object mapped by the native addon. Both give
 * the same bytes and layout; only allocation, naming and waiting differ.
 *
 * @example
 *   const { sab } = threadSegmentStore.create("topic", 1 << 20);
 */
import { errors } from "../errors.js";
import { type WaitOps, threadWaitOps } from "./wait-ops.js";

/** A newly created segment. */
export interface CreatedSegment {
  readonly sab: SharedArrayBuffer;
  /** The name another process opens it by ("" for an unnamed SharedArrayBuffer). */
  readonly name: string;
}

/** Allocates, opens and removes segments, and says how to wait on their words. */
export interface SegmentStore {
  readonly kind: "threads" | "shm";
  readonly waitOps: WaitOps;
  /** Creates a zeroed segment of `length` bytes; `label` goes into its name ("session", "topic"). */
  create(sessionId: string, label: string, length: number): CreatedSegment;
  /** Maps an existing named segment. */
  open(name: string): SharedArrayBuffer;
  /** Removes a named segment (existing mappings stay valid). */
  unlink(name: string): void;
}

/** Segments as plain SharedArrayBuffers, for worker threads of one process. */
export const threadSegmentStore: SegmentStore = {
  kind: "threads",
  waitOps: threadWaitOps,
  create(_sessionId, _label, length) {
    return { sab: new SharedArrayBuffer(length), name: "" };
  },
  open(name) {
    throw errors.shm("open", name, "segments between threads have no name; pass the SharedArrayBuffer in the handle");
  },
  unlink() {},
};
