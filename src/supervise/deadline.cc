#include "src/supervise/deadline.h"

#include <signal.h>

#include "src/base/thread_holding_signals.h"

namespace syd::supervise {

Deadline::Deadline(std::chrono::milliseconds timeout,
                   std::chrono::milliseconds grace,
                   std::function<void(int sig)> signal)
    : signal_(std::move(signal)),
      // Holding the signals syd catches: a SIGCHLD taken here would not
      // wake the loop (found by ThreadSanitizer: the handler ran on this
      // thread).
      thread_(StartThreadHoldingSignals(
          [this, timeout, grace] { Wait(timeout, grace); })) {}

void Deadline::Cancel() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
  }
  cancelled_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Deadline::Wait(std::chrono::milliseconds timeout,
                    std::chrono::milliseconds grace) {
  // steady_clock: a change of the wall clock moves neither end.
  auto at = std::chrono::steady_clock::now() + timeout;
  for (int sig : {SIGTERM, SIGKILL}) {
    std::unique_lock<std::mutex> lock(mu_);
    if (cancelled_cv_.wait_until(lock, at, [this] { return cancelled_; }))
      return;
    lock.unlock();
    sent_ = sig;
    signal_(sig);
    at = std::chrono::steady_clock::now() + grace;
  }
}

}  // namespace syd::supervise
