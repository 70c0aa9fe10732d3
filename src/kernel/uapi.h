// Syscall numbers and flags syd uses that Debian 12's headers (Linux 6.1)
// may lack, kept by hand; where the system's headers have a name, the
// build checks that it agrees. Landlock's are in landlock_uapi.h.
#ifndef SYD_KERNEL_UAPI_H_
#define SYD_KERNEL_UAPI_H_

#include <linux/ioctl.h>
#include <linux/seccomp.h>
#include <linux/types.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <cstddef>

namespace syd::kernel {

inline constexpr long kSysPidfdGetfd = 438;     // 5.6
inline constexpr long kSysFchmodat2 = 452;      // 6.6
inline constexpr int kSoPeerPidfd = 77;         // 6.5
inline constexpr unsigned kPidfdThread = 0200;  // 6.9: PIDFD_THREAD, O_EXCL
inline constexpr unsigned kFilterFlagWaitKillableRecv = 1U << 5;  // 5.19
// 6.6: SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_IOW(4, __u64).
inline constexpr unsigned long kSeccompIoctlNotifSetFlags =
    SECCOMP_IOW(4, __u64);
inline constexpr unsigned long kSeccompUserNotifFdSyncWakeUp = 1UL << 0;
// 6.13: setxattrat's struct xattr_args (XATTR_ARGS_SIZE_VER0, 16 bytes).
struct XattrArgs {
  __aligned_u64 value;
  __u32 size;
  __u32 flags;
};
static_assert(sizeof(XattrArgs) == 16);
// What openat2 and setxattrat take of their structs at most (PAGE_SIZE,
// E2BIG past it); the bytes past the ones the kernel knows must be zero.
inline constexpr size_t kStructArgMax = 4096;

#ifdef SYS_pidfd_getfd
static_assert(kSysPidfdGetfd == SYS_pidfd_getfd);
#endif
#ifdef SYS_fchmodat2
static_assert(kSysFchmodat2 == SYS_fchmodat2);
#endif
#ifdef PIDFD_THREAD
static_assert(kPidfdThread == PIDFD_THREAD);
#endif
#ifdef SO_PEERPIDFD
static_assert(kSoPeerPidfd == SO_PEERPIDFD);
#endif
#ifdef SECCOMP_IOCTL_NOTIF_SET_FLAGS
static_assert(kSeccompIoctlNotifSetFlags == SECCOMP_IOCTL_NOTIF_SET_FLAGS);
static_assert(kSeccompUserNotifFdSyncWakeUp ==
              SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
#endif
#ifdef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
static_assert(kFilterFlagWaitKillableRecv ==
              SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
#endif

}  // namespace syd::kernel

#endif  // SYD_KERNEL_UAPI_H_
