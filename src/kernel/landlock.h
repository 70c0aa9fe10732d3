// Landlock, the kernel layer that holds where syd's own checks do not:
// what this kernel offers, and the domain every sandbox enters.
#ifndef SYD_KERNEL_LANDLOCK_H_
#define SYD_KERNEL_LANDLOCK_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace syd::kernel {

// The Landlock ABI this kernel offers, 0 for none (not built in, or
// disabled at boot). SYD_LANDLOCK_ABI=N in the environment caps it, so
// that tests on a new kernel run the fallbacks of an old one (0: none).
int LandlockAbi();

// What a domain handles and where it grants it, in Landlock's own bits
// (landlock_uapi.h). A right that is not handled stays allowed everywhere;
// a handled one only beneath the paths (or on the ports) granted it.
struct LandlockRuleset {
  struct PathGrant {
    std::string path;  // a file, or a directory and all below it
    uint64_t access = 0;
  };
  struct PortGrant {
    uint16_t low = 0;  // TCP ports [low, high]
    uint16_t high = 0;
    uint64_t access = 0;
  };
  uint64_t handled_fs = 0;
  uint64_t handled_net = 0;
  std::vector<PathGrant> paths;
  std::vector<PortGrant> ports;

  // How many ports `ports` grants, each range counted whole.
  size_t PortCount() const {
    size_t n = 0;
    for (const PortGrant& g : ports) n += g.high - g.low + 1;
    return n;
  }
};

// The file and network rights a domain can handle at `abi`. None of the
// file rights below ABI 2: a domain without REFER refuses every rename
// and link across directories, which no rule can have meant.
uint64_t FsRightsAt(int abi);
uint64_t NetRightsAt(int abi);

// Makes the calling process (before it execs the command) enter a Landlock
// domain: `rules`, as far as `abi` knows its rights, and from ABI 6 its
// signals and abstract unix sockets scoped to the sandbox. Any domain also
// confines ptrace, process_vm_readv/writev, pidfd_getfd and /proc/PID/mem
// to processes in the same or a nested domain: a sandboxed program, root
// or not, cannot reach syd or any process outside the sandbox that way.
// A granted path that does not exist yet is granted at its parent, where
// the rule that allows it can make it; not at all when the parent does
// not exist either (no rule lets the sandbox make it there), nor when it
// is in one of the kernel's trees (InKernelTree). OK and nothing
// done when there is nothing to handle; needs no_new_privs (or CAP_SYS_ADMIN).
// An error leaves the process unconfined: the caller must not exec.
absl::Status EnterDomain(const LandlockRuleset& rules, int abi);

// Whether `path` is in a tree the kernel fills (/dev, /proc, /sys): a
// grant there wider than a rule reaches the host's disks, memory and
// settings (/dev/sda, /proc/sys/kernel/core_pattern) through any call the
// kernel reads again, so none is made: not at a missing name's parent,
// and not for a pattern (src/compile/landlock_layer.cc).
bool InKernelTree(const std::string& path);

// What a domain of `rules` gives at `abi`, in one line, for --version
// (empty rules: the scopes alone) and --stats.
std::string LandlockSummary(const LandlockRuleset& rules, int abi);

// The names of the rights in `fs` (file) or `net` (network) bits, comma
// separated, as docs/architecture.md writes them: "write_file, make_dir".
std::string FsRightNames(uint64_t fs);
std::string NetRightNames(uint64_t net);

}  // namespace syd::kernel

#endif  // SYD_KERNEL_LANDLOCK_H_
