// What syd allows is what happens: syd performs an allowed change of
// metadata or of names itself, and under user notification an open too,
// on the name it judged, as the caller. A name rewritten by a sibling
// thread, or a link swapped, while syd judges it cannot make the kernel
// act on something else; what is done is what the kernel would have done
// (descriptor, flags, mode, errors), with the caller's ids, groups,
// capabilities and umask. Under ptrace an open is continued: that race is
// the kernel layers' to hold, where they can (writes under a Landlock
// layer).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "src/testing/files.h"
#include "src/testing/netns.h"
#include "tests/e2e/e2e.h"

namespace syd {
namespace {

using e2e::Backend;
using e2e::kHelper;
using e2e::kSyd;
using e2e::NumberAfter;
using e2e::Run;
using e2e::Tries;
using testing::Exists;
using testing::ReadAll;
using testing::RunResult;

// ptrace performs changes of metadata and names, not opens: it cannot
// hand a descriptor over.
bool PerformsOpens() { return Backend() != "ptrace"; }

std::string Write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

// A policy file in `dir` with `text`.
std::string Policy(const std::string& dir, const std::string& text) {
  return Write(dir + "/policy.syd", text);
}

RunResult Syd(const std::string& policy, std::vector<std::string> command,
              std::vector<std::string> flags = {}) {
  std::vector<std::string> argv = {kSyd, "--stats"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  for (const char* a : {"-c", policy.c_str(), "--"}) argv.push_back(a);
  argv.insert(argv.end(), command.begin(), command.end());
  return Run(argv);
}

// The count --stats gives of the calls syd performed, or -1.
long CallsPerformed(const std::string& err) {
  const size_t end = err.find(" calls performed by syd");
  if (end == std::string::npos) return -1;
  const size_t start = err.rfind(' ', end - 1);
  return std::stol(err.substr(start + 1, end - start - 1));
}

// The helper's `argv` (the helper, then its op) run by a thread that does
// not lead its process (the helper's in-thread).
std::vector<std::string> InThread(std::vector<std::string> argv) {
  argv.insert(argv.begin() + 1, "in-thread");
  return argv;
}

// Runs the helper's race-connect between `good` and `bad` (addresses as
// the helper takes them) under `policy`, by the process's leading thread
// and by another, while the allowed connections on `good_fd` are taken as
// they come (a full queue would hold a connect for seconds); checks the
// race ran and that `bad_fd` was never reached.
void CheckConnectRaceNotReached(const std::string& policy,
                                const std::string& good, int good_fd,
                                const std::string& bad, int bad_fd) {
  std::atomic<bool> ran{false};
  std::thread drain([&] {
    while (!ran) {
      if (testing::Accepted(good_fd) == 0) usleep(1000);
    }
  });
  for (const bool in_thread : {false, true}) {
    CAPTURE(in_thread);
    const std::vector<std::string> argv = {kHelper, "race-connect", good, bad,
                                           Tries(2000)};
    const RunResult r = Syd(policy, in_thread ? InThread(argv) : argv);
    CHECK(r.exit_code == 0);
    CAPTURE(r.out);
    CHECK(NumberAfter(r.out, "connected ") > 0);  // the race ran
    CHECK(testing::Accepted(bad_fd) == 0);
  }
  ran = true;
  drain.join();
}

// A non-blocking unix socket of `type` bound to `name`: a path, or an
// abstract name after an '@'.
int BoundUnixSocket(const std::string& name, int type) {
  const int fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  REQUIRE(name.size() < sizeof un.sun_path);
  std::memcpy(un.sun_path, name.data(), name.size());
  const bool abstract = name.starts_with('@');
  if (abstract) un.sun_path[0] = '\0';
  // An abstract name is its bytes alone; a path ends at its NUL.
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) +
                                          name.size() + (abstract ? 0 : 1));
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&un), len) == 0);
  return fd;
}

// How many datagrams wait on `fd` (non-blocking); each is read.
int Datagrams(int fd) {
  int n = 0;
  char byte;
  while (recv(fd, &byte, 1, MSG_DONTWAIT) >= 0) ++n;
  return n;
}

// Runs the helper's race-send every way (sendto, sendmsg and sendmmsg
// with an address flipping between `good` and `bad`, and a sendmsg whose
// message flips between no address and `bad`) under `allow`'s rules, by
// a thread that leads its process and by another, while the datagrams on
// `good_fd` are read as they come; checks each race ran and that `bad_fd`
// got nothing.
void CheckSendRaceNotReached(const std::string& allow, const std::string& good,
                             int good_fd, const std::string& bad, int bad_fd) {
  // Refused: every address of the family; allowed by falling through:
  // a send with none (to the socket's peer), as under paludis.syd.
  std::string rules;
  for (const std::string& action : {"allow:arg_@~\"" + allow + "\"",
                                    std::string("fault=ECONNREFUSED:log=none:"
                                                "arg_@~\"inet://0.0.0.0/0\""),
                                    std::string("fault=ECONNREFUSED:log=none:"
                                                "arg_@~\"unix:/***\"")}) {
    rules += "sys/trace+sendmsg,sendmmsg:" + action + "\n";
    rules += "sys/trace+sendto:arg4!=0:" + action + "\n";
  }
  const std::string policy = Policy(testing::MakeTempDir(), rules);
  std::atomic<bool> ran{false};
  std::atomic<int> got{0};
  std::thread drain([&] {
    while (!ran) {
      const int n = Datagrams(good_fd);
      got += n;
      if (n == 0) usleep(1000);
    }
  });
  for (const std::string how : {"sendto", "sendmsg", "sendmmsg", "unnamed"}) {
    for (const bool in_thread : {false, true}) {
      CAPTURE(how);
      CAPTURE(in_thread);
      const std::vector<std::string> argv = {kHelper, "race-send", how,
                                             good,    bad,         Tries(2000)};
      const RunResult r = Syd(policy, in_thread ? InThread(argv) : argv);
      CHECK(r.exit_code == 0);
      CAPTURE(r.out);
      CAPTURE(r.err);
      CHECK(NumberAfter(r.out, "sent ") > 0);  // the race ran
      CHECK(Datagrams(bad_fd) == 0);
    }
  }
  ran = true;
  drain.join();
  CHECK(got > 0);
}

// Runs the helper's `probe` in a fresh directory bare, and in another
// under syd with writes allowed there and `more` rules: the same lines.
// Returns syd's run.
RunResult SameAsBare(const std::string& probe, const std::string& more,
                     bool in_thread = false) {
  const std::string root = testing::MakeTempDir();
  const std::string bare = root + "/bare";
  const std::string sandboxed = root + "/sandboxed";
  REQUIRE(mkdir(bare.c_str(), 0755) == 0);
  REQUIRE(mkdir(sandboxed.c_str(), 0755) == 0);
  // in_thread: made by a thread that does not lead its process.
  auto argv = [&](const std::string& dir) {
    const std::vector<std::string> run = {kHelper, probe, dir};
    return in_thread ? InThread(run) : run;
  };
  const RunResult want = Run(argv(bare));
  REQUIRE(want.exit_code == 0);
  const std::string policy =
      Policy(root, "sys/trace+%file_wr:allow:arg_=*\"" + sandboxed +
                       "/***\"\nsys/trace+%file_wr:fault=EPERM\n" + more);
  RunResult got = Syd(policy, argv(sandboxed));
  CHECK(got.exit_code == 0);
  CHECK(got.out == want.out);
  return got;
}

// Runs the helper's `probe` as nobody, bare and under root's syd with
// `rules`, each in a directory of its own that nobody may write (the
// helper copied where nobody may run it).
struct BareAndSyd {
  RunResult bare;
  RunResult syd;
};
BareAndSyd BareAndSydAsNobody(const std::string& probe,
                              const std::string& rules) {
  std::string tmp = "/tmp/syd-as-nobody.XXXXXX";  // fits in sun_path
  REQUIRE(mkdtemp(tmp.data()) != nullptr);
  REQUIRE(chmod(tmp.c_str(), 0755) == 0);
  const std::string h = tmp + "/helper";
  REQUIRE(Run({"/bin/cp", kHelper, h}).exit_code == 0);
  auto as_nobody = [&](const std::string& dir) {
    REQUIRE(mkdir(dir.c_str(), 0777) == 0);
    REQUIRE(chmod(dir.c_str(), 0777) == 0);
    return std::vector<std::string>{"/usr/bin/setpriv",
                                    "--reuid=65534",
                                    "--regid=65534",
                                    "--clear-groups",
                                    h,
                                    probe,
                                    dir};
  };
  BareAndSyd out{Run(as_nobody(tmp + "/bare")),
                 Syd(Policy(tmp, rules), as_nobody(tmp + "/syd"))};
  Run({"/bin/rm", "-rf", tmp});
  return out;
}

