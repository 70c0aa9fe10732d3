// syd learn: a run with everything allowed writes the profile it needed;
// that profile replays the same work with no refusal, under both
// backends, and refuses what the run did not do.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "src/testing/files.h"
#include "src/testing/netns.h"
#include "tests/e2e/e2e.h"

namespace syd {
namespace {

using e2e::kHelper;
using e2e::kSyd;
using testing::Contains;
using testing::Exists;
using testing::ReadAll;
using testing::RunResult;

std::string Absolute(const std::string& path) {
  return std::filesystem::absolute(path).lexically_normal().string();
}

// The environment learning sees: names the generalisation takes in
// (HOME, TMPDIR, USER) fixed, so the profile is the same on any machine.
const std::vector<std::string> kEnv = {
    "SYD_PROFILE_PATH=profiles", "HOME=/home/syd-learn",
    "TMPDIR=/var/empty/syd-learn-tmp", "USER=syd-learn-user",
    "SOURCE_DATE_EPOCH=0"};

// syd learn under the suite's backend (a subcommand takes its options
// after its name, so e2e::Run's cannot be used).
RunResult Learn(std::vector<std::string> args,
                const std::vector<std::string>& env = kEnv) {
  args.insert(args.begin(), {kSyd, "learn", "--backend=" + e2e::Backend()});
  return testing::Run(args, env);
}

// The profile without its header (up to the first blank line), which
// names this build's helper and its digest.
std::string Body(const std::string& profile) {
  const size_t blank = profile.find("\n\n");
  return blank == std::string::npos ? "" : profile.substr(blank + 2);
}

// A work tree and a script that does one of each kind learning records:
// files made, written, renamed, chmod'ed and removed, a program run, a
// TCP server bound on loopback and connected to, a UNIX datagram socket
// bound and sent to.
struct Probe {
  std::string root = testing::MakeTempDir();
  std::string work = root + "/work";
  std::string other = root + "/other";
  std::string profile = root + "/learned.syd";
  std::string helper = Absolute(kHelper);
  // The helper's directory as the kernel names it (the runfiles tree is
  // links).
  std::string progs = std::filesystem::canonical(helper).parent_path().string();

  Probe() {
    mkdir(work.c_str(), 0755);
    mkdir(other.c_str(), 0755);
  }

  std::string Script() const {
    const std::string h = helper + " ";
    const std::string w = work + "/";
    // The socket by a relative name: the test's directory is too deep
    // for sun_path.
    return h + "mkdir " + w + "out && " + h + "write " + w + "out/a && " + h +
           "rename " + w + "out/a " + w + "out/b && " + h + "chmod " + w +
           "out/b && " + h + "write " + w + "gone && " + h + "unlink " + w +
           "gone && " + h + "serve-connect inet:127.0.0.1@0 && cd " + w +
           " && " + h + "serve-sendto unix:sock && " + h + "unlink sock";
  }

  std::vector<std::string> Defines() const {
    return {"-D", "WORK=" + work, "-D", "PROGS=" + progs};
  }

  // Syd with the learned profile and `more` policy, running `script`.
  RunResult Replay(const std::string& script,
                   const std::vector<std::string>& more = {}) const {
    std::vector<std::string> argv = {kSyd, "-c", profile};
    argv.insert(argv.end(), more.begin(), more.end());
    for (const std::string& d : Defines()) argv.push_back(d);
    for (const char* a : {"--", "/bin/sh", "-c"}) argv.push_back(a);
    argv.push_back(script);
    return e2e::Run(argv, kEnv);
  }

