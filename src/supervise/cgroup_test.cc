#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/supervise/cgroup.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

namespace syd::supervise {
namespace {

using cgroup_internal::FindHierarchies;
using cgroup_internal::Hierarchies;
using Dirs = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("cgroup v2 alone: syd's cgroup in the unified hierarchy") {
  // Debian 12's systemd: optional fields before the "-".
  const Hierarchies h = FindHierarchies(
      "0::/user.slice/user-1000.slice/session-2.scope\n",
      "24 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
      "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 "
      "- cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n");
  CHECK(h.unified ==
        "/sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope");
  CHECK(h.v1.empty());
}

TEST_CASE(
    "a hybrid system: v1 hierarchies by controller, and the unified one") {
  // As on the machine syd was built on: cpu and cpuacct mounted apart.
  const Hierarchies h = FindHierarchies(
      "9:name=systemd:/\n4:memory:/process_api/6db5\n2:cpuacct:/\n1:cpu:/\n"
      "0::/\n",
      "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
      "32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup "
      "rw,cpuacct\n"
      "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup "
      "rw,memory\n"
      "38 30 0:35 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup "
      "rw,name=systemd\n"
      "39 30 0:36 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n");
  CHECK(h.unified == "/sys/fs/cgroup/unified");
  CHECK(h.v1 == Dirs{{"cpu", "/sys/fs/cgroup/cpu"},
                     {"cpuacct", "/sys/fs/cgroup/cpuacct"},
                     {"memory", "/sys/fs/cgroup/memory/process_api/6db5"},
                     {"name=systemd", "/sys/fs/cgroup/systemd"}});
}

TEST_CASE("a hierarchy mounted from a subtree: the path is taken from there") {
  const Hierarchies h = FindHierarchies(
      "5:cpu,cpuacct:/docker/abc/build\n3:pids:/elsewhere\n",
      "40 30 0:28 /docker/abc /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup "
      "rw,cpu,cpuacct\n"
      "41 30 0:29 /docker/abc /sys/fs/cgroup/pids rw - cgroup cgroup "
      "rw,pids\n");
  // pids: syd's cgroup is outside what is mounted, so not reachable.
  CHECK(h.v1 == Dirs{{"cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct/build"}});
  CHECK(h.unified.empty());
}

TEST_CASE("a controller list as cgroupfs writes it, newline and all") {
  using cgroup_internal::ListsController;
  CHECK(ListsController("cpuset cpu io memory pids\n", "pids"));
  CHECK(ListsController("cpuset cpu io memory pids\n", "cpu"));
  CHECK_FALSE(ListsController("cpuset io\n", "cpu"));
  CHECK_FALSE(ListsController("\n", "memory"));
  CHECK_FALSE(ListsController("", "memory"));
}

}  // namespace
}  // namespace syd::supervise
