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
      return Outcome{false, -v.value};
    case K::kRetval:
      return Outcome{false, v.value};
    case K::kKillProcess:
      return Outcome{false, -EPERM, sig ? sig : SIGKILL, tgid};
    case K::kKillThread:
      return Outcome{false, -EPERM, sig ? sig : SIGKILL, tgid, true};
    case K::kTrap:
      return Outcome{false, -ENOSYS, SIGSYS, tgid, true};
    case K::kDetachProcess:
    case K::kDetachThread:
      return Outcome{true, 0, sig, pid};
    case K::kPlugin:
      break;
  }
  return Outcome{false, -EPERM};
}

}  // namespace syd::supervise
