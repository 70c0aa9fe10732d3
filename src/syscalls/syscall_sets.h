// Named syscall sets (%file, %file_wr, %net ...): strace's classes plus the
// seed's own sets.
#ifndef SYD_SYSCALLS_SYSCALL_SETS_H_
#define SYD_SYSCALLS_SYSCALL_SETS_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/types/span.h"

namespace syd {

// %file_wr and %file_rd hold open, openat and openat2 only for the calls
// whose flags write (or do not): the guard is an implicit condition on the
// open flags that the rule carries for that syscall.
enum class OpenGuard : uint8_t { kNone, kWrites, kReadOnly };

// The open flags that make an open a write. O_TRUNC counts: on Linux
// O_RDONLY|O_TRUNC truncates.
uint64_t OpenWriteFlags();

struct SetMember {
  int nr;
  OpenGuard guard = OpenGuard::kNone;
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
