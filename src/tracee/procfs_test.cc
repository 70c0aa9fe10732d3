#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/tracee/procfs.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

namespace syd::tracee {
namespace {

TEST_CASE("a thread's credentials read as the kernel has them") {
  const mode_t old = umask(027);
  const std::optional<Credentials> c = CredentialsOf(gettid());
  umask(old);
  REQUIRE(c.has_value());
  CHECK(c->fsuid == static_cast<uid_t>(setfsuid(-1)));
  CHECK(c->fsgid == static_cast<gid_t>(setfsgid(-1)));
  CHECK(c->umask == 027);
  std::vector<gid_t> groups(static_cast<size_t>(getgroups(0, nullptr)));
  REQUIRE(getgroups(static_cast<int>(groups.size()), groups.data()) ==
          static_cast<int>(groups.size()));
  CHECK(c->groups == groups);
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  REQUIRE(syscall(SYS_capget, &header, data) == 0);
  CHECK(c->effective ==
        (data[0].effective | (static_cast<uint64_t>(data[1].effective) << 32)));
}

TEST_CASE("each thread has its own") {
  // A raw setfsuid changes the calling thread only (and only where the id
  // is mapped: not in every sandbox a test runs in).
  std::optional<Credentials> other;
  uid_t now = 0;
  std::thread t([&] {
    syscall(SYS_setfsuid, 65534);
    now = static_cast<uid_t>(syscall(SYS_setfsuid, -1));
    other = CredentialsOf(gettid());
  });
  t.join();
  REQUIRE(other.has_value());
  CHECK(other->fsuid == now);
  CHECK(CredentialsOf(gettid())->fsuid == geteuid());
  CHECK_FALSE(CredentialsOf(999999999).has_value());
}

TEST_CASE("a process's session and terminal read as the kernel has them") {
  // A child that leads a session of its own and takes a new pty as its
  // terminal (as glibc's login_tty does) reports both through a pipe.
  const int master = posix_openpt(O_RDWR | O_NOCTTY);
  REQUIRE(master >= 0);
  REQUIRE(grantpt(master) == 0);
  REQUIRE(unlockpt(master) == 0);
  const std::string slave_name = ptsname(master);
  struct stat slave_st;
  REQUIRE(stat(slave_name.c_str(), &slave_st) == 0);
  int ready[2];
  int done[2];
  REQUIRE(pipe(ready) == 0);
  REQUIRE(pipe(done) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    char took = 'n';
    if (setsid() >= 0) {
      const int slave = open(slave_name.c_str(), O_RDWR | O_NOCTTY);
      if (slave >= 0 && ioctl(slave, TIOCSCTTY, 0) == 0) took = 'y';
    }
    (void)!write(ready[1], &took, 1);
    char c;
    (void)!read(done[0], &c, 1);
    _exit(0);
  }
  char took = 0;
  REQUIRE(read(ready[0], &took, 1) == 1);
  CHECK(took == 'y');
  const SessionAndTerminal s = SessionOf(child);
  CHECK(s.session == child);
  CHECK(s.terminal == slave_st.st_rdev);
  // Without one: the test's own process, in bazel's session.
  const SessionAndTerminal own = SessionOf(getpid());
  CHECK(own.session == getsid(0));
  const int tty = open("/dev/tty", O_RDWR | O_NOCTTY);
  CHECK((own.terminal == 0) == (tty < 0));
  if (tty >= 0) close(tty);
  CHECK(SessionOf(999999999).session == 0);
  (void)!write(done[1], "x", 1);
  int status = 0;
  waitpid(child, &status, 0);
  close(master);
}

}  // namespace
}  // namespace syd::tracee
