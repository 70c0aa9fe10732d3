#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "src/learn/generalise.h"

namespace syd::learn {
namespace {

using Labels = std::map<std::string, std::set<std::string>>;

Generalisation Plain() {
  Generalisation g;
  g.directories = {{"WORKDIR", "/var/tmp/build/work"}, {"HOME", "/home/ann"}};
  g.homes = {"/home/ann"};
  g.names = {{"USER", "ann"}};
  g.temp_dirs = {"/tmp", "/var/tmp"};
  return g;
}

TEST_CASE("random runs become globs, words stay") {
  CHECK(GlobRandomRuns("tmp.AbC12x") == "tmp.*");
  CHECK(GlobRandomRuns("ccX2b3Yz.s") == "*.s");
  CHECK(GlobRandomRuns("sh-thd.12345") == "sh-thd.*");
  CHECK(GlobRandomRuns("conftest.c") == "conftest.c");
  CHECK(GlobRandomRuns("a*b") == "a\\*b");
}

TEST_CASE("a variable's directory is allowed whole, a home never") {
  const Labels got =
      GeneralisePaths({{"/var/tmp/build/work/a.o", {"file_create"}},
                       {"/var/tmp/build/work/sub/b.o", {"file_open_wr"}},
                       {"/home/ann/.cache/x", {"file_open_wr"}}},
                      Plain());
  const Labels want = {{"${WORKDIR}/***", {"file_create", "file_open_wr"}},
                       {"${HOME}/.cache/x", {"file_open_wr"}}};
  CHECK(got == want);
}

TEST_CASE(
    "a directory with many entries is allowed whole, the system's never") {
  Labels paths;
  for (const char* n : {"a", "b", "c", "d"}) {
    paths[std::string("/srv/data/") + n] = {"file_create"};
    paths[std::string("/etc/") + n] = {"file_open_wr"};
  }
  paths["/srv/data/a"].insert("file_remove");
  const Labels got = GeneralisePaths(paths, Plain());
  CHECK(got.at("/srv/data/***") ==
        std::set<std::string>{"file_create", "file_remove"});
  CHECK(got.count("/etc/a") == 1);
  CHECK(got.count("/etc/***") == 0);
  CHECK(got.size() == 5);
}

TEST_CASE("temporary files: the directory whole; names globbed when not") {
  CHECK(GeneralisePaths({{"/tmp/ccAb12Cd.o", {"file_create"}}}, Plain()) ==
        Labels{{"/tmp/***", {"file_create"}}});
  Generalisation g = Plain();
  g.temps_whole = false;
  CHECK(GeneralisePaths({{"/tmp/tmp.Xy12Ab/prog", {"exec"}}}, g) ==
        Labels{{"/tmp/tmp.*/prog", {"exec"}}});
}

TEST_CASE(
    "the user's name, glob characters and ${ are written so they read back") {
  const Labels got = GeneralisePaths(
      {{"/srv/ann/x", {"file_create"}}, {"/srv/q/a*${b}", {"file_create"}}},
      Plain());
  CHECK(got.count("/srv/${USER}/x") == 1);
  CHECK(got.count("/srv/q/a\\*$${b}") == 1);
}

}  // namespace
}  // namespace syd::learn
