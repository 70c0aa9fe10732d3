// Paludis's invocation (-p paludis-magic) driven as Paludis drives it:
// through esandbox's magic stats, from a phase shell (testdata/paludis/
// phase.bash), against a listener of the test's own in a network
// namespace the test makes. Each command's real effect is checked: the
// connections that arrived, the files made, the reports.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "src/testing/files.h"
#include "src/testing/netns.h"
#include "src/testing/subprocess.h"
#include "tests/e2e/e2e.h"

namespace syd {
namespace {

using e2e::kHelper;
using e2e::kSyd;
using testing::Contains;
using testing::Exists;

// "name=status" lines, by name.
std::map<std::string, std::string> Steps(const std::string& out) {
  std::map<std::string, std::string> steps;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    const size_t eq = line.find('=');
    if (eq != std::string::npos)
      steps[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return steps;
}

TEST_CASE("a Paludis phase drives syd through esandbox" *
          doctest::skip(geteuid() != 0)) {
  REQUIRE(testing::EnterNewNetworkNamespace());
  const testing::LoopbackSocket test_listener =
      testing::BindLoopback(SOCK_STREAM);
  REQUIRE(test_listener.fd >= 0);
  const int listener = test_listener.fd;
  const std::string root = testing::MakeTempDir();
  const std::string work = root + "/work";
  const std::string outside = root + "/outside";
  std::filesystem::create_directories(work);
  std::filesystem::create_directories(outside);
  const std::string helper =
      std::filesystem::absolute(kHelper).lexically_normal().string();
  const testing::RunResult r = e2e::Run(
      {kSyd, "-p", "paludis-magic", "-D", "WORKDIR=" + work, "-D",
       "IMAGE=" + work, "--", "/bin/bash", "testdata/paludis/phase.bash",
       helper, work, outside, std::to_string(test_listener.port)},
      {"SYD_PROFILE_PATH=profiles"});
  CAPTURE(r.out);
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  std::map<std::string, std::string> s = Steps(r.out);
  const std::map<std::string, std::string> want = {
      {"check", "0"},
      {"api", "1"},
      {"exec_lock", "0"},
      {"enable_exec", "0"},
      {"enabled_exec", "0"},
      {"allow_exec", "0"},
      {"exec_banned", "126"},
      {"exec_allowed", "0"},
      {"disable_exec", "0"},
      {"exec_again", "0"},
      {"enabled_net_at_start", "1"},
      {"connect_open", "0"},
      {"enable_net", "0"},
      {"connect_refused", "111"},
      {"allow_net", "0"},
      {"connect_allowed", "0"},
      {"disallow_net", "0"},
      {"connect_refused_again", "111"},
      {"disable_net", "0"},
      {"connect_open_again", "0"},
      {"write_refused", "1"},
      {"allow", "0"},
      {"write_allowed", "0"},
      {"disallow", "0"},
      {"write_refused_again", "1"},
      {"addfilter", "0"},
      {"write_filtered", "1"},
      {"churn", "done"},
      {"child_change", "1"},
      {"write_after_child", "1"},
      {"shell_change", "0"},
      {"wait_eldest", "1"},
      {"resume", "1"},
      {"lock", "0"},
      {"after_lock", "1"},
      {"write_after_lock", "1"},
  };
  for (const auto& entry : want) {
    const std::string& name = entry.first;  // a binding CAPTURE cannot take
    CAPTURE(name);
    CHECK(s[name] == entry.second);
  }
  // Three connections arrived: open at the start, allowed, open again.
  CHECK(testing::Accepted(listener) == 3);
  close(listener);
  // What was written where.
  CHECK(Exists(work + "/by-helper"));
  CHECK(Exists(outside + "/b"));
  for (const char* name : {"a", "c", "d", "e", "quiet"})
    CHECK_FALSE(Exists(outside + "/" + name));
  // Refusals are reported, but the filtered one; escapes say why.
  CHECK(Contains(r.err, outside + "/a"));
  CHECK(Contains(r.err, outside + "/c"));
  CHECK_FALSE(Contains(r.err, outside + "/quiet"));
  CHECK(Contains(r.err, "exit_wait_all:false is refused"));
  CHECK(Contains(r.err, "resume_if_match+/bin/sh: refused"));
  CHECK(Contains(r.err, "the sandbox is locked"));
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace syd
