// Opens that wait for a FIFO's other end, unix connects that wait for
// room in a server's queue, and sends that wait for room in their socket,
// each on a thread of its own. syd opens (connects to, sends to) what it
// judged, so such a call cannot be left to the kernel, which would read
// the name again; nor can the deciding thread wait in it. The thread waits as
// the caller would have, and answers.
#ifndef SYD_SUPERVISE_WAITING_OPENS_H_
#define SYD_SUPERVISE_WAITING_OPENS_H_

#include <pthread.h>

#include <atomic>
#include <cstdint>
#include <list>
#include <mutex>
#include <thread>

#include "src/supervise/descriptor_answers.h"
#include "src/supervise/listener.h"
#include "src/supervise/performer.h"

namespace syd::supervise {

class WaitingOpens {
 public:
  // At most this many wait at once: a program that leaves more waiting
  // (its callers killed in their wait) gets ENFILE for the next.
  static constexpr size_t kMaxWaiting = 128;

  // Answers through `answers`; `listener` says whether a call still
  // waits. Both outlive this.
  WaitingOpens(Listener& listener, DescriptorAnswers& answers);
  // Ends every wait (EINTR to a caller still in it) and joins its thread.
  ~WaitingOpens();
  WaitingOpens(const WaitingOpens&) = delete;
  WaitingOpens& operator=(const WaitingOpens&) = delete;

  // Opens the FIFO of `p` (Performed::Kind::kWaits) for call `id` once
  // its other end comes, connects its socket once the server's queue has
  // room, or sends its message, and answers the call; false, `p` untouched,
  // when kMaxWaiting already wait.
  bool Start(uint64_t id, Performed& p);

 private:
  struct Waiter {
    std::thread thread;
    std::atomic<pthread_t> handle{};
    std::atomic<bool> done{false};
  };
  void Wait(uint64_t id, const Performed& p, Waiter* self);

  Listener& listener_;
  DescriptorAnswers& answers_;
  std::atomic<bool> ending_{false};
  std::mutex mu_;
  std::list<Waiter> waiters_;  // guarded by mu_
};

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_WAITING_OPENS_H_
