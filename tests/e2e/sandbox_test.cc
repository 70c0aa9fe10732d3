// syd running real programs: seccomp-only and traced policies, checked by
// exit status, by what the program saw, and by the file system.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "src/kernel/landlock.h"
#include "src/testing/files.h"
#include "src/testing/mountns.h"
#include "src/testing/netns.h"
#include "src/testing/pids.h"
#include "src/testing/subprocess.h"
#include "tests/e2e/e2e.h"

namespace syd {
namespace {

using e2e::Backend;
using e2e::kHelper;
using e2e::kSyd;
using e2e::Run;
using e2e::Touch;
using e2e::Tree;
using testing::Contains;
using testing::Entries;
using testing::Exists;
using testing::ReadAll;
using testing::RunResult;

// When a shell execs syd, syd inherits the shell's children (the tee of
// `syd ... 2> >(tee log)`). They are not the sandbox's: syd must not wait
// for them, signal them or list them.
TEST_CASE("syd does not wait for a process it inherited from its caller") {
  Tree t;
  const std::string pidfile = t.root + "/inherited.pid";
  // timeout(1) ends a syd that waits, with 124.
  RunResult r = testing::Run(
      {"/usr/bin/timeout", "20", "/bin/sh", "-c",
       "sleep 1000 </dev/null >/dev/null 2>&1 & echo $! > " + pidfile +
           "; exec " + kSyd + " --backend=" + Backend() + " -c " + t.policy +
           " -- " + kHelper + " write " + t.allowed + "/f"});
  std::ifstream in(pidfile);
  pid_t inherited = 0;
  in >> inherited;
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Exists(t.allowed + "/f"));
  REQUIRE(inherited > 0);
  CHECK(kill(inherited, 0) == 0);  // syd left it alone
  kill(inherited, SIGKILL);
  // The same when a thread execs: its tid vanishes unreported under ptrace.
  r = testing::Run({"/usr/bin/timeout", "20", "/bin/sh", "-c",
                    "sleep 1000 </dev/null >/dev/null 2>&1 & echo $! > " +
                        pidfile + "; exec " + kSyd + " --backend=" + Backend() +
                        " -c " + t.policy + " -- " + kHelper +
                        " exec-from-thread " + t.allowed + "/g"});
  std::ifstream again(pidfile);
  again >> inherited;
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Exists(t.allowed + "/g"));
  kill(inherited, SIGKILL);
}

TEST_CASE("--debug traces each stopped call: rules tried, rule, outcome") {
  Tree t;
  RunResult r = Run({kSyd, "--debug", "-c", t.policy, "--", kHelper, "write",
                     t.denied + "/f"});
  CHECK(r.exit_code == EPERM);
  CHECK(!Exists(t.denied + "/f"));
  // The refused open: the allow rule did not match, the catch-all did.
  CHECK_MESSAGE(Contains(r.err, "syd: debug: pid "), r.err);
  CHECK(Contains(r.err, "openat(AT_FDCWD, \"" + t.denied +
                            "/f\", O_WRONLY|O_CREAT|O_TRUNC, 0644): from #0, "
                            "no match at " +
                            t.policy + ":1; " + t.policy +
                            ":2: sys/trace+%file_wr:fault=EPERM -> "
                            "fault=EPERM -> returns -EPERM"));
  // Without --debug, no trace.
  r = t.Helper({"write", t.allowed + "/f"});
  CHECK(r.exit_code == 0);
  CHECK(!Contains(r.err, "debug"));
}

TEST_CASE("a long chain of path rules decides through the path index") {
  // 100 rules on directories d0..d99, globs and regexes in turn, and a
  // catch-all refusal: one run, matched in blocks of RE2::Set.
  Tree t;
  std::ofstream policy(t.policy);
  for (int i = 0; i < 100; ++i) {
    mkdir((t.root + "/d" + std::to_string(i)).c_str(), 0755);
    if (i % 2) {
      policy << "sys/trace+%file_wr:allow:arg_=*\"" << t.root << "/d" << i
             << "/***\"\n";
    } else {
      policy << "sys/trace+%file_wr:allow:arg_=~\"^" << t.root << "/d" << i
             << "/[^/]+$\"\n";
    }
  }
  policy << "sys/trace+%file_wr:fault=EPERM:log=2\n";
  policy.close();
  // In the first block, past it, and in the last rule.
  CHECK(t.Helper({"write", t.root + "/d3/a"}).exit_code == 0);
  CHECK(t.Helper({"write", t.root + "/d70/b"}).exit_code == 0);
  CHECK(t.Helper({"write", t.root + "/d99/c"}).exit_code == 0);
  // d70's rule is a regex for files directly in it: not two levels down.
  mkdir((t.root + "/d70/sub").c_str(), 0755);
  CHECK(t.Helper({"write", t.root + "/d70/sub/c"}).exit_code == EPERM);
  RunResult r = t.Helper({"write", t.denied + "/e"});
  CHECK(r.exit_code == EPERM);
  CHECK(Contains(r.err, "policy.syd:101: sys/trace+%file_wr:fault=EPERM"));
  CHECK(Exists(t.root + "/d99/c"));
  CHECK(!Exists(t.denied + "/e"));
}

TEST_CASE("seccomp-only: the filter decides, syd is not in the way") {
  std::string dir = testing::MakeTempDir();
  RunResult r = Run({kSyd, "-m", "sys/fault+mkdir,mkdirat:error=EACCES", "--",
                     kHelper, "mkdir", dir + "/d"});
  CHECK(r.exit_code == EACCES);
  CHECK_FALSE(Exists(dir + "/d"));
  // syd execs the command in its own place: its parent is our test.
  RunResult p = Run({kSyd, "-m", "sys/fault+mkdir", "--", kHelper, "ppid"});
  CHECK(p.out == std::to_string(getpid()) + "\n");
}

TEST_CASE("exit statuses and deaths by signal pass through") {
  for (const char* policy :
       {"sys/fault+mkdir", "sys/trace+mkdir:fault=EPERM"}) {
    CAPTURE(policy);
    for (int code : {0, 1, 42}) {
      CHECK(
          Run({kSyd, "-m", policy, "--", kHelper, "exit", std::to_string(code)})
              .exit_code == code);
    }
    // Seccomp-only, syd has become the command: it dies by the signal
    // itself, exactly as without syd. Traced, syd exits with 128+N.
    const bool traced = std::string(policy).find("trace") != std::string::npos;
    for (auto [name, sig] :
         {std::pair{"TERM", SIGTERM}, {"SEGV", SIGSEGV}, {"ABRT", SIGABRT}}) {
      RunResult r = Run({kSyd, "-m", policy, "--", kHelper, "signal", name});
      if (traced) {
        CHECK(r.exit_code == 128 + sig);
      } else {
        CHECK(r.term_signal == sig);
      }
    }
  }
  CHECK(Run({kSyd, "--", "/nonexistent/cmd"}).exit_code == 127);
  CHECK(
      Run({kSyd, "-m", "sys/bogus+x", "--", kHelper, "exit", "0"}).exit_code ==
      125);
}

TEST_CASE("writes land only where the policy allows them") {
  Tree t;
  CHECK(t.Helper({"write", t.allowed + "/f"}).exit_code == 0);
  CHECK(Exists(t.allowed + "/f"));
  RunResult denied = t.Helper({"write", t.denied + "/f"});
  CHECK(denied.exit_code == EPERM);
  CHECK_FALSE(Exists(t.denied + "/f"));
  CHECK(denied.err.find("fault=EPERM") != std::string::npos);
  CHECK(denied.err.find(t.denied + "/f") != std::string::npos);
  CHECK(denied.err.find("policy.syd:2: sys/trace+%file_wr:fault=EPERM") !=
        std::string::npos);
  // Reading is not a write: allowed, and not even stopped.
  Touch(t.denied + "/existing");
  CHECK(t.Helper({"read", t.denied + "/existing"}).exit_code == 0);
}

TEST_CASE("every way of writing is checked") {
  Tree t;
  std::string src = Touch(t.allowed + "/src");
  Touch(t.denied + "/victim");
  for (const e2e::Escape& c : e2e::WriteEscapes(t, src)) {
    CAPTURE(c.args[0]);
    CHECK(t.Helper(c.args).exit_code == EPERM);
    CHECK_FALSE(Exists(c.must_not_exist));
  }
  CHECK(Exists(src));  // the refused rename left it where it was
  // futimens: utimensat(fd, NULL, ...) is judged by the descriptor's file.
  CHECK(t.Helper({"futimens", Touch(t.allowed + "/touched")}).exit_code == 0);
  for (const char* op :
       {"truncate", "chmod", "utimensat", "futimens", "unlink"}) {
    CAPTURE(op);
    CHECK(t.Helper({op, t.denied + "/victim"}).exit_code == EPERM);
  }
  struct stat st;
  REQUIRE(stat((t.denied + "/victim").c_str(), &st) == 0);
  CHECK(st.st_size == 4);
  CHECK((st.st_mode & 0777) != 0600);
  // The same operations inside the allowed tree work.
  CHECK(t.Helper({"mkdir", t.allowed + "/d"}).exit_code == 0);
  CHECK(t.Helper({"openat", t.allowed, "rel"}).exit_code == 0);
  CHECK(t.Helper({"openat2", t.allowed + "/o2"}).exit_code == 0);
  CHECK(t.Helper({"rename", src, t.allowed + "/moved"}).exit_code == 0);
  CHECK(Exists(t.allowed + "/moved"));
}

