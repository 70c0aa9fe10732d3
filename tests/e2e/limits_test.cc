// limit/: the resource limits the command starts with, and the timeout
// that ends the whole sandbox, under each backend, with a policy syd
// judges and with one the kernel decides alone.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "src/testing/files.h"
#include "tests/e2e/e2e.h"

namespace syd {
namespace {

using e2e::kSyd;
using testing::RunResult;

using testing::Contains;

// A policy whose rule needs syd, and one the kernel decides alone.
const std::vector<std::vector<std::string>> kPolicies = {
    {"-m", "sys/trace+%file_wr:allow:arg_=*\"/tmp/***\""},
    {"-m", "sys/fault+ptrace:error=EPERM"},
};

RunResult Syd(const std::vector<std::string>& policy,
              const std::vector<std::string>& limits,
              const std::vector<std::string>& command) {
  std::vector<std::string> argv = {kSyd};
  argv.insert(argv.end(), policy.begin(), policy.end());
  argv.insert(argv.end(), limits.begin(), limits.end());
  argv.push_back("--");
  argv.insert(argv.end(), command.begin(), command.end());
  return e2e::Run(argv);
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since)
      .count();
}

TEST_CASE("the timeout ends the sandbox with SIGTERM, and syd exits 124") {
  for (const auto& policy : kPolicies) {
    CAPTURE(policy[1]);
    // A child that outlives the shell is ended too: syd waits for it.
    const auto start = std::chrono::steady_clock::now();
    const RunResult r = Syd(policy, {"--limit", "timeout=1s"},
                            {"/bin/sh", "-c", "sleep 60 & sleep 60; exit 3"});
    CAPTURE(r.err);
    CHECK(r.exit_code == 124);
    CHECK(Contains(r.err, "limit/timeout=1s: SIGTERM to the sandbox"));
    CHECK_FALSE(Contains(r.err, "grace period"));
    CHECK(Seconds(start) < 30);
  }
}

TEST_CASE("what ignores SIGTERM gets SIGKILL after the grace period") {
  for (const auto& policy : kPolicies) {
    CAPTURE(policy[1]);
    const auto start = std::chrono::steady_clock::now();
    // The ignored SIGTERM is inherited by sleep across exec.
    const RunResult r =
        Syd(policy, {"-m", "limit/timeout=500ms", "--limit", "grace=1s"},
            {"/bin/sh", "-c", "trap '' TERM; sleep 60; exit 3"});
    CAPTURE(r.err);
    CHECK(r.exit_code == 124);
    CHECK(Contains(r.err,
                   "limit/timeout=500ms: the grace period is over; "
                   "ending the sandbox"));
    CHECK(Seconds(start) < 30);
  }
}

TEST_CASE("a command that ends in time keeps its own status") {
  for (const auto& policy : kPolicies) {
    CAPTURE(policy[1]);
    const RunResult r = Syd(policy, {"--limit", "timeout=60s"},
                            {"/bin/sh", "-c", "echo done; exit 7"});
    CHECK(r.exit_code == 7);
    CHECK(r.out == "done\n");
    CHECK_FALSE(Contains(r.err, "timeout"));
  }
}

TEST_CASE("resource limits hold, soft and hard, and the smaller one wins") {
  for (const auto& policy : kPolicies) {
    CAPTURE(policy[1]);
    const RunResult r =
        Syd(policy,
            {"--limit", "nofile=128", "-m", "limit/nofile=64", "--limit",
             "nofile=1024", "--limit", "core=0", "--limit", "cpu=1h"},
            {"/bin/sh", "-c",
             "ulimit -Sn; ulimit -Hn; ulimit -Sc; ulimit -Hc; ulimit -St; "
             "(ulimit -n 65) 2>/dev/null && echo raised || echo kept"});
    CAPTURE(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "64\n64\n0\n0\n3600\nkept\n");
  }
}

TEST_CASE("fsize: a write past the limit stops there, with SIGXFSZ") {
  // Under /tmp, where the first policy lets the command write.
  char tmpl[] = "/tmp/syd-limits.XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl;
  for (size_t i = 0; i < kPolicies.size(); ++i) {
    const std::vector<std::string>& policy = kPolicies[i];
    CAPTURE(policy[1]);
    const std::string file = dir + "/big" + std::to_string(i);
    const RunResult r =
        Syd(policy, {"--limit", "fsize=4K"},
            {"/bin/sh", "-c",
             "head -c 10000 /dev/zero > " + file + "; echo $? >&2"});
    CAPTURE(r.err);
    struct stat st {};
    REQUIRE(stat(file.c_str(), &st) == 0);
    CHECK(st.st_size == 4096);
    CHECK(Contains(r.err, "153"));  // head killed by SIGXFSZ: 128 + 25
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("fsize: a file grown by name past the limit is not, with SIGXFSZ") {
  // truncate(2) by name is a call syd performs under the first policy:
  // the caller's limit holds there too (it once was syd's, and a file
  // grew to any size).
  char tmpl[] = "/tmp/syd-limits.XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl;
  const std::string helper = e2e::kHelper;
  for (size_t i = 0; i < kPolicies.size(); ++i) {
    const std::vector<std::string>& policy = kPolicies[i];
    CAPTURE(policy[1]);
    const std::string file = dir + "/grown" + std::to_string(i);
    const RunResult r =
        Syd(policy, {"--limit", "fsize=4K"},
            {"/bin/sh", "-c",
             ": > " + file + "; " + helper + " grow " + file + " 1000 && " +
                 helper + " grow " + file + " 100000; echo status=$? >&2"});
    CAPTURE(r.err);
    struct stat st {};
    REQUIRE(stat(file.c_str(), &st) == 0);
    CHECK(st.st_size == 1000);
    CHECK(Contains(r.err, "status=153"));  // killed by SIGXFSZ: 128 + 25
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("a limit syd cannot set runs nothing") {
  // Past /proc/sys/fs/nr_open, which binds root too.
  for (const auto& policy : kPolicies) {
    CAPTURE(policy[1]);
    const RunResult r = Syd(policy, {"--limit", "nofile=2000000000"},
                            {"/bin/sh", "-c", "echo ran"});
    CHECK(r.exit_code == 125);
    CHECK(r.out.empty());
    CHECK(Contains(r.err, "cannot set limit/nofile=2000000000"));
  }
  // A limit's name or value that is wrong is the policy's error.
  RunResult r = Syd(kPolicies[0], {"--limit", "nofiles=1"}, {"/bin/true"});
  CHECK(r.exit_code == 125);
  CHECK(Contains(r.err, "unknown limit 'nofiles' (did you mean 'nofile'?)"));
  r = Syd(kPolicies[0], {"--limit", "as=lots"}, {"/bin/true"});
  CHECK(r.exit_code == 125);
  CHECK(Contains(r.err, "'lots' is not a size in bytes"));
}

}  // namespace
}  // namespace syd
