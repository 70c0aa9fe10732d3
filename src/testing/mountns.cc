#include "src/testing/mountns.h"

#include <sched.h>
#include <sys/mount.h>

namespace syd::testing {

bool EnterPrivateMountNamespace() {
  return unshare(CLONE_NEWNS) == 0 &&
         mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0;
}

}  // namespace syd::testing
