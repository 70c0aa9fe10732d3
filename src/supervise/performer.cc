#include "src/supervise/performer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#include <utility>

#include "src/base/strcat.h"
#include "src/syscalls/syscalls.h"

namespace syd::supervise {
namespace {

// The kernel's O_LARGEFILE (glibc's is 0 on x86_64, where the kernel sets
// it on every open, openat2's too).
constexpr uint64_t kLargeFile = 0100000;
// What open(2) and openat(2) take of their flags (the kernel's
// VALID_OPEN_FLAGS; the rest are ignored). openat2 refuses the rest.
constexpr uint64_t kOpenFlags =
    O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK |
    O_DSYNC | FASYNC | O_DIRECT | kLargeFile | O_DIRECTORY | O_NOFOLLOW |
    O_NOATIME | O_CLOEXEC | O_PATH | O_TMPFILE | O_SYNC;
// The status flags F_SETFL sets from what open(2) was given (O_ASYNC is
// one open ignores).
constexpr int kSettableFlags = O_APPEND | O_DIRECT | O_NOATIME;

bool Creates(uint64_t flags) {
  return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
}

// The identity of the thread that performs, changed to the caller's where
// it differs and put back when this ends. Raw syscalls: glibc's wrappers
// of setgroups and capset would change every thread of syd.
class AsCaller {
 public:
  AsCaller(const tracee::Credentials& own, const tracee::Credentials& caller)
      : own_(own), caller_(caller) {}
  AsCaller(const AsCaller&) = delete;
  AsCaller& operator=(const AsCaller&) = delete;
  ~AsCaller() { Restore(); }

  // False, with the identity as it was, where a step failed.
  bool Take() {
    if (own_.umask != caller_.umask) {
      umask(caller_.umask);
      umask_set_ = true;
    }
    if (own_.fsuid == caller_.fsuid && own_.fsgid == caller_.fsgid &&
        own_.groups == caller_.groups && own_.effective == caller_.effective) {
      return true;
    }
    ids_set_ = true;
    if (syscall(SYS_setgroups, caller_.groups.size(), caller_.groups.data()) !=
        0) {
      return false;
    }
    // setfsuid and setfsgid answer the previous id whether or not they
    // changed it: read it back.
    syscall(SYS_setfsgid, caller_.fsgid);
    syscall(SYS_setfsuid, caller_.fsuid);
    if (syscall(SYS_setfsgid, -1) != static_cast<long>(caller_.fsgid) ||
        syscall(SYS_setfsuid, -1) != static_cast<long>(caller_.fsuid)) {
      return false;
    }
    // Last: the capabilities that let syd change its ids. A change of
    // fsuid away from 0 has dropped the file ones; this sets exactly the
    // caller's (within syd's permitted set).
    return SetEffective(caller_.effective);
  }

 private:
  static bool SetEffective(uint64_t effective) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    if (syscall(SYS_capget, &header, data) != 0) return false;
    data[0].effective = static_cast<uint32_t>(effective) & data[0].permitted;
    data[1].effective =
        static_cast<uint32_t>(effective >> 32) & data[1].permitted;
    return syscall(SYS_capset, &header, data) == 0;
  }

  void Restore() {
    if (umask_set_) umask(own_.umask);
    if (!ids_set_) return;
    // syd's capabilities first: they let it take its ids back.
    SetEffective(own_.effective);
    syscall(SYS_setfsuid, own_.fsuid);
    syscall(SYS_setfsgid, own_.fsgid);
    syscall(SYS_setgroups, own_.groups.size(), own_.groups.data());
  }

  const tracee::Credentials& own_;
  const tracee::Credentials& caller_;
  bool umask_set_ = false;
  bool ids_set_ = false;
};

}  // namespace

std::optional<OpenToPerform> OpenToPerformOf(const Call& e, bool own_proc) {
  if (e.abi != Abi::kX86_64 || !e.decoded) return std::nullopt;
  const SyscallInfo* s = FindSyscall(e.nr);
  if (s == nullptr) return std::nullopt;
  const std::string_view name = s->name;
  if (name != "open" && name != "openat" && name != "creat" &&
      name != "openat2") {
    return std::nullopt;
  }
  int arg = 0;
  while (arg < s->nargs && (!s->args[arg].IsPath() || s->args[arg].from_fd))
    ++arg;
  if (arg == s->nargs || !e.strings[arg] || e.path_errors[arg] != 0)
    return std::nullopt;
  OpenToPerform o;
  o.path = *e.strings[arg];
  if (o.path.empty() || o.path[0] != '/') return std::nullopt;
  if (own_proc && (o.path == "/proc" || o.path.starts_with("/proc/")))
    return std::nullopt;
  if ((e.trailing_slash & (1u << arg)) != 0 && o.path != "/") o.path += '/';
  if (o.path.size() >= PATH_MAX) return std::nullopt;
  if (name == "openat2") {
    // A larger struct than syd read may hold fields the kernel refuses.
    if (!e.open_how_flags || e.args[3] != sizeof(open_how)) return std::nullopt;
    o.flags = *e.open_how_flags;
    o.mode = e.open_how_mode;
    o.open_how = true;
  } else if (name == "creat") {
    o.flags = O_CREAT | O_WRONLY | O_TRUNC;
    o.mode = e.args[1];
  } else {
    o.flags = e.args[s->ArgOfKind(ArgKind::kOpenFlags)] & kOpenFlags;
    o.mode = e.args[s->ArgOfKind(ArgKind::kMode)];
  }
  if ((o.flags & O_PATH) != 0) return std::nullopt;
  if (!o.open_how) o.mode = Creates(o.flags) ? o.mode & 07777 : 0;
  return o;
}

