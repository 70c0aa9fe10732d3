#include "src/supervise/listener.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "src/base/strcat.h"
#include "src/kernel/uapi.h"
#include "src/tracee/procfs.h"

namespace syd::supervise {
namespace {

seccomp_notif_sizes NotifSizes() {
  seccomp_notif_sizes sizes{};
  if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) sizes = {};
  return sizes;
}

absl::Status Errno(const char* what) {
  return absl::InternalError(StrCat(what, ": ", strerror(errno)));
}

// Waits for `pid`, retrying interrupted waits.
pid_t Wait(pid_t pid, int* status, int flags = __WALL) {
  pid_t got;
  while ((got = waitpid(pid, status, flags)) < 0 && errno == EINTR) {
  }
  return got;
}

// Copies fd `remote` of the stopped tracee `pid` into syd, then lets the
// tracee go untraced.
absl::StatusOr<int> CopyListener(pid_t pid, int remote) {
  const int fd = tracee::CopyDescriptor(pid, remote);
  if (fd < 0) return Errno("copying the listener (pidfd_getfd)");
  // The child keeps its copy until exec closes it (O_CLOEXEC).
  ptrace(PTRACE_DETACH, pid, nullptr, nullptr);
  return fd;
}

}  // namespace

ListenerSupport ProbeListener(std::string* why) {
  if (NotifSizes().seccomp_notif == 0) return ListenerSupport::kOldKernel;
  // pidfd_getfd on a bad pidfd: EBADF where it exists, ENOSYS where not.
  if (syscall(SYS_pidfd_getfd, -1, 0, 0) == 0 || errno != EBADF)
    return ListenerSupport::kOldKernel;
  // A child tries, with a filter that allows everything, and exits with
  // the errno it got.
  pid_t pid = fork();
  if (pid < 0) {
    *why = StrCat("fork: ", strerror(errno));
    return ListenerSupport::kProbeFailed;
  }
  if (pid == 0) {
    sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    sock_fprog prog{1, &allow};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(errno);
    _exit(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, kListenerFilterFlags,
                  &prog) >= 0
              ? 0
              : errno);
  }
  int status = 0;
  if (Wait(pid, &status) != pid || !WIFEXITED(status)) {
    *why = "the probe's child did not exit";
    return ListenerSupport::kProbeFailed;
  }
  switch (WEXITSTATUS(status)) {
    case 0:
      return ListenerSupport::kYes;
    case EBUSY:
      return ListenerSupport::kListenerAbove;
    default:
      return ListenerSupport::kOldKernel;
  }
}

absl::StatusOr<int> TakeListener(pid_t pid, std::optional<int>* exited) {
  int status = 0;
  // Seizing a stopped child traps it at once (PTRACE_EVENT_STOP), which
  // lets syd step it from one syscall to the next.
  if (ptrace(PTRACE_SEIZE, pid, nullptr, PTRACE_O_TRACESYSGOOD) != 0)
    return Errno("PTRACE_SEIZE");
  if (Wait(pid, &status) < 0) return Errno("waitpid");
  // End the group-stop: a detached child would otherwise stop again.
  kill(pid, SIGCONT);
  long entered = -1;  // the syscall the child is in, -1 between calls
  for (;;) {
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      *exited = status;
      return -1;
    }
    if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
      __ptrace_syscall_info info{};
      if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info) <= 0)
        return Errno("PTRACE_GET_SYSCALL_INFO");
      if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
        entered = static_cast<long>(info.entry.nr);
      } else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
        if (entered == SYS_seccomp && !info.exit.is_error)
          return CopyListener(pid, static_cast<int>(info.exit.rval));
        entered = -1;
      }
    }
    // Any other stop is the seize trap or the SIGCONT above, which did its
    // work when sent: neither is the child's to see.
    if (ptrace(PTRACE_SYSCALL, pid, nullptr, nullptr) != 0)
      return Errno("PTRACE_SYSCALL");
    if (Wait(pid, &status) < 0) return Errno("waitpid");
  }
}

Listener::Listener(int fd) : fd_(fd) {
  // The stopped thread and syd hand the CPU to each other: wake the one on
  // the CPU the other leaves. Older kernels refuse, and wake as before.
  ioctl(fd_, kernel::kSeccompIoctlNotifSetFlags,
        kernel::kSeccompUserNotifFdSyncWakeUp);
  const seccomp_notif_sizes sizes = NotifSizes();
  req_.resize(std::max<size_t>(sizes.seccomp_notif, sizeof(seccomp_notif)));
  resp_.resize(
      std::max<size_t>(sizes.seccomp_notif_resp, sizeof(seccomp_notif_resp)));
}

Listener::~Listener() { close(fd_); }

absl::StatusOr<std::optional<seccomp_notif>> Listener::Receive() {
  std::fill(req_.begin(), req_.end(), 0);  // the kernel insists
  if (ioctl(fd_, SECCOMP_IOCTL_NOTIF_RECV, req_.data()) != 0) {
    // ENOENT: the call went away before syd read it; EINTR: a signal.
    if (errno == ENOENT || errno == EINTR) return std::nullopt;
    return Errno("SECCOMP_IOCTL_NOTIF_RECV");
  }
  seccomp_notif req;
  std::memcpy(&req, req_.data(), sizeof req);
  return req;
}

bool Listener::Waiting(uint64_t id) const {
  return ioctl(fd_, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

absl::Status Listener::Continue(uint64_t id) {
  seccomp_notif_resp resp{};
  resp.id = id;
  resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  return Send(resp);
}

absl::Status Listener::Return(uint64_t id, int64_t ret) {
  seccomp_notif_resp resp{};
  resp.id = id;
  if (ret < 0) {
    resp.error = static_cast<int32_t>(ret);
  } else {
    resp.val = ret;
  }
  return Send(resp);
}

absl::Status Listener::ReturnDescriptor(uint64_t id, int fd, bool cloexec) {
  seccomp_notif_addfd add{};
  add.id = id;
  add.flags = SECCOMP_ADDFD_FLAG_SEND;
  add.srcfd = static_cast<uint32_t>(fd);
  add.newfd_flags = cloexec ? O_CLOEXEC : 0;
  // The caller installs the descriptor while syd waits; a signal to syd
  // withdraws the request, which may then be made again.
  for (int tries = 0; tries < 100; ++tries) {
    if (ioctl(fd_, SECCOMP_IOCTL_NOTIF_ADDFD, &add) >= 0)
      return absl::OkStatus();
    if (errno == EINTR) continue;
    if (errno == ENOENT) return absl::OkStatus();  // the call has gone
    // The caller's table is full, or the memory for it: the call is still
    // syd's to answer, with what the kernel's open would have said.
    if (errno == EMFILE || errno == ENOMEM) return Return(id, -errno);
    return Errno("SECCOMP_IOCTL_NOTIF_ADDFD");
  }
  return Errno("SECCOMP_IOCTL_NOTIF_ADDFD");
}

absl::Status Listener::Send(const seccomp_notif_resp& resp) {
  std::fill(resp_.begin(), resp_.end(), 0);
  std::memcpy(resp_.data(), &resp, sizeof resp);
  // ENOENT: the call went away meanwhile (killed, or a signal); nobody
  // waits for the answer.
  if (ioctl(fd_, SECCOMP_IOCTL_NOTIF_SEND, resp_.data()) != 0 &&
      errno != ENOENT) {
    return Errno("SECCOMP_IOCTL_NOTIF_SEND");
  }
  return absl::OkStatus();
}

}  // namespace syd::supervise
