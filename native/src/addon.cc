// ether_native: the thin system-call layer of Ether. TypeScript (src/native/platform.ts) validates
// arguments and decides; these entry points re-check what could crash the process, make the call,
// and turn failures into errors that carry errno, code and syscall. The interface is documented in
// src/native/binding.ts.
//
// The module is context-aware (Node-API): each isolate that loads it (main thread, worker threads)
// gets its own instance data and cleanup hook; see watcher.cc.
#include <napi.h>
#include <v8.h>

#include <climits>
#include <string>
#include <vector>

#include "common.h"
#include "platform.h"
#include "watcher.h"

namespace ether {
namespace {

// Runs on a V8 background thread when the last isolate holding the SharedArrayBuffer drops it:
// it may only unmap (no JS, no Node-API).
void UnmapDeleter(void* data, size_t length, void* /*deleter_data*/) { platform::Unmap(data, length); }

Napi::Value WrapMapping(Napi::Env env, const platform::Mapping& mapping) {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  std::unique_ptr<v8::BackingStore> store =
      v8::SharedArrayBuffer::NewBackingStore(mapping.data, mapping.size, UnmapDeleter, nullptr);
  v8::Local<v8::SharedArrayBuffer> sab = v8::SharedArrayBuffer::New(isolate, std::move(store));
  return Napi::Value(env, FromV8(sab));
}

std::string Quoted(const std::string& name) { return "\"" + name + "\""; }

Napi::Value JS_shmCreate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = NameArg(info, 0);
  double size = IndexArg(info, 1, "size");
  if (size < 1) ThrowRange(env, "size must be at least 1 byte");
  platform::Mapping mapping;
  platform::Status st = platform::ShmCreate(name, static_cast<size_t>(size), &mapping);
  if (!st.ok()) {
    std::string detail = std::to_string(static_cast<int64_t>(size)) + " bytes: " + Describe(st);
    if (st.err == EEXIST) {
      detail += "; a segment with this name already exists";
    } else if (st.err == ENOSPC || st.err == EFBIG || st.err == ENOMEM) {
      detail += std::string("; ") + platform::NoSpaceHint();
    }
    ThrowSys(env, st, "cannot create shared memory segment " + Quoted(name), detail);
  }
  return WrapMapping(env, mapping);
}

Napi::Value JS_shmOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = NameArg(info, 0);
  platform::Mapping mapping;
  platform::Status st = platform::ShmOpen(name, &mapping);
  if (!st.ok()) {
    std::string detail = Describe(st);
    if (st.err == ENOENT) detail += "; no segment has this name (never created, or already unlinked)";
    ThrowSys(env, st, "cannot open shared memory segment " + Quoted(name), detail);
  }
  return WrapMapping(env, mapping);
}

Napi::Value JS_shmUnlink(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = NameArg(info, 0);
  bool existed = false;
  platform::Status st = platform::ShmUnlink(name, &existed);
  if (!st.ok()) ThrowSys(env, st, "cannot unlink shared memory segment " + Quoted(name), Describe(st));
  return Napi::Boolean::New(env, existed);
}

Napi::Value JS_futexWait(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Word word = WordArg(info, 0);
  NumberArg(info, 2, "expected");
  // ToInt32, as Atomics does: 0xffffffff and -1 name the same bits.
  int32_t expected = info[2].As<Napi::Number>().Int32Value();
  double timeout_ms = TimeoutArg(info, 3);
  int result = 0;
  platform::Status st = platform::FutexWait(word.addr, expected, timeout_ms, &result);
  if (!st.ok()) ThrowSys(env, st, "futexWait", Describe(st));
  return Napi::Number::New(env, result);
}

Napi::Value JS_futexWake(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Word word = WordArg(info, 0);
  double count = NumberArg(info, 2, "count");
  if (!(count >= 0)) ThrowRange(env, "count must be >= 0");
  int n = count >= static_cast<double>(INT_MAX) ? INT_MAX : static_cast<int>(count);
  int woken = 0;
  platform::Status st = platform::FutexWake(word.addr, n, &woken);
  if (!st.ok()) ThrowSys(env, st, "futexWake", Describe(st));
  return Napi::Number::New(env, woken);
}

