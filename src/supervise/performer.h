// Calls syd does itself for the sandbox. A call that syd allowed and
// continued is run by the kernel on arguments it reads again from the
// caller's memory, and on a name it resolves again: a sibling thread or a
// swapped link can make it act on what syd never judged. syd performs an
// allowed change of metadata or of names itself, on the name it judged,
// and answers with the result; under user notification an open too,
// answered with the descriptor, which ptrace cannot hand over
// (docs/architecture.md, "What syd performs").
#ifndef SYD_SUPERVISE_PERFORMER_H_
#define SYD_SUPERVISE_PERFORMER_H_

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "src/policy/policy.h"
#include "src/supervise/outcome.h"
#include "src/tracee/descriptor_copies.h"
#include "src/tracee/procfs.h"

namespace syd::supervise {

// The call syd may perform for the allowed call `e`, made on a name syd
// resolved without error, one the kernel could take (shorter than
// PATH_MAX), not in the sandbox's own /proc (`own_proc`) but for the
// caller's own /proc/self:
// - an open (open, openat, creat, openat2; not O_PATH, which opens
//   nothing and which ADDFD cannot hand over: EBADF) of a file, a directory, a
//   FIFO or a device but /dev/net/tun (O_NOCTTY: a session leader takes a
//   terminal with TIOCSCTTY); /dev/tty is the caller's terminal, reopened
//   through a descriptor of it; a /proc/self/fd/N whose descriptor names no
//   file is that descriptor, reopened; another name under /proc/self or
//   /proc/thread-self is opened beneath the caller's /proc/TGID;
// - a change of a file's metadata by name (chmod, fchmodat, fchmodat2,
//   chown, lchown, fchownat, truncate, utime, utimes, futimesat,
//   utimensat, setxattr, lsetxattr, setxattrat, removexattr,
//   lremovexattr, removexattrat); a name under /proc/self or
//   /proc/thread-self is changed beneath the caller's /proc/TGID;
// - a change of metadata through a descriptor (fchmod, fchown, fsetxattr,
//   fremovexattr, ioctl's FS_IOC_SETFLAGS and FS_IOC_FSSETXATTR, and the
//   calls above with a NULL or empty name, AT_FDCWD the cwd): made again
//   on syd's duplicate of the descriptor, which a thread's dup2 cannot
//   change, the one the decision named the file by
//   (tracee::DescriptorCopies); linkat of a descriptor's file
//   (AT_EMPTY_PATH) too;
// - a call with an empty name where it takes none (an open, truncate, a
//   name made, removed or moved): made again with syd's own empty names,
//   which the kernel fails;
// - a name made, removed or moved (mkdir, mkdirat, mknod, mknodat,
//   unlink, rmdir, unlinkat, rename, renameat, renameat2, link, linkat,
//   symlink, symlinkat; a trailing '/' kept, and ".", ".." and the root
//   made on syd's copy of the name, which the kernel fails);
// - a bind or connect of an INET or INET6 socket to the address syd read,
//   and a listen on one while it is bound where syd judged it, on syd's
//   duplicate of the socket;
// - a connect to a unix socket's file (not an abstract name), to the file
//   syd resolved, on syd's duplicate of the socket, with the caller's
//   effective ids, which the server reads (its pid is syd's);
// - a send whose name the kernel would read from memory again (sendto
//   with an address, sendmsg, sendmmsg, named or not), on syd's duplicate
//   of the socket, of any family, with the data read once and the names
//   syd judged: a unix socket file through a pin of it, as a connect.
// Else nothing, and the call is continued. A name syd could not resolve
// is not for this: the decider answers its errno.
std::optional<CallToPerform> CallToPerformOf(const Call& e, bool own_proc);

// Whether syd may perform a call like `e` (above), by its number (and
// ioctl's request), before it is decoded: a descriptor such a call acts
// on is named, for the decision, by syd's copy of it, on which syd then
// makes the call (tracee::DescriptorCopies).
bool MayPerform(const Call& e);

// One message of a send syd performs, as it sends it: read once from the
// caller's memory, with the name syd judged.
struct OutgoingMessage {
  OutgoingMessage() = default;
  OutgoingMessage(OutgoingMessage&& o) noexcept { *this = std::move(o); }
  OutgoingMessage& operator=(OutgoingMessage&& o) noexcept {
    if (this == &o) return *this;
    Close();
    name = std::move(o.name);
    data = std::move(o.data);
    control = std::move(o.control);
    fds = std::exchange(o.fds, {});
    credentials = o.credentials;
    return *this;
  }
  ~OutgoingMessage() { Close(); }
  void Close() {
    for (int fd : fds) close(fd);
    fds.clear();
  }
  std::string name;  // the judged bytes, or a pin's link; empty: none
  std::string data;
  // The caller's control messages, the descriptors it passes replaced by
  // syd's duplicates of them; empty once some data went (they go with
  // the first byte).
  std::string control;
  std::vector<int> fds;      // syd's: those duplicates and the pin
  bool credentials = false;  // the caller's control gives SCM_CREDENTIALS
};

// A send that found no room in the socket for a caller that blocks: the
// message, or what is left of it, sent by a thread of its own
// (SendWaiting).
struct PendingSend {
  PendingSend() = default;
  PendingSend(const PendingSend&) = delete;
  PendingSend& operator=(const PendingSend&) = delete;
  ~PendingSend() {
    if (socket >= 0) close(socket);
  }
  int socket = -1;  // syd's duplicate of the caller's
  OutgoingMessage message;
  int flags = 0;     // the call's
  int64_t sent = 0;  // bytes of the message that went before
  pid_t tid = 0;
  // sendmmsg: where the caller's msg_len of the message is, written once
  // it went (the call then answers 1).
  uint64_t msg_len_at = 0;
};

// What syd answers for a call it may perform.
class Performed {
 public:
  enum class Kind : uint8_t {
    kContinue,    // the kernel does it (see Performer::Perform)
    kAnswer,      // answer() is the call's result: 0, or -errno
    kDescriptor,  // an open: hand fd() to the caller
    // An open of a FIFO that waits for its other end, as the caller's
    // would: fd() is the FIFO, pinned (O_PATH); OpenWaiting opens it on a
    // thread of its own (WaitingOpens), which then answers. Or a blocking
    // unix connect to a server whose queue is full (connects()): fd() is
    // the socket file, pinned, and ConnectWaiting connects.
    kWaits,
    // ptrace: the call is made again, as the caller made it, and judged
    // again (a blocking unix connect to a full queue, which the one
    // thread that traces cannot wait in).
    kAgain,
  };
  static Performed Continue() { return Performed(Kind::kContinue, 0, -1); }
  static Performed Answer(int64_t ret) {
    return Performed(Kind::kAnswer, ret, -1);
  }
  // `flags`: the open's, which say how the caller holds it (O_CLOEXEC,
  // the access mode).
  static Performed Descriptor(int fd, uint64_t flags) {
    Performed p(Kind::kDescriptor, 0, fd);
    p.flags_ = flags;
    return p;
  }
  static Performed Waits(int pin, uint64_t flags,
                         const tracee::Credentials& own,
                         const tracee::Credentials& caller) {
    Performed p(Kind::kWaits, 0, pin);
    p.flags_ = flags;
    p.own_ = own;
    p.caller_ = caller;
    return p;
  }
  // `socket`: syd's duplicate of the caller's, taken with the pin `pin`.
  static Performed ConnectWaits(int pin, int socket,
                                const tracee::Credentials& own,
                                const tracee::Credentials& caller) {
    Performed p = Waits(pin, 0, own, caller);
    p.socket_ = socket;
    return p;
  }
  static Performed SendWaits(std::unique_ptr<PendingSend> send,
                             const tracee::Credentials& own,
                             const tracee::Credentials& caller) {
    Performed p = Waits(-1, 0, own, caller);
    p.send_ = std::move(send);
    return p;
  }
  static Performed Again() { return Performed(Kind::kAgain, 0, -1); }
  Performed(Performed&& o) noexcept
      : kind_(o.kind_),
        ret_(o.ret_),
        fd_(o.fd_),
        socket_(o.socket_),
        flags_(o.flags_),
        send_(std::move(o.send_)),
        own_(std::move(o.own_)),
        caller_(std::move(o.caller_)) {
    o.fd_ = -1;
    o.socket_ = -1;
  }
  Performed& operator=(Performed&&) = delete;
  ~Performed() {
    if (fd_ >= 0) close(fd_);
    if (socket_ >= 0) close(socket_);
  }

