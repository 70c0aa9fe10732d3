// How the calls the filter sends to syd reach it and how its answers go
// back: one class per kernel mechanism (ptrace_backend.h,
// user_notif_backend.h). The Supervisor sets up the run, decides each call
// and keeps the state both share; a backend waits for calls and process
// events, hands each call to the Supervisor and applies the outcome.
#ifndef SYD_SUPERVISE_BACKEND_H_
#define SYD_SUPERVISE_BACKEND_H_

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/runtime/plugin_loader.h"
#include "syd/plugin.h"

namespace syd::supervise {

// A call whose plugin wants to see its return value; `call.paths` point
// into `paths` only while the exit hook runs.
struct PendingExit {
  Plugin* plugin = nullptr;
  syd_plugin_call call{};
  std::array<std::optional<std::string>, 6> paths;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // "ptrace" or "user notification", for --stats.
  virtual std::string_view name() const = 0;
  // Follows the command `child` (stopped by its own SIGSTOP before it
  // installs the filter) and judges the calls its processes stop until the
  // last has gone. Returns the command's exit status as syd passes it on,
  // or 125 when syd had to end the run.
  virtual int Supervise(pid_t child) = 0;

  // Where in the filter chain the call of `pid` left the filter (the
  // filter's return data), or 0 when the backend does not pass it on.
  virtual uint32_t ChainPosition(pid_t pid) const = 0;
  // Asks for the syscall-exit stop of `pid`'s call, for a plugin's exit
  // hook. Only ptrace has one: a run with exit hooks takes ptrace.
  virtual void ExpectExit(pid_t pid, PendingExit exit) = 0;

  // The sandbox's processes, to signal; and every thread of it, to list.
  // The caller holds the Supervisor's mutex.
  virtual std::vector<pid_t> Processes() const = 0;
  virtual std::vector<pid_t> Tasks() const = 0;
  // After the sandbox was sent SIGHUP: wakes its stopped jobs so that
  // they act on it.
  virtual void ContinueStopped() = 0;
  // After a stop signal reached syd (Ctrl-Z stops the foreground process
  // group, syd's): whether every process of the sandbox in syd's process
  // group is in a group-stop, so that syd may stop too and its shell sees
  // the job stop when it would without syd. Stopped first, syd would let
  // the shell's `fg` send SIGCONT before a program that stops itself from
  // its SIGTSTP handler (vim, less) has stopped, and it would stay
  // stopped. Processes that left the group (a job-control shell's jobs)
  // stop on their own terms.
  bool GroupStopped() const;

 private:
  // Whether process or thread `pid` of Processes() is in a group-stop.
  virtual bool InGroupStop(pid_t pid) const = 0;
};

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_BACKEND_H_
