// Watcher implementation. Ownership, because three parties can outlive each other at teardown:
//
//   Watcher (JS object) ──owns 1──▶ WatcherCore ◀──owns 1── thread-safe function (its finalizer)
//                                   │ thread, request, flags
//
// The core is deleted when both holders let go. The thread may only touch the thread-safe function
// while holding `mu` and seeing `stop == false`; Stop() sets `stop` under `mu` and joins, so after
// Stop() nothing native calls into Node. Node closes thread-safe functions itself at environment
// teardown (worker exit) and then calls our finalizer, which stops the thread: that is why the
// finalizer, not only close(), joins it.
#include "watcher.h"

#include <chrono>
#include <climits>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>

#include "common.h"
#include "platform.h"

namespace ether {

namespace {

struct Delivery {
  uint64_t generation;
  int result;  // a platform::WaitResult, or -errno if the futex call itself failed
};

void DeliverResult(Napi::Env env, Napi::Function /*unused*/, WatcherCore* core, Delivery* delivery);

using Tsfn = Napi::TypedThreadSafeFunction<WatcherCore, Delivery, DeliverResult>;

/** The cores alive in one addon instance (one per isolate), so its cleanup hook can stop them. */
struct Registry {
  std::unordered_set<WatcherCore*> live;
};

/** The addon's per-instance state. */
struct Instance {
  std::shared_ptr<Registry> registry = std::make_shared<Registry>();
};

struct Request {
  int32_t* addr = nullptr;
  int32_t expected = 0;
  double timeout_ms = -1;
  uint64_t generation = 0;
};

}  // namespace

struct WatcherCore {
  // JS thread only.
  Watcher* owner = nullptr;
  int holders = 2;  // the Watcher and the thread-safe function's finalizer
  bool tsfn_released = false;
  bool tsfn_finalized = false;
  bool started = false;
  Tsfn tsfn;
  std::shared_ptr<Registry> registry;
  std::thread thread;

  // Shared with the thread, under mu.
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  bool exited = false;
  bool pending = false;
  Request request;
  int32_t* waiting_on = nullptr;

  void Run() {
    platform::BlockSignalsInThisThread();
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      cv.wait(lock, [this] { return stop || pending; });
      if (stop) break;
      pending = false;
      Request r = request;
      waiting_on = r.addr;
      lock.unlock();
      int result = 0;
      platform::Status st = platform::FutexWait(r.addr, r.expected, r.timeout_ms, &result);
      lock.lock();
      waiting_on = nullptr;
      if (stop) break;
      // Still under mu with stop == false: Stop() has not returned, so the function still exists.
      auto* delivery = new Delivery{r.generation, st.ok() ? result : -st.err};
      if (tsfn.NonBlockingCall(delivery) != napi_ok) delete delivery;
    }
    exited = true;
    cv.notify_all();
  }

  /** Stops and joins the thread. Idempotent; JS thread only. */
  void Stop() {
    std::unique_lock<std::mutex> lock(mu);
    stop = true;
    cv.notify_all();
    if (started) {
      // The watched word's value is not ours to change, so a wake sent just before the thread
      // enters the futex would be lost; repeat it until the thread says it has left.
      while (!exited) {
        if (waiting_on != nullptr) platform::FutexWake(waiting_on, INT_MAX, nullptr);
        cv.wait_for(lock, std::chrono::milliseconds(1));
      }
    }
    lock.unlock();
    if (thread.joinable()) thread.join();
  }

  void Drop() {
    if (--holders > 0) return;
    registry->live.erase(this);
    delete this;
  }
};

namespace {

void DeliverResult(Napi::Env env, Napi::Function /*unused*/, WatcherCore* core, Delivery* delivery) {
  std::unique_ptr<Delivery> owned(delivery);
  // env is null when Node drops queued calls at teardown.
  if (env == nullptr || core->owner == nullptr) return;
  core->owner->OnResult(env, delivery->generation, delivery->result);
}

void FinalizeCore(Napi::Env /*env*/, void* /*data*/, WatcherCore* core) {
  core->tsfn_finalized = true;
  core->Stop();
  core->Drop();
}

}  // namespace

