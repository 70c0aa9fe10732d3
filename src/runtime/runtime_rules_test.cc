#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <fcntl.h>

#include <algorithm>
#include <cstdlib>
#include <random>

#include "src/base/strcat.h"
#include "src/lang/loader.h"
#include "src/policy/resolve.h"
#include "src/runtime/runtime.h"
#include "src/syscalls/syscalls.h"
#include "src/testing/seed.h"

namespace syd {
namespace {

Policy Build(const std::string& text) {
  Diagnostics d;
  RuleSet rules = Resolve(LoadInputs({{PolicyInput::Kind::kRule, text}}, d), d);
  REQUIRE_MESSAGE(!d.has_errors(), text);
  return Policy(std::move(rules));
}

Call Open(const std::string& path, uint64_t flags) {
  Call e;
  e.nr = FindSyscall("openat")->nr;
  e.args = {static_cast<uint64_t>(AT_FDCWD), 0, flags, 0, 0, 0};
  e.decoded = true;
  e.strings[1] = path;
  return e;
}

const char kPaludisLike[] =
    "sys/trace+%file_wr:allow:arg_=*\"/work/***\"\n"
    "sys/trace+%file_wr:fault=EPERM:log=2\n"
    "sys/trace+bind:allow:arg_@~\"LOOPBACK@0\"\n";

TEST_CASE("a rule added at run time wins over the policy's catch-all") {
  Policy base = Build(kPaludisLike);
  RuntimeRules rt(base);
  CHECK(Evaluate(rt.policy(), Open("/extra/f", O_WRONLY)).verdict.kind ==
        Verdict::Kind::kErrno);
  absl::Status s = rt.Execute("sys/trace+%file_wr:allow:arg_=*\"/extra/***\"",
                              "test", false);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(rt.added() == 1);
  CHECK(Evaluate(rt.policy(), Open("/extra/f", O_WRONLY)).verdict.kind ==
        Verdict::Kind::kAllow);
  CHECK(Evaluate(rt.policy(), Open("/etc/f", O_WRONLY)).verdict.kind ==
        Verdict::Kind::kErrno);
  // The query answers for added rules and the policy's alike.
  CHECK(rt.Execute("sys/trace+%file_wr:allow:arg_=*\"/extra/***\"?", "t", true)
            .ok());
  CHECK(rt.Execute("sys/trace+%file_wr:fault=EPERM:log=2?", "t", true).ok());
  CHECK(absl::IsNotFound(
      rt.Execute("sys/trace+%file_wr:allow:arg_=*\"/nope/***\"?", "t", true)));
  // Remove it again.
  CHECK(rt.Execute("sys/trace-%file_wr:allow:arg_=*\"/extra/***\"", "t", false)
            .ok());
  CHECK(rt.added() == 0);
  CHECK(Evaluate(rt.policy(), Open("/extra/f", O_WRONLY)).verdict.kind ==
        Verdict::Kind::kErrno);
}

TEST_CASE("runtime rules keep the order they were added in, above the policy") {
  Policy base = Build(kPaludisLike);
  RuntimeRules rt(base);
  REQUIRE(rt.Execute("sys/trace+%file_wr:fault=EACCES:arg_=*\"/work/secret\"",
                     "t", false)
              .ok());
  REQUIRE(rt.Execute("sys/trace+%file_wr:allow:arg_=*\"/work/***\"", "t", false)
              .ok());
  CHECK(Evaluate(rt.policy(), Open("/work/secret", O_WRONLY)).verdict ==
        Verdict{Verdict::Kind::kErrno, EACCES});
  CHECK(rt.policy().rules().size() == base.rules().size() + 2);
  // ^ clears only what was added at run time.
  REQUIRE(rt.Execute("sys/trace^", "t", false).ok());
  CHECK(rt.added() == 0);
  CHECK(rt.policy().rules().size() == base.rules().size());
}

TEST_CASE("a bad command changes nothing and says why") {
  Policy base = Build(kPaludisLike);
  RuntimeRules rt(base);
  REQUIRE(
      rt.Execute("sys/trace+%file_wr:allow:arg_=*\"/a/***\"", "t", false).ok());
  absl::Status s =
      rt.Execute("sys/trace+%file_wr:alow:arg_=*\"/b/***\"", "magic", false);
  CHECK(absl::IsInvalidArgument(s));
  // Named by the command, and where in it.
  CHECK(s.message().find("magic: sys/trace+%file_wr:alow:arg_=*\"/b/***\": "
                         "column 20:") != absl::string_view::npos);
  CHECK(s.message().find("did you mean 'allow'") != absl::string_view::npos);
  CHECK(absl::IsInvalidArgument(rt.Execute("default/allow", "t", false)));
  CHECK(absl::IsInvalidArgument(rt.Execute("", "t", false)));
  CHECK(absl::IsInvalidArgument(rt.Execute("lock:maybe", "t", false)));
  CHECK(absl::IsNotFound(
      rt.Execute("sys/trace-%file_wr:allow:arg_=*\"/b/***\"", "t", false)));
  s = rt.Execute("sys/trace-%file_wr:fault=EPERM:log=2", "t", false);
  CHECK(absl::IsInvalidArgument(s));
  CHECK(s.message().find("is the policy's") != absl::string_view::npos);
  CHECK(rt.added() == 1);
}

TEST_CASE("rules the kernel decides cannot be added") {
  Policy base = Build("sys/fault+unlinkat:arg2=0:error=EROFS\n" +
                      std::string(kPaludisLike));
  RuntimeRules rt(base);
  // Read-only opens never reach syd under this policy.
  absl::Status s =
      rt.Execute("sys/trace+openat:allow:arg_=*\"/x\"", "t", false);
  CHECK(absl::IsInvalidArgument(s));
  CHECK(s.message().find("the kernel decides them by the default") !=
        absl::string_view::npos);
  // Nor does getpid, which no rule names.
  s = rt.Execute("sys/fault+getpid:error=EPERM", "t", false);
  CHECK(absl::IsInvalidArgument(s));
  CHECK(s.message().find("getpid: no rule of the policy sends it to syd") !=
        absl::string_view::npos);
  // unlinkat with flags 0 is faulted in the kernel before any traced rule.
  s = rt.Execute("sys/trace+unlinkat:allow:arg_=*\"/x/***\"", "t", false);
  CHECK(absl::IsInvalidArgument(s));
  CHECK(s.message().find("EROFS") != absl::string_view::npos);
  // ... but with AT_REMOVEDIR the kernel rule cannot match.
  CHECK(
      rt.Execute("sys/trace+unlinkat:arg2=AT_REMOVEDIR:allow:arg_=*\"/x/***\"",
                 "t", false)
          .ok());
  // Writing opens do reach syd.
  CHECK(rt.Execute("sys/trace+openat:arg2&O_WRONLY:allow:arg_=*\"/x/***\"", "t",
                   false)
            .ok());
  CHECK(rt.added() == 2);
}

// Where rules change at run time every exec that would run stops in syd
// (for lock:exec), so exec rules can be added; an exec the kernel refuses
// stays refused.
TEST_CASE("execs reach syd where rules change at run time") {
  const std::string magic =
      "sys/trace+newfstatat:arg_=~\"^/dev/sydbox(/|$)\":load=magic_stat\n";
  const char* ban = "sys/trace+execve,execveat:fault=EPERM:arg_=*\"/b/***\"";
  {
    Policy base = Build(kPaludisLike);
    RuntimeRules rt(base);
    CHECK(absl::IsInvalidArgument(rt.Execute(ban, "t", false)));
  }
  Policy base = Build(magic + kPaludisLike);
  CHECK(base.StopsWatched(FindSyscall("execve")->nr, Verdict{}));
  RuntimeRules rt(base);
  CHECK(rt.Execute(ban, "t", false).ok());
  Policy refusing = Build(magic + "sys/fault+execve:arg2=0:error=EACCES\n");
  RuntimeRules rt2(refusing);
  const absl::Status s =
      rt2.Execute("sys/trace+execve:allow:arg_=*\"/b/***\"", "t", false);
  CHECK(absl::IsInvalidArgument(s));
  CHECK(s.message().find("EACCES") != absl::string_view::npos);
}

TEST_CASE("a logged default sends everything the kernel rules leave to syd") {
  Policy base = Build("default/fault:error=EPERM:log=2\nsys/allow+getpid\n");
  RuntimeRules rt(base);
  CHECK(rt.Execute("sys/allow+getppid", "t", false).ok());
  CHECK(absl::IsInvalidArgument(
      rt.Execute("sys/fault+getpid:error=EACCES", "t", false)));
}

TEST_CASE("an added rule that tests the process name asks for names") {
  Policy base = Build(kPaludisLike);
  RuntimeRules rt(base);
  CHECK(!rt.policy().TestsProcessNames());
  REQUIRE(rt.Execute("sys/trace+%file_wr:allow:command=^sh$", "t", false).ok());
  CHECK(rt.policy().TestsProcessNames());
}

TEST_CASE("read-only and the lock") {
  Policy base = Build(kPaludisLike);
  RuntimeRules rt(base);
  const char* add = "sys/trace+%file_wr:allow:arg_=*\"/a/***\"";
  CHECK(absl::IsPermissionDenied(rt.Execute(add, "t", /*readonly=*/true)));
  CHECK(absl::IsPermissionDenied(rt.Execute("lock:on", "t", true)));
  CHECK(rt.Execute("lock:exec", "t", false).ok());
  CHECK(rt.Execute("lock:exec?", "t", true).ok());
  CHECK(rt.Execute(add, "t", false).ok());  // not locked until an exec
  rt.OnExec();
  CHECK(rt.lock() == RuntimeRules::Lock::kOn);
  CHECK(absl::IsPermissionDenied(rt.Execute("sys/trace^", "t", false)));
  CHECK(absl::IsPermissionDenied(rt.Execute("lock:off", "t", false)));
  // Queries still answer.
  CHECK(rt.Execute(std::string(add) + "?", "t", false).ok());
  CHECK(rt.added() == 1);
}

TEST_CASE("hits follow their rules across changes") {
  Policy base = Build(kPaludisLike);
  RuntimeRules rt(base);
  REQUIRE(
      rt.Execute("sys/trace+%file_wr:allow:arg_=*\"/a/***\"", "t", false).ok());
  Decision d = Evaluate(rt.policy(), Open("/a/x", O_WRONLY));
  rt.CountHit(*rt.InForce(), d.rule);
  d = Evaluate(rt.policy(), Open("/etc/x", O_WRONLY));
  rt.CountHit(*rt.InForce(), d.rule);
  REQUIRE(
      rt.Execute("sys/trace+%file_wr:allow:arg_=*\"/b/***\"", "t", false).ok());
  CHECK(rt.hits(0) == 1);      // /a
  CHECK(rt.hits(1) == 0);      // /b
  CHECK(rt.hits(2 + 1) == 1);  // the policy's catch-all
}

// A decision holds the rules it started with; the call it decides may
// change them (magic stat) before it ends. Its hit still lands on its rule.
TEST_CASE("a snapshot outlives the changes made while it is held") {
  Policy base = Build(kPaludisLike);
  RuntimeRules rt(base);
  const char* a = "sys/trace+%file_wr:allow:arg_=*\"/a/***\"";
  REQUIRE(rt.Execute(a, "t", false).ok());
  const std::shared_ptr<const RulesInForce> held = rt.InForce();
  const Decision d = Evaluate(*held->policy, Open("/a/x", O_WRONLY));
  REQUIRE(d.rule != nullptr);
  // Two rebuilds: the second frees the first's policy unless it is held.
  REQUIRE(
      rt.Execute("sys/trace+%file_wr:allow:arg_=*\"/b/***\"", "t", false).ok());
  REQUIRE(
      rt.Execute("sys/trace+%file_wr:allow:arg_=*\"/c/***\"", "t", false).ok());
  CHECK(RuleText(*d.rule) == RuleText(held->policy->rules()[0]));
  CHECK(held->added == 1);
  rt.CountHit(*held, d.rule);
  CHECK(rt.hits(0) == 1);  // /a, now the first of three added
  const Decision catch_all = Evaluate(*held->policy, Open("/x", O_WRONLY));
  rt.CountHit(*held, catch_all.rule);
  CHECK(rt.hits(3 + 1) == 1);  // the policy's catch-all, shifted by two
  REQUIRE(
      rt.Execute("sys/trace-%file_wr:allow:arg_=*\"/a/***\"", "t", false).ok());
  rt.CountHit(*held, d.rule);  // removed since: counted nowhere
  CHECK(rt.hits(0) == 0);
  CHECK(rt.hits(1) == 0);
}

// Random sequences of add, remove, clear, query and lock against a model
// of what they mean, with decisions that hold an old snapshot across
// changes (run under ASan in CI: a freed snapshot is a use after free).
TEST_CASE("runtime commands agree with a model") {
  const uint64_t seed = testing::TestSeed();
  INFO("SYD_TEST_SEED=" << seed);
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) {
    return static_cast<int>(std::uniform_int_distribution<int>(0, n - 1)(rng));
  };
  const Policy base = Build(kPaludisLike);
  // A rule of the model: directory /dK, allow or refuse with EACCES.
  auto text = [](int dir, bool allow) {
    return StrCat("sys/trace+%file_wr:", allow ? "allow" : "fault=EACCES",
                  ":arg_=*\"/d", dir, "/***\"");
  };
  struct Held {
    std::shared_ptr<const RulesInForce> rules;
    std::vector<std::pair<int, bool>> model;
  };
  // The model's decision on a write to /dK/f.
  auto expect = [](const std::vector<std::pair<int, bool>>& model, int dir) {
    for (const auto& [d, allow] : model) {
      if (d == dir)
        return allow ? Verdict::Kind::kAllow : Verdict::Kind::kErrno;
    }
    return Verdict::Kind::kErrno;  // the policy's catch-all
  };
  for (int run = 0; run < 40; ++run) {
    RuntimeRules rt(base);
    std::vector<std::pair<int, bool>> model;  // added rules, in order
    RuntimeRules::Lock lock = RuntimeRules::Lock::kOff;
    std::vector<Held> held;
    for (int step = 0; step < 200; ++step) {
      const int dir = pick(6);
      const bool allow = pick(2) == 0;
      const bool readonly = pick(10) == 0;
      const bool locked = lock == RuntimeRules::Lock::kOn;
      const std::string rule = text(dir, allow);
      const auto present = std::find(model.begin(), model.end(),
                                     std::make_pair(dir, allow)) != model.end();
      absl::Status st;
      absl::StatusCode want = absl::StatusCode::kOk;
      switch (pick(20)) {
        case 0:
        case 1:
        case 2:
        case 3:
        case 4:
        case 5:
        case 6:
        case 7:
          st = rt.Execute(rule, "t", readonly);
          if (readonly || locked) {
            want = absl::StatusCode::kPermissionDenied;
          } else {
            model.emplace_back(dir, allow);
          }
          break;
        case 8:
        case 9:
        case 10:
        case 11: {
          st = rt.Execute("sys/trace-" + rule.substr(10), "t", readonly);
          if (readonly || locked) {
            want = absl::StatusCode::kPermissionDenied;
          } else if (!present) {
            want = absl::StatusCode::kNotFound;
          } else {
            std::erase(model, std::make_pair(dir, allow));
          }
          break;
        }
        case 12:
          st = rt.Execute("sys/trace^", "t", readonly);
          if (readonly || locked) {
            want = absl::StatusCode::kPermissionDenied;
          } else {
            model.clear();
          }
          break;
        case 13:
        case 14:
        case 15:
          st = rt.Execute(rule + "?", "t", readonly);
          if (!present) want = absl::StatusCode::kNotFound;
          break;
        case 16: {
          static const char* kStates[] = {"off", "exec", "on"};
          const int to = pick(20) == 0 ? 2 : pick(2);
          st = rt.Execute(StrCat("lock:", kStates[to]), "t", readonly);
          if (readonly || locked) {
            want = absl::StatusCode::kPermissionDenied;
          } else {
            lock = static_cast<RuntimeRules::Lock>(to);
          }
          break;
        }
        case 17:
          rt.OnExec();
          if (lock == RuntimeRules::Lock::kExec) lock = RuntimeRules::Lock::kOn;
          break;
        case 18:  // a decision starts, and keeps its snapshot a while
          held.push_back({rt.InForce(), model});
          break;
        default:  // a held decision ends
          if (!held.empty()) {
            const size_t i =
                static_cast<size_t>(pick(static_cast<int>(held.size())));
            const Decision d =
                Evaluate(*held[i].rules->policy,
                         Open(StrCat("/d", dir, "/f"), O_WRONLY));
            CHECK(d.verdict.kind == expect(held[i].model, dir));
            rt.CountHit(*held[i].rules, d.rule);
            held.erase(held.begin() + static_cast<ptrdiff_t>(i));
          }
          break;
      }
      INFO("run " << run << " step " << step << ": " << rule);
      CHECK_MESSAGE(st.code() == want, st.ToString());
      CHECK(rt.lock() == lock);
      REQUIRE(rt.added() == model.size());
      for (size_t i = 0; i < model.size(); ++i)
        CHECK(
            RuleText(rt.policy().rules()[i]) ==
            RuleText(Build(text(model[i].first, model[i].second)).rules()[0]));
      const Decision now =
          Evaluate(rt.policy(), Open(StrCat("/d", dir, "/f"), O_WRONLY));
      CHECK(now.verdict.kind == expect(model, dir));
      rt.CountHit(*rt.InForce(), now.rule);
    }
  }
}

// For random policies and random rules: a rule that WhyKernelDecides lets
// in matches no call that the policy's filter decides in the kernel.
TEST_CASE("accepted rules only match calls that reach syd") {
  const uint64_t seed = testing::TestSeed();
  INFO("SYD_TEST_SEED=" << seed);
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) {
    return static_cast<int>(std::uniform_int_distribution<int>(0, n - 1)(rng));
  };
  const std::vector<uint64_t> constants = {
      0, 1, 2, 3, 64, 65, O_WRONLY, O_CREAT, 512, 1024, 0xffffffff, ~0ull};
  auto tests = [&]() {
    static const char* kOps[] = {"=", "!=", ">", ">=", "<", "<=", "&", "!&"};
    std::string out;
    for (int i = pick(3); i > 0; --i) {
      out +=
          ":arg" + std::to_string(pick(3)) + kOps[pick(8)] +
          std::to_string(constants[pick(static_cast<int>(constants.size()))]);
    }
    return out;
  };
  const std::vector<std::string> sets = {"openat", "%file_wr", "%file_rd",
                                         "read", "unlinkat"};
  auto rule = [&]() {
    const std::string& set = sets[pick(static_cast<int>(sets.size()))];
    switch (pick(4)) {
      case 0:
        return "sys/allow+" + set + tests();
      case 1:
        return "sys/fault+" + set + tests() + ":error=EPERM";
      case 2:
        return "sys/trace+" + set + tests() + ":log=2";
      default:
        return "sys/trace+" + set + tests() + ":arg_=~\"^/x\":fault=EACCES";
    }
  };
  int accepted = 0;
  for (int round = 0; round < 400; ++round) {
    std::string text = pick(4) == 0 ? "default/fault:error=EPERM:log=2\n" : "";
    for (int i = pick(5); i >= 0; --i) {
      std::string r = rule();
      Diagnostics d;
      Resolve(LoadInputs({{PolicyInput::Kind::kRule, text + r}}, d), d);
      if (!d.has_errors()) text += r + "\n";
    }
    Policy base = Build(text);
    for (int k = 0; k < 10; ++k) {
      std::string added = rule();
      Diagnostics d;
      RuleSet one =
          Resolve(LoadInputs({{PolicyInput::Kind::kRule, added}}, d), d);
      if (d.has_errors()) continue;
      if (!WhyKernelDecides(base, one.rules[0]).empty()) continue;
      ++accepted;
      Policy alone(one);
      for (int c = 0; c < 300; ++c) {
        Call e;
        e.nr =
            one.rules[0]
                .syscalls[pick(static_cast<int>(one.rules[0].syscalls.size()))]
                .nr;
        for (uint64_t& a : e.args) {
          a = constants[pick(static_cast<int>(constants.size()))] +
              static_cast<uint64_t>(pick(3) - 1);
          if (pick(4) == 0) a |= 0xdead00000000ull;  // junk above an int
        }
        Decision mine = Evaluate(alone, e);
        if (mine.rule == nullptr) continue;  // the rule's registers fail
        INFO("policy:\n" << text << "added: " << added);
        CHECK(Evaluate(base, e).trace);
      }
    }
  }
  MESSAGE(accepted << " random rules accepted");
  CHECK(accepted > 50);
}

}  // namespace
}  // namespace syd
