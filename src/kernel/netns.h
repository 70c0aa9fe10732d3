// A network namespace of the sandbox's own (--unshare-net): only loopback,
// up. Nothing the sandbox sends leaves it, UDP and raw sockets included,
// and the host's abstract unix sockets (X11, some D-Bus) are out of
// reach; pathname unix sockets are files, and stay the rules' to judge.
#ifndef SYD_KERNEL_NETNS_H_
#define SYD_KERNEL_NETNS_H_

#include "absl/status/status.h"

namespace syd::kernel {

// Moves the calling thread, and what it starts from then on, into a new
// network namespace and brings its loopback up. Needs CAP_SYS_ADMIN.
absl::Status EnterNewNetworkNamespace();

}  // namespace syd::kernel

#endif  // SYD_KERNEL_NETNS_H_
