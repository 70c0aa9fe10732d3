// Runtime configuration with real programs in the sandbox: magic stat, the
// control socket, the SIGUSR2 dump, plugins, and sys/user's verdicts.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "src/base/strcat.h"
#include "src/testing/files.h"
#include "src/testing/seed.h"
#include "src/testing/subprocess.h"

namespace syd {
namespace {

using testing::Contains;
using testing::Exists;
using testing::ReadAll;
using testing::RunResult;

const char kSyd[] = "src/cli/syd";

// The backend every case runs under: BUILD runs the suite once per backend.
std::string Backend() {
  const char* b = std::getenv("SYD_TEST_BACKEND");
  return b != nullptr ? b : "auto";
}

// testing::Run, with a run of syd told which backend to use (not `syd
// ctl`, and not a case that names one itself).
RunResult Run(std::vector<std::string> argv,
              const std::vector<std::string>& env = {}) {
  if (argv.size() > 1 && argv[0] == kSyd && argv[1] != "ctl" &&
      argv[1].rfind("--backend", 0) != 0) {
    argv.insert(argv.begin() + 1, "--backend=" + Backend());
  }
  return testing::Run(argv, env);
}

// A plugin with an exit hook needs the call's result: such runs need
// ptrace. One with an enter hook alone runs under either backend.
bool ExitHooksRun() { return Backend() != "user-notif"; }
const char kHelper[] = "testdata/progs/helper";
const char kMagicRule[] =
    "sys/trace+stat,lstat,newfstatat,statx,access,faccessat,faccessat2:arg_=~"
    "\"^/dev/sydbox(/|$)\":load=magic_stat";

// A scratch tree whose policy denies every write outside allowed/.
struct Tree {
  std::string root = testing::MakeTempDir();
  std::string allowed = root + "/allowed";
  std::string extra = root + "/extra";
  std::string policy = root + "/policy.syd";
  std::string script = root + "/script.sh";

  Tree() {
    mkdir(allowed.c_str(), 0755);
    mkdir(extra.c_str(), 0755);
    std::ofstream(policy) << "sys/trace+%file_wr:allow:arg_=*\"" << allowed
                          << "/***\"\n"
                          << "sys/trace+%file_wr:fault=EPERM:log=2\n";
  }

  std::string AddExtra() const {
    return "/dev/sydbox/sys/trace+%file_wr:allow:arg_=*\"" + extra + "/***\"";
  }