  void Clean() const {
    std::filesystem::remove_all(work);
    mkdir(work.c_str(), 0755);
  }
};

std::vector<std::string> LearnArgs(const Probe& p,
                                   const std::vector<std::string>& more = {}) {
  std::vector<std::string> args = {"-o", p.profile};
  args.insert(args.end(), more.begin(), more.end());
  for (const std::string& d : p.Defines()) args.push_back(d);
  for (const char* a : {"--", "/bin/sh", "-c"}) args.push_back(a);
  args.push_back(p.Script());
  return args;
}

TEST_CASE("a learned profile replays the same work with no refusal") {
  REQUIRE(testing::EnterNewNetworkNamespace());
  const Probe p;
  const RunResult learned = Learn(LearnArgs(p));
  INFO(learned.out, learned.err);
  REQUIRE(learned.exit_code == 0);
  CHECK(Contains(learned.err, "rules written to " + p.profile));
  const std::string profile = ReadAll(p.profile);
  INFO(profile);
  // Written as a person would: the work directory whole, the programs'
  // by its variable, the loopback port as the range a program picks
  // from, the socket by name; then the refusals of the rest.
  CHECK(Body(profile) == ReadAll("testdata/learn/probe.syd"));
  CHECK(Contains(profile, "# Program: /bin/sh sha256:"));
  CHECK(Contains(profile, "on 1970-01-01 from:"));
  // The check the profile's user runs first.
  const RunResult check = testing::Run({kSyd, "check", "-D", "WORK=" + p.work,
                                        "-D", "PROGS=" + p.progs, p.profile});
  CHECK(check.exit_code == 0);
  CHECK(Contains(check.err, " 0 warnings"));
  CHECK_FALSE(Contains(check.err, ": warning:"));

  p.Clean();
  const RunResult replay = p.Replay(p.Script());
  INFO(replay.err);
  CHECK(replay.exit_code == 0);
  CHECK_FALSE(Contains(replay.err, "syd:"));
  struct stat st;
  REQUIRE(stat((p.work + "/out/b").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(ReadAll(p.work + "/out/b") == "x");
  CHECK_FALSE(Exists(p.work + "/out/a"));
  CHECK_FALSE(Exists(p.work + "/gone"));
}

TEST_CASE("a learned profile refuses what the run did not do") {
  REQUIRE(testing::EnterNewNetworkNamespace());
  const Probe p;
  REQUIRE(Learn(LearnArgs(p)).exit_code == 0);
  const std::string h = p.helper;
  struct Attempt {
    std::string script;
    std::string refused;  // what syd's report says
  };
  const std::vector<Attempt> attempts = {
      {h + " write " + p.other + "/x", "\"" + p.other + "/x\""},
      {h + " exec /usr/bin/id", "execve(\"/usr/bin/id\""},
      {"cd " + p.other + " && " + h + " bind unix:sock", "bind(3, unix:"},
      {h + " sendto inet:127.0.0.1@1", "127.0.0.1"},
  };
  for (const Attempt& a : attempts) {
    CAPTURE(a.script);
    const RunResult r = p.Replay(a.script);
    INFO(r.err);
    CHECK(r.exit_code != 0);
    CHECK(Contains(r.err, a.refused));
  }
  CHECK_FALSE(Exists(p.other + "/x"));
  CHECK_FALSE(Exists(p.other + "/sock"));
}

TEST_CASE("the profile is made with syd's umask, not the last the run made") {
  // syd keeps the umask of the last caller it made a file for on the
  // thread that performs (one umask call less per create): the files syd
  // makes for itself afterwards must not take it.
  const Probe p;
  const mode_t before = umask(022);
  const RunResult learned = Learn({"-o", p.profile, "--", "/bin/sh", "-c",
                                   "umask 077 && mkdir " + p.work + "/d"});
  umask(before);
  INFO(learned.err);
  REQUIRE(learned.exit_code == 0);
  struct stat st;
  REQUIRE(stat((p.work + "/d").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0700);  // the run's umask
  REQUIRE(stat(p.profile.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0644);  // syd's
}

TEST_CASE("learning the same run twice gives the same file but its date") {
  REQUIRE(testing::EnterNewNetworkNamespace());
  const Probe p;
  REQUIRE(Learn(LearnArgs(p)).exit_code == 0);
  const std::string first = ReadAll(p.profile);
  p.Clean();
  std::vector<std::string> env = kEnv;
  env.back() = "SOURCE_DATE_EPOCH=86400";
  REQUIRE(Learn(LearnArgs(p), env).exit_code == 0);
  const std::string second = ReadAll(p.profile);
  CHECK(first != second);
  CHECK(first.substr(first.find('\n')) == second.substr(second.find('\n')));
  CHECK(Contains(second, "on 1970-01-02 from:"));
}

TEST_CASE("with a base, only what the base refuses is learned") {
  const Probe p;
  const std::string image = p.root + "/image";
  mkdir(image.c_str(), 0755);
  const std::vector<std::string> base = {
      "-p", "paludis", "-D", "WORKDIR=" + p.work, "-D", "IMAGE=" + image};
  const std::string script = p.helper + " write " + p.work + "/in-base && " +
                             p.helper + " write " + p.other + "/extra";
  std::vector<std::string> args = {"-o", p.profile};
  args.insert(args.end(), base.begin(), base.end());
  for (const char* a : {"--", "/bin/sh", "-c"}) args.push_back(a);
  args.push_back(script);
  const RunResult learned = Learn(args);
  INFO(learned.err);
  REQUIRE(learned.exit_code == 0);
  const std::string profile = ReadAll(p.profile);
  INFO(profile);
  CHECK(Contains(profile, "# Use: syd -c THIS_FILE -p paludis"));
  CHECK(Contains(profile, "sys/trace+%file_open_wr:allow:arg_=*\"" + p.other +
                              "/extra\"\n"));
  // What the base allowed is not repeated, and the base ends the rules.
  CHECK_FALSE(Contains(Body(profile), "in-base"));
  CHECK_FALSE(Contains(profile, "fault="));

  std::filesystem::remove(p.other + "/extra");
  p.Clean();
  const RunResult replay = p.Replay(script, base);
  INFO(replay.err);
  CHECK(replay.exit_code == 0);
  CHECK_FALSE(Contains(replay.err, "syd:"));
  CHECK(ReadAll(p.other + "/extra") == "x");
  // Without the learned rules, the base refuses it.
  std::filesystem::remove(p.other + "/extra");
  std::vector<std::string> bare = {kSyd};
  bare.insert(bare.end(), base.begin(), base.end());
  for (const char* a : {"--", "/bin/sh", "-c"}) bare.push_back(a);
  bare.push_back(script);
  CHECK(e2e::Run(bare, kEnv).exit_code != 0);
  CHECK_FALSE(Exists(p.other + "/extra"));
}

TEST_CASE("the baseline stays while learning, and is named with its item") {
  const Probe p;
  const RunResult learned =
      Learn({"-o", p.profile, "--", p.helper, "uring-create"});
  INFO(learned.err);
  // The helper exits with the errno it got: EPERM, as in any run.
  CHECK(learned.exit_code == EPERM);
  CHECK(
      Contains(learned.err,
               "the baseline refused io_uring 1 time (baseline/allow+io_uring "
               "reopens it)"));
  CHECK(Contains(ReadAll(p.profile), "#   io_uring: 1 call\n"));
}

TEST_CASE("--append merges a second run into the profile, nothing twice") {
  const Probe p;
  const std::string a = p.work + "/a", b = p.work + "/sub/b";
  REQUIRE(Learn({"-o", p.profile, "--", p.helper, "write", a}).exit_code == 0);
  mkdir((p.work + "/sub").c_str(), 0755);
  const RunResult second =
      Learn({"--append", p.profile, "--", p.helper, "write", b});
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  const std::string merged = ReadAll(p.profile);
  INFO(merged);
  CHECK(Contains(merged, "arg_=*\"" + a + "\"\n"));
  CHECK(Contains(merged, "arg_=*\"" + b + "\"\n"));
  // The same run again adds nothing.
  REQUIRE(
      Learn({"--append", p.profile, "--", p.helper, "write", b}).exit_code ==
      0);
  CHECK(ReadAll(p.profile) == merged);
  // Both runs replay under the merged profile.
  for (const std::string& file : {a, b}) {
    std::filesystem::remove(file);
    const RunResult r =
        e2e::Run({kSyd, "-c", p.profile, "--", p.helper, "write", file}, kEnv);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(ReadAll(file) == "x");
  }
  // Into a file syd learn did not write, or of another kind of run:
  // nothing runs, and the file stays as it was.
  const std::string mine = p.root + "/mine.syd";
  std::ofstream(mine) << "sys/fault+ptrace:error=EPERM\n";
  const std::string never = p.work + "/never";
  const RunResult refused =
      Learn({"--append", mine, "--", p.helper, "write", never});
  CHECK(refused.exit_code == 125);
  CHECK(Contains(refused.err, mine + ":1: not a rule syd learn writes"));
  CHECK_FALSE(Exists(never));
  CHECK(ReadAll(mine) == "sys/fault+ptrace:error=EPERM\n");
  const RunResult kind = Learn(
      {"--syscalls", "--append", p.profile, "--", p.helper, "write", never});
  CHECK(kind.exit_code == 125);
  CHECK(Contains(kind.err, "without --syscalls"));
  CHECK_FALSE(Exists(never));
  CHECK(ReadAll(p.profile) == merged);
}

TEST_CASE("the program's digest is checked on the descriptor that runs") {
  const Probe p;
  const std::string prog = p.root + "/prog";
  std::filesystem::copy_file(p.helper, prog);
  const std::string file = p.work + "/f";
  REQUIRE(Learn({"-o", p.profile, "--", prog, "write", file}).exit_code == 0);
  CHECK(Contains(ReadAll(p.profile), "# Program: " + prog + " sha256:"));
  auto run = [&](std::vector<std::string> flags) {
    std::filesystem::remove(file);
    std::vector<std::string> argv = {kSyd};
    argv.insert(argv.end(), flags.begin(), flags.end());
    for (const std::string& a :
         {std::string("-c"), p.profile, std::string("--"), prog,
          std::string("write"), file}) {
      argv.push_back(a);
    }
    return e2e::Run(argv, kEnv);
  };
  // The same file: no word, and the command is executed by the
  // descriptor syd hashed.
  const RunResult same = run({"--debug"});
  INFO(same.err);
  CHECK(same.exit_code == 0);
  CHECK(Contains(same.err, "execveat("));
  CHECK_FALSE(Contains(same.err, "warning"));
  // Changed since: a warning, and it runs; with --strict, nothing runs.
  std::ofstream(prog, std::ios::app) << "changed";
  const RunResult changed = run({});
  CHECK(changed.exit_code == 0);
  CHECK(Contains(changed.err, "syd: warning: " + p.profile + ": learned for " +
                                  prog + " with SHA-256 "));
  CHECK(ReadAll(file) == "x");
  const RunResult strict = run({"--strict"});
  CHECK(strict.exit_code == 125);
  CHECK(Contains(strict.err, "syd: error: "));
  CHECK_FALSE(Exists(file));
}

TEST_CASE("a name the program makes cannot write a rule into the profile") {
  const Probe p;
  // A file whose name holds a newline and a rule that would allow every
  // write.
  const std::string evil =
      p.work + "/x\nsys/trace+%file_wr:allow:arg_=*\"/***\"";
  const std::string dir = evil.substr(0, evil.rfind('/'));
  const RunResult learned =
      Learn({"-o", p.profile, "--", "/bin/sh", "-c",
             "mkdir -p \"$1\" && exec \"$2\" write \"$3\"", "sh", dir, p.helper,
             evil});
  INFO(learned.out, learned.err);
  REQUIRE(learned.exit_code == 0);
  REQUIRE(Exists(evil));
  const std::string profile = ReadAll(p.profile);
  INFO(profile);
  CHECK_FALSE(Contains(profile, "\nsys/trace+%file_wr:allow:arg_=*\"/***\""));
  const RunResult escape = p.Replay(p.helper + " write " + p.other + "/y");
  CHECK(escape.exit_code == EPERM);
  CHECK_FALSE(Exists(p.other + "/y"));
}

TEST_CASE("a FIFO the program executes does not hold syd while it learns") {
  const Probe p;
  const std::string fifo = p.work + "/fifo";
  REQUIRE(mkfifo(fifo.c_str(), 0755) == 0);
  // syd reads an executed file's #! line; a FIFO with no writer would
  // block that read for ever. The kernel refuses the exec (EACCES).
  const RunResult r =
      testing::Run({kSyd, "learn", "--backend=" + e2e::Backend(), "-o",
                    p.profile, "--", p.helper, "exec", fifo},
                   kEnv, /*deadline_seconds=*/30);
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == EACCES);
  CHECK(Contains(ReadAll(p.profile), "\"" + fifo + "\""));
}

TEST_CASE("--syscalls: the syscalls the run made, the rest fail with ENOSYS") {
  const Probe p;
  const std::string file = p.work + "/f";
  const RunResult learned =
      Learn({"--syscalls", "-o", p.profile, "--", p.helper, "write", file});
  INFO(learned.err);
  REQUIRE(learned.exit_code == 0);
  const std::string profile = ReadAll(p.profile);
  INFO(profile);
  CHECK(Contains(profile, "default/fault:error=ENOSYS\n"));
  CHECK(Contains(profile, "execve"));
  // What was read is used, not learned: reads are not restricted.
  CHECK_FALSE(Contains(profile, "%file_rd"));
  std::filesystem::remove(file);
  const RunResult replay =
      e2e::Run({kSyd, "-c", p.profile, "--", p.helper, "write", file}, kEnv);
  INFO(replay.err);
  CHECK(replay.exit_code == 0);
  CHECK_FALSE(Contains(replay.err, "syd:"));
  CHECK(ReadAll(file) == "x");
  // A syscall the run did not make: the kernel's answer for one it does
  // not have.
  const RunResult other =
      e2e::Run({kSyd, "-c", p.profile, "--", p.helper, "chroot", "/"}, kEnv);
  CHECK(other.exit_code == ENOSYS);
}

TEST_CASE(
    "--report: what the run used, and the built-in profiles that run it") {
  const Probe p;
  // A system program: the helper built with a sanitizer makes calls of
  // its own that no profile allows.
  const RunResult r =
      Learn({"--report", "--", "/usr/bin/touch", p.work + "/f"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  INFO(r.out);
  CHECK(Contains(r.out, "files written, made, removed or changed: 1 (" +
                            p.work + "/f)\n"));
  CHECK(Contains(r.out, "  %file: "));
  // A file made (cpath's O_CREAT) and its times set (wpath's utimensat).
  CHECK(Contains(r.out,
                 "smallest set of built-in profiles: -p stdio -p "
                 "wpath -p cpath\n"));
  CHECK(Contains(r.out, "they allow every call the run made\n"));
  // No profile unless asked for: standard output is the report's.
  CHECK_FALSE(Contains(r.out, "sys/"));
  // The suggestion holds: the same work under those profiles.
  const RunResult run =
      e2e::Run({kSyd, "-p", "stdio", "-p", "wpath", "-p", "cpath", "--",
                "/usr/bin/touch", p.work + "/g"},
               kEnv);
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(Exists(p.work + "/g"));
  CHECK(Learn({"--report", "-p", "paludis", "--", "/bin/true"}).exit_code ==
        125);
}

TEST_CASE(
    "the command's exit status passes through, and usage errors are 125") {
  const Probe p;
  CHECK(Learn({"-o", p.profile, "--", p.helper, "exit", "3"}).exit_code == 3);
  const RunResult none = Learn({"-o", p.profile});
  CHECK(none.exit_code == 125);
  CHECK(Contains(none.err, "usage: syd learn"));
  CHECK(Learn({"--frob", "--", "/bin/true"}).exit_code == 125);
  const RunResult missing = Learn({"--", "/nonexistent/prog"});
  CHECK(missing.exit_code == 127);
  // A profile that could not be written is said before the command runs.
  const std::string never = p.work + "/never";
  const RunResult unwritable =
      Learn({"-o", "/nonexistent/dir/p.syd", "--", p.helper, "write", never});
  CHECK(unwritable.exit_code == 125);
  CHECK(Contains(unwritable.err, "cannot write /nonexistent/dir/p.syd"));
  CHECK_FALSE(Exists(never));
  // A limit is not a policy: what is written is still learned.
  REQUIRE(Learn({"--limit", "timeout=60", "-o", p.profile, "--", p.helper,
                 "write", p.work + "/limited"})
              .exit_code == 0);
  CHECK(Contains(ReadAll(p.profile), p.work + "/limited"));
}

}  // namespace
}  // namespace syd
