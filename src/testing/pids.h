// Pids a sandboxed process reports about itself, as the test sees them:
// syd runs the sandbox in a pid namespace of its own where it can, and a
// pid written from inside names another process outside (the test's own,
// under Bazel's pid namespace). Signal only what OuterPid returns.
#ifndef SYD_TESTING_PIDS_H_
#define SYD_TESTING_PIDS_H_

#include <sys/types.h>

namespace syd::testing {

// The process below `ancestor` whose pid is `inner` in its own pid
// namespace (the last NSpid of /proc/PID/status), as the test's /proc
// numbers it: `inner` itself when that process is in the test's
// namespace. 0 when no process below `ancestor` has that pid.
pid_t OuterPid(pid_t ancestor, pid_t inner);

}  // namespace syd::testing

#endif  // SYD_TESTING_PIDS_H_