  RunResult Script(const std::string& text,
                   std::vector<std::string> before = {}) const {
    std::ofstream(script) << text;
    std::vector<std::string> argv = {kSyd};
    argv.insert(argv.end(), before.begin(), before.end());
    for (std::string a :
         {"-c", policy.c_str(), "--", "/bin/sh", script.c_str()})
      argv.push_back(a);
    return Run(argv, {"SYD_PROFILE_PATH=profiles"});
  }
};

TEST_CASE("magic stat: a script sees the sandbox and opens its own directory") {
  Tree t;
  RunResult r = t.Script(
      "test -e /dev/sydbox || exit 10\n"
      "echo x > " +
          t.extra +
          "/before 2>/dev/null && exit 11\n"
          "test -e '" +
          t.AddExtra() +
          "' || exit 12\n"
          "echo x > " +
          t.extra +
          "/after || exit 13\n"
          "test -e '" +
          t.AddExtra() +
          "?' || exit 14\n"
          "test -e '/dev/sydbox/sys/trace+%file_wr:allow:arg_=*\"/nope/***\"?' "
          "&& exit 15\n"
          "exit 3\n",
      {"-p", "magic"});
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK(!Exists(t.extra + "/before"));
  CHECK(Exists(t.extra + "/after"));
  // The profile's catch-all still holds elsewhere.
  CHECK(Contains(r.err, "fault=EPERM"));
  CHECK(Contains(r.err, t.extra + "/before"));
}

TEST_CASE("a rule added at run time may test the process name") {
  Tree t;
  // No rule of the policy looks at names; the added one does.
  RunResult r = t.Script(
      "test -e '/dev/sydbox/sys/trace+%file_wr:allow:command=^sh$:arg_=*\"" +
          t.extra +
          "/***\"' || exit 10\n"
          "echo x > " +
          t.extra +
          "/by-sh || exit 11\n"
          "exit 0\n",
      {"-m", kMagicRule});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(Exists(t.extra + "/by-sh"));
}

TEST_CASE("the run-time envelope: rules inside it work, outside are refused") {
  Tree t;
  const std::string outside = testing::MakeTempDir();
  std::ofstream(t.policy, std::ios::app)
      << "runtime/allow+%file_wr:arg_=*\"" << t.root << "/***\"\n";
  const std::string add_outside =
      "/dev/sydbox/sys/trace+%file_wr:allow:arg_=*\"" + outside + "/***\"";
  RunResult r = t.Script("test -e '" + t.AddExtra() +
                             "' || exit 10\n"
                             "echo x > " +
                             t.extra +
                             "/after || exit 11\n"
                             "test -e '" +
                             add_outside +
                             "' && exit 12\n"
                             "echo x > " +
                             outside +
                             "/f 2>/dev/null && exit 13\n"
                             "exit 3\n",
                         {"-p", "magic", "--stats"});
  INFO(r.err);
  CHECK(r.exit_code == 3);
  // The kernel's layer was built with the envelope: the added tree is
  // writable, and the run still has a file layer.
  CHECK(Exists(t.extra + "/after"));
  CHECK(Contains(r.err, "files: write_file"));
  CHECK(Contains(r.err, "outside the run-time envelope"));
  CHECK(Contains(r.err, "policy.syd:3:1: runtime/allow+"));
  CHECK_FALSE(Exists(outside + "/f"));
  // With syd's checks off, Landlock alone keeps writes in the envelope.
  r = t.Script("echo x > " + t.extra + "/k || exit 10\n" + "echo x > " +
                   outside + "/k && exit 11\nexit 3\n",
               {"-p", "magic", "--allow-stopped-calls"});
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK(Exists(t.extra + "/k"));
  CHECK_FALSE(Exists(outside + "/k"));
}

TEST_CASE("magic stat answers every stat and access variant") {
  Tree t;
  RunResult r = Run({kSyd, "-m", kMagicRule, "-c", t.policy, "--", kHelper,
                     "stats", "/dev/sydbox"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.out, "statx=0"));
  CHECK(Contains(r.out, "faccessat2=0"));
  // Without the module, it does not exist.
  r = Run({kSyd, "-c", t.policy, "--", kHelper, "stats", "/dev/sydbox"});
  CHECK(r.exit_code == 7);
  // A path that only looks like it passes on to the next rule.
  r = Run({kSyd, "-m", kMagicRule, "-c", t.policy, "--", kHelper, "stats",
           "/dev/sydboxes"});
  CHECK(r.exit_code == 7);
  // Only the spelling /dev/sydbox is magic, as in sydbox: another name of
  // the same place is an ordinary path, which does not exist.
  for (const char* other : {"/dev/./sydbox", "//dev/sydbox"}) {
    r = Run({kSyd, "-m", kMagicRule, "-c", t.policy, "--", kHelper, "stats",
             other});
    CHECK(r.exit_code == 7);
  }
  // Paths that are not magic are answered without being resolved, but a
  // rule of the policy's on the same calls is still judged.
  r = Run({kSyd, "-m", kMagicRule, "-m",
           "sys/trace+newfstatat:fault=EACCES:arg_=*\"/etc/***\"", "-c",
           t.policy, "--", kHelper, "stats", "/etc/hostname"});
  CHECK(Contains(r.out, " fstatat=-1 "));
  CHECK(Contains(r.err, "fault=EACCES"));
  r = Run({kSyd, "-p", "paludis-magic", "-D", "WORKDIR=" + t.allowed, "-D",
           "IMAGE=" + t.allowed, "--", kHelper, "stats", "/dev/sydbox"},
          {"SYD_PROFILE_PATH=profiles"});
  // Paludis's invocation routes only what a shell's test -e makes (stat:
  // newfstatat from the cwd, no flags), guarded in the kernel: lstat,
  // statx, access and glibc's fstat never stop.
  CHECK(Contains(r.out, "stat=0 lstat=-1 fstatat=0 statx=-1 access=-1"));
  CHECK(r.exit_code == 5);
  r = Run({kSyd, "-p", "paludis-magic", "-D", "WORKDIR=" + t.allowed, "-D",
           "IMAGE=" + t.allowed, "--", kHelper, "stats", "/dev/null"},
          {"SYD_PROFILE_PATH=profiles"});
  CHECK(r.exit_code == 0);
}

// A stat answered without its path resolved (nothing but magic stat
// judged it) is judged again once a rule on it is added at run time.
TEST_CASE("magic stat: a rule added on stats is judged from then on") {
  Tree t;
  RunResult r = t.Script(
      "test -e /etc/hostname || exit 10\n"
      "test -e '/dev/sydbox/sys/trace+newfstatat,statx:fault=EACCES:"
      "arg_=*\"/etc/***\"' || exit 11\n"
      "test -e /etc/hostname && exit 12\n"
      "exit 0\n",
      {"-m", kMagicRule});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.err, "fault=EACCES"));
}

TEST_CASE("magic stat: bad commands fail with EINVAL and change nothing") {
  Tree t;
  RunResult r = t.Script(
      // stat(1) reports the errno: EINVAL is "Invalid argument".
      "stat '/dev/sydbox/sys/trace+%file_wr:alow:arg_=*\"" + t.extra +
          "/***\"' 2>&1 | grep -q 'Invalid argument' || exit 10\n"
          // A rule the kernel decides: getpid never reaches syd.
          "stat '/dev/sydbox/sys/fault+getpid:error=EPERM' 2>&1 | "
          "grep -q 'Invalid argument' || exit 11\n"
          "echo x > " +
          t.extra +
          "/f 2>/dev/null && exit 12\n"
          "exit 0\n",
      {"-m", kMagicRule});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.err, "unknown option 'alow'"));
  CHECK(Contains(r.err, "getpid: no rule of the policy sends it to syd"));
  CHECK(!Exists(t.extra + "/f"));
}

TEST_CASE("magic stat: a locked sandbox refuses the same script") {
  Tree t;
  RunResult r = t.Script(
      "test -e /dev/sydbox/lock:on || exit 10\n"
      "stat '" +
          t.AddExtra() +
          "' 2>&1 | grep -q 'not permitted' || exit 11\n"
          "echo x > " +
          t.extra +
          "/after 2>/dev/null && exit 12\n"
          "test -e /dev/sydbox/lock:off && exit 13\n"
          "exit 0\n",
      {"-m", kMagicRule});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(!Exists(t.extra + "/after"));
  CHECK(Contains(r.err, "the sandbox is locked"));
}