TEST_CASE("symlinks cannot carry a write out of the allowed tree") {
  Tree t;
  REQUIRE(symlink(t.denied.c_str(), (t.allowed + "/escape").c_str()) == 0);
  CHECK(t.Helper({"write", t.allowed + "/escape/f"}).exit_code == EPERM);
  CHECK_FALSE(Exists(t.denied + "/f"));
  // A dangling last component: O_CREAT would create its target.
  REQUIRE(symlink((t.denied + "/created").c_str(),
                  (t.allowed + "/dangling").c_str()) == 0);
  CHECK(t.Helper({"write", t.allowed + "/dangling"}).exit_code == EPERM);
  CHECK_FALSE(Exists(t.denied + "/created"));
}

// What a file's metadata says, to compare before and after.
struct Metadata {
  mode_t mode;
  uid_t uid;
  gid_t gid;
  int64_t mtime_ns;
  std::string xattrs;
  bool operator==(const Metadata&) const = default;
};

Metadata MetadataOf(const std::string& path) {
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  char names[1024] = {};
  const ssize_t n = listxattr(path.c_str(), names, sizeof names);
  return {st.st_mode, st.st_uid, st.st_gid,
          st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
          n > 0 ? std::string(names, static_cast<size_t>(n)) : ""};
}

TEST_CASE("writes through a descriptor are judged by its file") {
  // The descriptor is opened only to read, which the rules allow
  // anywhere; the change goes through it and names no path.
  Tree t;
  const std::string denied = Touch(t.denied + "/f");
  const std::string allowed = Touch(t.allowed + "/f");
  chmod(denied.c_str(), 0644);
  const Metadata before = MetadataOf(denied);
  for (const std::string op : {"fchmod", "fchown", "fsetxattr", "fremovexattr",
                               "futimens", "futimesat-null"}) {
    CAPTURE(op);
    const RunResult r = t.Helper({op, denied});
    CHECK(r.exit_code == EPERM);
    CHECK(Contains(r.err, denied));  // the report names the file
    CHECK(MetadataOf(denied) == before);
    // Where the rules allow writes, the kernel has its say (uid 1 may not
    // exist in a user namespace; user xattrs may be unsupported).
    const RunResult ok = t.Helper({op, allowed});
    CAPTURE(ok.out);
    CHECK((ok.exit_code == 0 || ok.exit_code == EOPNOTSUPP ||
           ok.exit_code == ENODATA ||
           (op == "fchown" && ok.exit_code == EINVAL)));
  }
  CHECK((MetadataOf(allowed).mode & 07777) == 0600);
}

// The attribute flags (chattr): FS_IOC_SETFLAGS through a descriptor
// opened to read is in %file_wr, judged by the descriptor's file, with no
// rule that names ioctl.
TEST_CASE("attribute flags set through a descriptor are judged by its file") {
  Tree t;
  const std::string denied = Touch(t.denied + "/f");
  const std::string allowed = Touch(t.allowed + "/f");
  auto flags_of = [](const std::string& path) {
    const int fd = open(path.c_str(), O_RDONLY);
    int flags = -1;
    if (fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) != 0) flags = -1;
    if (fd >= 0) close(fd);
    return flags;
  };
  const int before = flags_of(denied);
  if (before < 0) {
    MESSAGE("this file system has no attribute flags: nothing to try");
    return;
  }
  const RunResult r = t.Helper({"nodump", denied});
  CHECK(r.exit_code == EPERM);
  CHECK(Contains(r.err, "ioctl(3<" + denied + ">"));
  CHECK(flags_of(denied) == before);
  // Where the rules allow writes, the flag is set (if the file system
  // keeps it), and no other ioctl stops: the terminal's are the kernel's.
  const RunResult ok = t.Helper({"nodump", allowed});
  CHECK((ok.exit_code == 0 || ok.exit_code == EOPNOTSUPP));
  if (ok.exit_code == 0) CHECK((flags_of(allowed) & FS_NODUMP_FL) != 0);
  const RunResult tty = Run({kSyd, "--stats", "-c", t.policy, "--", "/bin/sh",
                             "-c", "test -t 0; test -t 1; true"});
  CHECK(Contains(tty.err, "syd: 0 calls stopped in syd"));
}

// A name that ends in '/' makes the kernel follow a link at the end, even
// for a call that follows none (lutimes, lsetxattr, lchown): a link in
// allowed/ with a slash after it changes the directory it names.
TEST_CASE("a trailing slash follows a link at the end, as the kernel does") {
  Tree t;
  const std::string link = t.allowed + "/to-denied";
  REQUIRE(symlink(t.denied.c_str(), link.c_str()) == 0);
  const timespec long_ago[2] = {{1000000000, 0}, {1000000000, 0}};
  REQUIRE(utimensat(AT_FDCWD, t.denied.c_str(), long_ago, 0) == 0);
  const Metadata before = MetadataOf(t.denied);
  for (const std::string op : {"lutimes", "lsetxattr"}) {
    CAPTURE(op);
    const RunResult r = t.Helper({op, link + "/"});
    CHECK(r.exit_code == EPERM);
    CHECK(Contains(r.err, t.denied));  // judged where the kernel goes
    CHECK(MetadataOf(t.denied) == before);
  }
  // Without the slash, the link itself, which is allowed/'s.
  CHECK(t.Helper({"lutimes", link}).exit_code == 0);
  CHECK(MetadataOf(t.denied) == before);
}

// Every refusal syd reports carries the smallest rule that admits the
// call, checked against it before it is offered; given before the policy,
// it does.
TEST_CASE("a refusal names the rule that would admit the call") {
  Tree t;
  const std::string target = t.denied + "/new";
  const RunResult r = t.Helper({"write", target});
  CHECK(r.exit_code == EPERM);
  const std::string marker = "syd:   to admit it: -m '";
  const size_t at = r.err.find(marker);
  REQUIRE(at != std::string::npos);
  const size_t from = at + marker.size();
  const std::string rule = r.err.substr(from, r.err.find('\'', from) - from);
  CHECK(rule == "sys/trace+openat:arg1=\"" + target + "\":allow");
  CHECK(Contains(r.err, rule + "' before " + t.policy + "\n"));
  CHECK_FALSE(Exists(target));
  const RunResult ok =
      Run({kSyd, "-m", rule, "-c", t.policy, "--", kHelper, "write", target});
  CHECK(ok.exit_code == 0);
  CHECK(Exists(target));
  // In the JSON log, as "admit".
  const RunResult json =
      t.Helper({"write", t.denied + "/other"}, {"--log-format=json"});
  CHECK(Contains(json.err, "\"admit\":\"sys/trace+openat:arg1=\\\"" + t.denied +
                               "/other\\\":allow\""));
}

TEST_CASE("patterns match every byte string: no name slips past them") {
  // Names that are not UTF-8, or hold a newline, are names like any: an
  // allow rule allows them and a deny rule, glob or regex, refuses them.
  Tree t;
  const std::vector<std::string> names = {"x\xff", "a\nb", "\xc3(", "ok"};
  for (const std::string& name : names) {
    CAPTURE(name);
    CHECK(t.Helper({"write", t.allowed + "/" + name}).exit_code == 0);
    CHECK(Exists(t.allowed + "/" + name));
  }
  for (const std::string& deny :
       {"arg_=*\"" + t.denied + "/***\"", "arg_=~\"^" + t.denied + "/\"",
        "arg_=*\"" + t.denied + "/[!.]*\""}) {
    CAPTURE(deny);
    const std::string policy = t.root + "/deny.syd";
    std::ofstream(policy) << "sys/trace+%file_wr:" << deny << ":fault=EPERM\n";
    for (const std::string& name : names) {
      CAPTURE(name);
      const RunResult r = Run(
          {kSyd, "-c", policy, "--", kHelper, "write", t.denied + "/" + name});
      CHECK(r.exit_code == EPERM);
      CHECK_FALSE(Exists(t.denied + "/" + name));
    }
  }
}

TEST_CASE("reports quote what the sandbox names: no forged line, no tty") {
  Tree t;
  const std::string name =
      t.denied + "/a\nsyd: allow pid 1 forged\x1b]0;title\x07\xff";
  const RunResult r = t.Helper({"write", name});
  CHECK(r.exit_code == EPERM);
  CHECK_FALSE(Exists(name));
  CAPTURE(r.err);
  // One line per refusal, and no control byte reaches the terminal.
  size_t lines = 0;
  for (char c : r.err) lines += c == '\n';
  CHECK(lines == 1);
  CHECK(r.err.find('\x1b') == std::string::npos);
  CHECK(r.err.find('\x07') == std::string::npos);
  CHECK(
      Contains(r.err, "/a\\nsyd: allow pid 1 forged\\033]0;title\\007\\377\""));
  // JSON keeps every byte, as an escape to read back.
  const RunResult j = t.Helper({"write", name}, {"--log-format=json"});
  CHECK(Contains(j.err, "\\\\377"));
  CHECK(j.err.find("\xef\xbf\xbd") == std::string::npos);  // no U+FFFD
}

