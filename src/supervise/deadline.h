// limit/timeout: the wall-clock end of a run. A thread of its own waits
// for it, so that no blocking wait of a backend's loop (waitpid under
// ptrace) can miss it: at the timeout it asks the sandbox to end
// (SIGTERM), and after the grace period ends it (SIGKILL).
#ifndef SYD_SUPERVISE_DEADLINE_H_
#define SYD_SUPERVISE_DEADLINE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace syd::supervise {

class Deadline {
 public:
  // After `timeout`, `signal(SIGTERM)`; after `grace` more, `signal(SIGKILL)`.
  Deadline(std::chrono::milliseconds timeout, std::chrono::milliseconds grace,
           std::function<void(int sig)> signal);
  ~Deadline() { Cancel(); }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  // Cancels what has not happened yet, and waits for the thread.
  void Cancel();
  // The last signal the deadline sent: 0 before the timeout.
  int sent() const { return sent_.load(); }

 private:
  void Wait(std::chrono::milliseconds timeout, std::chrono::milliseconds grace);

  std::function<void(int sig)> signal_;
  std::mutex mu_;
  std::condition_variable cancelled_cv_;
  bool cancelled_ = false;
  std::atomic<int> sent_{0};
  std::thread thread_;
};

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_DEADLINE_H_
