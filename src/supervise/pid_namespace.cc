#include "src/supervise/pid_namespace.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/magic.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <optional>
#include <string>
#include <utility>

#include "src/base/errno_status.h"
#include "src/base/strcat.h"
#include "src/tracee/decode.h"

namespace syd::supervise {
namespace {

int OpenOwnPidNamespace() {
  return open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
}

// What the init could not do, reported to syd before it forks the command:
// the init's early death would otherwise show only as the command's fork
// failing with ENOMEM (the kernel refuses pids in a namespace whose init
// is gone).
struct InitFailure {
  int step;  // index in kInitSteps
  int error;
};
constexpr const char* kInitSteps[] = {
    "reading /proc/self/stat",
    "finding its arguments in /proc/self/stat",
    "unshare(CLONE_NEWNS)",
    "making its mounts private",
    "mounting an empty tmpfs",
    "chdir to that tmpfs",
    "pivot_root to that tmpfs",
    "detaching the old root",
    "chdir(/)",
    "keeping its pipe as descriptor 0",
};

[[noreturn]] void InitFails(int report, int step) {
  const InitFailure failure{step, errno};
  (void)!write(report, &failure, sizeof failure);
  _exit(125);
}

// The init's own world: an empty root, and no trace of syd's command line
// or environment. The sandbox can name it (/proc/1): /proc/1/root must not
// lead to the host's root (it would, and ".." on from there, past a
// private root the sandbox was given), nor /proc/1/environ show what
// isolate/clearenv took from the command. Landlock refuses /proc/1/root
// already; this holds without it. Any failure ends the init, and with it
// the sandbox, and is reported on `report`.
void EmptyWorld(int report) {
  // /proc/self/stat's fields 48 to 51: where the arguments and the
  // environment are, which /proc/PID/cmdline and environ read.
  char stat[4096];
  const int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  const ssize_t n = fd >= 0 ? read(fd, stat, sizeof stat - 1) : -1;
  if (n <= 0) InitFails(report, 0);
  close(fd);
  stat[n] = '\0';
  const char* p = std::strrchr(stat, ')');  // the name may hold spaces
  uint64_t field[52] = {};
  for (int i = 3; p != nullptr && i <= 51; ++i) {
    p = std::strchr(p + 1, ' ');
    if (p != nullptr) field[i] = std::strtoull(p + 1, nullptr, 10);
  }
  if (field[48] == 0 || field[51] < field[50] || field[49] < field[48]) {
    errno = EINVAL;
    InitFails(report, 1);
  }
  std::memset(reinterpret_cast<void*>(field[48]), 0, field[49] - field[48]);
  std::memset(reinterpret_cast<void*>(field[50]), 0, field[51] - field[50]);
  // Then the root: /proc/self/stat is read first. pivot_root rather than
  // chroot: with the old root detached, ".." from /proc/1/root has nowhere
  // to go. (It cannot leave an initramfs's rootfs: there, syd says so.)
  if (unshare(CLONE_NEWNS) != 0) InitFails(report, 2);
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    InitFails(report, 3);
  if (mount("tmpfs", "/tmp", "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV,
            "size=4k,mode=0500") != 0)
    InitFails(report, 4);
  if (chdir("/tmp") != 0) InitFails(report, 5);
  if (syscall(SYS_pivot_root, ".", ".") != 0) InitFails(report, 6);
  if (umount2(".", MNT_DETACH) != 0) InitFails(report, 7);
  if (chdir("/") != 0) InitFails(report, 8);
}

// What strict mode allows (read, write, exit, rt_sigreturn), as a filter:
// strict mode cannot be entered under a filter (EINVAL), and a container
// runtime puts every process under one. Another architecture's calls are
// killed, not read as this one's numbers.
bool AllowOnlyStrictCalls() {
  static const sock_filter kCode[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_read, 4, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_write, 3, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_exit, 2, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_rt_sigreturn, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  const sock_fprog prog{std::size(kCode), const_cast<sock_filter*>(kCode)};
  return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0;
}

// The init: pid 1 of the namespace, syd's child (in both
// paths: syd forks it, or the child of a plan by_child with CLONE_PARENT). It
// dies with syd (the parent-death signal; the pipe's EOF covers a syd that died
// before the signal was armed) and reaps the orphans the kernel gives it
// (SIGCHLD ignored). The sandbox can name it, so it keeps nothing to abuse: no
// descriptor but the pipe, no handler (a signal from inside or from the
// terminal is then ignored: it is its namespace's init), not dumpable, and
// strict mode's calls alone (read, write, exit) in case a program ptraces it
// where no Landlock domain stands between them.
[[noreturn]] void RunInit(int alive, int report) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  prctl(PR_SET_DUMPABLE, 0);
  EmptyWorld(report);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);
  struct sigaction ign {};
  ign.sa_handler = SIG_IGN;
  sigaction(SIGCHLD, &ign, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  if (dup2(alive, 0) != 0) InitFails(report, 9);
  // Closes `report` too: its EOF tells syd the init is ready.
  syscall(SYS_close_range, 1, ~0U, 0);
  if (!AllowOnlyStrictCalls()) _exit(125);
  for (;;) {
    char byte;
    if (read(0, &byte, 1) <= 0) syscall(SYS_exit, 0);
  }
}

// Waits for the init to be ready: EOF on `report`, or what it could not do.
absl::Status AwaitInit(int report) {
  InitFailure failure{};
  ssize_t n;
  while ((n = read(report, &failure, sizeof failure)) < 0 && errno == EINTR) {
  }
  if (n == 0) return absl::OkStatus();
  if (n != static_cast<ssize_t>(sizeof failure) || failure.step < 0 ||
      static_cast<size_t>(failure.step) >= std::size(kInitSteps)) {
    return absl::InternalError("the sandbox's init died while starting");
  }
  return absl::FailedPreconditionError(
      StrCat("the sandbox's init (pid 1 of its pid namespace) failed ",
             kInitSteps[failure.step], ": ", strerror(failure.error),
             failure.step == 6 && failure.error == EINVAL
                 ? " (syd's root is an initramfs, which pivot_root "
                   "cannot leave: switch_root first)"
                 : "",
             "; SYD_PID_NAMESPACE=0 runs without the namespace"));
}

// What the child of a plan by_child reports: pids in syd's namespace.
struct BornPids {
  pid_t init;
  pid_t command;
};

pid_t Fork() { return fork(); }

// fork, with syd as the parent: the init and the command are syd's
// children, as when syd makes the namespace, so syd waits for them,
// follows them and gets their status as it does there.
pid_t ForkForSyd() {
  return static_cast<pid_t>(syscall(SYS_clone, CLONE_PARENT | SIGCHLD, nullptr,
                                    nullptr, nullptr, nullptr));
}

// Forks the init with `fork_init` (Fork, or ForkForSyd from the child of a
// plan by_child) into the pid namespace the caller's children are born in,
// and waits until it is ready. The init is born named: named after the
// fork, the command (forked next) could read /proc/1/comm first and find
// "syd". An init that failed is reaped where it is the caller's child.
absl::StatusOr<pid_t> StartInit(int alive, pid_t (*fork_init)()) {
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0) return ErrnoStatus("pipe2");
  char own_name[16] = {};
  prctl(PR_GET_NAME, own_name);
  prctl(PR_SET_NAME, "syd-init");
  const pid_t init = fork_init();
  if (init == 0) RunInit(alive, ready[1]);
  const int fork_error = errno;
  prctl(PR_SET_NAME, own_name);
  close(ready[1]);
  if (init < 0) {
    close(ready[0]);
    errno = fork_error;
    return ErrnoStatus("fork of the sandbox's init");
  }
  absl::Status ready_or = AwaitInit(ready[0]);
  close(ready[0]);
  if (!ready_or.ok()) {
    waitpid(init, nullptr, __WALL);
    return ready_or;
  }
  return init;
}

}  // namespace

