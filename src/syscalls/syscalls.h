// The syscall table: names, numbers on the three x86 ABIs, strace-style
// classes and the argument schema. It is the source of truth for syscall
// names: libseccomp 2.5.4 does not know syscalls newer than Linux 5.17.
#ifndef SYD_SYSCALLS_SYSCALLS_H_
#define SYD_SYSCALLS_SYSCALLS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/types/span.h"

namespace syd {

enum class Abi : uint8_t { kX86_64, kI386, kX32 };
std::string_view AbiName(Abi abi);

// Classes as strace names them (%file, %desc ...). kStatAll and kStatfsAll
// are strace's %%stat and %%statfs.
enum SyscallClass : uint32_t {
  kClassFile = 1u << 0,
  kClassProcess = 1u << 1,
  kClassNetwork = 1u << 2,
  kClassSignal = 1u << 3,
  kClassIpc = 1u << 4,
  kClassDesc = 1u << 5,
  kClassMemory = 1u << 6,
  kClassCreds = 1u << 7,
  kClassClock = 1u << 8,
  kClassStat = 1u << 9,
  kClassLstat = 1u << 10,
  kClassFstat = 1u << 11,
  kClassStatAll = 1u << 12,
  kClassStatfs = 1u << 13,
  kClassFstatfs = 1u << 14,
  kClassStatfsAll = 1u << 15,
  kClassPure = 1u << 16,
};

enum class ArgKind : uint8_t {
  kValue,    // a number with no further meaning to syd
  kPointer,  // an address syd does not decode
  kFd,
  kDirFd,  // base of the next path argument; AT_FDCWD for the cwd
  kPid,
  kSignal,
  kMode,
  kOpenFlags,
  kAtFlags,
  kUid,
  kGid,
  kPath,         // a file name, decoded and resolved by the tracer
  kString,       // a string that is not a file name (symlink target, xattr)
  kSockaddr,     // an address the caller gives (bind, connect, sendto)
  kSockaddrOut,  // an address the kernel writes (accept, recvfrom)
  kSockaddrLen,
  kMsghdr,   // sendmsg: the address is msg_name
  kMmsghdr,  // sendmmsg: a vector of msghdr
  kOpenHow,  // openat2: flags live in struct open_how
};

// What a syscall does to the file its path argument names.
enum class PathAccess : uint8_t {
  kNone,
  kRead,
  kWrite,   // modifies an existing file (chmod, truncate, utime)
  kCreate,  // creates a directory entry (mkdir, symlink, rename's target)
  kDelete,  // removes a directory entry (unlink, rename's source)
  kExec,
  kOpen,  // decided by the open flags: a write if they ask to write
};

struct ArgSpec {
  ArgKind kind = ArgKind::kValue;
  uint8_t width =
      64;  // bits the kernel reads; 32-bit args ignore the upper half
  PathAccess access = PathAccess::kNone;
  bool nofollow = false;  // the last path component is never followed
  int8_t dirfd = -1;      // index of the dirfd a path is relative to, or -1
  // A descriptor judged as a path: the file it refers to (fchmod's fd).
  // The register holds the descriptor, not a pointer.
  bool from_fd = false;

  bool IsPath() const { return kind == ArgKind::kPath; }
  bool IsAddress() const {
    return kind == ArgKind::kSockaddr || kind == ArgKind::kMsghdr ||
           kind == ArgKind::kMmsghdr;
  }
  uint64_t Mask() const { return width == 64 ? ~0ull : (1ull << width) - 1; }
};

struct SyscallInfo {
  std::string_view name;
  int nr = -1;  // x86_64 number
  uint32_t classes = 0;
  uint8_t nargs = 0;
  std::array<ArgSpec, 6> args{};

  bool HasClass(uint32_t c) const { return (classes & c) != 0; }
  // The index of the first argument of `kind`, or -1.
  int ArgOfKind(ArgKind kind) const {
    for (int i = 0; i < nargs; ++i) {
      if (args[i].kind == kind) return i;
    }
    return -1;
  }
};

// Highest x86_64 syscall number plus one; numbers below it index bitsets.
inline constexpr int kMaxSyscallNr = 512;

// Every x86_64 syscall, ordered by number.
absl::Span<const SyscallInfo> AllSyscalls();
const SyscallInfo* FindSyscall(std::string_view name);
const SyscallInfo* FindSyscall(int nr);

// The number of `name` on `abi`, if that ABI has such a syscall.
std::optional<int> SyscallNumber(Abi abi, std::string_view name);
// The name of syscall `nr` on `abi` (x32 numbers include 0x40000000).
std::optional<std::string_view> SyscallName(Abi abi, int nr);
// Every name `abi` knows, in number order.
absl::Span<const std::string_view> SyscallNames(Abi abi);

}  // namespace syd

#endif  // SYD_SYSCALLS_SYSCALLS_H_
