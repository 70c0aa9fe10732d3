// A stopped process as syd reads it: its memory, the directories its
// relative paths start from, and what /proc says of it. LiveProcess reads
// the real one; tests decode calls against a fake.
#ifndef SYD_TRACEE_PROCESS_H_
#define SYD_TRACEE_PROCESS_H_

#include <errno.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "src/lang/net_pattern.h"
#include "src/tracee/descriptor_copies.h"

namespace syd::tracee {

class Process {
 public:
  virtual ~Process() = default;

  // The thread that made the call (/proc/self means it).
  virtual pid_t pid() const = 0;
  // `size` bytes at `addr`; false when the memory is not there.
  virtual bool Read(uint64_t addr, void* out, size_t size) const = 0;
  // A NUL-terminated string of at most `max` bytes; nothing for a NULL or
  // unreadable pointer, or a string without its NUL.
  virtual std::optional<std::string> ReadString(uint64_t addr,
                                                size_t max) const = 0;
  // Where a relative path starts: the cwd for AT_FDCWD, else what
  // descriptor `dirfd` names; nothing for a bad descriptor.
  virtual std::optional<std::string> BaseDirectory(int dirfd) const = 0;
  // The file descriptor `fd` names, for a call that acts on it (fchmod,
  // futimens, AT_EMPTY_PATH): as BaseDirectory.
  virtual std::optional<std::string> DescriptorFile(int fd) const {
    return BaseDirectory(fd);
  }
  // The process's name (comm) and its command line, arguments joined by
  // spaces.
  virtual std::string Comm() const = 0;
  virtual std::string Cmdline() const = 0;
  // The address socket `fd` is bound to (getsockname: the wildcard
  // address and port 0 for an unbound one); nothing, with errno set, when
  // syd cannot say: EBADF or ENOTSOCK for a descriptor that is not open or
  // not a socket (the kernel fails the call itself), another errno when
  // syd could not look.
  virtual std::optional<SocketAddress> SocketName(int fd) const {
    errno = ENOTSOCK;
    return std::nullopt;
  }
  // Where syd reads the /proc the process sees, when that is not syd's
  // own (ResolvePath's `sandbox_proc`); empty when it is.
  virtual const std::string& SandboxProc() const {
    static const std::string kSydsOwn;
    return kSydsOwn;
  }
  // A descriptor of the process's root in its mount namespace, where syd
  // lets the kernel resolve its paths (ResolvePath's `root_fd`); -1 where
  // syd walks them itself.
  virtual int RootDescriptor() const { return -1; }
  // Where syd reads the process's "/" when its root is a private one
  // syd made (ResolvePath's `view`); empty when syd reads it as its own.
  virtual const std::string& View() const {
    static const std::string kSydsOwn;
    return kSydsOwn;
  }
};

// The real process `pid`: process_vm_readv and /proc.
class LiveProcess : public Process {
 public:
  // `sandbox_proc`, when given, must outlive the LiveProcess, and so must
  // `root_fd`, `view` and `copies`. With `copies`, descriptors are copied
  // through its kept pidfds; with `name_by_copy` too, a descriptor the
  // call acts on is named by its copy, which `copies` keeps for the call.
  explicit LiveProcess(pid_t pid, const std::string* sandbox_proc = nullptr,
                       int root_fd = -1, const std::string* view = nullptr,
                       DescriptorCopies* copies = nullptr,
                       bool name_by_copy = false)
      : pid_(pid),
        sandbox_proc_(sandbox_proc),
        root_fd_(root_fd),
        view_(view),
        copies_(copies),
        name_by_copy_(name_by_copy && copies != nullptr) {}
  pid_t pid() const override { return pid_; }
  bool Read(uint64_t addr, void* out, size_t size) const override;
  std::optional<std::string> ReadString(uint64_t addr,
                                        size_t max) const override;
  std::optional<std::string> BaseDirectory(int dirfd) const override;
  std::optional<std::string> DescriptorFile(int fd) const override;
  std::string Comm() const override;
  std::string Cmdline() const override;
  std::optional<SocketAddress> SocketName(int fd) const override;
  const std::string& SandboxProc() const override {
    return sandbox_proc_ != nullptr ? *sandbox_proc_ : Process::SandboxProc();
  }
  int RootDescriptor() const override { return root_fd_; }
  const std::string& View() const override {
    return view_ != nullptr ? *view_ : Process::View();
  }

 private:
  pid_t pid_;
  const std::string* sandbox_proc_;
  int root_fd_;
  const std::string* view_;
  DescriptorCopies* copies_;
  bool name_by_copy_;
};

// A struct argument whose size the caller gives (openat2's open_how,
// setxattrat's xattr_args), read as the kernel's copy_struct_from_user
// does after its caller's checks: EINVAL below `known` bytes, E2BIG past
// a page, then the bytes past `known` (EFAULT unreadable, E2BIG not all
// zero), then the `known` bytes into `out` (EFAULT). 0 when read.
int ReadStructArg(const Process& process, uint64_t addr, uint64_t size,
                  void* out, size_t known);

}  // namespace syd::tracee

#endif  // SYD_TRACEE_PROCESS_H_
