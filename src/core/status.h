// The error kinds the spec names, and a status that carries one with a message.
// The binding maps ErrorKind to the JS exception (TypeError, DOMException...).
#pragma once

#include <string>
#include <utility>

namespace wcn {

enum class ErrorKind {
  kOk = 0,
  kTypeError,
  kRangeError,
  kNotSupportedError,
  kInvalidStateError,
  kEncodingError,
  kDataError,
  kDataCloneError,
  kOperationError,
  kQuotaExceededError,
  kAbortError,
};

// Name as the spec spells it (DOMException name or JS error constructor).
const char* ErrorKindName(ErrorKind kind);

struct Status {
  ErrorKind kind = ErrorKind::kOk;
  std::string message;

  bool ok() const { return kind == ErrorKind::kOk; }
  static Status Ok() { return {}; }
  static Status Error(ErrorKind k, std::string m) { return {k, std::move(m)}; }
};

// "Invalid <field>; expected <expected>, received <received>." The same
// format lib/validate.ts uses, so messages read alike whichever layer
// detected the problem.
std::string InvalidMessage(const std::string& field, const std::string& expected,
                           const std::string& received);

// FFmpeg's text for an AVERROR code.
std::string AvErrorText(int av_error);

}  // namespace wcn