// The lock is per process, as sydbox's magic_lock was: lock:exec locks
// the shell's children once they exec, and the shell itself once it
// does; until then the shell keeps changing rules.
TEST_CASE("magic stat: lock:exec locks each process at its exec") {
  Tree t;
  const std::string clear = "test -e '/dev/sydbox/sys/trace^'";
  RunResult r = t.Script(
      "test -e /dev/sydbox/lock:exec || exit 10\n"
      "test -e '" +
          t.AddExtra() +
          "' || exit 11\n"
          // A child that execs: locked, and the rule stays.
          "sh -c \"" +
          clear +
          "\" && exit 12\n"
          // A subshell (a fork, no exec) has the shell's lock: exec.
          "( test -e /dev/sydbox/lock:exec? ) || exit 13\n"
          "test -e /dev/sydbox/lock:exec? || exit 14\n"
          "echo x > " +
          t.extra +
          "/f || exit 15\n"
          // The shell itself execs: locked from then on.
          "exec sh -c \"" +
          clear + " && exit 16; exit 0\"\n",
      {"-m", kMagicRule});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(Exists(t.extra + "/f"));
  CHECK(Contains(r.err, "the sandbox is locked"));
}

// A process whose ancestry syd cannot follow to the command (an orphan:
// its parent has gone) is locked, though nothing set a lock.
TEST_CASE("magic stat: an orphan is locked") {
  Tree t;
  const std::string go = t.allowed + "/go";
  RunResult r =
      // Both waits are bounded: 200,000 tests of a file, a few seconds.
      t.Script("( ( w=0; while [ ! -e " + go +
                   " ] && [ $w -lt 200000 ]; do w=$((w+1)); done; test -e '" +
                   t.AddExtra() + "' && echo escaped > " + t.allowed +
                   "/orphan; echo done > " + t.allowed +
                   "/done ) & )\n"
                   "echo > " +
                   go +
                   "\n"
                   "w=0; while [ ! -e " +
                   t.allowed +
                   "/done ] && [ $w -lt 200000 ]; do w=$((w+1)); done\n"
                   "test -e '" +
                   t.AddExtra() + "' || exit 10\n",
               {"-m", kMagicRule});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(Exists(t.allowed + "/done"));
  CHECK(!Exists(t.allowed + "/orphan"));
}

