// The compatibility gate: what a package's test suite runs passes under
// -p paludis, baseline on, as it does without syd, and syd reports nothing.
// Each workload (testdata/compat/run.sh) runs bare and then under syd, in
// a network namespace of the test's (the loopback servers and dbus's
// abstract socket are the test's own), under each backend.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "src/testing/netns.h"
#include "tests/e2e/e2e.h"

namespace syd {
namespace {

using testing::RunResult;

bool Installed(const char* program) {
  return access((std::string("/usr/bin/") + program).c_str(), X_OK) == 0;
}

// The lines syd wrote about the sandbox: reports start with "syd: ".
std::string SydLines(const std::string& err) {
  std::istringstream in(err);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("syd: ")) out += line + "\n";
  }
  return out;
}

// Runs `workload` bare and under syd, each in a fresh work directory, and
// checks that both succeed and that syd said nothing.
void Gate(const char* workload) {
  // The network namespace, and root, for what the workloads bind.
  REQUIRE(testing::EnterNewNetworkNamespace());
  const std::string run = std::filesystem::absolute("testdata/compat/run.sh");
  const std::string src = std::filesystem::absolute("testdata/compat");
  auto work_dir = [] {
    // dbus's and gpg-agent's socket paths must fit in sun_path: not under
    // Bazel's long TEST_TMPDIR.
    char tmpl[] = "/tmp/syd-compat.XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    return std::string(tmpl);
  };
  const std::string bare_dir = work_dir();
  const RunResult bare = testing::Run({run, workload, src, bare_dir});
  std::filesystem::remove_all(bare_dir);
  CAPTURE(bare.out);
  CAPTURE(bare.err);
  REQUIRE(bare.exit_code == 0);

  const std::string dir = work_dir();
  const RunResult in =
      e2e::Run({e2e::kSyd, "-c", "profiles/paludis.syd", "-D", "WORKDIR=" + dir,
                "-D", "IMAGE=" + dir, "--", run, workload, src, dir});
  std::filesystem::remove_all(dir);
  CAPTURE(in.out);
  CAPTURE(in.err);
  CHECK(in.exit_code == 0);
  CHECK(SydLines(in.err).empty());
}

TEST_CASE("a DejaGnu suite drives programs on pseudo-terminals" *
          doctest::skip(!Installed("runtest") || !Installed("expect"))) {
  Gate("dejagnu");
}

TEST_CASE("dbus-run-session: a bus of the build's own" *
          doctest::skip(!Installed("dbus-run-session"))) {
  Gate("dbus");
}

TEST_CASE("gpg: a key made, a file signed and verified through gpg-agent" *
          doctest::skip(!Installed("gpg") || !Installed("gpg-agent"))) {
  Gate("gpg");
}

TEST_CASE("go test: built and run in the sandbox" *
          doctest::skip(!Installed("go"))) {
  Gate("go");
}

TEST_CASE("cargo test: built and run in the sandbox" *
          doctest::skip(!Installed("cargo") || !Installed("rustc"))) {
  Gate("rust");
}

}  // namespace
}  // namespace syd
