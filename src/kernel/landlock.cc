#include "src/kernel/landlock.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "src/base/strcat.h"
#include "src/kernel/landlock_uapi.h"

namespace syd::kernel {

int LandlockAbi() {
  const long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0,
                           kLandlockCreateRulesetVersion);
  if (abi < 0) return 0;  // ENOSYS, EOPNOTSUPP: none
  int cap = static_cast<int>(abi);
  if (const char* env = std::getenv("SYD_LANDLOCK_ABI")) {
    char* end = nullptr;
    const long want = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && want >= 0 && want < cap)
      cap = static_cast<int>(want);
  }
  return cap;
}

absl::Status ScopeToSandbox(int abi) {
  if (abi < kLandlockAbiScopes) return absl::OkStatus();
  LandlockRulesetAttr attr;
  attr.scoped = kLandlockScopeSignal | kLandlockScopeAbstractUnixSocket;
  const long fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (fd < 0) {
    return absl::InternalError(
        StrCat("cannot make the Landlock domain: ", strerror(errno)));
  }
  const long rc = syscall(SYS_landlock_restrict_self, fd, 0);
  const int error = errno;
  close(static_cast<int>(fd));
  if (rc != 0) {
    return absl::InternalError(
        StrCat("cannot enter the Landlock domain: ", strerror(error)));
  }
  return absl::OkStatus();
}

std::string LandlockSummary(int abi) {
  if (abi >= kLandlockAbiScopes) {
    return StrCat("Landlock ABI ", abi,
                  ": signals, abstract unix sockets and ptrace scoped to "
                  "the sandbox");
  }
  return StrCat(abi == 0 ? std::string("no Landlock")
                         : StrCat("Landlock ABI ", abi, " (scopes need ",
                                  kLandlockAbiScopes, ")"),
                ": signals and ptrace from the sandbox not scoped");
}

}  // namespace syd::kernel