// Runs the helper's `probe`, which takes no directory, bare and under syd
// with every open and every change stopped and allowed: the same lines.
// Returns syd's run.
RunResult SameAsBareOpening(const std::string& probe) {
  const RunResult want = Run({kHelper, probe});
  REQUIRE(want.exit_code == 0);
  RunResult got = Syd(Policy(testing::MakeTempDir(),
                             "sys/trace+open,openat,openat2,%file_wr:allow\n"),
                      {kHelper, probe});
  CHECK(got.exit_code == 0);
  CHECK(got.out == want.out);
  return got;
}

TEST_CASE("an open syd performs is the one the kernel would have made") {
  // Descriptor numbers, close-on-exec, status flags, the mode under the
  // caller's umask, and the kernel's errors for names it refuses.
  const RunResult got =
      SameAsBare("open-probe", "sys/trace+open,openat,openat2,creat:allow\n");
  // The link opened with O_NOFOLLOW is the kernel's; the FIFO opens that
  // do not wait, the socket's and /dev/null are syd's.
  if (PerformsOpens()) {
    CAPTURE(got.err);
    CHECK(testing::Contains(got.err, "while it went on), 1 left"));
  }
}

TEST_CASE("a FIFO's end syd hands over is the caller's alone once it runs") {
  // syd's copy of a FIFO it opened, held past the answer, is one more
  // reader for a moment: the probe's reader closes its end and opens the
  // write end at once, decided on syd's other thread, which finds syd's
  // reader and does not wait; its write then fails with EPIPE and the
  // probe dies (4 runs in 30 with two deciding threads before syd dropped
  // its copy before the answer). 20 runs, each as bare.
  for (int run = 0; run < 20; ++run) {
    CAPTURE(run);
    SameAsBare("fifo-wait-probe", "sys/trace+open,openat,openat2:allow\n");
  }
}

TEST_CASE(
    "a file syd opened for writing runs as soon as the caller closes it") {
  // A build runs what it has just written: syd's copy of the descriptor,
  // held past the answer, is one more writer for a moment, and an exec
  // meeting it fails with ETXTBSY (76-93 of 500 runs in each of two
  // processes at once before syd closed its copy of a file with an
  // execute bit before the answer). A file written with none and then
  // given one: 0.5% of runs before the chmod waited for syd's copies.
  const std::string dir = testing::MakeTempDir();
  const std::string policy =
      Policy(dir, "sys/trace+%file_wr:allow:arg_=*\"" + dir +
                      "/***\"\nsys/trace+%file_wr:fault=EPERM\n");
  for (const bool then_chmod : {false, true}) {
    CAPTURE(then_chmod);
    const std::string n = then_chmod ? "400" : "200";
    std::vector<std::string> argv = {kHelper, "write-and-run", dir, n};
    if (then_chmod) argv.push_back("chmod");
    const RunResult got = Syd(policy, argv);
    CAPTURE(got.err);
    CHECK(got.exit_code == 0);
    const std::string line = "ran " + n + ", busy 0, of " + n + "\n";
    CHECK(got.out == line + line);
    // Every copy written was run, then removed; only the policy is left.
    std::vector<std::string> left;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      left.push_back(e.path().filename());
    CHECK(left == std::vector<std::string>{"policy.syd"});
    if (PerformsOpens()) CHECK(CallsPerformed(got.err) >= 2 * std::stol(n));
  }
}

TEST_CASE("an open that waits for a FIFO's other end waits as bare") {
  // A read end before its writer, a write end before its reader: syd
  // opens each on a thread of its own, which waits as the caller would
  // have, while it goes on deciding (the other end's open stops in it).
  // Three wait: a read end opened to wait always does (syd cannot tell
  // whether a writer is there), the writer's child among them.
  const RunResult got =
      SameAsBare("fifo-wait-probe", "sys/trace+open,openat,openat2:allow\n");
  if (PerformsOpens()) {
    CAPTURE(got.err);
    CHECK(testing::Contains(got.err, ", 0 left to the kernel, 3 waited aside"));
  }
}

TEST_CASE(
    "a pseudo-terminal opens as bare, and /dev/tty is the caller's own "
    "terminal") {
  // syd opens the multiplexer, the slave a session leader opens and then
  // takes with TIOCSCTTY (the open alone, O_NOCTTY in syd, does not take
  // it), and /dev/tty, which it opens again through a descriptor of the
  // caller's terminal (ENXIO where it has none): a line written through
  // it reaches the multiplexer.
  const RunResult got = SameAsBareOpening("pty-probe");
  if (PerformsOpens()) {
    CAPTURE(got.err);
    CHECK(testing::Contains(got.err, ", 0 left to the kernel"));
  }
}

TEST_CASE("a name in the process's own /proc opens in its own /proc") {
  // syd's /proc/self is syd: syd opens the name beneath the caller's
  // /proc/TGID (comm written and read back, its memory read through
  // /proc/self/mem, the kernel's errors), and changes its metadata there
  // (chmod's EPERM, chown, times, truncate); a namespace's magic link is
  // the kernel's to follow.
  const RunResult got = SameAsBareOpening("proc-self-probe");
  if (PerformsOpens()) {
    CAPTURE(got.err);
    CHECK(testing::Contains(got.err, ", 1 left to the kernel"));
  }
}

TEST_CASE(
    "an open of the process's own descriptor through /proc is the "
    "kernel's") {
  // A pipe, a socket, an eventfd and a memfd through /proc/self/fd and
  // /proc/thread-self/fd: syd reopens the caller's descriptor (the same
  // pipe, the same memfd), or gives the kernel's ENXIO, EEXIST, ENOENT.
  const RunResult got = SameAsBareOpening("proc-fd-probe");
  // The probe's 12, and any a sanitizer's runtime makes.
  if (PerformsOpens()) CHECK(CallsPerformed(got.err) >= 12);
}

TEST_CASE("a change of metadata syd performs is the one the kernel makes") {
  // chmod, chown, truncate, times and xattrs by name, through links and
  // not, with the errors the kernel gives for names and values it
  // refuses, and the file's state after each.
  const RunResult got = SameAsBare("meta-probe", "");
  // truncate of a FIFO is the kernel's (and under ptrace the opens that
  // make the files); a link's own attributes are syd's.
  if (PerformsOpens()) {
    CHECK(testing::Contains(got.err, "while it went on), 1 left"));
  } else {
    CHECK(testing::Contains(got.err, " calls performed by syd"));
    CHECK_FALSE(testing::Contains(got.err, "syd: 0 calls performed"));
  }
}

TEST_CASE(
    "a change through a descriptor syd performs is the one the kernel "
    "makes") {
  // fchmod, fchown, times, xattrs and attribute flags through a descriptor
  // opened for reading and one opened O_PATH, a NULL name, an empty one
  // with and without AT_EMPTY_PATH, the cwd: syd makes each call again on
  // its duplicate of the descriptor, and the kernel answers it.
  const RunResult got = SameAsBare("fd-meta-probe", "");
  CHECK(CallsPerformed(got.err) >= 30);
  // The same from a thread that does not lead its process: before, syd
  // opened no pidfd of it and left every one of these to the kernel.
  const RunResult thread = SameAsBare("fd-meta-probe", "", true);
  CHECK(CallsPerformed(thread.err) >= 30);
}

TEST_CASE("a name syd makes, removes or moves is the one the kernel would") {
  // mkdir, mknod, symlink, link, rename with its flags, unlink, rmdir:
  // modes under the umask, link counts, and the kernel's errors, with the
  // directory's listing after each.
  const RunResult got = SameAsBare("name-probe", "");
  CHECK(testing::Contains(got.err, " calls performed by syd"));
  CHECK_FALSE(testing::Contains(got.err, "syd: 0 calls performed"));
}

TEST_CASE("nothing is performed where the sandbox may make namespaces") {
  // In a user or mount namespace of its own a process is not what syd
  // would be in its place: every call is continued, and --stats says why.
  const std::string root = testing::MakeTempDir();
  const std::string policy =
      Policy(root, "sys/trace+%file_wr:allow:arg_=*\"" + root + "/***\"\n");
  const RunResult r = Syd(policy, {kHelper, "write", root + "/made"},
                          {"-m", "baseline/allow+namespaces"});
  CHECK(r.exit_code == 0);
  CHECK(Exists(root + "/made"));
  CHECK(testing::Contains(r.err, "every call is continued"));
  CHECK_FALSE(testing::Contains(r.err, "calls performed by syd"));
}

TEST_CASE("a process's own Landlock domain holds for what syd would do") {
  // A program that puts itself in a Landlock domain (a build tool that
  // sandboxes the tests it runs) finds its creates, writes, removals and
  // its child's refused as bare, in a directory syd's rules let it write:
  // syd leaves its calls to the kernel, which checks them in that domain.
  // (syd once made them itself, outside the domain, and they were made.)
  const RunResult r = SameAsBare("own-domain", "");
  CAPTURE(r.out);
  CHECK(testing::Contains(r.out, "create=Permission denied"));
  CHECK(testing::Contains(r.out, "holds: old\n"));
  CHECK(testing::Contains(r.err, "makes a Landlock domain of its own"));
}

