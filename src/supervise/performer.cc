#include "src/supervise/performer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <utime.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>

#include "src/base/strcat.h"
#include "src/kernel/uapi.h"
#include "src/syscalls/syscalls.h"
#include "src/tracee/decode.h"
#include "src/tracee/memory.h"
#include "src/tracee/paths.h"
#include "src/tracee/process.h"

namespace syd::supervise {
namespace {

// The kernel's O_LARGEFILE (glibc's is 0 on x86_64, where the kernel sets
// it on every open, openat2's too).
constexpr uint64_t kLargeFile = 0100000;
// Threads whose umask syd knows (SawUmask).
constexpr size_t kUmasksKnown = 256;
// Threads followed from a umask other than syd's to syd's again; past
// that many at once, a umask other than syd's counts for good.
constexpr size_t kUmaskChangesFollowed = 256;
// What open(2) and openat(2) take of their flags (the kernel's
// VALID_OPEN_FLAGS; the rest are ignored). openat2 refuses the rest.
constexpr uint64_t kOpenFlags =
    O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK |
    O_DSYNC | FASYNC | O_DIRECT | kLargeFile | O_DIRECTORY | O_NOFOLLOW |
    O_NOATIME | O_CLOEXEC | O_PATH | O_TMPFILE | O_SYNC;
// The status flags F_SETFL sets from what open(2) was given (O_ASYNC is
// one open ignores).
constexpr int kSettableFlags = O_APPEND | O_DIRECT | O_NOATIME;

bool Creates(uint64_t flags) {
  return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
}

// /dev/tty: the opener's controlling terminal, which syd opens through a
// descriptor of it (OpenControllingTerminal).
bool IsOwnTerminal(const struct stat& st) {
  return S_ISCHR(st.st_mode) && st.st_rdev == makedev(5, 0);
}

// /dev/net/tun, whose device attaches to the opener's network namespace:
// the kernel's to open.
bool IsTunnel(const struct stat& st) {
  return S_ISCHR(st.st_mode) && st.st_rdev == makedev(10, 200);
}

// Whether syd opens what `st` is, for an open with `flags`, itself; else
// the kernel does, and reads the name again.
bool SydOpens(const struct stat& st, uint64_t flags) {
  // A socket's open is the kernel's ENXIO, which syd's gets too.
  if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISSOCK(st.st_mode))
    return true;
  // syd opens without waiting: not a FIFO's read end opened to wait for
  // a writer (OpenFile waits for it aside); a write end waits only where
  // syd's open gets ENXIO (no reader).
  if (S_ISFIFO(st.st_mode))
    return (flags & O_NONBLOCK) != 0 || (flags & O_ACCMODE) != O_RDONLY;
  // A device, terminals too: opened with O_NOCTTY, so a session leader's
  // open does not make a terminal its own, as the kernel's would; it asks
  // with TIOCSCTTY, as glibc's login_tty, Expect and sshd do. Left to the
  // kernel, the name is read again (docs/architecture.md).
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
    return !IsOwnTerminal(st) && !IsTunnel(st);
  return false;
}

// The kernel's error for an open with `flags` of a name that exists and
// is not a directory, which it gives before it opens (or waits on) what
// the name is; 0 for none.
int FailsBeforeOpening(uint64_t flags) {
  if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) return EEXIST;
  if ((flags & O_DIRECTORY) != 0) return ENOTDIR;
  return 0;
}

// Whether descriptor `fd`'s file is the terminal device `terminal`.
bool IsTerminal(int fd, dev_t terminal) {
  struct stat st;
  return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == terminal;
}

bool IsFileOrDirectory(const struct stat& st) {
  return S_ISREG(st.st_mode) || S_ISDIR(st.st_mode);
}

// The descriptor a name below /proc/self names ("fd/N"), as procfs reads
// N (no sign, no leading zero); nothing for another name.
std::optional<int> DescriptorNamed(std::string_view rest) {
  constexpr std::string_view kFd = "fd/";
  if (!rest.starts_with(kFd)) return std::nullopt;
  const std::string_view n = rest.substr(kFd.size());
  int fd = 0;
  if (n.empty() || n.size() > 9 || (n.size() > 1 && n[0] == '0') ||
      std::from_chars(n.data(), n.data() + n.size(), fd).ptr !=
          n.data() + n.size()) {
    return std::nullopt;
  }
  return fd;
}

// Thread `tid`'s /proc/self (or /proc/thread-self) in syd's /proc.
std::string OwnProc(pid_t tid, bool thread_self) {
  const pid_t tgid = tracee::ThreadGroup(tid);
  return thread_self ? StrCat("/proc/", tgid, "/task/", tid)
                     : StrCat("/proc/", tgid);
}

// The identity of the thread that performs, changed to the caller's where
// it differs and put back when this ends. Raw syscalls: glibc's wrappers
// of setgroups and capset would change every thread of syd. The umask is
// not put back: `*umask_now` is the thread's, which stays the caller's
// for its next call (tar keeps one umask for thousands of creates).
class AsCaller {
 public:
  // `peer`: the effective ids too, which a unix socket's server reads of
  // the client that connects (SO_PEERCRED); a file system reads the
  // file-system ids alone.
  AsCaller(const tracee::Credentials& own, const tracee::Credentials& caller,
           mode_t* umask_now, bool peer = false)
      : own_(own), caller_(caller), umask_now_(umask_now), peer_(peer) {}
  AsCaller(const AsCaller&) = delete;
  AsCaller& operator=(const AsCaller&) = delete;
  ~AsCaller() { Restore(); }

  // Whether the ids AsCaller(own, caller, ..., peer) takes are one.
  static bool SameIds(const tracee::Credentials& own,
                      const tracee::Credentials& caller, bool peer) {
    return own.fsuid == caller.fsuid && own.fsgid == caller.fsgid &&
           own.groups == caller.groups && own.effective == caller.effective &&
           (!peer || (own.euid == caller.euid && own.egid == caller.egid));
  }

  // False, with the identity as it was, where a step failed.
  bool Take() {
    if (*umask_now_ != caller_.umask) {
      umask(caller_.umask);
      *umask_now_ = caller_.umask;
    }
    if (SameIds(own_, caller_, peer_)) return true;
    ids_set_ = true;
    if (syscall(SYS_setgroups, caller_.groups.size(), caller_.groups.data()) !=
        0) {
      return false;
    }
    // The effective ids first: setresuid sets the fsuid to the euid, and
    // an euid other than 0 drops the effective capabilities, taken back
    // (within the permitted ones, which a real and saved id of 0 keep)
    // for the fs ids.
    if (peer_ && (syscall(SYS_setresgid, -1, caller_.egid, -1) != 0 ||
                  syscall(SYS_setresuid, -1, caller_.euid, -1) != 0 ||
                  !SetEffective(own_.effective))) {
      return false;
    }
    // setfsuid and setfsgid answer the previous id whether or not they
    // changed it: read it back.
    syscall(SYS_setfsgid, caller_.fsgid);
    syscall(SYS_setfsuid, caller_.fsuid);
    if (syscall(SYS_setfsgid, -1) != static_cast<long>(caller_.fsgid) ||
        syscall(SYS_setfsuid, -1) != static_cast<long>(caller_.fsuid)) {
      return false;
    }
    // Last: the capabilities that let syd change its ids. A change of
    // fsuid away from 0 has dropped the file ones; this sets exactly the
    // caller's (within syd's permitted set).
    return SetEffective(caller_.effective);
  }

 private:
  static bool SetEffective(uint64_t effective) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    if (syscall(SYS_capget, &header, data) != 0) return false;
    data[0].effective = static_cast<uint32_t>(effective) & data[0].permitted;
    data[1].effective =
        static_cast<uint32_t>(effective >> 32) & data[1].permitted;
    return syscall(SYS_capset, &header, data) == 0;
  }

  void Restore() {
    if (!ids_set_) return;
    // syd's capabilities first: they let it take its ids back.
    SetEffective(own_.effective);
    if (peer_) {
      // An euid of 0 again sets the effective capabilities to the
      // permitted ones: syd's own, exactly, after.
      syscall(SYS_setresuid, -1, own_.euid, -1);
      syscall(SYS_setresgid, -1, own_.egid, -1);
      SetEffective(own_.effective);
    }
    syscall(SYS_setfsuid, own_.fsuid);
    syscall(SYS_setfsgid, own_.fsgid);
    syscall(SYS_setgroups, own_.groups.size(), own_.groups.data());
  }

  const tracee::Credentials& own_;
  const tracee::Credentials& caller_;
  mode_t* umask_now_;
  const bool peer_;
  bool ids_set_ = false;
};

// A descriptor of syd's, closed at the end of the scope (unless taken: -1).
struct Closer {
  int fd;
  ~Closer() {
    if (fd >= 0) close(fd);
  }
};

// The unix socket address of the file `pin` (O_PATH) names: its link in
// syd's /proc, which the kernel's lookup follows.
std::string PinnedName(int pin) {
  sockaddr_un to{};
  to.sun_family = AF_UNIX;
  const std::string name = StrCat("/proc/thread-self/fd/", pin);
  std::memcpy(to.sun_path, name.data(), name.size());
  return {reinterpret_cast<const char*>(&to),
          offsetof(sockaddr_un, sun_path) + name.size() + 1};
}

// connect(2) of `sock` to the unix socket file `pin` names.
int ConnectToPinned(int sock, int pin) {
  const std::string to = PinnedName(pin);
  return connect(sock, reinterpret_cast<const sockaddr*>(to.data()),
                 static_cast<socklen_t>(to.size()));
}

// The header sendmsg takes for `m`, its data in `iov`.
msghdr HeaderOf(const OutgoingMessage& m, iovec* iov) {
  // sendmsg reads what the pointers point to and writes nothing there.
  auto* data = const_cast<char*>(m.data.data());
  *iov = {data, m.data.size()};
  msghdr h{};
  if (!m.name.empty()) {
    h.msg_name = const_cast<char*>(m.name.data());
    h.msg_namelen = static_cast<socklen_t>(m.name.size());
  }
  h.msg_iov = iov;
  h.msg_iovlen = 1;
  if (!m.control.empty()) {
    h.msg_control = const_cast<char*>(m.control.data());
    h.msg_controllen = m.control.size();
  }
  return h;
}

// ptrace: the rest of stream message `m` after its first `sent` bytes,
// sent on `sock` as room comes for at most 100 ms (the one thread that
// traces cannot wait for a reader that may be stopped in it): the bytes
// that went in all, a short count where the reader is slower.
int64_t SendRestAWhile(int sock, const OutgoingMessage& m, int64_t sent,
                       int flags) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point until = Clock::now() + std::chrono::milliseconds(100);
  while (static_cast<size_t>(sent) < m.data.size()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          until - Clock::now())
                          .count();
    pollfd room{sock, POLLOUT, 0};
    if (left <= 0 || poll(&room, 1, static_cast<int>(left)) <= 0) break;
    const ssize_t more = send(sock, m.data.data() + sent, m.data.size() - sent,
                              flags | MSG_DONTWAIT | MSG_NOSIGNAL);
    if (more < 0 && errno != EAGAIN) break;
    if (more > 0) sent += more;
  }
  return sent;
}

