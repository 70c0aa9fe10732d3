#include "src/supervise/launch.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "src/base/strcat.h"
#include "src/kernel/landlock.h"
#include "src/supervise/listener.h"
#include "src/tracee/procfs.h"

namespace syd::supervise {

absl::Status ConfineSelf(const BpfProgram& prog, bool listener,
                         const kernel::LandlockRuleset& landlock) {
  sock_fprog fprog{static_cast<unsigned short>(prog.size()),
                   const_cast<sock_filter*>(prog.data())};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return absl::InternalError(
        StrCat("cannot set no_new_privs: ", strerror(errno)));
  }
  if (absl::Status s = kernel::EnterDomain(landlock, kernel::LandlockAbi());
      !s.ok())
    return s;
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
              listener ? kListenerFilterFlags : 0, &fprog) < 0) {
    return absl::InternalError(
        StrCat("cannot install the filter: ", strerror(errno)));
  }
  return absl::OkStatus();
}

void RunCommandChild(const BpfProgram& prog, bool listener,
                     const kernel::LandlockRuleset& landlock,
                     const std::string& path,
                     const std::vector<std::string>& args) {
  raise(SIGSTOP);
  std::vector<char*> argv;
  for (const std::string& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // The only prints outside src/cli: this is the child, about to become
  // the command, with no caller to return an error to.
  if (absl::Status s = ConfineSelf(prog, listener, landlock); !s.ok()) {
    std::fprintf(stderr, "syd: %s\n", std::string(s.message()).c_str());
    _exit(125);
  }
  execv(path.c_str(), argv.data());
  std::fprintf(stderr, "syd: cannot execute %s: %s\n", path.c_str(),
               strerror(errno));
  _exit(126);
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
