#include "src/supervise/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "src/base/strcat.h"
#include "src/kernel/landlock.h"
#include "src/supervise/isolate.h"
#include "src/supervise/listener.h"
#include "src/supervise/pid_namespace.h"
#include "src/tracee/procfs.h"

namespace syd::supervise {

namespace {

absl::Status EnterLandlock(const kernel::LandlockRuleset& landlock) {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return absl::InternalError(
        StrCat("cannot set no_new_privs: ", strerror(errno)));
  }
  return kernel::EnterDomain(landlock, kernel::LandlockAbi());
}

sock_fprog Program(const BpfProgram& prog) {
  return {static_cast<unsigned short>(prog.size()),
          const_cast<sock_filter*>(prog.data())};
}

absl::Status InstallFilter(const BpfProgram& prog) {
  const sock_fprog fprog = Program(prog);
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0) {
    return absl::InternalError(
        StrCat("cannot install the filter: ", strerror(errno)));
  }
  return absl::OkStatus();
}

// The only prints outside src/cli: this is the child, about to become
// the command, with no caller to return an error to.
[[noreturn]] void Fail(int report, const absl::Status& s) {
  dprintf(report, "syd: %s\n", std::string(s.message()).c_str());
  _exit(125);
}

}  // namespace

absl::Status ConfineSelf(const BpfProgram& prog,
                         const kernel::LandlockRuleset& landlock) {
  if (absl::Status s = EnterLandlock(landlock); !s.ok()) return s;
  return InstallFilter(prog);
}

absl::Status SetResourceLimits(const Limits& limits) {
  for (size_t i = 0; i < std::size(kLimits); ++i) {
    const std::optional<uint64_t>& value = limits.Get(i);
    if (!value || kLimits[i].resource < 0) continue;  // not an rlimit
    const rlim_t v = *value == kUnlimited ? RLIM_INFINITY : *value;
    const rlimit r{v, v};
    if (setrlimit(kLimits[i].resource, &r) != 0) {
      return absl::FailedPreconditionError(
          StrCat("cannot set ", LimitText(i, *value), ": ", strerror(errno),
                 errno == EPERM ? " (a hard limit is raised only with "
                                  "CAP_SYS_RESOURCE, and nofile never "
                                  "past /proc/sys/fs/nr_open)"
                                : ""));
    }
  }
  return absl::OkStatus();
}

void RunCommandChild(const BpfProgram& prog,
                     const kernel::LandlockRuleset& landlock,
                     const ChildSetup& setup, const std::string& path,
                     const std::vector<std::string>& args) {
  // The domain before the stop, which both backends wait for: a failure
  // waits for syd too, which then sees the exit. The namespaces
  // and the root come first (a domain refuses mounts, and its paths are
  // opened in the command's view), and a failure to make them is said
  // before the stop: syd, not finding the /proc, ends the child there.
  // Into the cgroup first: every process the command makes is born there,
  // and a cgroup namespace (unshare=cgroup) is rooted at it.
  if (setup.cgroup != nullptr && !setup.cgroup->Enter()) {
    std::fprintf(stderr, "syd: cannot enter the sandbox's cgroup: %s\n",
                 strerror(errno));
    _exit(125);
  }
  // syd's messages go where syd's do, not into a captured stderr.
  const int report = setup.stderr_fd >= 0
                         ? fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)
                         : STDERR_FILENO;
  if (report < 0 ||
      (setup.stdout_fd >= 0 && dup2(setup.stdout_fd, STDOUT_FILENO) < 0) ||
      (setup.stderr_fd >= 0 && dup2(setup.stderr_fd, STDERR_FILENO) < 0)) {
    _exit(125);
  }
  // Without root, the pid namespace is the child's to make, in a user
  // namespace of its own; from here on this is the command, pid 2 there.
  if (setup.pid_ns_pids >= 0) {
    absl::Status made = EnterOwnUserNamespace();
    if (made.ok())
      made = MakePidNamespaceInChild(setup.pid_ns_alive, setup.pid_ns_pids);
    if (!made.ok()) Fail(report, made);
  }
  absl::Status proc = EnterIsolation(setup.isolation, setup.own_proc);
  if (proc.ok()) proc = SetResourceLimits(setup.limits);
  if (proc.ok())
    proc = DropPrivileges(setup.isolation,
                          {setup.exec_fd, report, setup.listener_channel});
  if (!proc.ok()) {
    dprintf(report, "syd: %s\n", std::string(proc.message()).c_str());
  }
  const absl::Status domain =
      proc.ok()
          ? EnterLandlock(WithPrivateRootDomain(setup.isolation, landlock))
          : proc;
  // Not raise(): after MakePidNamespaceInChild's raw clone, glibc's cached
  // thread id is the parent's.
  kill(getpid(), SIGSTOP);
  if (!proc.ok()) _exit(125);
  if (!domain.ok()) Fail(report, domain);
  const absl::Status filter =
      setup.listener_channel >= 0
          ? InstallWithListener(Program(prog), setup.listener_channel, report)
          : InstallFilter(prog);
  if (!filter.ok()) Fail(report, filter);
  ExecCommand(setup.exec_fd, path, args);
  dprintf(report, "syd: cannot execute %s: %s\n", path.c_str(),
          strerror(errno));
  _exit(126);
}

void ExecCommand(int fd, const std::string& path,
                 const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  if (fd < 0) {
    execv(path.c_str(), argv.data());
  } else {
    syscall(SYS_execveat, fd, "", argv.data(), environ, AT_EMPTY_PATH);
  }
}

int ExitCode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string CannotFollow(pid_t child, const std::string& why) {
  // A traced process's children are traced too (strace -f, an outer syd
  // under ptrace), and a tracee has one tracer.
  const pid_t tracer = tracee::TracerOf(child);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  return StrCat("cannot follow the command: ", why,
                tracer != 0 ? StrCat(" (pid ", tracer,
                                     " traces it already: an outer syd under "
                                     "ptrace, or strace -f?)")
                            : "");
}

}  // namespace syd::supervise
