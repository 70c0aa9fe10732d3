#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/testing/subprocess.h"

#include <doctest/doctest.h>
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace syd::testing {
namespace {

bool Alive(pid_t pid) { return kill(pid, 0) == 0 || errno != ESRCH; }

TEST_CASE("a program that hangs is killed at the deadline, with its group") {
  const std::string dir = MakeTempDir();
  const std::string pidfile = dir + "/pid";
  // The child keeps the output open; the grandchild has closed it.
  RunResult r = Run(
      {"/bin/sh", "-c",
       "sleep 100 >/dev/null 2>&1 & echo $! > " + pidfile + "; exec sleep 100"},
      {}, 1);
  CHECK(r.timed_out);
  // SIGUSR2 (syd's dump) ends sleep before the SIGKILL comes.
  CHECK((r.term_signal == SIGUSR2 || r.term_signal == SIGKILL));
  int left = 0;
  std::ifstream(pidfile) >> left;
  REQUIRE(left > 0);
  // SIGKILL is sent, not yet taken, when Run returns: the orphan dies as
  // it is next scheduled, and may stay a zombie until init reaps it. A
  // bounded wait (2 s) for either.
  auto gone = [&] {
    std::string state;
    std::ifstream("/proc/" + std::to_string(left) + "/stat") >> state >>
        state >> state;
    return !Alive(left) || state == "Z";
  };
  for (int i = 0; i < 200 && !gone(); ++i) usleep(10'000);
  CHECK(gone());
}

TEST_CASE("a program that closes its output and runs on is killed too") {
  RunResult r = Run({"/bin/sh", "-c", "exec >&- 2>&-; sleep 100"}, {}, 1);
  CHECK(r.timed_out);
  CHECK(r.term_signal == SIGKILL);
}

TEST_CASE("a program that ends in time is waited for, status and output") {
  RunResult r = Run({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 3);
  CHECK(r.out == "out\n");
  CHECK(r.err == "err\n");
}

}  // namespace
}  // namespace syd::testing
