// A stopped syscall's arguments, decoded as the syscall table describes
// them: paths read and resolved as the kernel will, socket addresses parsed.
#ifndef SYD_TRACEE_DECODE_H_
#define SYD_TRACEE_DECODE_H_

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "src/policy/policy.h"
#include "src/tracee/process.h"

namespace syd::tracee {

enum class DecodeResult { kOk, kFault, kUnnamed };

// The tracee's root directory ("/" unless it chrooted): what absolute
// paths and symlinks resolve against. Nothing when /proc cannot say (the
// process has gone, or syd may not look): never a guess.
std::optional<std::string> RootOf(pid_t pid);

// Fills `e` (nr and args already set) with what syd can see of the call
// `process` made; `root` is its RootOf(). kFault: an argument the kernel
// would read is a NULL or bad pointer, and the call should fail with
// EFAULT as the kernel would. kUnnamed: a descriptor whose file syd
// cannot name, so no rule can judge the call: it must not run.
DecodeResult Decode(const Process& process, const std::string& root, Call* e,
                    bool want_process_names);

// The open flags of an open-like call: from the flags register, or from
// openat2's decoded struct open_how. Nothing for other syscalls.
std::optional<uint64_t> OpenFlagsOf(const SyscallInfo& s, const Call& e);

// Whether the call follows a link at the end of its path argument `i`
// (its flags, or the syscall: lchown does not).
bool FollowsLast(const SyscallInfo& s, const Call& e, int i);

// `openat(AT_FDCWD, "/etc/passwd", O_WRONLY|O_CREAT, 0644)`, with paths as
// resolved, open flags and modes by name.
std::string DescribeCall(const Call& e);

// open(2)'s flags by name (O_WRONLY|O_CREAT|O_TRUNC) and a mode (0666,
// S_IFIFO|0644), for reports.
std::string OpenFlagsText(uint64_t flags);
std::string ModeText(uint64_t mode);

// Decodes a struct sockaddr of `len` bytes.
SocketAddress DecodeSockaddr(const uint8_t* data, size_t len);

}  // namespace syd::tracee

#endif  // SYD_TRACEE_DECODE_H_
