// What becomes of one stopped call, whichever backend stopped it: the
// backend only applies it.
#ifndef SYD_SUPERVISE_OUTCOME_H_
#define SYD_SUPERVISE_OUTCOME_H_

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/policy/rules.h"

namespace syd::supervise {

// An allowed call that syd may perform itself, as it judged it
// (src/supervise/performer.h).
struct CallToPerform {
  enum class Kind : uint8_t {
    kOpen,  // open, openat, creat, openat2
    kChmod,
    kChown,
    kTruncate,
    kUtimes,  // utime, utimes, futimesat, utimensat
    kSetXattr,
    kRemoveXattr,
    kAttributeFlags,  // ioctl's FS_IOC_SETFLAGS and FS_IOC_FSSETXATTR
    // Names made, removed or moved, through descriptors of their parents.
    kMkdir,    // mkdir, mkdirat
    kMknod,    // mknod, mknodat
    kUnlink,   // unlink, rmdir, unlinkat
    kRename,   // rename, renameat, renameat2
    kLink,     // link, linkat
    kSymlink,  // symlink, symlinkat
    // On a duplicate of the caller's INET or INET6 socket (pidfd_getfd).
    kBind,
    kConnect,
    kListen,  // judged by the address its socket is bound to
    // sendto with an address, sendmsg, sendmmsg: on a duplicate of the
    // caller's socket (any family), with the data read once and the names
    // syd judged.
    kSend,
  };
  // How the caller gave the times of a kUtimes call.
  enum class Times : uint8_t { kTimespec, kTimeval, kUtimbuf };
  Kind kind = Kind::kOpen;
  // A change made through a descriptor of the caller's: fchmod, fchown,
  // fsetxattr, fremovexattr, ioctl's attribute requests, and the calls
  // whose name is NULL or empty (futimens, AT_EMPTY_PATH), AT_FDCWD
  // standing for the cwd. `path` is the file syd judged it to name. A
  // thread may put another file there (dup2, chdir) before the kernel
  // looks: syd makes the call again, as the caller made it (`nr`), on a
  // duplicate of the descriptor, and only while that still names `path`.
  std::optional<int> descriptor;
  int nr = -1;
  std::array<uint64_t, 6> args{};  // the registers, as the call gave them
  uint64_t at_flags = 0;           // the call's AT_ flags, where it has them
  bool null_name = false;          // utimensat and futimesat with a NULL name
  // Bit i: name argument i is empty where the call takes no empty name
  // (an open, truncate, a name made, removed or moved; not linkat's first
  // with AT_EMPTY_PATH). The kernel fails such a call there, after its
  // checks of flags and modes and before any change: syd makes the call
  // again with empty names of its own, and the kernel answers.
  uint8_t empty_names = 0;
  uint64_t resolve = 0;  // openat2's, for a call with an empty name
  // Resolved, absolute, in syd's view, with no link in it but perhaps the
  // last name, where the call does not follow it (`follows` false); a
  // trailing '/' as written.
  std::string path;
  bool follows = true;
  std::string path2;  // kRename's and kLink's new name
  // A name made, removed or moved whose last name is no entry of a parent
  // syd could open: "." or ".." (an entry of the directory `path` names),
  // or "/" (`path` is "/"). The kernel fails such a call with no change;
  // syd makes it on its own copy of the name, which nothing can rewrite.
  std::string entry;
  std::string entry2;  // path2's
  // kOpen: as the call gave them; kSetXattr's, kUnlink's (AT_REMOVEDIR),
  // kRename's, kLink's (AT_SYMLINK_FOLLOW resolved away).
  uint64_t flags = 0;
  uint64_t mode = 0;      // kOpen (O_CREAT, O_TMPFILE), kChmod, kMkdir, kMknod
  uint64_t device = 0;    // kMknod
  bool open_how = false;  // kOpen by openat2: checked as openat2 checks it
  // kOpen of /proc/self/fd/N (or /proc/thread-self/fd/N) where descriptor
  // N names no file syd could name (a pipe, a socket, a deleted file):
  // N, reopened by syd through the caller's /proc; else -1.
  int own_fd = -1;
  // kOpen of another name in the caller's /proc/self (or
  // /proc/thread-self): what follows it ("attr/current", "comm"), opened
  // by syd beneath the caller's /proc/TGID (or its task's); else empty.
  std::string own_proc_name;
  bool thread_self = false;  // own_fd's or own_proc_name's, thread-self
  uint32_t uid = 0;          // kChown, as given (-1: unchanged)
  uint32_t gid = 0;
  int64_t length = 0;  // kTruncate
  // kUtimes: where the caller's times are (0: now), and how; kSetXattr:
  // where its value is, and its size; kAttributeFlags: where the request
  // (in `flags`) reads its argument, and its size. Read once, when syd
  // performs.
  uint64_t data = 0;
  uint64_t size = 0;
  // setxattrat: where its struct xattr_args is (`size` its size), which
  // gives the value, its size and the flags; read once, when syd performs.
  uint64_t xattr_args = 0;
  Times times = Times::kTimespec;
  // kSetXattr, kRemoveXattr: the attribute; kSymlink: the link's target.
  std::string name;
  // kBind, kConnect: the caller's socket, and the address as syd judged
  // it (Call::address_bytes); kListen: the socket, and the address syd
  // judged it bound to (SocketAddress::ToString), its backlog in `flags`.
  int socket = -1;
  std::string address;
  // kSend: each message's name as syd read and judged it, in order
  // (sendto: one; sendmmsg: as many messages as syd read). `bytes` empty:
  // no name (the socket's peer); `path`: a unix socket file syd resolved,
  // sent to through a pin of it, as a connect is.
  struct SendName {
    std::string bytes;
    std::string path;
  };
  std::vector<SendName> names;
};

struct Outcome {
  bool run = true;  // the call runs as it is
  int64_t ret = 0;  // else it returns this: a value, or -errno
  // A signal the verdict sends (kill_*, trap, detach_*=SIG).
  int signal = 0;
  pid_t signal_to = 0;         // a thread group, or
  bool signal_thread = false;  // the thread (tgkill) that made the call
  // An allowed call that syd may perform itself rather than let the
  // kernel read its arguments again (src/supervise/performer.h); the
  // backends that cannot, continue it.
  std::optional<CallToPerform> perform;
};

// The outcome of verdict `v` for a call of thread `pid` in thread group
// `tgid`. A verdict no plugin resolved (kPlugin) refuses: an unjudged call
// never runs.
Outcome OutcomeOf(const Verdict& v, pid_t pid, pid_t tgid);

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_OUTCOME_H_
