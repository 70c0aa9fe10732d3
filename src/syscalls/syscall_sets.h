// Named syscall sets (%file, %file_wr, %net ...): strace's classes plus the
// seed's own sets.
#ifndef SYD_SYSCALLS_SYSCALL_SETS_H_
#define SYD_SYSCALLS_SYSCALL_SETS_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/types/span.h"

namespace syd {

// A set's implicit test on one of its members, which the rule carries for
// that syscall. %file_wr and %file_rd hold open, openat and openat2 only
// for the calls whose flags write (kWrites) or do not (kReadOnly);
// %file_wr and %file_attr hold ioctl only for the requests that change a
// file's attributes (append-only, immutable), each request a member of its
// own: FS_IOC_SETFLAGS (kIoctlSetFlags) and FS_IOC_FSSETXATTR
// (kIoctlFsSetXattr). The register test each stands for is
// GuardCondition's (src/policy/rules.h).
enum class SetGuard : uint8_t {
  kNone,
  kWrites,
  kReadOnly,
  kIoctlSetFlags,
  kIoctlFsSetXattr,
};
inline constexpr int kSetGuardBits = 3;
// ioctl's attribute requests: a member each.
inline constexpr bool IsRequestGuard(SetGuard g) {
  return g == SetGuard::kIoctlSetFlags || g == SetGuard::kIoctlFsSetXattr;
}

// The open flags that make an open a write. O_TRUNC counts: on Linux
// O_RDONLY|O_TRUNC truncates.
uint64_t OpenWriteFlags();

struct SetMember {
  int nr;
  SetGuard guard = SetGuard::kNone;
};

struct SetInfo {
  std::string_view name;  // as written after '%': "file", "%stat" for %%stat
  std::string_view description;
};

absl::Span<const SetInfo> AllSets();
// Members of set `name` (without the leading '%'), in number order, or
// nullptr for an unknown set. The lists are built once and live forever.
const std::vector<SetMember>* ExpandSet(std::string_view name);

}  // namespace syd

#endif  // SYD_SYSCALLS_SYSCALL_SETS_H_