PidNamespacePlan PlanPidNamespace(bool asked) {
  if (const char* env = std::getenv("SYD_PID_NAMESPACE");
      env != nullptr && std::string(env) == "0") {
    return {false, false, "switched off (SYD_PID_NAMESPACE=0)"};
  }
  std::optional<std::string> root = tracee::RootOf(getpid());
  if (!root || *root != "/") {
    return {false, false,
            "syd runs in a chroot, where the sandbox's /proc would "
            "not be its own"};
  }
  // The one thing to ask is whether the kernel lets syd: a namespace made
  // for its children and left again at once costs no process. Leaving is
  // asked first, by joining the namespace syd is in: in a user namespace
  // syd may make a pid namespace and not return from it, and its children
  // would then be born into one it cannot keep alive.
  const int own = OpenOwnPidNamespace();
  if (own < 0)
    return {false, false, StrCat("/proc/self/ns/pid: ", strerror(errno))};
  PidNamespacePlan plan{true, false, ""};
  if (setns(own, CLONE_NEWPID) != 0) {
    plan = {
        false, false,
        StrCat("syd could not return from a pid namespace (", strerror(errno),
               "; it needs CAP_SYS_ADMIN where its own was made)")};
  } else if (unshare(CLONE_NEWPID) != 0) {
    plan = {false, false,
            StrCat("cannot make a pid namespace (", strerror(errno),
                   "; it needs CAP_SYS_ADMIN, root)")};
  } else if (setns(own, CLONE_NEWPID) != 0) {
    plan = {false, false,
            StrCat("cannot return to syd's pid namespace: ", strerror(errno))};
  }
  close(own);
  // Asked for, the command's child makes one in its own user namespace
  // (it fails there with a message where user namespaces are off). Not
  // without asking: that user namespace has a cost of its own (syd.1).
  if (!plan.on && asked) plan = {true, true, ""};
  return plan;
}

