#include "src/testing/pty.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

namespace syd::testing {
namespace {

int64_t NowMs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace

Pty::Pty(const std::vector<std::string>& argv,
         const std::vector<std::string>& extra_env) {
  int slave = -1;
  if (openpty(&master_, &slave, nullptr, nullptr, nullptr) != 0) return;
  fcntl(master_, F_SETFD, FD_CLOEXEC);
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    setsid();
    ioctl(slave, TIOCSCTTY, 0);
    dup2(slave, 0);
    dup2(slave, 1);
    dup2(slave, 2);
    if (slave > 2) close(slave);
    for (const std::string& e : extra_env) putenv(const_cast<char*>(e.c_str()));
    // The test runner may have left these ignored or blocked.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGHUP, SIGINT, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD})
      signal(sig, SIG_DFL);
    execv(args[0], args.data());
    _exit(127);
  }
  close(slave);
}

Pty::~Pty() {
  if (pid_ > 0 && !reaped_) {
    kill(-pid_, SIGKILL);  // the session's first process group
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (master_ >= 0) close(master_);
}

void Pty::Type(const std::string& text) {
  if (master_ < 0) return;
  if (write(master_, text.data(), text.size()) < 0) {
    // The session has gone; WaitFor will say what was missed.
  }
}

bool Pty::WaitFor(const std::string& part, int seconds) {
  const int64_t deadline = NowMs() + int64_t{seconds} * 1000;
  while (output_.find(part) == std::string::npos) {
    const int64_t left = deadline - NowMs();
    if (left <= 0 || master_ < 0) return false;
    pollfd p{master_, POLLIN, 0};
    const int n = poll(&p, 1, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    char buf[4096];
    const ssize_t got = read(master_, buf, sizeof buf);
    if (got <= 0) return false;  // EIO: every slave side has closed
    output_.append(buf, static_cast<size_t>(got));
  }
  return true;
}

void Pty::HangUp() {
  if (master_ >= 0) close(master_);
  master_ = -1;
}

int Pty::Wait(int seconds) {
  if (pid_ <= 0) return -1;
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    while (poll(&p, 1, seconds * 1000) < 0 && errno == EINTR) {
    }
    close(pidfd);
  }
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return -1;
  reaped_ = true;
  return status;
}

}  // namespace syd::testing