TEST_CASE("/proc/self is the process, wherever procfs is mounted") {
  Tree t;
  const std::string denied = Touch(t.denied + "/f");
  const std::string allowed = Touch(t.allowed + "/f");
  // A thread with a descriptor table of its own: /proc/self/fd/10 is the
  // process's descriptor 10 (denied/f), not the thread's (allowed/f).
  const RunResult r = t.Helper({"thread-fd", denied, allowed});
  CHECK(r.exit_code == EPERM);
  struct stat st;
  REQUIRE(stat(denied.c_str(), &st) == 0);
  CHECK(st.st_size == 4);  // not truncated
  // A procfs mounted elsewhere: its self is the caller, never syd. (In a
  // mount and pid namespace of the test's own: the mount goes with them.)
  if (geteuid() != 0) return;
  const std::string proc = t.root + "/p";
  mkdir(proc.c_str(), 0755);
  auto reopen = [&](const std::string& file) {
    return e2e::Run({"/usr/bin/unshare", "--mount", "--propagation", "private",
                     "--pid", "--fork", "--mount-proc", "sh", "-c",
                     "mount -t proc proc " + proc + " || exit 99; exec " +
                         kSyd + " --backend=" + Backend() + " -c " + t.policy +
                         " -- " + kHelper + " reopen " + file + " " + proc});
  };
  const RunResult in_allowed = reopen(allowed);
  if (in_allowed.exit_code == 99) {
    MESSAGE("cannot mount a procfs here: ", in_allowed.err);
    return;
  }
  CAPTURE(in_allowed.err);
  CHECK(in_allowed.exit_code == 0);
  CHECK(reopen(denied).exit_code == EPERM);
}

TEST_CASE("/proc/PID is the sandbox's own PID in syd's pid namespace") {
  // The sandbox sees its own pids and its own /proc; syd reads the same
  // /proc to resolve a descriptor reopened through /proc/PID/fd, PID as
  // getpid() says. Were syd to read its own /proc there (another process,
  // or none), the allowed file would be refused, and with /proc/** allowed
  // the denied file written. Landlock off: syd's judgement alone.
  Tree t;
  const std::string denied = Touch(t.denied + "/f");
  const std::string allowed = Touch(t.allowed + "/f");
  const std::vector<std::string> no_landlock = {"SYD_LANDLOCK_ABI=0"};
  CHECK(t.Helper({"reopen-by-pid", allowed}, {}, no_landlock).exit_code == 0);
  CHECK(ReadAll(allowed) == "xata");
  const std::vector<std::string> proc_allowed = {
      "-m", "sys/trace+%file_wr:allow:arg_=*\"/proc/***\""};
  const RunResult r =
      t.Helper({"reopen-by-pid", denied}, proc_allowed, no_landlock);
  CAPTURE(r.err);
  CHECK(r.exit_code == EPERM);
  CHECK(ReadAll(denied) == "data");
  if (geteuid() != 0) return;
  // It is the sandbox's: pid 1 is syd's init, the shell is pid 2 and its
  // $$ names it.
  const RunResult sh = Run({kSyd, "-c", t.policy, "--", "/bin/sh", "-c",
                            "echo $$; cat /proc/1/comm; cat /proc/$$/comm"});
  CHECK(sh.exit_code == 0);
  CHECK(sh.out == "2\nsyd-init\nsh\n");
}

TEST_CASE("after a chroot, paths are judged where they land") {
  // One reference view, syd's: the rules name host paths, and a chroot the
  // command makes maps back to them. Until a chroot is allowed every
  // process has syd's root; after it, syd reads each call's root, and
  // resolves the link /x -> /denied inside it.
  Tree t;
  REQUIRE(symlink("/denied", (t.root + "/x").c_str()) == 0);
  RunResult r = t.Helper({"chroot", t.root, "/x/in"});
  INFO(r.err);
  CHECK(r.exit_code == EPERM);
  CHECK(Contains(r.err, "\"" + t.denied + "/in\""));
  CHECK_FALSE(Exists(t.denied + "/in"));
  CHECK(t.Helper({"chroot", t.root, "/allowed/in"}).exit_code == 0);
  CHECK(Exists(t.allowed + "/in"));
  // A name that an allow rule would match in the chroot's own view is
  // still judged where it lands: /allowed/in inside denied/ is
  // denied/allowed/in.
  mkdir((t.denied + "/allowed").c_str(), 0755);
  std::ofstream(t.policy) << "sys/trace+%file_wr:allow:arg_=*\"/allowed/***\"\n"
                          << "sys/trace+%file_wr:allow:arg_=*\"" << t.allowed
                          << "/***\"\n"
                          << "sys/trace+%file_wr:fault=EPERM\n";
  CHECK(t.Helper({"chroot", t.denied, "/allowed/in"}).exit_code == EPERM);
  CHECK_FALSE(Exists(t.denied + "/allowed/in"));
  // A relative name starts from the cwd, which /proc shows in syd's view.
  CHECK(t.Helper({"chroot", t.root, "allowed/rel"}).exit_code == 0);
  CHECK(Exists(t.allowed + "/rel"));
  CHECK(t.Helper({"chroot", t.root, "x/rel"}).exit_code == EPERM);
  CHECK_FALSE(Exists(t.denied + "/rel"));
}

TEST_CASE("a cwd deeper than PATH_MAX is judged by its whole name") {
  // 30 directories of 200 bytes: 6,000 bytes of cwd, which /proc cannot
  // show. Under allowed/ every mkdir and the write are allowed; under
  // denied/ the first mkdir is refused, and so is everything after.
  Tree t;
  const RunResult in = t.Helper({"deep", t.allowed, "30"});
  CAPTURE(in.err);
  CHECK(in.exit_code == 0);
  CHECK(in.err.empty());
  // The same depth made outside syd under denied/: a write there is
  // refused, and the report names the whole cwd.
  std::string deep = t.denied;
  int dir = open(t.denied.c_str(), O_PATH | O_DIRECTORY);
  for (int i = 0; i < 30 && dir >= 0; ++i) {
    const std::string name(200, 'd');
    deep += "/" + name;
    REQUIRE(mkdirat(dir, name.c_str(), 0755) == 0);
    const int next = openat(dir, name.c_str(), O_PATH | O_DIRECTORY);
    close(dir);
    dir = next;
  }
  REQUIRE(dir >= 0);
  const RunResult out = t.Helper({"deep", t.denied, "30"});
  CHECK(out.exit_code == EPERM);
  CAPTURE(deep);
  CAPTURE(out.err);
  CHECK(Contains(out.err, " cwd " + deep + ":"));
  CHECK(faccessat(dir, "f", F_OK, 0) != 0);
  // A file there reached through a descriptor: /proc cannot name it, and
  // an unnamed file is refused, never let past a rule on its name.
  const int f = openat(dir, "f", O_WRONLY | O_CREAT, 0644);
  REQUIRE(f >= 0);
  const timespec long_ago[2] = {{1000000000, 0}, {1000000000, 0}};
  REQUIRE(futimens(f, long_ago) == 0);
  close(f);
  std::ofstream(t.policy) << "sys/trace+%file_wr:arg_=*\"" << t.denied
                          << "/***\":fault=EPERM\n";
  CHECK(t.Helper({"deep-fchmod", t.denied, "30"}).exit_code == EPERM);
  CHECK(t.Helper({"deep-futimens", t.denied, "30"}).exit_code == EPERM);
  CHECK(t.Helper({"deep-fchownat-empty", t.denied, "30"}).exit_code == EPERM);
  struct stat st;
  REQUIRE(fstatat(dir, "f", &st, 0) == 0);
  CHECK((st.st_mode & 07777) == 0644);
  CHECK(st.st_mtim.tv_sec == 1000000000);
  CHECK(st.st_uid == geteuid());
  close(dir);
}

TEST_CASE("openat2 resolves as its RESOLVE_* flags say, and so does syd") {
  Tree t;
  // IN_ROOT: "/f" and a link to "/f" are the dirfd's f, not the root's.
  REQUIRE(symlink("/f", (t.allowed + "/abs").c_str()) == 0);
  CHECK(t.Helper({"openat2-at", t.allowed, "/f", "in-root"}).exit_code == 0);
  CHECK(Exists(t.allowed + "/f"));
  CHECK(t.Helper({"openat2-at", t.allowed, "abs", "in-root"}).exit_code == 0);
  // ".." stops at the dirfd: ../denied/y is allowed/denied/y, whose
  // directory does not exist (the kernel's ENOENT, not syd's refusal).
  CHECK(
      t.Helper({"openat2-at", t.allowed, "../denied/y", "in-root"}).exit_code ==
      ENOENT);
  // A name the kernel refuses on its own gets its errno, unreported.
  REQUIRE(symlink(t.denied.c_str(), (t.allowed + "/out").c_str()) == 0);
  for (const auto& [args, kernel_errno] :
       std::vector<std::pair<std::vector<std::string>, int>>{
           {{"openat2-at", t.allowed, "../denied/z", "beneath"}, EXDEV},
           {{"openat2-at", t.allowed, t.denied + "/z", "beneath"}, EXDEV},
           {{"openat2-at", t.allowed, "out/z", "no-symlinks"}, ELOOP},
       }) {
    const std::string& name = args[2];  // a binding CAPTURE cannot take
    CAPTURE(name);
    const RunResult r = t.Helper(args);
    CHECK(r.exit_code == kernel_errno);
    CHECK(r.err.empty());
  }
  CHECK(Entries(t.denied) == 0);
}

