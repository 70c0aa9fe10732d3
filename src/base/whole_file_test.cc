#include "src/base/whole_file.h"

#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "src/testing/subprocess.h"

namespace syd {
namespace {

std::string Read(const std::string& path) {
  std::string text;
  REQUIRE(ReadWholeFile(path, &text));
  return text;
}

size_t Entries(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e :
       std::filesystem::directory_iterator(dir))
    ++n;
  return n;
}

TEST_CASE("Replace writes the whole file and leaves nothing beside it") {
  const std::string dir = testing::MakeTempDir();
  absl::StatusOr<HeldName> to = HeldName::Open(dir + "/f");
  REQUIRE(to.ok());
  const mode_t old = umask(022);
  CHECK(ReplaceWholeFile(*to, "one", 0640));
  CHECK(ReplaceWholeFile(*to, "two", 0640));
  umask(old);
  CHECK(Read(dir + "/f") == "two");
  struct stat st;
  REQUIRE(stat((dir + "/f").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);
  CHECK(Entries(dir) == 1);
}

TEST_CASE("a link at the name is replaced, not written through") {
  const std::string dir = testing::MakeTempDir();
  const std::string victim = testing::MakeTempDir() + "/victim";
  REQUIRE(ReplaceWholeFile(*HeldName::Open(victim), "precious", 0644));
  REQUIRE(symlink(victim.c_str(), (dir + "/f").c_str()) == 0);
  CHECK(ReplaceWholeFile(*HeldName::Open(dir + "/f"), "text", 0644));
  CHECK(Read(victim) == "precious");
  struct stat st;
  REQUIRE(lstat((dir + "/f").c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
}

TEST_CASE("the directory is the one opened, whatever is at its name later") {
  const std::string root = testing::MakeTempDir();
  const std::string other = testing::MakeTempDir();
  REQUIRE(mkdir((root + "/d").c_str(), 0755) == 0);
  absl::StatusOr<HeldName> to = HeldName::Open(root + "/d/f");
  REQUIRE(to.ok());
  REQUIRE(rename((root + "/d").c_str(), (root + "/moved").c_str()) == 0);
  REQUIRE(symlink(other.c_str(), (root + "/d").c_str()) == 0);
  CHECK(ReplaceWholeFile(*to, "text", 0644));
  CHECK(Read(root + "/moved/f") == "text");
  CHECK(Entries(other) == 0);
}

}  // namespace
}  // namespace syd
