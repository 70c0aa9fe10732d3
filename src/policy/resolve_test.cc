#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/policy/resolve.h"

#include <doctest/doctest.h>

#include "src/base/strcat.h"
#include "src/lang/loader.h"
#include "src/syscalls/syscalls.h"

namespace syd {
namespace {

struct Result {
  RuleSet rules;
  Diagnostics diags;
  std::string Errors() const {
    std::string out;
    for (const Diagnostic& d : diags.all()) out += FormatDiagnostic(d);
    return out;
  }
  bool HasMessage(std::string_view text) const {
    return Errors().find(text) != std::string::npos;
  }
};

Result FromInputs(const std::vector<PolicyInput>& inputs) {
  Result r;
  std::vector<Statement> st = LoadInputs(inputs, r.diags);
  r.rules = Resolve(st, r.diags);
  if (!r.diags.has_errors()) Lint(r.rules, r.diags);
  return r;
}

Result FromText(const std::string& text) {
  std::vector<PolicyInput> in;
  in.push_back({PolicyInput::Kind::kRule, text});
  return FromInputs(in);
}

int Nr(const char* name) { return FindSyscall(name)->nr; }

TEST_CASE("the seed's samples resolve without errors") {
  Result r =
      FromInputs({{PolicyInput::Kind::kFile, "testdata/seed_samples.syd"}});
  CHECK_MESSAGE(!r.diags.has_errors(), r.Errors());
  // The two setuid rules match no x86_64 syscall (setuid32 is i386's).
  CHECK(r.rules.rules.size() == 26);
  CHECK(
      r.HasMessage("matches no x86_64 syscall (on i386 it matches setuid32)"));
  CHECK(
      r.HasMessage("@~ compares socket addresses; on a path it is read as =~"));
  CHECK(r.HasMessage("is not anchored"));
}

TEST_CASE("identifiers fold and 32-bit ranges are checked") {
  Result r = FromText("sys/allow+openat:arg2!&O_WRONLY|O_RDWR|O_CREAT:arg3=-1");
  REQUIRE_MESSAGE(!r.diags.has_errors(), r.Errors());
  const Rule& rule = r.rules.rules[0];
  CHECK(rule.conditions[0].value == 0103);
  CHECK(rule.conditions[1].value == ~0ull);  // -1: fits a 32-bit argument
  CHECK(
      FromText("sys/allow+openat:arg2=0x1ffffffff").HasMessage("does not fit"));
  CHECK(!FromText("sys/allow+mmap:arg1=0x1ffffffff").diags.has_errors());
}

TEST_CASE("sets expand, keep guards, and drop members a test cannot apply to") {
  Result r = FromText("sys/trace+%file_wr:arg_=~\"^/tmp/\":allow");
  REQUIRE_MESSAGE(!r.diags.has_errors(), r.Errors());
  const Rule& rule = r.rules.rules[0];
  bool openat_guarded = false;
  for (const RuleSyscall& s : rule.syscalls) {
    if (s.nr == Nr("openat")) openat_guarded = s.guard == SetGuard::kWrites;
    CHECK(s.nr != Nr("newfstatat"));
  }
  CHECK(openat_guarded);
  // %network has socket(), which has no address: dropped, not an error.
  Result net = FromText("sys/trace+%network:arg_@!\"LOOPBACK\":fault=EPERM");
  REQUIRE_MESSAGE(!net.diags.has_errors(), net.Errors());
  // bind, connect, listen (judged by where its socket is bound), sendto,
  // sendmsg, sendmmsg.
  CHECK(net.rules.rules[0].syscalls.size() == 6);
  // Named explicitly, a misfit is an error.
  CHECK(FromText("sys/trace+socket:arg_@!\"LOOPBACK\":allow")
            .HasMessage("socket has no socket"));
}

TEST_CASE("a syscall named explicitly drops the guard of its set") {
  Result r = FromText("sys/trace+%file_wr,openat:fault=EPERM");
  REQUIRE(!r.diags.has_errors());
  for (const RuleSyscall& s : r.rules.rules[0].syscalls) {
    if (s.nr == Nr("openat")) CHECK(s.guard == SetGuard::kNone);
  }
}

TEST_CASE("ioctl's attribute requests: a member each, or ioctl whole") {
  auto ioctls = [](const std::string& text) {
    Result r = FromText(text);
    REQUIRE_MESSAGE(!r.diags.has_errors(), r.Errors());
    std::vector<SetGuard> out;
    for (const RuleSyscall& s : r.rules.rules[0].syscalls) {
      if (s.nr == Nr("ioctl")) out.push_back(s.guard);
    }
    return out;
  };
  const std::vector<SetGuard> both = {SetGuard::kIoctlSetFlags,
                                      SetGuard::kIoctlFsSetXattr};
  CHECK(ioctls("sys/trace+%file_wr:fault=EPERM") == both);
  CHECK(ioctls("sys/trace+%file_wr,%file_attr:fault=EPERM") == both);
  const std::vector<SetGuard> whole = {SetGuard::kNone};
  CHECK(ioctls("sys/trace+%file_wr,ioctl:fault=EPERM") == whole);
  CHECK(ioctls("sys/trace+ioctl,%file_attr:fault=EPERM") == whole);
  CHECK(ioctls("sys/trace+/ioct.*,%file_wr:fault=EPERM") == whole);
}

TEST_CASE("verdicts and options") {
  auto verdict = [](const char* text) {
    Result r = FromText(text);
    REQUIRE_MESSAGE(!r.diags.has_errors(), r.Errors());
    return r.rules.rules[0].verdict;
  };
  CHECK(verdict("sys/fault+write") == Verdict{Verdict::Kind::kErrno, 38});
  CHECK(verdict("sys/fault+write:error=EACCES") ==
        Verdict{Verdict::Kind::kErrno, 13});
  CHECK(verdict("sys/trace+write:fault=EPERM") ==
        Verdict{Verdict::Kind::kErrno, 1});
  CHECK(verdict("sys/trace+write:retval=-1") ==
        Verdict{Verdict::Kind::kRetval, -1});
  CHECK(verdict("sys/trace+write:kill_process=SIGTERM") ==
        Verdict{Verdict::Kind::kKillProcess, 15});
  CHECK(verdict("sys/trace+%exec:detach_process=0") ==
        Verdict{Verdict::Kind::kDetachProcess, 0});
  CHECK(verdict("sys/trace+write:log=2") == Verdict{Verdict::Kind::kAllow, 0});
  Result plugin = FromText("sys/user+write:load=/x.so:readonly=1:size=10");
  REQUIRE(!plugin.diags.has_errors());
  CHECK(plugin.rules.rules[0].plugin->options.size() == 2);
  CHECK(FromText("sys/trace+write").HasMessage("has no verdict"));
  CHECK(FromText("sys/allow+write:fault=EPERM")
            .HasMessage("chooses the verdict"));
  CHECK(FromText("sys/trace+write:error=EPERM").HasMessage("fault=ERRNO"));
  CHECK(FromText("sys/trace+write:allow:allow").HasMessage("given twice"));
  CHECK(FromText("sys/trace+write:fault=EPREM")
            .HasMessage("did you mean 'EPERM'"));
  CHECK(FromText("sys/trace+write:fault=SIGKILL")
            .HasMessage("SIGKILL is not one"));
  CHECK(FromText("sys/trace+write:fault=5000").HasMessage("out of range"));
  CHECK(FromText("sys/trace+write:kill_process=0").HasMessage("out of range"));
  CHECK(FromText("sys/trace+write:readonly=1:allow")
            .HasMessage("put it after load="));
  CHECK(FromText("sys/trace+write:alow").HasMessage("did you mean 'allow'"));
  CHECK(
      FromText("sys/trace+write:allow:command=\"(\"").HasMessage("bad regex"));
  CHECK(FromText("sys/trace+write:allow:log=-1").HasMessage("log= takes"));
}

TEST_CASE(
    "a trap's data: error= on sys/trap and default/trap, trap= on trace") {
  auto only = [](const std::string& text) {
    Result r = FromText(text);
    REQUIRE_MESSAGE(!r.diags.has_errors(), r.Errors());
    return r;
  };
  // One value parser for all three: an errno name or 0 to 65535, the 16
  // bits SECCOMP_RET_TRAP hands the SIGSYS handler as si_errno.
  Result kernel = only("sys/trap+getppid:error=EPERM");
  CHECK(kernel.rules.rules[0].verdict == Verdict{Verdict::Kind::kTrap, 1});
  CHECK(RuleText(only("sys/trap+getppid:error=65535").rules.rules[0]) ==
        "sys/trap+getppid:error=65535");
  CHECK(only("sys/trace+getppid:trap=EPERM").rules.rules[0].verdict ==
        Verdict{Verdict::Kind::kTrap, 1});
  CHECK(only("sys/trace+getppid:trap=0").rules.rules[0].verdict ==
        Verdict{Verdict::Kind::kTrap, 0});
  Result def = only("default/trap:error=300");
  CHECK(def.rules.default_verdict.verdict ==
        Verdict{Verdict::Kind::kTrap, 300});
  CHECK(DefaultText(def.rules.default_verdict) == "default/trap:error=300");
  CHECK(DefaultText(only("default/trap").rules.default_verdict) ==
        "default/trap");
  // The old spelling still reads, with a warning, and prints the new one.
  Result old = only("sys/trap+getppid:retval=7");
  CHECK(old.HasMessage("retval= is the old spelling"));
  CHECK(RuleText(old.rules.rules[0]) == "sys/trap+getppid:error=7");
  for (const char* bad :
       {"sys/trap+getppid:error=65536", "sys/trace+getppid:trap=70000",
        "default/trap:error=-1"}) {
    CAPTURE(bad);
    CHECK(FromText(bad).HasMessage("out of range"));
  }
  CHECK(FromText("sys/trace+getppid:trap=SIGKILL")
            .HasMessage("SIGKILL is not one"));
}

TEST_CASE("+ adds, - removes the same rule, ^ clears") {
  Result r = FromText(
      "sys/allow+read,write\n"
      "sys/fault+close:error=EPERM\n"
      "sys/allow-read,write\n"
      "sys/allow+read\n"
      "sys/allow+write\n"
      "sys/allow^write\n");
  REQUIRE_MESSAGE(!r.diags.has_errors(), r.Errors());
  REQUIRE(r.rules.rules.size() == 2);
  CHECK(r.rules.rules[0].action == Action::kFault);
  CHECK(r.rules.rules[1].syscalls[0].nr == Nr("read"));
  Result cleared = FromText("sys/allow+read\nsys/fault+write\nsys/allow^\n");
  CHECK(cleared.rules.rules.size() == 1);
  CHECK(FromText("sys/allow-read").HasMessage("nothing to remove"));
  CHECK(FromText("sys/allow^read:arg0=1")
            .HasMessage("takes a syscall set, no tests"));
}

TEST_CASE("limits: names and values checked where written, the smaller holds") {
  Result r = FromInputs({{PolicyInput::Kind::kRule, "limit/nofile=128"},
                         {PolicyInput::Kind::kRule, "limit/nofile=64"},
                         {PolicyInput::Kind::kRule, "limit/nofile=1024"},
                         {PolicyInput::Kind::kRule, "limit/timeout=2m"},
                         {PolicyInput::Kind::kRule, "limit/core=unlimited"}});
  REQUIRE_MESSAGE(!r.diags.has_errors(), r.Errors());
  CHECK(*r.rules.limits.Get(*FindLimit("nofile")) == 64);
  CHECK(*r.rules.limits.Get(kTimeoutLimit) == 120'000);
  CHECK(*r.rules.limits.Get(*FindLimit("core")) == kUnlimited);
  CHECK_FALSE(r.rules.limits.Get(kGraceLimit).has_value());
  Result typo = FromText("limit/timout=1s");
  CHECK(
      typo.HasMessage("1:1: error: unknown limit 'timout' (did you mean "
                      "'timeout'?)"));
  Result bad = FromText("limit/as=4Q");
  CHECK(bad.HasMessage("1:10: error: limit/as: '4Q' is not a size in bytes"));
  CHECK(FromText("limit/timeout=unlimited").HasMessage("cannot be unlimited"));
  CHECK(FromText("limit/timeout=0").HasMessage("must be more than 0"));
  CHECK(FromText("limit/nofile=-1").HasMessage("is not a number"));
  CHECK(FromText("limit/nofile=99999999999999999999999")
            .HasMessage("is not a number"));
}

TEST_CASE("a limit's value reads and prints in its units") {
  const size_t as = *FindLimit("as"), cpu = *FindLimit("cpu");
  CHECK(*ParseLimitValue(kTimeoutLimit, "250ms") == 250);
  CHECK(*ParseLimitValue(kTimeoutLimit, "90") == 90'000);
  CHECK(*ParseLimitValue(kTimeoutLimit, "2h") == 7'200'000);
  CHECK(*ParseLimitValue(as, "3M") == 3ULL << 20);
  CHECK(*ParseLimitValue(cpu, "5m") == 300);
  CHECK_FALSE(ParseLimitValue(cpu, "5ms").ok());
  CHECK_FALSE(ParseLimitValue(as, "16777216T").ok());  // 2^64: too large
  CHECK(LimitText(kTimeoutLimit, 90'000) == "limit/timeout=90s");
  CHECK(LimitText(kTimeoutLimit, 7'200'000) == "limit/timeout=2h");
  CHECK(LimitText(kTimeoutLimit, 1'500) == "limit/timeout=1500ms");
  CHECK(LimitText(as, 3ULL << 20) == "limit/as=3M");
  CHECK(LimitText(as, 1000) == "limit/as=1000");
  CHECK(LimitText(as, kUnlimited) == "limit/as=unlimited");
  CHECK(LimitText(*FindLimit("core"), 0) == "limit/core=0");
  for (size_t i = 0; i < std::size(kLimits); ++i) {
    for (uint64_t v : {1ULL, 60ULL, 1024ULL, 3'600'000ULL}) {
      const std::string text = LimitText(i, v);
      CAPTURE(text);
      CHECK(*ParseLimitValue(i, text.substr(text.find('=') + 1)) == v);
    }
  }
}

TEST_CASE("default statement") {
  Result r = FromText("default/fault:error=EPERM");
  CHECK(r.rules.default_verdict.verdict == Verdict{Verdict::Kind::kErrno, 1});
  CHECK(FromText("").rules.default_verdict.verdict.kind ==
        Verdict::Kind::kAllow);
  CHECK(FromText("default/trace").HasMessage("is not a default"));
  CHECK(FromText("default/allow:error=EPERM")
            .HasMessage("takes only log=TARGET"));
  Result logged = FromText("default/fault:error=EPERM:log=2");
  CHECK(logged.rules.default_verdict.log.kind == LogTarget::Kind::kFd);
  CHECK(logged.rules.default_verdict.log.fd == 2);
  CHECK(DefaultText(logged.rules.default_verdict) ==
        "default/fault:error=EPERM:log=2");
}

TEST_CASE("syscall names: typos, other ABIs, numbers, regexes") {
  CHECK(FromText("sys/allow+opnat").HasMessage("did you mean 'openat'"));
  Result other = FromText("sys/allow+setuid32");
  CHECK(!other.diags.has_errors());
  CHECK(other.HasMessage("'setuid32' is an i386 syscall"));
  CHECK(
      FromText("sys/allow+999").HasMessage("no x86_64 syscall has number 999"));
  CHECK(FromText("sys/allow+/open(").HasMessage("bad syscall regex"));
  Result re = FromText("sys/allow+/open(at)?");
  REQUIRE(re.rules.rules.size() == 1);
  CHECK(re.rules.rules[0].syscalls.size() ==
        2);  // whole-name match: not openat2
  CHECK(FromText("sys/allow+%fiel").HasMessage("did you mean 'file'"));
}

TEST_CASE("argument tests that cannot apply") {
  CHECK(FromText("sys/trace+getpid:arg_=\"x\":allow")
            .HasMessage("no path argument"));
  CHECK(FromText("sys/allow+read:arg3=1").HasMessage("read takes 3 arguments"));
  CHECK(
      FromText("sys/trace+openat:arg2=\"x\":allow").HasMessage("not a string"));
  CHECK(FromText("sys/trace+openat:arg2@~\"LOOPBACK\":allow")
            .HasMessage("not a socket address"));
  CHECK(
      FromText("sys/trace+openat:arg_=1:allow").HasMessage("arg_ stands for"));
  CHECK(FromText("sys/trace+bind:arg_@~\"inet://300.0.0.1\":allow")
            .HasMessage("not an IPv4"));
  CHECK(FromText("sys/trace+bind:arg_@~\"LOOPBACK@9-1\":allow")
            .HasMessage("empty"));
  CHECK(FromText("sys/allow+openat:arg2=1<<64").HasMessage("shift by 64"));
  CHECK(!FromText("sys/trace+symlink:arg0=\"/etc\":fault=EPERM")
             .diags.has_errors());
}

TEST_CASE("lint: allow regexes say where the path begins and ends") {
  auto warns = [](const char* re) {
    return FromText(StrCat("sys/trace+mkdir:allow:arg_=~\"", re, "\""))
        .HasMessage("of an allow rule");
  };
  CHECK(warns("/tmp/"));
  CHECK(warns("^/tmp"));
  CHECK(warns("^/proc/self/(attr|fd)/"));
  CHECK(warns("^/a$|^/b$"));
  CHECK(warns("^/a\\\\$"));  // an escaped $ is a dollar sign
  CHECK_FALSE(warns("^/tmp$"));
  CHECK_FALSE(warns("^/proc/self/(attr|fd)/.*$"));
  CHECK_FALSE(warns("^/dev/(null|zero)$"));
  CHECK_FALSE(warns("^/a[|]b$"));
  // Refusals may be as wide as they like.
  CHECK_FALSE(FromText("sys/trace+mkdir:fault=EPERM:arg_=~\"/tmp/\"")
                  .HasMessage("of an allow rule"));
}

TEST_CASE("lint: unreachable rules") {
  Result r = FromText("sys/fault+write\nsys/allow+write:arg0=1\n");
  CHECK(r.HasMessage("this rule never decides a call"));
  Result dup = FromText("sys/allow+write:arg0=1\nsys/fault+write:arg0=1\n");
  CHECK(dup.HasMessage("never decides"));
  Result fine = FromText("sys/allow+write:arg0=1\nsys/fault+write\n");
  CHECK(!fine.HasMessage("never decides"));
  // A rule is reachable while one of its syscalls is.
  Result part = FromText("sys/fault+write\nsys/allow+write,read\n");
  CHECK(!part.HasMessage("never decides"));
  // %file_wr's opens carry a flags guard: a catch-all over the set still
  // catches every write open after it (the most common mistake).
  Result guarded = FromText(
      "sys/trace+%file_wr:fault=EPERM\n"
      "sys/trace+%file_wr:allow:arg_=*\"/tmp/x/***\"\n");
  CHECK(guarded.HasMessage("never decides"));
  // A read of openat is not caught by a catch-all over its writes.
  Result reads = FromText("sys/trace+%file_wr:fault=EPERM\nsys/allow+openat\n");
  CHECK(!reads.HasMessage("never decides"));
}

TEST_CASE("includes: relative paths, cycles, missing files") {
  Result ok =
      FromInputs({{PolicyInput::Kind::kFile, "testdata/include/main.syd"}});
  CHECK_MESSAGE(!ok.diags.has_errors(), ok.Errors());
  REQUIRE(ok.rules.rules.size() == 3);
  CHECK(ok.rules.rules[0].syscalls[0].nr == Nr("write"));  // more.syd, first
  Result cycle =
      FromInputs({{PolicyInput::Kind::kFile, "testdata/include/a.syd"}});
  CHECK(cycle.HasMessage("include cycle"));
  CHECK(cycle.HasMessage("b.syd:2:1"));
  Result missing =
      FromInputs({{PolicyInput::Kind::kFile, "testdata/none.syd"}});
  CHECK(missing.HasMessage("testdata/none.syd: error: cannot read"));
}

TEST_CASE("RuleText is canonical and shows guards") {
  Result r = FromText("sys/trace+%file_wr:arg_=~\"^/tmp\":allow");
  std::string text = RuleText(r.rules.rules[0]);
  CHECK(text.find("sys/trace+openat:arg2&0x243:arg_=~\"^/tmp\":allow") !=
        std::string::npos);
  CHECK(
      text.find("openat2:arg_=~\"^/tmp\":allow  # and open_how.flags&0x243") !=
      std::string::npos);
}

TEST_CASE(
    "${NAME} expands from -D or the environment, literal where it lands") {
  Variables vars;
  vars.defines["WORKDIR"] = "/var/tmp/p/foo-1.0";
  vars.environment = false;
  auto resolve = [&](const std::string& text) {
    Result r;
    r.rules = Resolve(LoadInputs({{PolicyInput::Kind::kRule, text}}, r.diags),
                      r.diags, vars);
    return r;
  };
  Result re = resolve("sys/trace+mkdir:arg_=~\"^${WORKDIR}/\":allow");
  REQUIRE_MESSAGE(!re.diags.has_errors(), re.Errors());
  const RE2& regex = *re.rules.rules[0].conditions[0].regex;
  CHECK(RE2::PartialMatch("/var/tmp/p/foo-1.0/x", regex));
  CHECK_FALSE(
      RE2::PartialMatch("/var/tmp/p/foo-100/x", regex));  // '.' is literal
  vars.defines["ODD"] = "/a*b";
  Result glob = resolve("sys/trace+mkdir:arg_=*\"${ODD}/***\":allow");
  REQUIRE(!glob.diags.has_errors());
  CHECK(glob.rules.rules[0].conditions[0].glob->Matches("/a*b/c"));
  CHECK_FALSE(glob.rules.rules[0].conditions[0].glob->Matches("/axxb/c"));
  Result literal = resolve("sys/trace+mkdir:arg_=\"$${HOME}\":allow");
  CHECK(literal.rules.rules[0].conditions[0].text == "${HOME}");
  Result unset = resolve("sys/trace+mkdir:arg_=*\"${IMAGE}/***\":allow");
  CHECK(unset.HasMessage(
      "-m#1:1:24: error: ${IMAGE} is not set: set it in the environment or "
      "with -D IMAGE=VALUE"));
  CHECK(resolve("sys/trace+mkdir:arg_=\"${}\":allow")
            .HasMessage("malformed variable"));
  // Set but empty: "${IMAGE}/***" would allow writes anywhere.
  vars.defines["IMAGE"] = "";
  for (const char* rule : {"sys/trace+mkdir:arg_=*\"${IMAGE}/***\":allow",
                           "sys/trace+mkdir:arg_=~\"^${IMAGE}/\":allow",
                           "sys/trace+bind:arg_@~\"unix:${IMAGE}/*\":allow",
                           "sys/trace+mkdir:allow:command=\"${IMAGE}\""}) {
    CAPTURE(rule);
    Result empty = resolve(rule);
    CHECK(empty.diags.has_errors());
    CHECK(empty.HasMessage("${IMAGE} is set but empty"));
  }
  vars.defines["TOOL"] = "g++";
  Result cmd = resolve("sys/trace+mkdir:fault=EPERM:command=\"^${TOOL}$\"");
  REQUIRE(!cmd.diags.has_errors());
  CHECK(RE2::FullMatch("g++", *cmd.rules.rules[0].command));
  CHECK_FALSE(RE2::FullMatch("ggg", *cmd.rules.rules[0].command));
}

}  // namespace
}  // namespace syd
