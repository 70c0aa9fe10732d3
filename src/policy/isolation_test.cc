#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/policy/isolation.h"

#include <doctest/doctest.h>
#include <sched.h>

#include <string>
#include <vector>

namespace syd {
namespace {

// The settings applied in order, as profiles given one after another.
Isolation Apply(const std::vector<std::pair<std::string, std::string>>& in,
                std::string* error = nullptr) {
  Isolation out;
  for (const auto& [name, value] : in) {
    const absl::Status s = ApplyIsolate(name, value, &out);
    if (!s.ok() && error != nullptr) *error = std::string(s.message());
  }
  return out;
}

TEST_CASE("sets grow, kept sets shrink, single values are set once") {
  std::string error;
  const Isolation i = Apply({{"unshare", "net"},
                             {"unshare", "ipc,uts"},
                             {"caps", "CAP_CHOWN,CAP_KILL"},
                             {"caps", "CAP_KILL,CAP_SETUID"},
                             {"keep_fds", "3,4,5"},
                             {"keep_fds", "5,4,9"},
                             {"hostname", "box"},
                             {"hostname", "box"},
                             {"setenv", "A=1"},
                             {"setenv", "B=2=3"}},
                            &error);
  CHECK(error.empty());
  CHECK(i.namespaces == (CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS));
  CHECK(*i.caps == (uint64_t{1} << 5));  // CAP_KILL
  CHECK(*i.keep_fds == std::vector<int>{4, 5});
  CHECK(i.hostname == "box");
  CHECK(i.setenv == std::vector<std::string>{"A=1", "B=2=3"});
  Apply({{"hostname", "a"}, {"hostname", "b"}}, &error);
  CHECK(error == "isolate/hostname=b: it is set already, to another value");
  error.clear();
  Apply({{"user", "0"}, {"user", "1"}}, &error);
  CHECK(error == "isolate/user=1: it is set already, to another value");
}

TEST_CASE("mounts keep their order, normalised, and make a private root") {
  const Isolation i = Apply({{"bind_ro", "/usr//lib/"},
                             {"bind", "/srv/data:/data"},
                             {"tmpfs", "/tmp"},
                             {"bind_ro", "/usr/lib"},
                             {"dev", "/dev"},
                             {"proc", "/proc"}});
  CHECK(i.private_root());
  CHECK(i.namespaces == CLONE_NEWNS);
  REQUIRE(i.mounts.size() == 5);  // the same mount twice is one
  CHECK(i.mounts[0] ==
        RootMount{RootMount::Kind::kBindRo, "/usr/lib", "/usr/lib"});
  CHECK(i.mounts[1] == RootMount{RootMount::Kind::kBind, "/srv/data", "/data"});
  CHECK(i.Statements() ==
        std::vector<std::string>{
            "isolate/unshare=mount", "isolate/bind_ro=/usr/lib",
            "isolate/bind=/srv/data:/data", "isolate/tmpfs=/tmp",
            "isolate/dev=/dev", "isolate/proc=/proc"});
}

TEST_CASE("pivot_root wins over chroot, in either order") {
  CHECK(Apply({{"root", "chroot"}}).root_switch ==
        Isolation::RootSwitch::kChroot);
  CHECK(Apply({{"root", "chroot"}, {"root", "pivot_root"}}).root_switch ==
        Isolation::RootSwitch::kPivotRoot);
  CHECK(Apply({{"root", "pivot_root"}, {"root", "chroot"}}).root_switch ==
        Isolation::RootSwitch::kPivotRoot);
}

TEST_CASE("a user brings its group unless one is given") {
  Isolation i = Apply({{"user", "root"}});
  CHECK(*i.uid == 0);
  CHECK(*i.run_gid() == 0);
  i = Apply({{"user", "root"}, {"group", "65534"}});
  CHECK(*i.run_gid() == 65534);
  CHECK(i.Statements() ==
        std::vector<std::string>{"isolate/user=0", "isolate/group=65534"});
}

TEST_CASE("wrong names and values say what is wrong") {
  auto err = [](const std::string& name, const std::string& value) {
    Isolation i;
    const absl::Status s = ApplyIsolate(name, value, &i);
    return std::make_pair(s.code(), std::string(s.message()));
  };
  CHECK(err("bnd", "/x").first == absl::StatusCode::kNotFound);
  CHECK(err("bnd", "/x").second.find("(did you mean 'bind'?)") !=
        std::string::npos);
  const std::pair<std::string, std::string> invalid[] = {
      {"unshare", "net,"},
      {"unshare", "user"},
      {"bind", "relative"},
      {"bind", "/a:/b/../c"},
      {"tmpfs", "/"},
      {"root", "jail"},
      {"chdir", "x"},
      {"caps", "CAP_NOPE"},
      {"caps", "NET_ADMIN"},
      {"keep_fds", "2"},
      {"keep_fds", "3,x"},
      {"clearenv", "no"},
      {"setenv", "=x"},
      {"setenv", "NOEQUALS"},
      {"hostname", std::string(65, 'h')},
      {"user", "4294967295"},
  };
  for (const auto& entry : invalid) {
    const std::string& name = entry.first;  // a binding CAPTURE cannot take
    const std::string& value = entry.second;
    CAPTURE(name);
    CAPTURE(value);
    CHECK(err(name, value).first == absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace syd
