// What becomes of one stopped call, whichever backend stopped it: the
// backend only applies it.
#ifndef SYD_SUPERVISE_OUTCOME_H_
#define SYD_SUPERVISE_OUTCOME_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "src/policy/rules.h"

namespace syd::supervise {

// An allowed open, as syd judged it.
struct OpenToPerform {
  // Resolved, absolute, in syd's view, with no link in it but perhaps the
  // last name (one the open does not follow); a trailing '/' as written.
  std::string path;
  uint64_t flags = 0;     // as the call gave them
  uint64_t mode = 0;      // for O_CREAT and O_TMPFILE
  bool open_how = false;  // openat2: flags and mode as it checks them
};

struct Outcome {
  bool run = true;  // the call runs as it is
  int64_t ret = 0;  // else it returns this: a value, or -errno
  // A signal the verdict sends (kill_*, trap, detach_*=SIG).
  int signal = 0;
  pid_t signal_to = 0;         // a thread group, or
  bool signal_thread = false;  // the thread (tgkill) that made the call
  // An allowed open that syd may perform itself rather than let the
  // kernel read its arguments again (src/supervise/performer.h); the
  // backends that cannot, continue it.
  std::optional<OpenToPerform> open;
};

// The outcome of verdict `v` for a call of thread `pid` in thread group
// `tgid`. A verdict no plugin resolved (kPlugin) refuses: an unjudged call
// never runs.
Outcome OutcomeOf(const Verdict& v, pid_t pid, pid_t tgid);

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_OUTCOME_H_
