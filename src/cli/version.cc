// syd --version: the release, and what this kernel gives syd.
#include <cstdio>
#include <string>

#include "src/cli/commands.h"
#include "src/kernel/features.h"
#include "src/kernel/landlock.h"
#include "src/supervise/pid_namespace.h"

namespace syd::cli {

int Version() {
  std::printf("syd %s\nthis kernel: Linux %s\n", kSydVersion,
              kernel::KernelRelease().c_str());
  // The scopes alone: the file and network rights come from a policy.
  std::printf("  %s\n",
              kernel::LandlockSummary({}, kernel::LandlockAbi()).c_str());
  for (const kernel::KernelFeature& f : kernel::ProbeKernelFeatures()) {
    std::printf("  %s (%.*s): %s, %.*s\n", std::string(f.name).c_str(),
                static_cast<int>(f.since.size()), f.since.data(),
                f.present ? "yes" : "no", static_cast<int>(f.use.size()),
                f.use.data());
  }
  const supervise::PidNamespacePlan ns = supervise::PlanPidNamespace(false);
  std::printf("  pid namespace for the sandbox: %s\n",
              ns.on ? "yes, it dies with syd" : ("no, " + ns.why_not).c_str());
  return kExitOk;
}

}  // namespace syd::cli
