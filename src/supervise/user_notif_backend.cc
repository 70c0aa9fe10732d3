#include "src/supervise/user_notif_backend.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "src/base/strcat.h"
#include "src/base/thread_holding_signals.h"
#include "src/supervise/descriptor_answers.h"
#include "src/supervise/launch.h"
#include "src/supervise/listener.h"
#include "src/supervise/receive_gate.h"
#include "src/supervise/signals.h"
#include "src/supervise/supervisor.h"
#include "src/supervise/waiting_opens.h"
#include "src/tracee/procfs.h"

namespace syd::supervise {

int DecidingThreads() {
  // More threads than CPUs would only wake for calls others take.
  cpu_set_t cpus;
  if (sched_getaffinity(0, sizeof cpus, &cpus) != 0) return 1;
  return std::clamp(CPU_COUNT(&cpus), 1, 4);
}

int UserNotifBackend::Supervise(pid_t child) {
  // The child waits in its stop; it installs the filter and hands the
  // listener over once continued.
  kill(child, SIGCONT);
  absl::StatusOr<std::optional<int>> fd = channel_.Receive();
  if (!fd.ok()) {
    s_.Message(CannotFollow(child, std::string(fd.status().message())));
    return 125;
  }
  if (!*fd) {  // it ended first, and said why
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    SetCommand(0);
    return ExitCode(status);
  }
  Listener listener(**fd);
  listener_ = &listener;
  DescriptorAnswers answers(listener);
  answers_ = &answers;
  WaitingOpens fifo_waits(listener, answers);
  waiting_ = &fifo_waits;
  s_.performer_.WaitAside();
  // The deciding threads start before any call is performed: each takes
  // an fs_struct of its own for the umasks it sets. The loop's thread
  // decides only where none could be started: a call whose read or open
  // waits (a page that never arrives, a slow file system) then holds no
  // signal of syd's (the command's end, a stop, SIGTERM, a dump request).
  const int stop_aside = eventfd(0, EFD_CLOEXEC);
  const int deciders = stop_aside >= 0 ? DecidingThreads() : 0;
  ReceiveGate gate(listener, deciders > 1);
  gate_ = &gate;
  std::vector<std::thread> aside;
  for (int i = 0; i < deciders; ++i) {
    try {
      aside.push_back(StartThreadHoldingSignals(
          [this, stop_aside] { DecideAside(stop_aside); }));
    } catch (const std::system_error&) {
      break;  // fewer threads decide: no less is judged
    }
  }
  const bool loop_decides = aside.empty();
  s_.deciding_threads_ = static_cast<int>(aside.size());
  // The signals syd catches are held but while syd waits on the
  // listener: a child that exits between the reaping and the wait is not
  // missed, and no handler interrupts a call syd makes while it decides
  // (ADDFD must not be interrupted; holding them here saves two
  // sigprocmask calls around every performed open).
  const sigset_t caught = CaughtSignals();
  sigset_t before, waiting;
  sigprocmask(SIG_BLOCK, &caught, &before);
  waiting = before;
  sigdelset(&waiting, SIGCHLD);
  int result = 125;
  // syd ended the run: 125 whatever the command's status says then.
  bool ended = false;
  int status = 0;
  auto command_ended = [&](int st) {
    SetCommand(0);
    result = ExitCode(st);
    std::lock_guard<std::mutex> lock(s_.mu_);
    s_.live_.erase(child);
  };
  for (;;) {
    if (TakeDumpRequest()) s_.WriteDump();
    // The command, for its status, and orphans (syd is their subreaper),
    // so that none stays a zombie.
    if (TakeChildEnded()) {
      for (pid_t pid; (pid = waitpid(-1, &status, WNOHANG)) > 0;) {
        if (pid == child) command_ended(status);
      }
    }
    if (StopRequested() && GroupStopped()) {
      gate.Pause();
      answers.WaitAnswered();
      StopLikeTheCommand();
      gate.Resume();
    }
    // Nothing says when the others have stopped: while a stop is due, syd
    // looks again every 10 ms. Where other threads decide, the listener
    // wakes this one only when it fails or has no caller left.
    const timespec recheck{0, 10'000'000};
    pollfd polled[2] = {
        {listener.fd(), static_cast<short>(loop_decides ? POLLIN : 0), 0},
        {answers.failed_fd(), POLLIN, 0}};
    pollfd& fds = polled[0];
    if (ppoll(polled, 2, StopRequested() ? &recheck : nullptr, &waiting) < 0) {
      if (errno != EINTR) break;
      if (TakeHangup()) s_.HangUp();
      // A signal for the command once it has gone: to what it left.
      if (int sig = TakePendingSignal()) s_.SignalSandbox(sig);
      continue;
    }
    if (polled[1].revents & POLLIN) {
      if (absl::Status st = answers.TakeFailure(); !st.ok()) {
        s_.EndSandbox(std::string(st.message()));
        ended = true;
      }
    }
    if (fds.revents & POLLIN) {
      if (absl::Status answered = AnswerNext(); !answered.ok()) {
        s_.EndSandbox(std::string(answered.message()));
        ended = true;
      }
      continue;
    }
    // POLLHUP: no process holds the filter any more; all have exited.
    if (fds.revents & POLLHUP) break;
    if (fds.revents & (POLLERR | POLLNVAL)) {
      // Calls would wait for syd forever, or run unjudged: end the run.
      s_.EndSandbox("the seccomp listener failed");
      ended = true;
      break;
    }
  }
  const uint64_t one = 1;
  if (!aside.empty() && write(stop_aside, &one, sizeof one) < 0) {
    // Unreachable for an eventfd below its maximum.
  }
  for (std::thread& t : aside) t.join();
  if (stop_aside >= 0) close(stop_aside);
  gate_ = nullptr;
  // Collect what has exited, the command among it if it is still a zombie:
  // the sandbox's children only, not one syd inherited from its caller,
  // which may outlive it.
  for (bool more = true; more;) {
    more = false;
    for (pid_t pid : Processes()) {
      int st = 0;
      pid_t got;
      while ((got = waitpid(pid, &st, 0)) < 0 && errno == EINTR) {
      }
      if (got != pid) continue;  // not syd's child (ECHILD)
      more = true;
      if (pid == child) command_ended(st);
    }
  }
  sigprocmask(SIG_SETMASK, &waiting, nullptr);
  waiting_ = nullptr;
  answers_ = nullptr;
  listener_ = nullptr;
  return ended || failed_aside_ ? 125 : result;
}

void UserNotifBackend::DecideAside(int stop_fd) {
  s_.performer_.OwnFsStruct();
  for (;;) {
    pollfd polled[2] = {{listener_->fd(), POLLIN, 0}, {stop_fd, POLLIN, 0}};
    if (poll(polled, 2, -1) < 0) {
      const int error = errno;
      if (error == EINTR) continue;
      // The loop's thread does not take calls where this one does: with
      // a thread gone, calls would wait on fewer, or on none.
      failed_aside_ = true;
      s_.EndSandbox(
          StrCat("a thread of syd's that decides calls could not "
                 "wait for them: ",
                 std::strerror(error)));
      break;
    }
    if (polled[1].revents != 0) break;
    // No caller left, or the listener failed: the loop's thread ends the
    // run.
    if ((polled[0].revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) break;
    if ((polled[0].revents & POLLIN) == 0) continue;
    if (const absl::Status answered = AnswerNext(); !answered.ok()) {
      failed_aside_ = true;
      s_.EndSandbox(std::string(answered.message()));
    }
  }
}

absl::Status UserNotifBackend::AnswerNext() {
  absl::StatusOr<std::optional<seccomp_notif>> req = gate_->Take();
  if (!req.ok()) return req.status();
  if (!*req) return absl::OkStatus();
  absl::Status answered = OnCall(**req);
  gate_->Done();
  return answered;
}

absl::Status UserNotifBackend::OnCall(const seccomp_notif& req) {
  Call e;
  e.nr = req.data.nr;
  for (int i = 0; i < 6; ++i) e.args[i] = req.data.args[i];
  const auto pid = static_cast<pid_t>(req.pid);
  // The call is not held by syd: it may have gone, and its pid been
  // reused, while syd read memory and /proc.
  const auto still_waits = [&] { return listener_->Waiting(req.id); };
  const std::optional<Outcome> o = s_.Decide(pid, &e, still_waits);
  if (!o) return absl::OkStatus();
  // The verdict's signal goes first. The process waits for the answer
  // whatever it catches (kListenerFilterFlags); a fatal signal ends it at
  // the call, as under ptrace, and a handler runs as the call returns, as
  // after the kernel's own trap.
  if (o->signal != 0) s_.Signal(pid, *o);
  if (!o->run) return listener_->Return(req.id, o->ret);
  if (o->perform) {
    // A file written through a descriptor syd handed over may still be
    // open in syd for a moment (Listener::ReturnDescriptor).
    if (o->perform->kind == CallToPerform::Kind::kChmod &&
        (o->perform->mode & 0111) != 0) {
      listener_->WaitWritersClosed();
    }
    Performed p = s_.performer_.Perform(pid, *o->perform, still_waits);
    switch (p.kind()) {
      case Performed::Kind::kDescriptor:
        // The caller takes it when next scheduled: where another call
        // waits, syd goes on to it meanwhile.
        if (listener_->AnotherWaits()) {
          answers_->Hand(req.id, p.ReleaseFd(), p.flags());
          ++s_.answered_aside_;
          return absl::OkStatus();
        }
        return listener_->ReturnDescriptor(req.id, p.ReleaseFd(), p.flags());
      case Performed::Kind::kAnswer:
        return listener_->Return(req.id, p.answer());
      case Performed::Kind::kWaits:
        // A FIFO's other end may take long: a thread of its own waits.
        if (waiting_->Start(req.id, p)) {
          ++s_.waited_aside_;
          return absl::OkStatus();
        }
        return listener_->Return(req.id, -ENFILE);
      case Performed::Kind::kAgain:
        // Not given where syd waits aside (WaitAside).
        return listener_->Return(req.id, -EAGAIN);
      case Performed::Kind::kContinue:
        break;
    }
  }
  // With FLAG_CONTINUE the kernel reads the arguments again: the same
  // window as ptrace leaves between syd's read and the kernel's, which
  // the kernel layers hold (docs/architecture.md).
  return listener_->Continue(req.id);
}

std::vector<pid_t> UserNotifBackend::Processes() const {
  // The processes below syd in /proc (syd is the subreaper, so orphans
  // stay below it), but those it inherited from its caller and theirs.
  std::vector<pid_t> out = tracee::Descendants(
      getpid(), [this](pid_t pid) { return s_.Inherited(pid); });
  // The pid namespace's init is syd's, not the sandbox's (the orphans
  // below it are): it is neither signalled nor waited for.
  if (s_.pid_ns_) std::erase(out, s_.pid_ns_->init());
  return out;
}

std::vector<pid_t> UserNotifBackend::Tasks() const {
  std::vector<pid_t> out;
  for (pid_t pid : Processes()) {
    for (pid_t tid : tracee::ThreadsOf(pid)) out.push_back(tid);
  }
  return out;
}

bool UserNotifBackend::InGroupStop(pid_t pid) const {
  for (pid_t tid : tracee::ThreadsOf(pid)) {
    if (!tracee::IsStopped(tid)) return false;
  }
  return true;
}

void UserNotifBackend::ContinueStopped() {
  // Nothing is traced: a SIGCONT cannot cost a process its SIGHUP.
  s_.SignalSandbox(SIGCONT);
}

}  // namespace syd::supervise
