// The ptrace backend: syd traces every process and thread of the sandbox
// and judges the calls the filter returns SECCOMP_RET_TRACE for. One
// handler per kind of stop.
#ifndef SYD_SUPERVISE_PTRACE_BACKEND_H_
#define SYD_SUPERVISE_PTRACE_BACKEND_H_

#include <sys/types.h>
#include <sys/user.h>

#include <unordered_map>
#include <unordered_set>

#include "src/supervise/backend.h"

namespace syd::supervise {

class Supervisor;

class PtraceBackend : public Backend {
 public:
  // `exec_events`: stop at every exec, for plugins' exit hooks that follow
  // a thread through exec (each costs a stop in a build).
  PtraceBackend(Supervisor& supervisor, bool exec_events)
      : s_(supervisor), exec_events_(exec_events) {}

  std::string_view name() const override { return "ptrace"; }
  int Supervise(pid_t child) override;
  uint32_t ChainPosition(pid_t pid) const override;
  void ExpectExit(pid_t pid, PendingExit exit) override;
  std::vector<pid_t> Processes() const override;
  std::vector<pid_t> Tasks() const override;
  void ContinueStopped() override;

 private:
  bool InGroupStop(pid_t pid) const override {
    return group_stopped_.count(pid) != 0;
  }
  // Handlers, one per kind of stop.
  void OnSeccompStop(pid_t pid);
  void OnSyscallExit(pid_t pid);
  void OnGroupStop(pid_t pid, int sig);
  void OnExec(pid_t pid);
  void OnNewTracee(pid_t parent);
  // A tracee has gone; false once none is left.
  bool OnGone(pid_t pid);
  void Resume(pid_t pid, int sig);
  // Skips the call `pid` is stopped in, with result `ret` (a refusal's
  // -errno, or the result of a call syd performed); kills the process
  // where the registers cannot be written. `what` names it for the
  // message: "refuse", "answer".
  void Skip(pid_t pid, user_regs_struct* regs, int64_t ret, const char* what);
  // Skips the call and has `pid` make it again, as the kernel restarts
  // one: its `syscall` instruction once more, with the same registers, a
  // signal's handler run first (Performed::Kind::kAgain).
  void MakeAgain(pid_t pid, user_regs_struct* regs);

  Supervisor& s_;
  const bool exec_events_;
  std::unordered_map<pid_t, PendingExit> pending_exits_;
  std::unordered_set<pid_t> group_stopped_;
  // New tracees whose own first stop came before their parent's event.
  // The two come in either order, and such a tracee may have exited (and
  // left live_) by the time the event comes: the event must not count it
  // again, or syd would wait for a tid that no longer exists.
  std::unordered_set<pid_t> seen_before_event_;
};

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_PTRACE_BACKEND_H_
