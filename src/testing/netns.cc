#include "src/testing/netns.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "src/kernel/netns.h"

namespace syd::testing {

bool EnterNewNetworkNamespace() {
  return kernel::EnterNewNetworkNamespace().ok();
}

LoopbackSocket BindLoopback(int type, bool reuseport) {
  const int fd = socket(AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return {};
  const int one = 1;
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof at;
  if ((reuseport &&
       setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) ||
      bind(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0 ||
      (type == SOCK_STREAM && listen(fd, 16) != 0) ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&at), &len) != 0) {
    close(fd);
    return {};
  }
  return {fd, ntohs(at.sin_port)};
}

int Accepted(int listener) {
  int arrived = 0;
  for (int fd; (fd = accept(listener, nullptr, nullptr)) >= 0; ++arrived)
    close(fd);
  return arrived;
}

}  // namespace syd::testing
