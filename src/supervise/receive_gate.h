// Which of syd's deciding threads receives the next stopped call. Each
// thread that polls the listener is woken for every call; the gate lets
// one of them receive it, and only while it is still there: a thread in
// SECCOMP_IOCTL_NOTIF_RECV for a call another took would wait for the
// next call. It also holds every deciding thread while syd stops itself.
#ifndef SYD_SUPERVISE_RECEIVE_GATE_H_
#define SYD_SUPERVISE_RECEIVE_GATE_H_

#include <linux/seccomp.h>

#include <condition_variable>
#include <mutex>
#include <optional>

#include "absl/status/statusor.h"
#include "src/supervise/listener.h"

namespace syd::supervise {

class ReceiveGate {
 public:
  // `shared`: more than one thread receives on `listener` (outliving
  // this); alone, a thread woken for a call always finds it there.
  ReceiveGate(Listener& listener, bool shared)
      : listener_(listener), shared_(shared) {}
  ReceiveGate(const ReceiveGate&) = delete;
  ReceiveGate& operator=(const ReceiveGate&) = delete;

  // The next stopped call, or nothing when there is none now (another
  // thread took it, or it went away); an error when the listener failed.
  // Waits while the gate is paused. A call taken is answered, then Done.
  absl::StatusOr<std::optional<seccomp_notif>> Take();
  void Done();
  // The calling thread takes no call now; the others take none until
  // Resume, and those taken are answered first (a second at most): syd's
  // own stop would interrupt an answer being given (ADDFD).
  void Pause();
  void Resume();

 private:
  Listener& listener_;
  const bool shared_;
  std::mutex mu_;
  std::condition_variable resumed_;
  std::condition_variable answered_;
  bool paused_ = false;  // guarded by mu_
  int taken_ = 0;        // calls taken and not yet Done; guarded by mu_
};

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_RECEIVE_GATE_H_
