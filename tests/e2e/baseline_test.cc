// The baseline (src/policy/baseline.h): each item tried as an attacker
// would, under a write confinement that says nothing about it, and again
// with the item reopened to show the attack is real. Checked by errno and
// on the file system, under both backends, and under -p paludis.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <errno.h>
#include <linux/sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "src/base/strcat.h"
#include "src/testing/files.h"
#include "tests/e2e/e2e.h"

namespace syd {
namespace {

using e2e::Tree;
using testing::Exists;
using testing::RunResult;

std::vector<std::string> Reopen(const std::string& item) {
  return {"-m", "baseline/allow+" + item};
}

// A raw call with harmless arguments: with the item reopened the kernel
// answers it (often an error of its own, never the baseline's).
struct RawCall {
  const char* item;
  std::vector<std::string> args;  // the helper's `sys NR ARG...`
  int baseline_errno;
};

std::vector<RawCall> RawCalls() {
  auto sys = [](long nr, std::vector<std::string> rest) {
    std::vector<std::string> v = {"sys", StrCat(nr)};
    v.insert(v.end(), rest.begin(), rest.end());
    return v;
  };
  return {
      {"userfaultfd", sys(SYS_userfaultfd, {"0x80000"}), EPERM},
      {"clone3", sys(SYS_clone3, {"0", "0"}), ENOSYS},
      {"namespaces", sys(SYS_unshare, {StrCat(CLONE_NEWNS)}), EPERM},
      {"namespaces", sys(SYS_unshare, {StrCat(CLONE_NEWUSER)}), EPERM},
      {"namespaces", sys(SYS_setns, {"0", "0"}), EPERM},
      {"open_by_handle_at", sys(SYS_open_by_handle_at, {"-1", "0", "0"}),
       EPERM},
      {"bpf", sys(SYS_bpf, {"0", "0", "0"}), EPERM},
      {"perf_event_open", sys(SYS_perf_event_open, {"0", "0", "-1", "-1", "0"}),
       EACCES},
      // Invalid flags: the kernel would refuse them after its own check.
      {"kexec", sys(SYS_kexec_load, {"0", "0", "0", "0xffff0000"}), EPERM},
      {"kernel_modules", sys(SYS_init_module, {"0", "0", "0"}), EPERM},
      {"ioport", sys(SYS_iopl, {"4"}), EPERM},
      {"mount_api", sys(SYS_fsopen, {"0", "0"}), ENOSYS},
      {"mount_api", sys(SYS_open_tree, {"-100", "0", "1"}), ENOSYS},
      {"mount_api", sys(SYS_mount_setattr, {"-1", "0", "0", "0", "0"}), ENOSYS},
      // A time of NULL sets nothing; the rest fail in the kernel's own
      // checks (a clock, a length or a level out of range, a bad pointer,
      // reboot's magic): none changes the machine when reopened.
      {"host_settings", sys(SYS_settimeofday, {"0", "0"}), EPERM},
      {"host_settings", sys(SYS_clock_settime, {"-1", "0"}), EPERM},
      {"host_settings", sys(SYS_clock_adjtime, {"-1", "0"}), EPERM},
      {"host_settings", sys(SYS_adjtimex, {"1"}), EPERM},
      {"host_settings", sys(SYS_sethostname, {"0", "-1"}), EPERM},
      {"host_settings", sys(SYS_setdomainname, {"0", "-1"}), EPERM},
      {"host_settings", sys(SYS_swapon, {"1", "0"}), EPERM},
      {"host_settings", sys(SYS_swapoff, {"1"}), EPERM},
      {"host_settings", sys(SYS_acct, {"1"}), EPERM},
      {"host_settings", sys(SYS_reboot, {"0", "0", "0", "0"}), EPERM},
      {"host_settings", sys(SYS_syslog, {"8", "0", "0"}), EPERM},
      // Descriptor -1: reopened, the kernel's EBADF. ioctl's request is
      // 32 bits, and the kernel drops any above them: so must the filter.
      {"terminal_input", sys(SYS_ioctl, {"-1", StrCat(TIOCSTI), "0"}), EIO},
      {"terminal_input",
       sys(SYS_ioctl, {"-1", StrCat(uint64_t{1} << 32 | TIOCSTI), "0"}), EIO},
      {"terminal_input", sys(SYS_ioctl, {"-1", StrCat(TIOCLINUX), "0"}), EPERM},
  };
}

TEST_CASE("each raw call the baseline refuses gets its errno, and only it") {
  Tree t;
  for (const RawCall& c : RawCalls()) {
    CAPTURE(c.args[1]);
    CAPTURE(std::string(c.item));
    CHECK(t.Helper(c.args).exit_code == c.baseline_errno);
    const RunResult open = t.Helper(c.args, Reopen(c.item));
    CAPTURE(open.out);
    // EPERM or ENOSYS may also be the kernel's own answer; what matters is
    // that the call got to it (a kernel built without the feature says
    // ENOSYS for calls the baseline refuses with EPERM).
    if (open.exit_code == c.baseline_errno) {
      MESSAGE("the kernel itself answers ", c.args[1], " with errno ",
              open.exit_code);
    }
  }
}

TEST_CASE("io_uring cannot be set up, so its writes never bypass syd") {
  Tree t;
  CHECK(t.Helper({"uring-create", t.denied + "/u"}).exit_code == EPERM);
  CHECK(t.Helper({"uring-create", t.allowed + "/u"}).exit_code == EPERM);
  CHECK_FALSE(Exists(t.denied + "/u"));
  CHECK_FALSE(Exists(t.allowed + "/u"));
  const RunResult open =
      t.Helper({"uring-create", t.allowed + "/u"}, Reopen("io_uring"));
  if (open.exit_code != ENOSYS) {  // io_uring off in this kernel
    CHECK(open.exit_code == 0);
    CHECK(Exists(t.allowed + "/u"));
  }
}

TEST_CASE("no device node is made, even where the rules allow writes") {
  Tree t;
  for (const char* op : {"mknod-dev", "mknod-dev-raw"}) {
    CAPTURE(op);
    const std::string path = t.allowed + "/" + op;
    CHECK(t.Helper({op, path}).exit_code == EPERM);
    CHECK_FALSE(Exists(path));
  }
  // Fifos are not devices: the rules decide them.
  CHECK(t.Helper({"mknod", t.allowed + "/fifo"}).exit_code == 0);
  struct stat st;
  REQUIRE(stat((t.allowed + "/fifo").c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  // Reopened, the rules decide: root makes the node (outside a user
  // namespace; this suite runs unsandboxed for that).
  const std::string dev = t.allowed + "/dev";
  const RunResult open = t.Helper({"mknod-dev", dev}, Reopen("device_nodes"));
  if (open.exit_code == 0) {
    REQUIRE(stat(dev.c_str(), &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
    unlink(dev.c_str());
  } else {
    MESSAGE("the kernel refuses mknod here too: ", open.out);
  }
}

TEST_CASE("a seccomp listener cannot be made inside the sandbox") {
  Tree t;
  CHECK(t.Helper({"seccomp-listener"}).exit_code == EBUSY);
  // An ordinary filter is fine (Chromium, OpenSSH and systemd make them).
  CHECK(t.Helper({"sigsys", t.allowed + "/d"}).exit_code == 0);
}

TEST_CASE("a CLONE_UNTRACED child cannot leave the tracer") {
  Tree t;
  const std::string path = t.allowed + "/child";
  const RunResult r = t.Helper({"clone-untraced", path});
  if (e2e::Backend() == "ptrace") {
    CHECK(r.exit_code == EPERM);
    CHECK_FALSE(Exists(path));
    // Reopened, the child runs untraced: its stopped calls fail (ENOSYS)
    // instead of being judged.
    const RunResult open =
        t.Helper({"clone-untraced", path}, Reopen("clone_untraced"));
    CHECK(open.out.find("child exited 1") != std::string::npos);
  } else {
    // It means nothing under user notification (LeakSanitizer uses it).
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("child exited 0") != std::string::npos);
    CHECK(Exists(path));
  }
}

TEST_CASE("limits and scheduling aimed at syd are refused") {
  Tree t;
  // In a pid namespace of syd's (root) no pid names syd, and the item is
  // left out.
  if (geteuid() == 0) CHECK(t.Helper({"aim-parent"}).out == "parent=none\n");
  const std::vector<std::string> no_namespace = {"SYD_PID_NAMESPACE=0"};
  const RunResult r = t.Helper({"aim-parent"}, {}, no_namespace);
  CAPTURE(r.err);
  CHECK(r.exit_code == EPERM);
  CHECK(
      t.Helper({"aim-parent"}, Reopen("syd_process"), no_namespace).exit_code ==
      0);
}

TEST_CASE("in syd's pid namespace, the sandbox's mounts are refused" *
          doctest::skip(geteuid() != 0)) {
  // The sandbox's mount namespace is its own: a mount there would be
  // invisible to syd. Reopened, the mount happens, and stays in the
  // sandbox's namespace: it never shows outside.
  Tree t;
  const std::string m = t.allowed + "/m";
  mkdir(m.c_str(), 0755);
  const std::vector<std::string> no_landlock = {"SYD_LANDLOCK_ABI=0"};
  const std::vector<std::string> mount = {"mount", m};
  CHECK(t.Helper(mount, {}, no_landlock).exit_code == EPERM);
  CHECK(t.Helper({"sys", StrCat(SYS_umount2), "0", "0"}).exit_code == EPERM);
  std::vector<std::string> reopened = Reopen("mounts");
  for (const char* a : {"-m", "sys/allow+mount"}) reopened.push_back(a);
  const RunResult open = t.Helper(mount, reopened, no_landlock);
  CAPTURE(open.err);
  CHECK(open.exit_code == 0);
  CHECK(testing::ReadAll("/proc/self/mountinfo").find(m) == std::string::npos);
}

TEST_CASE("LeakSanitizer's check at exit works as without syd" *
          doctest::skip(e2e::Backend() == "ptrace")) {
  // It clones a thread with CLONE_UNTRACED and ptraces the program's own
  // threads: the baseline allows both under user notification. Under
  // ptrace the threads are syd's tracees already, so LeakSanitizer's own
  // attach fails whatever the baseline says (docs/language.md).
  constexpr char kLeaky[] = "testdata/progs/leaky";
  const std::vector<std::string> env = {
      "ASAN_OPTIONS=detect_leaks=1:exitcode=23"};
  Tree t;
  for (const char* arg : {"clean", "leak"}) {
    CAPTURE(arg);
    const RunResult bare = testing::Run({kLeaky, arg}, env);
    const RunResult in = e2e::Run(
        {e2e::kSyd, "-c", "profiles/paludis.syd", "-D", "WORKDIR=" + t.allowed,
         "-D", "IMAGE=" + t.allowed, "--", kLeaky, arg},
        env);
    CAPTURE(in.err);
    CHECK(in.exit_code == bare.exit_code);
    CHECK(in.exit_code == (std::string(arg) == "leak" ? 23 : 0));
    CHECK((in.err.find("detected memory leaks") != std::string::npos) ==
          (std::string(arg) == "leak"));
    CHECK(in.err.find("fatal error") == std::string::npos);
  }
}

TEST_CASE("-p paludis gets the same baseline") {
  Tree t;
  const std::string work = t.allowed;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"uring-create", work + "/u"},
        std::vector<std::string>{"mknod-dev", work + "/dev"},
        std::vector<std::string>{"sys", StrCat(SYS_unshare),
                                 StrCat(CLONE_NEWNS)}}) {
    CAPTURE(args[0]);
    std::vector<std::string> argv = {
        e2e::kSyd,         "-c", "profiles/paludis.syd", "-D",
        "WORKDIR=" + work, "-D", "IMAGE=" + work,        "--",
        e2e::kHelper};
    argv.insert(argv.end(), args.begin(), args.end());
    const RunResult r = e2e::Run(argv);
    CAPTURE(r.err);
    CHECK(r.exit_code == EPERM);
  }
  CHECK_FALSE(Exists(work + "/u"));
  CHECK_FALSE(Exists(work + "/dev"));
}

TEST_CASE("a rule added at run time cannot reopen an item") {
  Tree t;
  // The filter is sealed before exec: the kernel decides the baseline.
  // A set that names a refused call (%file_wr names move_mount) is still
  // added, for the rest of its calls.
  const RunResult r = e2e::Run(
      {e2e::kSyd, "-c", "profiles/magic.syd", "-c", t.policy, "--", "sh", "-c",
       "test -e /dev/sydbox/sys/allow+io_uring_setup; echo magic=$?; "
       "test -e '/dev/sydbox/sys/allow+%file_wr:arg_=*\"" +
           t.denied + "/***\"'; echo magic=$?; " + e2e::kHelper + " write " +
           t.denied + "/w; " + e2e::kHelper + " uring-create " + t.allowed +
           "/u"});
  CHECK(r.out.find("magic=1\nmagic=0\nok\n") != std::string::npos);
  CHECK(r.err.find("baseline/io_uring:1") != std::string::npos);
  CHECK(Exists(t.denied + "/w"));
  CAPTURE(r.out);
  CAPTURE(r.err);
  CHECK(r.exit_code == EPERM);
  CHECK_FALSE(Exists(t.allowed + "/u"));
}

}  // namespace
}  // namespace syd