// Two directories: ok/f holds "good", no/f "bad"; policies refuse no/ and
// nothing else, so there is no Landlock file layer and syd alone holds
// them.
struct Raced {
  std::string root = testing::MakeTempDir();
  std::string ok = root + "/ok";
  std::string no = root + "/no";
  // Writes to no/ refused; or opens of it.
  std::string writes =
      Write(root + "/writes.syd",
            "sys/trace+%file_wr:arg_=*\"" + no + "/***\":fault=EPERM\n");
  std::string reads =
      Write(root + "/reads.syd", "sys/trace+open,openat,openat2:arg_=*\"" + no +
                                     "/***\":fault=EACCES\n");

  Raced() {
    REQUIRE(mkdir(ok.c_str(), 0755) == 0);
    REQUIRE(mkdir(no.c_str(), 0755) == 0);
    Write(ok + "/f", "good");
    Write(no + "/f", "bad");
  }
};

// `name` (absolute) after as many slashes as make it `size` characters:
// the same name to the kernel, the length of the refused one it races.
std::string PaddedTo(const std::string& name, size_t size) {
  return std::string(size - name.size() + 1, '/') + name.substr(1);
}

// Races `good`, an allowed name syd opens itself, against the refused
// `bad` (one length), each try creating and writing it: every open that
// got through was syd's, and `bad` was not made.
void CheckOpensPerformed(const Raced& t, const std::string& good,
                         const std::string& bad) {
  const RunResult r =
      Syd(t.writes, {kHelper, "race-name", good, bad, Tries(3000)});
  CHECK(r.exit_code == 0);
  CAPTURE(r.out);
  CAPTURE(r.err);
  const long done = NumberAfter(r.out, "done ");
  CHECK(done > 0);  // the race ran
  CHECK(CallsPerformed(r.err) >= done);
  CHECK_FALSE(Exists(bad));
}

TEST_CASE("a name rewritten while syd judges it is not what is opened" *
          doctest::skip(!PerformsOpens())) {
  const Raced t;
  SUBCASE("creates") {
    const RunResult r = Syd(t.writes, {kHelper, "race-name", t.ok + "/g",
                                       t.no + "/g", Tries(3000)});
    CHECK(r.exit_code == 0);
    CAPTURE(r.out);
    CHECK(NumberAfter(r.out, "done ") > 0);  // the race ran
    CHECK_FALSE(Exists(t.no + "/g"));
  }
  SUBCASE("creates through an open_how larger than syd knows") {
    // Its bytes past open_how zero, which the kernel takes: before, syd
    // let the kernel read such a call again.
    const RunResult r =
        Syd(t.writes, {kHelper, "race-name", t.ok + "/g", t.no + "/g",
                       Tries(3000), "openat2-larger"});
    CHECK(r.exit_code == 0);
    CAPTURE(r.out);
    CHECK(NumberAfter(r.out, "done ") > 0);  // the race ran
    CHECK_FALSE(Exists(t.no + "/g"));
  }
  SUBCASE("creates through /dev/null") {
    // /dev/null, which every profile lets a program write: before, its
    // open was the kernel's, and it made no/g in 2 runs of 2.
    const std::string bad = t.no + "/g";
    CheckOpensPerformed(t, PaddedTo("/dev/null", bad.size()), bad);
  }
  SUBCASE("creates through /dev/tty") {
    // The caller's own terminal (none here: syd answers ENXIO, as the
    // kernel would): before, its open was the kernel's, and it made no/g
    // in 2 runs of 2.
    const std::string bad = t.no + "/g";
    const RunResult r =
        Syd(t.writes, {kHelper, "race-name", PaddedTo("/dev/tty", bad.size()),
                       bad, Tries(3000)});
    CHECK(r.exit_code == 0);
    CAPTURE(r.out);
    CHECK_FALSE(Exists(bad));
  }
  SUBCASE("creates through a terminal a session leader would take") {
    // A session leader with no terminal, whose open of a pty's slave would
    // make it its own: before, syd left that open to the kernel, and it
    // made no/g in 2 runs of 2. syd opens it with O_NOCTTY now.
    const int master = posix_openpt(O_RDWR | O_NOCTTY);
    REQUIRE(master >= 0);
    REQUIRE(grantpt(master) == 0);
    REQUIRE(unlockpt(master) == 0);
    const std::string bad = t.no + "/g";
    const RunResult r = Syd(
        t.writes, {kHelper, "race-name", PaddedTo(ptsname(master), bad.size()),
                   bad, Tries(3000), "leader"});
    close(master);
    CHECK(r.exit_code == 0);
    CAPTURE(r.out);
    CHECK(NumberAfter(r.out, "done ") > 0);  // the race ran
    CHECK_FALSE(Exists(bad));
  }
  SUBCASE("writes through /proc/self/comm") {
    // A name in the caller's own /proc, which any process may write:
    // before, syd left it to the kernel, and it made no/g in 2 runs of 2.
    const std::string bad = t.no + "/g";
    CheckOpensPerformed(t, PaddedTo("/proc/self/comm", bad.size()), bad);
  }
  SUBCASE("writes through a FIFO with a reader") {
    // The test holds the read end: the caller's write open would not wait,
    // and syd does it. Left to the kernel, the FIFO is a name the kernel
    // reads again.
    const std::string fifo = t.ok + "/p";
    REQUIRE(mkfifo(fifo.c_str(), 0644) == 0);
    const int reader = open(fifo.c_str(), O_RDWR | O_NONBLOCK);
    REQUIRE(reader >= 0);
    CheckOpensPerformed(t, fifo, t.no + "/p");
    close(reader);
  }
  SUBCASE("writes through a FIFO that waits for its reader") {
    // The reader comes and goes: an open without one waits for it. Left
    // to the kernel, that open reads the name again.
    const std::string fifo = t.ok + "/q";
    REQUIRE(mkfifo(fifo.c_str(), 0644) == 0);
    std::atomic<bool> stop{false};
    std::atomic<bool> finished{false};
    std::thread reader([&] {
      for (int i = 0; i < 100000 && !stop; ++i) {
        const int fd = open(fifo.c_str(), O_RDONLY);  // waits for a writer
        char buf[256];
        while (fd >= 0 && read(fd, buf, sizeof buf) > 0) {
        }
        if (fd >= 0) close(fd);
        usleep(200);
      }
      finished = true;
    });
    const RunResult r =
        Syd(t.writes, {kHelper, "race-name", fifo, t.no + "/q", Tries(1000)});
    stop = true;
    // A writer for the reader waiting in its open, however late it got
    // there (5 s at most).
    for (int i = 0; i < 5000 && !finished; ++i) {
      const int fd = open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
      if (fd >= 0) close(fd);
      usleep(1000);
    }
    reader.join();
    CHECK(r.exit_code == 0);
    CAPTURE(r.out);
    CAPTURE(r.err);
    const long done = NumberAfter(r.out, "done ");
    CHECK(done > 0);                                        // the race ran
    CHECK(NumberAfter(r.err, "left to the kernel, ") > 0);  // some waited
    CHECK_FALSE(Exists(t.no + "/q"));
  }
  SUBCASE("writes to a file that is there") {
    const RunResult r = Syd(t.writes, {kHelper, "race-name", t.ok + "/f",
                                       t.no + "/f", Tries(3000)});
    CHECK(r.exit_code == 0);
    CHECK(ReadAll(t.no + "/f") == "bad");
  }
  SUBCASE("reads") {
    // Reads have no Landlock right at all.
    const RunResult r = Syd(t.reads, {kHelper, "race-name", t.ok + "/f",
                                      t.no + "/f", Tries(3000), "read"});
    CHECK(r.exit_code == 0);
    CAPTURE(r.out);
    CHECK(NumberAfter(r.out, "done ") > 0);
    CHECK(NumberAfter(r.out, "read bad ") == 0);
  }
}

TEST_CASE("a link swapped while syd judges it cannot carry a read out" *
          doctest::skip(!PerformsOpens())) {
  const Raced t;
  const RunResult r = Syd(t.reads, {kHelper, "race-read-link", t.root + "/link",
                                    t.ok, t.no, Tries(3000)});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "read bad 0 of " + Tries(3000) + "\n");
}

