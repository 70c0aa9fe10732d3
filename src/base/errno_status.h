// The status of a failed system call: what was being done, and errno's
// text.
#ifndef SYD_BASE_ERRNO_STATUS_H_
#define SYD_BASE_ERRNO_STATUS_H_

#include <cerrno>
#include <cstring>
#include <string_view>

#include "absl/status/status.h"
#include "src/base/strcat.h"

namespace syd {

// FailedPrecondition "WHAT: strerror(errno)"; call it before anything
// else can change errno.
inline absl::Status ErrnoStatus(std::string_view what) {
  return absl::FailedPreconditionError(StrCat(what, ": ", strerror(errno)));
}

}  // namespace syd

#endif  // SYD_BASE_ERRNO_STATUS_H_
