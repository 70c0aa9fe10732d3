#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/policy/baseline.h"

#include <doctest/doctest.h>
#include <errno.h>
#include <sched.h>
#include <sys/stat.h>

#include <set>
#include <string>

#include "src/lang/loader.h"
#include "src/policy/policy.h"
#include "src/policy/resolve.h"
#include "src/syscalls/syscalls.h"

namespace syd {
namespace {

RuleSet FromText(const std::string& text, Diagnostics& diags) {
  return Resolve(LoadInputs({{PolicyInput::Kind::kRule, text}}, diags), diags);
}

size_t RulesOf(const RuleSet& rules, std::string_view item) {
  size_t n = 0;
  for (const Rule& r : rules.rules)
    n += r.baseline != nullptr && r.baseline->name == item;
  return n;
}

TEST_CASE("every item resolves, in every run, and is named once") {
  std::set<std::string_view> names;
  for (const BaselineItem& item : kBaseline) {
    CAPTURE(std::string(item.name));
    CHECK(names.insert(item.name).second);
    CHECK(FindBaselineItem(item.name) == &item);
    CHECK_FALSE(item.reason.empty());
  }
  for (bool ptrace : {false, true}) {
    for (pid_t pid : {0, 4242}) {
      for (bool mounts : {false, true}) {
        const BaselineFor run{ptrace, pid, mounts};
        absl::StatusOr<RuleSet> r = WithBaseline({}, run);
        REQUIRE(r.ok());
        for (const BaselineItem& item : kBaseline) {
          const bool present =
              item.when == BaselineWhen::kAlways ||
              (item.when == BaselineWhen::kPtrace && ptrace) ||
              (item.when == BaselineWhen::kSydNameable && pid != 0) ||
              (item.when == BaselineWhen::kPrivateMounts && mounts);
          CAPTURE(std::string(item.name));
          CHECK(AppliesTo(item, run) == present);
          CHECK((RulesOf(*r, item.name) > 0) == present);
        }
        // Every rule is the kernel's: the baseline costs no stop.
        Policy p(*std::move(r));
        CHECK_FALSE(p.NeedsTracer());
      }
    }
  }
}

TEST_CASE("the baseline comes before the policy's own rules") {
  Diagnostics diags;
  RuleSet rules = FromText("sys/allow+io_uring_setup,mknod,unshare", diags);
  REQUIRE_FALSE(diags.has_errors());
  absl::StatusOr<RuleSet> with = WithBaseline(rules, {false, 0});
  REQUIRE(with.ok());
  Policy p(*std::move(with));
  Call c;
  c.nr = FindSyscall("io_uring_setup")->nr;
  Decision d = Evaluate(p, c);
  CHECK(d.verdict == Verdict{Verdict::Kind::kErrno, EPERM});
  REQUIRE(d.rule != nullptr);
  CHECK(d.rule->location.ToString(false) == "baseline/io_uring:1");
  // Register tests: only what the item names is refused.
  c.nr = FindSyscall("mknod")->nr;
  c.args[1] = S_IFCHR | 0600;
  CHECK(Evaluate(p, c).verdict.kind == Verdict::Kind::kErrno);
  c.args[1] = S_IFBLK | 0600;
  CHECK(Evaluate(p, c).verdict.kind == Verdict::Kind::kErrno);
  for (mode_t type :
       {mode_t{S_IFIFO}, mode_t{S_IFSOCK}, mode_t{S_IFREG}, mode_t{0}}) {
    c.args[1] = type | 0600;
    CHECK(Evaluate(p, c).verdict.kind == Verdict::Kind::kAllow);
  }
  c.nr = FindSyscall("unshare")->nr;
  c.args[0] = CLONE_NEWNET;
  CHECK(Evaluate(p, c).verdict.kind == Verdict::Kind::kAllow);
  c.args[0] = CLONE_NEWNET | CLONE_NEWNS;
  CHECK(Evaluate(p, c).verdict.kind == Verdict::Kind::kErrno);
}

TEST_CASE("an item is reopened by name, and only by name") {
  Diagnostics diags;
  RuleSet rules = FromText("baseline/allow+io_uring,device_nodes", diags);
  REQUIRE_FALSE(diags.has_errors());
  absl::StatusOr<RuleSet> with = WithBaseline(rules, {true, 1});
  REQUIRE(with.ok());
  CHECK(RulesOf(*with, "io_uring") == 0);
  CHECK(RulesOf(*with, "device_nodes") == 0);
  CHECK(RulesOf(*with, "clone3") == 1);
  // A misspelt item, another action or a test is an error with its place.
  for (const char* bad : {"baseline/allow+io_urin", "baseline/fault+io_uring",
                          "baseline/allow+io_uring:arg0=1",
                          "baseline/allow-io_uring", "baseline/allow+%file"}) {
    CAPTURE(bad);
    Diagnostics d;
    FromText(bad, d);
    CHECK(d.has_errors());
    CHECK(d.all().front().location.line == 1);
  }
  Diagnostics d;
  FromText("baseline/allow+io_urin", d);
  CHECK(d.all().front().message.find("did you mean 'io_uring'") !=
        std::string::npos);
}

}  // namespace
}  // namespace syd
