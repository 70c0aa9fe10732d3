#include "src/kernel/netns.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "src/base/strcat.h"

namespace syd::kernel {

absl::Status EnterNewNetworkNamespace() {
  if (unshare(CLONE_NEWNET) != 0) {
    return absl::FailedPreconditionError(
        StrCat("cannot make a network namespace: ", strerror(errno),
               " (it needs CAP_SYS_ADMIN, root)"));
  }
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        StrCat("the new network namespace: socket: ", strerror(errno)));
  }
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  bool up = ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
  ifr.ifr_flags |= IFF_UP;
  up = up && ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
  const int error = errno;
  close(fd);
  if (!up) {
    return absl::FailedPreconditionError(StrCat(
        "the new network namespace: cannot bring lo up: ", strerror(error)));
  }
  return absl::OkStatus();
}

}  // namespace syd::kernel
