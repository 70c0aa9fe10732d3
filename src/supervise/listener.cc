#include "src/supervise/listener.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <utility>

#include "src/base/descriptor_passing.h"
#include "src/base/strcat.h"
#include "src/kernel/uapi.h"

namespace syd::supervise {
namespace {

seccomp_notif_sizes NotifSizes() {
  seccomp_notif_sizes sizes{};
  if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) sizes = {};
  return sizes;
}

absl::Status Errno(const char* what) {
  return absl::InternalError(StrCat(what, ": ", strerror(errno)));
}

// Waits for `pid`, retrying interrupted waits.
pid_t Wait(pid_t pid, int* status, int flags = __WALL) {
  pid_t got;
  while ((got = waitpid(pid, status, flags)) < 0 && errno == EINTR) {
  }
  return got;
}

// What the handing-over thread and the filtered thread share.
struct Handover {
  int channel = -1;
  int report = -1;
  // The seccomp() result once the filter is in: the listener, or -2 when
  // there is none to send.
  std::atomic<int> listener{-1};
  std::atomic<bool> sent{false};
};

// The thread the filter does not cover.
void* HandOver(void* arg) {
  auto* h = static_cast<Handover*>(arg);
  int fd;
  while ((fd = h->listener.load(std::memory_order_acquire)) == -1)
    sched_yield();
  if (fd < 0) return nullptr;  // no filter: the child says why
  if (!SendDescriptor(h->channel, fd)) {
    // The filtered thread cannot end the process with a call the filter
    // may stop: this one can.
    dprintf(h->report, "syd: cannot hand the listener to syd: %s\n",
            strerror(errno));
    syscall(SYS_exit_group, 125);
  }
  h->sent.store(true, std::memory_order_release);
  return nullptr;
}

// One of the kernel's structs at the size the kernel says (which may be
// larger than ours), zeroed; on the stack where it fits: calls are
// received and answered on more than one thread at once.
class KernelStruct {
 public:
  explicit KernelStruct(size_t size) {
    if (size > sizeof small_) {
      large_.resize(size);
      data_ = large_.data();
    }
  }
  KernelStruct(const KernelStruct&) = delete;
  KernelStruct& operator=(const KernelStruct&) = delete;
  char* data() { return data_; }

 private:
  alignas(seccomp_notif_resp) alignas(seccomp_notif) char small_[256] = {};
  std::vector<char> large_;
  char* data_ = small_;
};

}  // namespace

ListenerSupport ProbeListener(std::string* why) {
  if (NotifSizes().seccomp_notif == 0) return ListenerSupport::kOldKernel;
  // A child tries, with a filter that allows everything, and exits with
  // the errno it got.
  pid_t pid = fork();
  if (pid < 0) {
    *why = StrCat("fork: ", strerror(errno));
    return ListenerSupport::kProbeFailed;
  }
  if (pid == 0) {
    sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    sock_fprog prog{1, &allow};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(errno);
    _exit(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, kListenerFilterFlags,
                  &prog) >= 0
              ? 0
              : errno);
  }
  int status = 0;
  if (Wait(pid, &status) != pid || !WIFEXITED(status)) {
    *why = "the probe's child did not exit";
    return ListenerSupport::kProbeFailed;
  }
  switch (WEXITSTATUS(status)) {
    case 0:
      return ListenerSupport::kYes;
    case EBUSY:
      return ListenerSupport::kListenerAbove;
    default:
      return ListenerSupport::kOldKernel;
  }
}

absl::StatusOr<ListenerChannel> ListenerChannel::Make() {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0)
    return Errno("socketpair for the listener");
  return ListenerChannel(fds[0], fds[1]);
}

ListenerChannel::ListenerChannel(ListenerChannel&& other) noexcept
    : syd_end_(std::exchange(other.syd_end_, -1)),
      child_end_(std::exchange(other.child_end_, -1)) {}

ListenerChannel::~ListenerChannel() {
  if (syd_end_ >= 0) close(syd_end_);
  if (child_end_ >= 0) close(child_end_);
}

void ListenerChannel::Forked() {
  close(child_end_);
  child_end_ = -1;
}

