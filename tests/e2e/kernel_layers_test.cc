// What the kernel layers hold on their own: with syd's checks switched
// off (--allow-stopped-calls) the Landlock layer derived from the policy
// still keeps writes in the allowed tree; and with them on, it stops what
// syd cannot see or can be raced on (io_uring, a symlink swapped
// mid-call). Checked on the file system, under both backends, and with
// the ABI capped to show the documented fallbacks.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "src/kernel/landlock.h"
#include "src/testing/files.h"
#include "tests/e2e/e2e.h"

namespace syd {
namespace {

using e2e::kHelper;
using e2e::kSyd;
using e2e::Touch;
using e2e::Tree;
using testing::Entries;
using testing::Exists;
using testing::RunResult;

const std::vector<std::string> kChecksOff = {"--allow-stopped-calls"};

bool NoFileLayer() { return kernel::LandlockAbi() < 2; }

TEST_CASE("with syd's checks off, Landlock alone keeps writes in the tree" *
          doctest::skip(NoFileLayer())) {
  Tree t;
  const std::string src = Touch(t.allowed + "/src");
  const std::string victim = Touch(t.denied + "/victim");
  REQUIRE(symlink(t.denied.c_str(), (t.allowed + "/escape").c_str()) == 0);
  std::vector<e2e::Escape> cases = e2e::WriteEscapes(t, src);
  cases.push_back({{"write", t.allowed + "/escape/f"}, t.denied + "/f"});
  for (const e2e::Escape& c : cases) {
    CAPTURE(c.args[0]);
    const RunResult r = t.Helper(c.args, kChecksOff);
    // EACCES, or EXDEV for a rename or link Landlock will not reparent.
    CHECK((r.exit_code == EACCES || r.exit_code == EXDEV));
    CHECK_FALSE(Exists(c.must_not_exist));
  }
  CHECK(Exists(src));
  for (const char* op : {"truncate", "unlink"}) {
    CAPTURE(op);
    CHECK(t.Helper({op, victim}, kChecksOff).exit_code == EACCES);
  }
  struct stat st;
  REQUIRE(stat(victim.c_str(), &st) == 0);
  CHECK(st.st_size == 4);
  // Nothing the rules allow is refused.
  CHECK(t.Helper({"mkdir", t.allowed + "/d"}, kChecksOff).exit_code == 0);
  CHECK(t.Helper({"write", t.allowed + "/d/f"}, kChecksOff).exit_code == 0);
  CHECK(
      t.Helper({"rename", src, t.allowed + "/d/moved"}, kChecksOff).exit_code ==
      0);
  CHECK(Exists(t.allowed + "/d/moved"));
  CHECK(t.Helper({"truncate", t.allowed + "/d/f"}, kChecksOff).exit_code == 0);
  CHECK(t.Helper({"unlink", t.allowed + "/d/f"}, kChecksOff).exit_code == 0);
}

TEST_CASE("with syd's checks off, Landlock alone keeps reads in an allow-list" *
          doctest::skip(NoFileLayer())) {
  Tree t;
  const std::string inside = Touch(t.allowed + "/inside");
  const std::string secret = Touch(t.denied + "/secret");
  REQUIRE(mkdir((t.denied + "/dir").c_str(), 0755) == 0);
  std::ofstream(t.policy, std::ios::app) << e2e::ReadAllowList({t.allowed});
  // The kernel refuses the read and the listing; what the rules allow
  // still opens, and so does what the helper needs to run.
  CHECK(t.Helper({"read", secret}, kChecksOff).exit_code == EACCES);
  CHECK(t.Helper({"read", t.denied + "/dir"}, kChecksOff).exit_code == EACCES);
  CHECK(t.Helper({"read", inside}, kChecksOff).exit_code == 0);
  CHECK(t.Helper({"read", "/etc/passwd"}, kChecksOff).exit_code == 0);
  CHECK(t.Helper({"write", t.allowed + "/new"}, kChecksOff).exit_code == 0);
  CHECK(testing::ReadAll(t.allowed + "/new") == "x");
  // Without the layer the same read gets through: the test can fail.
  const RunResult open =
      t.Helper({"read", secret}, kChecksOff, {"SYD_LANDLOCK_ABI=0"});
  CHECK(open.exit_code == 0);
}

TEST_CASE("io_uring cannot write where the rules do not allow" *
          doctest::skip(NoFileLayer())) {
  // Its opens never pass through seccomp: syd does not see them at all.
  // The baseline refuses io_uring; reopened, Landlock still holds.
  Tree t;
  const std::vector<std::string> reopen = {"-m", "baseline/allow+io_uring"};
  const RunResult in = t.Helper({"uring-create", t.allowed + "/u"}, reopen);
  if (in.exit_code == ENOSYS || in.exit_code == EPERM) {
    MESSAGE("io_uring is off on this kernel: ", in.out);
    return;
  }
  CHECK(in.exit_code == 0);
  CHECK(Exists(t.allowed + "/u"));
  CHECK(t.Helper({"uring-create", t.denied + "/u"}, reopen).exit_code ==
        EACCES);
  CHECK_FALSE(Exists(t.denied + "/u"));
}

TEST_CASE("a symlink swapped mid-call cannot carry a write out" *
          doctest::skip(NoFileLayer())) {
  // syd judges the path it read; the kernel resolves it again. Without
  // the kernel layer some of these creates land in denied/ (a few in a
  // thousand under ptrace, more under user notification).
  Tree t;
  const RunResult r = t.Helper({"race-symlink", t.allowed + "/link", t.allowed,
                                t.denied, e2e::Tries(2000)});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("created") != std::string::npos);
  CHECK(Entries(t.denied) == 0);
}

TEST_CASE("a name rewritten into /proc after syd judged it reaches nothing" *
          doctest::skip(NoFileLayer())) {
  // Under the paludis profile a thread rewrites a name syd allows (a
  // device, padded with slashes) into /proc/self/comm while the other
  // writes through it. syd's answer for /dev/null is its own open under
  // user notification; /dev/tty (no terminal here: ENXIO) is left to the
  // kernel, as is every open under ptrace, and the kernel reads the name
  // again. Until 2026-12-02 the layer granted /proc and /dev whole (the
  // profile's patterns there were widened to their directory), so such an
  // open renamed the process, and with /proc/sys/kernel/core_pattern it
  // would have set a program the host runs as root. The layer now grants
  // the devices the patterns match and nothing beneath /proc.
  const std::string work = testing::MakeTempDir();
  const std::string comm = "/proc/self/comm";
  for (const std::string device : {"/dev/null", "/dev/tty"}) {
    CAPTURE(device);
    const std::string padded =
        std::string(comm.size() - device.size(), '/') + device;
    const RunResult r = e2e::Run(
        {kSyd, "-p", "paludis", "-D", "WORKDIR=" + work, "-D", "IMAGE=" + work,
         "--", kHelper, "race-name", padded, comm, e2e::Tries(2000)},
        {"SYD_PROFILE_PATH=profiles"});
    CAPTURE(r.err);
    CHECK(r.exit_code == 0);
    CHECK(testing::Contains(r.out, ", comm helper"));
    // The race ran: writes to /dev/null went through.
    if (device == "/dev/null") CHECK(e2e::NumberAfter(r.out, "done ") > 0);
  }
}

// Programs for the exec tests: copies of true (exit 0) and false (exit 1)
// at ok/prog and no/prog (names of one length, for the race), a script in
// ok/ that /bin/sh runs, and a policy that lets only ok/ run.
struct Programs {
  std::string root = testing::MakeTempDir();
  std::string ok = root + "/ok/prog";
  std::string no = root + "/no/prog";
  std::string script = root + "/ok/script";
  std::string policy = root + "/exec.syd";

