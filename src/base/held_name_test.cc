#include "src/base/held_name.h"

#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <string>

#include "src/testing/subprocess.h"

namespace syd {
namespace {

TEST_CASE("the name and its directory, held open") {
  const std::string dir = testing::MakeTempDir();
  absl::StatusOr<HeldName> held = HeldName::Open(dir + "/f");
  REQUIRE(held.ok());
  CHECK(held->name() == "f");
  struct stat by_fd, by_path;
  REQUIRE(fstat(held->dir(), &by_fd) == 0);
  REQUIRE(stat(dir.c_str(), &by_path) == 0);
  CHECK(by_fd.st_ino == by_path.st_ino);
  HeldName moved = *std::move(held);
  CHECK(moved.dir() >= 0);
}

TEST_CASE("a name that is no file, or a directory that is not there") {
  const std::string dir = testing::MakeTempDir();
  for (const std::string& bad : {dir + "/", dir + "/.", dir + "/.."}) {
    CAPTURE(bad);
    CHECK(HeldName::Open(bad).status().message() == bad + " names no file");
  }
  const absl::Status missing = HeldName::Open(dir + "/none/f").status();
  CHECK(missing.message() ==
        "cannot open " + dir + "/none: No such file or directory");
}

}  // namespace
}  // namespace syd
