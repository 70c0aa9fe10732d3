// The kernel side of seccomp user notification: getting the listener fd
// out of the child that installs the filter, and receiving and answering
// the calls it stops.
#ifndef SYD_SUPERVISE_LISTENER_H_
#define SYD_SUPERVISE_LISTENER_H_

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace syd::supervise {

enum class ListenerSupport {
  kYes,
  kProbeFailed,  // the probe itself could not run (fork failed): unknown
  // No SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (5.19): the rest (CONTINUE,
  // 5.5; ADDFD's SEND flag, 5.14) came before it.
  kOldKernel,
  // A filter above syd already has a listener (one per filter chain): an
  // outer syd's, a container runtime's.
  kListenerAbove,
};

// The flags of the filter that makes syd's listener. WAIT_KILLABLE_RECV:
// once syd has received a call, only a fatal signal ends the wait for its
// answer. Without it, a signal would restart the call (SA_RESTART) into
// syd again, and a verdict's own signal, sent before the answer, would do
// that every time; sent after it, the process could run on before its
// handler (a trap's handler must run before the call returns, as with the
// kernel's own trap).
inline constexpr unsigned kListenerFilterFlags =
    SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;

// Whether a child of syd can make a seccomp listener, and why not; with
// kProbeFailed, `why` says what went wrong.
ListenerSupport ProbeListener(std::string* why);

// The socket pair the child hands its listener to syd by, made before the
// fork: neither ptrace nor pidfd_getfd is needed, which container profiles
// refuse without CAP_SYS_PTRACE.
class ListenerChannel {
 public:
  static absl::StatusOr<ListenerChannel> Make();
  ListenerChannel(ListenerChannel&& other) noexcept;
  ListenerChannel& operator=(ListenerChannel&&) = delete;
  ~ListenerChannel();

  // The child's end (close-on-exec), for InstallWithListener.
  int child_end() const { return child_end_; }
  // In syd once the child is forked: syd closes its copy of the child's
  // end, so that the child's exit ends Receive.
  void Forked();
  // The listener, or nothing when the child ended without handing one
  // over (it said why, and its status says how it ended).
  absl::StatusOr<std::optional<int>> Receive();

 private:
  ListenerChannel(int syd_end, int child_end)
      : syd_end_(syd_end), child_end_(child_end) {}

  int syd_end_;
  int child_end_;
};

// In the child, as its last step before exec: installs `prog` with a
// listener and sends the listener to syd on `channel`
// (ListenerChannel::child_end). Once the filter is in place every call
// the child makes goes through it, and a policy may refuse the send or
// stop it for a listener nobody holds yet (syd learn stops every call).
// So a thread the filter does not cover sends it (seccomp filters one
// thread unless told to synchronise), while the filtered thread makes no
// call until it has (a spin on memory); exec then ends the thread. An
// error leaves no filter in place; a send that fails ends the process
// with 125, said on `report`.
absl::Status InstallWithListener(const sock_fprog& prog, int channel,
                                 int report);

// One stopped call, and the answer to it.
class Listener {
 public:
  explicit Listener(int fd);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  int fd() const { return fd_; }
  // The next stopped call, or nothing when it went away before it could be
  // read (a signal interrupted it, or it was killed); an error when the
  // listener itself failed.
  absl::StatusOr<std::optional<seccomp_notif>> Receive();
  // Whether call `id` still waits: memory read for it belongs to it only
  // if it does, since its pid may have been reused.
  bool Waiting(uint64_t id) const;
  // Lets the call run as it is. OK also when the call has gone (nobody
  // waits for the answer); an error when the listener failed.
  absl::Status Continue(uint64_t id);
  // Skips the call; it returns `ret`, a value or -errno. As Continue.
  absl::Status Return(uint64_t id, int64_t ret);
  // Answers the call with syd's descriptor `fd`, opened with `flags`,
  // which this takes and closes: a copy of it in the caller's table, at
  // its lowest free number, close-on-exec as `flags` say; where the
  // caller's table cannot take it, with the kernel's error (EMFILE). As
  // Continue. The calling thread holds the signals syd catches
  // (CaughtSignals in signals.h): a handler would interrupt the wait.
  absl::Status ReturnDescriptor(uint64_t id, int fd, uint64_t flags);
  // Returns once no file without an execute bit that syd handed over for
  // writing is still open in syd, or after a second: a call that gives
  // one an execute bit waits for it, and the file can then be run.
  void WaitWritersClosed();
  // Whether another stopped call is there to be received now.
  bool AnotherWaits() const;

 private:
  absl::Status Send(const seccomp_notif_resp& resp);

  int fd_;
  std::mutex writers_mu_;
  std::condition_variable writers_closed_;
  // Guarded by writers_mu_: the files handed over for writing and still
  // open in syd, by the order they were handed over (WaitWritersClosed).
  std::set<uint64_t> writers_;
  uint64_t next_writer_ = 0;
  size_t req_size_ = 0;   // the kernel's struct may be larger than ours
  size_t resp_size_ = 0;  // and so may its answer
};

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_LISTENER_H_
