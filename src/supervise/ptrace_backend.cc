// The ptrace backend: syd traces every process and thread of the sandbox
// and judges the calls the filter returns SECCOMP_RET_TRACE for. One
// handler per kind of stop.
#include <errno.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "src/base/strcat.h"
#include "src/supervise/launch.h"
#include "src/supervise/signals.h"
#include "src/supervise/supervisor.h"
#include "src/tracee/procfs.h"

namespace syd::supervise {
namespace {

// Up to this many tracees left, an exit checks which still exist; a
// large build does not pay for it at every exit.
constexpr size_t kFewTracees = 8;

}  // namespace

int Supervisor::SupervisePtrace(pid_t child, bool exec_events) {
  int status = 0;
  while (waitpid(child, &status, WSTOPPED) < 0 && errno == EINTR) {
  }
  const long options = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK |
                       PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                       (exec_events ? PTRACE_O_TRACEEXEC : 0) |
                       PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD;
  if (!WIFSTOPPED(status) ||
      ptrace(PTRACE_SEIZE, child, nullptr, options) != 0) {
    Message(CannotFollow(child, strerror(errno)));
    return 125;
  }
  kill(child, SIGCONT);
  if (absl::Status s = InstallStopHandlers(); !s.ok()) {
    EndSandbox(std::string(s.message()));
    return 125;
  }

  int result = 125;
  for (;;) {
    if (TakeDumpRequest()) WriteDump();
    if (StopRequested() && CommandStopped()) StopLikeTheCommand();
    if (TakeHangup()) HangUp();
    pid_t pid = waitpid(-1, &status, __WALL);
    if (pid < 0) {
      if (errno == EINTR) {
        // A signal for the command once it has gone: to what it left.
        if (int sig = TakePendingSignal()) SignalSandbox(sig);
        continue;
      }
      break;  // ECHILD: every tracee has gone
    }
    group_stopped_.erase(pid);
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        live_.erase(pid);
      }
      pending_exits_.erase(pid);
      if (pid == child) {
        SetCommand(0);
        result = ExitCode(status);
      }
      // What syd waits for: its tracees. A child it inherited from its
      // caller (the tee of `2> >(tee log)` when the shell execs syd) is
      // not the sandbox's, and may outlive it. A thread that execs takes
      // its leader's pid and its own tid vanishes unreported: a tid that
      // no longer exists does not count.
      if (!live_.empty() && live_.size() <= kFewTracees) {
        std::lock_guard<std::mutex> lock(mu_);
        std::erase_if(live_, [](pid_t tid) {
          return kill(tid, 0) != 0 && errno == ESRCH;
        });
      }
      if (live_.empty()) break;
      continue;
    }
    if (!WIFSTOPPED(status)) continue;
    if (!live_.count(pid)) {
      std::lock_guard<std::mutex> lock(mu_);
      live_.insert(pid);
    }
    const int sig = WSTOPSIG(status);
    const int event = status >> 16;
    if (event == PTRACE_EVENT_SECCOMP) {
      OnSeccompStop(pid);
      continue;
    }
    if (sig == (SIGTRAP | 0x80)) {  // the syscall-exit stop a plugin asked for
      OnSyscallExit(pid);
      continue;
    }
    if (event != 0) ++event_stops_;
    if (event == PTRACE_EVENT_STOP) {
      // A group-stop keeps the tracee stopped until SIGCONT (PTRACE_LISTEN);
      // other event stops (a new child's first stop) just go on.
      if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
          sig == SIGTTOU) {
        group_stopped_.insert(pid);
        ptrace(PTRACE_LISTEN, pid, nullptr, nullptr);
      } else {
        ptrace(PTRACE_CONT, pid, nullptr, nullptr);
      }
      continue;
    }
    if (event == PTRACE_EVENT_EXEC) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        runtime_.OnExec();
      }
      // A thread that is not the leader took the leader's pid on exec.
      unsigned long former = 0;
      ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &former);
      auto it = pending_exits_.find(static_cast<pid_t>(former));
      if (it != pending_exits_.end() && static_cast<pid_t>(former) != pid) {
        PendingExit moved = it->second;
        moved.call.pid = pid;
        pending_exits_.erase(it);
        pending_exits_.insert_or_assign(pid, moved);
      }
    }
    if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
        event == PTRACE_EVENT_CLONE) {
      // The new tracee counts from now, before its first stop: its parent
      // may exit first.
      unsigned long born = 0;
      if (ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &born) == 0 && born != 0) {
        std::lock_guard<std::mutex> lock(mu_);
        live_.insert(static_cast<pid_t>(born));
      }
    }
    if (event != 0) {  // fork, vfork, clone, exec
      Resume(pid, 0);
      continue;
    }
    // A signal on its way to the tracee: deliver it.
    Resume(pid, sig);
  }
  RemoveStopHandlers();
  return result;
}

bool Supervisor::CommandStopped() const {
  // The terminal stops the foreground process group: syd's. Processes
  // that left it (a job-control shell's jobs) stop on their own terms.
  const pid_t group = getpgrp();
  bool any = false;
  for (pid_t pid : live_) {
    if (getpgid(pid) != group) continue;
    if (!group_stopped_.count(pid)) return false;
    any = true;
  }
  return any;
}

void Supervisor::OnSeccompStop(pid_t pid) {
  user_regs_struct regs;
  if (ptrace(PTRACE_GETREGS, pid, nullptr, &regs) != 0)
    return;  // it died meanwhile
  Event e;
  e.nr = static_cast<int>(regs.orig_rax);
  e.args = {regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9};
  const std::optional<Outcome> o = Decide(pid, &e);
  if (o && !o->run) {
    regs.orig_rax = static_cast<unsigned long long>(-1);
    regs.rax = static_cast<unsigned long long>(o->ret);
    // A refusal that cannot be written would let the call run: the
    // process dies instead (ESRCH: it is dying already).
    if (ptrace(PTRACE_SETREGS, pid, nullptr, &regs) != 0 && errno != ESRCH) {
      Message(StrCat("cannot refuse a call of pid ", pid,
                     " (PTRACE_SETREGS: ", strerror(errno), "); killing it"));
      kill(tracee::ThreadGroup(pid), SIGKILL);
    }
  }
  if (o) Signal(pid, *o);
  Resume(pid, 0);
}

void Supervisor::OnSyscallExit(pid_t pid) {
  auto it = pending_exits_.find(pid);
  if (it == pending_exits_.end()) {
    ptrace(PTRACE_CONT, pid, nullptr, nullptr);
    return;
  }
  PendingExit p = std::move(it->second);
  pending_exits_.erase(it);
  user_regs_struct regs;
  if (ptrace(PTRACE_GETREGS, pid, nullptr, &regs) == 0) {
    p.call.retval = static_cast<int64_t>(regs.rax);
    for (int i = 0; i < 6; ++i)
      p.call.paths[i] = p.paths[i] ? p.paths[i]->c_str() : nullptr;
    std::lock_guard<std::mutex> lock(mu_);
    p.plugin->Exit(p.call);
  }
  ptrace(PTRACE_CONT, pid, nullptr, nullptr);
}

void Supervisor::Resume(pid_t pid, int sig) {
  ptrace(pending_exits_.count(pid) ? PTRACE_SYSCALL : PTRACE_CONT, pid, nullptr,
         reinterpret_cast<void*>(static_cast<long>(sig)));
}

}  // namespace syd::supervise
