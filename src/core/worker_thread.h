// Set-up every thread we start for codec work runs first.
#pragma once

#include <string>

namespace wcn {

// How much lower than the JS thread codec threads run (a nice increment).
// Encoders such as SVT-AV1 keep more threads runnable than there are cores;
// at equal priority the JS thread waits its turn behind all of them and the
// event loop stalls for tens of milliseconds. Threads a codec library starts
// from this thread inherit the priority. Alone on a machine they still get
// all of it, so throughput is unchanged.
inline constexpr int kCodecThreadNiceIncrement = 5;

// Names the calling thread (15 characters at most are kept) and lowers its
// scheduling priority by kCodecThreadNiceIncrement (Linux: per thread).
void StartWorkerThread(const std::string& name);

// Moves to SCHED_BATCH time-sharing, at the calling thread's nice value,
// every thread of the process named as ours ("wcn-" and what the libraries'
// own threads inherit from it) that runs under a real-time policy. BATCH,
// not OTHER: such a library expects its threads not to preempt each other
// (SVT-AV1 encodes 1080p 15% faster so), and the JS thread still preempts
// them. SVT-AV1 starts
// its threads as SCHED_FIFO at priority 99 when the process runs as root:
// they then preempt the JS thread (event-loop stalls of 100+ ms) and the
// rest of the machine. Call after opening a codec. Linux only; elsewhere a
// no-op.
void DemoteRealtimeCodecThreads();

}  // namespace wcn