absl::StatusOr<PidNamespace> PidNamespace::Enter() {
  const int own = OpenOwnPidNamespace();
  if (own < 0) return ErrnoStatus("/proc/self/ns/pid");
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    close(own);
    return ErrnoStatus("pipe2");
  }
  auto undo_with = [&](absl::Status s) {
    setns(own, CLONE_NEWPID);
    close(own);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return s;
  };
  auto undo = [&](const char* what) { return undo_with(ErrnoStatus(what)); };
  if (unshare(CLONE_NEWPID) != 0) return undo("unshare(CLONE_NEWPID)");
  absl::StatusOr<pid_t> started = StartInit(pipe_fds[0], Fork);
  if (!started.ok()) return undo_with(started.status());
  const pid_t init = *started;
  // The backends' waitpid(-1) may reap the init if it dies early: a pidfd
  // cannot signal another process that took its pid.
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, init, 0));
  if (pidfd < 0) {
    absl::Status failed = undo("pidfd_open");
    kill(init, SIGKILL);
    waitpid(init, nullptr, 0);
    return failed;
  }
  close(pipe_fds[0]);
  return PidNamespace(own, pipe_fds[1], init, pidfd);
}

PidNamespace::PidNamespace(PidNamespace&& other) noexcept
    : own_(std::exchange(other.own_, -1)),
      alive_(std::exchange(other.alive_, -1)),
      init_(std::exchange(other.init_, 0)),
      init_pidfd_(std::exchange(other.init_pidfd_, -1)),
      child_alive_(std::exchange(other.child_alive_, -1)),
      pids_{std::exchange(other.pids_[0], -1),
            std::exchange(other.pids_[1], -1)} {}

PidNamespace::~PidNamespace() {
  for (int fd : {child_alive_, pids_[0], pids_[1]}) {
    if (fd >= 0) close(fd);
  }
  Kill();
  if (own_ >= 0) {
    setns(own_, CLONE_NEWPID);
    close(own_);
  }
}

absl::Status PidNamespace::Leave() {
  if (own_ < 0) return absl::OkStatus();
  const int rc = setns(own_, CLONE_NEWPID);
  absl::Status s = rc == 0 ? absl::OkStatus()
                           : ErrnoStatus("returning to syd's pid namespace");
  close(own_);
  own_ = -1;
  return s;
}

