// Runs a command under the policy: the kernel filter decides what it can,
// and every call it returns SECCOMP_RET_TRACE for stops here, is decoded,
// evaluated from the chain position the filter gave, and decided.
#ifndef SYD_TRACE_TRACER_H_
#define SYD_TRACE_TRACER_H_

#include <sys/types.h>

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "syd/bpf.h"
#include "syd/policy.h"

namespace syd::trace {

struct Options {
  bool json = false;   // violation reports as JSON lines
  bool stats = false;  // at the end: stops, refusals, syd's peak memory
};

class Tracer {
 public:
  Tracer(const Policy& policy, const BpfProgram& prog, Options options)
      : policy_(policy), prog_(prog), options_(options) {}

  // Forks, execs `path` with `argv` under the filter and traces every
  // process and thread it makes until the last has gone. Returns the
  // command's exit status, 128+N if a signal N killed it, or 125/126/127
  // when it could not be started.
  int Run(const std::string& path, const std::vector<std::string>& argv);

 private:
  void OnSeccompStop(pid_t pid);
  void Report(pid_t pid, const Event& e, const Decision& d);
  bool Detached(pid_t pid);
  const std::string& Root(pid_t pid);

  const Policy& policy_;
  const BpfProgram& prog_;
  Options options_;
  bool want_process_names_ = false;
  std::unordered_set<pid_t> detached_threads_;
  std::unordered_set<pid_t> detached_processes_;  // thread group ids
  // Each thread's root, read once from /proc: a root changes only through
  // a watched syscall (Policy::Watched), and after the first of those is
  // allowed the cache is off for good.
  std::unordered_map<pid_t, std::string> roots_;
  bool cache_roots_ = true;
  pid_t command_pid_ = -1;
  bool command_execed_ = false;
  uint64_t stops_ = 0;
  uint64_t refused_ = 0;
  std::string root_scratch_;
};

}  // namespace syd::trace

#endif  // SYD_TRACE_TRACER_H_
