// Network tests run in a network namespace of their own: nothing they
// bind or connect to is the machine's, and nothing leaves it.
#ifndef SYD_TESTING_NETNS_H_
#define SYD_TESTING_NETNS_H_

#include <cstdint>

namespace syd::testing {

// Moves the calling thread, and what it starts from then on, into a new
// network namespace with only loopback, up. False when it cannot (not
// root); the caller then skips.
bool EnterNewNetworkNamespace();

// A socket of the test's: `type` (SOCK_STREAM listens), on 127.0.0.1 at a
// port the kernel picks, non-blocking and close-on-exec; with
// `reuseport`, SO_REUSEPORT is set before the bind. fd -1 on failure.
struct LoopbackSocket {
  int fd = -1;
  uint16_t port = 0;
};
LoopbackSocket BindLoopback(int type, bool reuseport = false);

// How many connections have arrived on `listener` (non-blocking) and wait
// to be accepted; each is accepted and closed.
int Accepted(int listener);

}  // namespace syd::testing

#endif  // SYD_TESTING_NETNS_H_
