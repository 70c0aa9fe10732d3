#include "src/testing/netns.h"

#include "src/kernel/netns.h"

namespace syd::testing {

bool EnterNewNetworkNamespace() {
  return kernel::EnterNewNetworkNamespace().ok();
}

}  // namespace syd::testing
