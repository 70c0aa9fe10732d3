// The built-in profiles, used as a user uses them: real programs under syd.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "src/base/strcat.h"
#include "src/testing/files.h"
#include "src/testing/netns.h"
#include "src/testing/subprocess.h"

namespace syd {
namespace {

using testing::Contains;
using testing::Exists;
using testing::Run;
using testing::RunResult;

const char kSyd[] = "src/cli/syd";
const char kHelper[] = "testdata/progs/helper";

std::vector<std::string> Env() {
  return {"SYD_PROFILE_PATH=" + std::filesystem::absolute("profiles").string()};
}

RunResult Syd(std::vector<std::string> args) {
  args.insert(args.begin(), kSyd);
  return Run(args, Env());
}

TEST_CASE("every profile checks clean") {
  for (const auto& entry : std::filesystem::directory_iterator("profiles")) {
    if (entry.path().extension() != ".syd") continue;
    CAPTURE(entry.path());
    RunResult r = Syd(
        {"check", "-D", "WORKDIR=/w", "-D", "IMAGE=/i", entry.path().string()});
    CHECK(r.exit_code == 0);
    CHECK(Contains(r.err, "0 errors, 0 warnings"));
  }
}

TEST_CASE("syd profiles lists them; syd profile prints one") {
  RunResult list = Syd({"profiles"});
  CHECK(list.exit_code == 0);
  for (const char* name :
       {"paludis", "stdio", "rpath", "wpath", "cpath", "inet", "unix", "dns",
        "proc", "exec", "nonet", "noexec"}) {
    bool listed = Contains("\n" + list.out, std::string("\n") + name + " ");
    CHECK_MESSAGE(listed, name);
  }
  RunResult one = Syd({"profile", "paludis"});
  CHECK(one.exit_code == 0);
  CHECK(Contains(one.out, "sys/trace+%file_wr:fault=EPERM:log=2"));
  CHECK(Syd({"profile", "nope"}).exit_code == 1);
  CHECK(Contains(Syd({"-p", "nope", "--", "true"}).err,
                 "no profile named 'nope'"));
}

TEST_CASE("promises stack: stdio + rpath can read a file, stdio alone cannot") {
  std::ifstream in("/etc/hostname");
  std::stringstream want;
  want << in.rdbuf();
  RunResult ok =
      Syd({"-p", "stdio", "-p", "rpath", "--", "/bin/cat", "/etc/hostname"});
  CHECK(ok.exit_code == 0);
  CHECK(ok.out == want.str());
  RunResult refused = Syd({"-p", "stdio", "--", "/bin/cat", "/etc/hostname"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.out.empty());
  CHECK(Contains(refused.err, "fault=EPERM"));
  CHECK(Contains(refused.err, "openat(AT_FDCWD, \"/etc/hostname\""));
  CHECK(Contains(refused.err, "stdio.syd:"));
  CHECK(Contains(refused.err, "default/fault:error=EPERM:log=2"));
}

// The binds run in a network namespace of the test's own: a refusal that
// failed would not open port 80 on the machine.
TEST_CASE("paludis: writes to the work and image dirs, bind on loopback only" *
          doctest::skip(geteuid() != 0)) {
  REQUIRE(testing::EnterNewNetworkNamespace());
  std::string dir = testing::MakeTempDir();
  std::string work = dir + "/work", image = dir + "/image";
  std::filesystem::create_directories(work);
  std::filesystem::create_directories(image);
  auto run = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {
        "-D", "WORKDIR=" + work, "-D", "IMAGE=" + image,
        "-p", "paludis",         "--", kHelper};
    argv.insert(argv.end(), args.begin(), args.end());
    return Syd(argv);
  };
  CHECK(run({"write", work + "/obj.o"}).exit_code == 0);
  CHECK(run({"mkdir", image + "/usr"}).exit_code == 0);
  RunResult outside = run({"write", dir + "/outside"});
  CHECK(outside.exit_code == EPERM);
  CHECK_FALSE(Exists(dir + "/outside"));
  CHECK(Contains(outside.err,
                 "paludis.syd:21: sys/trace+%file_wr:fault=EPERM:log=2"));
  CHECK(run({"write", "/dev/null"}).exit_code == 0);
  // Devices are written, never made, removed, renamed or chmod'ed. Asked
  // of syd explain: were a test to try it, a failure would remove the
  // machine's /dev/null.
  auto explain = [&](const std::string& call) {
    return Syd({"explain", "-D", "WORKDIR=" + work, "-D", "IMAGE=" + image,
                "-p", "paludis", call})
        .out;
  };
  for (const char* call :
       {"unlinkat(AT_FDCWD, \"/dev/null\", 0)",
        "renameat(AT_FDCWD, \"/dev/null\", AT_FDCWD, \"/dev/x\")",
        "fchmodat(AT_FDCWD, \"/dev/tty\", 0666)",
        "mknodat(AT_FDCWD, \"/dev/ttyX\", S_IFIFO|0600, 0)",
        "symlinkat(\"/etc/passwd\", AT_FDCWD, \"/dev/pts/x\")"}) {
    CAPTURE(call);
    CHECK(Contains(explain(call), "decided by syd: fault=EPERM"));
  }
  CHECK(Contains(explain("openat(AT_FDCWD, \"/dev/tty1\", O_WRONLY)"),
                 "decided by syd: allow"));
  CHECK(Contains(explain("openat(AT_FDCWD, \"/dev/shm/x\", O_RDWR|O_CREAT)"),
                 "decided by syd: allow"));
  // The attribute ioctls (append-only, immutable) through a descriptor
  // opened to read: judged by its file. The victim's flags are set to
  // what they are, where the file system has them at all.
  const std::string victim = dir + "/victim";
  std::ofstream(victim) << "x";
  std::ofstream(work + "/mine") << "x";
  if (Run({kHelper, "setflags", victim}).exit_code == 0) {
    const RunResult flags = run({"setflags", victim});
    CHECK(flags.exit_code == EPERM);
    // %file_wr holds them: the profile's catch-all refuses.
    CHECK(Contains(flags.err, "ioctl(3<" + victim + ">"));
    CHECK(Contains(flags.err,
                   "paludis.syd:21: sys/trace+%file_wr:fault=EPERM:log=2"));
    CHECK(run({"setflags", work + "/mine"}).exit_code == 0);
  } else {
    MESSAGE("no FS_IOC_SETFLAGS on this file system");
  }
  CHECK(run({"fchmod", victim}).exit_code == EPERM);
  // Reopening through /proc/self/fd: a memfd is no file (the kernel opens
  // the object), a file is judged by its name.
  CHECK(run({"memfd-reopen"}).exit_code == 0);
  CHECK(run({"reopen", victim}).exit_code == EPERM);
  CHECK(run({"reopen", work + "/mine"}).exit_code == 0);
  CHECK(run({"fchmod", work + "/mine"}).exit_code == 0);
  CHECK(run({"bind", "inet:127.0.0.1@0"}).exit_code == 0);
  CHECK(run({"bind", "inet6:::1@0"}).exit_code == 0);
  CHECK(run({"bind", "inet:0.0.0.0@80"}).exit_code == EPERM);
  CHECK(run({"bind", "inet:127.0.0.1@80"}).exit_code == EPERM);
  // A read-only open is decided by the kernel: it never stops in syd.
  RunResult ro =
      Syd({"explain", "-D", "WORKDIR=" + work, "-D", "IMAGE=" + image, "-p",
           "paludis", "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY)"});
  CHECK(Contains(ro.out, "decided by the kernel: ALLOW"));
  // Without the variables: a clear error, and nothing runs.
  RunResult unset = Run({kSyd, "-p", "paludis", "--", kHelper, "exit", "0"},
                        {Env()[0], "WORKDIR=", "IMAGE="});
  // Set but empty: "${IMAGE}/***" would be "/***", writes anywhere.
  CHECK(unset.exit_code == 125);
  CHECK(Contains(unset.err, "is set but empty"));
  RunResult missing =
      Syd({"-D", "IMAGE=/i", "-p", "paludis", "--", kHelper, "exit", "0"});
  if (getenv("WORKDIR") == nullptr) {
    CHECK(missing.exit_code == 125);
    CHECK(Contains(missing.err, "${WORKDIR} is not set"));
  }
}

TEST_CASE("nonet: no IP sockets, UNIX sockets to its own servers only") {
  char tmpl[] = "/tmp/syd-nonet.XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl;
  CHECK(Syd({"-p", "nonet", "--", kHelper, "bind", "inet:127.0.0.1@0"})
            .exit_code == EACCES);
  CHECK(Syd({"-p", "nonet", "--", kHelper, "connect", "inet6:::1@53"})
            .exit_code == EACCES);
  CHECK(Syd({"-p", "nonet", "--", kHelper, "bind", "unix:" + dir + "/s"})
            .exit_code == 0);
  // Its own server is reachable; a daemon outside (here the test's
  // listener, as docker.sock would be) is not, and nothing connects.
  CHECK(Syd({"-p", "nonet", "--", kHelper, "serve-connect",
             "unix:" + dir + "/own"})
            .exit_code == 0);
  const std::string daemon = dir + "/daemon.sock";
  const int host =
      socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  std::strncpy(un.sun_path, daemon.c_str(), sizeof un.sun_path - 1);
  REQUIRE(bind(host, reinterpret_cast<sockaddr*>(&un), sizeof un) == 0);
  REQUIRE(listen(host, 4) == 0);
  const RunResult r =
      Syd({"-p", "nonet", "--", kHelper, "connect", "unix:" + daemon});
  CHECK(r.exit_code == ECONNREFUSED);
  CHECK(Contains(r.err, daemon));
  CHECK(accept(host, nullptr, nullptr) < 0);
  close(host);
  std::filesystem::remove_all(dir);
  // An allow-list of families: the local ones only, whatever is added to
  // the kernel later.
  auto socket_of = [](const char* profile, int family, int type) {
    return Syd({"-D", "WORKDIR=/nonexistent/w", "-D", "IMAGE=/nonexistent/i",
                "-p", profile, "--", kHelper, "sys", StrCat(SYS_socket),
                StrCat(family), StrCat(type), "0"})
        .exit_code;
  };
  CHECK(socket_of("nonet", AF_UNIX, SOCK_STREAM) == 0);
  CHECK(socket_of("nonet", AF_NETLINK, SOCK_RAW) == 0);
  for (int family : {AF_INET, AF_INET6, AF_PACKET, AF_VSOCK, AF_CAN}) {
    CAPTURE(family);
    CHECK(socket_of("nonet", family, SOCK_DGRAM) == EACCES);
  }
  // paludis: the families a build uses, no raw or packet-type IP socket.
  CHECK(socket_of("paludis", AF_INET, SOCK_STREAM | SOCK_CLOEXEC) == 0);
  CHECK(socket_of("paludis", AF_INET6, SOCK_DGRAM) == 0);
  CHECK(socket_of("paludis", AF_NETLINK, SOCK_RAW) == 0);
  CHECK(socket_of("paludis", AF_UNIX, SOCK_SEQPACKET) == 0);
  CHECK(socket_of("paludis", AF_INET, SOCK_RAW) == EPERM);
  CHECK(socket_of("paludis", AF_INET6, SOCK_RAW | SOCK_NONBLOCK) == EPERM);
  CHECK(socket_of("paludis", AF_INET, SOCK_PACKET) == EPERM);
  for (int family : {AF_PACKET, AF_VSOCK, AF_CAN, AF_XDP}) {
    CAPTURE(family);
    CHECK(socket_of("paludis", family, SOCK_RAW) == EAFNOSUPPORT);
  }
}

TEST_CASE("noexec: the command runs, what it would run does not") {
  RunResult r = Syd({"-p", "noexec", "--", "/bin/sh", "-c", "/bin/true"});
  CHECK(r.exit_code == 126);
  CHECK(Contains(r.err,
                 "execve(\"/usr/bin/true\""));  // /bin is a symlink to usr/bin
  CHECK(Syd({"-p", "noexec", "--", kHelper, "exit", "3"}).exit_code == 3);
}

}  // namespace
}  // namespace syd
