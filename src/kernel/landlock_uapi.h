// The Landlock UAPI syd uses, kept by hand: Debian 12's headers (Linux
// 6.1) lack what came after ABI 3. Where the system's header has a name,
// the build checks that it agrees.
#ifndef SYD_KERNEL_LANDLOCK_UAPI_H_
#define SYD_KERNEL_LANDLOCK_UAPI_H_

#include <linux/landlock.h>

#include <cstdint>

namespace syd::kernel {

// struct landlock_ruleset_attr as of ABI 6; the kernel takes a shorter
// size from older callers and refuses unknown nonzero fields.
struct LandlockRulesetAttr {
  uint64_t handled_access_fs = 0;
  uint64_t handled_access_net = 0;  // ABI 4
  uint64_t scoped = 0;              // ABI 6
};

inline constexpr uint32_t kLandlockCreateRulesetVersion = 1U << 0;
// ABI 6: signals and abstract unix sockets scoped to the domain.
inline constexpr uint64_t kLandlockScopeAbstractUnixSocket = 1ULL << 0;
inline constexpr uint64_t kLandlockScopeSignal = 1ULL << 1;
inline constexpr int kLandlockAbiScopes = 6;

#ifdef LANDLOCK_CREATE_RULESET_VERSION
static_assert(kLandlockCreateRulesetVersion == LANDLOCK_CREATE_RULESET_VERSION);
#endif
#ifdef LANDLOCK_SCOPE_SIGNAL
static_assert(kLandlockScopeSignal == LANDLOCK_SCOPE_SIGNAL);
static_assert(kLandlockScopeAbstractUnixSocket ==
              LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET);
static_assert(sizeof(LandlockRulesetAttr) ==
              sizeof(struct landlock_ruleset_attr));
#endif

}  // namespace syd::kernel

#endif  // SYD_KERNEL_LANDLOCK_UAPI_H_
