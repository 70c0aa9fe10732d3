// Answers performed opens on a thread of its own. SECCOMP_IOCTL_NOTIF_ADDFD
// returns only once the caller has woken and taken the descriptor, and on
// two busy CPUs that can be a scheduling slice away; while another call
// waits, the deciding thread hands the answer over and goes on to it.
#ifndef SYD_SUPERVISE_DESCRIPTOR_ANSWERS_H_
#define SYD_SUPERVISE_DESCRIPTOR_ANSWERS_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "src/supervise/listener.h"

namespace syd::supervise {

class DescriptorAnswers {
 public:
  // Starts the thread, which answers on `listener` (outliving this) and
  // blocks every signal: an interrupted ADDFD loses the caller's open
  // (Listener::ReturnDescriptor).
  explicit DescriptorAnswers(Listener& listener);
  // Answers what was handed over, then ends the thread.
  ~DescriptorAnswers();
  DescriptorAnswers(const DescriptorAnswers&) = delete;
  DescriptorAnswers& operator=(const DescriptorAnswers&) = delete;

  // Answers call `id` with a copy of syd's descriptor `fd`, opened with
  // `flags`, which this takes and closes once the caller has it.
  void Hand(uint64_t id, int fd, uint64_t flags);
  // Answers call `id` with `error`: -errno (an open that waited, and
  // failed), or 0 (a connect that waited).
  void HandResult(uint64_t id, int64_t error);
  // Returns once every answer handed over has been given, or after a
  // second: syd's own stop would interrupt one being given (a caller
  // waits for its answer killably, so it never stops before it has it).
  void WaitAnswered();
  // An eventfd that becomes readable when an answer failed (the listener
  // did): for the deciding thread's poll.
  int failed_fd() const { return failed_fd_; }
  // The first failure, once; OK when there is none.
  absl::Status TakeFailure();

 private:
  struct Answer {
    uint64_t id;
    int fd;  // -1: answer `error`
    uint64_t flags;
    int64_t error = 0;
  };
  void Run();

  Listener& listener_;
  int failed_fd_ = -1;
  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable answered_;
  std::deque<Answer> queue_;  // guarded by mu_
  bool answering_ = false;    // guarded by mu_
  bool ending_ = false;       // guarded by mu_
  absl::Status failure_;      // guarded by mu_
  std::thread thread_;
};

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_DESCRIPTOR_ANSWERS_H_
