// Watcher: futex waits for a JS thread that must not block (the main thread). One native thread per
// Watcher performs one armed wait at a time and reports through a thread-safe function, so no libuv
// pool thread is tied up per wait.
//
// Invariants:
//  - At most one wait is armed. While armed, the JS object, its callback and the watched memory are
//    held strongly and the thread-safe function is ref'd (keeps the event loop alive); when idle it
//    is unref'd (does not).
//  - After close() (or environment teardown) the callback is never called and the thread has exited.
#ifndef ETHER_NATIVE_WATCHER_H_
#define ETHER_NATIVE_WATCHER_H_

#include <napi.h>
#include <v8.h>

#include <cstdint>
#include <memory>

namespace ether {

struct WatcherCore;

class Watcher : public Napi::ObjectWrap<Watcher> {
 public:
  /** Defines the class and sets up the per-instance registry and cleanup hook. */
  static Napi::Function Init(Napi::Env env);

  explicit Watcher(const Napi::CallbackInfo& info);
  ~Watcher() override;

  /** Called on the JS thread with the outcome of wait number `generation`. */
  void OnResult(Napi::Env env, uint64_t generation, int result);

 private:
  Napi::Value JS_wait(const Napi::CallbackInfo& info);
  Napi::Value JS_close(const Napi::CallbackInfo& info);
  Napi::Value JS_armed(const Napi::CallbackInfo& info);
  Napi::Value JS_closed(const Napi::CallbackInfo& info);

  void Disarm(Napi::Env env);
  void Close(Napi::Env env);

  WatcherCore* core_;
  Napi::FunctionReference callback_;
  std::shared_ptr<v8::BackingStore> store_;  // keeps the watched word mapped while armed
  uint64_t generation_ = 0;
  bool armed_ = false;
  bool closed_ = false;
};

}  // namespace ether

#endif  // ETHER_NATIVE_WATCHER_H_
