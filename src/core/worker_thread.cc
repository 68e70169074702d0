#include "core/worker_thread.h"

#include <pthread.h>
#include <sys/resource.h>

#ifdef __linux__
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <algorithm>
#include <cerrno>

namespace wcn {

void StartWorkerThread(const std::string& name) {
#ifdef __APPLE__
  pthread_setname_np(name.substr(0, 15).c_str());
#else
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
#endif
#ifdef __linux__
  // On Linux the nice value belongs to the thread (its tid), not the process.
  const id_t tid = static_cast<id_t>(syscall(SYS_gettid));
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, tid);
  if (errno == 0) setpriority(PRIO_PROCESS, tid, std::min(19, current + kCodecThreadNiceIncrement));
#endif
}

}  // namespace wcn
