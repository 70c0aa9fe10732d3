#include "src/supervise/waiting_opens.h"

#include <errno.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <utility>

#include "src/base/thread_holding_signals.h"

namespace syd::supervise {
namespace {

// SIGURG, which nothing else of syd's takes, interrupts a waiting open:
// the destructor's, and a timer's every second, after which the thread
// asks whether its caller still waits (one killed in its wait is gone).
// No SA_RESTART: the open must return. Every other thread of syd holds
// it: the deciding thread from the constructor on, the others from their
// start (StartThreadHoldingSignals).
constexpr int kInterrupt = SIGURG;
void Interrupted(int) {}

}  // namespace

WaitingOpens::WaitingOpens(Listener& listener, DescriptorAnswers& answers)
    : listener_(listener), answers_(answers) {
  struct sigaction sa = {};
  sa.sa_handler = Interrupted;
  sigemptyset(&sa.sa_mask);
  sigaction(kInterrupt, &sa, nullptr);
  sigset_t interrupt;
  sigemptyset(&interrupt);
  sigaddset(&interrupt, kInterrupt);
  pthread_sigmask(SIG_BLOCK, &interrupt, nullptr);
}

WaitingOpens::~WaitingOpens() {
  ending_ = true;
  std::lock_guard<std::mutex> lock(mu_);
  // A signal that lands before its thread is in the open is lost: sent
  // again until every thread has seen ending_ (a FIFO's wait always
  // returns to one; 10 s bound the loop all the same).
  for (int tries = 0; tries < 2000; ++tries) {
    bool all_done = true;
    for (Waiter& w : waiters_) {
      if (w.done) continue;
      all_done = false;
      if (const pthread_t h = w.handle; h != pthread_t{})
        pthread_kill(h, kInterrupt);
    }
    if (all_done) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (Waiter& w : waiters_) w.thread.join();
}

bool WaitingOpens::Start(uint64_t id, Performed& p) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if (!it->done) {
      ++it;
      continue;
    }
    it->thread.join();
    it = waiters_.erase(it);
  }
  if (waiters_.size() >= kMaxWaiting) return false;
  Waiter& w = waiters_.emplace_back();
  w.thread = StartThreadHoldingSignals(
      [this, id, owned = std::move(p), &w]() { Wait(id, owned, &w); });
  return true;
}

void WaitingOpens::Wait(uint64_t id, const Performed& p, Waiter* self) {
  self->handle = pthread_self();
  sigset_t interrupt;
  sigemptyset(&interrupt);
  sigaddset(&interrupt, kInterrupt);
  pthread_sigmask(SIG_UNBLOCK, &interrupt, nullptr);
  sigevent every_second = {};
  every_second.sigev_notify = SIGEV_THREAD_ID;
  every_second.sigev_signo = kInterrupt;
  // sigev_notify_thread_id, which this glibc does not name.
  every_second._sigev_un._tid = gettid();
  timer_t timer;
  const bool timed = timer_create(CLOCK_MONOTONIC, &every_second, &timer) == 0;
  if (timed) {
    const itimerspec second = {{1, 0}, {1, 0}};
    timer_settime(timer, 0, &second, nullptr);
  }
  for (;;) {
    const int64_t fd = p.sends()      ? SendWaiting(p)
                       : p.connects() ? ConnectWaiting(p)
                                      : OpenWaiting(p);
    if (fd >= 0 && !p.connects() && !p.sends()) {
      answers_.Hand(id, static_cast<int>(fd), p.flags());
      break;
    }
    if (fd == -EINTR && !ending_ && listener_.Waiting(id)) continue;
    // Connected, refused, or syd ends while the caller still waits (a
    // caller gone takes no answer).
    answers_.HandResult(id, fd);
    break;
  }
  if (timed) timer_delete(timer);
  pthread_sigmask(SIG_BLOCK, &interrupt, nullptr);
  self->done = true;
}

}  // namespace syd::supervise
