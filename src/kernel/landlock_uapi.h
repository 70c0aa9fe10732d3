// The Landlock UAPI syd uses, kept by hand: Debian 12's headers (Linux
// 6.1) lack what came after ABI 2. Where the system's header has a name,
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

// struct landlock_net_port_attr (ABI 4); packed like the path rule.
struct LandlockNetPortAttr {
  uint64_t allowed_access;
  uint64_t port;
} __attribute__((packed));

// struct landlock_path_beneath_attr (ABI 1).
struct LandlockPathBeneathAttr {
  uint64_t allowed_access;
  int32_t parent_fd;
} __attribute__((packed));

inline constexpr uint32_t kLandlockCreateRulesetVersion = 1U << 0;
inline constexpr int kLandlockRulePathBeneath = 1;
inline constexpr int kLandlockRuleNetPort = 2;  // ABI 4

// File-system rights, by the ABI that brought them.
inline constexpr uint64_t kLandlockFsExecute = 1ULL << 0;
inline constexpr uint64_t kLandlockFsWriteFile = 1ULL << 1;
inline constexpr uint64_t kLandlockFsReadFile = 1ULL << 2;
inline constexpr uint64_t kLandlockFsReadDir = 1ULL << 3;
inline constexpr uint64_t kLandlockFsRemoveDir = 1ULL << 4;
inline constexpr uint64_t kLandlockFsRemoveFile = 1ULL << 5;
inline constexpr uint64_t kLandlockFsMakeChar = 1ULL << 6;
inline constexpr uint64_t kLandlockFsMakeDir = 1ULL << 7;
inline constexpr uint64_t kLandlockFsMakeReg = 1ULL << 8;
inline constexpr uint64_t kLandlockFsMakeSock = 1ULL << 9;
inline constexpr uint64_t kLandlockFsMakeFifo = 1ULL << 10;
inline constexpr uint64_t kLandlockFsMakeBlock = 1ULL << 11;
inline constexpr uint64_t kLandlockFsMakeSym = 1ULL << 12;
inline constexpr uint64_t kLandlockFsRefer = 1ULL << 13;     // ABI 2
inline constexpr uint64_t kLandlockFsTruncate = 1ULL << 14;  // ABI 3
inline constexpr uint64_t kLandlockFsIoctlDev = 1ULL << 15;  // ABI 5
// Network rights (ABI 4): TCP only.
inline constexpr uint64_t kLandlockNetBindTcp = 1ULL << 0;
inline constexpr uint64_t kLandlockNetConnectTcp = 1ULL << 1;

inline constexpr int kLandlockAbiRefer = 2;
inline constexpr int kLandlockAbiTruncate = 3;
inline constexpr int kLandlockAbiNet = 4;
inline constexpr int kLandlockAbiIoctlDev = 5;
// ABI 6: signals and abstract unix sockets scoped to the domain.
inline constexpr uint64_t kLandlockScopeAbstractUnixSocket = 1ULL << 0;
inline constexpr uint64_t kLandlockScopeSignal = 1ULL << 1;
inline constexpr int kLandlockAbiScopes = 6;

#ifdef LANDLOCK_CREATE_RULESET_VERSION
static_assert(kLandlockCreateRulesetVersion == LANDLOCK_CREATE_RULESET_VERSION);
#endif
static_assert(sizeof(LandlockPathBeneathAttr) ==
              sizeof(struct landlock_path_beneath_attr));
static_assert(kLandlockRulePathBeneath == LANDLOCK_RULE_PATH_BENEATH);
static_assert(kLandlockFsExecute == LANDLOCK_ACCESS_FS_EXECUTE);
static_assert(kLandlockFsWriteFile == LANDLOCK_ACCESS_FS_WRITE_FILE);
static_assert(kLandlockFsReadFile == LANDLOCK_ACCESS_FS_READ_FILE);
static_assert(kLandlockFsReadDir == LANDLOCK_ACCESS_FS_READ_DIR);
static_assert(kLandlockFsRemoveDir == LANDLOCK_ACCESS_FS_REMOVE_DIR);
static_assert(kLandlockFsRemoveFile == LANDLOCK_ACCESS_FS_REMOVE_FILE);
static_assert(kLandlockFsMakeChar == LANDLOCK_ACCESS_FS_MAKE_CHAR);
static_assert(kLandlockFsMakeDir == LANDLOCK_ACCESS_FS_MAKE_DIR);
static_assert(kLandlockFsMakeReg == LANDLOCK_ACCESS_FS_MAKE_REG);
static_assert(kLandlockFsMakeSock == LANDLOCK_ACCESS_FS_MAKE_SOCK);
static_assert(kLandlockFsMakeFifo == LANDLOCK_ACCESS_FS_MAKE_FIFO);
static_assert(kLandlockFsMakeBlock == LANDLOCK_ACCESS_FS_MAKE_BLOCK);
static_assert(kLandlockFsMakeSym == LANDLOCK_ACCESS_FS_MAKE_SYM);
#ifdef LANDLOCK_ACCESS_FS_REFER
static_assert(kLandlockFsRefer == LANDLOCK_ACCESS_FS_REFER);
#endif
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
static_assert(kLandlockFsTruncate == LANDLOCK_ACCESS_FS_TRUNCATE);
#endif
#ifdef LANDLOCK_ACCESS_FS_IOCTL_DEV
static_assert(kLandlockFsIoctlDev == LANDLOCK_ACCESS_FS_IOCTL_DEV);
#endif
#ifdef LANDLOCK_ACCESS_NET_BIND_TCP
static_assert(kLandlockRuleNetPort == LANDLOCK_RULE_NET_PORT);
static_assert(kLandlockNetBindTcp == LANDLOCK_ACCESS_NET_BIND_TCP);
static_assert(kLandlockNetConnectTcp == LANDLOCK_ACCESS_NET_CONNECT_TCP);
static_assert(sizeof(LandlockNetPortAttr) ==
              sizeof(struct landlock_net_port_attr));
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
