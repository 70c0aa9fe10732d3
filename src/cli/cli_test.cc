// syd check, compile, explain and sets, run as a user runs them.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "src/testing/files.h"
#include "src/testing/subprocess.h"

namespace syd {
namespace {

using testing::Contains;
using testing::Run;
using testing::RunResult;

const char kSyd[] = "src/cli/syd";

std::string WriteFile(const std::string& name, const std::string& text) {
  static const std::string dir = testing::MakeTempDir();
  std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST_CASE("a clean file exits 0 and says how many rules") {
  RunResult r = Run(
      {kSyd, "check", WriteFile("ok.syd", "sys/fault+ptrace:error=EPERM\n")});
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.err, "1 rule, 0 errors, 0 warnings"));
}

TEST_CASE("the seed's samples check with warnings only") {
  RunResult r = Run({kSyd, "check", "testdata/seed_samples.syd"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Contains(r.err, "26 rules, 0 errors"));
}

TEST_CASE("errors exit 1 with file:line:col, the line and a caret") {
  std::string path =
      WriteFile("bad.syd", "sys/allow+read\nsys/allow+opne:arg1=O_WRONLY\n");
  RunResult r = Run({kSyd, "check", path});
  CHECK(r.exit_code == 1);
  CHECK(Contains(
      r.err, path +
                 ":2:11: error: unknown syscall 'opne' (did you mean 'open'?)\n"
                 "  sys/allow+opne:arg1=O_WRONLY\n"
                 "            ^\n"));
  CHECK(Contains(r.err, "1 error"));
}

TEST_CASE("usage errors exit 2") {
  CHECK(Run({kSyd, "check"}).exit_code == 2);
  CHECK(Run({kSyd, "check", "--bogus", "x"}).exit_code == 2);
  CHECK(Run({kSyd, "frobnicate"}).exit_code == 2);
  CHECK(Run({kSyd}).exit_code == 2);
}

TEST_CASE("running a command: a usage error exits 125, as syd's own errors") {
  RunResult r = Run({kSyd, "--backend=seccomp", "--", "/bin/true"});
  CHECK(r.exit_code == 125);
  CHECK(Contains(r.err, "--backend takes auto, ptrace or user-notif"));
}

TEST_CASE("a missing file is an error, not a crash") {
  RunResult r = Run({kSyd, "check", "/nonexistent/x.syd"});
  CHECK(r.exit_code == 1);
  CHECK(Contains(r.err, "/nonexistent/x.syd: error: cannot read"));
}

TEST_CASE("--print writes the resolved rules") {
  std::string path =
      WriteFile("print.syd",
                "sys/allow+/openat:arg2!&O_WRONLY|O_RDWR|O_CREAT\ndefault/"
                "fault:error=EPERM\n");
  RunResult r = Run({kSyd, "check", "--print", path});
  CHECK(r.exit_code == 0);
  // The baseline first, as comments: read back, the policy gets it again.
  CHECK(r.out.starts_with("# baseline/io_uring: "));
  CHECK(r.out.ends_with(
      "\nsys/allow+openat:arg2!&0x43\ndefault/fault:error=EPERM\n"));
  // What --print writes is itself a policy, and the same one.
  RunResult again =
      Run({kSyd, "check", "--print", WriteFile("printed.syd", r.out)});
  CHECK(again.exit_code == 0);
  CHECK(again.out == r.out);
}

TEST_CASE("-m rules are checked too") {
  RunResult r = Run({kSyd, "check", "-m", "sys/trace+%file_wr:fault=EPRM"});
  CHECK(r.exit_code == 1);
  CHECK(Contains(
      r.err,
      "-m#1:1:26: error: unknown errno 'EPRM' (did you mean 'EPERM'?)\n"
      "  sys/trace+%file_wr:fault=EPRM\n"
      "                           ^\n"));
}

TEST_CASE("binary junk is reported, never a crash") {
  std::string junk(4096, '\0');
  for (size_t i = 0; i < junk.size(); ++i)
    junk[i] = static_cast<char>(i * 7919 % 256);
  RunResult r = Run({kSyd, "check", WriteFile("junk.syd", junk)});
  CHECK(r.exit_code == 1);
  CHECK(r.term_signal == 0);
}

TEST_CASE("syd sets lists sets and members") {
  RunResult all = Run({kSyd, "sets"});
  CHECK(all.exit_code == 0);
  CHECK(Contains(all.out, "%file_wr"));
  RunResult wr = Run({kSyd, "sets", "%file_wr"});
  CHECK(Contains(wr.out, "openat  (when the flags write)\n"));
  CHECK(Contains(wr.out, "\nunlinkat\n"));
  CHECK(Run({kSyd, "sets", "nope"}).exit_code == 1);
}

TEST_CASE("syd compile: listing, disassembly, raw filter, stats") {
  std::string path =
      WriteFile("c.syd",
                "sys/allow+openat:arg2!&O_WRONLY|O_RDWR|O_CREAT\n"
                "sys/trace+openat:arg_=~\"^/tmp/\":allow\n"
                "default/fault:error=EPERM\n");
  RunResult pfc = Run({kSyd, "compile", path});
  CHECK(pfc.exit_code == 0);
  CHECK(Contains(pfc.out,
                 "if nr == openat (257):\n  if arg2.lo32 & 0x43 == 0: ALLOW"));
  CHECK(Contains(pfc.out, "TRACE(1)"));
  CHECK(Contains(pfc.out, "default: ERRNO(EPERM)"));
  RunResult dis = Run({kSyd, "compile", path, "--disasm"});
  CHECK(Contains(dis.out, "ld  arch"));
  CHECK(Contains(dis.out, "ret KILL_PROCESS"));
  std::string out = WriteFile("c.bpf", "");
  CHECK(Run({kSyd, "compile", path, "--bpf", out}).exit_code == 0);
  std::ifstream bpf(out, std::ios::binary | std::ios::ate);
  CHECK(bpf.tellg() > 0);
  CHECK(bpf.tellg() % 8 == 0);  // struct sock_filter is 8 bytes
  RunResult stats = Run({kSyd, "compile", path, "--stats"});
  CHECK(Contains(stats.err, "instructions: "));
  CHECK(Contains(stats.err, "tracer needed: yes"));
  // Over the kernel's limit: a clear error with the count.
  std::string big;
  for (int i = 0; i < 2500; ++i)
    big += "sys/fault+write:arg0=" + std::to_string(i) + "\n";
  RunResult over = Run({kSyd, "compile", WriteFile("big.syd", big)});
  CHECK(over.exit_code == 1);
  CHECK(Contains(over.err, "instructions; the kernel takes at most 4096"));
}

TEST_CASE("syd explain: kernel or tracer, and which rule") {
  std::string path = WriteFile("e.syd",
                               "sys/trace+%file_wr:allow:arg_=*\"/tmp/***\"\n"
                               "sys/trace+%file_wr:fault=EPERM\n");
  RunResult ro = Run(
      {kSyd, "explain", path, "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY)"});
  CHECK(ro.exit_code == 0);
  CHECK(
      Contains(ro.out, "decided by the kernel: ALLOW\nby the default (allow)"));
  RunResult wr = Run({kSyd, "explain", path,
                      "openat(AT_FDCWD, \"/etc/passwd\", O_WRONLY|O_CREAT)"});
  CHECK(Contains(wr.out, "decided by syd: fault=EPERM"));
  CHECK(Contains(wr.out, path + ":2: sys/trace+%file_wr:fault=EPERM"));
  RunResult tmp =
      Run({kSyd, "explain", path, "openat(AT_FDCWD, \"/tmp/x\", O_WRONLY)"});
  CHECK(Contains(tmp.out, "decided by syd: allow"));
  RunResult two =
      Run({kSyd, "explain", path, "rename(\"/tmp/a\", \"/etc/passwd\")"});
  CHECK(Contains(two.out,
                 "decided by syd: fault=EPERM"));  // most restrictive path wins
  CHECK(Run({kSyd, "explain", path, "opne(1)"}).exit_code == 2);
}

TEST_CASE("syd explain takes socket addresses as strace prints them") {
  std::string path =
      WriteFile("net.syd",
                "sys/trace+connect:allow:arg_@~\"LOOPBACK@80\"\n"
                "sys/trace+connect:allow:arg_@~\"unix:/run/ok.sock\"\n"
                "sys/trace+connect:allow:arg_@~\"LOOPBACK6@443\"\n"
                "sys/trace+connect:fault=ECONNREFUSED\n");
  auto explain = [&](const std::string& call) {
    return Run({kSyd, "explain", path, call});
  };
  RunResult r = explain(
      "connect(3, {sa_family=AF_INET, sin_port=htons(80), "
      "sin_addr=inet_addr(\"127.0.0.1\")}, 16)");
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Contains(r.out, "decided by syd: allow"));
  r = explain(
      "connect(3, {sa_family=AF_INET, sin_port=htons(81), "
      "sin_addr=inet_addr(\"127.0.0.1\")}, 16)");
  CHECK(Contains(r.out, "decided by syd: fault=ECONNREFUSED"));
  r = explain(
      "connect(3, {sa_family=AF_UNIX, sun_path=\"/run/ok.sock\"}, 110)");
  CHECK(Contains(r.out, "decided by syd: allow"));
  r = explain(
      "connect(3, {sa_family=AF_INET6, sin6_port=htons(443), "
      "sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \"::1\", &sin6_addr), "
      "sin6_scope_id=0}, 28)");
  CHECK_MESSAGE(Contains(r.out, "decided by syd: allow"), r.out, r.err);
  // A malformed address says what it wants, not a wrong argument count.
  r = explain("connect(3, {sa_family=AF_INET, sin_port=htons(x)}, 16)");
  CHECK(r.exit_code == 2);
  CHECK(Contains(r.err, "sin_port=htons(N)"));
  r = explain("connect(3, 4, 5, 6)");
  CHECK(Contains(r.err, "a socket address is written as strace does"));
}

TEST_CASE("syd check catches a misnamed built-in module and its options") {
  RunResult r = Run({kSyd, "check",
                     WriteFile("m.syd",
                               "sys/trace+stat:arg_=~\"^/dev/sydbox\":"
                               "load=magic_stats\n")});
  CHECK(r.exit_code == 1);
  CHECK(Contains(r.err, "m.syd:1:"));
  CHECK(Contains(r.err,
                 "no built-in module 'magic_stats' (did you mean "
                 "'magic_stat'?)"));
  r = Run({kSyd, "check",
           WriteFile("o.syd",
                     "sys/trace+stat:arg_=~\"^/dev/sydbox\":load=magic_stat:"
                     "readonly=maybe\n")});
  CHECK(r.exit_code == 1);
  CHECK(Contains(r.err, "o.syd:1:"));
  CHECK(Contains(r.err, "magic_stat takes readonly=0|1"));
  r = Run({kSyd, "check",
           WriteFile("ok.syd",
                     "sys/trace+stat:arg_=~\"^/dev/sydbox\":load=magic_stat:"
                     "readonly=1:initonly\n")});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
}

// The man page is written by hand; the usage text comes from one table in
// src/cli/usage.h. They must say the same.
TEST_CASE("the man page's synopsis and options match syd --help") {
  std::ifstream in("docs/syd.1.md");
  std::string man((std::istreambuf_iterator<char>(in)),
                  std::istreambuf_iterator<char>());
  REQUIRE(!man.empty());
  std::string plain;  // without Markdown's ** * and \ escapes
  for (char c : man) {
    if (c != '*' && c != '\\') plain += c;
  }
  RunResult help = Run({kSyd, "--help"});
  REQUIRE(help.exit_code == 0);
  // Each synopsis line of --help is in the man page's SYNOPSIS.
  std::istringstream lines(help.out);
  int synopses = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  syd ", 0) != 0 || Contains(line, "--help")) continue;
    ++synopses;
    CHECK_MESSAGE(Contains(plain, line.substr(2)), line.substr(2));
  }
  CHECK(synopses == 9);
  // Each option of the run synopsis has its entry under OPTIONS.
  for (const char* option :
       {"-c FILE", "-m RULE", "-p PROFILE", "-D NAME=VALUE",
        "--log-format=text|json", "--stats", "--debug",
        "--backend=auto|ptrace|user-notif", "--control SOCKET", "--strict",
        "--dump FILE", "--unshare-net", "--SETTING VALUE"}) {
    CHECK_MESSAGE(Contains(plain, std::string("\n") + option + "\n: "), option);
    CHECK_MESSAGE(Contains(help.out, std::string("[") + option + "]"), option);
  }
}

