#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "src/learn/generalise.h"
#include "src/learn/learned_rules.h"
#include "src/learn/profile_reader.h"
#include "src/learn/profile_writer.h"

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

// Rules of every kind, with names the language must quote.
LearnedRules Sample(bool syscalls) {
  LearnedRules r;
  r.files["${WORK}/***"] = {"file_open_wr", "file_create"};
  r.files["/srv/q/a\\*\"b"] = {"file_attr", "mount"};
  r.programs = {"/usr/bin/cc", "${WORK}/***"};
  r.addresses["LOOPBACK@1024-65535"] = {"bind", "connect"};
  r.addresses["unix:${WORK}/sock"] = {"sendto", "bind"};
  r.plain_calls.insert(PlainCall{"socket", {{0, 17}, {1, 3}}});
  r.plain_calls.insert(PlainCall{"setsid", {}});
  if (syscalls) {
    for (const char* name : {"read", "write", "execve", "openat"})
      r.syscalls.insert(PlainCall{name, {}});
    r.syscalls.insert(PlainCall{"socket", {{0, 1}}});
    r.syscalls.insert(PlainCall{"socket", {{0, 10}}});
  }
  return r;
}

bool Same(const LearnedRules& a, const LearnedRules& b) {
  return a.files == b.files && a.programs == b.programs &&
         a.addresses == b.addresses && !(a.plain_calls < b.plain_calls) &&
         !(b.plain_calls < a.plain_calls) && !(a.syscalls < b.syscalls) &&
         !(b.syscalls < a.syscalls);
}

TEST_CASE("a name cannot write a rule of its own into the profile") {
  Generalisation g = Plain();
  g.collapse_at = 100;
  const std::string evil = "/srv/x\nsys/trace+%file_wr:allow:arg_=*\"/***\"";
  const Labels got = GeneralisePaths({{evil, {"file_create"}}}, g);
  REQUIRE(got.size() == 1);
  CHECK(got.begin()->first ==
        "/srv/x?sys/trace+%file_wr:allow:arg_=\\*\"/\\*\\*\\*\"");
  LearnedRules r;
  r.files = got;
  const std::string text =
      WriteProfile(r, ProfileHeader{{"x"}, "", "", "", "", {}});
  const absl::StatusOr<LearnedRules> read = ReadProfile(text, "p", true, false);
  REQUIRE_MESSAGE(read.ok(), read.status().message());
  CHECK(read->files == got);
}

TEST_CASE("a written profile reads back as the rules it was written from") {
  for (bool alone : {true, false}) {
    for (bool syscalls : {false, true}) {
      CAPTURE(alone);
      CAPTURE(syscalls);
      ProfileHeader header{{"make", "-j2"}, "/usr/bin/make", "ab",
                           "2026-01-01",    "0.1.0",         {}};
      if (!alone) header.bases = {"-p", "paludis"};
      const std::string text = WriteProfile(Sample(syscalls), header);
      absl::StatusOr<LearnedRules> read =
          ReadProfile(text, "p.syd", alone, syscalls);
      REQUIRE_MESSAGE(read.ok(), read.status().message(), "\n", text);
      CHECK(Same(*read, Sample(syscalls)));
      // Of another kind of run: refused, saying why.
      CHECK_FALSE(ReadProfile(text, "p.syd", !alone, syscalls).ok());
      CHECK_FALSE(ReadProfile(text, "p.syd", alone, !syscalls).ok());
      // Merged with itself: nothing twice.
      LearnedRules twice = Sample(syscalls);
      Merge(*read, &twice);
      CHECK(WriteProfile(twice, header) == text);
    }
  }
}

TEST_CASE("a file syd learn did not write is refused at its line") {
  const absl::StatusOr<LearnedRules> r = ReadProfile(
      "# Files\nsys/trace+%file_wr:allow:arg_=*\"/x\"\n"
      "sys/fault+ptrace:error=EPERM\n",
      "mine.syd", true, false);
  REQUIRE_FALSE(r.ok());
  CHECK(std::string(r.status().message()).starts_with("mine.syd:3: "));
}

}  // namespace
}  // namespace syd::learn
