// Evaluate() on decoded calls: long chains matched through the path index
// decide exactly as the rules tried one by one, and a decision allocates
// nothing once the regexes have warmed up.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <fcntl.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <random>

#include "src/base/strcat.h"
#include "src/lang/loader.h"
#include "src/policy/path_index.h"
#include "src/policy/policy.h"
#include "src/policy/resolve.h"

// Counts allocations made while `g_counting` is set.
namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
}  // namespace

// GCC 12 at -O2 inlines these into the library's code and then takes the
// free() for a mismatch with the new it also sees (-Wmismatched-new-delete):
// a false positive, since both sides are these replacements.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(size_t n) {
  if (g_counting) ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace syd {
namespace {

RuleSet FromText(const std::string& text) {
  Diagnostics d;
  RuleSet rules = Resolve(LoadInputs({{PolicyInput::Kind::kRule, text}}, d), d);
  REQUIRE_MESSAGE(!d.has_errors(), text);
  return rules;
}

Call CallOf(const char* name,
            std::initializer_list<std::pair<int, std::string>> paths,
            uint64_t flags = O_RDONLY) {
  Call e;
  e.nr = FindSyscall(name)->nr;
  e.args = {static_cast<uint64_t>(AT_FDCWD), 0x1000, flags, 0644, 0, 0};
  e.decoded = true;
  for (const auto& [i, path] : paths) e.strings[i] = path;
  return e;
}

// Index of the deciding rule, or -1 for the default.
long RuleIndex(const Policy& p, const Decision& d) {
  return d.rule == nullptr ? -1 : d.rule - p.rules().data();
}

const char* const kWords[] = {"srv", "var", "lib", "pkg1", "pkg22",
                              "usr", "tmp", "a",   "Srv",  "b.o"};

std::string RandomPath(std::mt19937& rng) {
  std::string path;
  const int depth = 1 + static_cast<int>(rng() % 5);
  for (int i = 0; i < depth; ++i)
    StrAppend(&path, "/", kWords[rng() % std::size(kWords)]);
  const char* const kEnds[] = {"", ".o", ".h", "/", "/x.c"};
  return path + kEnds[rng() % std::size(kEnds)];
}

// One rule on openat, renameat or %file_wr with a path test, sometimes a
// second test, a register test or a negation (which is not a key and so
// splits the run).
std::string RandomRule(std::mt19937& rng) {
  const char* const kSets[] = {"openat", "renameat", "openat,renameat",
                               "%file_wr"};
  const char* const kVerdicts[] = {"allow", "fault=EPERM", "fault=EACCES",
                                   "retval=7", "kill_process=9"};
  const char* const kGlobs[] = {"/srv/***", "/var/*/pkg?/**", "/tmp/*.o",
                                "/**/b.o",  "/usr/lib/*",     "/a/[!s]*/**",
                                "/pkg22"};
  const char* const kRegexes[] = {"^/usr/lib/", "\\.o$",     "(?i)/SRV/",
                                  "pkg[0-9]+/", "^/a/b\\.o", "lib/(a|b)"};
  std::string rule = StrCat("sys/trace+", kSets[rng() % std::size(kSets)], ":",
                            kVerdicts[rng() % std::size(kVerdicts)]);
  const int shape = static_cast<int>(rng() % 10);
  auto test = [&](bool negated) {
    return rng() % 2 ? StrCat(":arg_", negated ? "!*" : "=*", "\"",
                              kGlobs[rng() % std::size(kGlobs)], "\"")
                     : StrCat(":arg_", negated ? "!~" : "=~", "\"",
                              kRegexes[rng() % std::size(kRegexes)], "\"");
  };
  if (shape == 0) return rule + test(true);
  rule += test(false);
  if (shape == 1) rule += test(rng() % 2);
  if (shape == 2) rule += ":arg2&O_CREAT";
  return rule;
}

TEST_CASE("long chains decide through the path index as rule by rule") {
  std::mt19937 rng(20261123);
  int blocks_seen = 0;
  for (int policy = 0; policy < 60; ++policy) {
    std::string text;
    const int n = 20 + static_cast<int>(rng() % 200);
    for (int i = 0; i < n; ++i) text += RandomRule(rng) + "\n";
    RuleSet rules = FromText(text);
    const Policy plain(rules, SIZE_MAX);
    const Policy indexed(rules, 1);
    const Policy usual(rules);
    REQUIRE(plain.path_index() == nullptr);
    REQUIRE(indexed.path_index() != nullptr);
    blocks_seen += static_cast<int>(
        indexed.path_index()->blocks(FindSyscall("openat")->nr).size());
    for (int call = 0; call < 200; ++call) {
      const uint64_t flags = rng() % 2 ? O_RDONLY : O_WRONLY | O_CREAT;
      Call e = rng() % 3 ? CallOf("openat", {{1, RandomPath(rng)}}, flags)
                         : CallOf("renameat",
                                  {{1, RandomPath(rng)}, {3, RandomPath(rng)}});
      const uint32_t start =
          static_cast<uint32_t>(rng() % 4 ? 0 : rng() % (n + 1));
      const Decision want = Evaluate(plain, e, start);
      for (const Policy* p : {&indexed, &usual}) {
        const Decision got = Evaluate(*p, e, start);
        INFO(text, "\ncall ", e.nr, " on ", e.strings[1].value_or(""), " ",
             e.strings[3].value_or(""), " from ", start);
        CHECK(RuleIndex(*p, got) == RuleIndex(plain, want));
        CHECK(got.verdict.kind == want.verdict.kind);
        CHECK(got.verdict.value == want.verdict.value);
      }
    }
  }
  CHECK(blocks_seen > 60);  // the index was in play, not just built
}

TEST_CASE("a run shorter than kIndexedRun is tried rule by rule") {
  std::string text;
  for (size_t i = 0; i + 1 < kIndexedRun; ++i)
    StrAppend(&text, "sys/trace+openat:allow:arg_=*\"/d", i, "/***\"\n");
  Policy short_run(FromText(text));
  CHECK(short_run.path_index()->blocks(FindSyscall("openat")->nr).empty());
  StrAppend(&text, "sys/trace+openat:allow:arg_=~\"^/last/\"\n");
  text += "sys/trace+openat:fault=EPERM\n";  // no key: ends the run
  Policy long_run(FromText(text));
  const std::vector<PathIndex::Block>& blocks =
      long_run.path_index()->blocks(FindSyscall("openat")->nr);
  REQUIRE(blocks.size() == 1);
  CHECK(blocks[0].begin == 0);
  CHECK(blocks[0].end == kIndexedRun);
  Decision last = Evaluate(long_run, CallOf("openat", {{1, "/last/x"}}));
  CHECK(RuleIndex(long_run, last) == static_cast<long>(kIndexedRun) - 1);
  Decision none = Evaluate(long_run, CallOf("openat", {{1, "/elsewhere"}}));
  CHECK(none.verdict.kind == Verdict::Kind::kErrno);
}

TEST_CASE("a decision allocates nothing once warm") {
  std::string text;
  for (int i = 0; i < 200; ++i) {
    StrAppend(&text,
              i % 2 ? "sys/trace+openat:allow:arg_=*\"/srv/p"
                    : "sys/trace+openat:allow:arg_=~\"^/var/lib/p",
              i, i % 2 ? "/***\"\n" : "/[^/]+\\.o$\"\n");
  }
  text +=
      "sys/trace+openat,renameat:allow:arg_=*\"/tmp/***\":command=^cc1$\n"
      "sys/trace+connect:allow:arg_@~\"LOOPBACK@1024-65535\"\n"
      "sys/trace+%file_wr:fault=EPERM\n";
  Policy p(FromText(text));
  std::vector<Call> events = {
      CallOf("openat", {{1, "/home/u/src/main.o"}}, O_WRONLY | O_CREAT),
      CallOf("openat", {{1, "/srv/p1/include/x.h"}}),
      CallOf("openat", {{1, "/var/lib/p198/y.o"}}),
      CallOf("openat", {{1, "/tmp/cc.s"}}, O_WRONLY | O_CREAT),
      CallOf("renameat", {{1, "/tmp/a"}, {3, "/tmp/b"}}),
  };
  events[3].comm = events[4].comm = "cc1";
  Call connect;
  connect.nr = FindSyscall("connect")->nr;
  connect.decoded = true;
  SocketAddress a;
  a.family = AddressFamily::kInet;
  a.ip = {127, 0, 0, 1};
  a.port = 8080;
  connect.addresses[1] = a;
  events.push_back(connect);
  for (const Call& e : events) Evaluate(p, e);  // RE2 builds its DFAs
  g_allocations = 0;
  g_counting = true;
  int allowed = 0;
  for (int round = 0; round < 100; ++round) {
    for (const Call& e : events)
      allowed += Evaluate(p, e).verdict.kind == Verdict::Kind::kAllow;
  }
  g_counting = false;
  CHECK(g_allocations == 0);
  CHECK(allowed == 100 * 5);  // all but the first, which is refused
}

}  // namespace
}  // namespace syd