// RESOLVE_NO_XDEV: a lookup that crosses a mount (down into one, up out
// of one, or by a link) fails with EXDEV before anything is made. syd
// resolves the same way, so a refused name answers the kernel's EXDEV,
// unreported, and one that crosses nothing is still refused. A tmpfs in a
// mount namespace of the test's.
TEST_CASE(
    "openat2 RESOLVE_NO_XDEV crosses no mount, for syd as for the "
    "kernel" *
    doctest::skip(geteuid() != 0)) {
  REQUIRE(testing::EnterPrivateMountNamespace());
  Tree t;
  const std::string mnt = t.denied + "/mnt";
  REQUIRE(mkdir(mnt.c_str(), 0755) == 0);
  REQUIRE(mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=1m") == 0);
  REQUIRE(symlink(mnt.c_str(), (t.denied + "/to-mnt").c_str()) == 0);
  for (const auto& [args, kernel_errno] :
       std::vector<std::pair<std::vector<std::string>, int>>{
           {{"openat2-at", t.denied, "mnt/x", "no-xdev"}, EXDEV},
           {{"openat2-at", t.denied, "to-mnt/x", "no-xdev"}, EXDEV},
           {{"openat2-at", mnt, "../y", "no-xdev"}, EXDEV},
           {{"openat2-at", t.denied, "z", "no-xdev"}, EPERM},
       }) {
    const std::string& name = args[2];  // a binding CAPTURE cannot take
    CAPTURE(name);
    const RunResult r = t.Helper(args);
    CHECK(r.exit_code == kernel_errno);
    CHECK(r.err.empty() == (kernel_errno != EPERM));
  }
  CHECK(t.Helper({"openat2-at", t.allowed, "ok", "no-xdev"}).exit_code == 0);
  CHECK(Exists(t.allowed + "/ok"));
  CHECK(Entries(mnt) == 0);
  CHECK_FALSE(Exists(t.denied + "/y"));
  CHECK_FALSE(Exists(t.denied + "/z"));
  umount(mnt.c_str());
}

TEST_CASE("/dev/stdout is the tracee's own descriptor") {
  // stdout is a pipe here: no file, and the seed's Paludis rule allows it.
  RunResult r =
      Run({kSyd, "-m",
           "sys/trace+%file_wr:allow:arg_=~\"^/proc/self/(attr|fd|task)/\"",
           "-m", "sys/trace+%file_wr:fault=EPERM", "--", kHelper, "write",
           "/dev/stdout"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "xok\n");
}

TEST_CASE("the kernel's own errors stay the kernel's") {
  Tree t;
  std::string existing = Touch(t.allowed + "/exists");
  CHECK(t.Helper({"excl", existing}).exit_code == EEXIST);
  // Where writing is refused too: creating what exists is EEXIST, and
  // no violation (mkdir -p walks through refused parents).
  std::string denied_file = Touch(t.denied + "/exists");
  RunResult excl = t.Helper({"excl", denied_file});
  CHECK(excl.exit_code == EEXIST);
  CHECK(excl.err.empty());
  RunResult mkdir_existing = t.Helper({"mkdir", t.denied});
  CHECK(mkdir_existing.exit_code == EEXIST);
  CHECK(mkdir_existing.err.empty());
  CHECK(t.Helper({"mkdir", t.denied + "/new"}).exit_code == EPERM);
  CHECK(t.Helper({"symlink", "x", denied_file}).exit_code == EEXIST);
  RunResult null_path = t.Helper({"nullpath"});
  CHECK(null_path.exit_code == EFAULT);
  // A refused call the kernel would fail before changing anything gets
  // the kernel's answer, unreported: rm -f of a missing file succeeds.
  struct Case {
    std::vector<std::string> args;
    int kernel_errno;
  };
  for (const Case& c : std::vector<Case>{
           {{"unlink", t.denied + "/missing"}, ENOENT},
           {{"rmdir", t.denied + "/missing"}, ENOENT},
           {{"truncate", t.denied + "/missing"}, ENOENT},
           {{"rename", t.denied + "/missing", t.denied + "/to"}, ENOENT},
           {{"mkdir", t.denied + "/no/such"}, ENOENT},
           {{"write", t.denied + "/no/such"}, ENOENT},
           {{"write", denied_file + "/under-a-file"}, ENOTDIR},
           {{"unlink", denied_file}, EPERM},
           {{"rename", denied_file, t.denied + "/to"}, EPERM},
       }) {
    CAPTURE(c.args[0]);
    CAPTURE(c.args[1]);
    const RunResult r = t.Helper(c.args);
    CHECK(r.exit_code == c.kernel_errno);
    CHECK(r.err.empty() == (c.kernel_errno != EPERM));
  }
  CHECK(Exists(denied_file));
  CHECK_FALSE(Exists(t.denied + "/to"));
  const RunResult rm =
      Run({kSyd, "-c", t.policy, "--", "rm", "-f", t.denied + "/missing"});
  CHECK(rm.exit_code == 0);
  CHECK(rm.err.empty());
  // Lookups that fail on their own: a link loop, a link that multiplies
  // itself (linear for syd too: 40 expansions of 2,000 components), and a
  // name longer than PATH_MAX.
  REQUIRE(symlink("loop2", (t.denied + "/loop1").c_str()) == 0);
  REQUIRE(symlink("loop1", (t.denied + "/loop2").c_str()) == 0);
  std::string many;
  for (int i = 0; i < 2000; ++i) many += "m/";
  REQUIRE(symlink((many + "m").c_str(), (t.denied + "/m").c_str()) == 0);
  for (const Case& c : std::vector<Case>{
           {{"write", t.denied + "/loop1/f"}, ELOOP},
           {{"mkdir", t.denied + "/m/d"}, ELOOP},
           {{"write", t.denied + "/" + std::string(5000, 'x')}, ENAMETOOLONG},
       }) {
    CAPTURE(c.args[0]);
    const RunResult r = t.Helper(c.args);
    CHECK(r.exit_code == c.kernel_errno);
    CHECK(r.err.empty());
  }
  // Under another root the kernel looks there, and so does syd: denied/
  // has no denied/ of its own below it.
  const RunResult chrooted =
      t.Helper({"chroot", t.denied, t.denied + "/exists"});
  CHECK(chrooted.exit_code == ENOENT);
}

// In a network namespace of the test's own: the loopback binds are not the
// machine's, and a connect syd let through would reach nothing.
TEST_CASE("bind and connect by address" * doctest::skip(geteuid() != 0)) {
  REQUIRE(testing::EnterNewNetworkNamespace());
  // sun_path holds 108 bytes: Bazel's TEST_TMPDIR can be longer.
  char tmpl[] = "/tmp/syd-net.XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  std::string dir = tmpl;
  std::string policy = dir + "/net.syd";
  std::ofstream(policy)
      << "sys/trace+bind:allow:arg_@~\"LOOPBACK@0\"\n"
         "sys/trace+bind:allow:arg_@~\"LOOPBACK6@0\"\n"
         "sys/trace+bind:allow:arg_@~\"unix:"
      << dir
      << "/ok.sock\"\n"
         "sys/trace+bind:allow:arg_@~\"unix-abstract:syd-ok\"\n"
         "sys/trace+bind:fault=EPERM\n"
         "sys/trace+connect:fault=ECONNREFUSED:arg_@~\"inet://10.0.0.0/8\"\n";
  auto run = [&](const char* op, const std::string& addr) {
    return Run({kSyd, "-c", policy, "--", kHelper, op, addr}).exit_code;
  };
  CHECK(run("bind", "inet:127.0.0.1@0") == 0);
  CHECK(run("bind", "inet:0.0.0.0@0") == EPERM);
  CHECK(run("bind", "inet:127.0.0.1@8080") == EPERM);
  CHECK(run("bind", "inet6:::1@0") == 0);
  CHECK(run("bind", "inet6:::@0") == EPERM);
  CHECK(run("bind", "unix:" + dir + "/ok.sock") == 0);
  CHECK(run("bind", "unix:" + dir + "/no.sock") == EPERM);
  CHECK_FALSE(Exists(dir + "/no.sock"));
  CHECK(run("bind", "abstract:syd-ok") == 0);
  CHECK(run("bind", "abstract:syd-no") == EPERM);
  CHECK(run("connect", "inet:10.1.2.3@80") == ECONNREFUSED);
  // An IPv4-mapped IPv6 address is the IPv4 address it maps, both for
  // what a rule allows and for what it refuses.
  CHECK(run("bind", "inet6:::ffff:127.0.0.1@0") == 0);
  CHECK(run("bind", "inet6:::ffff:0.0.0.0@0") == EPERM);
  CHECK(run("connect", "inet6:::ffff:10.1.2.3@80") == ECONNREFUSED);
  std::filesystem::remove_all(dir);
}

// A unix socket's path is a file's path: resolved from the cwd, through
// ".." and links, before a unix: glob is matched against it.
TEST_CASE("unix socket paths resolve as file paths" *
          doctest::skip(geteuid() != 0)) {
  REQUIRE(testing::EnterNewNetworkNamespace());
  char tmpl[] = "/tmp/syd-unix.XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl;
  mkdir((dir + "/ok").c_str(), 0755);
  mkdir((dir + "/secret").c_str(), 0755);
  // A file where the link points: the kernel would refuse the connect
  // itself only where nothing is there.
  Touch(dir + "/secret/s.sock");
  REQUIRE(symlink((dir + "/secret/s.sock").c_str(), (dir + "/link").c_str()) ==
          0);
  const std::string policy = dir + "/unix.syd";
  std::ofstream(policy) << "sys/trace+bind:allow:arg_@~\"unix:" << dir
                        << "/ok/***\"\n"
                           "sys/trace+bind:fault=EPERM\n"
                           "sys/trace+connect:fault=EACCES:arg_@~\"unix:"
                        << dir << "/secret/***\"\n";
  auto run_result = [&](const char* op, const std::string& addr) {
    return Run({kSyd, "-c", policy, "--", "/bin/sh", "-c",
                "cd " + dir + " && exec " +
                    std::filesystem::absolute(kHelper).string() + " " + op +
                    " " + addr});
  };
  auto run = [&](const char* op, const std::string& addr) {
    return run_result(op, addr).exit_code;
  };
  // Relative to the cwd: the glob names where it lands.
  CHECK(run("bind", "unix:ok/a.sock") == 0);
  CHECK(Exists(dir + "/ok/a.sock"));
  CHECK(run("bind", "unix:" + dir + "/secret/../ok/b.sock") == 0);
  // Out of the allowed tree by "..": refused, and nothing made.
  CHECK(run("bind", "unix:" + dir + "/ok/../c.sock") == EPERM);
  CHECK_FALSE(Exists(dir + "/c.sock"));
  CHECK(run("bind", "unix:ok/../d.sock") == EPERM);
  CHECK_FALSE(Exists(dir + "/d.sock"));
  // connect follows a link at the end: the rule for secret/ applies.
  CHECK(run("connect", "unix:" + dir + "/link") == EACCES);
  CHECK(run("connect", "unix:link") == EACCES);
  CHECK(run("connect", "unix:" + dir + "/ok/a.sock") == ECONNREFUSED);
  // Where the kernel would fail a refused call before doing anything, its
  // errno, unreported (gpg probes for an agent that has not started; a
  // name that exists cannot be bound).
  struct Case {
    const char* op;
    std::string addr;
    int kernel_errno;
  };
  for (const Case& c : std::vector<Case>{
           {"connect", "unix:" + dir + "/secret/missing.sock", ENOENT},
           {"connect", "unix:" + dir + "/secret/no/such.sock", ENOENT},
           {"connect", "unix:" + dir + "/secret/s.sock/under", ENOTDIR},
           {"bind", "unix:" + dir + "/secret/s.sock", EADDRINUSE},
           {"bind", "unix:" + dir + "/no/such.sock", ENOENT},
           {"bind", "unix:" + dir + "/secret/new.sock", EPERM},
       }) {
    CAPTURE(c.addr);
    const RunResult r = run_result(c.op, c.addr);
    CHECK(r.exit_code == c.kernel_errno);
    CHECK(r.err.empty() == (c.kernel_errno != EPERM));
  }
  CHECK_FALSE(Exists(dir + "/secret/new.sock"));
  std::filesystem::remove_all(dir);
}

// -p paludis: connects and addressed sends reach what the build bound
// itself (BOUND) and nothing else, against a listener and a datagram
// socket of the test's own on loopback, in a network namespace the test
// makes: the refused ones would have reached them.
// Each check runs twice: as syd runs, and under a seccomp profile that
// refuses pidfd_getfd (Docker's without CAP_SYS_PTRACE), where syd cannot
// copy a socket to ask where it is bound or its protocol, and asks the
// kernel's socket tables instead.
TEST_CASE("paludis: only what the sandbox bound is reachable" *
          doctest::skip(geteuid() != 0)) {
  bool copies = true;
  SUBCASE("syd copies the sockets") {}
  SUBCASE("a container's profile refuses pidfd_getfd") { copies = false; }
  REQUIRE(testing::EnterNewNetworkNamespace());
  auto bound = [&](int type) {
    const testing::LoopbackSocket s = testing::BindLoopback(type);
    REQUIRE(s.fd >= 0);
    return std::make_pair(s.fd, s.port);
  };
  const auto [listener, tcp_port] = bound(SOCK_STREAM);
  const auto [datagrams, udp_port] = bound(SOCK_DGRAM);
  char tmpl[] = "/tmp/syd-bound.XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl;
  bool refused = false;  // syd said it could not copy a socket
  auto paludis = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {kSyd,
                                     "-c",
                                     "profiles/paludis.syd",
                                     "-D",
                                     "WORKDIR=" + dir,
                                     "-D",
                                     "IMAGE=" + dir,
                                     "--",
                                     kHelper};
    argv.insert(argv.end(), args.begin(), args.end());
    if (copies) return Run(argv);
    argv.insert(argv.begin() + 1, "--backend=" + e2e::Backend());
    argv.insert(argv.begin(), {kHelper, "without-pidfd-getfd"});
    RunResult r = testing::Run(argv);
    // What syd says there, once, at the first INET bind or connect; the
    // checks below do not expect it.
    const std::string said =
        "syd: syd cannot copy the sandbox's descriptors (pidfd_getfd: ";
    if (r.err.rfind(said, 0) == 0) {
      r.err.erase(0, r.err.find('\n') + 1);
      refused = true;
    }
    return r;
  };
  // Its own servers, on a port the kernel picks and on a unix path.
  CHECK(paludis({"serve-connect", "inet:127.0.0.1@0"}).exit_code == 0);
  CHECK(paludis({"serve-sendto", "inet:127.0.0.1@0"}).exit_code == 0);
  CHECK(paludis({"serve-connect", "inet6:::1@0"}).exit_code == 0);
  CHECK(paludis({"serve-connect", "unix:" + dir + "/s.sock"}).exit_code == 0);
  // The test's: refused and reported, and nothing arrived.
  const std::string tcp = "inet:127.0.0.1@" + std::to_string(tcp_port);
  RunResult r = paludis({"connect", tcp});
  CHECK(r.exit_code == ECONNREFUSED);
  CHECK(Contains(r.err, "127.0.0.1@" + std::to_string(tcp_port)));
  CHECK(accept(listener, nullptr, nullptr) < 0);
  CHECK(errno == EAGAIN);
  r = paludis({"sendto", "inet:127.0.0.1@" + std::to_string(udp_port)});
  CHECK(r.exit_code == ECONNREFUSED);
  char byte;
  CHECK(recv(datagrams, &byte, 1, 0) < 0);
  // sendmmsg: every message's address is judged, not only the first.
  CHECK(paludis({"serve-sendmmsg"}).exit_code == 0);
  CHECK(
      paludis({"serve-sendmmsg", "inet:127.0.0.1@" + std::to_string(udp_port)})
          .exit_code == ECONNREFUSED);
  CHECK(recv(datagrams, &byte, 1, 0) < 0);
  // listen() on an unbound socket binds it to the wildcard address: that
  // bind is refused; on a socket bound on loopback it is not.
  r = paludis({"listen"});
  CHECK(r.exit_code == EPERM);
  // (Unbound, the socket is in no table of the kernel's: refused without
  // its address where syd cannot copy it.)
  if (copies) CHECK(Contains(r.err, "listen(3<inet://0.0.0.0@0>"));
  CHECK(paludis({"listen", "inet:127.0.0.1@0"}).exit_code == 0);
  CHECK(paludis({"listen", "unix:" + dir + "/l.sock"}).exit_code == 0);
  // On what is not an open socket: the kernel's answer, unreported.
  r = paludis({"listen-fd", "99"});
  CHECK(r.exit_code == EBADF);
  CHECK(r.err.empty());
  CHECK(paludis({"listen-fd", "1"}).exit_code == ENOTSOCK);
  // What the sandbox bound and closed is not its any more: the test
  // listens there next, and the sandbox's second connect is refused.
  {
    const auto [probe, free_port] = bound(SOCK_STREAM);
    close(probe);
    const std::string spec = "inet:127.0.0.1@" + std::to_string(free_port);
    std::optional<RunResult> stale;
    std::thread sandbox([&] { stale = paludis({"stale-bound", spec, dir}); });
    for (int i = 0; i < 500 && !Exists(dir + "/ready"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const int taker =
        socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    at.sin_port = htons(free_port);
    const int one = 1;
    setsockopt(taker, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    CHECK(bind(taker, reinterpret_cast<sockaddr*>(&at), sizeof at) == 0);
    CHECK(listen(taker, 4) == 0);
    Touch(dir + "/go");
    sandbox.join();
    REQUIRE(stale.has_value());
    CAPTURE(stale->err);
    CHECK(stale->exit_code == ECONNREFUSED);
    CHECK(accept(taker, nullptr, nullptr) < 0);
    close(taker);
  }
  // A port of the test's that the sandbox joins with SO_REUSEPORT (the
  // same uid may): bound by the sandbox too, but the kernel may hand what
  // is sent there to the test's socket, so it is not BOUND.
  for (const int type : {SOCK_STREAM, SOCK_DGRAM}) {
    const testing::LoopbackSocket shared =
        testing::BindLoopback(type, /*reuseport=*/true);
    REQUIRE(shared.fd >= 0);
    const int theirs = shared.fd;
    const std::string spec = "inet:127.0.0.1@" + std::to_string(shared.port);
    r = paludis({type == SOCK_STREAM ? "serve-connect" : "serve-sendto", spec,
                 "reuseport"});
    CAPTURE(type);
    CAPTURE(r.err);
    CHECK(r.exit_code == ECONNREFUSED);
    CHECK(Contains(r.err, spec.substr(5)));
    CHECK(accept(theirs, nullptr, nullptr) < 0);
    CHECK(recv(theirs, &byte, 1, 0) < 0);
    close(theirs);
  }
  // The same port bound by the sandbox on UDP opens nothing on TCP.
  CHECK(paludis({"udp-bound-connect", tcp}).exit_code == ECONNREFUSED);
  CHECK(accept(listener, nullptr, nullptr) < 0);
  // A unix socket of the test's in /tmp, where the build may write.
  const std::string theirs = dir + "/theirs.sock";
  const int host = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  std::strncpy(un.sun_path, theirs.c_str(), sizeof un.sun_path - 1);
  REQUIRE(bind(host, reinterpret_cast<sockaddr*>(&un), sizeof un) == 0);
  REQUIRE(listen(host, 4) == 0);
  r = paludis({"connect", "unix:" + theirs});
  CHECK(r.exit_code == ECONNREFUSED);
  CHECK(Contains(r.err, theirs));
  // syslog: refused, silently (where there is no syslog socket, the
  // kernel's own ENOENT).
  r = paludis({"connect", "unix:/dev/log"});
  CHECK(r.exit_code == (Exists("/dev/log") ? ECONNREFUSED : ENOENT));
  CHECK(r.err.empty());
  for (int fd : {listener, datagrams, host}) close(fd);
  std::filesystem::remove_all(dir);
  CHECK(refused != copies);
}

// The network rules stay syd's to judge while the build runs (Paludis
// opens the network for its fetch phases): a connect the profile refuses
// is allowed once a rule is added from the control socket, and refused
// again once it is removed, against the test's listener in its own
// namespace.
TEST_CASE("paludis: network rules change at run time" *
          doctest::skip(geteuid() != 0)) {
  REQUIRE(testing::EnterNewNetworkNamespace());
  const testing::LoopbackSocket test_listener =
      testing::BindLoopback(SOCK_STREAM);
  REQUIRE(test_listener.fd >= 0);
  const int listener = test_listener.fd;
  const std::string port = std::to_string(test_listener.port);
  const std::string rule =
      "sys/trace+connect:allow:arg_@~\"inet://127.0.0.1@" + port + "\"";
  const std::string dir = testing::MakeTempDir();
  const std::string control =
      "/tmp/syd-net-" + std::to_string(getpid()) + ".sock";
  // Each step connects, prints the exit status, and waits for the next
  // (10 s at most).
  auto step = [&](int n) {
    return std::string(kHelper) + " connect inet:127.0.0.1@" + port +
           " >/dev/null 2>&1; echo $?; touch " + dir + "/" + std::to_string(n) +
           "; w=0; while [ ! -e " + dir + "/go" + std::to_string(n) +
           " ] && [ $w -lt 500 ]; do sleep 0.02; w=$((w+1)); done\n";
  };
  std::optional<RunResult> r;
  std::thread sandbox([&] {
    r = Run({kSyd, "--control", control, "-c", "profiles/paludis.syd", "-D",
             "WORKDIR=" + dir, "-D", "IMAGE=" + dir, "--", "/bin/sh", "-c",
             step(1) + step(2) + step(3)});
  });
  auto wait_for = [&](int n) {
    const std::string path = dir + "/" + std::to_string(n);
    for (int i = 0; i < 500 && !Exists(path); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return Exists(path);
  };
  CHECK(wait_for(1));
  CHECK(testing::Run({kSyd, "ctl", control, rule}).exit_code == 0);
  Touch(dir + "/go1");
  CHECK(wait_for(2));
  CHECK(testing::Run({kSyd, "ctl", control, "sys/trace-" + rule.substr(10)})
            .exit_code == 0);
  Touch(dir + "/go2");
  CHECK(wait_for(3));
  Touch(dir + "/go3");
  sandbox.join();
  REQUIRE(r.has_value());
  CAPTURE(r->err);
  CHECK(r->exit_code == 0);
  CHECK(r->out == "111\n0\n111\n");
  // Exactly one connection arrived: the one the added rule allowed.
  CHECK(testing::Accepted(listener) == 1);
  close(listener);
  std::filesystem::remove_all(dir);
}

// --unshare-net: the command's own network namespace, loopback only. The
// test's listener (in the test's own namespace) is what the command would
// reach without it; rules that allow everything change nothing.
TEST_CASE("--unshare-net: nothing the command sends leaves its namespace" *
          doctest::skip(geteuid() != 0)) {
  REQUIRE(testing::EnterNewNetworkNamespace());
  const testing::LoopbackSocket test_listener =
      testing::BindLoopback(SOCK_STREAM);
  REQUIRE(test_listener.fd >= 0);
  const int listener = test_listener.fd;
  const std::string theirs =
      "inet:127.0.0.1@" + std::to_string(test_listener.port);
  const std::string traced = "sys/trace+connect:allow:arg_@~\"LOOPBACK\"";
  // Without it, the connect arrives: the test can fail.
  CHECK(Run({kSyd, "-m", traced, "--", kHelper, "connect", theirs}).exit_code ==
        0);
  CHECK(testing::Accepted(listener) == 1);
  // With it, supervised or decided by the kernel alone: nothing listens
  // there, and nothing arrives here.
  for (const std::string& rule : {traced, std::string("sys/fault+mkdir")}) {
    CAPTURE(rule);
    const RunResult r = Run(
        {kSyd, "--unshare-net", "-m", rule, "--", kHelper, "connect", theirs});
    CAPTURE(r.err);
    CHECK(r.exit_code == ECONNREFUSED);
    CHECK(accept(listener, nullptr, nullptr) < 0);
  }
  // Its own loopback works, and it is the only interface.
  CHECK(Run({kSyd, "--unshare-net", "-m", traced, "--", kHelper,
             "serve-connect", "inet:127.0.0.1@0"})
            .exit_code == 0);
  const RunResult dev = Run({kSyd, "--unshare-net", "-m", traced, "--",
                             "/bin/sh", "-c", "tail -n +3 /proc/self/net/dev"});
  CHECK(dev.exit_code == 0);
  CHECK(dev.out.find("lo:") != std::string::npos);
  CHECK(std::count(dev.out.begin(), dev.out.end(), '\n') == 1);
  close(listener);
}

TEST_CASE("threads, forks, vforks, exec from a thread, daemons") {
  Tree t;
  RunResult threads = t.Helper({"threads", "32", t.denied + "/t"});
  CHECK(threads.out == "32 denied\n");
  CHECK_FALSE(Exists(t.denied + "/t.0"));
  CHECK(t.Helper({"threads", "32", t.allowed + "/t"}).out == "0 denied\n");
  CHECK(Exists(t.allowed + "/t.31"));
  CHECK(t.Helper({"forks", "256", t.denied + "/f"}).out == "256 denied\n");
  CHECK(t.Helper({"forks", "16", t.allowed + "/f"}).out == "0 denied\n");
  CHECK(t.Helper({"vforks", "4", t.denied + "/v"}).out.find("4 denied\n") !=
        std::string::npos);
  CHECK_FALSE(Exists(t.denied + "/v.0"));
  CHECK(t.Helper({"exec-from-thread", t.denied + "/e"}).exit_code == EPERM);
  CHECK_FALSE(Exists(t.denied + "/e"));
  // syd waits for the grandchild its command left behind.
  CHECK(t.Helper({"daemon", t.allowed + "/late"}).exit_code == 0);
  CHECK(Exists(t.allowed + "/late"));
  CHECK(t.Helper({"daemon", t.denied + "/late"}).exit_code == 0);
  CHECK_FALSE(Exists(t.denied + "/late"));
}

// syd with the tree's policy running `command` in the background, once
// the helper it starts has written its pid to `pidfile`.
struct BackgroundSyd {
  pid_t syd = -1;
  pid_t helper = 0;

  BackgroundSyd(const Tree& t, std::vector<std::string> command,
                const std::string& pidfile) {
    std::vector<std::string> args = {kSyd, "--backend=" + Backend(), "-c",
                                     t.policy, "--"};
    args.insert(args.end(), command.begin(), command.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    syd = fork();
    REQUIRE(syd >= 0);
    if (syd == 0) {
      execv(kSyd, argv.data());
      _exit(127);
    }
    for (int i = 0; i < 200 && !Exists(pidfile); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    pid_t inner = 0;
    std::ifstream(pidfile) >> inner;
    REQUIRE(inner > 0);
    // The pid it wrote is its own namespace's, when syd made one.
    helper = testing::OuterPid(syd, inner);
    REQUIRE(helper > 0);
  }

  // syd's wait status, or nothing if it has not ended within 5 s (then the
  // helper is killed, so that syd ends).
  std::optional<int> Wait() {
    int status = 0;
    for (int i = 0; i < 500; ++i) {
      if (waitpid(syd, &status, WNOHANG) == syd) return status;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(helper, SIGKILL);
    waitpid(syd, &status, 0);
    return std::nullopt;
  }
};

TEST_CASE("SIGTERM to syd reaches the command and leaves nothing behind") {
  Tree t;
  std::string pidfile = t.allowed + "/pid";
  BackgroundSyd b(t, {kHelper, "sleep", pidfile}, pidfile);
  kill(b.syd, SIGTERM);
  std::optional<int> status = b.Wait();
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 128 + SIGTERM);
  CHECK(kill(b.helper, 0) == -1);
  CHECK(errno == ESRCH);
}

TEST_CASE("SIGKILL to syd: the sandbox goes with it") {
  // In syd's pid namespace (root), the init dies with syd and the kernel
  // kills every process of the namespace, under both backends. Without
  // one (SYD_PID_NAMESPACE=0, or not root), what holds: under ptrace every
  // tracee dies with syd (PTRACE_O_EXITKILL); under user notification the
  // processes run on, but every call the filter would send to syd fails
  // with ENOSYS (the listener is gone) and the Landlock layer still holds.
  for (const bool namespaced : {true, false}) {
    if (namespaced && geteuid() != 0) continue;
    CAPTURE(namespaced);
    if (!namespaced) setenv("SYD_PID_NAMESPACE", "0", 1);
    Tree t;
    const std::string pidfile = t.allowed + "/pid";
    const std::string go = t.allowed + "/go";
    BackgroundSyd b(
        t,
        {"/bin/sh", "-c",
         "echo $$ > " + pidfile + "; i=0; while [ ! -e " + go +
             " ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); "
             "done; echo x > " +
             t.denied + "/after; echo x > " + t.allowed + "/after; sleep 10"},
        pidfile);
    unsetenv("SYD_PID_NAMESPACE");
    REQUIRE(kill(b.syd, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(b.syd, &status, 0) == b.syd);
    Touch(go);
    // The shell takes at most 50 ms to see `go`, and then a write or two.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    CHECK_FALSE(Exists(t.denied + "/after"));
    if (namespaced || Backend() == "ptrace") {
      CHECK(kill(b.helper, 0) == -1);
      CHECK_FALSE(Exists(t.allowed + "/after"));
    } else {
      // Even an allowed write fails: nobody judges it.
      CHECK_FALSE(Exists(t.allowed + "/after"));
    }
    kill(b.helper, SIGKILL);
  }
}

TEST_CASE("a signal to syd after the command has gone reaches what it left") {
  Tree t;
  std::string pidfile = t.allowed + "/pid";
  BackgroundSyd b(
      t, {"/bin/sh", "-c", std::string(kHelper) + " sleep " + pidfile + " &"},
      pidfile);
  kill(b.syd, SIGTERM);
  std::optional<int> status = b.Wait();
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);  // the shell's, which exited first
  CHECK(kill(b.helper, 0) == -1);
}

TEST_CASE("a stopped tracee stays stopped until SIGCONT (group-stop)") {
  Tree t;
  // The shell stops itself; a child it left behind wakes it up.
  RunResult r =
      Run({kSyd, "-c", t.policy, "--", "/bin/sh", "-c",
           "(sleep 0.3; kill -CONT $$) & kill -STOP $$; echo resumed; wait"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "resumed\n");
}

TEST_CASE("--stats counts the stops, refusals and process events") {
  Tree t;
  // The shell forks for the helper: under ptrace, a fork event and the
  // child's first stop; user notification has no process events.
  RunResult r = Run({kSyd, "--stats", "-c", t.policy, "--", "/bin/sh", "-c",
                     "\"$0\" write \"$1\"; exit $?", kHelper, t.denied + "/s"});
  CHECK(r.exit_code == EPERM);
  unsigned long long stops = 0, refused = 0, events = 0;
  double busy = -1, wall = -1;
  char backend[32] = {};
  const size_t line = r.err.rfind("syd: ", r.err.find("calls stopped"));
  REQUIRE(line != std::string::npos);
  REQUIRE_MESSAGE(
      std::sscanf(r.err.c_str() + line,
                  "syd: %llu calls stopped in syd (%31[^)]), %llu "
                  "refused; %llu process event stops; syd busy "
                  "%lf s of %lf s",
                  &stops, backend, &refused, &events, &busy, &wall) == 6,
      r.err);
  CHECK(stops >= 1);
  CHECK(refused == 1);
  if (Backend() == "ptrace") {
    CHECK(std::string(backend) == "ptrace");
    CHECK(events >= 2);
  } else {
    CHECK(std::string(backend) == "user notification");
    CHECK(events == 0);
  }
  // Both to 0.01 s: a run shorter than 5 ms prints a wall time of 0.00
  // (seen under ptrace here).
  CHECK(busy >= 0);
  CHECK(wall >= 0);
  CHECK(busy <= wall * 1.5 + 0.01);  // one thread does the work
  CHECK(Contains(r.err, "syd's peak RSS "));
}

TEST_CASE("a verdict's signal the process catches: refused once, handled") {
  // The handler runs and the call fails with EPERM, once: the signal
  // neither restarts the call into syd nor comes after the process has
  // run on (the trap case below pins the order down).
  Tree t;
  RunResult r = Run(
      {kSyd, "-m",
       "sys/trace+%file_wr:arg_=*\"" + t.denied + "/***\":kill_process=SIGUSR1",
       "--", kHelper, "caught", t.denied + "/c"});
  CHECK(r.exit_code == EPERM);
  CHECK(r.out == "handled\n");
  CHECK_FALSE(Exists(t.denied + "/c"));
}

TEST_CASE("a trap's data reaches the SIGSYS handler from the kernel only") {
  std::string dir = testing::MakeTempDir();
  auto trapped = [&](const std::string& rule, const std::string& name) {
    return Run({kSyd, "-m", rule, "--", kHelper, "sigsys", dir + "/" + name});
  };
  // The kernel's trap: SYS_SECCOMP with the filter's data, call not run.
  RunResult kernel = trapped("sys/trap+mkdir:error=300", "k");
  CHECK(kernel.exit_code == 0);
  CHECK(kernel.out == "sigsys code=1 errno=300\n");
  CHECK_FALSE(Exists(dir + "/k"));
  // syd's trap (the rule needs syd to look at the path): a SIGSYS it sends
  // itself, without data, and the call does not run either.
  RunResult traced =
      trapped("sys/trap+mkdir:arg0=*\"" + dir + "/***\":error=300", "t");
  CHECK(traced.exit_code == 0);
  CHECK(traced.out == "sigsys code=" + std::to_string(SI_TKILL) + " errno=0\n");
  CHECK_FALSE(Exists(dir + "/t"));
  RunResult verdict = trapped("sys/trace+mkdir:trap=300", "v");
  CHECK(verdict.out == traced.out);
  CHECK_FALSE(Exists(dir + "/v"));
}

// Two layers keep a sandboxed program's hands off syd, root or not,
// allowed by the policy or not. In a pid namespace of syd's (root) no pid
// names syd: getppid() is 0. The Landlock domain (ABI 6) refuses every
// signal, ptrace and memory access to it; SYD_LANDLOCK_ABI=0 takes the
// domain away, and then, outside a pid namespace, root reaches syd every
// way: the test can fail.
TEST_CASE("the sandbox cannot signal, ptrace or read syd") {
  const std::vector<std::string> reach = {
      kSyd, "-m",    "sys/trace+%file_wr:allow:arg_=*\"/tmp/***\"",
      "--", kHelper, "reach-parent"};
  if (geteuid() == 0) {
    for (const char* abi : {"SYD_LANDLOCK_ABI=0", "SYD_LANDLOCK_ABI=99"}) {
      CAPTURE(abi);
      CHECK(Run(reach, {abi}).out == "parent=none\n");
    }
  }
  if (kernel::LandlockAbi() < 6) return;
  const std::vector<std::string> no_namespace = {"SYD_PID_NAMESPACE=0"};
  RunResult scoped = Run(reach, no_namespace);
  CHECK(scoped.exit_code == 0);
  CHECK(scoped.out ==
        "signal=Operation not permitted ptrace=Operation not permitted "
        "vm=Operation not permitted mem=Permission denied\n");
  // SIGKILL too: refused, and syd runs on to pass the status through.
  std::vector<std::string> kill = reach;
  kill.push_back("kill");
  RunResult survived = Run(kill, no_namespace);
  CHECK(survived.exit_code == 0);
  CHECK(survived.out.find(" kill=Operation not permitted\n") !=
        std::string::npos);
  // Unscoped, root reaches syd. Not under ptrace: there the helper would
  // seize its own tracer, and each would wait for the other for good.
  if (geteuid() != 0 || Backend() == "ptrace") return;
  RunResult open = Run(reach, {"SYD_LANDLOCK_ABI=0", "SYD_PID_NAMESPACE=0"});
  CHECK(open.exit_code == 0);
  CHECK(open.out == "signal=ok ptrace=ok vm=ok mem=ok\n");
}

TEST_CASE("where syd could not leave a pid namespace, it makes none") {
  // In a user namespace of its own syd may make a pid namespace but not
  // return from it to its own: it runs the sandbox without one, and says
  // so, rather than have its children born into one it cannot keep.
  const RunResult r =
      Run({"/usr/bin/unshare", "-r", kSyd, "--backend=" + Backend(), "--stats",
           "-m", "sys/trace+mkdir:arg0=*\"/x/***\":fault=EPERM", "--",
           "/bin/sh", "-c", "echo $$"});
  if (r.exit_code != 0 && Contains(r.err, "unshare")) {
    MESSAGE("no user namespace here: ", r.err);
    return;
  }
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out != "1\n");
  CHECK(r.out != "2\n");
  CHECK(Contains(r.err, "pid namespace: none, syd could not return"));
}

TEST_CASE("syd's process group: reached by kill(0) only without the scope") {
  // The command shares syd's process group (job control), and process
  // groups cross pid namespaces: kill(0, SIGUSR2) from inside reaches syd,
  // which writes its dump, unless the Landlock signal scope (ABI 6)
  // refuses it. In a session of its own, so the test is not in the group.
  auto signal_group = [](const char* abi) {
    return Run({"/usr/bin/setsid", "-w", kSyd, "--backend=" + Backend(), "-m",
                "sys/trace+%file_wr:allow:arg_=*\"/tmp/***\"", "--", "/bin/sh",
                "-c", "trap '' USR2; kill -USR2 0; sleep 0.3"},
               {abi});
  };
  const RunResult open = signal_group("SYD_LANDLOCK_ABI=0");
  CHECK(open.exit_code == 0);
  CHECK(Contains(open.err, "\"processes\""));
  if (kernel::LandlockAbi() < 6) return;
  const RunResult scoped = signal_group("SYD_LANDLOCK_ABI=99");
  CHECK(scoped.exit_code == 0);
  CHECK_FALSE(Contains(scoped.err, "\"processes\""));
}

TEST_CASE("syd inside syd: a kernel-only policy runs, a traced one refuses") {
  // Seccomp acts on the highest-precedence return of all filters: under a
  // listening syd, USER_NOTIF beats the inner's TRACE, and the outer would
  // answer calls the inner never saw; a tracing syd's baseline refuses
  // the inner's listener (a listener inside would outrank its tracer).
  // Either way the inner says so and runs nothing.
  Tree t;
  std::string inner = t.root + "/inner.syd";
  std::ofstream(inner) << "sys/trace+%file_wr:arg_=*\"" << t.allowed
                       << "/no/***\":fault=EACCES\n";
  RunResult r = Run({kSyd, "-c", t.policy, "--", kSyd, "-c", inner, "--",
                     kHelper, "write", t.allowed + "/x"});
  CHECK(r.exit_code == 125);
  CHECK(Contains(r.err, "another seccomp listener is above syd"));
  CHECK_FALSE(Exists(t.allowed + "/x"));
  // The kernel's part stacks: the inner policy and the outer both hold.
  auto nested = [&](const std::string& path) {
    return Run({kSyd, "-c", t.policy, "--", kSyd, "-m",
                "sys/fault+mkdir,mkdirat:error=EACCES", "--", kHelper, "mkdir",
                path});
  };
  CHECK(nested(t.allowed + "/d").exit_code == EACCES);
  CHECK_FALSE(Exists(t.allowed + "/d"));
  CHECK(Run({kSyd, "-c", t.policy, "--", kSyd, "-m",
             "sys/fault+mkdir:error=EACCES", "--", kHelper, "write",
             t.denied + "/y"})
            .exit_code == EPERM);
  CHECK_FALSE(Exists(t.denied + "/y"));
}

TEST_CASE("under a container's profile that refuses ptrace, syd still runs") {
  // Container profiles put every process under a filter and refuse ptrace
  // and pidfd_getfd without CAP_SYS_PTRACE: the listener reaches syd by
  // neither, and the pid namespace's init confines itself with a filter
  // of its own (strict mode cannot be entered under one).
  Tree t;
  auto contained = [&](const std::vector<std::string>& command) {
    std::vector<std::string> argv = {
        kHelper, "without-ptrace", kSyd, "--backend=" + Backend(), "--stats",
        "-c",    t.policy,         "--"};
    argv.insert(argv.end(), command.begin(), command.end());
    return testing::Run(argv);
  };
  const RunResult allowed = contained({kHelper, "write", t.allowed + "/x"});
  if (Backend() == "ptrace") {
    CHECK(allowed.exit_code == 125);
    CHECK(Contains(allowed.err, "PTRACE_SEIZE: Operation not permitted"));
    CHECK(Contains(allowed.err, "ptrace is refused here"));
    CHECK_FALSE(Exists(t.allowed + "/x"));
    return;
  }
  CHECK(allowed.exit_code == 0);
  CHECK(ReadAll(t.allowed + "/x") == "x");
  CHECK(Contains(allowed.err, "syd: 1 calls performed by syd"));
  const RunResult refused = contained({kHelper, "write", t.denied + "/x"});
  CHECK(refused.exit_code == EPERM);
  CHECK_FALSE(Exists(t.denied + "/x"));
  // The namespace's init lives on under the container's filter.
  const RunResult shell =
      contained({"/bin/sh", "-c", "cat /proc/1/comm; /bin/echo $$"});
  CHECK(shell.exit_code == 0);
  CHECK(shell.out ==
        (geteuid() == 0 ? "syd-init\n2\n" : ReadAll("/proc/1/comm") + "2\n"));
}

TEST_CASE("violation reports as JSON lines") {
  Tree t;
  RunResult r = Run({kSyd, "--log-format=json", "-c", t.policy, "--", kHelper,
                     "write", t.denied + "/j"});
  CHECK(r.exit_code == EPERM);
  // One object per line, its keys in order: "admit" (the rule that would
  // admit the call) first.
  CHECK(r.err.find("{\"admit\":") == 0);
  CHECK(r.err.find("\"call\":\"openat(AT_FDCWD, \\\"" + t.denied + "/j\\\"") !=
        std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.find("\"decision\":\"fault=EPERM\"") != std::string::npos);
  CHECK(r.err.find("\"location\":\"" + t.policy + ":2\"") != std::string::npos);
}

}  // namespace
}  // namespace syd

namespace syd {
namespace {

RunResult Under(const std::string& rule, std::vector<std::string> args) {
  std::vector<std::string> argv = {kSyd, "-m", rule, "--", kHelper};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv);
}

TEST_CASE("every verdict of a traced rule") {
  std::string dir = testing::MakeTempDir();
  std::string d = dir + "/d";
  // retval: the call does not run, and "succeeds".
  CHECK(Under("sys/trace+mkdir:retval=0", {"mkdir", d}).exit_code == 0);
  CHECK_FALSE(Exists(d));
  CHECK(Under("sys/trace+mkdir:kill_process=SIGKILL", {"mkdir", d}).exit_code ==
        128 + SIGKILL);
  CHECK(Under("sys/trace+mkdir:kill_process=SIGUSR1", {"mkdir", d}).exit_code ==
        128 + SIGUSR1);
  CHECK(Under("sys/trace+mkdir:kill_thread=SIGTERM", {"mkdir", d}).exit_code ==
        128 + SIGTERM);
  CHECK(Under("sys/trace+mkdir:trap=1", {"mkdir", d}).exit_code ==
        128 + SIGSYS);
  CHECK_FALSE(Exists(d));
  // The kernel's own kill (seccomp-only): SIGSYS, as without syd.
  CHECK(Under("sys/kill_process+mkdir", {"mkdir", d}).term_signal == SIGSYS);
  // log= reports an allowed call and lets it run.
  RunResult logged = Under("sys/trace+mkdir:allow:log=2", {"mkdir", d});
  CHECK(logged.exit_code == 0);
  CHECK(Exists(d));
  CHECK(logged.err.find("syd: allow pid") != std::string::npos);
  CHECK(logged.err.find("mkdir(\"" + d + "\"") != std::string::npos);
}

TEST_CASE("command= and cmdline= limit a rule to some processes") {
  std::string dir = testing::MakeTempDir();
  CHECK(Under("sys/trace+mkdir:fault=EPERM:command=^helper$",
              {"mkdir", dir + "/a"})
            .exit_code == EPERM);
  CHECK(
      Under("sys/trace+mkdir:fault=EPERM:command=^make$", {"mkdir", dir + "/b"})
          .exit_code == 0);
  CHECK(Under("sys/trace+mkdir:fault=EPERM:cmdline=\"mkdir .*/c$\"",
              {"mkdir", dir + "/c"})
            .exit_code == EPERM);
  CHECK(Under("sys/trace+mkdir:fault=EPERM:cmdline=\"mkdir .*/x$\"",
              {"mkdir", dir + "/d"})
            .exit_code == 0);
}

TEST_CASE(
    "syd's own exec passes a rule that refuses exec; the command's do not") {
  const std::string refuse = "sys/trace+execve,execveat:fault=EACCES";
  // The same pid execs again: that exec is the command's.
  RunResult r =
      Run({kSyd, "-m", refuse, "--", "/bin/sh", "-c", "exec /bin/true"});
  CHECK(r.exit_code == 126);
  CHECK(Contains(r.err, "fault=EACCES"));
  CHECK(Contains(r.err, "execve(\"/usr/bin/true\""));
  // A child's exec.
  r = Run({kSyd, "-m", refuse, "--", "/bin/sh", "-c", "/bin/true; echo $?"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "126\n");
  // Only the refusals are reported, not syd's exec of the shell.
  size_t reports = 0;
  for (size_t at = r.err.find("fault=EACCES pid"); at != std::string::npos;
       at = r.err.find("fault=EACCES pid", at + 1))
    ++reports;
  CHECK(reports == 1);
}

TEST_CASE("detach_process: syd stops judging the process, the kernel goes on") {
  std::string dir = testing::MakeTempDir();
  char real[4096];
  REQUIRE(realpath(kHelper, real) != nullptr);
  std::string policy = dir + "/detach.syd";
  std::ofstream(policy) << "sys/trace+%exec:arg_=\"" << real
                        << "\":detach_process=0\n"
                        << "sys/trace+mkdir:fault=EPERM\n"
                        << "sys/fault+rmdir:error=EACCES\n";
  RunResult r = Run({kSyd, "-c", policy, "--", real, "mkdir", dir + "/d"});
  CHECK(r.exit_code == 0);
  CHECK(Exists(dir + "/d"));
  // A kernel rule still holds for the detached process.
  CHECK(Run({kSyd, "-c", policy, "--", real, "rmdir", dir + "/d"}).exit_code ==
        EACCES);
  CHECK(Exists(dir + "/d"));
}

}  // namespace
}  // namespace syd
