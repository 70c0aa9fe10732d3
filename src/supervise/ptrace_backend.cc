#include "src/supervise/ptrace_backend.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <mutex>

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
// New tracees that stopped before their parent's event may wait this
// many at once for it.
constexpr size_t kMaxSeenBeforeEvent = 4096;

}  // namespace

int PtraceBackend::Supervise(pid_t child) {
  int status = 0;
  const long options = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK |
                       PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                       (exec_events_ ? PTRACE_O_TRACEEXEC : 0) |
                       PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD;
  if (ptrace(PTRACE_SEIZE, child, nullptr, options) != 0) {
    const int error = errno;
    s_.Message(CannotFollow(
        child, StrCat("PTRACE_SEIZE: ", strerror(error),
                      error == EPERM
                          ? " (where nothing traces it, ptrace is refused "
                            "here: a container's seccomp profile without "
                            "CAP_SYS_PTRACE, or Yama's ptrace_scope 3; user "
                            "notification needs no ptrace)"
                          : "")));
    return 125;
  }
  kill(child, SIGCONT);

  int result = 125;
  for (;;) {
    if (TakeDumpRequest()) s_.WriteDump();
    if (StopRequested() && GroupStopped()) StopLikeTheCommand();
    if (TakeHangup()) s_.HangUp();
    pid_t pid = waitpid(-1, &status, __WALL);
    if (pid < 0) {
      if (errno == EINTR) {
        // A signal for the command once it has gone: to what it left.
        if (int sig = TakePendingSignal()) s_.SignalSandbox(sig);
        continue;
      }
      break;  // ECHILD: every tracee has gone
    }
    group_stopped_.erase(pid);
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      if (pid == child) {
        SetCommand(0);
        result = ExitCode(status);
      }
      if (!OnGone(pid)) break;
      continue;
    }
    if (!WIFSTOPPED(status)) continue;
    if (!s_.live_.count(pid)) {
      std::lock_guard<std::mutex> lock(s_.mu_);
      s_.live_.insert(pid);
      seen_before_event_.insert(pid);
    }
    const int sig = WSTOPSIG(status);
    const int event = status >> 16;
    if (event == PTRACE_EVENT_SECCOMP) {
      OnSeccompStop(pid);
    } else if (sig == (SIGTRAP | 0x80)) {  // a syscall-exit stop, for a plugin
      OnSyscallExit(pid);
    } else if (event == PTRACE_EVENT_STOP) {
      ++s_.event_stops_;
      OnGroupStop(pid, sig);
    } else if (event == PTRACE_EVENT_EXEC) {
      ++s_.event_stops_;
      OnExec(pid);
    } else if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
               event == PTRACE_EVENT_CLONE) {
      ++s_.event_stops_;
      OnNewTracee(pid);
    } else if (event != 0) {
      ++s_.event_stops_;
      Resume(pid, 0);
    } else {
      // A signal on its way to the tracee: deliver it.
      Resume(pid, sig);
    }
  }
  return result;
}

bool PtraceBackend::OnGone(pid_t pid) {
  std::lock_guard<std::mutex> lock(s_.mu_);
  s_.live_.erase(pid);
  pending_exits_.erase(pid);
  // What syd waits for: its tracees. A child it inherited from its caller
  // (the tee of `2> >(tee log)` when the shell execs syd) is not the
  // sandbox's, and may outlive it. A thread that execs takes its leader's
  // pid and its own tid vanishes unreported: a tid that is not syd's
  // tracee any more does not count. Not "no longer exists": pids wrap
  // (32768 by default), and a host process that took the number would
  // keep syd waiting for ever (in a pid namespace the init, syd's child,
  // lives on, so waitpid never says ECHILD either).
  if (!s_.live_.empty() && s_.live_.size() <= kFewTracees) {
    const pid_t self = getpid();
    std::erase_if(s_.live_,
                  [self](pid_t tid) { return tracee::TracerOf(tid) != self; });
  }
  return !s_.live_.empty();
}

void PtraceBackend::OnGroupStop(pid_t pid, int sig) {
  // A group-stop keeps the tracee stopped until SIGCONT (PTRACE_LISTEN);
  // other event stops (a new child's first stop) just go on.
  if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
    group_stopped_.insert(pid);
    ptrace(PTRACE_LISTEN, pid, nullptr, nullptr);
  } else {
    ptrace(PTRACE_CONT, pid, nullptr, nullptr);
  }
}

void PtraceBackend::OnExec(pid_t pid) {
  // A thread that is not the leader took the leader's pid on exec.
  unsigned long former = 0;
  ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &former);
  if (static_cast<pid_t>(former) != pid) {
    // The former tid vanishes without an exit for syd to see.
    std::lock_guard<std::mutex> lock(s_.mu_);
    s_.live_.erase(static_cast<pid_t>(former));
    seen_before_event_.erase(static_cast<pid_t>(former));
  }
  auto it = pending_exits_.find(static_cast<pid_t>(former));
  if (it != pending_exits_.end() && static_cast<pid_t>(former) != pid) {
    PendingExit moved = it->second;
    moved.call.pid = pid;
    pending_exits_.erase(it);
    pending_exits_.insert_or_assign(pid, moved);
  }
  Resume(pid, 0);
}

