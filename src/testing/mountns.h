// Mount tests run in a mount namespace of their own: what they mount is
// gone with the test process, and the machine's mounts are never touched.
#ifndef SYD_TESTING_MOUNTNS_H_
#define SYD_TESTING_MOUNTNS_H_

namespace syd::testing {

// Moves the calling thread, and what it starts from then on, into a new
// mount namespace where every mount is private (nothing propagates back).
// False when it cannot (not root); the caller then skips.
bool EnterPrivateMountNamespace();

}  // namespace syd::testing

#endif  // SYD_TESTING_MOUNTNS_H_
