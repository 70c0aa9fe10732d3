// syd --version: the release, and what this kernel gives syd.
#include <cstdio>
#include <string>

#include "src/cli/commands.h"
#include "src/kernel/features.h"
#include "src/kernel/landlock.h"

namespace syd::cli {

int Version() {
  std::printf("syd 0.1.0\nthis kernel: Linux %s\n",
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
  return kExitOk;
}

}  // namespace syd::cli