  Kind kind() const { return kind_; }
  int64_t answer() const { return ret_; }
  int fd() const { return fd_; }  // syd's: closed with this
  // The descriptor, no longer closed with this.
  int ReleaseFd() { return std::exchange(fd_, -1); }
  // kDescriptor and kWaits: the open's flags.
  uint64_t flags() const { return flags_; }
  // kWaits: a connect, not an open.
  bool connects() const { return socket_ >= 0; }
  // kWaits: a send, not an open.
  bool sends() const { return send_ != nullptr; }

 private:
  friend int OpenWaiting(const Performed& p);
  friend int ConnectWaiting(const Performed& p);
  friend int64_t SendWaiting(const Performed& p);
  Performed(Kind kind, int64_t ret, int fd) : kind_(kind), ret_(ret), fd_(fd) {}
  Kind kind_;
  int64_t ret_;
  int fd_;
  int socket_ = -1;  // ConnectWaits
  uint64_t flags_ = 0;
  std::unique_ptr<PendingSend> send_;  // SendWaits
  // kWaits: syd's identity and the caller's.
  tracee::Credentials own_;
  tracee::Credentials caller_;
};

// Opens the FIFO of `p` (kWaits) as its caller, with the call's flags,
// waiting for its other end as the kernel would: a descriptor, or -errno
// (-EINTR: a signal interrupted the wait, which may be taken up again).
// On a thread of its own, whose identity it changes for good.
int OpenWaiting(const Performed& p);
// Connects the socket of `p` (kWaits, connects()) to its pinned file as
// its caller, waiting for room in the server's queue: 0, or -errno
// (-EINTR as OpenWaiting's). On a thread of its own, likewise.
int ConnectWaiting(const Performed& p);
// Sends the message of `p` (kWaits, sends()) as its caller, waiting for
// room as the kernel would: the call's answer (bytes, or 1 for a
// sendmmsg), or -errno (-EINTR, with nothing sent, as OpenWaiting's).
int64_t SendWaiting(const Performed& p);

// Performs calls on the thread that decides them, as the caller: its
// file-system ids, groups, effective capabilities and umask, set on that
// thread alone and restored after. Any number of syd's threads may
// perform at once.
class Performer {
 public:
  // `message`: says, once, why syd left a call to the kernel where it
  // could not take the caller's identity.
  // `copies`: syd's copies of the sandbox's descriptors, with what the
  // call's decision named (tracee::DescriptorCopies).
  Performer(tracee::DescriptorCopies& copies,
            std::function<void(const std::string&)> message);
  ~Performer();
  Performer(const Performer&) = delete;
  Performer& operator=(const Performer&) = delete;