TEST_CASE("magic stat: readonly and initonly") {
  Tree t;
  RunResult r = t.Script("test -e '" + t.AddExtra() + "' && exit 10\nexit 0\n",
                         {"-m", std::string(kMagicRule) + ":readonly=1"});
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.err, "read-only"));
  // initonly: the script itself may, a child shell may not.
  r = t.Script("sh -c \"test -e '" + t.AddExtra() +
                   "'\" && exit 10\n"
                   "test -e '" +
                   t.AddExtra() + "' || exit 11\nexit 0\n",
               {"-m", std::string(kMagicRule) + ":initonly=1"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  r = Run({kSyd, "-m", std::string(kMagicRule) + ":sometimes=1", "--",
           "/bin/true"});
  CHECK(r.exit_code == 125);
  CHECK(Contains(r.err,
                 "magic_stat takes readonly=0|1, initonly=0|1 and net=on|off"));
}

// Runs syd in a thread; the command waits for `go` before it goes on.
struct Background {
  std::thread thread;
  RunResult result;

  std::atomic<bool> done = false;

  explicit Background(const std::vector<std::string>& argv) {
    thread = std::thread([this, argv] {
      result = Run(argv);
      done = true;
    });
  }
  RunResult Wait() {
    thread.join();
    return result;
  }
};

void WaitFor(const std::string& path) {
  for (int i = 0; i < 400 && !Exists(path); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
}

// syd with `--dump DUMP` running `t`'s script in the background, and its
// pid once `ready` exists: read from the shell that becomes syd, since the
// sandbox cannot name syd (a pid namespace of syd's).
pid_t DumpingSyd(const Tree& t, const std::string& dump,
                 const std::string& ready, std::unique_ptr<Background>* syd) {
  const std::string pidfile = t.root + "/syd.pid";
  *syd = std::make_unique<Background>(std::vector<std::string>{
      "/bin/sh", "-c",
      "echo $$ > " + pidfile + "; exec " + kSyd + " --backend=" + Backend() +
          " --dump " + dump + " -c " + t.policy + " -- /bin/sh " + t.script});
  WaitFor(ready);
  return std::atoi(ReadAll(pidfile).c_str());
}

// A directory under /tmp, removed with what is in it at the end.
struct ShortTempDir {
  std::string path = [] {
    std::string p = "/tmp/syd-test-XXXXXX";
    REQUIRE(mkdtemp(p.data()) != nullptr);
    return p;
  }();
  ~ShortTempDir() { std::filesystem::remove_all(path); }
};

RunResult Ctl(const std::string& socket, const std::string& command) {
  return Run({kSyd, "ctl", socket, command});
}

// Connects, sends `text` without its newline, and hangs up.
void SendHalf(const std::string& socket, const std::string& text) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket.c_str(), sizeof addr.sun_path - 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(write(fd, text.data(), text.size()) ==
          static_cast<ssize_t>(text.size()));
  close(fd);
}

TEST_CASE("control socket: add, list, query, remove, ps, stats, lock") {
  Tree t;
  // Socket paths are short (108 bytes); TEST_TMPDIR is not.
  std::string socket = "/tmp/syd-test-" + std::to_string(getpid()) + ".sock";
  std::string go = t.root + "/go";
  std::ofstream(t.script) << "while [ ! -e " << go
                          << " ]; do sleep 0.02; done\n"
                          << "echo x > " << t.extra << "/f || exit 10\n"
                          << "echo x > " << t.extra << "/g 2>/dev/null && "
                          << "exit 11\n"
                          << "exit 4\n";
  Background syd(
      {kSyd, "--control", socket, "-c", t.policy, "--", "/bin/sh", t.script});
  WaitFor(socket);
  const std::string rule =
      "sys/trace+%file_wr:allow:arg_=*\"" + t.extra + "/f\"";
  // Half a command, then the client goes: nothing is applied.
  SendHalf(socket, rule);
  RunResult r = Ctl(socket, rule + "?");
  CHECK(r.exit_code == 1);
  CHECK(Contains(r.err, "no: "));
  r = Ctl(socket, rule);
  CHECK(r.exit_code == 0);
  r = Ctl(socket, rule + "?");
  CHECK(r.exit_code == 0);
  r = Ctl(socket, "list");
  CHECK(Contains(r.out, "control:1 (run time) hits=0 " + rule));
  CHECK(Contains(r.out, "policy.syd:2 hits=0"));
  r = Ctl(socket, "ps");
  CHECK(Contains(r.out, " sh "));
  // Bad commands are errors and change nothing.
  r = Ctl(socket, "sys/trace+%file_wr:alow");
  CHECK(r.exit_code == 1);
  CHECK(Contains(r.err, "error: control: sys/trace+%file_wr:alow: column "));
  r = Ctl(socket, "frobnicate");
  CHECK(r.exit_code == 1);
  // Limits are the command's from its start.
  r = Ctl(socket, "limit/timeout=1s");
  CHECK(r.exit_code == 1);
  CHECK(Contains(r.err, "limits are fixed when the command starts"));
  r = Ctl(socket, "sys/trace-%file_wr:fault=EPERM:log=2");
  CHECK(Contains(r.err, "is the policy's"));
  // Add and remove a second rule; the first stays.
  const std::string other =
      "sys/trace+%file_wr:allow:arg_=*\"" + t.extra + "/g\"";
  CHECK(Ctl(socket, other).exit_code == 0);
  CHECK(Ctl(socket, "sys/trace-" + other.substr(10)).exit_code == 0);
  CHECK(Ctl(socket, other + "?").exit_code == 1);
  r = Ctl(socket, "stats");
  CHECK(Contains(r.out, "stops "));
  CHECK(Contains(r.out, "lock off"));
  r = Ctl(socket, "lock:on");
  CHECK(r.exit_code == 0);
  r = Ctl(socket, "sys/trace^");
  CHECK(r.exit_code == 1);
  CHECK(Contains(r.err, "locked"));
  std::ofstream(go) << "";
  RunResult end = syd.Wait();
  INFO(end.err);
  CHECK(end.exit_code == 4);
  CHECK(Exists(t.extra + "/f"));
  CHECK(!Exists(t.extra + "/g"));
  CHECK(Contains(end.err, "the control socket changed the rules"));
  CHECK(!Exists(socket));  // removed when syd ends
}

// One client's random sequence of rule changes on directories of its own,
// with the answer (0 or an errno) and the write result a model expects.
struct ModelClient {
  std::vector<std::string> dirs;
  std::vector<std::pair<int, bool>> added;  // (dir, allow), in order

  std::string Rule(int dir, bool allow) const {
    return StrCat("sys/trace+%file_wr:", allow ? "allow" : "fault=EACCES",
                  ":arg_=*\"", dirs[dir], "/***\"");
  }
  bool Present(int dir, bool allow) const {
    return std::find(added.begin(), added.end(), std::make_pair(dir, allow)) !=
           added.end();
  }
  // Whether a write in `dir` succeeds: the first added rule for it decides,
  // else the policy's catch-all refuses.
  bool Writes(int dir) const {
    for (const auto& [d, allow] : added) {
      if (d == dir) return allow;
    }
    return false;
  }
  // A step: the command and whether it succeeds; `write` asks instead for
  // a write into dirs[dir] (command empty).
  struct Step {
    std::string command;
    bool ok;
    int dir;
  };
  Step Next(std::mt19937_64& rng) {
    auto pick = [&](int n) {
      return std::uniform_int_distribution<int>(0, n - 1)(rng);
    };
    const int dir = pick(static_cast<int>(dirs.size()));
    const bool allow = pick(3) != 0;
    const std::string rule = Rule(dir, allow);
    switch (pick(4)) {
      case 0:
        added.emplace_back(dir, allow);
        return {rule, true, dir};
      case 1: {
        const bool was = Present(dir, allow);
        std::erase(added, std::make_pair(dir, allow));
        return {"sys/trace-" + rule.substr(10), was, dir};
      }
      case 2:
        return {rule + "?", Present(dir, allow), dir};
      default:
        return {"", Writes(dir), dir};
    }
  }
};

// Magic stat from three processes at once and the control socket beside
// them, each on rules of its own, so that every answer is its own model's
// whatever the interleaving; then clear and lock from one. syd must not
// crash (it freed rules a decision still used), and every answer and
// every write must be the model's.
TEST_CASE("rule changes from several processes and the control socket") {
  Tree t;
  const uint64_t seed = testing::TestSeed();
  INFO("SYD_TEST_SEED=" << seed);
  std::mt19937_64 rng(seed);
  auto client = [&](const std::string& name) {
    ModelClient c;
    for (int i = 0; i < 3; ++i) {
      c.dirs.push_back(StrCat(t.extra, "/", name, "-", i));
      mkdir(c.dirs.back().c_str(), 0755);
    }
    return c;
  };
  const std::string socket = StrCat("/tmp/syd-test-", getpid(), "-m.sock");
  const std::string fifo = t.root + "/control-done";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  std::string script;
  int writes = 0;
  for (int p = 0; p < 3; ++p) {
    ModelClient c = client(StrCat("p", p));
    StrAppend(&script, "(\n");
    for (int step = 0; step < 40; ++step) {
      const ModelClient::Step s = c.Next(rng);
      const std::string where = StrCat("p", p, " step ", step);
      if (s.command.empty()) {
        StrAppend(&script, "if echo x > '", c.dirs[s.dir], "/w", step,
                  "'; then r=0; else r=1; fi; [ $r = ", s.ok ? 0 : 1,
                  " ] || echo 'MISMATCH ", where, " write'\n");
        ++writes;
      } else {
        StrAppend(&script, "if test -e '/dev/sydbox/", s.command,
                  "'; then r=0; else r=1; fi; [ $r = ", s.ok ? 0 : 1,
                  " ] || echo 'MISMATCH ", where, " ", s.command, "'\n");
      }
    }
    StrAppend(&script, ") &\n");
  }
  ModelClient control = client("control");
  std::vector<ModelClient::Step> control_steps;
  for (int step = 0; step < 25; ++step) {
    ModelClient::Step s = control.Next(rng);
    if (!s.command.empty()) control_steps.push_back(s);
  }
  // Once all have finished: clear, then lock, from this shell.
  const std::string any = control.Rule(0, true);
  StrAppend(&script, "wait\nread done < '", fifo, "'\n",
            "test -e /dev/sydbox/sys/trace^ || echo 'MISMATCH clear'\n",
            "test -e '/dev/sydbox/", any, "?' && echo 'MISMATCH after clear'\n",
            "test -e /dev/sydbox/lock:on || echo 'MISMATCH lock'\n",
            "test -e '/dev/sydbox/", any, "' && echo 'MISMATCH locked'\n",
            "exit 0\n");
  std::ofstream(t.script) << script;
  Background syd({kSyd, "--control", socket, "-m", kMagicRule, "-c", t.policy,
                  "--", "/bin/sh", t.script});
  WaitFor(socket);
  for (const ModelClient::Step& s : control_steps) {
    RunResult r = Ctl(socket, s.command);
    CHECK_MESSAGE((r.exit_code == 0) == s.ok, s.command, ": ", r.err);
  }
  // O_RDWR never blocks, and the pipe keeps the line until the script
  // reads it, or syd has gone.
  const int done = open(fifo.c_str(), O_RDWR | O_CLOEXEC);
  REQUIRE(done >= 0);
  REQUIRE(write(done, "done\n", 5) == 5);
  RunResult end = syd.Wait();
  close(done);
  INFO(end.out);
  INFO(end.err);
  CHECK(end.exit_code == 0);
  CHECK(end.term_signal == 0);
  CHECK(!Contains(end.out, "MISMATCH"));
  CHECK(writes > 0);
}

// Sends `command` to the abstract socket `name` as uid 65534; the reply.
std::string AsNobody(const std::string& name, const std::string& command) {
  int out[2];
  REQUIRE(pipe(out) == 0);
  pid_t child = fork();
  if (child == 0) {
    close(out[0]);
    if (setresgid(65534, 65534, 65534) != 0 ||
        setresuid(65534, 65534, 65534) != 0) {
      _exit(1);
    }
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path + 1, name.data() + 1, name.size() - 1);
    socklen_t len =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) _exit(2);
    if (write(fd, command.data(), command.size()) < 0) _exit(3);
    char buf[256];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
      if (write(out[1], buf, static_cast<size_t>(n)) < 0) _exit(4);
    }
    _exit(0);
  }
  close(out[1]);
  std::string reply;
  char buf[256];
  ssize_t n;
  while ((n = read(out[0], buf, sizeof buf)) > 0)
    reply.append(buf, static_cast<size_t>(n));
  close(out[0]);
  int status = 0;
  waitpid(child, &status, 0);
  CHECK(WEXITSTATUS(status) == 0);
  return reply;
}

