#include "core/log.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>

#include "core/ffmpeg.h"
#include "core/immortal.h"

namespace wcn {

namespace {

constexpr size_t kMaxQueuedLines = 512;

// Lines for the JS thread; codec threads log into it until the process ends.
struct LogQueue {
  std::mutex mutex;
  std::deque<std::string> lines;  // guarded by mutex
  size_t dropped = 0;             // guarded by mutex
};
LogQueue& Queue() { return Immortal<LogQueue>(); }
std::atomic<int> g_queue_level{AV_LOG_QUIET};
thread_local std::string t_last_error;

// "[libvpx @ 0x55d1...]   Additional information: x" -> "libvpx: Additional
// information: x": error messages name the component, not its address.
std::string ErrorText(const std::string& line) {
  std::string text = line;
  const size_t at = text.find(" @ 0x");
  const size_t close = text.find("] ");
  if (!text.empty() && text[0] == '[' && at != std::string::npos && close != std::string::npos && at < close) {
    text = text.substr(1, at - 1) + ": " + text.substr(close + 2);
  }
  std::string out;
  for (char c : text) {
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;  // libvpx indents its details
    out.push_back(c);
  }
  return out;
}

void Callback(void* avcl, int level, const char* fmt, va_list args) {
  const bool queue = level <= g_queue_level.load(std::memory_order_relaxed);
  const bool error = level <= AV_LOG_ERROR;
  if (!queue && !error) return;
  char line[1024];
  int print_prefix = 1;
  av_log_format_line2(avcl, level, fmt, args, line, sizeof(line), &print_prefix);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) return;
  if (error) t_last_error = ErrorText(text);
  if (!queue) return;
  LogQueue& q = Queue();
  std::lock_guard<std::mutex> lock(q.mutex);
  if (q.lines.size() >= kMaxQueuedLines) {
    q.lines.pop_front();
    q.dropped++;
  }
  q.lines.push_back(std::move(text));
}

}  // namespace

void InstallLogCapture(int queue_level) {
  // Several environments (worker_threads) may ask; the most verbose wins.
  int current = g_queue_level.load();
  while (queue_level > current && !g_queue_level.compare_exchange_weak(current, queue_level)) {
  }
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_callback(&Callback); });
  // FFmpeg skips the callback for anything above this level.
  av_log_set_level(std::max(g_queue_level.load(), AV_LOG_ERROR));
}

std::vector<std::string> TakeLogLines() {
  LogQueue& q = Queue();
  std::lock_guard<std::mutex> lock(q.mutex);
  std::vector<std::string> out;
  if (q.dropped) {
    out.push_back("(" + std::to_string(q.dropped) + " earlier FFmpeg log lines dropped)");
    q.dropped = 0;
  }
  out.insert(out.end(), std::make_move_iterator(q.lines.begin()), std::make_move_iterator(q.lines.end()));
  q.lines.clear();
  return out;
}

std::string LastLogError() { return t_last_error; }

Status CodecFailure(const char* what, int av_error) {
  std::string message = std::string(what) + ": " + AvErrorText(av_error);
  if (!t_last_error.empty()) message += " (" + t_last_error + ")";
  return Status::Error(ErrorKind::kEncodingError, message + ".");
}
void ClearLastLogError() { t_last_error.clear(); }

}  // namespace wcn
