// Landlock, the kernel layer that holds where syd's own checks do not:
// what this kernel offers, and the domain every sandbox enters.
#ifndef SYD_KERNEL_LANDLOCK_H_
#define SYD_KERNEL_LANDLOCK_H_

#include <string>

#include "absl/status/status.h"

namespace syd::kernel {

// The Landlock ABI this kernel offers, 0 for none (not built in, or
// disabled at boot). SYD_LANDLOCK_ABI=N in the environment caps it, so
// that tests on a new kernel run the fallbacks of an old one (0: none).
int LandlockAbi();

// Makes the calling process (before it execs the command) enter a Landlock
// domain that scopes its signals and abstract unix sockets to the sandbox
// (ABI 6). Any domain also confines ptrace, process_vm_readv/writev,
// pidfd_getfd and /proc/PID/mem to processes in the same or a nested
// domain: a sandboxed program, root or not, cannot reach syd or any
// process outside the sandbox that way. Handles no file or network
// access: those stay the filter's and syd's. OK and nothing done below
// ABI 6; needs no_new_privs (or CAP_SYS_ADMIN).
absl::Status ScopeToSandbox(int abi);

// What ScopeToSandbox gives at `abi`, for --version and --stats.
std::string LandlockSummary(int abi);

}  // namespace syd::kernel

#endif  // SYD_KERNEL_LANDLOCK_H_