// sendmmsg's msg_len of a message that went, `sent` bytes, written into
// the caller's header at `at` as the kernel writes it.
void WriteMessageLength(pid_t tid, uint64_t at, ssize_t sent) {
  const auto len = static_cast<uint32_t>(sent);
  tracee::WriteMemory(tid, at, &len, sizeof len);
}

// The SIGPIPE the kernel sends the thread whose send finds its stream
// closed, unless the call says MSG_NOSIGNAL (syd's own sends always do).
void BrokenPipe(pid_t tid, int error, int flags) {
  if (error == EPIPE && (flags & MSG_NOSIGNAL) == 0)
    syscall(SYS_tgkill, tracee::ThreadGroup(tid), tid, SIGPIPE);
}

// What a thread of syd that performs is in the kernel, each its own
// (calls are performed on more than one thread): whether it has an
// fs_struct of its own (unshare(CLONE_FS)), and the umask in it, the last
// caller's it performed for; and the identity of the call it performs.
// Without one of its own, its umask is syd's, which no thread changes.
struct PerformingThread {
  bool owns_fs = false;
  mode_t umask_now = 0;
  tracee::Credentials as;
};
thread_local PerformingThread this_thread;

}  // namespace

int OpenWaiting(const Performed& p) {
  // As the caller: the open checks its permission on the FIFO, which the
  // pin (O_PATH) did not. The thread is the open's alone, but its
  // fs_struct is the deciding thread's: the umask, which an open that
  // creates nothing does not use, is left as it is.
  mode_t umask_now = p.caller_.umask;  // not set: see above
  AsCaller as(p.own_, p.caller_, &umask_now);
  if (!as.Take()) return -EPERM;
  const int fd =
      open(StrCat("/proc/thread-self/fd/", p.fd_).c_str(),
           static_cast<int>(p.flags_ & ~uint64_t{O_CREAT | O_EXCL | O_TRUNC}) |
               O_NOCTTY | O_CLOEXEC);
  return fd >= 0 ? fd : -errno;
}

int ConnectWaiting(const Performed& p) {
  mode_t umask_now = p.caller_.umask;  // not set: nothing is made
  AsCaller as(p.own_, p.caller_, &umask_now, /*peer=*/true);
  if (!as.Take()) return -EPERM;
  return ConnectToPinned(p.socket_, p.fd_) == 0 ? 0 : -errno;
}

int64_t SendWaiting(const Performed& p) {
  const PendingSend& s = *p.send_;
  mode_t umask_now = p.caller_.umask;  // not set: nothing is made
  AsCaller as(p.own_, p.caller_, &umask_now, /*peer=*/true);
  if (!as.Take()) return -EPERM;
  iovec iov;
  const msghdr h = HeaderOf(s.message, &iov);
  const ssize_t n = sendmsg(s.socket, &h, s.flags | MSG_NOSIGNAL);
  if (n < 0) {
    const int error = errno;
    if (error == EINTR && s.sent == 0) return -EINTR;
    BrokenPipe(s.tid, error, s.flags);
    return s.sent > 0 ? s.sent : -error;
  }
  if (s.msg_len_at != 0) {
    WriteMessageLength(s.tid, s.msg_len_at, n);
    return 1;
  }
  return s.sent + n;
}

namespace {

using Kind = CallToPerform::Kind;

// The calls syd performs, by name.
struct Performable {
  std::string_view name;
  Kind kind;
  CallToPerform::Times times = CallToPerform::Times::kTimespec;
};
constexpr Performable kPerformable[] = {
    {"open", Kind::kOpen},
    {"openat", Kind::kOpen},
    {"creat", Kind::kOpen},
    {"openat2", Kind::kOpen},
    {"chmod", Kind::kChmod},
    {"fchmodat", Kind::kChmod},
    {"fchmodat2", Kind::kChmod},
    {"chown", Kind::kChown},
    {"lchown", Kind::kChown},
    {"fchownat", Kind::kChown},
    {"truncate", Kind::kTruncate},
    {"utime", Kind::kUtimes, CallToPerform::Times::kUtimbuf},
    {"utimes", Kind::kUtimes, CallToPerform::Times::kTimeval},
    {"futimesat", Kind::kUtimes, CallToPerform::Times::kTimeval},
    {"utimensat", Kind::kUtimes, CallToPerform::Times::kTimespec},
    {"setxattr", Kind::kSetXattr},
    {"lsetxattr", Kind::kSetXattr},
    {"setxattrat", Kind::kSetXattr},
    {"removexattr", Kind::kRemoveXattr},
    {"lremovexattr", Kind::kRemoveXattr},
    {"removexattrat", Kind::kRemoveXattr},
    {"fchmod", Kind::kChmod},
    {"fchown", Kind::kChown},
    {"fsetxattr", Kind::kSetXattr},
    {"fremovexattr", Kind::kRemoveXattr},
    {"ioctl", Kind::kAttributeFlags},
    {"mkdir", Kind::kMkdir},
    {"mkdirat", Kind::kMkdir},
    {"mknod", Kind::kMknod},
    {"mknodat", Kind::kMknod},
    {"unlink", Kind::kUnlink},
    {"rmdir", Kind::kUnlink},
    {"unlinkat", Kind::kUnlink},
    {"rename", Kind::kRename},
    {"renameat", Kind::kRename},
    {"renameat2", Kind::kRename},
    {"link", Kind::kLink},
    {"linkat", Kind::kLink},
    {"symlink", Kind::kSymlink},
    {"symlinkat", Kind::kSymlink},
    {"bind", Kind::kBind},
    {"connect", Kind::kConnect},
    {"listen", Kind::kListen},
    {"sendto", Kind::kSend},
    {"sendmsg", Kind::kSend},
    {"sendmmsg", Kind::kSend},
};

// A pointer in syd's memory, as a register of a call syd makes again.
uint64_t Address(const void* p) {
  return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p));
}

bool ChangesMetadata(Kind k) {
  return k == Kind::kChmod || k == Kind::kChown || k == Kind::kUtimes ||
         k == Kind::kSetXattr || k == Kind::kRemoveXattr ||
         k == Kind::kAttributeFlags;
}

bool ChangesNames(Kind k) {
  return k == Kind::kMkdir || k == Kind::kMknod || k == Kind::kUnlink ||
         k == Kind::kRename || k == Kind::kLink || k == Kind::kSymlink;
}

// A judged name as the kernel may take it from syd: absolute, shorter
// than PATH_MAX, not in the sandbox's own /proc (`own_proc`), with the
// trailing '/' the call wrote (`slash`); nothing where it is not one.
std::optional<std::string> JudgedName(const std::string& path, bool slash,
                                      bool own_proc) {
  if (path.empty() || path[0] != '/') return std::nullopt;
  if (own_proc && (path == "/proc" || path.starts_with("/proc/")))
    return std::nullopt;
  std::string out = path;
  if (slash && out != "/") out += '/';
  if (out.size() >= PATH_MAX) return std::nullopt;
  return out;
}

// The size of the times a kUtimes call points to.
size_t TimesSize(CallToPerform::Times t) {
  switch (t) {
    case CallToPerform::Times::kTimespec:
      return 2 * sizeof(timespec);
    case CallToPerform::Times::kTimeval:
      return 2 * sizeof(timeval);
    case CallToPerform::Times::kUtimbuf:
      return sizeof(utimbuf);
  }
  return 0;
}

// The caller's times as utimensat takes them; false where the kernel
// refuses them (a microsecond count out of range: EINVAL).
bool AsTimespecs(CallToPerform::Times t, const std::string& data,
                 timespec out[2]) {
  switch (t) {
    case CallToPerform::Times::kTimespec:
      std::memcpy(out, data.data(), 2 * sizeof(timespec));
      return true;
    case CallToPerform::Times::kTimeval: {
      timeval tv[2];
      std::memcpy(tv, data.data(), sizeof tv);
      for (int i = 0; i < 2; ++i) {
        if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1'000'000) return false;
        out[i] = {tv[i].tv_sec, tv[i].tv_usec * 1000};
      }
      return true;
    }
    case CallToPerform::Times::kUtimbuf: {
      utimbuf u;
      std::memcpy(&u, data.data(), sizeof u);
      out[0] = {u.actime, 0};
      out[1] = {u.modtime, 0};
      return true;
    }
  }
  return false;
}

// Syscall `nr`'s entry in kPerformable, or nullptr. Asked at every stop:
// by number, from a table made once.
const Performable* PerformableOf(int nr) {
  static const std::array<const Performable*, kMaxSyscallNr> by_nr = [] {
    std::array<const Performable*, kMaxSyscallNr> table{};
    for (const Performable& p : kPerformable)
      table[FindSyscall(p.name)->nr] = &p;
    return table;
  }();
  return nr >= 0 && nr < kMaxSyscallNr ? by_nr[nr] : nullptr;
}

// The two ioctl requests that change a file's attribute flags.
bool IsAttributeRequest(uint64_t request) {
  const auto r = static_cast<uint32_t>(request);
  return r == FS_IOC_SETFLAGS || r == FS_IOC_FSSETXATTR;
}

// A send's messages' names as syd judged them (`e`'s decoded addresses,
// in order); nothing where one is a unix name syd cannot pin (in /proc,
// or one the kernel could not take from syd), or an abstract name, whose
// send is continued as such a connect is: the Landlock scope keeps it
// within the sandbox, which syd, outside the sandbox's domain, is not.
// A sendto with no address, which never reads one, is the kernel's.
std::optional<CallToPerform> SendOf(const Call& e, bool own_proc) {
  CallToPerform c;
  c.kind = Kind::kSend;
  c.nr = e.nr;
  c.args = e.args;
  c.socket = static_cast<int>(e.args[0]);
  const bool to = e.nr == SYS_sendto;
  std::vector<const SocketAddress*> judged;
  if (const std::optional<SocketAddress>& first = e.addresses[to ? 4 : 1])
    judged.push_back(&*first);
  for (const SocketAddress& a : e.more_addresses) judged.push_back(&a);
  size_t next = 0;
  const auto add = [&](const std::string& bytes) {
    CallToPerform::SendName& n = c.names.emplace_back();
    n.bytes = bytes;
    if (bytes.empty()) return true;
    if (next >= judged.size()) return false;
    const SocketAddress& a = *judged[next++];
    if (a.family == AddressFamily::kUnixAbstract) return false;
    if (a.family != AddressFamily::kUnix || a.path.empty()) return true;
    std::optional<std::string> path = JudgedName(a.path, false, own_proc);
    if (!path || path->starts_with("/proc/")) return false;
    n.path = *std::move(path);
    return true;
  };
  if (to) {
    if (e.address_bytes.empty() || !add(e.address_bytes)) return std::nullopt;
    return c;
  }
  for (const std::string& bytes : e.message_names) {
    if (!add(bytes)) return std::nullopt;
  }
  return c;
}

}  // namespace

