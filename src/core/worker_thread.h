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

}  // namespace wcn