absl::StatusOr<std::optional<int>> ListenerChannel::Receive() {
  const int fd = ReceiveDescriptor(syd_end_);
  if (fd >= 0) return fd;
  if (errno == 0) return std::nullopt;  // the child has gone
  if (errno == EBADMSG)
    return absl::InternalError("the child sent no listener");
  return Errno("receiving the listener");
}

absl::Status InstallWithListener(const sock_fprog& prog, int channel,
                                 int report) {
  // Static: after an error return the thread may still look at it.
  static Handover h{};
  h.channel = channel;
  h.report = report;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  // Small: under limit/as a default stack could not be mapped.
  pthread_attr_setstacksize(&attr, size_t{64} * 1024);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t thread;
  const int started = pthread_create(&thread, &attr, HandOver, &h);
  pthread_attr_destroy(&attr);
  if (started != 0) {
    return absl::InternalError(
        StrCat("cannot start the thread that hands the listener to syd: ",
               strerror(started)));
  }
  const long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                          kListenerFilterFlags, &prog);
  if (fd < 0) {
    const int error = errno;
    h.listener.store(-2, std::memory_order_release);
    return absl::InternalError(
        StrCat("cannot install the filter: ", strerror(error)));
  }
  h.listener.store(static_cast<int>(fd), std::memory_order_release);
  // No call until the listener is syd's: the filter may stop any, for a
  // listener nobody holds yet. On one CPU this spins until the scheduler
  // runs the other thread.
  while (!h.sent.load(std::memory_order_acquire)) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  return absl::OkStatus();
}

Listener::Listener(int fd) : fd_(fd) {
  // The stopped thread and syd hand the CPU to each other: wake the one on
  // the CPU the other leaves. Older kernels refuse, and wake as before.
  ioctl(fd_, kernel::kSeccompIoctlNotifSetFlags,
        kernel::kSeccompUserNotifFdSyncWakeUp);
  const seccomp_notif_sizes sizes = NotifSizes();
  req_size_ = std::max<size_t>(sizes.seccomp_notif, sizeof(seccomp_notif));
  resp_size_ =
      std::max<size_t>(sizes.seccomp_notif_resp, sizeof(seccomp_notif_resp));
}

Listener::~Listener() { close(fd_); }

absl::StatusOr<std::optional<seccomp_notif>> Listener::Receive() {
  KernelStruct req_buf(req_size_);  // zeroed: the kernel insists
  char* buf = req_buf.data();
  if (ioctl(fd_, SECCOMP_IOCTL_NOTIF_RECV, buf) != 0) {
    // ENOENT: the call went away before syd read it; EINTR: a signal.
    if (errno == ENOENT || errno == EINTR) return std::nullopt;
    return Errno("SECCOMP_IOCTL_NOTIF_RECV");
  }
  seccomp_notif req;
  std::memcpy(&req, buf, sizeof req);
  return req;
}