void PidNamespace::Kill() {
  // SIGKILL rather than the pipe's EOF alone: a program that reopened the
  // pipe through /proc/1/fd would keep the init alive.
  if (alive_ >= 0) close(alive_);
  alive_ = -1;
  if (init_ <= 0) return;
  syscall(SYS_pidfd_send_signal, init_pidfd_, SIGKILL, nullptr, 0);
  close(init_pidfd_);
  init_pidfd_ = -1;
  // The init leaves only once every process of the namespace is reaped,
  // and the command is syd's child: where the run ended before syd reaped
  // it (an error ended the sandbox), waiting for the init alone would wait
  // forever. So syd reaps whatever ends until the init has.
  for (;;) {
    const pid_t got = waitpid(-1, nullptr, __WALL);
    if (got == init_ || (got < 0 && errno != EINTR)) break;
  }
  init_ = 0;
}

absl::StatusOr<PidNamespace> PidNamespace::Prepare() {
  int alive[2];
  if (pipe2(alive, O_CLOEXEC) != 0) return ErrnoStatus("pipe2");
  PidNamespace ns(-1, alive[1], 0, -1);
  ns.child_alive_ = alive[0];
  if (pipe2(ns.pids_, O_CLOEXEC) != 0) return ErrnoStatus("pipe2");
  return ns;
}

absl::StatusOr<pid_t> PidNamespace::Adopt(pid_t child) {
  close(child_alive_);
  child_alive_ = -1;
  close(pids_[1]);
  pids_[1] = -1;
  BornPids born{};
  ssize_t n;
  while ((n = read(pids_[0], &born, sizeof born)) < 0 && errno == EINTR) {
  }
  close(pids_[0]);
  pids_[0] = -1;
  while (waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
  }
  if (n != static_cast<ssize_t>(sizeof born)) return 0;
  init_ = born.init;
  init_pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, init_, 0));
  if (init_pidfd_ < 0) {
    absl::Status failed = ErrnoStatus("pidfd_open");
    kill(born.command, SIGKILL);
    waitpid(born.command, nullptr, __WALL);
    kill(init_, SIGKILL);
    waitpid(init_, nullptr, __WALL);
    init_ = 0;
    return failed;
  }
  return born.command;
}

absl::Status MakePidNamespaceInChild(int alive, int pids) {
  if (unshare(CLONE_NEWPID) != 0) {
    return ErrnoStatus(
        "cannot make the sandbox's pid namespace in its user namespace");
  }
  // A failed init is syd's child: syd reaps it.
  absl::StatusOr<pid_t> started = StartInit(alive, ForkForSyd);
  if (!started.ok()) return started.status();
  const pid_t init = *started;
  const pid_t command = ForkForSyd();
  if (command == 0) return absl::OkStatus();
  if (command < 0) {
    absl::Status failed = ErrnoStatus("fork of the command");
    kill(init, SIGKILL);
    return failed;
  }
  const BornPids born{init, command};
  if (write(pids, &born, sizeof born) != static_cast<ssize_t>(sizeof born)) {
    kill(command, SIGKILL);
    kill(init, SIGKILL);
    _exit(125);
  }
  _exit(0);
}

absl::Status MountSandboxProc() {
  // Over syd's /proc, not in its place: in a user namespace the kernel
  // mounts a procfs only where one is fully visible already, and will not
  // unmount what it inherited. The baseline's "mounts" item keeps the
  // sandbox from unmounting it.
  if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
            nullptr) != 0) {
    return ErrnoStatus("mounting the sandbox's /proc");
  }
  return absl::OkStatus();
}

absl::StatusOr<int> OpenSandboxProc(pid_t child) {
  const std::string where = StrCat("/proc/", child, "/root/proc");
  const int fd = open(where.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return ErrnoStatus(StrCat("cannot open the sandbox's /proc (", where, ")"));
  struct statfs fs;
  if (fstatfs(fd, &fs) != 0 || fs.f_type != PROC_SUPER_MAGIC) {
    close(fd);
    return absl::FailedPreconditionError(
        StrCat("the sandbox's /proc (", where, ") is not a procfs"));
  }
  return fd;
}

}  // namespace syd::supervise