bool MayPerform(const Call& e) {
  const Performable* p = PerformableOf(e.nr);
  return p != nullptr &&
         (p->kind != Kind::kAttributeFlags || IsAttributeRequest(e.args[1]));
}

std::optional<CallToPerform> CallToPerformOf(const Call& e, bool own_proc) {
  if (e.abi != Abi::kX86_64 || !e.decoded) return std::nullopt;
  const Performable* p = PerformableOf(e.nr);
  if (p == nullptr) return std::nullopt;
  if (p->kind == Kind::kBind || p->kind == Kind::kConnect) {
    const std::optional<SocketAddress>& a = e.addresses[1];
    if (!a || e.address_bytes.empty()) return std::nullopt;
    CallToPerform c;
    c.kind = p->kind;
    c.socket = static_cast<int>(e.args[0]);
    c.address = e.address_bytes;
    // A unix connect to the socket file syd resolved: this kernel's
    // Landlock does not judge one by its path (LANDLOCK_ACCESS_FS_
    // RESOLVE_UNIX came later), so a name rewritten after syd read it
    // would reach any server. A unix bind is the kernel's, whose Landlock
    // layer judges the file it makes (syd cannot make it: the socket's
    // name is the path it was bound with), and so is an abstract name's
    // connect, which the Landlock scope keeps within the sandbox. A name
    // in /proc (a descriptor's link) may be the caller's /proc/self.
    if (a->family == AddressFamily::kUnix && p->kind == Kind::kConnect) {
      std::optional<std::string> path = JudgedName(a->path, false, own_proc);
      if (!path || path->starts_with("/proc/")) return std::nullopt;
      c.path = *std::move(path);
      return c;
    }
    if (a->family != AddressFamily::kInet && a->family != AddressFamily::kInet6)
      return std::nullopt;
    return c;
  }
  if (p->kind == Kind::kSend) return SendOf(e, own_proc);
  if (p->kind == Kind::kListen) {
    // The socket judged by the address it is bound to; a thread may put
    // another there (dup2) before the kernel looks, one bound nowhere,
    // which listen would bind to every interface. INET and INET6: a unix
    // socket's listen records its credentials for its clients.
    const std::optional<SocketAddress>& a = e.addresses[0];
    if (!a || (a->family != AddressFamily::kInet &&
               a->family != AddressFamily::kInet6)) {
      return std::nullopt;
    }
    CallToPerform c;
    c.kind = Kind::kListen;
    c.socket = static_cast<int>(e.args[0]);
    c.address = a->ToString();
    c.flags = e.args[1];
    return c;
  }
  const SyscallInfo* s = FindSyscall(e.nr);
  const auto first_path = [&](bool from_fd) {
    int i = 0;
    while (i < s->nargs &&
           !(s->args[i].IsPath() && s->args[i].from_fd == from_fd)) {
      ++i;
    }
    return i;
  };
  int arg = first_path(false);
  const int at = s->ArgOfKind(ArgKind::kAtFlags);
  CallToPerform c;
  c.kind = p->kind;
  c.nr = e.nr;
  c.args = e.args;
  if (at >= 0) c.at_flags = e.args[at];
  // An empty name where the call takes none: left to the kernel, a name
  // a thread wrote there since would be what it reads.
  if (!ChangesMetadata(c.kind)) {
    for (int i = 0; i < s->nargs; ++i) {
      if (s->args[i].IsPath() && !s->args[i].from_fd &&
          (e.empty_name & (1u << i)) != 0) {
        c.empty_names |= static_cast<uint8_t>(1u << i);
      }
    }
    // linkat's first with AT_EMPTY_PATH is its descriptor's file, linked
    // through syd's duplicate (below), where the new name is not empty.
    if (c.kind == Kind::kLink && (c.at_flags & AT_EMPTY_PATH) != 0 &&
        c.empty_names == (1u << arg)) {
      c.empty_names = 0;
    }
    if (c.empty_names != 0) {
      if (s->name == "openat2") {
        if (!e.open_how_flags) return std::nullopt;
        c.flags = *e.open_how_flags;
        c.mode = e.open_how_mode;
        c.resolve = e.open_how_resolve;
      }
      if (c.kind == Kind::kSymlink) {
        if (!e.strings[0]) return std::nullopt;
        c.name = *e.strings[0];
      }
      return c;
    }
  }
  if (arg == s->nargs) {
    // No name: the call names its descriptor (fchmod, ioctl).
    arg = first_path(true);
    if (arg == s->nargs) return std::nullopt;
    c.descriptor = static_cast<int>(e.args[arg]);
  } else if (e.args[arg] == 0 || (e.empty_name & (1u << arg)) != 0) {
    // A NULL name (futimens) or an empty one (AT_EMPTY_PATH): judged as
    // the descriptor's file. A name given with AT_EMPTY_PATH is looked up
    // as without it.
    const int8_t dirfd = s->args[arg].dirfd;
    c.descriptor = dirfd >= 0 ? static_cast<int>(e.args[dirfd]) : AT_FDCWD;
    c.null_name = e.args[arg] == 0;
  }
  if (!e.strings[arg] || e.path_errors[arg] != 0) return std::nullopt;
  if (c.descriptor) {
    // Its file as /proc named it; nothing where it was not open (the
    // kernel's EBADF). Metadata is changed through a descriptor, and a
    // link made to its file.
    if (e.strings[arg]->empty() ||
        !(ChangesMetadata(c.kind) || c.kind == Kind::kLink)) {
      return std::nullopt;
    }
    c.path = *e.strings[arg];
  }
  c.follows = tracee::FollowsLast(*s, e, arg);
  const auto slash = [&](int i) { return (e.trailing_slash & (1u << i)) != 0; };
  // A name in the caller's own /proc/self (or /proc/thread-self), which
  // in syd's /proc would be syd's; no rewritten name reaches what syd
  // opens for it. fd/N, judged as that name, is a descriptor that names
  // no file syd could name (/dev/stdout on a pipe): syd reopens it. Any
  // other name syd opens beneath the caller's /proc/TGID.
  // A metadata change there (chmod of /proc/self/attr/current, which
  // paludis.syd lets a build write) is made beneath the caller's
  // /proc/TGID as an open is; fd/N, a descriptor that names no file, is
  // the kernel's.
  const bool own_proc_kind = c.kind == Kind::kOpen ||
                             c.kind == Kind::kTruncate ||
                             ChangesMetadata(c.kind);
  if (own_proc_kind && !c.descriptor && !slash(arg)) {
    const std::string& judged = *e.strings[arg];
    for (const std::string_view self : {"/proc/self/", "/proc/thread-self/"}) {
      if (!judged.starts_with(self) || judged.size() == self.size()) continue;
      if (judged.size() >= PATH_MAX) return std::nullopt;
      c.thread_self = self == "/proc/thread-self/";
      c.path = judged;
      const std::string_view rest =
          std::string_view(judged).substr(self.size());
      if (const std::optional<int> fd = DescriptorNamed(rest)) {
        if (c.kind != Kind::kOpen) return std::nullopt;
        c.own_fd = *fd;
      } else {
        c.own_proc_name = rest;
      }
    }
  }
  if (!c.descriptor && c.own_fd < 0 && c.own_proc_name.empty()) {
    std::optional<std::string> path =
        JudgedName(*e.strings[arg], slash(arg), own_proc);
    if (!path) return std::nullopt;
    c.path = *std::move(path);
  }
  // A name made, removed or moved is its parent's entry, which syd names
  // as the call wrote it: a trailing '/' kept (the kernel then wants a
  // directory), and "." or ".." or the root, which are no parent's entry,
  // kept too (the kernel fails them, and only the errno is left to it).
  // The first name of a link is looked up, not made: it is what syd
  // resolved.
  int arg2 = -1;
  if (ChangesNames(c.kind)) {
    for (int i = arg + 1; i < s->nargs; ++i) {
      if (s->args[i].IsPath()) arg2 = i;
    }
  }
  const auto entry = [&](int i, const std::string& judged) -> std::string {
    const bool made = s->args[i].access == PathAccess::kCreate ||
                      s->args[i].access == PathAccess::kDelete;
    if (made && (e.dots_last & (1u << i)) != 0)
      return (e.dotdot_last & (1u << i)) != 0 ? ".." : ".";
    return judged == "/" ? "/" : "";
  };
  if (ChangesNames(c.kind)) c.entry = entry(arg, c.path);
  if (arg2 >= 0) {
    if (!e.strings[arg2] || e.path_errors[arg2] != 0) return std::nullopt;
    std::optional<std::string> second =
        JudgedName(*e.strings[arg2], slash(arg2), own_proc);
    if (!second) return std::nullopt;
    c.path2 = *std::move(second);
    c.entry2 = entry(arg2, c.path2);
  }
  switch (c.kind) {
    case Kind::kOpen:
      if (s->name == "openat2") {
        // A larger struct than syd read is the same, its bytes past
        // open_how's zero (the decoder answers E2BIG where they are not);
        // a smaller one the kernel refuses before it looks anything up.
        if (!e.open_how_flags || e.args[3] < sizeof(open_how))
          return std::nullopt;
        c.flags = *e.open_how_flags;
        c.mode = e.open_how_mode;
        c.open_how = true;
      } else if (s->name == "creat") {
        c.flags = O_CREAT | O_WRONLY | O_TRUNC;
        c.mode = e.args[1];
      } else {
        c.flags = e.args[s->ArgOfKind(ArgKind::kOpenFlags)] & kOpenFlags;
        c.mode = e.args[s->ArgOfKind(ArgKind::kMode)];
      }
      if ((c.flags & O_PATH) != 0) return std::nullopt;
      if (!c.open_how) c.mode = Creates(c.flags) ? c.mode & 07777 : 0;
      break;
    case Kind::kChmod:
      c.mode = e.args[s->ArgOfKind(ArgKind::kMode)] & 07777;
      break;
    case Kind::kChown:
      c.uid = static_cast<uint32_t>(e.args[s->ArgOfKind(ArgKind::kUid)]);
      c.gid = static_cast<uint32_t>(e.args[s->ArgOfKind(ArgKind::kGid)]);
      break;
    case Kind::kTruncate:
      c.length = static_cast<int64_t>(e.args[arg + 1]);
      break;
    case Kind::kUtimes:
      c.data = e.args[arg + 1];
      c.times = p->times;
      break;
    case Kind::kSetXattr:
    case Kind::kRemoveXattr: {
      // The attribute's name follows the path, after setxattrat's and
      // removexattrat's flags. Flags they refuse fail before any lookup
      // (EINVAL): the kernel's.
      if (at >= 0 &&
          (e.args[at] & ~uint64_t{AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH}) != 0) {
        return std::nullopt;
      }
      const int name = at >= 0 ? at + 1 : arg + 1;
      if (!e.strings[name]) return std::nullopt;
      c.name = *e.strings[name];
      if (c.kind == Kind::kSetXattr && at >= 0) {
        c.xattr_args = e.args[name + 1];
        c.size = e.args[name + 2];
      } else if (c.kind == Kind::kSetXattr) {
        c.data = e.args[name + 1];
        c.size = e.args[name + 2];
        c.flags = e.args[name + 3];
      }
      break;
    }
    case Kind::kAttributeFlags: {
      // The two requests that change a file's attribute flags; the
      // argument is read once, when syd performs.
      if (!IsAttributeRequest(e.args[1])) return std::nullopt;
      const auto request = static_cast<uint32_t>(e.args[1]);
      c.flags = request;
      c.data = e.args[2];
      c.size = request == FS_IOC_SETFLAGS ? sizeof(int) : sizeof(fsxattr);
      break;
    }
    case Kind::kMkdir:
      c.mode = e.args[arg + 1];
      break;
    case Kind::kMknod:
      c.mode = e.args[arg + 1];
      c.device = e.args[arg + 2];
      break;
    case Kind::kUnlink:
      if (s->name == "rmdir") c.flags = AT_REMOVEDIR;
      if (s->name == "unlinkat") c.flags = e.args[at];
      break;
    case Kind::kRename:
      if (s->name == "renameat2") c.flags = e.args[arg2 + 1];
      break;
    case Kind::kLink:
      // The first name was resolved as the call follows it: what is
      // linked is what syd judged.
      if (at >= 0) c.flags = e.args[at] & ~uint64_t{AT_SYMLINK_FOLLOW};
      break;
    case Kind::kSymlink:
      if (!e.strings[0]) return std::nullopt;
      c.name = *e.strings[0];
      break;
    case Kind::kBind:
    case Kind::kConnect:
    case Kind::kListen:
    case Kind::kSend:
      return std::nullopt;  // made above; they name no path
  }
  return c;
}

