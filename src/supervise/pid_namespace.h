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
// Without CAP_SYS_ADMIN, where isolate/unshare=pid asks for one, the
// command's child makes it in the user namespace it makes for itself
// (by_child: PidNamespace::Prepare, MakePidNamespaceInChild).
struct PidNamespacePlan {
  bool on = false;
  bool by_child = false;
  std::string why_not;  // when off
};
PidNamespacePlan PlanPidNamespace(bool asked);

class PidNamespace {
 public:
  // Makes the namespace and its init. Until Leave(), syd's children are
  // born into it (the first, the init, is its pid 1).
  static absl::StatusOr<PidNamespace> Enter();
  // For a plan by_child: the pipes for the child that makes the namespace
  // (child_alive(), child_pids() for MakePidNamespaceInChild); syd's own
  // children stay in syd's namespace.
  static absl::StatusOr<PidNamespace> Prepare();
  int child_alive() const { return child_alive_; }
  int child_pids() const { return pids_[1]; }
  // After the fork of that child: reads what it reported, reaps it and
  // adopts the init. Returns the command's pid, syd's child, or 0 where
  // the child failed (it said why, on syd's stderr).
  absl::StatusOr<pid_t> Adopt(pid_t child);
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
  // Prepare's: the init's end of the alive pipe, and the pipe the child
  // reports the init's and the command's pids on; -1 once used.
  int child_alive_ = -1;
  int pids_[2] = {-1, -1};
};

// In the child of a plan by_child, in the user namespace it made (where it
// has CAP_SYS_ADMIN): the pid namespace, its init, then the command, both
// born syd's children (CLONE_PARENT), their pids written to `pids`.
// Returns in the command; the child itself exits once it has reported.
// A raw clone: the command must not use glibc's cached thread id (raise,
// pthread_*): it stops itself with kill(getpid()).
absl::Status MakePidNamespaceInChild(int alive, int pids);

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
