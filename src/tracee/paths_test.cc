#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/tracee/paths.h"

#include <doctest/doctest.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/testing/subprocess.h"

namespace syd::tracee {
namespace {

TEST_CASE("dots, relative paths and symlinks resolve as the kernel would") {
  std::string d = testing::MakeTempDir();
  REQUIRE(mkdir((d + "/real").c_str(), 0755) == 0);
  REQUIRE(symlink("real", (d + "/rel").c_str()) == 0);
  REQUIRE(symlink((d + "/real").c_str(), (d + "/abs").c_str()) == 0);
  REQUIRE(symlink("../real/../real/f", (d + "/real/up").c_str()) == 0);
  REQUIRE(symlink("loop", (d + "/loop").c_str()) == 0);
  pid_t me = getpid();
  CHECK(ResolvePath(me, "/", "/x", "a/./b/../c", true) == "/x/a/c");
  CHECK(ResolvePath(me, "/", "/x", "/../../y", true) == "/y");
  CHECK(ResolvePath(me, "/", "/", d + "/rel/f", true) == d + "/real/f");
  CHECK(ResolvePath(me, "/", "/", d + "/abs/f", true) == d + "/real/f");
  CHECK(ResolvePath(me, "/", "/", d + "/real/up", true) == d + "/real/f");
  CHECK(ResolvePath(me, "/", "/", d + "/real/up", false) == d + "/real/up");
  CHECK(ResolvePath(me, "/", "/", d + "/rel", false) == d + "/rel");
  CHECK(ResolvePath(me, "/", d, "rel/../abs/x", true) == d + "/real/x");
  // A loop stops at the 41st link, as the kernel's ELOOP does.
  int error = 0;
  CHECK(!ResolvePath(me, "/", "/", d + "/loop", true, &error).empty());
  CHECK(error == ELOOP);
  error = 0;
  ResolvePath(me, "/", "/", d + "/real/f", true, &error);
  CHECK(error == 0);
  // Exactly 40 links resolve; 41 do not.
  for (int i = 1; i <= 41; ++i) {
    const std::string next = i == 41 ? "real" : "c" + std::to_string(i + 1);
    REQUIRE(symlink(next.c_str(), (d + "/c" + std::to_string(i)).c_str()) == 0);
  }
  error = 0;
  CHECK(ResolvePath(me, "/", "/", d + "/c2/f", true, &error) == d + "/real/f");
  CHECK(error == 0);
  ResolvePath(me, "/", "/", d + "/c1/f", true, &error);
  CHECK(error == ELOOP);
}

TEST_CASE("a lookup fails where the kernel's does, whatever follows") {
  // The path stays whole (reports name it); the error is the kernel's, at
  // the first component that fails it.
  std::string d = testing::MakeTempDir();
  REQUIRE(mkdir((d + "/dir").c_str(), 0755) == 0);
  REQUIRE(close(open((d + "/dir/file").c_str(), O_WRONLY | O_CREAT, 0644)) ==
          0);
  const pid_t me = getpid();
  struct Case {
    std::string path;
    std::string resolved;
    int error;
  };
  const Case cases[] = {
      {d + "/dir/missing/../file", d + "/dir/file", ENOENT},
      {d + "/dir/file/../file", d + "/dir/file", ENOTDIR},
      {d + "/dir/file/x", d + "/dir/file/x", ENOTDIR},
      {d + "/missing/x", d + "/missing/x", ENOENT},
      // A missing last name is one the call may make.
      {d + "/dir/new", d + "/dir/new", 0},
      {d + "/dir/./file", d + "/dir/file", 0},
  };
  for (const Case& c : cases) {
    CAPTURE(c.path);
    int error = 0;
    CHECK(ResolvePath(me, "/", "/", c.path, true, &error) == c.resolved);
    CHECK(error == c.error);
    // What the kernel says of the same name.
    const int fd = open(c.path.c_str(), O_RDONLY);
    const int kernel = fd >= 0 ? 0 : errno;
    if (fd >= 0) close(fd);
    CHECK(kernel == (c.path.ends_with("/new") ? ENOENT : c.error));
  }
}

TEST_CASE("/proc/self is the tracee's, and stays spelt so") {
  std::string d = testing::MakeTempDir();
  int fd = open((d + "/file").c_str(), O_WRONLY | O_CREAT, 0644);
  REQUIRE(fd >= 0);
  pid_t me = getpid();
  // Read through the tracee's (here: our own) descriptor table.
  CHECK(ResolvePath(me, "/", "/", "/proc/self/fd/" + std::to_string(fd),
                    true) == d + "/file");
  CHECK(ResolvePath(me, "/", "/", "/proc/self/fd/" + std::to_string(fd),
                    false) == "/proc/self/fd/" + std::to_string(fd));
  CHECK(ResolvePath(4242, "/", "/", "/proc/thread-self/attr/current", true) ==
        "/proc/thread-self/attr/current");
  // A pipe is no file: the path stops at the descriptor.
  int p[2];
  REQUIRE(pipe(p) == 0);
  CHECK(ResolvePath(me, "/", "/", "/proc/self/fd/" + std::to_string(p[1]),
                    true) == "/proc/self/fd/" + std::to_string(p[1]));
  close(fd);
  close(p[0]);
  close(p[1]);
}

TEST_CASE("the base of a relative path comes from the tracee's fd or cwd") {
  std::string d = testing::MakeTempDir();
  int fd = open(d.c_str(), O_RDONLY | O_DIRECTORY);
  REQUIRE(fd >= 0);
  CHECK(*BaseDirectory(getpid(), fd) == d);
  char cwd[4096];
  REQUIRE(getcwd(cwd, sizeof cwd) != nullptr);
  CHECK(*BaseDirectory(getpid(), AT_FDCWD) == cwd);
  CHECK_FALSE(BaseDirectory(getpid(), 9999));
  close(fd);
}

}  // namespace
}  // namespace syd::tracee
