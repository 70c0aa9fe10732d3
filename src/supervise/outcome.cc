#include "src/supervise/outcome.h"

#include <errno.h>
#include <signal.h>

namespace syd::supervise {

Outcome OutcomeOf(const Verdict& v, pid_t pid, pid_t tgid) {
  using K = Verdict::Kind;
  const int sig = static_cast<int>(v.value);
  switch (v.kind) {
    case K::kAllow:
    case K::kLog:
      return Outcome{};
    case K::kErrno:
      return Outcome{.run = false, .ret = -v.value};
    case K::kRetval:
      return Outcome{.run = false, .ret = v.value};
    case K::kKillProcess:
      return Outcome{.run = false,
                     .ret = -EPERM,
                     .signal = sig ? sig : SIGKILL,
                     .signal_to = tgid};
    case K::kKillThread:
      return Outcome{.run = false,
                     .ret = -EPERM,
                     .signal = sig ? sig : SIGKILL,
                     .signal_to = tgid,
                     .signal_thread = true};
    case K::kTrap:
      return Outcome{.run = false,
                     .ret = -ENOSYS,
                     .signal = SIGSYS,
                     .signal_to = tgid,
                     .signal_thread = true};
    case K::kDetachProcess:
    case K::kDetachThread:
      return Outcome{.signal = sig, .signal_to = pid};
    case K::kPlugin:
      break;
  }
  return Outcome{.run = false, .ret = -EPERM};
}

}  // namespace syd::supervise