TEST_CASE(
    "where reads are allow-listed, a name rewritten or a link swapped reads "
    "nothing else") {
  // Under ptrace the open is continued and the kernel reads the name
  // again: the Landlock read right derived from the allow-list holds it
  // (with SYD_LANDLOCK_ABI=0 this escapes under ptrace). Under user
  // notification syd opens what it judged.
  const Raced t;
  const std::string policy =
      Write(t.root + "/allow-list.syd",
            "sys/trace+%file_wr:allow:arg_=*\"" + t.ok +
                "/***\"\nsys/trace+%file_wr:fault=EPERM\n" +
                e2e::ReadAllowList({t.ok}));
  const RunResult named = Syd(policy, {kHelper, "race-name", t.ok + "/f",
                                       t.no + "/f", Tries(3000), "read"});
  CHECK(named.exit_code == 0);
  CAPTURE(named.out);
  CAPTURE(named.err);
  CHECK(NumberAfter(named.out, "done ") > 0);  // the race ran
  CHECK(NumberAfter(named.out, "read bad ") == 0);
  const RunResult linked =
      Syd(policy,
          {kHelper, "race-read-link", t.ok + "/link", t.ok, t.no, Tries(3000)});
  CHECK(linked.exit_code == 0);
  CHECK(linked.out == "read bad 0 of " + Tries(3000) + "\n");
  CHECK(ReadAll(t.no + "/f") == "bad");
}

TEST_CASE("opens from many threads at once each get their own file") {
  // While one caller waits to take its descriptor (ADDFD), syd goes on to
  // the next call and the descriptor is handed over from another thread:
  // each must reach the caller it was opened for.
  const std::string root = testing::MakeTempDir();
  const std::string dir = root + "/w";
  REQUIRE(mkdir(dir.c_str(), 0755) == 0);
  const std::string policy =
      Policy(root, "sys/trace+%file_wr:allow:arg_=*\"" + dir +
                       "/***\"\nsys/trace+%file_wr:fault=EPERM\n");
  const RunResult r =
      Syd(policy, {kHelper, "parallel-opens", "16", "150", dir});
  CHECK(r.exit_code == 0);
  CAPTURE(r.err);
  CHECK(r.out == "mismatched 0\n");
  // On the file system: every file, each with its own name in it.
  CHECK(testing::Entries(dir) == 16 * 150);
  int wrong = 0;
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 150; ++j) {
      const std::string name =
          "t" + std::to_string(i) + "." + std::to_string(j);
      wrong += ReadAll(dir + "/" + name) != name;
    }
  }
  CHECK(wrong == 0);
  if (PerformsOpens()) {
    CHECK(NumberAfter(r.err, "calls performed by syd (") > 0);
  }
}

// Whether syd decides calls on more than one thread here: under user
// notification, with more than one CPU. Under ptrace one thread traces
// the whole sandbox.
bool DecidesInParallel() {
  cpu_set_t cpus;
  return PerformsOpens() && sched_getaffinity(0, sizeof cpus, &cpus) == 0 &&
         CPU_COUNT(&cpus) > 1;
}

TEST_CASE("a call whose read stalls syd does not hold the sandbox's others" *
          doctest::skip(!DecidesInParallel() || geteuid() != 0)) {
  // A name on a page that never arrives (userfaultfd, which the baseline
  // refuses for this reason, reopened here) stalls the thread of syd that
  // reads it. The other calls are decided on syd's other threads; with
  // one deciding thread the helper's creates would wait until its
  // watchdog let the page arrive, 5 s on, and it would say so.
  const std::string root = testing::MakeTempDir();
  const std::string dir = root + "/w";
  REQUIRE(mkdir(dir.c_str(), 0755) == 0);
  const std::string policy = Policy(root,
                                    "baseline/allow+userfaultfd\n"
                                    "sys/trace+%file_wr:allow:arg_=*\"" +
                                        dir +
                                        "/***\"\n"
                                        "sys/trace+%file_wr:fault=EPERM\n"
                                        "sys/trace+openat:allow\n");
  const RunResult r = Syd(policy, {kHelper, "stalled-read", dir, "20"});
  CAPTURE(r.err);
  CHECK(r.out == "made 20 while one read stalled\n");
  CHECK(r.exit_code == 0);
  CHECK(testing::Entries(dir) == 20);
  for (int i = 0; i < 20; ++i)
    CHECK(Exists(dir + "/made." + std::to_string(i)));
  CHECK(r.err.find("threads decided calls") != std::string::npos);
  // The creates were syd's to perform, not continued.
  CHECK(CallsPerformed(r.err) >= 20);
}

TEST_CASE(
    "syd answers its own signals while every deciding thread waits on a "
    "call" *
    doctest::skip(!PerformsOpens() || geteuid() != 0)) {
  // A name on a page that never arrives for each of syd's deciding
  // threads: all of them wait. The thread that handles syd's signals
  // decides nothing, so the run's deadline still gets syd's dump
  // (SIGUSR2); when that thread was one of the deciding ones, the signal
  // waited with it, and the run was killed two seconds later with no
  // dump.
  cpu_set_t cpus;
  REQUIRE(sched_getaffinity(0, sizeof cpus, &cpus) == 0);
  const int threads = std::clamp(CPU_COUNT(&cpus), 1, 4);  // as syd's
  const std::string policy = Policy(testing::MakeTempDir(),
                                    "baseline/allow+userfaultfd\n"
                                    "sys/trace+openat:allow\n");
  const RunResult r = testing::Run({kSyd, "-c", policy, "--", kHelper,
                                    "stalled-reads", std::to_string(threads)},
                                   {}, 3);
  CAPTURE(r.err);
  CHECK(r.out == "stalled " + std::to_string(threads) + "\n");
  CHECK(r.timed_out);
  CHECK(testing::Contains(r.err, "\"processes\""));
}

TEST_CASE("a name rewritten while syd judges it cannot carry a change out") {
  // Reads, chmod, chown, truncate, xattrs and times have no Landlock
  // right: syd alone holds them.
  const Raced t;
  struct stat before;
  REQUIRE(stat((t.no + "/f").c_str(), &before) == 0);
  for (const std::string op : {"chmod", "chown", "chown-empty-path", "truncate",
                               "xattr", "xattrat", "utimes"}) {
    CAPTURE(op);
    const RunResult r = Syd(t.writes, {kHelper, "race-name", t.ok + "/f",
                                       t.no + "/f", Tries(2000), op});
    CHECK(r.exit_code == 0);
    CAPTURE(r.out);
    CHECK(NumberAfter(r.out, "done ") > 0);  // the race ran
    struct stat after;
    REQUIRE(stat((t.no + "/f").c_str(), &after) == 0);
    CHECK(after.st_mode == before.st_mode);
    CHECK(after.st_uid == before.st_uid);
    CHECK(after.st_gid == before.st_gid);
    CHECK(after.st_size == before.st_size);
    CHECK(after.st_mtim.tv_sec == before.st_mtim.tv_sec);
    CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
    CHECK(getxattr((t.no + "/f").c_str(), "user.raced", nullptr, 0) < 0);
  }
  // A name in the caller's own /proc, which paludis.syd lets a build
  // change (/proc/self/attr/...): before, syd left a change there to the
  // kernel, and a slash-padded /proc/self/comm rewritten into no/f
  // chmod'ed it (under -p paludis, a file outside the build's trees:
  // Landlock has no right for chmod).
  const std::string bad = t.no + "/f";
  for (const std::string op :
       {"chmod", "chown", "truncate", "xattr", "utimes"}) {
    CAPTURE(op);
    const RunResult r = Syd(t.writes, {kHelper, "race-name",
                                       PaddedTo("/proc/self/comm", bad.size()),
                                       bad, Tries(2000), op});
    CHECK(r.exit_code == 0);
    CAPTURE(r.out);
    // The race ran (chmod and xattrs fail on procfs files).
    if (op != "chmod" && op != "xattr") CHECK(NumberAfter(r.out, "done ") > 0);
    struct stat after;
    REQUIRE(stat(bad.c_str(), &after) == 0);
    CHECK(after.st_mode == before.st_mode);
    CHECK(after.st_uid == before.st_uid);
    CHECK(after.st_size == before.st_size);
    CHECK(after.st_mtim.tv_sec == before.st_mtim.tv_sec);
    CHECK(getxattr(bad.c_str(), "user.raced", nullptr, 0) < 0);
  }
  // The attribute of a link itself: before, syd left it to the kernel,
  // and 4 or 5 runs in 5 set user.raced on no/f, under both backends.
  REQUIRE(symlink("f", (t.ok + "/l").c_str()) == 0);
  for (const std::string op : {"lxattr", "lxattrat"}) {
    CAPTURE(op);
    const RunResult r = Syd(t.writes, {kHelper, "race-name", t.ok + "/l",
                                       t.no + "/f", Tries(2000), op});
    CHECK(r.exit_code == 0);
    CAPTURE(r.out);
    CHECK(NumberAfter(r.out, "done ") >= 0);  // the race ran
    CHECK(getxattr((t.no + "/f").c_str(), "user.raced", nullptr, 0) < 0);
  }
}

// The attribute flags of `path` (FS_IOC_GETFLAGS), or nothing where its
// file system has none.
std::optional<int> AttributeFlags(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  int flags = 0;
  const bool ok = fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  if (fd >= 0) close(fd);
  return ok ? std::optional<int>(flags) : std::nullopt;
}

