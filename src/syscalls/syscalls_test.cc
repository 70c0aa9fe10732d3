#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/syscalls/syscalls.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "src/base/strcat.h"
#include "src/syscalls/syscall_sets.h"

namespace syd {
namespace {

std::vector<std::string> Names(const std::vector<SetMember>& members) {
  std::vector<std::string> out;
  for (const SetMember& m : members) out.emplace_back(FindSyscall(m.nr)->name);
  return out;
}

bool Has(const std::vector<std::string>& v, const char* name) {
  return std::find(v.begin(), v.end(), name) != v.end();
}

TEST_CASE("numbers match the kernel's x86_64 table") {
  CHECK(FindSyscall("read")->nr == 0);
  CHECK(FindSyscall("openat")->nr == 257);
  CHECK(FindSyscall("openat2")->nr == 437);
  CHECK(FindSyscall("clone3")->nr == 435);
  CHECK(FindSyscall("fchmodat2")->nr == 452);
  CHECK(FindSyscall("mseal")->nr == 462);
  CHECK(FindSyscall(59)->name == "execve");
  CHECK(FindSyscall("setuid32") == nullptr);
  CHECK(*SyscallNumber(Abi::kI386, "setuid32") == 213);
  CHECK(*SyscallNumber(Abi::kI386, "openat2") == 437);
  CHECK(*SyscallNumber(Abi::kX32, "read") == 0x40000000);
  CHECK(*SyscallNumber(Abi::kX32, "fchmodat2") == 0x40000000 + 452);
  CHECK(*SyscallName(Abi::kI386, 5) == "open");
  CHECK(AllSyscalls().size() == SyscallNames(Abi::kX86_64).size());
}

TEST_CASE("argument schema: widths, kinds, access, dirfd") {
  const SyscallInfo* openat = FindSyscall("openat");
  CHECK(openat->nargs == 4);
  CHECK(openat->args[0].kind == ArgKind::kDirFd);
  CHECK(openat->args[0].width == 32);
  CHECK(openat->args[1].IsPath());
  CHECK(openat->args[1].access == PathAccess::kOpen);
  CHECK(openat->args[1].dirfd == 0);
  CHECK(openat->args[2].kind == ArgKind::kOpenFlags);
  CHECK(openat->args[2].width == 32);
  const SyscallInfo* renameat2 = FindSyscall("renameat2");
  CHECK(renameat2->args[1].dirfd == 0);
  CHECK(renameat2->args[3].dirfd == 2);
  CHECK(renameat2->args[1].nofollow);
  CHECK(FindSyscall("mmap")->args[1].width == 64);
  CHECK(FindSyscall("symlink")->args[0].kind == ArgKind::kString);
  CHECK(FindSyscall("bind")->args[1].IsAddress());
  CHECK(FindSyscall("sendmsg")->args[1].IsAddress());
  CHECK(!FindSyscall("accept")->args[1].IsAddress());
  CHECK(FindSyscall("getpid")->nargs == 0);
}

TEST_CASE("strace's classes") {
  auto file = Names(*ExpandSet("file"));
  CHECK(file.size() >= 70);
  CHECK(Has(file, "openat2"));
  CHECK(Has(file, "execve"));
  CHECK(Has(file, "getcwd"));
  CHECK(!Has(file, "read"));
  auto stat = Names(*ExpandSet("stat"));
  CHECK(stat == std::vector<std::string>{"stat"});
  auto all_stat = Names(*ExpandSet("%stat"));
  CHECK(Has(all_stat, "newfstatat"));
  CHECK(Has(all_stat, "statx"));
  CHECK(Has(Names(*ExpandSet("network")), "socket"));
  CHECK(Names(*ExpandSet("net")) ==
        std::vector<std::string>{"connect", "bind"});
  CHECK(Names(*ExpandSet("exec")) ==
        std::vector<std::string>{"execve", "execveat"});
  CHECK_FALSE(ExpandSet("nonsense"));
}

TEST_CASE("%file_wr holds writes, and open only with write flags") {
  auto wr = *ExpandSet("file_wr");
  auto rd = *ExpandSet("file_rd");
  auto guard = [](const std::vector<SetMember>& v, const char* name) {
    for (const SetMember& m : v) {
      if (FindSyscall(m.nr)->name == name)
        return std::optional<SetGuard>(m.guard);
    }
    return std::optional<SetGuard>();
  };
  CHECK(guard(wr, "openat") == SetGuard::kWrites);
  CHECK(guard(rd, "openat") == SetGuard::kReadOnly);
  CHECK(guard(wr, "openat2") == SetGuard::kWrites);
  CHECK(guard(wr, "creat") == SetGuard::kNone);
  CHECK(guard(wr, "unlinkat") == SetGuard::kNone);
  CHECK(guard(wr, "rename") == SetGuard::kNone);
  CHECK(guard(wr, "fchmodat2") == SetGuard::kNone);
  CHECK(!guard(wr, "newfstatat"));
  CHECK(guard(rd, "newfstatat") == SetGuard::kNone);
  CHECK(!guard(rd, "execve"));
  CHECK(!guard(wr, "execve"));
  CHECK(OpenWriteFlags() == 01 + 02 + 0100 + 01000);
}

TEST_CASE("%file_wr and %file_attr hold ioctl for its attribute requests") {
  for (const char* set : {"file_wr", "file_attr"}) {
    CAPTURE(set);
    std::vector<SetGuard> guards;
    for (const SetMember& m : *ExpandSet(set)) {
      if (FindSyscall(m.nr)->name == "ioctl") guards.push_back(m.guard);
    }
    CHECK(guards == std::vector<SetGuard>{SetGuard::kIoctlSetFlags,
                                          SetGuard::kIoctlFsSetXattr});
  }
  CHECK(!Has(Names(*ExpandSet("file_open_wr")), "ioctl"));
}

TEST_CASE("the finer write sets split %file_wr, each call in one") {
  // A member is a call with its guard: ioctl is two, one per request.
  std::vector<std::string> parts;
  for (const char* set : {"file_open_wr", "file_create", "file_remove",
                          "file_rename", "file_attr"}) {
    CAPTURE(set);
    for (const SetMember& m : *ExpandSet(set)) {
      const std::string key =
          StrCat(FindSyscall(m.nr)->name, "/", static_cast<int>(m.guard));
      CHECK_FALSE(Has(parts, key.c_str()));  // in one set only
      parts.push_back(key);
    }
  }
  for (std::string& key : parts) key.erase(key.find('/'));
  std::vector<std::string> wr = Names(*ExpandSet("file_wr"));
  for (const std::string& name : parts) {
    CAPTURE(name);
    CHECK(Has(wr, name.c_str()));
  }
  // What is left is administration: mounts, swap, accounting.
  std::vector<std::string> rest;
  for (const std::string& name : wr) {
    if (!Has(parts, name.c_str())) rest.push_back(name);
  }
  std::sort(rest.begin(), rest.end());
  CHECK(rest == std::vector<std::string>{"acct", "mount", "mount_setattr",
                                         "move_mount", "pivot_root", "swapoff",
                                         "swapon", "umount2"});
}

}  // namespace
}  // namespace syd
