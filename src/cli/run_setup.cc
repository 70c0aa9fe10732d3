#include "src/cli/run_setup.h"

#include <sched.h>
#include <unistd.h>

#include <cstdio>

#include "src/supervise/pid_namespace.h"

namespace syd::cli {

bool TakeBackendFlag(const std::string& arg, supervise::Options* options,
                     std::string* error) {
  if (arg == "--backend=auto") {
    options->backend = supervise::BackendChoice::kAuto;
  } else if (arg == "--backend=ptrace") {
    options->backend = supervise::BackendChoice::kPtrace;
  } else if (arg == "--backend=user-notif") {
    options->backend = supervise::BackendChoice::kUserNotif;
  } else if (arg.starts_with("--backend")) {
    if (error->empty()) *error = "--backend takes auto, ptrace or user-notif";
  } else {
    return false;
  }
  return true;
}

std::optional<BaselineFor> PlanSupervisedRun(const Policy& without_baseline,
                                             supervise::Options* options,
                                             const char* who) {
  absl::StatusOr<supervise::BackendChoice> backend = supervise::ChooseBackend(
      without_baseline, *options, &options->backend_fallback);
  if (!backend.ok()) {
    std::fprintf(stderr, "%s: %s; nothing was run\n", who,
                 std::string(backend.status().message()).c_str());
    return std::nullopt;
  }
  options->backend = *backend;
  if (!options->backend_fallback.empty()) {
    std::fprintf(stderr, "%s: ptrace, not user notification: %s\n", who,
                 options->backend_fallback.c_str());
  }
  // In a pid namespace of syd's the sandbox cannot name syd, and has a
  // mount namespace of its own for its /proc.
  options->pid_namespace = supervise::PlanPidNamespace(
      without_baseline.rule_set().isolation.namespaces & CLONE_NEWPID);
  const bool namespaced = options->pid_namespace.on;
  if (!namespaced &&
      (without_baseline.rule_set().isolation.namespaces & CLONE_NEWPID)) {
    std::fprintf(stderr,
                 "%s: isolate/unshare=pid: the sandbox cannot have a pid "
                 "namespace: %s; nothing was run\n",
                 who, options->pid_namespace.why_not.c_str());
    return std::nullopt;
  }
  return BaselineFor{*backend == supervise::BackendChoice::kPtrace,
                     namespaced ? 0 : getpid(), namespaced};
}

}  // namespace syd::cli
