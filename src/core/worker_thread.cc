#include "core/worker_thread.h"

#include <pthread.h>
#include <sys/resource.h>

#ifdef __linux__
#include <dirent.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

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

void DemoteRealtimeCodecThreads() {
#ifdef __linux__
  errno = 0;
  const int nice = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
  if (errno != 0) return;
  DIR* tasks = opendir("/proc/self/task");
  if (!tasks) return;
  while (const dirent* entry = readdir(tasks)) {
    const pid_t tid = static_cast<pid_t>(std::strtol(entry->d_name, nullptr, 10));
    if (tid <= 0) continue;
    const int policy = sched_getscheduler(tid);
    if (policy != SCHED_FIFO && policy != SCHED_RR) continue;
    char path[64], name[32] = {};
    std::snprintf(path, sizeof path, "/proc/self/task/%d/comm", static_cast<int>(tid));
    if (FILE* comm = std::fopen(path, "r")) {
      if (!std::fgets(name, sizeof name, comm)) name[0] = 0;
      std::fclose(comm);
    }
    if (std::strncmp(name, "wcn-", 4) != 0) continue;  // not started from a codec thread of ours
    const sched_param normal{};
    if (sched_setscheduler(tid, SCHED_BATCH, &normal) == 0) setpriority(PRIO_PROCESS, static_cast<id_t>(tid), nice);
  }
  closedir(tasks);
#endif
}

}  // namespace wcn