void PtraceBackend::OnNewTracee(pid_t parent) {
  // The new tracee counts from now, before its first stop: its parent may
  // exit first.
  unsigned long born = 0;
  if (ptrace(PTRACE_GETEVENTMSG, parent, nullptr, &born) == 0 && born != 0 &&
      seen_before_event_.erase(static_cast<pid_t>(born)) == 0) {
    std::lock_guard<std::mutex> lock(s_.mu_);
    s_.live_.insert(static_cast<pid_t>(born));
  }
  // A parent killed between its clone and the event leaves its child's
  // entry behind: a bound, past which the few-tracees check of OnGone
  // is what is left.
  if (seen_before_event_.size() > kMaxSeenBeforeEvent)
    seen_before_event_.clear();
  Resume(parent, 0);
}

void PtraceBackend::OnSeccompStop(pid_t pid) {
  user_regs_struct regs;
  if (ptrace(PTRACE_GETREGS, pid, nullptr, &regs) != 0)
    return;  // it died meanwhile
  Call e;
  e.nr = static_cast<int>(regs.orig_rax);
  e.args = {regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9};
  // The call waits while its thread is stopped.
  const std::optional<Outcome> o = s_.Decide(pid, &e, [] { return true; });
  if (o && !o->run) Skip(pid, &regs, o->ret, "refuse");
  // What syd allows is what happens: a change of metadata or of names it
  // performs itself, as the caller, on the name it judged, and the call
  // is skipped with its result. An open is continued: ptrace cannot hand
  // a descriptor over. The caller is stopped here and cannot leave (a
  // SIGKILL aside, and then nobody reads the answer).
  if (o && o->run && o->perform) {
    if (o->perform->kind == CallToPerform::Kind::kOpen &&
        o->perform->empty_names == 0) {
      s_.performer_.LeftToKernelByBackend();
    } else if (const Performed p =
                   s_.performer_.Perform(pid, *o->perform, [] { return true; });
               p.kind() == Performed::Kind::kAnswer) {
      Skip(pid, &regs, p.answer(), "answer");
    } else if (p.kind() == Performed::Kind::kAgain) {
      MakeAgain(pid, &regs);
    }
  }
  if (o) s_.Signal(pid, *o);
  Resume(pid, 0);
}

void PtraceBackend::Skip(pid_t pid, user_regs_struct* regs, int64_t ret,
                         const char* what) {
  regs->orig_rax = static_cast<unsigned long long>(-1);
  regs->rax = static_cast<unsigned long long>(ret);
  // A refusal that cannot be written would let the call run, and an
  // answer for a call syd performed would let it run twice: the process
  // dies instead (ESRCH: it is dying already).
  if (ptrace(PTRACE_SETREGS, pid, nullptr, regs) != 0 && errno != ESRCH) {
    s_.Message(StrCat("cannot ", what, " a call of pid ", pid,
                      " (PTRACE_SETREGS: ", strerror(errno), "); killing it"));
    kill(tracee::ThreadGroup(pid), SIGKILL);
  }
}

void PtraceBackend::MakeAgain(pid_t pid, user_regs_struct* regs) {
  const unsigned long long nr = regs->orig_rax;
  regs->rip -= 2;  // `syscall`, the x86_64 calls syd performs
  Skip(pid, regs, static_cast<int64_t>(nr), "make again");
}

uint32_t PtraceBackend::ChainPosition(pid_t pid) const {
  unsigned long data = 0;
  ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &data);
  return data != SECCOMP_RET_DATA ? static_cast<uint32_t>(data) : 0;
}

void PtraceBackend::ExpectExit(pid_t pid, PendingExit exit) {
  pending_exits_.insert_or_assign(pid, std::move(exit));
}

void PtraceBackend::OnSyscallExit(pid_t pid) {
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
    std::lock_guard<std::mutex> lock(s_.mu_);
    p.plugin->Exit(p.call);
  }
  ptrace(PTRACE_CONT, pid, nullptr, nullptr);
}

void PtraceBackend::Resume(pid_t pid, int sig) {
  ptrace(pending_exits_.count(pid) ? PTRACE_SYSCALL : PTRACE_CONT, pid, nullptr,
         reinterpret_cast<void*>(static_cast<long>(sig)));
}

std::vector<pid_t> PtraceBackend::Processes() const {
  return std::vector<pid_t>(s_.live_.begin(), s_.live_.end());
}

std::vector<pid_t> PtraceBackend::Tasks() const {
  std::vector<pid_t> out = Processes();  // every tracee is a thread
  std::sort(out.begin(), out.end());
  return out;
}

void PtraceBackend::ContinueStopped() {
  // Only those in a group-stop: a SIGCONT that meets a traced process
  // while syd passes it the SIGHUP can cost it that SIGHUP.
  for (pid_t pid : group_stopped_) kill(pid, SIGCONT);
}

}  // namespace syd::supervise