Performer::~Performer() {
  for (const auto& [_, known] : known_umasks_) close(known.pidfd);
}

Performer::Performer(tracee::DescriptorCopies& copies,
                     std::function<void(const std::string&)> message)
    : copies_(copies), message_(std::move(message)) {
  own_ = tracee::CredentialsOf(static_cast<pid_t>(syscall(SYS_gettid)))
             .value_or(tracee::Credentials{});
  constexpr uint64_t kSwitch =
      (uint64_t{1} << CAP_SETUID) | (uint64_t{1} << CAP_SETGID);
  can_switch_ = (own_.effective & kSwitch) == kSwitch;
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;
  if (getresuid(&ruid, &euid, &suid) == 0 && ruid == euid && euid == suid &&
      suid == own_.fsuid)
    own_uid_ = ruid;
  if (getresgid(&rgid, &egid, &sgid) == 0 && rgid == egid && egid == sgid &&
      sgid == own_.fsgid)
    own_gid_ = rgid;
}

void Performer::SawUmask(pid_t tid, mode_t mask) {
  // /proc is read once, and only where it is needed: most umask calls
  // set syd's.
  std::optional<tracee::ThreadGroupSize> group;
  const auto group_of = [&] {
    if (!group) group = tracee::ThreadGroupSizeOf(tid);
    return *group;
  };
  // Alone in its process, no other thread can change the umask it now
  // sets (nor make a process as it sets it).
  const auto alone = [&] {
    return group_of().tgid == tid && group_of().threads == 1;
  };
  // What syd knew of this process's umask is no more.
  if (!known_umasks_.empty()) {
    for (const pid_t known : {tid, group_of().tgid}) {
      if (auto it = known_umasks_.find(known); it != known_umasks_.end()) {
        close(it->second.pidfd);
        known_umasks_.erase(it);
      }
    }
  }
  if (mask != own_.umask) {
    same_umask_ = false;
    // This thread's umask, known for its next creates (tar as root keeps
    // umask 0 for good) while the thread lives: its tid is no other's.
    if (alone()) {
      if (known_umasks_.size() >= kUmasksKnown) {
        for (const auto& [_, k] : known_umasks_) close(k.pidfd);
        known_umasks_.clear();
      }
      const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, tid, 0));
      if (pidfd >= 0) known_umasks_.emplace(tid, KnownUmask{mask, pidfd});
    }
    // A shell's query of its umask: umask(0), then the old one back. The
    // other umask is then only in that thread's fs_struct, and in a
    // process or thread made meanwhile (the pid given out last then
    // moved): back, every process has syd's again.
    if (umask_changed_.empty())
      last_pid_at_umask_change_ = tracee::LastPidGiven();
    if (umask_changed_.size() >= kUmaskChangesFollowed) {
      umask_changed_for_good_ = true;
      umask_changed_.clear();
    }
    if (!umask_changed_for_good_) umask_changed_.insert(tid);
    return;
  }
  if (umask_changed_.erase(tid) == 0 || !umask_changed_.empty() ||
      umask_changed_for_good_) {
    return;
  }
  if (last_pid_at_umask_change_ != 0 &&
      tracee::LastPidGiven() == last_pid_at_umask_change_ && alone()) {
    same_umask_ = true;
  } else {
    umask_changed_for_good_ = true;
  }
}

std::optional<mode_t> Performer::KnownUmaskOf(pid_t tid) {
  auto it = known_umasks_.find(tid);
  if (it == known_umasks_.end()) return std::nullopt;
  // The thread that set it lives, so it is the caller.
  if (syscall(SYS_pidfd_send_signal, it->second.pidfd, 0, nullptr, 0) != 0) {
    close(it->second.pidfd);
    known_umasks_.erase(it);
    return std::nullopt;
  }
  return it->second.mask;
}

void Performer::SawIdentityCall(pid_t tid, std::string_view name,
                                const std::array<uint64_t, 6>& args) {
  std::lock_guard<std::mutex> lock(identity_mu_);
  if (name == "umask") {
    SawUmask(tid, static_cast<mode_t>(args[0] & 0777));
    return;
  }
  // prctl changes what a process is checked as through the capabilities
  // it keeps at its next exec; its other options (names, signals, the
  // dumpable flag) change nothing syd takes.
  if (name == "prctl") {
    const auto option = static_cast<uint32_t>(args[0]);  // an int
    if (option == PR_CAPBSET_DROP || option == PR_SET_SECUREBITS ||
        option == PR_CAP_AMBIENT)
      same_ids_ = false;
    return;
  }
  // The setuid and setgid families, each id in a register: -1 leaves one
  // as it is, and setting one to the id every process has is no change.
  std::optional<uint32_t> own;
  if (name.find("uid") != std::string_view::npos) {
    own = own_uid_;
  } else if (name.find("gid") != std::string_view::npos) {
    own = own_gid_;
  }
  if (!own) {  // setgroups, capset, or syd's own ids differ
    same_ids_ = false;
    return;
  }
  const int given = name == "setresuid" || name == "setresgid" ? 3
                    : name == "setreuid" || name == "setregid" ? 2
                                                               : 1;
  for (int i = 0; i < given; ++i) {
    const auto id = static_cast<uint32_t>(args[i]);
    if (id != static_cast<uint32_t>(-1) && id != *own) same_ids_ = false;
  }
}

void Performer::SetPrivateRoot(int fd) {
  root_fd_ = fd;
  view_ = StrCat("/proc/", getpid(), "/fd/", fd);
}

int Performer::OpenJudged(const std::string& path, uint64_t flags,
                          uint64_t resolve, uint64_t mode) {
  if (root_fd_ < 0)
    return tracee::OpenAt2(AT_FDCWD, path.c_str(), flags, resolve, mode);
  // An absolute name starts at the dirfd with RESOLVE_IN_ROOT, and ".."
  // stops there.
  return tracee::OpenAt2(root_fd_, path.c_str(), flags,
                         resolve | RESOLVE_IN_ROOT, mode);
}

bool Performer::IsProcfs(dev_t dev, int fd, const std::string& path) {
  {
    std::lock_guard<std::mutex> lock(procfs_mu_);
    auto it = procfs_.find(dev);
    if (it != procfs_.end()) return it->second;
  }
  struct statfs fs;
  const int rc =
      fd >= 0 ? fstatfs(fd, &fs) : statfs(StrCat(view_, path).c_str(), &fs);
  // Unknown is taken as procfs: the call is continued.
  if (rc != 0) return true;
  const bool proc = fs.f_type == PROC_SUPER_MAGIC;
  std::lock_guard<std::mutex> lock(procfs_mu_);
  procfs_.emplace(dev, proc);
  return proc;
}

