#include "src/kernel/features.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>

#include "src/kernel/uapi.h"

namespace syd::kernel {
namespace {

// A syscall exists unless it fails with ENOSYS; the arguments make it fail
// harmlessly where it does.
bool HasSyscall(long nr, long a, long b, long c, long d) {
  return syscall(nr, a, b, c, d) == 0 || errno != ENOSYS;
}

// seccomp() checks the flags before it reads the program: EFAULT on a null
// program means it knows them, EINVAL that it does not.
bool KnowsFilterFlags(unsigned flags) {
  return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, nullptr) < 0 &&
         errno == EFAULT;
}

bool HasPeerPidfd() {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return false;
  int fd = -1;
  socklen_t len = sizeof fd;
  const bool ok = getsockopt(sv[0], SOL_SOCKET, kSoPeerPidfd, &fd, &len) == 0;
  if (ok && fd >= 0) close(fd);
  close(sv[0]);
  close(sv[1]);
  return ok;
}

}  // namespace

std::vector<KernelFeature> ProbeKernelFeatures() {
  return {
      {"seccomp WAIT_KILLABLE_RECV", "5.19",
       "user notification (without it: ptrace)",
       KnowsFilterFlags(SECCOMP_FILTER_FLAG_NEW_LISTENER |
                        kFilterFlagWaitKillableRecv)},
      {"pidfd_getfd", "5.6", "a copy of a sandboxed process's descriptor",
       HasSyscall(kSysPidfdGetfd, -1, 0, 0, 0)},
      {"SO_PEERPIDFD", "6.5", "the control socket's peer, race-free",
       HasPeerPidfd()},
      {"fchmodat2", "6.6", "chmod with AT_SYMLINK_NOFOLLOW",
       HasSyscall(kSysFchmodat2, -1, 0, 0, 0)},
  };
}

std::string KernelRelease() {
  utsname u{};
  if (uname(&u) != 0) return "unknown";
  return u.release;
}

}  // namespace syd::kernel