  // Until a call changes a credential, every process of the sandbox has
  // the identity it started with, syd's, and the umask syd has: syd
  // performs as itself. IdentityMayDiffer: from now on each call reads
  // its caller's from /proc (the sandbox starts as another user, or one
  // of its processes changed its ids, groups or capabilities).
  void IdentityMayDiffer() {
    std::lock_guard<std::mutex> lock(identity_mu_);
    same_ids_ = false;
  }
  // Thread `tid`'s allowed call `name` (Policy::ChangesIdentity) with
  // `args` ran: one that sets what every process already has (syd's own
  // ids or umask: setresuid(-1, 0, -1) as root, umask(022) where syd's is
  // 022) changes nothing, and syd goes on performing as itself; umask
  // otherwise makes each call that creates a file read its caller's
  // (but the thread's own, alone in its process, while it lives) until
  // the same thread sets syd's back, alone in its process, with no
  // process or thread made meanwhile (which would have taken the other);
  // the rest make every call read it, for good.
  void SawIdentityCall(pid_t tid, std::string_view name,
                       const std::array<uint64_t, 6>& args);

  // The backend opens FIFOs that wait on threads of their own
  // (WaitingOpens): such an open is kWaits, not continued.
  void WaitAside() { waits_aside_ = true; }

  // The sandbox has a private root (isolate/bind=...), `fd` (kept open by
  // the caller): names are the sandbox's, and syd acts beneath it.
  void SetPrivateRoot(int fd);

  // The command's root in its mount namespace (`fd`, kept open by the
  // caller), or -1 once a process may have changed its root: a link to a
  // descriptor's file is made in the new name's parent opened beneath it,
  // since a link cannot join the sandbox's mounts to syd's (EXDEV).
  void SetSandboxRoot(int fd) { sandbox_root_fd_ = fd; }

