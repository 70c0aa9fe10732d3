// syd's own signal handling: the signals it passes to the command, its
// stop when the terminal stops the job, the hangup of the session it
// leads, and its own SIGUSR2 (the dump). The handlers only set flags or
// forward; the backends' loops act on the flags.
#ifndef SYD_SUPERVISE_SIGNALS_H_
#define SYD_SUPERVISE_SIGNALS_H_

#include <signal.h>
#include <sys/types.h>

#include "absl/status/status.h"

namespace syd::supervise {

// SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 go on to the command (what
// it left behind once it has gone: TakePendingSignal); SIGUSR2 asks for
// the dump.
absl::Status InstallSignalHandlers();
// The command's pid, while it lives; 0 once it has gone.
void SetCommand(pid_t pid);

// Each returns what arrived since it was last asked, and clears it.
int TakePendingSignal();  // a signal to pass to what the command left
bool TakeHangup();        // the terminal of the session syd leads hung up
bool TakeDumpRequest();   // SIGUSR2
bool TakeChildEnded();    // SIGCHLD (user notification: syd reaps)

// SIGTSTP, SIGTTIN and SIGTTOU are held until the command's processes
// have stopped (StopRequested), then syd takes the same stop
// (StopLikeTheCommand) so that its shell sees the job stop. Installed
// before the command is let go, by either backend.
absl::Status InstallStopHandlers();
void RemoveStopHandlers();
int StopRequested();
void StopLikeTheCommand();

// User notification: syd reaps on SIGCHLD, which is blocked but while it
// waits on the listener.
absl::Status InstallChildHandler();

// Every signal the handlers above catch. The user-notification loop holds
// them but while it waits on the listener, so that no handler interrupts
// a call of syd's that must not be interrupted (ADDFD: see
// Listener::ReturnDescriptor), and syd's other threads hold them always.
sigset_t CaughtSignals();

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_SIGNALS_H_