TEST_CASE("a misspelt profile gets a suggestion; profiles have real paths") {
  RunResult r =
      Run({kSyd, "check", "-p", "paludsi"}, {"SYD_PROFILE_PATH=profiles"});
  CHECK(r.exit_code != 0);
  CHECK(
      Contains(r.err, "no profile named 'paludsi' (did you mean 'paludis'?)"));
  // The installed directory is named without the "bin/.." it is found by.
  CHECK(!Contains(r.err, "/../"));
}

TEST_CASE("syd check says what the Landlock layer carries, rule by rule") {
  const std::string exact =
      WriteFile("exact.syd",
                "sys/fault+mount,umount2,pivot_root,move_mount:error=EPERM\n"
                "sys/trace+%file_wr:allow:arg_=*\"/tmp/w/***\"\n"
                "sys/trace+%file_wr:fault=EPERM\n"
                "sys/fault+bind,connect:error=EACCES\n");
  RunResult r = Run({kSyd, "check", exact});
  CHECK(r.exit_code == 0);
  CAPTURE(r.err);
  CHECK(Contains(r.err, "landlock: write_file, "));
  CHECK(Contains(r.err, "bind_tcp, connect_tcp on no port"));
  CHECK(Contains(r.err, "the policy is fully expressible"));
  const std::string wide =
      WriteFile("wide.syd",
                "sys/trace+%file_wr:allow:arg_=*\"/tmp/w/tty*\"\n"
                "sys/allow+unlink\n"
                "sys/trace+%file_wr:fault=EPERM\n");
  r = Run({kSyd, "check", wide});
  CHECK(r.exit_code == 0);
  CAPTURE(r.err);
  CHECK(Contains(r.err,
                 "wide.syd:1:1: note: Landlock grants beneath /tmp/w, wider"));
  CHECK(Contains(r.err,
                 "wide.syd:2:1: note: Landlock leaves remove_file to "
                 "syd alone: this rule lets unlink run on any path"));
  CHECK(Contains(r.err, "not fully expressible"));
  CHECK(Contains(r.err, "0 warnings"));
}

TEST_CASE("syd --version says what this kernel gives") {
  RunResult r = Run({kSyd, "--version"});
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.out, "this kernel: Linux "));
  CHECK(Contains(r.out, "Landlock"));
  CHECK(Contains(r.out, "pidfd_getfd (5.6): "));
}

}  // namespace
}  // namespace syd
