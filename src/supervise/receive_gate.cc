#include "src/supervise/receive_gate.h"

#include <chrono>

namespace syd::supervise {

absl::StatusOr<std::optional<seccomp_notif>> ReceiveGate::Take() {
  if (!shared_) return listener_.Receive();
  std::unique_lock<std::mutex> lock(mu_);
  resumed_.wait(lock, [this] { return !paused_; });
  // Only the gate's holder receives: a call seen here stays for it (one
  // whose caller is killed meanwhile is ENOENT, not a wait).
  if (!listener_.AnotherWaits()) return std::nullopt;
  absl::StatusOr<std::optional<seccomp_notif>> req = listener_.Receive();
  if (req.ok() && *req) ++taken_;
  return req;
}

void ReceiveGate::Done() {
  if (!shared_) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (--taken_ == 0) answered_.notify_all();
}

void ReceiveGate::Pause() {
  if (!shared_) return;
  std::unique_lock<std::mutex> lock(mu_);
  paused_ = true;
  answered_.wait_for(lock, std::chrono::seconds(1),
                     [this] { return taken_ == 0; });
}

void ReceiveGate::Resume() {
  if (!shared_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    paused_ = false;
  }
  resumed_.notify_all();
}

}  // namespace syd::supervise
