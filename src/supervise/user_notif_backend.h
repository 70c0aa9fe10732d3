// The user-notification backend: nothing is traced; the calls the filter
// returns SECCOMP_RET_USER_NOTIF for wait on syd's listener, and syd
// answers each. syd is the sandbox's subreaper and reaps on SIGCHLD.
// Calls are received, decided and answered on one thread per CPU
// (DecidingThreads), not on the loop's, which handles syd's signals:
// while one thread waits on a call (its memory, a slow file system, a
// driver), the others go on, and syd still answers its signals when all
// of them wait.
#ifndef SYD_SUPERVISE_USER_NOTIF_BACKEND_H_
#define SYD_SUPERVISE_USER_NOTIF_BACKEND_H_

#include <linux/seccomp.h>
#include <sys/types.h>

#include <atomic>
#include <utility>

#include "absl/status/status.h"
#include "src/supervise/backend.h"
#include "src/supervise/listener.h"

namespace syd::supervise {

class DescriptorAnswers;
class ReceiveGate;
class WaitingOpens;
class Supervisor;

// The threads that decide calls under user notification: one per CPU
// syd may run on, up to four, besides the loop's.
int DecidingThreads();

class UserNotifBackend : public Backend {
 public:
  // `channel`: where the child hands its listener over.
  UserNotifBackend(Supervisor& supervisor, ListenerChannel channel)
      : s_(supervisor), channel_(std::move(channel)) {}

  std::string_view name() const override { return "user notification"; }
  int Supervise(pid_t child) override;
  // User notification does not pass the filter's return data on.
  uint32_t ChainPosition(pid_t) const override { return 0; }
  // Never asked: a run with exit hooks takes ptrace.
  void ExpectExit(pid_t, PendingExit) override {}
  std::vector<pid_t> Processes() const override;
  std::vector<pid_t> Tasks() const override;
  void ContinueStopped() override;

 private:
  // Every thread of it stopped (/proc state T): nothing reports stops.
  bool InGroupStop(pid_t pid) const override;
  // An error when the answer could not be given: the run ends.
  absl::Status OnCall(const seccomp_notif& req);
  // Takes the next call through the gate, where it is still there, and
  // answers it (OnCall): OnCall's error, or the gate's.
  absl::Status AnswerNext();
  // A deciding thread: takes calls until `stop_fd` is readable or the
  // listener has no more callers.
  void DecideAside(int stop_fd);

  Supervisor& s_;
  ListenerChannel channel_;
  // While Supervise runs.
  Listener* listener_ = nullptr;
  DescriptorAnswers* answers_ = nullptr;
  WaitingOpens* waiting_ = nullptr;
  ReceiveGate* gate_ = nullptr;
  // A deciding thread could not answer: the run ended.
  std::atomic<bool> failed_aside_ = false;
};

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_USER_NOTIF_BACKEND_H_