  // Performs `c` for thread `tid` as the kernel would have for it, and
  // says what to answer. An open of a FIFO that would wait for its other
  // end is kWaits where the backend waits aside (WaitAside). Continued:
  // such an open elsewhere, an open of /dev/net/tun (its device attaches
  // to the opener's network namespace), an open a lease would make wait,
  // a call on a procfs file (syd's /proc/self is syd), a descriptor syd
  // cannot copy, and an identity syd cannot take (not root). Other
  // devices, terminals too, syd opens with O_NOCTTY (SydOpens). An
  // error the kernel gives is answered as it would have been to the
  // caller. `still_waits` says whether the call is still waiting, after
  // syd read the caller's memory or /proc (its pid may have been reused).
  Performed Perform(pid_t tid, const CallToPerform& c,
                    const std::function<bool()>& still_waits);

  // The umask of a thread that performs is the last caller's it
  // performed for (a umask call per create saved); syd's own again, for
  // what syd itself makes on the calling thread (a dump, the files after
  // the run). A no-op on a thread that has not performed, whose umask is
  // syd's.
  void PutOwnUmaskBack();
  // Gives the calling thread an fs_struct of its own, with syd's umask,
  // before it performs: one it shared with a thread that performs would
  // have that thread's umask, not syd's (a thread made by one that has
  // its own shares that one's). Where the kernel refuses, the thread
  // takes one at its first call that needs it.
  void OwnFsStruct();

  // A call syd could have performed, left to the kernel by the backend
  // (ptrace, an open): counted as continued.
  void LeftToKernelByBackend() {
    copies_.DropKept();
    ++continued_;
  }

  // Calls performed, and left to the kernel, for --stats.
  uint64_t performed() const { return performed_; }
  uint64_t continued() const { return continued_; }
  // Callers' identities read from /proc, for --stats.
  uint64_t identities_read() const { return identities_read_; }

 private:
  // Opens `path` for syd, as the kernel would for an open with `flags`
  // and `mode`, if it is a file or a directory: a descriptor, -errno, or
  // left to the kernel (counted so).
  // `syd_opens`: whether syd opens what the name is (else the kernel);
  // `may_wait`: a FIFO open that waits for its other end is kWaits;
  // `looked`: the name's lstat, where the caller has just made it.
  struct Looked {
    bool there = false;
    struct stat st {};
  };
  Performed OpenFile(const std::string& path, uint64_t flags, uint64_t mode,
                     const std::function<bool(const struct stat&)>& syd_opens,
                     bool may_wait = false, const Looked* looked = nullptr);
  // The FIFO `path` pinned, to be opened with `flags` once its other end
  // comes (kWaits), or the kernel's error before it would wait.
  Performed WaitForOtherEnd(const std::string& path, uint64_t flags);
  Performed Open(pid_t tid, const CallToPerform& c);
  // The caller's descriptor c.own_fd reopened (Open).
  Performed ReopenDescriptor(pid_t tid, const CallToPerform& c);
  // c.own_proc_name opened beneath the caller's /proc/TGID (Open).
  Performed OpenOwnProcName(pid_t tid, const CallToPerform& c);
  // /dev/tty: the caller's controlling terminal, opened again through a
  // descriptor of it (Open).
  Performed OpenControllingTerminal(pid_t tid, const CallToPerform& c);
  // A duplicate of a descriptor of process `pid` (the caller's thread
  // where `caller`) whose file is the terminal device `terminal`, or -1.
  int TerminalHeldBy(pid_t pid, dev_t terminal, bool caller);
  // `fsize`: the caller's RLIMIT_FSIZE (its soft limit).
  Performed Truncate(pid_t tid, const CallToPerform& c, rlim_t fsize);
  // chmod, chown, times, xattrs: on the file the judged name names,
  // through an O_PATH descriptor syd opens to it. `data` holds what the
  // call's pointer argument gave (times, an xattr's value).
  Performed ChangeMetadata(pid_t tid, const CallToPerform& c,
                           const std::string& data);
  // mkdir, mknod, unlink, rmdir, rename, link, symlink: on the entries of
  // descriptors of the judged names' parents.
  // `linked`: kLink of a descriptor's file (AT_EMPTY_PATH), syd's
  // duplicate of it.
  Performed ChangeNames(const CallToPerform& c, int linked = -1);
  // bind, connect: on `sock`, a duplicate of the caller's INET or INET6
  // socket, with the address syd judged (a unix connect: ConnectUnix). A
  // blocking TCP connect is started here and continued: the kernel then waits
  // for it, whatever address it reads again.
  Performed Socket(const CallToPerform& c, int sock);
  // connect: on `sock`, a duplicate of the caller's socket, to the unix
  // socket file c.path, pinned first.
  Performed ConnectUnix(const CallToPerform& c, int sock);
  // The messages of the send `c` of thread `tid` on `sock` (syd's
  // duplicate of its socket) as it gave them (its
  // data, its control messages with syd's duplicates of the descriptors
  // they pass), with the names syd judged, not yet pinned: 0, or the
  // kernel's errno for them.
  int ReadMessages(pid_t tid, const CallToPerform& c, int sock,
                   std::vector<OutgoingMessage>* out);
  // The send `c` of thread `tid` made on `sock`, a duplicate of the
  // caller's socket, with `messages` (ReadMessages); `other_ids`: syd
  // sends as another user than itself, whom a unix receiver is told of.
  Performed Send(pid_t tid, const CallToPerform& c, int sock,
                 std::vector<OutgoingMessage>& messages, bool other_ids);
  // A duplicate of descriptor `fd` of thread `tid` (pidfd_getfd), or
  // -errno (-EBADF: not open); says once when syd may not make one. Its
  // caller must then ask whether the call still waits (the pid reused).
  int CallersDescriptor(pid_t tid, int fd);
  // SawIdentityCall's umask(mask) by thread `tid`.
  void SawUmask(pid_t tid, mode_t mask);
  // The umask thread `tid` set, while it lives; nothing where syd does
  // not know it.
  std::optional<mode_t> KnownUmaskOf(pid_t tid);
  // The call `c` made again, as the caller made it, on `fd` (syd's
  // duplicate of the descriptor it was made through), with the name it
  // gave (NULL or empty) and the pointers' contents as syd read them
  // (`data`): the kernel answers as it would have.
  Performed MakeAgain(const CallToPerform& c, int fd, const std::string& data);
  // The call `c`, which has an empty name where it takes none, made again
  // with syd's own: the kernel's error for it.
  Performed FailAtEmptyName(const CallToPerform& c);
  // Whether the file system of device `dev` is a procfs; `fd` or `path`
  // tells, the first time.
  bool IsProcfs(dev_t dev, int fd, const std::string& path);
  // openat2 of a judged `path` (absolute, in the sandbox's view) with
  // `resolve`: in syd's view, or beneath a private root.
  int OpenJudged(const std::string& path, uint64_t flags, uint64_t resolve,
                 uint64_t mode = 0);
  Performed LeftToKernel() {
    ++continued_;
    return Performed::Continue();
  }

