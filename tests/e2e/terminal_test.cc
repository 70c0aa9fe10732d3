// syd on a terminal, as a user runs it: job control and hangup must behave
// as they do without syd. Runs under each backend (SYD_TEST_BACKEND).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "src/testing/files.h"
#include "src/testing/pids.h"
#include "src/testing/pty.h"
#include "tests/e2e/e2e.h"

namespace syd {
namespace {

using testing::Pty;

using e2e::kHelper;
using e2e::kSyd;
// A rule that needs syd, so the backend is really in use.
const char kRule[] = "sys/trace+%file_wr:allow:arg_=*\"/tmp/***\"";

std::string Backend() { return "--backend=" + e2e::Backend(); }

std::string AbsolutePath(const char* relative) {
  char* p = realpath(relative, nullptr);
  std::string out = p ? p : relative;
  free(p);
  return out;
}

// Waits at most `seconds` for `pid` to end (or become a zombie); whether
// it did.
bool Ends(pid_t pid, int seconds) {
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) return errno == ESRCH;
  pollfd p{pidfd, POLLIN, 0};
  int n;
  while ((n = poll(&p, 1, seconds * 1000)) < 0 && errno == EINTR) {
  }
  close(pidfd);
  return n > 0;
}

// Waits at most `seconds` for `pid` to run `comm`; whether it did.
bool IsRunning(pid_t pid, const std::string& comm, int seconds) {
  const std::string path = "/proc/" + std::to_string(pid) + "/comm";
  for (int i = 0; i < seconds * 100; ++i) {
    std::string now;
    std::getline(std::ifstream(path), now);
    if (now == comm) return true;
    usleep(10000);
  }
  return false;
}

const std::vector<std::string> kBashEnv = {"PS1=$ ", "TERM=dumb",
                                           "HISTFILE=/dev/null"};

// vim, less and ncurses programs take SIGTSTP, reset it and stop
// themselves; after fg they must run on at once.
void SuspendAndResume(const std::string& prefix) {
  Pty shell({"/bin/bash", "--norc", "--noprofile", "-i"}, kBashEnv);
  REQUIRE(shell.started());
  REQUIRE(shell.WaitFor("$ "));
  shell.Type(prefix + AbsolutePath(kHelper) + " tstp\n");
  REQUIRE_MESSAGE(shell.WaitFor("ready"), shell.output());
  shell.Type("\x1a");
  REQUIRE_MESSAGE(shell.WaitFor("stopping"), shell.output());
  REQUIRE_MESSAGE(shell.WaitFor("Stopped"), shell.output());
  shell.Type("fg\n");
  CHECK_MESSAGE(shell.WaitFor("resumed", 10), shell.output());
  shell.Type("echo status=$?\n");
  CHECK_MESSAGE(shell.WaitFor("status=0"), shell.output());
  shell.Type("exit\n");
}

TEST_CASE("Ctrl-Z and fg without syd (the harness's check)") {
  SuspendAndResume("");
}

TEST_CASE("Ctrl-Z and fg: a program that stops itself runs on after fg") {
  SuspendAndResume(AbsolutePath(kSyd) + " " + Backend() + " -m '" + kRule +
                   "' -- ");
}

// Without syd, an interactive shell whose terminal goes away ends its
// jobs: it passes on the SIGHUP it gets as the session's leader. With syd
// as the session's leader, syd passes the SIGHUP to the sandbox. (Without
// syd this is itself a race: the kernel wakes the shell's read before it
// sends the signal, and a shell that reads end-of-file first leaves its
// jobs running; so there is no bare case to compare with here.)
void HangupEndsJobs(const std::vector<std::string>& prefix) {
  std::vector<std::string> argv = prefix;
  for (const char* a : {"/bin/bash", "--norc", "--noprofile", "-i"})
    argv.push_back(a);
  Pty session(argv, kBashEnv);
  REQUIRE(session.started());
  REQUIRE(session.WaitFor("$ "));
  session.Type("sleep 1000 & echo started=$!\n");
  REQUIRE_MESSAGE(session.WaitFor("started="), session.output());
  REQUIRE(session.WaitFor("\n$ "));
  const std::string& out = session.output();
  // The shell's $! is its own pid namespace's (syd's, when it made one).
  const pid_t job = testing::OuterPid(
      session.pid(), std::atoi(out.c_str() + out.rfind("started=") + 8));
  REQUIRE(job > 0);
  REQUIRE(!Ends(job, 0));
  // The job counts once it is sleep. Before its exec it is still a bash,
  // with bash's SIGHUP handler: a hangup there is bash's to act on, and
  // under ptrace (each fork and exec stops in syd) that window is wide.
  REQUIRE_MESSAGE(IsRunning(job, "sleep", 10), "the job never became sleep");
  session.HangUp();
  const int status = session.Wait(20);
  CHECK_MESSAGE(status != -1, "the session's leader still runs");
  const bool ended = Ends(job, 10);
  CHECK_MESSAGE(ended, "the shell's job outlived the terminal");
  if (!ended) kill(job, SIGKILL);
}

TEST_CASE("hangup: syd passes it on, and the shell's jobs end") {
  HangupEndsJobs({AbsolutePath(kSyd), Backend(), "-m", kRule, "--"});
}

// A program on the user's terminal pushes a command into the terminal's
// input (TIOCSTI). When syd ends, the shell that started it reads the
// command as typed and runs it, outside the sandbox. `reopen` takes the
// baseline's item away: the command then runs, which shows the case can
// fail. Whether the shell made the command's file.
bool PushedCommandRan(bool reopen) {
  e2e::Tree t;
  const std::string made = t.denied + "/made-by-the-pushed-command";
  Pty shell({"/bin/bash", "--norc", "--noprofile", "-i"}, kBashEnv);
  REQUIRE(shell.started());
  REQUIRE(shell.WaitFor("$ "));
  shell.Type(AbsolutePath(kSyd) + " " + Backend() + " -c " + t.policy +
             (reopen ? " -m baseline/allow+terminal_input" : "") + " -- " +
             AbsolutePath(kHelper) + " push-input $'touch " + made +
             "\\n'; echo sta''tus=$?\n");
  // The quotes keep the typed line's echo from matching.
  REQUIRE_MESSAGE(shell.WaitFor("status="), shell.output());
  // Typed after the push, so read after whatever it pushed.
  shell.Type("echo marker=$((6 * 7))\n");
  REQUIRE_MESSAGE(shell.WaitFor("marker=42"), shell.output());
  const std::string& out = shell.output();
  if (reopen) {
    CHECK_MESSAGE(out.find("pushed") != std::string::npos, out);
  } else {
    CHECK_MESSAGE(out.find("Input/output error") != std::string::npos, out);
    CHECK_MESSAGE(out.find("status=5") != std::string::npos, out);  // EIO
  }
  shell.Type("exit\n");
  return testing::Exists(made);
}

TEST_CASE("a command pushed into the terminal's input does not run") {
  CHECK_FALSE(PushedCommandRan(false));
  CHECK(PushedCommandRan(true));
}

TEST_CASE("/dev/tty is the terminal the program runs on") {
  // Its output and error elsewhere, a program writes to its terminal
  // through /dev/tty: syd opens that terminal again through a descriptor
  // of it (the session's), where the kernel opened the caller's own.
  const std::string script =
      "exec </dev/null >/dev/null 2>/dev/null; "
      "echo through-dev-tty >/dev/tty && echo status=$? >/dev/tty";
  Pty session({AbsolutePath(kSyd), Backend(), "--stats", "-m",
               "sys/trace+open,openat,openat2,%file_wr:allow", "--", "/bin/sh",
               "-c", script});
  REQUIRE(session.started());
  CHECK_MESSAGE(session.WaitFor("through-dev-tty"), session.output());
  CHECK_MESSAGE(session.WaitFor("status=0"), session.output());
  CHECK_MESSAGE(session.WaitFor("left to the kernel"), session.output());
  if (e2e::Backend() == "user-notif")
    CHECK_MESSAGE(session.WaitFor(", 0 left to the kernel"), session.output());
  CHECK(session.Wait(20) == 0);
}

}  // namespace
}  // namespace syd