Performed Performer::Perform(pid_t tid, const CallToPerform& asked,
                             const std::function<bool()>& still_waits) {
  // What the decision kept and this call does not take is closed before
  // the call is answered.
  const tracee::DescriptorCopies::DropOnExit drop_kept(copies_);
  if (asked.empty_names != 0) return FailAtEmptyName(asked);
  // What the call's pointers give, read once, before anything is done:
  // the kernel would read it once too, and no rule judged it.
  std::string data;
  int read_error = 0;
  // setxattrat's struct xattr_args gives the value, its size and the
  // flags, with the kernel's errors for it (EINVAL, E2BIG past a page or
  // for bytes it does not know, EFAULT).
  std::optional<CallToPerform> from_args;
  if (asked.xattr_args != 0) {
    from_args = asked;
    from_args->xattr_args = 0;
    kernel::XattrArgs args{};
    read_error =
        tracee::ReadStructArg(tracee::LiveProcess(tid), asked.xattr_args,
                              asked.size, &args, sizeof args);
    if (read_error == 0) {
      from_args->data = args.value;
      from_args->size = args.size;
      from_args->flags = args.flags;
    }
  }
  const CallToPerform& c = from_args ? *from_args : asked;
  if (read_error == 0 && c.kind == Kind::kUtimes && c.data != 0) {
    data.resize(TimesSize(c.times));
  } else if (c.kind == Kind::kAttributeFlags) {
    data.resize(c.size);
  } else if (read_error == 0 && c.kind == Kind::kSetXattr) {
    // XATTR_SIZE_MAX: the kernel's E2BIG beyond it.
    if (c.size > 65536) read_error = E2BIG;
    if (read_error == 0) data.resize(c.size);
  }
  if (read_error == 0 && !data.empty() &&
      !tracee::ReadMemory(tid, c.data, data.data(), data.size())) {
    read_error = EFAULT;
  }
  const bool read_memory =
      c.data != 0 || asked.xattr_args != 0 || c.kind == Kind::kAttributeFlags;
  // The caller's identity, where it may not be syd's: its umask only
  // matters to a call that makes a file.
  const bool makes = (c.kind == Kind::kOpen && Creates(c.flags)) ||
                     c.kind == Kind::kMkdir || c.kind == Kind::kMknod;
  bool read_identity;
  std::optional<mode_t> known_umask;
  {
    std::lock_guard<std::mutex> lock(identity_mu_);
    read_identity = !same_ids_ || (!same_umask_ && makes);
    if (same_ids_ && read_identity) known_umask = KnownUmaskOf(tid);
  }
  std::optional<tracee::Credentials> caller;
  if (known_umask) {
    caller = own_;
    caller->umask = *known_umask;
  } else if (read_identity) {
    caller = tracee::CredentialsOf(tid);
    ++identities_read_;
  }
  // The caller's socket, or the descriptor a change is made through, is
  // taken as syd: pidfd_getfd asks what ptrace asks, which the caller's
  // identity may not have.
  const bool socket = c.kind == Kind::kBind || c.kind == Kind::kConnect ||
                      c.kind == Kind::kListen || c.kind == Kind::kSend;
  // utimensat(AT_FDCWD, NULL, ...) is the kernel's EFAULT, as syd's is.
  const bool through =
      c.descriptor && !(c.null_name && *c.descriptor == AT_FDCWD);
  int taken = -1;
  // The copy the decision named c.path by, where it did: no second look
  // at what it names.
  bool named_by_copy = false;
  if (socket) {
    taken = CallersDescriptor(tid, c.socket);
  } else if (through && *c.descriptor != AT_FDCWD) {
    taken = copies_.TakeKept(tid, *c.descriptor, c.path);
    named_by_copy = taken >= 0;
    if (!named_by_copy) taken = CallersDescriptor(tid, *c.descriptor);
  } else if (through) {
    // AT_FDCWD with an empty name: the thread's cwd, pinned.
    taken = open(StrCat("/proc/", tid, "/cwd").c_str(),
                 O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (taken < 0) taken = -ESRCH;
  }
  Closer closer{taken};
  // A send's data and control messages, read once, and the descriptors
  // it passes taken, while the call is known to wait (below).
  std::vector<OutgoingMessage> messages;
  int send_error = 0;
  if (c.kind == Kind::kSend && taken >= 0)
    send_error = ReadMessages(tid, c, taken, &messages);
  // A truncate is checked against the caller's file-size limit, read as
  // syd: as the caller, syd may lack the CAP_SYS_RESOURCE prlimit wants.
  rlimit fsize{RLIM_INFINITY, RLIM_INFINITY};
  const bool truncates = c.kind == Kind::kTruncate;
  if (truncates && prlimit(tid, RLIMIT_FSIZE, nullptr, &fsize) != 0)
    return LeftToKernel();  // gone
  // What was read or taken must be the caller's: it has not gone, its
  // pid reused, since the call came.
  if ((read_memory || read_identity || socket || through || truncates) &&
      !still_waits())
    return LeftToKernel();  // nobody waits for the answer
  // An attribute request on a file neither regular nor a directory may
  // be its driver's own, with a pointer to the caller's memory (where
  // syd may have read nothing): the kernel's.
  struct stat taken_st;
  const bool drivers_request =
      c.kind == Kind::kAttributeFlags && taken >= 0 &&
      (fstat(taken, &taken_st) != 0 || !IsFileOrDirectory(taken_st));
  if (read_error != 0) {
    if (c.kind == Kind::kAttributeFlags && (taken < 0 || drivers_request))
      return LeftToKernel();
    ++performed_;
    return Performed::Answer(-read_error);
  }
  if (read_identity && !caller) return Performed::Answer(-EPERM);
  // A unix connect gives the server the effective ids of whoever
  // connects, and a unix send the receiver its credentials: syd's would
  // be another's.
  const bool peer =
      (c.kind == Kind::kConnect && !c.path.empty()) || c.kind == Kind::kSend;
  const bool switch_ids = caller && !AsCaller::SameIds(own_, *caller, peer);
  if (switch_ids && !can_switch_) {
    if (!said_cannot_switch_.exchange(true)) {
      message_(
          "a process of the sandbox has changed its credentials, which syd "
          "(not root) cannot take: its calls are left to the kernel, which "
          "reads their names again (docs/architecture.md)");
    }
    return LeftToKernel();
  }
  // A descriptor that is not open is the kernel's EBADF, answered here:
  // left to the kernel, a descriptor put there since would be what it
  // acts on.
  if (taken == -EBADF) {
    ++performed_;
    return Performed::Answer(-EBADF);
  }
  if ((socket || through) && taken < 0) return LeftToKernel();
  if (send_error != 0) {
    ++performed_;
    return Performed::Answer(-send_error);
  }
  // A duplicate taken after the decision (the cwd; a descriptor whose
  // copy the decision could not keep) may not be what syd judged (dup2,
  // a chdir, a rename since): refused then, as a reopened
  // /proc/self/fd/N is.
  static const pid_t self = getpid();
  if (through && !named_by_copy &&
      tracee::BaseDirectory(self, taken) != c.path) {
    ++performed_;
    return Performed::Answer(-EACCES);
  }
  PerformingThread& t = this_thread;
  if (!t.owns_fs) t.umask_now = own_.umask;
  t.as = caller ? *caller : own_;
  // Only a call that makes a file uses the umask: for the others the
  // thread's stays as it is.
  if (!makes) t.as.umask = t.umask_now;
  // The umask is the fs_struct's, which syd's threads share: this thread
  // takes one of its own (with cwd and root) before it sets one.
  if (t.as.umask != t.umask_now && !t.owns_fs) {
    if (unshare(CLONE_FS) != 0) return Performed::Answer(-EPERM);
    t.owns_fs = true;
  }
  AsCaller as(own_, t.as, &t.umask_now, peer);
  if (!as.Take()) return Performed::Answer(-EPERM);
  if (c.kind == Kind::kSend) return Send(tid, c, taken, messages, switch_ids);
  if (socket) return Socket(c, taken);
  if (c.kind == Kind::kLink && c.descriptor) {
    if (sandbox_root_fd_ < 0) return LeftToKernel();
    return ChangeNames(c, taken);
  }
  if (drivers_request) return LeftToKernel();
  if (c.descriptor) return MakeAgain(c, through ? taken : AT_FDCWD, data);
  if (c.kind == Kind::kOpen) return Open(tid, c);
  if (c.kind == Kind::kTruncate) return Truncate(tid, c, fsize.rlim_cur);
  if (ChangesNames(c.kind)) return ChangeNames(c);
  return ChangeMetadata(tid, c, data);
}

void Performer::PutOwnUmaskBack() {
  PerformingThread& t = this_thread;
  if (!t.owns_fs || t.umask_now == own_.umask) return;
  umask(own_.umask);
  t.umask_now = own_.umask;
}

void Performer::OwnFsStruct() {
  PerformingThread& t = this_thread;
  if (t.owns_fs || unshare(CLONE_FS) != 0) return;
  umask(own_.umask);
  t.owns_fs = true;
  t.umask_now = own_.umask;
}

int Performer::CallersDescriptor(pid_t tid, int fd) {
  const int copy = copies_.Copy(tid, fd);
  // EBADF: not open, the kernel's to say. Anything else is syd's lack.
  if (copy < 0 && copy != -EBADF && copy != -ESRCH &&
      !said_no_copy_.exchange(true)) {
    message_(StrCat(
        "syd cannot copy the sandbox's descriptors (pidfd_getfd: ",
        strerror(-copy),
        copy == -EPERM ? "; a container's seccomp profile refuses it without "
                         "CAP_SYS_PTRACE"
                       : "",
        "): the binds and connects it allows, and the changes made through "
        "a descriptor, are left to the kernel, which reads their arguments "
        "again (docs/architecture.md)"));
  }
  return copy;
}

Performed Performer::Socket(const CallToPerform& c, int sock) {
  if (c.kind == Kind::kListen) {
    // What syd judged only while the socket is still bound there (a
    // socket put on the descriptor since is refused, as a descriptor's
    // file is); the kernel answers the rest (EOPNOTSUPP for UDP).
    sockaddr_storage bound{};
    socklen_t size = sizeof bound;
    ++performed_;
    if (getsockname(sock, reinterpret_cast<sockaddr*>(&bound), &size) != 0 ||
        tracee::DecodeSockaddr(reinterpret_cast<const uint8_t*>(&bound), size)
                .ToString() != c.address) {
      return Performed::Answer(-EACCES);
    }
    return Performed::Answer(
        listen(sock, static_cast<int>(c.flags)) == 0 ? 0 : -errno);
  }
  if (!c.path.empty()) return ConnectUnix(c, sock);
  // TCP and UDP only: another protocol's connect (SCTP, MPTCP) is not
  // what syd knows of one.
  int domain = 0;
  int type = 0;
  int protocol = 0;
  socklen_t n = sizeof(int);
  if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &n) != 0 ||
      getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &n) != 0 ||
      getsockopt(sock, SOL_SOCKET, SO_PROTOCOL, &protocol, &n) != 0 ||
      (domain != AF_INET && domain != AF_INET6) ||
      !((type == SOCK_STREAM && protocol == IPPROTO_TCP) ||
        (type == SOCK_DGRAM && protocol == IPPROTO_UDP))) {
    return LeftToKernel();
  }
  const auto* addr = reinterpret_cast<const sockaddr*>(c.address.data());
  const auto len = static_cast<socklen_t>(c.address.size());
  if (c.kind == Kind::kBind) {
    ++performed_;
    return Performed::Answer(bind(sock, addr, len) == 0 ? 0 : -errno);
  }
  // A blocking TCP connect would hold syd until the peer answers: syd
  // starts it without blocking (the status flags are the caller's too,
  // for that moment), and the kernel, given the call again, only waits
  // for the connection syd started. It reads the address again but no
  // longer uses it: a connecting socket's connect ignores the address,
  // but AF_UNSPEC, which disconnects.
  const int flags = fcntl(sock, F_GETFL);
  const bool blocking = type == SOCK_STREAM && (flags & O_NONBLOCK) == 0;
  if (flags >= 0 && blocking && fcntl(sock, F_SETFL, flags | O_NONBLOCK) != 0)
    return LeftToKernel();
  ++performed_;
  if (flags < 0) return Performed::Answer(-EBADF);
  const int rc = connect(sock, addr, len);
  const int error = errno;
  if (blocking) fcntl(sock, F_SETFL, flags);
  if (rc != 0 && error == EINPROGRESS && blocking) return Performed::Continue();
  return Performed::Answer(rc == 0 ? 0 : -error);
}

Performed Performer::ConnectUnix(const CallToPerform& c, int sock) {
  int domain = 0;
  int type = 0;
  socklen_t n = sizeof(int);
  if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &n) != 0 ||
      getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &n) != 0) {
    ++performed_;
    return Performed::Answer(-errno);  // ENOTSOCK
  }
  ++performed_;
  if (domain != AF_UNIX) {
    // The kernel's error for a unix address on another family's socket,
    // from syd's copy of it: the caller's may say another by now.
    return Performed::Answer(
        connect(sock, reinterpret_cast<const sockaddr*>(c.address.data()),
                static_cast<socklen_t>(c.address.size())) == 0
            ? 0
            : -errno);
  }
  // The file syd judged, as the caller looks it up (its search rights),
  // and no link on the way: one put there since leads elsewhere. The
  // kernel then connects to what the pin is; its write right on the file
  // is checked as the caller's.
  const int pin = OpenJudged(c.path, O_PATH | O_CLOEXEC, RESOLVE_NO_SYMLINKS);
  if (pin < 0) return Performed::Answer(-errno);
  Closer closer{pin};
  // A blocking connect to a server whose queue is full waits for room:
  // not on the thread that decides.
  const int flags = fcntl(sock, F_GETFL);
  if (flags < 0) return Performed::Answer(-EBADF);
  const bool blocking =
      (type == SOCK_STREAM || type == SOCK_SEQPACKET) && !(flags & O_NONBLOCK);
  if (blocking && fcntl(sock, F_SETFL, flags | O_NONBLOCK) != 0)
    return Performed::Answer(-errno);
  const int rc = ConnectToPinned(sock, pin);
  const int error = errno;
  if (blocking) fcntl(sock, F_SETFL, flags);
  if (rc != 0 && error == EAGAIN && blocking) {
    if (!waits_aside_) {
      --performed_;  // counted once made again
      return Performed::Again();
    }
    const int waiting = fcntl(sock, F_DUPFD_CLOEXEC, 0);
    if (waiting < 0) return Performed::Answer(-EMFILE);
    return Performed::ConnectWaits(std::exchange(closer.fd, -1), waiting, own_,
                                   this_thread.as);
  }
  return Performed::Answer(rc == 0 ? 0 : -error);
}