TEST_CASE("control socket: another uid is refused and logged") {
  if (getuid() != 0) {
    MESSAGE("not root: cannot connect as another uid here");
    return;
  }
  Tree t;
  // An abstract socket has no file permissions: SO_PEERCRED alone decides.
  std::string socket = "@syd-test-" + std::to_string(getpid());
  std::string go = t.root + "/go";
  std::ofstream(t.script) << "while [ ! -e " << go
                          << " ]; do sleep 0.02; done\n";
  Background syd(
      {kSyd, "--control", socket, "-c", t.policy, "--", "/bin/sh", t.script});
  RunResult r;
  for (int i = 0; i < 200; ++i) {  // until it listens
    r = Ctl(socket, "ps");
    if (r.exit_code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  REQUIRE(r.exit_code == 0);
  // As nobody: syd's binary may sit where nobody cannot run it, so the
  // client is this process's child, speaking the protocol itself.
  std::string reply = AsNobody(socket, "lock:on\n");
  CHECK(reply == "error: permission denied\n");
  r = Ctl(socket, "lock:off?");  // the refused client changed nothing
  CHECK(r.exit_code == 0);
  std::ofstream(go) << "";
  RunResult end = syd.Wait();
  CHECK(end.exit_code == 0);
  CHECK(Contains(end.err, "refused a client with uid 65534"));
}

TEST_CASE("control socket: no process of the sandbox may use it") {
  // Same uid, and nothing in the rules keeps it from connecting: the
  // sandbox asks syd's control socket to allow every write, then writes
  // outside. In syd's pid namespace and without one (where syd finds the
  // peer below itself), under ptrace, which --control needs.
  for (const std::string ns : {"SYD_PID_NAMESPACE=1", "SYD_PID_NAMESPACE=0"}) {
    CAPTURE(ns);
    Tree t;
    const std::string socket =
        "/tmp/syd-test-" + std::to_string(getpid()) + ".sock";
    const RunResult r =
        Run({"/usr/bin/env", ns, kSyd, "--control", socket, "-c", t.policy,
             "--", "/bin/sh", "-c",
             std::string(kSyd) + " ctl " + socket +
                 " 'sys/trace+%file_wr:allow'; echo rc=$?; echo x > " +
                 t.extra + "/g"});
    CAPTURE(r.err);
    CHECK(Contains(r.out, "rc=1\n"));
    CHECK(Contains(r.err, "error: permission denied"));
    CHECK(Contains(r.err, "control: refused pid "));
    CHECK(Contains(r.err, "a process of the sandbox"));
    CHECK_FALSE(Contains(r.err, "the control socket changed the rules"));
    CHECK_FALSE(Exists(t.extra + "/g"));
  }
}

// A process that keeps one CPU busy until it is dropped (at most a
// minute): a SCHED_IDLE process on that CPU runs only in its gaps.
struct BusyCpu {
  int cpu;
  pid_t pid = -1;
  explicit BusyCpu(int on) : cpu(on) {
    pid = fork();
    if (pid == 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(cpu, &set);
      sched_setaffinity(0, sizeof set, &set);
      alarm(60);
      for (;;) {
      }
    }
  }
  ~BusyCpu() {
    if (pid <= 0) return;
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
};

// The first CPU this process may run on.
int FirstCpu() {
  cpu_set_t set;
  REQUIRE(sched_getaffinity(0, sizeof set, &set) == 0);
  int cpu = 0;
  while (cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set)) ++cpu;
  REQUIRE(cpu < CPU_SETSIZE);
  return cpu;
}

// syd running the helper's 50 opens of t.allowed/t0.J, each checked
// against its file, SCHED_IDLE on a CPU a busy loop holds, with `flags`;
// `pid` is syd's once the first file is there (syd catches its signals by
// then).
struct IdleOpens {
  BusyCpu busy;
  std::unique_ptr<Background> syd;
  pid_t pid = -1;

  IdleOpens(const Tree& t, const std::string& flags) : busy(FirstCpu()) {
    REQUIRE(busy.pid > 0);
    const std::string pidfile = t.root + "/syd.pid";
    syd = std::make_unique<Background>(std::vector<std::string>{
        "/bin/sh", "-c",
        "echo $$ > " + pidfile + "; exec " + kSyd + " --backend=" + Backend() +
            " " + flags + " -c " + t.policy + " -- taskset -c " +
            std::to_string(busy.cpu) + " chrt -i 0 " + kHelper +
            " parallel-opens 1 50 " + t.allowed});
    WaitFor(t.allowed + "/t0.0");
    pid = std::atoi(ReadAll(pidfile).c_str());
    REQUIRE(pid > 0);
  }
};

// How many of the 50 files lack their own name.
int WrongFiles(const Tree& t) {
  int wrong = 0;
  for (int j = 0; j < 50; ++j) {
    const std::string name = "t0." + std::to_string(j);
    wrong += ReadAll(t.allowed + "/" + name) != name;
  }
  return wrong;
}

TEST_CASE("signals to syd while it hands descriptors over lose no open") {
  // With SECCOMP_ADDFD_FLAG_SEND the kernel takes the request as the
  // answer before the caller carries it out: a signal that interrupts
  // syd's wait withdraws it, and the open returns 0 without a descriptor
  // (before c5752a2, syd asking again got EINPROGRESS and ended the
  // sandbox). syd holds its signals for that wait. The wait lasts until
  // the caller runs: here the caller is SCHED_IDLE on a CPU a busy loop
  // holds, so it lasts, and SIGUSR2 comes every 0.2 ms. Each open's
  // descriptor must name its file (with the deciding thread holding only
  // SIGCHLD, 47, 50 and 50 of 50 did not in 3 runs; the test before this
  // one, 3,000 shell opens under the same signals, passed 7 runs in 7).
  Tree t;
  IdleOpens run(t, "--dump " + t.root + "/dump.json");
  // At most 50,000 of them, about 20 s.
  for (int i = 0; i < 50000 && !run.syd->done && kill(run.pid, SIGUSR2) == 0;
       ++i) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  const RunResult r = run.syd->Wait();
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "mismatched 0\n");
  CHECK_FALSE(Contains(r.err, "ending the sandbox"));
  CHECK(WrongFiles(t) == 0);
}

TEST_CASE("a stop while syd hands a descriptor over ends the sandbox") {
  // A stop (SIGSTOP, or the cgroup freezer) cannot be held: it withdraws
  // the answer as a caught signal would, the open returns 0 without a
  // descriptor, and syd, asked again, gets EINPROGRESS. The caller would
  // write to its descriptor 0: syd ends the sandbox instead, and says
  // why (before, it took EINPROGRESS as answered: exit 0, and 90 of the
  // helper's 100 checks wrong). Under ptrace nothing is handed over.
  Tree t;
  IdleOpens run(t, "");
  // At most 300 stops, about 4 s.
  for (int i = 0; i < 300 && !run.syd->done && kill(run.pid, SIGSTOP) == 0;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    kill(run.pid, SIGCONT);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const RunResult r = run.syd->Wait();
  INFO(r.err);
  INFO(r.out);
  const bool ended =
      r.exit_code == 125 &&
      Contains(r.err,
               "a stop or a freeze interrupted syd as it handed an open's "
               "descriptor over, and the open returned 0 without one; "
               "ending the sandbox");
  const bool whole =
      r.exit_code == 0 && r.out == "mismatched 0\n" && WrongFiles(t) == 0;
  CHECK(ended != whole);
  // The caller is held off the CPU, so a stop usually lands in the wait
  // (every local run; not one CI run under ASan): not required, since the
  // mutation that takes EINPROGRESS as answered fails the check above
  // whenever one does.
  if (Backend() != "ptrace") WARN(ended);
}

TEST_CASE("SIGUSR2 during a build writes a JSON dump; the build goes on") {
  Tree t;
  std::string dump = t.root + "/dump.json";
  std::string ready = t.allowed + "/ready";
  // A small build: some writes, the dump, more writes, its own status.
  // The user asks for the dump from outside: the sandbox cannot signal
  // syd (Landlock's signal scope).
  std::ofstream(t.script) << "for i in 1 2 3; do echo $i > " << t.allowed
                          << "/o$i; done\n"
                          << "echo x > " << t.extra << "/no 2>/dev/null\n"
                          << "sleep 5 &\n"
                          << "sleep 0.3\n"  // until the child is sleep(1)
                          << "echo > " << ready << "\n"
                          << "while [ ! -e " << dump
                          << " ]; do sleep 0.02; done\n"
                          << "kill $!\n"
                          << "echo done > " << t.allowed << "/end\n"
                          << "exit 6\n";
  std::unique_ptr<Background> syd;
  const pid_t syd_pid = DumpingSyd(t, dump, ready, &syd);
  REQUIRE(syd_pid > 0);
  kill(syd_pid, SIGUSR2);
  RunResult r = syd->Wait();
  INFO(r.err);
  CHECK(r.exit_code == 6);
  CHECK(Exists(t.allowed + "/end"));
  nlohmann::json j = nlohmann::json::parse(ReadAll(dump));
  bool saw_sleep = false;
  for (const auto& p : j["processes"]) {
    CHECK(p.contains("ppid"));
    CHECK(p.contains("cwd"));
    CHECK(p.contains("state"));
    saw_sleep |= p["comm"] == "sleep";
  }
  CHECK(saw_sleep);
  REQUIRE(j["rules"].size() == 2);
  CHECK(j["rules"][0]["hits"].get<int>() >= 3);
  CHECK(j["rules"][1]["hits"].get<int>() == 1);
  CHECK(Contains(j["rules"][1]["location"].get<std::string>(), "policy.syd:2"));
  CHECK(j["counters"]["openat"]["fault"].get<int>() == 1);
  CHECK(j["refused"].get<int>() == 1);
}

TEST_CASE("a dump asked for in the sandbox's directory goes nowhere else") {
  // The sandbox may write where the dump goes: it moves the directory
  // away, puts a link to a directory it may not write in its place, and
  // a link to a file there at the dump's name. syd writes the dump into
  // the directory it opened at the start, over the link, and nothing
  // outside the sandbox's reach changes. (syd once looked the name up
  // again at the dump and wrote into extra/.)
  Tree t;
  const std::string dumps = t.allowed + "/dumps";
  const std::string moved = t.allowed + "/moved";
  const std::string victim = t.extra + "/victim";
  REQUIRE(mkdir(dumps.c_str(), 0755) == 0);
  std::ofstream(victim) << "precious\n";
  const std::string ready = t.allowed + "/ready";
  std::ofstream(t.script) << "mv " << dumps << " " << moved << " || exit 10\n"
                          << "ln -s " << t.extra << " " << dumps
                          << " || exit 11\n"
                          << "ln -s " << victim << " " << moved
                          << "/dump.json || exit 12\n"
                          << "echo > " << ready << "\n"
                          << "i=0; while [ -L " << moved
                          << "/dump.json ] && [ $i -lt 500 ]; do "
                          << "sleep 0.02; i=$((i + 1)); done\n"
                          << "exit 6\n";
  std::unique_ptr<Background> syd;
  const pid_t syd_pid = DumpingSyd(t, dumps + "/dump.json", ready, &syd);
  REQUIRE(syd_pid > 0);
  kill(syd_pid, SIGUSR2);
  const RunResult r = syd->Wait();
  INFO(r.err);
  CHECK(r.exit_code == 6);
  CHECK(ReadAll(victim) == "precious\n");
  CHECK_FALSE(Exists(t.extra + "/dump.json"));
  CHECK(testing::Entries(t.extra) == 1);  // the victim
  CHECK(testing::Entries(moved) == 1);    // the dump, no temporary file
  struct stat st;
  REQUIRE(lstat((moved + "/dump.json").c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
  CHECK(nlohmann::json::parse(ReadAll(moved + "/dump.json"))
            .contains("processes"));
}

TEST_CASE("the control socket's removal at the end goes nowhere else") {
  // The sandbox may write where the socket is: it moves the socket's
  // directory away and puts a link to a directory it may not write in
  // its place, where a file has the socket's name. syd removes its own
  // socket, in the directory it held, and not that file. (syd once
  // removed the name as a path at the end, through the link.)
  // Short names: a socket's path is at most 107 bytes, TEST_TMPDIR's long.
  const ShortTempDir top_dir, out_dir;
  const std::string& top = top_dir.path;
  const std::string& out = out_dir.path;
  REQUIRE(mkdir((top + "/ctl").c_str(), 0755) == 0);
  std::ofstream(out + "/s.sock") << "precious\n";
  const std::string policy = top + "/policy.syd";
  std::ofstream(policy) << "sys/trace+%file_wr:allow:arg_=*\"" << top
                        << "/***\"\nsys/trace+%file_wr:fault=EPERM\n";
  const RunResult r =
      Run({kSyd, "--backend=" + Backend(), "--control", top + "/ctl/s.sock",
           "-c", policy, "--", "/bin/sh", "-c",
           "mv " + top + "/ctl " + top + "/moved && ln -s " + out + " " + top +
               "/ctl && test -S " + top + "/moved/s.sock"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(ReadAll(out + "/s.sock") == "precious\n");
  CHECK_FALSE(Exists(top + "/moved/s.sock"));
}

TEST_CASE(
    "plugin in C: execlog records argv and, from the exit hook, the result" *
    doctest::skip(!ExitHooksRun())) {
  std::string log = testing::MakeTempDir() + "/exec.log";
  RunResult r =
      Run({kSyd, "-m",
           "sys/user+execve,execveat:load=plugins/execlog.so:file=" + log, "--",
           "/bin/sh", "-c",
           "/bin/true a 'b c'; /no/such/program 2>/dev/null; exit 5"});
  INFO(r.err);
  CHECK(r.exit_code == 5);
  std::string text = ReadAll(log);
  INFO(text);
  CHECK(Contains(text, " /bin/true a b\\ c = 0\n"));
  CHECK(Contains(text, " /no/such/program = -2\n"));  // -ENOENT
  CHECK(Contains(text, "finished: 5\n"));
}

TEST_CASE("plugin in C++: maxsize refuses writes past its limit") {
  std::string dir = testing::MakeTempDir();
  RunResult r =
      Run({kSyd, "-m", "sys/user+write,pwrite64:load=plugins/maxsize.so:max=10",
           "--", "/bin/sh", "-c",
           "printf 12345 > " + dir +
               "/f || exit 10\n"
               "printf 123456789 >> " +
               dir +
               "/f && exit 11\n"
               "printf 12345 >> " +
               dir +
               "/f || exit 12\n"
               "exit 0"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(ReadAll(dir + "/f") == "1234512345");
  // A plugin's refusal is reported like any other, with the rule.
  CHECK(Contains(r.err, "fault=EFBIG"));
  CHECK(Contains(r.err, "load=plugins/maxsize.so"));
}

TEST_CASE("plugin load errors say what is wrong and run nothing") {
  std::string dir = testing::MakeTempDir();
  std::string marker = dir + "/ran";
  auto load = [&](const std::string& plugin) {
    return Run({kSyd, "-m", "sys/user+write:load=" + plugin, "--", kHelper,
                "write", marker});
  };
  RunResult r = load(dir + "/missing.so");
  CHECK(r.exit_code == 125);
  CHECK(Contains(r.err, "cannot open shared object file"));
  r = load("testdata/progs/no_enter.so");
  CHECK(r.exit_code == 125);
  CHECK(Contains(r.err, "does not export syd_plugin_enter"));
  r = load("testdata/progs/wrong_abi.so");
  CHECK(r.exit_code == 125);
  CHECK(Contains(r.err, "built for plugin ABI 2; this syd speaks 1"));
  r = load("plugins/maxsize.so");  // no max=
  CHECK(r.exit_code == 125);
  CHECK(Contains(r.err, "init failed: maxsize needs max=BYTES"));
  // A plugin with an exit hook needs the call's result: ptrace only.
  const std::string exec_log =
      "sys/user+execve:load=plugins/execlog.so:file=" + dir + "/exec.log";
  r = testing::Run({kSyd, "--backend=user-notif", "-m", exec_log, "--", kHelper,
                    "write", marker});
  CHECK(r.exit_code == 125);
  CHECK(Contains(r.err, "--backend=user-notif: this run needs ptrace: "));
  CHECK(Contains(r.err, "load=plugins/execlog.so has an exit hook"));
  // Left to choose, syd falls back, and says why once.
  r = testing::Run({kSyd, "--stats", "-m", exec_log, "--", "/bin/true"});
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.err, "syd: ptrace, not user notification: "));
  CHECK(Contains(r.err, "(ptrace)"));
  // One with an enter hook alone keeps user notification.
  r = testing::Run({kSyd, "--stats", "-m",
                    "sys/user+write:load=plugins/maxsize.so:max=10", "--",
                    "/bin/true"});
  CHECK(r.exit_code == 0);
  CHECK_FALSE(Contains(r.err, "not user notification"));
  CHECK(Contains(r.err, "(user notification)"));
  r = load("no_such_module");
  CHECK(r.exit_code == 125);
  CHECK(Contains(r.err, "no built-in module 'no_such_module'"));
  CHECK(!Exists(marker));
}

TEST_CASE("a plugin is loaded once: its constructors run once") {
  const std::string dir = testing::MakeTempDir();
  const std::string loads = dir + "/loads";
  const RunResult r =
      Run({kSyd, "-m", "sys/user+write:load=testdata/progs/count_loads.so",
           "--", kHelper, "write", dir + "/f"},
          {"SYD_TEST_LOADS=" + loads});
  CHECK(r.exit_code == 0);
  CHECK(testing::ReadAll(loads) == "loaded\n");
}

TEST_CASE("sys/user works with every verdict") {
  std::string dir = testing::MakeTempDir();
  auto user = [&](const std::string& verdict, const std::string& name) {
    return Run({kSyd, "-m",
                "sys/user+%file_wr:arg_=*\"" + dir + "/***\":" + verdict, "--",
                kHelper, "write", dir + "/" + name});
  };
  CHECK(user("allow", "a").exit_code == 0);
  CHECK(Exists(dir + "/a"));
  CHECK(user("fault=EACCES", "b").exit_code == EACCES);
  RunResult r = user("retval=0", "c");
  CHECK(r.exit_code != 0);  // "opened" fd 0, which is not the file
  CHECK(!Exists(dir + "/c"));
  CHECK(user("kill_process=SIGKILL", "d").exit_code == 128 + SIGKILL);
  CHECK(user("kill_thread=SIGKILL", "e").exit_code == 128 + SIGKILL);
  CHECK(user("trap=0", "f").exit_code == 128 + SIGSYS);
  CHECK(!Exists(dir + "/d"));
  CHECK(!Exists(dir + "/f"));
  CHECK(user("log=2", "g").exit_code == 0);
  // detach: syd stops judging the process, so a later deny rule is moot.
  r = Run({kSyd, "-m", "sys/user+%exec:detach_process=0", "-m",
           "sys/user+%file_wr:fault=EPERM", "--", "/bin/sh", "-c",
           std::string(kHelper) + " write " + dir + "/h"});
  CHECK(r.exit_code == 0);
  CHECK(Exists(dir + "/h"));
}

}  // namespace
}  // namespace syd
