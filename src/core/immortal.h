// Process-wide objects that threads may still use while the process exits:
// process.exit() ends Node with exit(), which runs static destructors while
// codec threads (and libuv's pool) are still at work, and a thread that
// then touched a destroyed pool registry crashed the process. Such objects
// are built on first use and never destroyed.
#pragma once

#include <memory>

namespace wcn {

template <typename T>
T& Immortal() {
  static T* const instance = std::make_unique<T>().release();
  return *instance;
}

}  // namespace wcn
