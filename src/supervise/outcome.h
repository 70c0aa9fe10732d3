// What becomes of one stopped call, whichever backend stopped it: the
// backend only applies it.
#ifndef SYD_SUPERVISE_OUTCOME_H_
#define SYD_SUPERVISE_OUTCOME_H_

#include <sys/types.h>

#include <cstdint>

#include "src/policy/rules.h"

namespace syd::supervise {

struct Outcome {
  bool run = true;  // the call runs as it is
  int64_t ret = 0;  // else it returns this: a value, or -errno
  // A signal the verdict sends (kill_*, trap, detach_*=SIG).
  int signal = 0;
  pid_t signal_to = 0;         // a thread group, or
  bool signal_thread = false;  // the thread (tgkill) that made the call
};

// The outcome of verdict `v` for a call of thread `pid` in thread group
// `tgid`. A verdict no plugin resolved (kPlugin) refuses: an unjudged call
// never runs.
Outcome OutcomeOf(const Verdict& v, pid_t pid, pid_t tgid);

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_OUTCOME_H_
