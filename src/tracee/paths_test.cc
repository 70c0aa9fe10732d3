#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/tracee/paths.h"

#include <doctest/doctest.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
  // A namespace's link is magic too: it names no file, and its target
  // ("net:[4026531833]") no name beside it.
  CHECK(ResolvePath(me, "/", "/", "/proc/self/ns/net", true) ==
        "/proc/self/ns/net");
  // A pipe is no file: the path stops at the descriptor.
  int p[2];
  REQUIRE(pipe(p) == 0);
  CHECK(ResolvePath(me, "/", "/", "/proc/self/fd/" + std::to_string(p[1]),
                    true) == "/proc/self/fd/" + std::to_string(p[1]));
  close(fd);
  close(p[0]);
  close(p[1]);
}

TEST_CASE("the kernel's resolution and syd's walk give the same answers") {
  // A tree of links of every kind (relative, absolute, to a file, with
  // "..", dangling, a loop, into /proc and through its magic links), and
  // thousands of names made from them: resolved by the kernel from a root
  // descriptor where it can, they must give what the walk alone gives,
  // name and errno. The tracee is a child with a cwd of its own, so that a
  // link read as syd's (the test's) /proc/self differs.
  const std::string d = testing::MakeTempDir();
  for (const char* dir : {"/a", "/a/b", "/c"})
    REQUIRE(mkdir((d + dir).c_str(), 0755) == 0);
  for (const char* file : {"/a/f", "/a/b/g"})
    REQUIRE(close(open((d + file).c_str(), O_WRONLY | O_CREAT, 0644)) == 0);
  const std::pair<std::string, std::string> links[] = {
      {"/ra", "a"},
      {"/aa", d + "/a"},
      {"/a/up", "../c"},
      {"/a/b/loop", "loop"},
      {"/dang", "nowhere"},
      {"/a/fl", "f"},
      {"/c/back", "../a/b"},
      {"/deep", "a/b/../../a/b"},
      {"/pcwd", "/proc/self/cwd"},
      {"/pst", "/proc/self/status"},
      {"/pup", "/proc/self/.."},
      {"/pfd", "/proc/self/fd"},
      {"/c/dangabs", d + "/a/none"},
  };
  for (const auto& [name, target] : links)
    REQUIRE(symlink(target.c_str(), (d + name).c_str()) == 0);
  const pid_t tracee = fork();
  REQUIRE(tracee >= 0);
  if (tracee == 0) {
    if (chdir((d + "/c").c_str()) != 0) _exit(1);
    pause();
    _exit(0);
  }
  // Its cwd is set once /proc shows it.
  for (int i = 0; i < 1000 && ReadLink("/proc/" + std::to_string(tracee) +
                                       "/cwd") != d + "/c";
       ++i) {
    usleep(1000);
  }
  const int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  REQUIRE(root_fd >= 0);
  const char* const parts[] = {"a",    "b",   "c",    "f",      "g",    "ra",
                               "aa",   "up",  "loop", "dang",   "fl",   "back",
                               "deep", ".",   "..",   "none",   "pcwd", "pst",
                               "pup",  "pfd", "0",    "dangabs"};
  uint64_t seed = 0x5eed;
  auto next = [&](uint64_t n) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (seed >> 33) % n;
  };
  int compared = 0;
  int by_kernel = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string path;
    const uint64_t count = 1 + next(6);
    for (uint64_t k = 0; k < count; ++k) {
      if (k > 0 || next(2) == 0) path += '/';
      path += parts[next(std::size(parts))];
    }
    if (next(8) == 0) path += '/';
    // Absolute names under the tree, or relative to a directory in it.
    const bool absolute = path[0] == '/';
    if (absolute) path = d + path;
    const std::string base = absolute ? "/" : d + (next(2) ? "/a" : "");
    const bool follow = next(2) == 0;
    CAPTURE(base);
    CAPTURE(path);
    CAPTURE(follow);
    int walked_error = 0;
    const std::string walked =
        ResolvePath(tracee, "/", base, path, follow, &walked_error);
    int error = 0;
    const std::string resolved =
        ResolvePath(tracee, "/", base, path, follow, &error, 0, "", root_fd);
    CHECK(resolved == walked);
    CHECK(error == walked_error);
    ++compared;
    by_kernel += walked_error == 0;
  }
  close(root_fd);
  kill(tracee, SIGKILL);
  waitpid(tracee, nullptr, 0);
  MESSAGE(compared << " names compared, " << by_kernel << " without error");
  CHECK(by_kernel > 1000);
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
