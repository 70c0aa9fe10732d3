#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/tracee/procfs.h"

#include <doctest/doctest.h>
#include <linux/capability.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

}  // namespace
}  // namespace syd::tracee
