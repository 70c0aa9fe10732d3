#include "src/supervise/descriptor_answers.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <utility>

#include "src/base/thread_holding_signals.h"

namespace syd::supervise {

DescriptorAnswers::DescriptorAnswers(Listener& listener)
    : listener_(listener), failed_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  // It holds every signal, which ADDFD needs (Listener::ReturnDescriptor).
  thread_ = StartThreadHoldingSignals([this] { Run(); });
}

DescriptorAnswers::~DescriptorAnswers() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ending_ = true;
  }
  wake_.notify_one();
  thread_.join();
  if (failed_fd_ >= 0) close(failed_fd_);
}

void DescriptorAnswers::Hand(uint64_t id, int fd, bool cloexec) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back({id, fd, cloexec});
  }
  wake_.notify_one();
}

absl::Status DescriptorAnswers::TakeFailure() {
  uint64_t count;
  if (failed_fd_ >= 0) (void)!read(failed_fd_, &count, sizeof count);
  std::lock_guard<std::mutex> lock(mu_);
  return std::exchange(failure_, absl::OkStatus());
}

void DescriptorAnswers::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return ending_ || !queue_.empty(); });
    if (queue_.empty()) return;  // ending, and everything answered
    const Answer a = queue_.front();
    queue_.pop_front();
    lock.unlock();
    absl::Status st = listener_.ReturnDescriptor(a.id, a.fd, a.cloexec);
    close(a.fd);
    lock.lock();
    if (!st.ok() && failure_.ok()) {
      failure_ = std::move(st);
      const uint64_t one = 1;
      if (failed_fd_ >= 0) (void)!write(failed_fd_, &one, sizeof one);
    }
  }
}

}  // namespace syd::supervise
