#include "src/supervise/descriptor_answers.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
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

void DescriptorAnswers::Hand(uint64_t id, int fd, uint64_t flags) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back({id, fd, flags});
  }
  wake_.notify_one();
}

void DescriptorAnswers::HandResult(uint64_t id, int64_t error) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back({id, -1, 0, error});
  }
  wake_.notify_one();
}

void DescriptorAnswers::WaitAnswered() {
  std::unique_lock<std::mutex> lock(mu_);
  answered_.wait_for(lock, std::chrono::seconds(1),
                     [this] { return queue_.empty() && !answering_; });
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
    answering_ = true;
    lock.unlock();
    absl::Status st = a.fd < 0
                          ? listener_.Return(a.id, a.error)
                          : listener_.ReturnDescriptor(a.id, a.fd, a.flags);
    lock.lock();
    answering_ = false;
    answered_.notify_all();
    if (!st.ok() && failure_.ok()) {
      failure_ = std::move(st);
      const uint64_t one = 1;
      if (failed_fd_ >= 0) (void)!write(failed_fd_, &one, sizeof one);
    }
  }
}

}  // namespace syd::supervise