int Performer::ReadMessages(pid_t tid, const CallToPerform& c, int sock,
                            std::vector<OutgoingMessage>* out) {
  // What syd reads of one call at most, which holds its memory while a
  // send waits (WaitingOpens::kMaxWaiting of them): a datagram beyond it
  // is the kernel's EMSGSIZE anyway (no socket buffer holds one under the
  // default net.core.wmem_max), a stream's send goes short, a sendmmsg
  // sends the messages before the one that would pass it. Control
  // messages: the kernel's ENOBUFS beyond its optmem_max, far below this;
  // descriptors passed in one: its EINVAL beyond SCM_MAX_FD.
  constexpr uint64_t kMaxData = uint64_t{4} << 20;
  constexpr uint64_t kMaxControl = uint64_t{64} << 10;
  constexpr size_t kMaxPassed = 253;
  uint64_t budget = kMaxData;
  int type = 0;
  socklen_t size = sizeof type;
  if (getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &size) != 0) return errno;
  const bool stream = type == SOCK_STREAM;
  // One message: `iov` pointing to its data, `control` to its control
  // messages, or a sendto's buffer.
  const auto read_one = [&](const std::vector<iovec>& iov, uint64_t control,
                            uint64_t control_size, OutgoingMessage* m) {
    uint64_t total = 0;  // no more than kMaxData + 1: it cannot wrap
    for (const iovec& v : iov) {
      if (static_cast<ssize_t>(v.iov_len) < 0) return EINVAL;
      total = std::min(total + v.iov_len, kMaxData + 1);
    }
    if (total > budget && !out->empty()) return ENOBUFS;  // see above
    if (total > kMaxData && !stream) return EMSGSIZE;
    m->data.resize(std::min(total, kMaxData));
    budget -= std::min(budget, total);
    size_t at = 0;
    for (const iovec& v : iov) {
      const size_t n = std::min(v.iov_len, m->data.size() - at);
      if (n != 0 &&
          !tracee::ReadMemory(tid, reinterpret_cast<uint64_t>(v.iov_base),
                              m->data.data() + at, n)) {
        return EFAULT;
      }
      at += n;
    }
    if (control_size == 0) return 0;
    if (control_size > kMaxControl) return ENOBUFS;
    m->control.resize(control_size);
    if (!tracee::ReadMemory(tid, control, m->control.data(), control_size))
      return EFAULT;
    // The descriptors it passes are the caller's: syd's duplicates of them
    // go instead. Its credentials name the caller's pid in its own pid
    // namespace, which the kernel would take for syd's: syd's goes.
    msghdr view{};
    view.msg_control = m->control.data();
    view.msg_controllen = m->control.size();
    const char* end = m->control.data() + m->control.size();
    size_t passed = 0;
    for (cmsghdr* cm = CMSG_FIRSTHDR(&view); cm != nullptr;
         cm = CMSG_NXTHDR(&view, cm)) {
      // One that says it is longer than what is left, or shorter than its
      // header: the kernel's EINVAL, before anything is sent.
      if (cm->cmsg_len < CMSG_LEN(0) ||
          cm->cmsg_len >
              static_cast<size_t>(end - reinterpret_cast<const char*>(cm))) {
        return EINVAL;
      }
      if (cm->cmsg_level != SOL_SOCKET) continue;
      const size_t bytes = cm->cmsg_len - CMSG_LEN(0);
      if (cm->cmsg_type == SCM_RIGHTS) {
        passed += bytes / sizeof(int);
        if (passed > kMaxPassed) return EINVAL;
        for (size_t i = 0; i + sizeof(int) <= bytes; i += sizeof(int)) {
          int fd;
          std::memcpy(&fd, CMSG_DATA(cm) + i, sizeof fd);
          const int copy = CallersDescriptor(tid, fd);
          if (copy < 0) return EBADF;
          m->fds.push_back(copy);
          std::memcpy(CMSG_DATA(cm) + i, &copy, sizeof copy);
        }
      } else if (cm->cmsg_type == SCM_CREDENTIALS && bytes >= sizeof(ucred)) {
        ucred u;
        std::memcpy(&u, CMSG_DATA(cm), sizeof u);
        u.pid = getpid();
        m->credentials = true;
        std::memcpy(CMSG_DATA(cm), &u, sizeof u);
      }
    }
    return 0;
  };
  if (c.nr == SYS_sendto) {
    // The address length, which the kernel checks before it copies.
    const auto length = static_cast<int32_t>(c.args[5]);
    if (length < 0 || length > static_cast<int32_t>(sizeof(sockaddr_storage)))
      return EINVAL;
    OutgoingMessage m;
    m.name = c.names[0].bytes;
    const int error =
        read_one({{reinterpret_cast<void*>(c.args[1]), c.args[2]}}, 0, 0, &m);
    if (error == 0) out->push_back(std::move(m));
    return error;
  }
  const bool many = c.nr == SYS_sendmmsg;
  for (size_t k = 0; k < c.names.size(); ++k) {
    // sendmmsg sends the messages before one it cannot read, and says so.
    const auto fails = [&](int error) { return k > 0 ? 0 : error; };
    msghdr h;
    if (!tracee::ReadMemory(tid, c.args[1] + k * sizeof(mmsghdr), &h,
                            sizeof h)) {
      return fails(EFAULT);
    }
    if (static_cast<int>(h.msg_namelen) < 0) return fails(EINVAL);
    if (h.msg_iovlen > UIO_MAXIOV) return fails(EMSGSIZE);
    if (h.msg_controllen > INT_MAX) return fails(ENOBUFS);
    std::vector<iovec> iov(h.msg_iovlen);
    if (!iov.empty() &&
        !tracee::ReadMemory(tid, reinterpret_cast<uint64_t>(h.msg_iov),
                            iov.data(), iov.size() * sizeof(iovec))) {
      return fails(EFAULT);
    }
    OutgoingMessage m;
    m.name = c.names[k].bytes;
    if (const int error =
            read_one(iov, reinterpret_cast<uint64_t>(h.msg_control),
                     h.msg_controllen, &m);
        error != 0) {
      return fails(error);
    }
    out->push_back(std::move(m));
    if (!many) break;
  }
  return 0;
}

Performed Performer::Send(pid_t tid, const CallToPerform& c, int sock,
                          std::vector<OutgoingMessage>& messages,
                          bool other_ids) {
  ++performed_;
  int domain = 0;
  socklen_t size = sizeof domain;
  if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &size) != 0)
    return Performed::Answer(-errno);
  const int status = fcntl(sock, F_GETFL);
  if (status < 0) return Performed::Answer(-EBADF);
  const bool many = c.nr == SYS_sendmmsg;
  // MSG_ZEROCOPY would leave the kernel reading syd's buffer after the
  // call: syd's copy goes as any other.
  const int flags =
      static_cast<int>(c.args[c.nr == SYS_sendmsg ? 2 : 3]) & ~MSG_ZEROCOPY;
  const bool blocks = (status & O_NONBLOCK) == 0 && (flags & MSG_DONTWAIT) == 0;
  int64_t count = 0;
  for (size_t k = 0; k < messages.size(); ++k) {
    OutgoingMessage& m = messages[k];
    int error = 0;
    ssize_t sent = -1;
    if (!c.names[k].path.empty()) {
      // The file syd judged, as the caller looks it up, no link on the
      // way (ConnectUnix).
      const int pin =
          OpenJudged(c.names[k].path, O_PATH | O_CLOEXEC, RESOLVE_NO_SYMLINKS);
      if (pin < 0) error = errno;
      if (pin >= 0) {
        m.fds.push_back(pin);
        m.name = PinnedName(pin);
      }
    }
    // The kernel tells a unix receiver the sender's real ids, syd's: the
    // caller's effective ones go with the message instead (where it gave
    // none), which the kernel accepts from a sender with those ids.
    if (error == 0 && domain == AF_UNIX && other_ids && !m.credentials) {
      std::string credentials(CMSG_SPACE(sizeof(ucred)), '\0');
      auto* cm = reinterpret_cast<cmsghdr*>(credentials.data());
      cm->cmsg_len = CMSG_LEN(sizeof(ucred));
      cm->cmsg_level = SOL_SOCKET;
      cm->cmsg_type = SCM_CREDENTIALS;
      const ucred u{getpid(), this_thread.as.euid, this_thread.as.egid};
      std::memcpy(CMSG_DATA(cm), &u, sizeof u);
      m.control.resize(CMSG_ALIGN(m.control.size()), '\0');
      m.control += credentials;
    }
    if (error == 0) {
      iovec iov;
      const msghdr h = HeaderOf(m, &iov);
      sent = sendmsg(sock, &h, flags | MSG_DONTWAIT | MSG_NOSIGNAL);
      error = sent < 0 ? errno : 0;
    }
    const uint64_t msg_len_at =
        many ? c.args[1] + k * sizeof(mmsghdr) + offsetof(mmsghdr, msg_len) : 0;
    // A caller that blocks waits for room for the rest, as the kernel
    // would have it wait: not on the thread that decides.
    const bool short_send = sent >= 0 && !many &&
                            static_cast<size_t>(sent) < m.data.size() && blocks;
    if (short_send && !waits_aside_)
      return Performed::Answer(SendRestAWhile(sock, m, sent, flags));
    const bool no_room = sent < 0 && error == EAGAIN && blocks && count == 0;
    if (no_room && !waits_aside_) {
      --performed_;  // counted once made again
      return Performed::Again();
    }
    if ((short_send && waits_aside_) || no_room) {
      auto pending = std::make_unique<PendingSend>();
      pending->socket = fcntl(sock, F_DUPFD_CLOEXEC, 0);
      if (pending->socket < 0)
        return Performed::Answer(short_send ? sent : -EMFILE);
      if (short_send) {
        m.data.erase(0, static_cast<size_t>(sent));
        m.control.clear();
        pending->sent = sent;
      }
      pending->message = std::move(m);
      pending->flags = flags;
      pending->tid = tid;
      pending->msg_len_at = msg_len_at;
      return Performed::SendWaits(std::move(pending), own_, this_thread.as);
    }
    if (sent >= 0) {
      if (!many) return Performed::Answer(sent);
      WriteMessageLength(tid, msg_len_at, sent);
      ++count;
      continue;
    }
    BrokenPipe(tid, error, flags);
    return Performed::Answer(count > 0 ? count : -error);
  }
  return Performed::Answer(count);
}

