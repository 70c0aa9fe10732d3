// syd POLICY... -- COMMAND [ARG]...
//
// A policy that the kernel can decide alone (no rule needs the tracer, no
// control socket, no timeout) is installed with no_new_privs and syd execs
// COMMAND in its own place: no extra process, exit status and signals
// exactly as without syd.
#include <errno.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "src/cli/command_path.h"
#include "src/cli/commands.h"
#include "src/cli/policy_args.h"
#include "src/cli/program_check.h"
#include "src/cli/run_setup.h"
#include "src/cli/usage.h"
#include "src/compile/bpf.h"
#include "src/compile/landlock_layer.h"
#include "src/supervise/cgroup.h"
#include "src/supervise/isolate.h"
#include "src/supervise/launch.h"
#include "src/supervise/supervisor.h"

namespace syd::cli {

int RunCommand(const std::vector<std::string>& args) {
  PolicyArgs pa = ParsePolicyArgs(args, /*bare_files=*/false);
  supervise::Options options;
  bool strict = false;
  for (size_t i = 0; i < pa.rest.size(); ++i) {
    const std::string& a = pa.rest[i];
    // --control PATH, --control=PATH; the same for --dump.
    auto value = [&](const char* name, std::string* out) {
      const std::string flag = name;
      if (a.rfind(flag + "=", 0) == 0) {
        *out = a.substr(flag.size() + 1);
      } else if (a != flag) {
        return false;
      } else if (i + 1 < pa.rest.size()) {
        *out = pa.rest[++i];
      } else if (pa.error.empty()) {
        pa.error = flag + " needs a value";
      }
      return true;
    };
    if (value("--control", &options.control) ||
        value("--dump", &options.dump)) {
      continue;
    }
    if (a == "--log-format=json") {
      options.json = true;
    } else if (a == "--log-format=text") {
      options.json = false;
    } else if (a == "--stats") {
      options.stats = true;
    } else if (a == "--debug") {
      options.debug = true;
    } else if (a == "--allow-stopped-calls") {
      options.allow_stopped_calls = true;
    } else if (a == "--strict") {
      strict = true;
    } else if (TakeBackendFlag(a, &options, &pa.error)) {
      continue;
    } else if (pa.error.empty()) {
      pa.error = "unknown option '" + a + "'";
    }
  }
  if (!pa.error.empty() || pa.command.empty()) {
    std::fprintf(stderr, "syd: %s\n%s",
                 pa.error.empty() ? "no command given" : pa.error.c_str(),
                 UsageLine("").c_str());
    return kExitCommandUsage;
  }
  std::optional<RuleSet> rules = LoadRules(pa, "syd");
  if (!rules) return kExitCommandUsage;
  // The control socket needs syd to stay: it runs the tracer even when the
  // kernel decides everything.
  // Only to ask what the run needs: no path index (SIZE_MAX), the
  // costly part, for a policy that is built again below.
  const Policy without_baseline(*rules, SIZE_MAX);
  // So does a timeout: someone must be there to end the sandbox; and a
  // pid namespace asked for, which syd holds, a cgroup, which syd removes,
  // and captured output, which syd writes.
  const Isolation& isolation = rules->isolation;
  const bool supervised =
      without_baseline.NeedsTracer() || !options.control.empty() ||
      rules->limits.Get(kTimeoutLimit).has_value() ||
      (isolation.namespaces & CLONE_NEWPID) != 0 ||
      supervise::SandboxCgroup::Wanted(rules->limits) ||
      !isolation.stdout_path.empty() || !isolation.stderr_path.empty();
  options.limits = rules->limits;
  // Rules changed from the control socket can lock at exec: every exec
  // stops in syd (magic stat's rule says so itself).
  rules->execs_stop = !options.control.empty();
  BaselineFor baseline;
  if (supervised) {
    std::optional<BaselineFor> planned =
        PlanSupervisedRun(without_baseline, &options, "syd");
    if (!planned) return kExitCommandUsage;
    baseline = *planned;
  }
  std::optional<Compiled> compiled =
      Compile(*std::move(rules), baseline, "syd");
  if (!compiled) return kExitCommandUsage;
  const Policy* policy = &compiled->policy;
  const BpfProgram* prog = &compiled->filter;
  const LandlockLayer landlock =
      DeriveLandlockLayer(*policy, RuntimeChanges(*policy, options.control));
  options.landlock = landlock.ruleset;
  if (options.allow_stopped_calls) {
    std::fprintf(stderr,
                 "syd: --allow-stopped-calls: syd allows every call it "
                 "stops; only the kernel layers hold\n");
  }
  int error = 0;
  std::string path = FindCommand(pa.command[0], &error);
  if (error != 0) {
    std::fprintf(stderr, "syd: %s: %s\n", pa.command[0].c_str(),
                 strerror(error));
    return error == ENOENT ? kExitNotFound : kExitCannotRun;
  }
  GrantKernelExecutes(path, &options.landlock);
  // Under a profile syd learn made for this program: executed by the
  // descriptor whose digest was compared.
  const std::optional<int> exec_fd =
      CheckLearnedProgram(path, pa.inputs, strict, "syd");
  if (!exec_fd) {
    std::fprintf(stderr, "syd: --strict: nothing was run\n");
    return kExitCommandUsage;
  }
  options.exec_fd = *exec_fd;
  if (supervised) {
    options.vars = pa.variables;
    options.messages = [](const std::string& line) {
      if (write(STDERR_FILENO, line.data(), line.size()) < 0) {
        // Nowhere better to say it.
      }
    };
    absl::StatusOr<int> status =
        supervise::Supervisor(*policy, *prog, std::move(options))
            .Run(path, pa.command);
    if (!status.ok()) {
      std::fprintf(stderr, "syd: %s; nothing was run\n",
                   std::string(status.status().message()).c_str());
      return kExitCommandUsage;
    }
    return *status;
  }
  // The same order as the supervised child's (supervise::RunCommandChild).
  const Isolation& world = policy->rule_set().isolation;
  absl::Status set_up = supervise::EnterIsolation(world, /*own_proc=*/false);
  if (set_up.ok()) set_up = supervise::SetResourceLimits(options.limits);
  if (set_up.ok()) set_up = supervise::DropPrivileges(world, {options.exec_fd});
  if (!set_up.ok()) {
    std::fprintf(stderr, "syd: %s; nothing was run\n",
                 std::string(set_up.message()).c_str());
    return kExitCommandUsage;
  }
  if (absl::Status s = supervise::ConfineSelf(
          *prog, supervise::WithPrivateRootDomain(world, options.landlock));
      !s.ok()) {
    std::fprintf(stderr, "syd: %s\n", std::string(s.message()).c_str());
    return kExitCommandUsage;
  }
  supervise::ExecCommand(options.exec_fd, path, pa.command);
  // The filter is in place: this report may itself be refused.
  std::fprintf(stderr,
               "syd: cannot execute %s: %s (does the policy allow execve?)\n",
               path.c_str(), strerror(errno));
  return kExitCannotRun;
}

}  // namespace syd::cli
