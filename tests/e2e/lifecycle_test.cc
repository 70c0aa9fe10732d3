// syd ends when the sandbox has: it waits for its own processes and
// threads, never for a number that a host process has taken over.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <dirent.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "src/testing/files.h"
#include "tests/e2e/e2e.h"

namespace syd {
namespace {

using testing::Exists;
using testing::RunResult;

bool WaitFor(const std::string& path, bool present) {
  for (int i = 0; i < 1000; ++i) {
    if (Exists(path) == present) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// The tid in this pid namespace of the traced task whose innermost tid is
// `ns_tid` (its NSpid line ends with it), or 0.
pid_t HostTid(pid_t ns_tid) {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return 0;
  pid_t found = 0;
  while (dirent* p = readdir(proc)) {
    if (found != 0 || p->d_name[0] < '1' || p->d_name[0] > '9') continue;
    const std::string tasks = std::string("/proc/") + p->d_name + "/task";
    DIR* dir = opendir(tasks.c_str());
    if (dir == nullptr) continue;
    while (dirent* t = readdir(dir)) {
      if (t->d_name[0] < '1' || t->d_name[0] > '9') continue;
      std::ifstream status(tasks + "/" + t->d_name + "/status");
      std::vector<long> nspid;
      long tracer = 0;
      for (std::string line; std::getline(status, line);) {
        std::istringstream in(line);
        std::string key;
        in >> key;
        if (key == "TracerPid:") in >> tracer;
        if (key == "NSpid:") {
          for (long v; in >> v;) nspid.push_back(v);
        }
      }
      if (tracer != 0 && nspid.size() >= 2 && nspid.back() == ns_tid) {
        found = static_cast<pid_t>(nspid.front());
        break;
      }
    }
    closedir(dir);
  }
  closedir(proc);
  return found;
}

// A child of the test's, outside the sandbox, with pid `pid`: the next
// pid set with ns_last_pid; tried again if another process takes it.
pid_t TakePid(pid_t pid) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    std::ofstream("/proc/sys/kernel/ns_last_pid") << pid - 1;
    const pid_t child = fork();
    if (child == 0) {
      alarm(60);
      pause();
      _exit(0);
    }
    if (child == pid) return child;
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
  }
  return 0;
}

TEST_CASE(
    "a tid that vanished and that a host process took does not keep "
    "syd waiting" *
    doctest::skip(e2e::Backend() != "ptrace" || geteuid() != 0)) {
  // A thread execs: its tid vanishes without an exit for syd to see.
  const std::string dir = testing::MakeTempDir();
  RunResult result;
  std::thread syd([&] {
    result = e2e::Run({e2e::kSyd, "-m", "sys/trace+%file_wr:allow", "--",
                       e2e::kHelper, "thread-exec", dir});
  });
  // Whatever fails below, the sandbox is let go and syd waited for (a
  // joinable thread would end the test binary instead of the case).
  struct Release {
    std::thread& syd;
    std::string dir;
    ~Release() {
      if (!syd.joinable()) return;
      std::ofstream(dir + "/go") << "";
      std::ofstream(dir + "/end") << "";
      syd.join();
    }
  } release{syd, dir};
  REQUIRE(WaitFor(dir + "/tid", true));
  pid_t ns_tid = 0;
  std::ifstream(dir + "/tid") >> ns_tid;
  const pid_t tid = HostTid(ns_tid);
  REQUIRE(tid > 0);
  std::ofstream(dir + "/go") << "";
  REQUIRE(WaitFor("/proc/" + std::to_string(tid), false));
  // A process of the host's takes the number while syd still traces more
  // than a few tracees (the helper's nine children), then the sandbox
  // ends.
  const pid_t taker = TakePid(tid);
  if (taker != tid) {
    // Fifty processes of others took it first: nothing to try this time.
    MESSAGE("could not take pid " << tid << "; the case tested nothing");
    return;
  }
  const auto released = std::chrono::steady_clock::now();
  std::ofstream(dir + "/end") << "";
  syd.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - released)
          .count();
  kill(taker, SIGKILL);
  waitpid(taker, nullptr, 0);
  CAPTURE(result.err);
  CHECK(result.exit_code == 0);
  CHECK(seconds < 30);
}

// A thread that ends at once can stop, run and end in syd's sight before
// its parent's clone event does: the event must not count it again.
// Four threads starting 32 such threads 20 times each left more such
// tids behind than the few syd checks at an exit, and in its pid
// namespace (whose init lives on) syd waited for them for ever.
TEST_CASE("threads that end before their parent's clone event is seen") {
  const RunResult r =
      testing::Run({e2e::kSyd, "--backend=" + e2e::Backend(), "-m",
                    "sys/trace+%file_wr:allow", "--", e2e::kHelper,
                    "thread-spawners", "4", "32", "20"},
                   {}, /*deadline_seconds=*/60);
  CAPTURE(r.err);
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "spawned\n");
}

}  // namespace
}  // namespace syd