Performed Performer::OpenFile(
    const std::string& path, uint64_t flags, uint64_t mode,
    const std::function<bool(const struct stat&)>& syd_opens, bool may_wait,
    const Looked* looked) {
  // Only what `syd_opens` now is opened by syd; a name that is not there
  // yet may be created. Left to the kernel, the name is read again: any
  // name a thread wrote over it in between is what the kernel opens.
  struct stat before;
  bool there;
  if (looked != nullptr) {
    before = looked->st;
    there = looked->there;
  } else {
    there = tracee::LstatIn(root_fd_, path, &before) == 0;
  }
  const bool blocking = (flags & O_NONBLOCK) == 0;
  if (there && !syd_opens(before)) {
    // A FIFO syd does not open at once is a read end opened to wait for
    // a writer: syd's own open, even for a moment, would let a waiting
    // writer go on.
    return may_wait && S_ISFIFO(before.st_mode) ? WaitForOtherEnd(path, flags)
                                                : LeftToKernel();
  }
  if (there && IsProcfs(before.st_dev, -1, path)) return LeftToKernel();
  // O_NONBLOCK: a lease or a FIFO put there since the lstat must not
  // hold syd; O_NOCTTY: syd leads a session, and a terminal put there
  // must not become its. No link is followed: the path is resolved.
  const int fd = OpenJudged(path, flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
                            RESOLVE_NO_SYMLINKS, mode);
  if (fd < 0) {
    // A lease on the file, or a FIFO with no reader: the kernel would
    // wait. A socket's ENXIO is its answer.
    const bool socket = there && S_ISSOCK(before.st_mode);
    if (errno == ENXIO && !socket && blocking && may_wait)
      return WaitForOtherEnd(path, flags);
    if ((errno == EWOULDBLOCK || (errno == ENXIO && !socket)) && blocking)
      return LeftToKernel();
    return Performed::Answer(-errno);
  }
  Performed out = Performed::Descriptor(fd, flags);
  // Something else was put there since the lstat: the kernel's to open.
  struct stat st;
  if (fstat(fd, &st) != 0 || !syd_opens(st) || IsProcfs(st.st_dev, fd, path)) {
    return LeftToKernel();
  }
  return out;
}

Performed Performer::WaitForOtherEnd(const std::string& path, uint64_t flags) {
  if (const int error = FailsBeforeOpening(flags))
    return Performed::Answer(-error);
  const int pin = OpenJudged(path, O_PATH | O_CLOEXEC, RESOLVE_NO_SYMLINKS);
  if (pin < 0) return Performed::Answer(-errno);
  struct stat st;
  if (fstat(pin, &st) != 0 || !S_ISFIFO(st.st_mode)) {
    close(pin);
    return LeftToKernel();  // no longer a FIFO: the kernel's
  }
  return Performed::Waits(pin, flags, own_, this_thread.as);
}

Performed Performer::ReopenDescriptor(pid_t tid, const CallToPerform& c) {
  // The caller's descriptor, pinned (O_PATH opens nothing), in syd's /proc
  // as the caller: what syd judged only while it still names no file syd
  // could name; a descriptor put there since (dup2) is not what syd
  // judged, and is refused.
  const std::string link =
      StrCat(OwnProc(tid, c.thread_self), "/fd/", c.own_fd);
  const int pin = open(link.c_str(), O_PATH | O_CLOEXEC);
  if (pin < 0) return Performed::Answer(-errno);          // ENOENT: not open
  const Performed owner = Performed::Descriptor(pin, 0);  // closes it
  const std::string through = StrCat("/proc/thread-self/fd/", pin);
  struct stat st;
  const std::optional<std::string> name = tracee::ReadLink(through);
  if (fstat(pin, &st) != 0 || !name || tracee::LinkNamesFile(through, *name))
    return Performed::Answer(-EACCES);
  // A socket or an anonymous inode: the kernel's ENXIO; a device with no
  // name is refused (its open would run in syd).
  const mode_t type = st.st_mode & S_IFMT;
  if (type == S_IFSOCK || type == 0) return Performed::Answer(-ENXIO);
  if (type != S_IFREG && type != S_IFDIR && type != S_IFIFO)
    return Performed::Answer(-EACCES);
  // O_NONBLOCK: a pipe with no reader gives ENXIO at once, where the
  // caller's open would wait for one (docs/architecture.md).
  const int fd =
      open(through.c_str(),
           static_cast<int>(c.flags) | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
           static_cast<mode_t>(c.mode));
  if (fd < 0) return Performed::Answer(-errno);
  return Performed::Descriptor(fd, c.flags);
}