TEST_CASE(
    "a descriptor swapped while syd judges it cannot carry a change out") {
  // A change through a descriptor is judged by the file it names, and a
  // thread may put another there (dup2, or fchdir for the cwd) before the
  // kernel looks at it again; none of these has a Landlock right (a link
  // made to a refused file lets its new name be changed). syd makes the
  // change on its own duplicate of the descriptor, while that still names
  // what it judged. Before, each of these changed no/f (or no/) in 2,000
  // tries, under both backends.
  const Raced t;
  const std::string bad = t.no + "/f";
  struct stat before;
  REQUIRE(stat(bad.c_str(), &before) == 0);
  const std::optional<int> flags = AttributeFlags(bad);
  std::vector<std::string> ops = {
      "fchmod",           "fchown",      "fsetxattr",      "futimens",
      "chmod-empty-path", "utimes-null", "link-empty-path"};
  if (flags) ops.push_back("setflags");
  // Made by a thread that does not lead its process, whose tid alone
  // opens no pidfd (ENOENT on 6.18): before, syd left those calls to the
  // kernel, and a thread's fchmod changed no/f in 2,000 tries.
  ops.push_back("in-thread fchmod");
  for (const std::string& op : ops) {
    CAPTURE(op);
    constexpr std::string_view kInThread = "in-thread ";
    const bool in_thread = op.starts_with(kInThread);
    const std::vector<std::string> argv = {
        kHelper,     "race-descriptor",
        t.ok + "/f", bad,
        Tries(2000), in_thread ? op.substr(kInThread.size()) : op};
    const RunResult r = Syd(t.writes, in_thread ? InThread(argv) : argv);
    CHECK(r.exit_code == 0);
    CAPTURE(r.out);
    CHECK(NumberAfter(r.out, "done ") > 0);  // the race ran
    struct stat after;
    REQUIRE(stat(bad.c_str(), &after) == 0);
    CHECK(after.st_mode == before.st_mode);
    CHECK(after.st_uid == before.st_uid);
    CHECK(after.st_gid == before.st_gid);
    CHECK(after.st_nlink == before.st_nlink);  // no link made to it
    CHECK(after.st_mtim.tv_sec == before.st_mtim.tv_sec);
    CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
    CHECK(getxattr(bad.c_str(), "user.raced", nullptr, 0) < 0);
    CHECK(AttributeFlags(bad) == flags);
  }
  // The cwd, changed by AT_FDCWD and an empty name.
  REQUIRE(stat(t.no.c_str(), &before) == 0);
  const RunResult r = Syd(t.writes, {kHelper, "race-descriptor", t.ok, t.no,
                                     Tries(2000), "cwd-chown"});
  CHECK(r.exit_code == 0);
  CAPTURE(r.out);
  CHECK(NumberAfter(r.out, "done ") > 0);
  struct stat after;
  REQUIRE(stat(t.no.c_str(), &after) == 0);
  CHECK(after.st_uid == before.st_uid);
  CHECK(after.st_gid == before.st_gid);
}

TEST_CASE(
    "an empty name rewritten, or a dirfd not open swapped, cannot carry a "
    "call elsewhere") {
  // An empty name is judged as its dirfd's own file, and the call fails
  // there; a relative name on a dirfd that is not open is EBADF. Left to
  // the kernel, a thread that writes a name over the empty one, or puts
  // a directory on the dirfd, makes the kernel act on what syd never
  // judged: before, each of these made its name in no/ in 2,000 tries,
  // under both backends.
  const Raced t;
  struct Race {
    std::string dir, name, op, made;
  };
  for (const Race& race : {Race{t.ok, "../no/e", "create", t.no + "/e"},
                           Race{t.ok, "../no/d", "mkdir", t.no + "/d"},
                           Race{t.no, "x", "dirfd", t.no + "/x"}}) {
    CAPTURE(race.op);
    const RunResult r = Syd(t.writes, {kHelper, "race-empty-name", race.dir,
                                       race.name, Tries(2000), race.op});
    CHECK(r.exit_code == 0);
    CAPTURE(r.out);
    CHECK(NumberAfter(r.out, "done ") == 0);
    CHECK_FALSE(Exists(race.made));
  }
  // linkat of its descriptor's file (AT_EMPTY_PATH): an empty name
  // rewritten into no/f linked no/f into ok/ (358 links in 1,000 tries).
  const RunResult r = Syd(t.writes, {kHelper, "race-empty-name", t.ok + "/f",
                                     t.no + "/f", Tries(2000), "link"});
  CHECK(r.exit_code == 0);
  CAPTURE(r.out);
  CHECK(NumberAfter(r.out, "done ") > 0);  // ok/f was linked
  struct stat st;
  REQUIRE(stat((t.no + "/f").c_str(), &st) == 0);
  CHECK(st.st_nlink == 1);
}

TEST_CASE(
    "a name rewritten by another process sharing the memory is not "
    "what is done") {
  // The same races, the buffer a shared mapping that a second process of
  // the sandbox rewrites: syd reads the name once, whoever writes it.
  const Raced t;
  const RunResult r = Syd(t.writes, {kHelper, "race-name-process", t.ok + "/f",
                                     t.no + "/f", Tries(2000), "chmod"});
  CHECK(r.exit_code == 0);
  CAPTURE(r.out);
  CHECK(NumberAfter(r.out, "done ") > 0);  // the race ran
  struct stat st;
  REQUIRE(stat((t.no + "/f").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) != 0777);
  if (PerformsOpens()) {
    const RunResult creates = Syd(
        t.writes,
        {kHelper, "race-name-process", t.ok + "/g", t.no + "/g", Tries(3000)});
    CHECK(creates.exit_code == 0);
    CHECK_FALSE(Exists(t.no + "/g"));
  }
}

TEST_CASE("a name rewritten while syd judges it cannot make or remove one") {
  // Without a Landlock file layer (the Paludis profile under magic stat
  // has none) syd alone holds these.
  const Raced t;
  for (const std::string op :
       {"mkdir", "mknod", "symlink", "link", "rename", "unlink"}) {
    CAPTURE(op);
    const bool removes = op == "unlink";
    const std::string name = removes ? "/f" : "/g";
    const RunResult r = Syd(t.writes, {kHelper, "race-name", t.ok + name,
                                       t.no + name, Tries(2000), op});
    CHECK(r.exit_code == 0);
    CAPTURE(r.out);
    CHECK(NumberAfter(r.out, "done ") > 0);  // the race ran
    CHECK(testing::Entries(t.no) == 1);
    CHECK(ReadAll(t.no + "/f") == "bad");
  }
}

