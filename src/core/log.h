// FFmpeg's log, captured instead of printed: lines go to a bounded queue that
// the JS thread drains into util.debuglog('webcodecs'), and the last error a
// thread logged is kept so a failing call can say why (FFmpeg's return
// codes alone are vague).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace wcn {

// Installs the capture once per process. `queue_level` is the most verbose
// AV_LOG_* level queued for the debug log (AV_LOG_QUIET queues nothing);
// errors are always remembered per thread.
void InstallLogCapture(int queue_level);

// Lines queued since the last call (at most a bounded number; older lines
// are dropped with a note).
std::vector<std::string> TakeLogLines();

// The last error FFmpeg logged on this thread since ClearLastLogError(), or
// empty. Errors logged by FFmpeg's own threads for this codec are not seen.
std::string LastLogError();
void ClearLastLogError();

// An EncodingError for a failed FFmpeg call: "<what>: <AVERROR text>
// (<FFmpeg's last logged error on this thread>)."
Status CodecFailure(const char* what, int av_error);

}  // namespace wcn
