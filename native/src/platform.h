// The operating-system layer of the addon: every system call lives behind this header, so a port
// (macOS: os_sync_wait_on_address and 31-char shm names; Windows later) adds one platform_<os>.cc
// and touches nothing else. Nothing here knows about JavaScript.
//
// Invariants:
//  - Functions never throw; they return a Status whose `err` is 0 on success or an errno value, and
//    whose `op` names the system call that failed (for the message the JS side shows).
//  - Shared memory is mapped MAP_SHARED read/write; a mapping stays valid after the name is unlinked.
//  - Futexes are NON-private: they must work between processes mapping the same segment.
#ifndef ETHER_NATIVE_PLATFORM_H_
#define ETHER_NATIVE_PLATFORM_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ether {
namespace platform {

/** Outcome of a platform call: err == 0 is success, otherwise an errno value from call `op`. */
struct Status {
  int err = 0;
  const char* op = "";
  bool ok() const { return err == 0; }
  static Status Fail(int err, const char* op) { return Status{err, op}; }
};

/** A mapped segment: `data` is page aligned, `size` bytes long. */
struct Mapping {
  void* data = nullptr;
  size_t size = 0;
};

/** Result codes of FutexWait, shared with JS (see src/native/binding.ts). */
enum WaitResult : int { kWoken = 0, kNotEqual = 1, kTimedOut = 2 };

/** Short name of this platform, reported by `ether doctor`. */
const char* Name();

/** The symbolic name of an errno value ("ENOSPC"), or "E<number>" when unknown. */
std::string ErrnoName(int err);

/** A hint for the user when creating a segment fails for lack of space (names /dev/shm on Linux). */
const char* NoSpaceHint();

/**
 * Creates segment `name` exclusively (mode 0600), sizes it to `size` bytes, reserves every page so a
 * later touch cannot SIGBUS on a full tmpfs, and maps it. On failure nothing is left behind: the
 * name is unlinked again.
 */
Status ShmCreate(const std::string& name, size_t size, Mapping* out);

/** Opens and maps an existing segment; its size comes from the file. */
Status ShmOpen(const std::string& name, Mapping* out);

/** Removes the name; `existed` is false when there was nothing to remove (not an error). */
Status ShmUnlink(const std::string& name, bool* existed);

/** Unmaps a mapping. Safe on any thread (called from V8's backing-store deleter). */
void Unmap(void* data, size_t size) noexcept;

/**
 * Blocks while *addr == expected, up to timeout_ms (negative = forever). Retries after signals
 * with the time that remains. `*result` is a WaitResult; a wake may be spurious, so callers recheck.
 */
Status FutexWait(int32_t* addr, int32_t expected, double timeout_ms, int* result);

/** Wakes up to `count` waiters on addr (across processes); `*woken` receives how many. */
Status FutexWake(int32_t* addr, int count, int* woken);

/** Asks for `signal` when the parent thread that created this process exits (0 clears it). */
Status SetParentDeathSignal(int signal);

/** Pins the calling thread to `cpus`; threads it creates afterwards inherit the set. */
Status SetAffinity(const std::vector<int>& cpus);

/** The CPUs the calling thread may run on, ascending. */
Status GetAffinity(std::vector<int>* cpus);

/** One more than the highest CPU index SetAffinity accepts. */
int MaxCpus();

/** Blocks every signal in the calling (helper) thread, so signals go to Node's own threads. */
void BlockSignalsInThisThread();

/** The process id. */
int Pid();

/** Scopes of an asymmetric barrier (membarrier): the threads of this process, or of every registered process. */
enum BarrierScope : int { kBarrierProcess = 0, kBarrierMachine = 1 };

/**
 * Registers this process for expedited barriers of `scope`: afterwards a Barrier(scope) issued by
 * any thread (of this process, or of any process for kBarrierMachine) also orders this process's
 * threads. Idempotent. Fails with ENOSYS/EINVAL where the kernel lacks membarrier.
 */
Status RegisterBarrier(BarrierScope scope);

/**
 * A full memory barrier on every CPU that runs a thread of this process (kBarrierProcess) or of a
 * process registered for kBarrierMachine, before it returns: their earlier stores are visible and
 * their later loads see what was stored before the call. The heavy side of an asymmetric fence.
 */
Status Barrier(BarrierScope scope);

}  // namespace platform
}  // namespace ether

#endif  // ETHER_NATIVE_PLATFORM_H_