bool Listener::Waiting(uint64_t id) const {
  return ioctl(fd_, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

absl::Status Listener::Continue(uint64_t id) {
  seccomp_notif_resp resp{};
  resp.id = id;
  resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  return Send(resp);
}

absl::Status Listener::Return(uint64_t id, int64_t ret) {
  seccomp_notif_resp resp{};
  resp.id = id;
  if (ret < 0) {
    resp.error = static_cast<int32_t>(ret);
  } else {
    resp.val = ret;
  }
  return Send(resp);
}

absl::Status Listener::ReturnDescriptor(uint64_t id, int fd, uint64_t flags) {
  // Some files count who holds them open: a FIFO its readers and
  // writers, a regular file its writers. syd's copy, held until syd
  // closes it after the answer, would be one more for a moment, which the
  // caller, running on, can meet: a FIFO's writer, decided on another
  // thread, finds syd's reader and goes on, and its write then fails with
  // EPIPE; a file written, closed and run at once fails to run with
  // ETXTBSY (16% of such runs in two processes at once, 2026-12-03).
  // Such a file is added without SEND, syd's copy closed, and then the
  // call answered with the number: one more ioctl, and the caller woken
  // twice (17 us an open on this VM). A regular file that no one may run
  // yet is handed over at once: the call that gives it an execute bit
  // waits for syd's copy to be closed (WaitWritersClosed).
  struct stat st {};
  const bool writes = (flags & O_ACCMODE) != O_RDONLY;
  const bool file = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && writes;
  const bool runnable = (st.st_mode & 0111) != 0;
  const bool counted = (file && runnable) || S_ISFIFO(st.st_mode);
  const bool writer = file && !runnable;
  uint64_t ticket = 0;
  if (writer) {
    std::lock_guard<std::mutex> lock(writers_mu_);
    ticket = next_writer_++;
    writers_.insert(ticket);
  }
  seccomp_notif_addfd add{};
  add.id = id;
  add.flags = counted ? 0 : SECCOMP_ADDFD_FLAG_SEND;
  add.srcfd = static_cast<uint32_t>(fd);
  add.newfd_flags = (flags & O_CLOEXEC) != 0 ? O_CLOEXEC : 0;
  // The caller installs the descriptor while syd waits, and no signal may
  // end that wait: with SEND the kernel takes the request as the answer
  // before it is carried out, and one interrupted before the caller
  // carried it out is withdrawn, the call returning 0 with no descriptor;
  // asked again, it is EINPROGRESS (seen: a SIGUSR2 dump request during a
  // build ended the sandbox). Both threads that answer hold the signals
  // syd catches (CaughtSignals): they wait until the answer is in. Only a
  // stop (SIGSTOP, not blockable) or a freeze can still interrupt it.
  // Without SEND an interrupted request is withdrawn or done, never done
  // twice.
  int rc;
  while ((rc = ioctl(fd_, SECCOMP_IOCTL_NOTIF_ADDFD, &add)) < 0 &&
         errno == EINTR) {
  }
  const int error = errno;
  close(fd);
  if (writer) {
    std::lock_guard<std::mutex> lock(writers_mu_);
    writers_.erase(ticket);
    writers_closed_.notify_all();
  }
  if (rc >= 0) return counted ? Return(id, rc) : absl::OkStatus();
  // ENOENT: the call has gone.
  if (error == ENOENT) return absl::OkStatus();
  // EINPROGRESS: this request was taken as the answer and then withdrawn.
  // A stop signal or the cgroup freezer, which no mask holds, woke the
  // wait before the caller took the descriptor, and the kernel restarted
  // it: the caller's open returned 0 and no descriptor, and would write
  // to whatever its descriptor 0 is. Nothing more can be said to it, so
  // syd fails closed.
  if (error == EINPROGRESS) {
    return absl::DataLossError(
        "a stop or a freeze interrupted syd as it handed an open's "
        "descriptor over, and the open returned 0 without one");
  }
  // The caller's table is full, or the memory for it: the call is still
  // syd's to answer, with what the kernel's open would have said.
  if (error == EMFILE || error == ENOMEM) return Return(id, -error);
  errno = error;
  return Errno("SECCOMP_IOCTL_NOTIF_ADDFD");
}

void Listener::WaitWritersClosed() {
  // Those handed over before this call, not those after: a sandbox
  // opening files all the while does not hold it.
  std::unique_lock<std::mutex> lock(writers_mu_);
  const uint64_t until = next_writer_;
  writers_closed_.wait_for(lock, std::chrono::seconds(1), [&] {
    return writers_.empty() || *writers_.begin() >= until;
  });
}

bool Listener::AnotherWaits() const {
  pollfd p{fd_, POLLIN, 0};
  return poll(&p, 1, 0) > 0 && (p.revents & POLLIN) != 0;
}

absl::Status Listener::Send(const seccomp_notif_resp& resp) {
  // The kernel reads its own struct's size.
  KernelStruct resp_buf(resp_size_);
  char* buf = resp_buf.data();
  std::memcpy(buf, &resp, sizeof resp);
  // ENOENT: the call went away meanwhile (killed, or a signal); nobody
  // waits for the answer.
  if (ioctl(fd_, SECCOMP_IOCTL_NOTIF_SEND, buf) != 0 && errno != ENOENT) {
    return Errno("SECCOMP_IOCTL_NOTIF_SEND");
  }
  return absl::OkStatus();
}

}  // namespace syd::supervise
