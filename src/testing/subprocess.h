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
  std::string out;
  std::string err;
};

// Runs argv[0] (a path) with `argv`, stdin from /dev/null, and waits. Extra
// environment entries ("K=V") are added to the inherited ones.
RunResult Run(const std::vector<std::string>& argv,
              const std::vector<std::string>& extra_env = {});

// A fresh directory under TEST_TMPDIR (or /tmp), removed by nobody: Bazel
// cleans TEST_TMPDIR.
std::string MakeTempDir();

}  // namespace syd::testing

#endif  // SYD_TESTING_SUBPROCESS_H_
