// Linux implementation of platform.h: POSIX shm on tmpfs (/dev/shm), futex(2), prctl, sched affinity.
#include "platform.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/membarrier.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cmath>

namespace ether {
namespace platform {

namespace {

// Closes the descriptor and removes the half-made segment, keeping the errno of the step that failed.
Status AbandonCreate(int fd, const std::string& name, int err, const char* op) {
  close(fd);
  shm_unlink(name.c_str());
  return Status::Fail(err, op);
}

long Futex(int32_t* addr, int op, int32_t val, const struct timespec* timeout, uint32_t bitset) {
  return syscall(SYS_futex, addr, op, val, timeout, nullptr, bitset);
}

}  // namespace

const char* Name() { return "linux"; }

std::string ErrnoName(int err) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  if (const char* name = strerrorname_np(err)) return name;
#endif
  return "E" + std::to_string(err);
}

const char* NoSpaceHint() {
  return "/dev/shm is too small for this segment: free space there, shrink the topic capacities, or "
         "enlarge it (docker run --shm-size=..., or mount -o remount,size=... /dev/shm)";
}

Status ShmCreate(const std::string& name, size_t size, Mapping* out) {
  // 0600: only this user may attach; umask can only remove bits, never add them.
  int fd = shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Fail(errno, "shm_open");
  if (ftruncate(fd, static_cast<off_t>(size)) != 0) return AbandonCreate(fd, name, errno, "ftruncate");
  // ftruncate only makes a sparse file: on a full tmpfs the first touch of a page would raise SIGBUS
  // in whichever process touched it. Reserving every page now turns that into an error here.
  int err;
  do {
    err = posix_fallocate(fd, 0, static_cast<off_t>(size));
  } while (err == EINTR);
  if (err != 0) return AbandonCreate(fd, name, err, "posix_fallocate");
  void* data = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (data == MAP_FAILED) return AbandonCreate(fd, name, errno, "mmap");
  close(fd);  // the mapping keeps the memory; the descriptor is no longer needed
  out->data = data;
  out->size = size;
  return Status{};
}

Status ShmOpen(const std::string& name, Mapping* out) {
  int fd = shm_open(name.c_str(), O_RDWR | O_CLOEXEC, 0);
  if (fd < 0) return Status::Fail(errno, "shm_open");
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return Status::Fail(err, "fstat");
  }
  if (st.st_size <= 0) {
    // Created but not sized yet (or truncated by someone): mapping it would give nothing usable.
    close(fd);
    return Status::Fail(EINVAL, "fstat (the segment is empty: its creator has not sized it)");
  }
  size_t size = static_cast<size_t>(st.st_size);
  void* data = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  int err = errno;
  close(fd);
  if (data == MAP_FAILED) return Status::Fail(err, "mmap");
  out->data = data;
  out->size = size;
  return Status{};
}

Status ShmUnlink(const std::string& name, bool* existed) {
  if (shm_unlink(name.c_str()) == 0) {
    *existed = true;
    return Status{};
  }
  *existed = false;
  if (errno == ENOENT) return Status{};
  return Status::Fail(errno, "shm_unlink");
}

void Unmap(void* data, size_t size) noexcept {
  if (data != nullptr && size > 0) munmap(data, size);
}

Status FutexWait(int32_t* addr, int32_t expected, double timeout_ms, int* result) {
  // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline, so retrying after EINTR waits
  // only for the time that remains. Timeouts beyond ~31 years count as forever.
  struct timespec deadline;
  const struct timespec* timeout = nullptr;
  if (timeout_ms >= 0 && timeout_ms < 1e12) {
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    int64_t ns = static_cast<int64_t>(std::llround(timeout_ms * 1e6)) + deadline.tv_nsec;
    deadline.tv_sec += static_cast<time_t>(ns / 1000000000);
    deadline.tv_nsec = static_cast<long>(ns % 1000000000);
    timeout = &deadline;
  }
  for (;;) {
    // Not FUTEX_PRIVATE_FLAG: the word may be shared with other processes.
    long rc = Futex(addr, FUTEX_WAIT_BITSET, expected, timeout, FUTEX_BITSET_MATCH_ANY);
    if (rc == 0) {
      *result = kWoken;
      return Status{};
    }
    switch (errno) {
      case EINTR:
        continue;
      case EAGAIN:
        *result = kNotEqual;
        return Status{};
      case ETIMEDOUT:
        *result = kTimedOut;
        return Status{};
      default:
        return Status::Fail(errno, "futex(FUTEX_WAIT_BITSET)");
    }
  }
}

Status FutexWake(int32_t* addr, int count, int* woken) {
  long rc = Futex(addr, FUTEX_WAKE, count, nullptr, 0);
  if (rc < 0) return Status::Fail(errno, "futex(FUTEX_WAKE)");
  if (woken != nullptr) *woken = static_cast<int>(rc);
  return Status{};
}

Status SetParentDeathSignal(int signal) {
  if (prctl(PR_SET_PDEATHSIG, static_cast<unsigned long>(signal), 0, 0, 0) != 0) {
    return Status::Fail(errno, "prctl(PR_SET_PDEATHSIG)");
  }
  return Status{};
}

Status SetAffinity(const std::vector<int>& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int cpu : cpus) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) return Status::Fail(EINVAL, "sched_setaffinity (cpu index out of range)");
    CPU_SET(cpu, &set);
  }
  // pid 0 = the calling thread, not the whole process.
  if (sched_setaffinity(0, sizeof(set), &set) != 0) return Status::Fail(errno, "sched_setaffinity");
  return Status{};
}

Status GetAffinity(std::vector<int>* cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return Status::Fail(errno, "sched_getaffinity");
  cpus->clear();
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus->push_back(cpu);
  }
  return Status{};
}

int MaxCpus() { return CPU_SETSIZE; }

void BlockSignalsInThisThread() {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
}

int Pid() { return static_cast<int>(getpid()); }

namespace {
long Membarrier(int cmd) { return syscall(SYS_membarrier, cmd, 0, 0); }
}  // namespace

Status RegisterBarrier(BarrierScope scope) {
  int cmd = scope == kBarrierMachine ? MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED : MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED;
  if (Membarrier(cmd) != 0) return Status::Fail(errno, "membarrier (register)");
  return Status{};
}

Status Barrier(BarrierScope scope) {
  int cmd = scope == kBarrierMachine ? MEMBARRIER_CMD_GLOBAL_EXPEDITED : MEMBARRIER_CMD_PRIVATE_EXPEDITED;
  if (Membarrier(cmd) != 0) return Status::Fail(errno, "membarrier");
  return Status{};
}

}  // namespace platform
}  // namespace ether