  tracee::DescriptorCopies& copies_;
  std::function<void(const std::string&)> message_;
  // Guards what calls have said of the sandbox's identities: same_ids_,
  // same_umask_, and the umasks below.
  std::mutex identity_mu_;
  bool same_ids_ = true;
  bool same_umask_ = true;
  bool waits_aside_ = false;
  tracee::Credentials own_;
  // syd's uid and gid where its real, effective, saved and fs ids are
  // one; nothing where they differ (every identity call then counts).
  std::optional<uid_t> own_uid_;
  std::optional<gid_t> own_gid_;
  bool can_switch_ = false;  // syd holds CAP_SETUID and CAP_SETGID
  std::atomic<bool> said_cannot_switch_ = false;
  std::atomic<bool> said_no_copy_ = false;      // pidfd_getfd refused
  std::atomic<bool> said_no_terminal_ = false;  // no controlling terminal
  int root_fd_ = -1;                            // SetPrivateRoot
  std::atomic<int> sandbox_root_fd_ = -1;       // SetSandboxRoot
  std::string view_;  // /proc/SYD/fd/ROOT: the private root, by name
  std::mutex procfs_mu_;
  std::unordered_map<dev_t, bool> procfs_;  // guarded by procfs_mu_
  // The threads that set a umask other than syd's and have not set syd's
  // back, and the last pid given out when the first of them did; with
  // known_umasks_, guarded by identity_mu_.
  std::unordered_set<pid_t> umask_changed_;
  pid_t last_pid_at_umask_change_ = 0;
  bool umask_changed_for_good_ = false;
  // The umask a thread alone in its process set, with a pidfd of it.
  struct KnownUmask {
    mode_t mask;
    int pidfd;
  };
  std::unordered_map<pid_t, KnownUmask> known_umasks_;
  std::atomic<uint64_t> performed_ = 0;
  std::atomic<uint64_t> continued_ = 0;
  std::atomic<uint64_t> identities_read_ = 0;
};

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_PERFORMER_H_
