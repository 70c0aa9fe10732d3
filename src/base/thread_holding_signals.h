// A thread of syd's that never takes a signal: the signals syd catches
// are for the supervisor's loop, which takes them only while it waits
// (src/supervise/signals.h). A thread that left them open would take
// process-directed ones in its place and the loop would not wake.
#ifndef SYD_BASE_THREAD_HOLDING_SIGNALS_H_
#define SYD_BASE_THREAD_HOLDING_SIGNALS_H_

#include <pthread.h>
#include <signal.h>

#include <thread>
#include <utility>

namespace syd {

// Starts `body` on a thread that holds every signal: a new thread starts
// with its creator's mask, so the creator holds them all for the moment
// of the start. Throws what std::thread throws.
template <typename Body>
std::thread StartThreadHoldingSignals(Body&& body) {
  sigset_t all, before;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &before);
  struct Restore {
    const sigset_t& mask;
    ~Restore() { pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
  } restore{before};
  return std::thread(std::forward<Body>(body));
}

}  // namespace syd

#endif  // SYD_BASE_THREAD_HOLDING_SIGNALS_H_
