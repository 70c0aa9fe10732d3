// What syd tells about a running sandbox: the state dump (SIGUSR2, the
// control socket's `dump`), and the control socket's `list`, `ps` and
// `stats`. Built from what the supervisor collects under its lock; this
// file reads nothing itself.
#ifndef SYD_RUNTIME_INTROSPECTION_H_
#define SYD_RUNTIME_INTROSPECTION_H_

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "src/policy/rules.h"
#include "src/runtime/runtime.h"
#include "src/syscalls/syscalls.h"
#include "src/tracee/procfs.h"

namespace syd {

// Calls decided in syd, per syscall and verdict kind.
using CallCounters = std::vector<std::array<uint64_t, kVerdictKinds>>;

struct SandboxView {
  pid_t syd_pid = 0;
  pid_t command_pid = 0;
  const RuntimeRules* rules = nullptr;  // the rules in force and their hits
  std::vector<tracee::ProcessInfo> processes;
  uint64_t stops = 0;
  uint64_t refused = 0;
  const CallCounters* counters = nullptr;
};

// The state dump, as indented JSON.
std::string DumpJson(const SandboxView& view);
// `list`: each rule in force with its origin and hits, then the default.
std::string RuleList(const RuntimeRules& rules);
// `ps`: a line per thread.
std::string ProcessTable(const std::vector<tracee::ProcessInfo>& processes);
// `stats`: stops, refusals, the lock, then the counters per syscall.
std::string CounterText(const SandboxView& view);

}  // namespace syd

#endif  // SYD_RUNTIME_INTROSPECTION_H_