Napi::Function Watcher::Init(Napi::Env env) {
  auto* instance = new Instance();
  env.SetInstanceData<Instance>(instance);
  // Stop every watcher thread of this instance before the environment goes (worker exit).
  std::shared_ptr<Registry> registry = instance->registry;
  env.AddCleanupHook([registry]() {
    for (WatcherCore* core : registry->live) core->Stop();
  });
  return DefineClass(env, "Watcher",
                     {
                         InstanceMethod<&Watcher::JS_wait>("wait"),
                         InstanceMethod<&Watcher::JS_close>("close"),
                         InstanceAccessor<&Watcher::JS_armed>("armed"),
                         InstanceAccessor<&Watcher::JS_closed>("closed"),
                     });
}

Watcher::Watcher(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Watcher>(info), core_(new WatcherCore()) {
  Napi::Env env = info.Env();
  core_->owner = this;
  core_->registry = env.GetInstanceData<Instance>()->registry;
  core_->registry->live.insert(core_);
  core_->tsfn = Tsfn::New(env, "etherflow.Watcher", 0, 1, core_, FinalizeCore, static_cast<void*>(nullptr));
  core_->tsfn.Unref(env);  // idle: do not keep the event loop alive
}

Watcher::~Watcher() {
  // Reached by garbage collection (never while armed: an armed watcher holds itself) or at teardown.
  core_->Stop();
  if (!core_->tsfn_finalized && !core_->tsfn_released) {
    core_->tsfn_released = true;
    core_->tsfn.Release();
  }
  core_->owner = nullptr;
  core_->Drop();
}

Napi::Value Watcher::JS_wait(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) throw Napi::Error::New(env, "Watcher.wait: the watcher is closed");
  if (armed_) throw Napi::Error::New(env, "Watcher.wait: a wait is already armed on this watcher");
  Word word = WordArg(info, 0);
  NumberArg(info, 2, "expected");
  int32_t expected = info[2].As<Napi::Number>().Int32Value();
  double timeout_ms = TimeoutArg(info, 3);
  if (!info[4].IsFunction()) ThrowType(env, "callback must be a function");

  if (!core_->started) {
    try {
      core_->thread = std::thread(&WatcherCore::Run, core_);
    } catch (const std::system_error& e) {
      throw Napi::Error::New(env, std::string("Watcher.wait: cannot start the watcher thread: ") + e.what());
    }
    core_->started = true;
  }
  armed_ = true;
  ++generation_;
  callback_ = Napi::Persistent(info[4].As<Napi::Function>());
  store_ = word.sab->GetBackingStore();
  core_->tsfn.Ref(env);  // armed: keep the event loop alive until the callback has run
  Ref();                 // and keep this object alive even if the caller drops it
  {
    std::lock_guard<std::mutex> lock(core_->mu);
    core_->request = Request{word.addr, expected, timeout_ms, generation_};
    core_->pending = true;
  }
  core_->cv.notify_all();
  return env.Undefined();
}

void Watcher::OnResult(Napi::Env env, uint64_t generation, int result) {
  if (!armed_ || generation != generation_) return;  // closed, or a stale result
  Napi::Function callback = callback_.Value();
  Disarm(env);  // before the call, so the callback may arm the next wait
  napi_value argv[] = {Napi::Number::New(env, result)};
  // The raw call on purpose: in a terminating worker JS cannot run and the call just fails, which
  // must not become a C++ exception (rethrowing into a dying environment aborts the process).
  if (napi_call_function(env, env.Undefined(), callback, 1, argv, nullptr) == napi_ok) return;
  // A throwing callback: Node 20 would swallow an exception left pending in a thread-safe call
  // (DEP0168), so raise it as a genuine uncaught exception, as any event-loop callback would.
  bool pending = false;
  napi_value error;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending &&
      napi_get_and_clear_last_exception(env, &error) == napi_ok) {
    napi_fatal_exception(env, error);
  }
}

void Watcher::Disarm(Napi::Env env) {
  armed_ = false;
  callback_.Reset();
  store_.reset();
  if (!core_->tsfn_finalized && !core_->tsfn_released) core_->tsfn.Unref(env);
  Unref();
}

void Watcher::Close(Napi::Env env) {
  if (closed_) return;
  closed_ = true;
  core_->Stop();
  if (armed_) Disarm(env);
  if (!core_->tsfn_finalized && !core_->tsfn_released) {
    core_->tsfn_released = true;
    core_->tsfn.Release();
  }
}

Napi::Value Watcher::JS_close(const Napi::CallbackInfo& info) {
  Close(info.Env());
  return info.Env().Undefined();
}

Napi::Value Watcher::JS_armed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), armed_); }

Napi::Value Watcher::JS_closed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), closed_); }

}  // namespace ether