  Programs() {
    REQUIRE(mkdir((root + "/ok").c_str(), 0755) == 0);
    REQUIRE(mkdir((root + "/no").c_str(), 0755) == 0);
    for (auto [from, to] : {std::pair{"/bin/true", ok}, {"/bin/false", no}}) {
      std::filesystem::copy_file(from, to);
      REQUIRE(chmod(to.c_str(), 0755) == 0);
    }
    std::ofstream(script) << "#!/bin/sh\nexit 0\n";
    REQUIRE(chmod(script.c_str(), 0755) == 0);
    std::ofstream(policy) << "sys/trace+%exec:allow:arg_=*\"" << root
                          << "/ok/***\"\n"
                          << "sys/trace+%exec:fault=EACCES\n";
  }

  RunResult Syd(std::vector<std::string> args,
                const std::vector<std::string>& flags = {}) const {
    std::vector<std::string> argv = {kSyd};
    argv.insert(argv.end(), flags.begin(), flags.end());
    for (const std::string& a :
         {std::string("-c"), policy, std::string("--"), std::string(kHelper)})
      argv.push_back(a);
    argv.insert(argv.end(), args.begin(), args.end());
    return e2e::Run(argv);
  }
};

TEST_CASE("an exec allow-list is Landlock's execute right" *
          doctest::skip(kernel::LandlockAbi() < 1)) {
  const Programs p;
  // With syd's checks off, the kernel alone: what is outside the list
  // does not run; the command (syd's own exec of it), its ELF interpreter
  // and what is inside the list do.
  CHECK(p.Syd({"exec", p.no}, kChecksOff).exit_code == EACCES);
  CHECK(p.Syd({"exec", p.ok}, kChecksOff).exit_code == 0);
  // A script inside the list: the kernel runs /bin/sh in its place, which
  // no rule lets run (the documented cost); with a rule that does, it
  // runs.
  CHECK(p.Syd({"exec", p.script}, kChecksOff).exit_code == EACCES);
  CHECK(p.Syd({"exec", p.script},
              {"-m", "sys/trace+%exec:allow:arg_=\"/bin/sh\""})
            .exit_code == 0);
  // The command itself may be a script: syd grants its interpreter.
  const RunResult direct = e2e::Run({kSyd, "-c", p.policy, "--", p.script});
  CHECK_MESSAGE(direct.exit_code == 0, direct.err);
  // With the checks on, syd refuses first, with the rule's answer.
  const RunResult refused = p.Syd({"exec", p.no});
  CHECK(refused.exit_code == EACCES);
  CHECK(testing::Contains(refused.err, p.no));
}

TEST_CASE("a name rewritten while syd judges an exec runs nothing outside" *
          doctest::skip(kernel::LandlockAbi() < 1)) {
  // syd judges the name it read; the kernel reads it again. Without the
  // execute right some of these children run no/prog.
  const Programs p;
  const RunResult r = p.Syd({"race-exec", p.ok, p.no, e2e::Tries(500)});
  CHECK(r.exit_code == 0);
  CAPTURE(r.out);
  CHECK(testing::Contains(r.out, "ran bad 0,"));
  CHECK_FALSE(testing::Contains(r.out, "ran good 0,"));  // the race ran
}

TEST_CASE("a file layer refuses every mount" *
          doctest::skip(NoFileLayer() || geteuid() != 0)) {
  // In a mount namespace of its own: were the refusal to fail, the tmpfs
  // would go with it.
  Tree t;
  mkdir((t.allowed + "/m").c_str(), 0755);
  const RunResult r =
      e2e::Run({"/usr/bin/unshare", "--mount", "--propagation", "private", kSyd,
                "--backend=" + e2e::Backend(), "-c", t.policy, "--", "sh", "-c",
                std::string(kHelper) + " mount " + t.allowed +
                    "/m; echo rc=$?; grep -c syd-test /proc/self/mountinfo"},
               // Not the baseline's "mounts" (a pid namespace of syd's).
               {"SYD_PID_NAMESPACE=0"});
  CAPTURE(r.out);
  CAPTURE(r.err);
  CHECK(r.out.find("rc=1\n") != std::string::npos);  // EPERM
  CHECK(r.out.find("\n0\n") != std::string::npos);
}

TEST_CASE("a bind mount's source is judged too, with or without Landlock" *
          doctest::skip(geteuid() != 0)) {
  // The target is in the allowed tree; the source is not. Were the bind
  // to happen, allowed/m would show denied/'s file, and writes there
  // would land in denied/ under a name the rules allow.
  Tree t;
  mkdir((t.allowed + "/m").c_str(), 0755);
  Touch(t.denied + "/secret");
  for (const char* abi : {"SYD_LANDLOCK_ABI=0", "SYD_LANDLOCK_ABI=99"}) {
    CAPTURE(abi);
    const RunResult r = e2e::Run(
        {"/usr/bin/unshare", "--mount", "--propagation", "private", kSyd,
         "--backend=" + e2e::Backend(), "-c", t.policy, "--", "sh", "-c",
         std::string(kHelper) + " bind-mount " + t.denied + " " + t.allowed +
             "/m; echo rc=$?; ls " + t.allowed + "/m"},
        // The rules' judgement, not the baseline's "mounts" (which a pid
        // namespace of syd's brings).
        {abi, "SYD_PID_NAMESPACE=0"});
    CAPTURE(r.out);
    CAPTURE(r.err);
    CHECK(r.out.find("rc=1\n") != std::string::npos);  // EPERM
    CHECK(r.out.find("secret") == std::string::npos);
  }
}

TEST_CASE("a capped ABI falls back as documented" *
          doctest::skip(kernel::LandlockAbi() < 3)) {
  Tree t;
  const std::string victim = Touch(t.denied + "/victim");
  // ABI 2 has no truncate right: syd alone refuses truncate(2).
  const std::vector<std::string> abi2 = {"SYD_LANDLOCK_ABI=2"};
  CHECK(t.Helper({"write", t.denied + "/w"}, kChecksOff, abi2).exit_code ==
        EACCES);
  CHECK(t.Helper({"truncate", victim}, kChecksOff, abi2).exit_code == 0);
  CHECK(t.Helper({"truncate", Touch(victim)}).exit_code == EPERM);
  // Below ABI 2 there is no file layer (no REFER: every rename across
  // directories would fail): syd's checks are all there is.
  const std::vector<std::string> abi1 = {"SYD_LANDLOCK_ABI=1"};
  const RunResult off =
      t.Helper({"write", t.denied + "/w"}, {"--stats", kChecksOff[0]}, abi1);
  CHECK(off.exit_code == 0);
  CHECK(off.err.find("Landlock ABI 1: signals and ptrace not scoped") !=
        std::string::npos);
  CHECK(t.Helper({"write", t.denied + "/w2"}, {}, abi1).exit_code == EPERM);
  CHECK_FALSE(Exists(t.denied + "/w2"));
}

}  // namespace
}  // namespace syd
