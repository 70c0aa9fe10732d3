#include "src/tracee/descriptor_copies.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "src/kernel/uapi.h"
#include "src/tracee/procfs.h"

namespace syd::tracee {

namespace {

// Threads that have gone leave their pidfds behind: a bound, not a sweep.
constexpr size_t kKeptPidfds = 64;

}  // namespace

DescriptorCopies::~DescriptorCopies() {
  DropKept();
  for (const auto& [_, pidfd] : pidfds_) close(pidfd);
}

int DescriptorCopies::PidfdOf(pid_t tid, bool fresh) {
  auto it = pidfds_.find(tid);
  if (it != pidfds_.end()) {
    if (!fresh) return it->second;
    close(it->second);
    pidfds_.erase(it);
  }
  if (pidfds_.size() >= kKeptPidfds) {
    for (const auto& [_, pidfd] : pidfds_) close(pidfd);
    pidfds_.clear();
  }
  // A thread that does not lead its process has a pidfd of its own where
  // the kernel has them (6.9: PIDFD_THREAD; a plain pidfd_open of its tid
  // is EINVAL before 6.15 or so, ENOENT on 6.18); before, its process's,
  // whose table it shares unless it unshared it (CLONE_FILES).
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, tid, 0));
  if (pidfd < 0 && (errno == EINVAL || errno == ENOENT)) {
    pidfd =
        static_cast<int>(syscall(SYS_pidfd_open, tid, kernel::kPidfdThread));
    if (pidfd < 0 && errno == EINVAL)
      pidfd = static_cast<int>(syscall(SYS_pidfd_open, ThreadGroup(tid), 0));
  }
  if (pidfd < 0) return -errno;
  pidfds_.emplace(tid, pidfd);
  return pidfd;
}

int DescriptorCopies::Copy(pid_t tid, int fd) {
  // A pidfd kept from an earlier call is of that call's thread: if it has
  // gone (ESRCH, and its tid may be another thread's now), a pidfd of
  // this one, tried once.
  const bool kept = pidfds_.count(tid) != 0;
  int copy = -ESRCH;
  for (const bool fresh : {false, true}) {
    const int pidfd = PidfdOf(tid, fresh);
    if (pidfd < 0) return pidfd;
    copy = static_cast<int>(syscall(kernel::kSysPidfdGetfd, pidfd, fd, 0));
    if (copy < 0) copy = -errno;
    if (copy != -ESRCH || !kept) break;
  }
  return copy;
}

void DescriptorCopies::Keep(pid_t tid, int fd, int copy,
                            const std::string& name) {
  for (Kept& k : kept_) {
    if (k.copy >= 0) continue;
    k.tid = tid;
    k.fd = fd;
    k.copy = copy;
    k.name = name;
    return;
  }
  close(copy);  // no room: the call takes a copy of its own
}

int DescriptorCopies::TakeKept(pid_t tid, int fd, const std::string& name) {
  for (Kept& k : kept_) {
    if (k.copy >= 0 && k.tid == tid && k.fd == fd && k.name == name) {
      const int copy = k.copy;
      k.copy = -1;
      return copy;
    }
  }
  return -1;
}

void DescriptorCopies::DropKept() {
  for (Kept& k : kept_) {
    if (k.copy < 0) continue;
    close(k.copy);
    k.copy = -1;
  }
}

}  // namespace syd::tracee