namespace {

// Opens c.own_proc_name beneath thread `tid`'s /proc/TGID (or its task's)
// in syd's /proc, with `flags`: a descriptor, or -errno (-ELOOP: a magic
// link on the way).
int OpenOwnProc(pid_t tid, const CallToPerform& c, uint64_t flags,
                uint64_t mode) {
  // Beneath the caller's /proc/TGID, with no link followed: what the rest
  // of the name reaches there is in the caller's process whatever a
  // thread wrote since.
  const int dir = open(OwnProc(tid, c.thread_self).c_str(),
                       O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return -errno;  // gone
  const int fd = tracee::OpenAt2(
      dir, c.own_proc_name.c_str(), flags | O_CLOEXEC,
      RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV, mode);
  const int error = errno;
  close(dir);
  return fd >= 0 ? fd : -error;
}

}  // namespace

Performed Performer::OpenOwnProcName(pid_t tid, const CallToPerform& c) {
  // A magic link (ns/net) is the kernel's to follow.
  const int fd = OpenOwnProc(tid, c, c.flags | O_NONBLOCK | O_NOCTTY, c.mode);
  if (fd == -ELOOP) return LeftToKernel();
  if (fd < 0) return Performed::Answer(fd);
  return Performed::Descriptor(fd, c.flags);
}

Performed Performer::Open(pid_t tid, const CallToPerform& c) {
  // /dev/tty, looked at only beneath /dev (one lstat, which OpenFile
  // then uses): another name for the device (a bind mount of /dev) is
  // left to the kernel.
  std::optional<Looked> looked;
  if (c.own_fd < 0 && c.own_proc_name.empty() && c.path.starts_with("/dev/")) {
    looked.emplace();
    looked->there = tracee::LstatIn(root_fd_, c.path, &looked->st) == 0;
  }
  const bool own_terminal =
      looked && looked->there && IsOwnTerminal(looked->st);
  Performed out =
      c.own_fd >= 0              ? ReopenDescriptor(tid, c)
      : !c.own_proc_name.empty() ? OpenOwnProcName(tid, c)
      : own_terminal
          ? OpenControllingTerminal(tid, c)
          : OpenFile(
                c.path, c.flags, c.mode,
                [&](const struct stat& st) { return SydOpens(st, c.flags); },
                waits_aside_, looked ? &*looked : nullptr);
  if (out.kind() == Performed::Kind::kContinue) return out;
  ++performed_;
  if (out.kind() == Performed::Kind::kDescriptor &&
      (c.flags & O_NONBLOCK) == 0 &&
      fcntl(out.fd(), F_SETFL, static_cast<int>(c.flags) & kSettableFlags) !=
          0) {
    return Performed::Answer(-EPERM);
  }
  return out;
}

int Performer::TerminalHeldBy(pid_t pid, dev_t terminal, bool caller) {
  // Each of its descriptors' files, looked at through /proc (the link
  // followed), taken only when it is that terminal, and checked again on
  // syd's duplicate, which nothing can change.
  const std::string dir = StrCat("/proc/", pid, "/fd");
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return -1;
  int found = -1;
  int looked = 0;
  while (const dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    if (++looked > 1024) break;
    struct stat st;
    if (stat(StrCat(dir, "/", e->d_name).c_str(), &st) != 0 ||
        !S_ISCHR(st.st_mode) || st.st_rdev != terminal) {
      continue;
    }
    // The caller's own (a thread's table), or another process's, which
    // the caller's identity may not reach: not a failure to report.
    const int n = std::atoi(e->d_name);
    const int copy = caller ? CallersDescriptor(pid, n) : copies_.Copy(pid, n);
    if (copy < 0) continue;
    if (IsTerminal(copy, terminal)) {
      found = copy;
      break;
    }
    close(copy);
  }
  closedir(d);
  return found;
}

Performed Performer::OpenControllingTerminal(pid_t tid,
                                             const CallToPerform& c) {
  // The kernel opens the caller's controlling terminal, ENXIO where it has
  // none. syd opens that terminal again through a descriptor of it: the
  // caller's own, its session leader's, or its /dev/pts entry (a pty's
  // number names it only in the caller's devpts, which is where it is
  // unless the caller mounted another). The descriptor is the terminal's
  // own (st_rdev, ttyname) rather than /dev/tty's.
  if (const int error = FailsBeforeOpening(c.flags))
    return Performed::Answer(-error);
  const tracee::SessionAndTerminal s = tracee::SessionOf(tid);
  if (s.terminal == 0) return Performed::Answer(-ENXIO);
  int held = TerminalHeldBy(tid, s.terminal, true);
  if (held < 0 && s.session > 0)
    held = TerminalHeldBy(s.session, s.terminal, false);
  if (held < 0 && major(s.terminal) == 136) {
    const int root = open(StrCat("/proc/", tid, "/root").c_str(),
                          O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root >= 0) {
      held = tracee::OpenAt2(
          root, StrCat("dev/pts/", minor(s.terminal)).c_str(),
          O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS, 0);
      close(root);
      if (held >= 0 && !IsTerminal(held, s.terminal)) {
        close(held);
        held = -1;
      }
    }
  }
  if (held < 0) {
    if (!said_no_terminal_.exchange(true)) {
      message_(StrCat(
          "syd found the controlling terminal of pid ", tid,
          " open nowhere in its session, nor in its /dev/pts: its open of "
          "/dev/tty is refused (EACCES), where the kernel's would have "
          "given that terminal"));
    }
    return Performed::Answer(-EACCES);
  }
  const Performed owner = Performed::Descriptor(held, 0);  // closes it
  // Through a magic link: O_NOFOLLOW would refuse it; O_CREAT and
  // O_TRUNC do nothing to a device.
  const uint64_t kept = c.flags & ~uint64_t{O_CREAT | O_TRUNC | O_NOFOLLOW};
  const int fd =
      open(StrCat("/proc/thread-self/fd/", held).c_str(),
           static_cast<int>(kept) | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return Performed::Answer(-errno);
  return Performed::Descriptor(fd, c.flags);
}

Performed Performer::Truncate(pid_t tid, const CallToPerform& c, rlim_t fsize) {
  // truncate needs the file open for writing: opened as an open is (a
  // directory gets the kernel's EISDIR), in the caller's own /proc as an
  // open there is.
  const Performed file = [&] {
    if (c.own_proc_name.empty())
      return OpenFile(c.path, O_WRONLY, 0, IsFileOrDirectory);
    CallToPerform for_writing = c;
    for_writing.flags = O_WRONLY;
    return OpenOwnProcName(tid, for_writing);
  }();
  if (file.kind() == Performed::Kind::kContinue) return Performed::Continue();
  ++performed_;
  if (file.kind() == Performed::Kind::kAnswer)
    return Performed::Answer(file.answer());
  // A file grown past the caller's RLIMIT_FSIZE fails with EFBIG and a
  // SIGXFSZ to the caller, as in the kernel: syd's own limit, which
  // ftruncate checks, is not the sandbox's (--limit fsize=).
  struct stat st {};
  if (fsize != RLIM_INFINITY && c.length > 0 &&
      static_cast<rlim_t>(c.length) > fsize && fstat(file.fd(), &st) == 0 &&
      c.length > st.st_size) {
    syscall(SYS_tgkill, tracee::ThreadGroup(tid), tid, SIGXFSZ);
    return Performed::Answer(-EFBIG);
  }
  return Performed::Answer(ftruncate(file.fd(), c.length) == 0 ? 0 : -errno);
}

Performed Performer::ChangeMetadata(pid_t tid, const CallToPerform& c,
                                    const std::string& data) {
  // O_PATH opens nothing: a device, a FIFO or a terminal is not touched.
  // Where the call does not follow a link at the end, this is the link.
  // A name in the caller's own /proc is opened beneath its /proc/TGID; a
  // magic link there is the kernel's to follow.
  const uint64_t flags = O_PATH | O_CLOEXEC | (c.follows ? 0 : O_NOFOLLOW);
  const bool own = !c.own_proc_name.empty();
  const int fd = own ? OpenOwnProc(tid, c, flags, 0)
                     : OpenJudged(c.path, flags, RESOLVE_NO_SYMLINKS);
  if (own && fd == -ELOOP) return LeftToKernel();
  if (fd < 0) {
    ++performed_;
    return Performed::Answer(own ? fd : -errno);
  }
  const Performed owner = Performed::Descriptor(fd, 0);  // closes it
  struct stat st;
  if (fstat(fd, &st) != 0 || (!own && IsProcfs(st.st_dev, fd, c.path)))
    return LeftToKernel();
  const int nofollow = c.follows ? 0 : AT_SYMLINK_NOFOLLOW;
  // The xattr calls have no AT_EMPTY_PATH form for an O_PATH descriptor:
  // they go through its link in syd's /proc, which reaches what the
  // descriptor names, the file or, where the call does not follow one, a
  // link itself (user.* is then the kernel's EPERM, trusted.* set on it).
  const std::string through = StrCat("/proc/thread-self/fd/", fd);
  int rc = 0;
  switch (c.kind) {
    case Kind::kOpen:
    case Kind::kTruncate:
    case Kind::kMkdir:
    case Kind::kMknod:
    case Kind::kUnlink:
    case Kind::kRename:
    case Kind::kLink:
    case Kind::kSymlink:
    case Kind::kBind:
    case Kind::kConnect:
    case Kind::kListen:
    case Kind::kSend:
    case Kind::kAttributeFlags:
      return Performed::Answer(-EINVAL);  // Perform sends these elsewhere
    case Kind::kChmod:
      rc = static_cast<int>(syscall(kernel::kSysFchmodat2, fd, "", c.mode,
                                    AT_EMPTY_PATH | nofollow));
      break;
    case Kind::kChown:
      rc = fchownat(fd, "", c.uid, c.gid, AT_EMPTY_PATH);
      break;
    case Kind::kUtimes: {
      timespec times[2];
      if (!data.empty() && !AsTimespecs(c.times, data, times)) {
        ++performed_;
        return Performed::Answer(-EINVAL);
      }
      rc = utimensat(fd, "", data.empty() ? nullptr : times,
                     AT_EMPTY_PATH | nofollow);
      break;
    }
    case Kind::kSetXattr:
      rc = setxattr(through.c_str(), c.name.c_str(), data.data(), data.size(),
                    static_cast<int>(c.flags));
      break;
    case Kind::kRemoveXattr:
      rc = removexattr(through.c_str(), c.name.c_str());
      break;
  }
  ++performed_;
  return Performed::Answer(rc == 0 ? 0 : -errno);
}

Performed Performer::MakeAgain(const CallToPerform& c, int fd,
                               const std::string& data) {
  ++performed_;
  if (c.kind == Kind::kAttributeFlags) {  // a file's or a directory's
    return Performed::Answer(
        ioctl(fd, static_cast<unsigned>(c.flags), data.data()) == 0 ? 0
                                                                    : -errno);
  }
  // setxattrat's struct, its value where syd read it.
  const kernel::XattrArgs xattr_args{
      .value = reinterpret_cast<uintptr_t>(data.data()),
      .size = static_cast<uint32_t>(data.size()),
      .flags = static_cast<uint32_t>(c.flags)};
  const SyscallInfo& s = *FindSyscall(c.nr);
  std::array<uint64_t, 6> a = c.args;
  for (int i = 0; i < s.nargs; ++i) {
    const ArgSpec& spec = s.args[i];
    if (spec.kind == ArgKind::kDirFd || (spec.IsPath() && spec.from_fd)) {
      a[i] = static_cast<uint64_t>(static_cast<int64_t>(fd));
    } else if (spec.IsPath()) {
      a[i] = c.null_name ? 0 : Address("");
    } else if (spec.kind == ArgKind::kString) {
      a[i] = Address(c.name.c_str());
    } else if (spec.kind == ArgKind::kPointer && s.name == "setxattrat") {
      a[i] = Address(&xattr_args);
      a[i + 1] = sizeof xattr_args;
    } else if (spec.kind == ArgKind::kPointer) {
      a[i] = a[i] == 0 ? 0 : Address(data.data());
    }
  }
  const long rc = syscall(c.nr, a[0], a[1], a[2], a[3], a[4], a[5]);
  return Performed::Answer(rc == 0 ? 0 : -errno);
}

Performed Performer::FailAtEmptyName(const CallToPerform& c) {
  // The empty names as they were, "." for the others (a lookup that
  // succeeds: syd answered any it saw fail), and the dirfds syd's cwd:
  // the kernel fails the call at an empty name before it looks at the
  // dirfd, so nothing is changed, and its checks of flags and modes come
  // first, as they did for the caller.
  const SyscallInfo& s = *FindSyscall(c.nr);
  // openat2's open_how at the size the caller gave (the decider answered
  // one past a page, or with bytes past open_how that are not zero).
  std::array<char, kernel::kStructArgMax> how{};
  const open_how known{.flags = c.flags, .mode = c.mode, .resolve = c.resolve};
  std::memcpy(how.data(), &known, sizeof known);
  std::array<uint64_t, 6> a = c.args;
  for (int i = 0; i < s.nargs; ++i) {
    const ArgSpec& spec = s.args[i];
    if (spec.kind == ArgKind::kDirFd) {
      a[i] = static_cast<uint64_t>(int64_t{AT_FDCWD});
    } else if (spec.IsPath()) {
      a[i] = Address((c.empty_names & (1u << i)) != 0 ? "" : ".");
    } else if (spec.kind == ArgKind::kString) {
      a[i] = Address(c.name.c_str());
    } else if (spec.kind == ArgKind::kOpenHow) {
      a[i] = Address(how.data());
    }
  }
  ++performed_;
  const long rc = syscall(c.nr, a[0], a[1], a[2], a[3], a[4], a[5]);
  if (rc < 0) return Performed::Answer(-errno);
  if (c.kind == Kind::kOpen) close(static_cast<int>(rc));  // never
  return Performed::Answer(-ENOENT);
}

Performed Performer::ChangeNames(const CallToPerform& c, int linked) {
  // The parent directory of each name, opened with no link on the way (a
  // link there since syd's walk fails it), and the name in it.
  struct Entry {
    int dir = -1;
    std::string name;
    ~Entry() {
      if (dir >= 0) close(dir);
    }
  };
  Entry entries[2];
  for (int i = linked >= 0 ? 1 : 0; i < 2; ++i) {
    const std::string& path = i == 0 ? c.path : c.path2;
    if (path.empty()) break;
    std::string dir = path;
    entries[i].name = i == 0 ? c.entry : c.entry2;
    if (entries[i].name.empty()) {
      // The last name, and the '/' the call wrote after it.
      const size_t end = path.find_last_not_of('/');
      const size_t slash = path.rfind('/', end);
      entries[i].name = path.substr(slash + 1);
      dir = slash == 0 ? "/" : path.substr(0, slash);
    }
    entries[i].dir =
        linked < 0 ? OpenJudged(dir, O_PATH | O_DIRECTORY | O_CLOEXEC,
                                RESOLVE_NO_SYMLINKS)
                   : tracee::OpenAt2(sandbox_root_fd_, dir.c_str(),
                                     O_PATH | O_DIRECTORY | O_CLOEXEC,
                                     RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
    if (entries[i].dir < 0) {
      ++performed_;
      return Performed::Answer(-errno);
    }
    struct stat st;
    if (fstat(entries[i].dir, &st) != 0 ||
        IsProcfs(st.st_dev, entries[i].dir, dir)) {
      return LeftToKernel();
    }
  }
  const int dir = entries[0].dir;
  const char* name = entries[0].name.c_str();
  int rc = -1;
  switch (c.kind) {
    case Kind::kMkdir:
      rc = mkdirat(dir, name, static_cast<mode_t>(c.mode));
      break;
    case Kind::kMknod:
      // The kernel's own encoding of the device, 32 bits, as the call
      // gave it (glibc's mknodat takes another).
      rc = static_cast<int>(syscall(SYS_mknodat, dir, name,
                                    static_cast<unsigned>(c.mode),
                                    static_cast<unsigned>(c.device)));
      break;
    case Kind::kUnlink:
      rc = unlinkat(dir, name, static_cast<int>(c.flags));
      break;
    case Kind::kRename:
      rc = static_cast<int>(syscall(SYS_renameat2, dir, name, entries[1].dir,
                                    entries[1].name.c_str(), c.flags));
      break;
    case Kind::kLink:
      if (linked < 0) {
        rc = linkat(dir, name, entries[1].dir, entries[1].name.c_str(),
                    static_cast<int>(c.flags));
      } else if ((this_thread.as.effective &
                  (uint64_t{1} << CAP_DAC_READ_SEARCH)) != 0) {
        rc = linkat(linked, "", entries[1].dir, entries[1].name.c_str(),
                    AT_EMPTY_PATH);
      } else {
        // Without CAP_DAC_READ_SEARCH the kernel links a descriptor's
        // file for the credentials that opened it, which syd's thread
        // does not hold: through its /proc link, as the caller could.
        rc = linkat(AT_FDCWD, StrCat("/proc/thread-self/fd/", linked).c_str(),
                    entries[1].dir, entries[1].name.c_str(), AT_SYMLINK_FOLLOW);
      }
      break;
    case Kind::kSymlink:
      rc = symlinkat(c.name.c_str(), dir, name);
      break;
    default:
      return Performed::Answer(-EINVAL);  // the other kinds are not names
  }
  ++performed_;
  return Performed::Answer(rc == 0 ? 0 : -errno);
}

}  // namespace syd::supervise