// The names in `dir`, each with its mode and size, sorted: what a raced
// call could have changed there.
std::string Listing(const std::string& dir) {
  std::vector<std::string> lines;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    struct stat st;
    REQUIRE(lstat(entry.path().c_str(), &st) == 0);
    lines.push_back(entry.path().filename().string() + " " +
                    std::to_string(st.st_mode) + " " +
                    std::to_string(st.st_size));
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

TEST_CASE(
    "a name syd cannot resolve, or that ends in '/', '.' or '..', or is "
    "the root, cannot carry a race") {
  // Each is a name the kernel would fail or take apart from its parent's
  // entry; before, syd let the kernel read it again, and a thread that
  // rewrote it made or removed a name in the refused directory (under
  // both backends, without a Landlock file layer: as the Paludis profile
  // under magic stat has none).
  const Raced t;
  REQUIRE(mkdir((t.ok + "/d").c_str(), 0755) == 0);
  // The allowed form of each, and a refused name of the same length.
  struct Vehicle {
    std::string form;
    std::string good;
    std::string bad;
  };
  const std::vector<Vehicle> vehicles = {
      {"slash", t.ok + "/ff/", t.no + "/fff"},
      {"dots", t.ok + "/d/..", t.no + "/ffff"},
      {"missing", t.ok + "/m/ff", t.no + "/ffff"},
      {"root", std::string(t.no.size() + 2, '/'), t.no + "/r"},
  };
  // The root's race mixes "////..." with the refused name byte by byte,
  // and a mix such as "/r" or "/tmp/s////" is a name outside the test's
  // tree the machine would keep: there, writes are allowed only at the
  // root itself and beneath the test's tree, so syd refuses every mix.
  const std::string root_writes =
      Write(t.root + "/root-writes.syd",
            "sys/trace+%file_wr:arg_=*\"" + t.no + "/***\":fault=EPERM\n" +
                "sys/trace+%file_wr:arg_=\"/\":allow\n" +
                "sys/trace+%file_wr:arg_=*\"" + t.root + "/***\":allow\n" +
                "sys/trace+%file_wr:fault=EPERM:log=none\n");
  for (const Vehicle& v : vehicles) {
    std::vector<std::string> ops = {"mkdir", "mknod", "symlink", "unlink"};
    // Not at the root, which chmod would open to all, and where GOOD.src,
    // which link and rename move, would be /.src.
    if (v.form != "root") ops.insert(ops.end(), {"chmod", "link", "rename"});
    if (PerformsOpens()) ops.push_back("write");
    for (const std::string& op : ops) {
      CAPTURE(v.form);
      CAPTURE(op);
      // A file at the refused name, for unlink and chmod to reach.
      if (op == "unlink" || op == "chmod") Write(v.bad, "bad");
      // GOOD.src for link and rename, in a directory that is there.
      if (v.form == "slash" && (op == "link" || op == "rename"))
        REQUIRE(mkdir((t.ok + "/ff").c_str(), 0755) == 0);
      const std::string before = Listing(t.no);
      const RunResult r =
          Syd(v.form == "root" ? root_writes : t.writes,
              {kHelper, "race-name", v.good, v.bad, Tries(2000), op});
      CHECK(r.exit_code == 0);
      CAPTURE(r.out);
      CHECK(NumberAfter(r.out, "done ") >= 0);  // the race ran
      CHECK(Listing(t.no) == before);
      CHECK(ReadAll(t.no + "/f") == "bad");
      std::filesystem::remove_all(t.ok + "/ff");
      std::filesystem::remove(v.bad);
    }
  }
}

TEST_CASE("a name made, removed or moved at the root fails as bare") {
  // The root is no parent's entry: syd makes these calls on its own copy
  // of the name, and the kernel fails each with its own errno. Writes are
  // refused only beneath one directory, so the root's are allowed.
  const std::string root = testing::MakeTempDir();
  const std::string bare = root + "/bare";
  const std::string sandboxed = root + "/sandboxed";
  REQUIRE(mkdir(bare.c_str(), 0755) == 0);
  REQUIRE(mkdir(sandboxed.c_str(), 0755) == 0);
  const RunResult want = Run({kHelper, "root-probe", bare});
  REQUIRE(want.exit_code == 0);
  const std::string policy = Policy(
      root, "sys/trace+%file_wr:arg_=*\"" + root + "/no/***\":fault=EPERM\n");
  const RunResult got = Syd(policy, {kHelper, "root-probe", sandboxed});
  CHECK(got.exit_code == 0);
  CHECK(got.out == want.out);
  // The 12 calls, and the open that makes reg where syd performs opens.
  const int performed = PerformsOpens() ? 13 : 12;
  CHECK(testing::Contains(
      got.err, "syd: " + std::to_string(performed) + " calls performed"));
}

// A loopback TCP port the kernel gave and took back: free for the next
// bind.
int FreePort() {
  const testing::LoopbackSocket s = testing::BindLoopback(SOCK_STREAM);
  REQUIRE(s.fd >= 0);
  close(s.fd);
  return s.port;
}

TEST_CASE("a bind or connect syd performs is the one the kernel makes" *
          doctest::skip(geteuid() != 0)) {
  // A bind twice, in use, below 1024; a connect to nothing, to a
  // listener, again, without blocking, of UDP; the kernel's errors.
  REQUIRE(testing::EnterNewNetworkNamespace());
  const RunResult want =
      Run({kHelper, "net-probe", std::to_string(FreePort())});
  REQUIRE(want.exit_code == 0);
  const std::string root = testing::MakeTempDir();
  const std::string policy = Policy(root, "sys/trace+bind,connect:allow\n");
  const RunResult got =
      Syd(policy, {kHelper, "net-probe", std::to_string(FreePort())});
  CHECK(got.exit_code == 0);
  CHECK(got.out == want.out);
  CHECK(testing::Contains(got.err, " calls performed by syd"));
  CHECK_FALSE(testing::Contains(got.err, "syd: 0 calls performed"));
  // From a thread that does not lead its process: as many performed.
  const RunResult thread =
      Syd(policy, InThread({kHelper, "net-probe", std::to_string(FreePort())}));
  CHECK(thread.exit_code == 0);
  CHECK(thread.out == want.out);
  CHECK(CallsPerformed(thread.err) == CallsPerformed(got.err));
  // As nobody (a copy of the helper under /tmp, which nobody reaches):
  // syd takes the socket as itself and binds as the caller, so port 1 is
  // refused as the kernel refuses it to nobody.
  std::string tmp = "/tmp/syd-net-probe.XXXXXX";
  REQUIRE(mkdtemp(tmp.data()) != nullptr);
  REQUIRE(chmod(tmp.c_str(), 0755) == 0);
  const std::string h = tmp + "/helper";
  REQUIRE(Run({"/bin/cp", kHelper, h}).exit_code == 0);
  const std::vector<std::string> as_nobody = {
      "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", h,
      "net-probe"};
  std::vector<std::string> bare = as_nobody;
  bare.push_back(std::to_string(FreePort()));
  const RunResult nobody_bare = Run(bare);
  std::vector<std::string> sandboxed = as_nobody;
  sandboxed.push_back(std::to_string(FreePort()));
  const RunResult nobody = Syd(policy, sandboxed);
  Run({"/bin/rm", "-rf", tmp});
  CHECK(testing::Contains(nobody_bare.out, "bind port 1: Permission denied"));
  CHECK(nobody.out == nobody_bare.out);
  CHECK(testing::Contains(nobody.err, " calls performed by syd"));
  CHECK_FALSE(testing::Contains(nobody.err, "syd: 0 calls performed"));
}

TEST_CASE("a unix connect syd performs is the one the kernel makes") {
  // To a server, again, to a full queue without blocking and blocking, to
  // no socket, a file, a socket of mode 0, one of another type; of a
  // datagram socket; and whether the server sees the client's effective
  // ids (syd connects for it).
  const RunResult got =
      SameAsBare("unix-probe", "sys/trace+connect:allow:arg_@~\"unix:/***\"\n");
  CHECK(testing::Contains(got.out,
                          "the server sees the client's effective ids: 1"));
  CHECK(CallsPerformed(got.err) >= 8);
  if (geteuid() != 0) return;
  // As nobody under root's syd: the server sees nobody, and a socket of
  // mode 0 refuses it, as bare.
  const auto [bare, nobody] =
      BareAndSydAsNobody("unix-probe", "sys/trace+connect:allow\n");
  CHECK(testing::Contains(bare.out, "socket of mode 0: Permission denied"));
  CHECK(nobody.out == bare.out);
  CHECK(CallsPerformed(nobody.err) >= 8);
}

TEST_CASE("a send syd performs is the one the kernel makes") {
  // By a unix socket's name, passing a descriptor, three messages at once
  // (the lengths written back), the ids a receiver is told of, to a
  // closed stream (SIGPIPE), blocking on a full socket until there is
  // room, and the kernel's errors for a buffer, an address and a socket.
  const std::string rules =
      "sys/trace+sendto:arg4!=0:allow\nsys/trace+sendmsg,sendmmsg:allow\n";
  const RunResult got = SameAsBare("send-probe", rules);
  CHECK(testing::Contains(got.out, "sendmmsg: 3, lengths 3 5 7"));
  CHECK(testing::Contains(got.out, "full, blocking: 3"));
  CHECK(testing::Contains(got.out, "SIGPIPE 1"));
  CHECK(CallsPerformed(got.err) >= 10);
  if (geteuid() != 0) return;
  // As nobody under root's syd: the receiver is told of nobody, not of
  // root, who sends.
  const auto [bare, nobody] = BareAndSydAsNobody("send-probe", rules);
  CHECK(testing::Contains(bare.out,
                          "the receiver is told of the sender's ids: 1"));
  CHECK(nobody.out == bare.out);
  CHECK(CallsPerformed(nobody.err) >= 10);
}

TEST_CASE(
    "a unix socket's name rewritten while syd judges a connect is not "
    "reached") {
  // No layer of this kernel judges a unix connect by its path: before,
  // the server refused was reached some 300 times in 2,000 tries, under
  // both backends (a build reaching the system bus could have its
  // service manager run anything).
  std::string dir = "/tmp/syd-unix-race.XXXXXX";  // fits in sun_path
  REQUIRE(mkdtemp(dir.data()) != nullptr);
  auto listener = [](const std::string& path) {
    const int fd = BoundUnixSocket(path, SOCK_STREAM);
    REQUIRE(listen(fd, 4096) == 0);
    return fd;
  };
  const std::string good = dir + "/good.sock";
  const std::string bad = dir + "/bad_.sock";  // as long: one flip
  const int good_fd = listener(good);
  const int bad_fd = listener(bad);
  const std::string policy =
      Policy(dir, "sys/trace+connect:allow:arg_@~\"unix:" + good +
                      "\"\nsys/trace+connect:fault=ECONNREFUSED:log=none\n");
  CheckConnectRaceNotReached(policy, "unix:" + good, good_fd, "unix:" + bad,
                             bad_fd);
  close(bad_fd);
  close(good_fd);
  Run({"/bin/rm", "-rf", dir});
}

TEST_CASE("where pidfd_getfd is refused, the kernel binds and connects" *
          doctest::skip(geteuid() != 0)) {
  // Docker's profile without CAP_SYS_PTRACE: syd cannot copy the caller's
  // socket, so it continues the call, and says so once.
  REQUIRE(testing::EnterNewNetworkNamespace());
  const RunResult want =
      Run({kHelper, "net-probe", std::to_string(FreePort())});
  REQUIRE(want.exit_code == 0);
  const std::string policy =
      Policy(testing::MakeTempDir(), "sys/trace+bind,connect:allow\n");
  const RunResult got =
      testing::Run({kHelper, "without-pidfd-getfd", kSyd,
                    "--backend=" + Backend(), "--stats", "-c", policy, "--",
                    kHelper, "net-probe", std::to_string(FreePort())});
  CHECK(got.exit_code == 0);
  CHECK(got.out == want.out);
  CHECK(testing::Contains(
      got.err,
      "syd cannot copy the sandbox's descriptors (pidfd_getfd: "
      "Operation not permitted; a container's seccomp profile "));
  CHECK(testing::Contains(got.err, "syd: 0 calls performed by syd"));
  CHECK(NumberAfter(got.err, "while it went on), ") > 0);
}

TEST_CASE(
    "where pidfd_getfd is refused, listen is judged by the socket tables" *
    doctest::skip(geteuid() != 0)) {
  // Paludis's listen rules: a socket bound on loopback may listen, one
  // bound (or left by a failed bind) to be bound to the wildcard may not.
  // syd asks the kernel's socket tables (sock_diag) where the caller's
  // socket is bound, since it cannot copy it to ask getsockname.
  REQUIRE(testing::EnterNewNetworkNamespace());
  // A short directory: a unix socket's path fits in 108 bytes.
  std::string dir = "/tmp/syd-listen.XXXXXX";
  REQUIRE(mkdtemp(dir.data()) != nullptr);
  const std::string policy =
      Policy(dir,
             "sys/trace+bind,listen:allow:arg_@~\"LOOPBACK@0\"\n"
             "sys/trace+bind,listen:allow:arg_@~\"LOOPBACK@1024-65535\"\n"
             "sys/trace+bind,listen:allow:arg_@~\"LOOPBACK6@0\"\n"
             "sys/trace+bind,listen:allow:arg_@~\"LOOPBACK6@1024-65535\"\n"
             "sys/trace+bind:allow:arg_@~\"unix:" +
                 dir +
                 "/***\"\n"
                 "sys/trace+listen:allow:arg_@~\"unix:/***\"\n"
                 "sys/trace+bind,listen:fault=EPERM\n");
  auto listen = [&](std::vector<std::string> args,
                    const std::string& flag = "--stats") {
    std::vector<std::string> argv = {kHelper, "without-pidfd-getfd",
                                     kSyd,    "--backend=" + Backend(),
                                     flag,    "-c",
                                     policy,  "--",
                                     kHelper};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::Run(argv);
  };
  CHECK(listen({"listen", "inet:127.0.0.1@0"}).exit_code == 0);
  // In a network namespace of the sandbox's own, not syd's: syd asks
  // the tables there.
  CHECK(listen({"listen", "inet:127.0.0.1@0"}, "--unshare-net").exit_code == 0);
  CHECK(listen({"listen"}, "--unshare-net").exit_code == EPERM);
  const RunResult six = listen({"listen", "inet6:::1@0"});
  CAPTURE(six.err);
  CHECK(six.exit_code == 0);
  const RunResult named = listen({"listen", "unix:" + dir + "/l.sock"});
  CAPTURE(named.err);
  CHECK(named.exit_code == 0);
  CHECK(Exists(dir + "/l.sock"));
  // Unbound: the kernel would bind it to the wildcard address.
  CHECK(listen({"listen"}).exit_code == EPERM);
  // A bind that failed leaves the socket unbound: judged by the address
  // it asked for, its listen would reach every interface.
  const testing::LoopbackSocket held = testing::BindLoopback(SOCK_STREAM);
  REQUIRE(held.fd >= 0);
  const RunResult failed =
      listen({"listen-anyway", "inet:127.0.0.1@" + std::to_string(held.port)});
  close(held.fd);
  CHECK(testing::Contains(failed.out, "bind: Address already in use"));
  CHECK(failed.exit_code == EPERM);
  Run({"/bin/rm", "-rf", dir});
}

TEST_CASE("an address rewritten while syd judges a connect is not reached" *
          doctest::skip(geteuid() != 0)) {
  // Allowed: 127.0.0.1 on the port; refused: 127.0.0.2 on the same port,
  // which the Landlock layer (ports only) cannot tell apart.
  REQUIRE(testing::EnterNewNetworkNamespace());
  const testing::LoopbackSocket good = testing::BindLoopback(SOCK_STREAM);
  REQUIRE(good.fd >= 0);
  const int bad = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(good.port);
  in.sin_addr.s_addr = htonl(0x7f000002);
  REQUIRE(bind(bad, reinterpret_cast<sockaddr*>(&in), sizeof in) == 0);
  REQUIRE(listen(bad, 4096) == 0);
  const std::string port = std::to_string(good.port);
  const std::string root = testing::MakeTempDir();
  const std::string policy =
      Policy(root, "sys/trace+connect:allow:arg_@~\"inet://127.0.0.1@" + port +
                       "\"\nsys/trace+connect:fault=ECONNREFUSED\n");
  // Also by a thread that does not lead its process (before, syd left
  // its connects to the kernel: 127.0.0.2 was reached in 2,000 tries).
  CheckConnectRaceNotReached(policy, "inet:127.0.0.1@" + port, good.fd,
                             "inet:127.0.0.2@" + port, bad);
  close(bad);
  close(good.fd);
}

TEST_CASE("an address rewritten while syd judges a send is not reached" *
          doctest::skip(geteuid() != 0)) {
  // A datagram's address is in memory (sendto's contents, sendmsg's
  // whole header): before, the kernel read it again and some half of the
  // sends allowed to 127.0.0.1 went to 127.0.0.2, refused, in 2,000
  // tries under both backends, and a sendmsg judged with no address went
  // to one. No layer of this kernel judges a UDP address.
  REQUIRE(testing::EnterNewNetworkNamespace());
  const testing::LoopbackSocket good = testing::BindLoopback(SOCK_DGRAM);
  REQUIRE(good.fd >= 0);
  const int bad = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(good.port);
  in.sin_addr.s_addr = htonl(0x7f000002);
  REQUIRE(bind(bad, reinterpret_cast<sockaddr*>(&in), sizeof in) == 0);
  const std::string port = std::to_string(good.port);
  CheckSendRaceNotReached("inet://127.0.0.1@" + port, "inet:127.0.0.1@" + port,
                          good.fd, "inet:127.0.0.2@" + port, bad);
  close(bad);
  close(good.fd);
}

TEST_CASE(
    "a unix socket's name rewritten while syd judges a send is not "
    "reached") {
  // As above, to unix datagram sockets by path: the logger refused
  // (/dev/log) got half of what a build sent to the one allowed.
  std::string dir = "/tmp/syd-send-race.XXXXXX";  // fits in sun_path
  REQUIRE(mkdtemp(dir.data()) != nullptr);
  const std::string good = dir + "/good.sock";
  const std::string bad = dir + "/bad_.sock";  // as long: one flip
  const int good_fd = BoundUnixSocket(good, SOCK_DGRAM);
  const int bad_fd = BoundUnixSocket(bad, SOCK_DGRAM);
  CheckSendRaceNotReached("unix:" + good, "unix:" + good, good_fd,
                          "unix:" + bad, bad_fd);
  close(bad_fd);
  close(good_fd);
  Run({"/bin/rm", "-rf", dir});
}

TEST_CASE("a send to an abstract name is the kernel's, held by the scope") {
  // syd, outside the sandbox's Landlock domain, would reach an abstract
  // socket of the host that the scope keeps the sandbox from: a send
  // judged by an abstract name is continued, as such a connect is, and
  // the kernel refuses it (EPERM) where the rules allow it.
  const std::string name = "syd-scope-" + std::to_string(getpid());
  const int rx = BoundUnixSocket("@" + name, SOCK_DGRAM);
  const RunResult r = Syd(
      Policy(testing::MakeTempDir(),
             "sys/trace+sendto:arg4!=0:allow:arg_@~\"unix-abstract:" + name +
                 "\"\n"),
      {kHelper, "sendto", "abstract:" + name});
  CAPTURE(r.err);
  if (testing::Contains(r.err, "abstract unix sockets and ptrace scoped")) {
    CHECK(r.out == "Operation not permitted\n");
    CHECK(Datagrams(rx) == 0);
  }
  close(rx);
}

TEST_CASE("a socket swapped while syd judges a listen is not what listens" *
          doctest::skip(geteuid() != 0)) {
  // listen is judged by where its socket is bound, and one bound nowhere
  // is refused: its listen would bind it to every interface. A thread
  // that puts such a socket on the descriptor (dup2) after syd looked had
  // the kernel listen on it: before, in 2,000 tries, under both backends.
  // syd listens on its own duplicate, while it is still bound there.
  REQUIRE(testing::EnterNewNetworkNamespace());
  const std::string policy =
      Policy(testing::MakeTempDir(),
             "sys/trace+listen:allow:arg_@~\"LOOPBACK@1024-65535\"\n"
             "sys/trace+listen:fault=EPERM\n");
  const RunResult r = Syd(policy, {kHelper, "race-listen", Tries(2000)});
  CHECK(r.exit_code == 0);
  CAPTURE(r.out);
  CHECK(NumberAfter(r.out, "done ") > 0);  // the race ran
  CHECK(testing::Contains(r.out, "the unbound socket does not listen"));
}

TEST_CASE(
    "identity calls that change nothing leave syd making files as itself" *
    doctest::skip(geteuid() != 0)) {
  // A gzip build calls setresuid(-1, 0, -1) and setresgid(-1, 0, -1) 521
  // times each as root, and its shells ask for their umask 300 times
  // (umask(0), then 022 back): each used to make every later call syd
  // performed read its caller's identity from /proc. A umask that is not
  // syd's is a change: the file's mode is the caller's umask's, not
  // syd's. syd knows the umask a process alone in its process set (tar
  // as root keeps umask 0); a child made while umask 0 was set keeps it,
  // and a thread's umask is the process's: then each create reads its
  // caller's.
  const std::string root = testing::MakeTempDir();
  const std::string policy =
      Policy(root, "sys/trace+%file_wr:allow:arg_=*\"" + root +
                       "/***\"\nsys/trace+%file_wr:fault=EPERM\n");
  const mode_t own = umask(0);
  umask(own);
  for (const std::string mask :
       {"", "077", "query", "query-fork", "thread-umask"}) {
    CAPTURE(mask);
    const std::string dir = root + "/" + (mask.empty() ? "same" : mask);
    REQUIRE(mkdir(dir.c_str(), 0755) == 0);
    std::vector<std::string> argv = {kSyd,      "--backend=" + Backend(),
                                     "--stats", "-c",
                                     policy,    "--",
                                     kHelper,   "same-ids",
                                     dir};
    if (!mask.empty()) argv.push_back(mask);
    const RunResult r = Run(argv);
    CAPTURE(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "made\n");
    // A thread alone in its process that sets a umask: syd knows it.
    const mode_t want = mask == "077" ? 0600
                        : mask == "query-fork" || mask == "thread-umask"
                            ? 0666
                            : 0666 & ~own;
    const bool reads = mask == "query-fork" || mask == "thread-umask";
    for (int i = 0; i < 5; ++i) {
      struct stat st;
      REQUIRE(stat((dir + "/f" + std::to_string(i)).c_str(), &st) == 0);
      CHECK((st.st_mode & 07777) == want);
      CHECK(st.st_uid == 0u);
    }
    if (PerformsOpens()) {
      CHECK(testing::Contains(r.err, reads ? "identities read 5 times"
                                           : "identities read 0 times"));
    }
  }
}

TEST_CASE("syd opens as the caller: its ids, groups and capabilities" *
          doctest::skip(geteuid() != 0)) {
  // What a process may not do itself, syd does not do for it; what it
  // may, it can. setpriv changes ids and groups (watched calls) and drops
  // capabilities from the bounding set (prctl), which an exec then
  // applies. After each, syd's own identity is back: root's last write
  // works.
  // Under /tmp, with a copy of the helper: nobody cannot reach the test's
  // own directories. Removed at the end.
  std::string root = "/tmp/syd-performed.XXXXXX";
  REQUIRE(mkdtemp(root.data()) != nullptr);
  struct Cleanup {
    std::string dir;
    ~Cleanup() { Run({"/bin/rm", "-rf", dir}); }
  } cleanup{root};
  const std::string h = root + "/helper";
  REQUIRE(Run({"/bin/cp", kHelper, h}).exit_code == 0);
  REQUIRE(chmod(h.c_str(), 0755) == 0);
  const std::string dir = root + "/allowed";
  REQUIRE(mkdir(dir.c_str(), 01777) == 0);
  REQUIRE(chmod(dir.c_str(), 01777) == 0);
  REQUIRE(chmod(root.c_str(), 0755) == 0);
  const std::string secret = Write(dir + "/secret", "secret");
  REQUIRE(chmod(secret.c_str(), 0600) == 0);
  const std::string grouped = Write(dir + "/grouped", "g");
  REQUIRE(chown(grouped.c_str(), 0, 4242) == 0);
  REQUIRE(chmod(grouped.c_str(), 0660) == 0);
  const std::string nobodys = Write(dir + "/nobodys", "n");
  REQUIRE(chown(nobodys.c_str(), 65534, 65534) == 0);
  REQUIRE(chmod(nobodys.c_str(), 0600) == 0);
  const std::string readable = Write(dir + "/readable", "r");
  REQUIRE(chmod(readable.c_str(), 0644) == 0);
  const std::string policy =
      Policy(root, "sys/trace+%file_wr:allow:arg_=*\"" + dir +
                       "/***\"\nsys/trace+%file_wr:fault=EPERM\n");
  const std::string as_nobody =
      "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  const std::string script =
      // 1: a root-only file, as nobody.
      as_nobody + h + " append " + secret + "; echo secret=$?; " +
      // 2: a new file is nobody's.
      as_nobody + h + " write " + dir + "/made; " +
      // 3: the group's file, with and without the group.
      "setpriv --reuid=65534 --regid=65534 --groups=4242 " + h + " append " +
      grouped + "; echo with-group=$?; " + as_nobody + h + " append " +
      grouped + "; echo without-group=$?; " +
      // 4: metadata, as nobody: another's file's mode, a root-only
      // file's length.
      as_nobody + h + " chmod " + grouped + "; echo chmod=$?; " + as_nobody +
      h + " truncate " + secret + "; echo truncate=$?; " +
      // 4a: nobody's own file, grown by name (syd reads nobody's
      // RLIMIT_FSIZE as itself: as nobody it may not).
      as_nobody + h + " grow " + dir + "/made 7; echo grow=$?; " +
      // 4b: through a descriptor nobody opened to read root's file.
      as_nobody + h + " fchmod " + readable + "; echo fchmod=$?; " + as_nobody +
      h + " fchown " + readable + "; echo fchown=$?; " + as_nobody + h +
      " futimesat-null " + readable + "; echo futimes=$?; " +
      // 5: names, as nobody: root's file in a sticky directory.
      as_nobody + h + " unlink " + secret + "; echo unlink=$?; " +
      // 6: syd is itself again.
      h + " append " + secret + "; echo root=$?";
  const RunResult r = Syd(policy, {"/bin/sh", "-c", script});
  CAPTURE(r.out);
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  CHECK(testing::Contains(r.out, "secret=13\n"));  // EACCES
  CHECK(testing::Contains(r.out, "with-group=0\n"));
  CHECK(testing::Contains(r.out, "without-group=13\n"));
  CHECK(testing::Contains(r.out, "chmod=1\n"));      // EPERM
  CHECK(testing::Contains(r.out, "truncate=13\n"));  // EACCES
  CHECK(testing::Contains(r.out, "grow=0\n"));
  CHECK(testing::Contains(r.out, "fchmod=1\n"));  // EPERM: not its owner
  CHECK(testing::Contains(r.out, "fchown=1\n"));
  CHECK(testing::Contains(r.out, "futimes=13\n"));  // EACCES: not writable
  CHECK(testing::Contains(r.out, "unlink=1\n"));    // EPERM: sticky
  CHECK(testing::Contains(r.out, "root=0\n"));
  CHECK(ReadAll(secret) == "secret+");
  CHECK(ReadAll(grouped) == "g+");
  struct stat grouped_st;
  REQUIRE(stat(grouped.c_str(), &grouped_st) == 0);
  CHECK((grouped_st.st_mode & 07777) == 0660);
  CHECK(ReadAll(nobodys) == "n");
  struct stat readable_st;
  REQUIRE(stat(readable.c_str(), &readable_st) == 0);
  CHECK((readable_st.st_mode & 07777) == 0644);
  CHECK(readable_st.st_uid == 0u);
  struct stat st;
  REQUIRE(stat((dir + "/made").c_str(), &st) == 0);
  CHECK(st.st_uid == 65534u);
  CHECK(st.st_gid == 65534u);
  CHECK(st.st_size == 7);
  CHECK(testing::Contains(r.err, " calls performed by syd"));
  CHECK_FALSE(testing::Contains(r.err, "syd: 0 calls performed"));
  // Root without CAP_DAC_OVERRIDE, at another's 0600 file, in a run of
  // its own: the bounding set (prctl, no capset) is the only change, and
  // the exec applies it.
  const RunResult dropped =
      Syd(policy, {h, "drop-override-exec", h, "append", nobodys});
  CHECK(dropped.exit_code == 13);  // EACCES
  CHECK(ReadAll(nobodys) == "n");
}

}  // namespace
}  // namespace syd
