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

// Copies kept at once, by all of syd's deciding threads: a thread that
// finds no room takes its copy again when it acts.
constexpr size_t kKeptCopies = 16;

pid_t ThisThread() {
  static thread_local const auto tid = static_cast<pid_t>(syscall(SYS_gettid));
  return tid;
}

}  // namespace

DescriptorCopies::~DescriptorCopies() {
  for (const Kept& k : kept_) close(k.copy);
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
  std::lock_guard<std::mutex> lock(mu_);
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
  std::lock_guard<std::mutex> lock(mu_);
  if (kept_.size() >= kKeptCopies) {
    close(copy);  // no room: the call takes a copy of its own
    return;
  }
  kept_.push_back(Kept{ThisThread(), tid, fd, copy, name});
}

int DescriptorCopies::TakeKept(pid_t tid, int fd, const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  const pid_t decider = ThisThread();
  for (auto it = kept_.begin(); it != kept_.end(); ++it) {
    if (it->decider == decider && it->tid == tid && it->fd == fd &&
        it->name == name) {
      const int copy = it->copy;
      kept_.erase(it);
      return copy;
    }
  }
  return -1;
}

void DescriptorCopies::DropKept() {
  std::lock_guard<std::mutex> lock(mu_);
  const pid_t decider = ThisThread();
  std::erase_if(kept_, [decider](const Kept& k) {
    if (k.decider != decider) return false;
    close(k.copy);
    return true;
  });
}

}  // namespace syd::tracee
