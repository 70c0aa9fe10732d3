// Network tests run in a network namespace of their own: nothing they
// bind or connect to is the machine's, and nothing leaves it.
#ifndef SYD_TESTING_NETNS_H_
#define SYD_TESTING_NETNS_H_

namespace syd::testing {

// Moves the calling thread, and what it starts from then on, into a new
// network namespace with only loopback, up. False when it cannot (not
// root); the caller then skips.
bool EnterNewNetworkNamespace();

}  // namespace syd::testing

#endif  // SYD_TESTING_NETNS_H_