Napi::Value JS_setParentDeathSignal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double signal = IndexArg(info, 0, "signal");
  if (signal > 64) ThrowRange(env, "signal must be between 0 and 64");
  platform::Status st = platform::SetParentDeathSignal(static_cast<int>(signal));
  if (!st.ok()) ThrowSys(env, st, "setParentDeathSignal", Describe(st));
  return env.Undefined();
}

Napi::Value JS_setAffinity(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) ThrowType(env, "cpus must be an array of CPU indices");
  Napi::Array array = info[0].As<Napi::Array>();
  std::vector<int> cpus;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value item = array.Get(i);
    if (!item.IsNumber()) ThrowType(env, "cpus must be an array of CPU indices");
    double cpu = item.As<Napi::Number>().DoubleValue();
    if (!(cpu >= 0) || cpu >= platform::MaxCpus() || cpu != static_cast<double>(static_cast<int>(cpu))) {
      ThrowRange(env, "cpus[" + std::to_string(i) + "] must be an integer in [0, " +
                          std::to_string(platform::MaxCpus()) + ")");
    }
    cpus.push_back(static_cast<int>(cpu));
  }
  if (cpus.empty()) ThrowRange(env, "cpus must name at least one CPU");
  platform::Status st = platform::SetAffinity(cpus);
  if (!st.ok()) ThrowSys(env, st, "setAffinity", Describe(st));
  return env.Undefined();
}

Napi::Value JS_getAffinity(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<int> cpus;
  platform::Status st = platform::GetAffinity(&cpus);
  if (!st.ok()) ThrowSys(env, st, "getAffinity", Describe(st));
  Napi::Array array = Napi::Array::New(env, cpus.size());
  for (size_t i = 0; i < cpus.size(); ++i) array.Set(static_cast<uint32_t>(i), Napi::Number::New(env, cpus[i]));
  return array;
}

Napi::Value JS_pid(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), platform::Pid()); }

platform::BarrierScope ScopeArg(const Napi::CallbackInfo& info) {
  if (!info[0].IsBoolean()) ThrowType(info.Env(), "machine must be a boolean");
  return info[0].As<Napi::Boolean>().Value() ? platform::kBarrierMachine : platform::kBarrierProcess;
}

Napi::Value JS_registerBarrier(const Napi::CallbackInfo& info) {
  platform::Status st = platform::RegisterBarrier(ScopeArg(info));
  if (!st.ok()) ThrowSys(info.Env(), st, "registerBarrier", Describe(st));
  return info.Env().Undefined();
}

Napi::Value JS_barrier(const Napi::CallbackInfo& info) {
  platform::Status st = platform::Barrier(ScopeArg(info));
  if (!st.ok()) ThrowSys(info.Env(), st, "barrier", Describe(st));
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("shmCreate", Napi::Function::New(env, JS_shmCreate, "shmCreate"));
  exports.Set("shmOpen", Napi::Function::New(env, JS_shmOpen, "shmOpen"));
  exports.Set("shmUnlink", Napi::Function::New(env, JS_shmUnlink, "shmUnlink"));
  exports.Set("futexWait", Napi::Function::New(env, JS_futexWait, "futexWait"));
  exports.Set("futexWake", Napi::Function::New(env, JS_futexWake, "futexWake"));
  exports.Set("setParentDeathSignal", Napi::Function::New(env, JS_setParentDeathSignal, "setParentDeathSignal"));
  exports.Set("setAffinity", Napi::Function::New(env, JS_setAffinity, "setAffinity"));
  exports.Set("getAffinity", Napi::Function::New(env, JS_getAffinity, "getAffinity"));
  exports.Set("pid", Napi::Function::New(env, JS_pid, "pid"));
  exports.Set("registerBarrier", Napi::Function::New(env, JS_registerBarrier, "registerBarrier"));
  exports.Set("barrier", Napi::Function::New(env, JS_barrier, "barrier"));
  exports.Set("Watcher", Watcher::Init(env));
  exports.Set("platform", Napi::String::New(env, platform::Name()));
  exports.Set("maxCpus", Napi::Number::New(env, platform::MaxCpus()));
  return exports;
}

}  // namespace
}  // namespace ether

// NODE_API_MODULE needs an unqualified name.
static Napi::Object InitEtherNative(Napi::Env env, Napi::Object exports) { return ether::Init(env, exports); }

NODE_API_MODULE(ether_native, InitEtherNative)
