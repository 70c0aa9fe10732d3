// Starting the command: the child that waits for syd, installs the
// filter and execs, shared with runs the kernel decides alone (src/cli).
#ifndef SYD_SUPERVISE_LAUNCH_H_
#define SYD_SUPERVISE_LAUNCH_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "src/compile/bpf.h"
#include "src/kernel/landlock.h"
#include "src/policy/isolation.h"
#include "src/policy/limits.h"
#include "src/supervise/cgroup.h"

namespace syd::supervise {

// Confines the calling process before it execs the command: sets
// no_new_privs, enters the Landlock domain of `landlock`
// (kernel::EnterDomain) and installs `prog`. The domain comes first: the
// filter may refuse the calls that make it.
absl::Status ConfineSelf(const BpfProgram& prog,
                         const kernel::LandlockRuleset& landlock);

// Sets each resource limit `limits` has (limit/as=, nofile= ...), soft
// and hard, so the command cannot raise it again. An error names the
// limit; the caller runs nothing then.
absl::Status SetResourceLimits(const Limits& limits);

// What the command's child sets up for itself before it is confined:
// namespaces and a private root, resource limits, then privileges dropped
// (src/supervise/isolate.h).
struct ChildSetup {
  bool own_proc = false;  // in a pid namespace of syd's: its own /proc
  Isolation isolation;    // EnterIsolation, DropPrivileges
  Limits limits;          // SetResourceLimits
  // The command, open close-on-exec: executed by this descriptor
  // (execveat, AT_EMPTY_PATH), so that the file syd checked is the one
  // that runs; -1 to execute `path` by name (a #! script always is: by
  // descriptor, its interpreter would read it as /dev/fd/N).
  int exec_fd = -1;
  // Where the command's stdout and stderr go instead of syd's
  // (OutputCapture::ChildEnd), -1 for syd's own.
  int stdout_fd = -1;
  int stderr_fd = -1;
  // The cgroup with the sandbox's cgroup limits, entered first; nullptr
  // for none.
  const SandboxCgroup* cgroup = nullptr;
  // A pid namespace the child makes in its own user namespace (a plan
  // by_child): PidNamespace::child_alive() and child_pids(); -1 for none.
  int pid_ns_alive = -1;
  int pid_ns_pids = -1;
  // Under user notification, where the listener goes
  // (ListenerChannel::child_end); -1 for a filter without one (ptrace).
  int listener_channel = -1;
};

// Executes `path` with `args` and the environment, by `fd` when it is
// not -1 (ChildSetup::exec_fd); returns only on failure, with errno.
void ExecCommand(int fd, const std::string& path,
                 const std::vector<std::string>& args);

// In a child of syd: makes the namespaces and the root `setup` asks for,
// sets its limits, drops its privileges, enters the Landlock domain, stops
// itself until syd has it, installs the filter (handing its listener to
// syd, under user notification) and execs `path`. Exits
// 125 when any of them cannot be made, 126 when the command cannot be
// executed.
[[noreturn]] void RunCommandChild(const BpfProgram& prog,
                                  const kernel::LandlockRuleset& landlock,
                                  const ChildSetup& setup,
                                  const std::string& path,
                                  const std::vector<std::string>& args);

// What syd exits with for the command's wait status: its status, or
// 128+N for signal N.
int ExitCode(int status);

// Ends the child and says why following it failed, naming an outer
// tracer if there is one (the ptrace backend cannot seize a traced child).
std::string CannotFollow(pid_t child, const std::string& why);

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_LAUNCH_H_
