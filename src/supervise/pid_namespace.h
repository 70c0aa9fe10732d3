// The pid namespace the sandbox runs in, so that it dies with syd: syd
// forks a small init into a new pid namespace, then the command beside
// it. The init holds the namespace and does nothing else; when it dies
// (with syd, by its parent-death signal) the kernel kills every process
// of the namespace. The command stays syd's child, so both backends wait
// for it as before. docs/architecture.md, "A sandbox that dies with syd".
#ifndef SYD_SUPERVISE_PID_NAMESPACE_H_
#define SYD_SUPERVISE_PID_NAMESPACE_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace syd::supervise {

// Whether a supervised run gets a pid namespace, and why not. It needs
// CAP_SYS_ADMIN (root) and syd outside any chroot, for the namespace and
// the mount namespace its own /proc lives in; SYD_PID_NAMESPACE=0 in the
// environment switches it off (tests run both ways). Decided before the
// filter is compiled: the baseline depends on it.
struct PidNamespacePlan {
  bool on = false;
  std::string why_not;  // when off
};
PidNamespacePlan PlanPidNamespace();

class PidNamespace {
 public:
  // Makes the namespace and its init. Until Leave(), syd's children are
  // born into it (the first, the init, is its pid 1).
  static absl::StatusOr<PidNamespace> Enter();
  PidNamespace(PidNamespace&& other) noexcept;
  PidNamespace& operator=(PidNamespace&&) = delete;
  ~PidNamespace();

  // syd's later children and threads are made in syd's own namespace
  // again (a thread cannot be made while they are not).
  absl::Status Leave();
  // Ends the namespace: the init, and with it every process still in it.
  void Kill();
  pid_t init() const { return init_; }

 private:
  PidNamespace(int own, int alive, pid_t init, int init_pidfd)
      : own_(own), alive_(alive), init_(init), init_pidfd_(init_pidfd) {}

  int own_;    // syd's own pid namespace, to go back to
  int alive_;  // the write end of the init's pipe: its EOF ends the init
  pid_t init_;
  int init_pidfd_;
};

// In the command's child, before it is confined, in a mount namespace of
// its own (EnterIsolation makes it): a /proc of the new pid namespace over
// syd's, so that /proc/PID names the pids the sandbox sees. syd reads
// that /proc at /proc/CHILD/root/proc (SandboxProc).
absl::Status MountSandboxProc();

// Opens the sandbox's /proc from syd while `child` is stopped before exec:
// an O_PATH descriptor of its root, checked to be a procfs.
absl::StatusOr<int> OpenSandboxProc(pid_t child);

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_PID_NAMESPACE_H_
