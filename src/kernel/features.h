// What this kernel offers syd beyond Debian 12's Linux 6.1, asked at run
// time (a binary built on one kernel runs on another).
#ifndef SYD_KERNEL_FEATURES_H_
#define SYD_KERNEL_FEATURES_H_

#include <string>
#include <string_view>
#include <vector>

namespace syd::kernel {

struct KernelFeature {
  std::string_view name;
  std::string_view since;  // the Linux release that brought it
  std::string_view use;    // what syd does with it, or without it
  bool present = false;
};

// Probes each feature without side effects (no filter installed, no
// process made). Landlock is LandlockAbi()'s.
std::vector<KernelFeature> ProbeKernelFeatures();

// The release uname reports, "6.1.0-18-amd64".
std::string KernelRelease();

}  // namespace syd::kernel

#endif  // SYD_KERNEL_FEATURES_H_
