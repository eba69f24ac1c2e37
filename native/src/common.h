// Helpers shared by the JS entry points: the V8 bridge for SharedArrayBuffers, argument checks that
// back up the TypeScript validation (a caller of the raw addon must not be able to crash the
// process), and errors that carry errno, code and syscall.
#ifndef ETHER_NATIVE_COMMON_H_
#define ETHER_NATIVE_COMMON_H_

#include <napi.h>
#include <v8.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "platform.h"

namespace ether {

// Node-API (Node 20) cannot make a SharedArrayBuffer over external memory, nor read one's data
// pointer, so these two casts cross into V8. A napi_value is a V8 handle in the same thread and
// HandleScope (Node's own js_native_api_v8.h converts the same way); both are one pointer wide.
inline v8::Local<v8::Value> ToV8(napi_value value) {
  v8::Local<v8::Value> local;
  static_assert(sizeof(local) == sizeof(value), "v8::Local and napi_value must have the same size");
  std::memcpy(static_cast<void*>(&local), &value, sizeof(value));
  return local;
}

inline napi_value FromV8(v8::Local<v8::Value> local) {
  napi_value value;
  std::memcpy(&value, static_cast<void*>(&local), sizeof(value));
  return value;
}

/** A 4-aligned int32 word inside a SharedArrayBuffer, checked. */
struct Word {
  int32_t* addr;
  v8::Local<v8::SharedArrayBuffer> sab;
};

/** The message of an error: `<op> failed: ENOSPC (No space left on device)`. */
inline std::string Describe(const platform::Status& st) {
  return std::string(st.op) + " failed: " + platform::ErrnoName(st.err) + " (" + std::strerror(st.err) + ")";
}

/**
 * Throws an Error whose message is `<what>: <detail>`; `detail` (without `what`) is also a property
 * so the TypeScript wrapper can put it into its own error, next to `code`, `errno` and `syscall`.
 */
[[noreturn]] inline void ThrowSys(Napi::Env env, const platform::Status& st, const std::string& what,
                                  const std::string& detail) {
  Napi::Error error = Napi::Error::New(env, what + ": " + detail);
  error.Set("code", Napi::String::New(env, platform::ErrnoName(st.err)));
  error.Set("errno", Napi::Number::New(env, st.err));
  error.Set("syscall", Napi::String::New(env, st.op));
  error.Set("detail", Napi::String::New(env, detail));
  throw error;
}

[[noreturn]] inline void ThrowType(Napi::Env env, const std::string& message) {
  throw Napi::TypeError::New(env, message);
}

[[noreturn]] inline void ThrowRange(Napi::Env env, const std::string& message) {
  throw Napi::RangeError::New(env, message);
}

/** info[i] as a number, or a TypeError naming `what`. */
inline double NumberArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (!info[i].IsNumber()) ThrowType(info.Env(), std::string(what) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

/** info[i] as a non-negative integer no larger than 2^53 - 1. */
inline double IndexArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  double value = NumberArg(info, i, what);
  if (!(value >= 0) || value > 9007199254740991.0 || value != static_cast<double>(static_cast<int64_t>(value))) {
    ThrowRange(info.Env(), std::string(what) + " must be a non-negative safe integer");
  }
  return value;
}

/** A timeout in ms: negative or +Infinity mean forever; NaN is refused. */
inline double TimeoutArg(const Napi::CallbackInfo& info, size_t i) {
  double value = NumberArg(info, i, "timeoutMs");
  if (value != value) ThrowRange(info.Env(), "timeoutMs must not be NaN");
  return value;
}

/** info[i] as a POSIX shm name: "/" then 1-254 characters, none of them "/". */
inline std::string NameArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsString()) ThrowType(info.Env(), "name must be a string");
  std::string name = info[i].As<Napi::String>().Utf8Value();
  if (name.size() < 2 || name.size() > 255 || name[0] != '/' || name.find('/', 1) != std::string::npos ||
      name.find('\0') != std::string::npos) {
    ThrowRange(info.Env(), "name must be \"/\" followed by 1-254 characters without \"/\": \"" + name + "\"");
  }
  return name;
}

/** info[i] as a SharedArrayBuffer and info[i+1] as a 4-aligned offset of an int32 inside it. */
inline Word WordArg(const Napi::CallbackInfo& info, size_t i) {
  v8::Local<v8::Value> value = ToV8(info[i]);
  if (!value->IsSharedArrayBuffer()) ThrowType(info.Env(), "sab must be a SharedArrayBuffer");
  v8::Local<v8::SharedArrayBuffer> sab = value.As<v8::SharedArrayBuffer>();
  double offset = IndexArg(info, i + 1, "byteOffset");
  size_t length = sab->ByteLength();
  auto* base = static_cast<uint8_t*>(sab->Data());
  if (base == nullptr || offset + 4 > static_cast<double>(length)) {
    ThrowRange(info.Env(), "byteOffset " + std::to_string(static_cast<int64_t>(offset)) +
                               " is outside the SharedArrayBuffer of " + std::to_string(length) + " bytes");
  }
  auto* addr = base + static_cast<size_t>(offset);
  if (reinterpret_cast<uintptr_t>(addr) % 4 != 0) {
    ThrowRange(info.Env(), "byteOffset " + std::to_string(static_cast<int64_t>(offset)) + " is not 4-aligned");
  }
  return Word{reinterpret_cast<int32_t*>(addr), sab};
}

}  // namespace ether

#endif  // ETHER_NATIVE_COMMON_H_
