// A syscall written as C calls it, for `syd explain`:
//   openat(AT_FDCWD, "/etc/passwd", O_WRONLY|O_CREAT)
//   connect(3, "inet://127.0.0.1@53", 16)
#ifndef SYD_POLICY_CALL_H_
#define SYD_POLICY_CALL_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "src/policy/policy.h"

namespace syd {

// Arguments are expressions (identifiers, arithmetic) or double-quoted
// strings. A string in a path or string argument is the decoded string; in
// an address argument it is an address in pattern syntax with one port.
// The result is a decoded Call, so both the kernel's and the tracer's view
// can be evaluated.
absl::StatusOr<Call> ParseCall(std::string_view text);

}  // namespace syd

#endif  // SYD_POLICY_CALL_H_
