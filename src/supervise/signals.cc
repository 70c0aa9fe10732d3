#include "src/supervise/signals.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>

#include "src/base/strcat.h"

namespace syd::supervise {
namespace {

volatile sig_atomic_t g_pending_signal = 0;
// The terminal of the session syd leads has hung up.
volatile sig_atomic_t g_hangup = 0;
volatile sig_atomic_t g_dump_requested = 0;
// The command's pid while it lives, else 0.
volatile sig_atomic_t g_command = 0;
volatile sig_atomic_t g_child_ended = 0;

// Signals a user sends to syd go on to the command. The terminal's own
// (SIGINT from ^C) reach the command anyway: the kernel sends them to the
// whole foreground process group. A hangup is the exception: the kernel
// sends SIGHUP to the session's leader alone, which passes it on to its
// jobs; when syd leads the session, syd must.
// The handler forwards to the command itself (kill is async-signal-safe),
// so a signal that arrives just before the loop blocks in waitpid is not
// held back; once the command is gone, the loop passes it to what is left.
void OnSignal(int sig, siginfo_t* info, void*) {
  const bool from_user = info->si_code == SI_USER || info->si_code == SI_QUEUE;
  const bool hangup = !from_user && sig == SIGHUP && getsid(0) == getpid();
  if (!from_user && !hangup) return;
  if (hangup) g_hangup = 1;
  if (g_command != 0) {
    kill(g_command, sig);
  } else {
    g_pending_signal = sig;
  }
}

volatile sig_atomic_t g_stop_requested = 0;
void OnStopSignal(int sig, siginfo_t* info, void*) {
  if ((info->si_code == SI_USER || info->si_code == SI_QUEUE) && g_command != 0)
    kill(g_command, sig);
  g_stop_requested = sig;
}

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1};
constexpr int kStopSignals[] = {SIGTSTP, SIGTTIN, SIGTTOU};

// A child of syd has ended: the user-notification loop reaps (the signal
// is blocked but while it waits on the listener, which this interrupts).
void OnChild(int) { g_child_ended = 1; }

// SIGUSR2 is syd's own: it asks for the state dump.
void OnDumpSignal(int) { g_dump_requested = 1; }

absl::Status Install(int sig, void (*handler)(int, siginfo_t*, void*)) {
  struct sigaction sa {};
  sa.sa_sigaction = handler;
  // No SA_RESTART: waitpid and ppoll return, so the loop sees the flag.
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  if (sigaction(sig, &sa, nullptr) != 0) {
    return absl::InternalError(
        StrCat("sigaction(", sig, "): ", strerror(errno)));
  }
  return absl::OkStatus();
}

int Take(volatile sig_atomic_t* flag) {
  const int value = *flag;
  *flag = 0;
  return value;
}

}  // namespace

absl::Status InstallSignalHandlers() {
  for (int sig : kForwarded) {
    if (absl::Status s = Install(sig, OnSignal); !s.ok()) return s;
  }
  return Install(SIGUSR2, [](int, siginfo_t*, void*) { OnDumpSignal(0); });
}

void SetCommand(pid_t pid) { g_command = pid; }
int TakePendingSignal() { return Take(&g_pending_signal); }
bool TakeHangup() { return Take(&g_hangup) != 0; }
bool TakeDumpRequest() { return Take(&g_dump_requested) != 0; }
bool TakeChildEnded() { return Take(&g_child_ended) != 0; }

absl::Status InstallStopHandlers() {
  for (int sig : kStopSignals) {
    if (absl::Status s = Install(sig, OnStopSignal); !s.ok()) return s;
  }
  return absl::OkStatus();
}

void RemoveStopHandlers() {
  for (int sig : kStopSignals) signal(sig, SIG_DFL);
}

int StopRequested() { return g_stop_requested; }

void StopLikeTheCommand() {
  const int sig = Take(&g_stop_requested);
  if (sig == 0) return;
  // The default action, as the command took it; an orphaned process
  // group ignores it, as it would without syd.
  // The user-notification loop holds it: let it through for the stop.
  signal(sig, SIG_DFL);
  sigset_t one, before;
  sigemptyset(&one);
  sigaddset(&one, sig);
  pthread_sigmask(SIG_UNBLOCK, &one, &before);
  raise(sig);  // until SIGCONT
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
  (void)Install(sig, OnStopSignal);  // as before, which succeeded
}

absl::Status InstallChildHandler() {
  return Install(SIGCHLD, [](int, siginfo_t*, void*) { OnChild(0); });
}

sigset_t CaughtSignals() {
  sigset_t caught;
  sigemptyset(&caught);
  for (int sig : kForwarded) sigaddset(&caught, sig);
  for (int sig : kStopSignals) sigaddset(&caught, sig);
  sigaddset(&caught, SIGUSR2);
  sigaddset(&caught, SIGCHLD);
  return caught;
}

}  // namespace syd::supervise
