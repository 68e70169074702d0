#include "core/status.h"

#include "core/ffmpeg.h"

namespace wcn {

const char* ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kOk: return "Ok";
    case ErrorKind::kTypeError: return "TypeError";
    case ErrorKind::kRangeError: return "RangeError";
    case ErrorKind::kNotSupportedError: return "NotSupportedError";
    case ErrorKind::kInvalidStateError: return "InvalidStateError";
    case ErrorKind::kEncodingError: return "EncodingError";
    case ErrorKind::kDataError: return "DataError";
    case ErrorKind::kDataCloneError: return "DataCloneError";
    case ErrorKind::kOperationError: return "OperationError";
    case ErrorKind::kQuotaExceededError: return "QuotaExceededError";
    case ErrorKind::kAbortError: return "AbortError";
  }
  return "Error";
}

std::string InvalidMessage(const std::string& field, const std::string& expected,
                           const std::string& received) {
  return "Invalid " + field + "; expected " + expected + ", received " + received + ".";
}

std::string AvErrorText(int av_error) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(av_error, buf, sizeof(buf));
  return buf;
}

}  // namespace wcn
