/**
 * Segments as POSIX shared memory, for topics between processes: created with unguessable names and
 * mode 0600 by the native addon, mapped as real SharedArrayBuffers, waited on with non-private futexes
 * (`Atomics.wait/notify` do not cross processes).
 *
 * @example
 *   const space = SharedSpace.create({ transport: "shm" }); // uses this store
 */
import { errors } from "../errors.js";
import type { NativeAddon } from "../native/binding.js";
import { loadNative, nativeStatus } from "../native/load.js";
import { segmentName, shmCreate, shmOpen, shmUnlink } from "../native/platform.js";
import type { SegmentStore } from "./segment-store.js";
import type { WaitOps } from "./wait-ops.js";

let cached: SegmentStore | undefined;

/** Futex wait/wake on words of shared-memory segments; indices come from the layout, so no checks here. */
function futexWaitOps(addon: NativeAddon): WaitOps {
  let watcher: InstanceType<NativeAddon["Watcher"]> | undefined;
  return {
    kind: "shm",
    wait(i32, index, expected, timeoutMs) {
      return addon.futexWait(i32.buffer as SharedArrayBuffer, i32.byteOffset + index * 4, expected, timeoutMs);
    },
    wake(i32, index, count) {
      return addon.futexWake(i32.buffer as SharedArrayBuffer, i32.byteOffset + index * 4, count);
    },
    waitAsync(i32, index, expected, timeoutMs) {
      // One watcher thread per realm serves the (single) main-thread host; it keeps the loop alive while armed.
      watcher ??= new addon.Watcher();
      const w = watcher;
      return new Promise((resolve) => w.wait(i32.buffer as SharedArrayBuffer, i32.byteOffset + index * 4, expected, timeoutMs, resolve));
    },
  };
}

/** The shared-memory store; throws ERR_ETHER_NATIVE_UNAVAILABLE (with the reason) when the addon is missing. */
export function shmSegmentStore(): SegmentStore {
  if (cached !== undefined) return cached;
  const addon = loadNative();
  if (addon === null) throw errors.nativeUnavailable(nativeStatus().reason ?? "the addon did not load");
  cached = {
    kind: "shm",
    waitOps: futexWaitOps(addon),
    create(sessionId, label, length) {
      const name = segmentName(sessionId, label);
      return { sab: shmCreate(name, length), name };
    },
    open(name) {
      return shmOpen(name);
    },
    unlink(name) {
      shmUnlink(name);
    },
  };
  return cached;
}
