// Runs a program and collects what it printed and how it ended: the end to
// end tests use it to run syd as a user would.
#ifndef SYD_TESTING_SUBPROCESS_H_
#define SYD_TESTING_SUBPROCESS_H_

#include <string>
#include <vector>

namespace syd::testing {

struct RunResult {
  int exit_code = -1;   // when it exited
  int term_signal = 0;  // when a signal killed it
  // Ended at the deadline: SIGUSR2 first, which asks syd for its state
  // dump (it ends up in `err`) and ends most other programs, then, two
  // seconds later or once the output closes, SIGKILL to the group.
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs argv[0] (a path) with `argv`, stdin from /dev/null, and waits. Extra
// environment entries ("K=V") are added to the inherited ones. The program
// runs in a process group of its own; if it has not closed its output by
// the deadline, the whole group is killed (a hung syd must not
// outlive the test, nor leave its sandbox running).
inline constexpr int kRunDeadlineSeconds = 120;
RunResult Run(const std::vector<std::string>& argv,
              const std::vector<std::string>& extra_env = {},
              int deadline_seconds = kRunDeadlineSeconds);

// A fresh directory under TEST_TMPDIR (or /tmp), removed by nobody: Bazel
// cleans TEST_TMPDIR.
std::string MakeTempDir();

}  // namespace syd::testing

#endif  // SYD_TESTING_SUBPROCESS_H_