Performer::Performer(std::function<void(const std::string&)> message)
    : message_(std::move(message)) {
  own_ = tracee::CredentialsOf(static_cast<pid_t>(syscall(SYS_gettid)))
             .value_or(tracee::Credentials{});
  constexpr uint64_t kSwitch =
      (uint64_t{1} << CAP_SETUID) | (uint64_t{1} << CAP_SETGID);
  can_switch_ = (own_.effective & kSwitch) == kSwitch;
}

bool Performer::IsProcfs(dev_t dev, int fd, const std::string& path) {
  auto it = procfs_.find(dev);
  if (it != procfs_.end()) return it->second;
  struct statfs fs;
  const int rc = fd >= 0 ? fstatfs(fd, &fs) : statfs(path.c_str(), &fs);
  // Unknown is taken as procfs: the open is continued.
  if (rc != 0) return true;
  const bool proc = fs.f_type == PROC_SUPER_MAGIC;
  procfs_.emplace(dev, proc);
  return proc;
}

Performed Performer::Open(pid_t tid, const OpenToPerform& o,
                          const std::function<bool()>& still_waits) {
  auto left_to_kernel = [&] {
    ++continued_;
    return Performed::Continue();
  };
  // Only what is a file or directory now is opened by syd; a name that is
  // not there yet may be created.
  struct stat before;
  const bool existed = lstat(o.path.c_str(), &before) == 0;
  if (existed && ((!S_ISREG(before.st_mode) && !S_ISDIR(before.st_mode)) ||
                  IsProcfs(before.st_dev, -1, o.path))) {
    return left_to_kernel();
  }
  std::optional<tracee::Credentials> caller;
  if (!same_identity_) {
    caller = tracee::CredentialsOf(tid);
    if (!still_waits()) return left_to_kernel();  // gone: nobody to answer
    if (!caller) return Performed::Answer(-EPERM);
  }
  const bool switch_ids =
      caller &&
      (caller->fsuid != own_.fsuid || caller->fsgid != own_.fsgid ||
       caller->groups != own_.groups || caller->effective != own_.effective);
  if (switch_ids && !can_switch_) {
    if (!said_cannot_switch_) {
      said_cannot_switch_ = true;
      message_(
          "a process of the sandbox has changed its credentials, which syd "
          "(not root) cannot take: its opens are left to the kernel, which "
          "reads their names again (docs/architecture.md)");
    }
    return left_to_kernel();
  }
  // The umask is the fs_struct's, which syd's threads share: this thread
  // takes one of its own (with cwd and root) before it sets one.
  if (caller && caller->umask != own_.umask && !fs_unshared_) {
    if (unshare(CLONE_FS) != 0) return Performed::Answer(-EPERM);
    fs_unshared_ = true;
  }
  int fd = -1;
  int error = 0;
  {
    AsCaller as(own_, caller ? *caller : own_);
    if (!as.Take()) return Performed::Answer(-EPERM);
    // O_NONBLOCK: a lease or a FIFO put there since the lstat must not
    // hold syd; O_NOCTTY: syd leads a session, and a terminal put there
    // must not become its. No link is followed: the path is resolved.
    open_how how{};
    how.flags = o.flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
    how.mode = o.mode;
    how.resolve = RESOLVE_NO_SYMLINKS;
    fd = static_cast<int>(
        syscall(SYS_openat2, AT_FDCWD, o.path.c_str(), &how, sizeof how));
    error = errno;
  }
  if (fd < 0) {
    // A lease on the file, or a FIFO put there with no reader: the
    // kernel would wait.
    if ((error == EWOULDBLOCK || error == ENXIO) &&
        (o.flags & O_NONBLOCK) == 0) {
      return left_to_kernel();
    }
    ++performed_;
    return Performed::Answer(-error);
  }
  Performed out = Performed::Descriptor(fd, (o.flags & O_CLOEXEC) != 0);
  // Something else was put there since the lstat: the kernel's to open.
  struct stat st;
  if (fstat(fd, &st) != 0 || (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) ||
      IsProcfs(st.st_dev, fd, o.path)) {
    return left_to_kernel();
  }
  if ((o.flags & O_NONBLOCK) == 0 &&
      fcntl(fd, F_SETFL, static_cast<int>(o.flags) & kSettableFlags) != 0) {
    return Performed::Answer(-EPERM);
  }
  ++performed_;
  return out;
}

}  // namespace syd::supervise
