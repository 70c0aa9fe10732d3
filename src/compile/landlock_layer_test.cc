#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/compile/landlock_layer.h"

#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <string>

#include "src/kernel/landlock_uapi.h"
#include "src/lang/loader.h"
#include "src/policy/resolve.h"
#include "src/syscalls/syscalls.h"
#include "src/testing/subprocess.h"

namespace syd {
namespace {

using kernel::LandlockRuleset;

Policy Load(const std::string& text) {
  Diagnostics d;
  std::vector<Statement> st = LoadInputs({{PolicyInput::Kind::kRule, text}}, d);
  RuleSet rules = Resolve(st, d);
  std::string errors;
  for (const Diagnostic& x : d.all()) errors += FormatDiagnostic(x);
  REQUIRE_MESSAGE(!d.has_errors(), errors);
  return Policy(std::move(rules));
}

LandlockLayer Derive(const std::string& text) {
  return DeriveLandlockLayer(Load(text), "");
}

// The access granted at exactly `path`, 0 when it is not granted.
uint64_t At(const LandlockLayer& l, const std::string& path) {
  for (const LandlockRuleset::PathGrant& g : l.ruleset.paths) {
    if (g.path == path) return g.access;
  }
  return 0;
}

std::string Notes(const LandlockLayer& l) {
  std::string out;
  for (const Diagnostic& d : l.notes) out += d.message + "\n";
  return out;
}

constexpr uint64_t kWrite = kernel::kLandlockFsWriteFile;
constexpr uint64_t kMakeReg = kernel::kLandlockFsMakeReg;
constexpr uint64_t kRemoveFile = kernel::kLandlockFsRemoveFile;

const char kWriteConfinement[] =
    "sys/trace+%file_wr:allow:arg_=*\"/tmp/w/***\"\n"
    "sys/trace+%file_wr:fault=EPERM\n";

TEST_CASE("every create, remove and open argument has its Landlock rights") {
  // A new syscall in the schema that makes or removes a name must say
  // what Landlock checks for it, or the layer would refuse what a rule
  // allows (or miss what none does).
  for (const SyscallInfo& s : AllSyscalls()) {
    for (int i = 0; i < s.nargs; ++i) {
      const PathAccess a = s.args[i].access;
      if (!s.args[i].IsPath()) continue;
      if (a == PathAccess::kCreate || a == PathAccess::kDelete ||
          a == PathAccess::kOpen) {
        CHECK_MESSAGE(PathArgRights(s.name, i) != 0, s.name, " arg ", i);
      }
    }
  }
  CHECK(PathArgRights("truncate", 0) == kernel::kLandlockFsTruncate);
  CHECK(PathArgRights("chmod", 0) == 0);  // no Landlock right for it
}

TEST_CASE("a write confinement becomes a tree the kernel enforces") {
  const LandlockLayer l = Derive(kWriteConfinement);
  CHECK((l.ruleset.handled_fs & kWrite) != 0);
  CHECK((l.ruleset.handled_fs & kernel::kLandlockFsRefer) != 0);
  // Reads and executes stay syd's: the kernel also reads and executes
  // interpreters no rule names.
  CHECK((l.ruleset.handled_fs & kernel::kLandlockFsReadFile) == 0);
  CHECK((l.ruleset.handled_fs & kernel::kLandlockFsExecute) == 0);
  REQUIRE(l.ruleset.paths.size() == 1);
  CHECK(At(l, "/tmp/w") == l.ruleset.handled_fs);
  CHECK(l.ruleset.handled_net == 0);
}

TEST_CASE("an exec allow-list becomes the execute right") {
  constexpr uint64_t kExecute = kernel::kLandlockFsExecute;
  const LandlockLayer l = Derive(
      "sys/trace+%exec:allow:arg_=*\"/usr/bin/***\"\n"
      "sys/trace+%exec:allow:arg_=\"/opt/tool\"\n"
      "sys/trace+%exec:fault=EACCES\n");
  CHECK(l.ruleset.handled_fs == kExecute);
  CHECK(At(l, "/usr/bin") == kExecute);
  CHECK(At(l, "/opt/tool") == kExecute);  // the file, not its directory
  CHECK(Notes(l).find("what the kernel runs itself too") != std::string::npos);
  // Exec anywhere: nothing for the kernel to hold, nor to say; with a
  // refusal in the way, that refusal is syd's alone, and said.
  const LandlockLayer open = Derive("sys/allow+execve\n");
  CHECK((open.ruleset.handled_fs & kExecute) == 0);
  CHECK(Notes(open).find("execute") == std::string::npos);
  const LandlockLayer deny =
      Derive("sys/trace+execve:arg_=*\"/bad/***\":fault=EACCES\n");
  CHECK((deny.ruleset.handled_fs & kExecute) == 0);
  CHECK(Notes(deny).find("Landlock leaves execute, ") != std::string::npos);
  // noexec: no grant at all, but what syd adds for the run.
  LandlockRuleset none =
      Derive("sys/trace+execve,execveat:fault=EACCES\n").ruleset;
  CHECK(none.handled_fs == kExecute);
  CHECK(none.paths.empty());
  const std::string script = testing::MakeTempDir() + "/script";
  std::ofstream(script) << "#!/bin/sh -e\nexit 0\n";
  GrantKernelExecutes(script, &none);
  std::set<std::string> granted;
  for (const LandlockRuleset::PathGrant& g : none.paths) {
    CHECK(g.access == kExecute);
    granted.insert(g.path);
  }
  CHECK(granted.count(script) == 1);
  CHECK(granted.count("/bin/sh") == 1);
  CHECK(granted.count("/lib64/ld-linux-x86-64.so.2") == 1);
  // Where the execute right is not handled, nothing is added.
  LandlockRuleset writes = Derive(kWriteConfinement).ruleset;
  const size_t before = writes.paths.size();
  GrantKernelExecutes(script, &writes);
  CHECK(writes.paths.size() == before);
}

TEST_CASE("what a rule allows on any path is left to syd, and said") {
  const LandlockLayer l = Derive(
      "sys/trace+%file_wr:allow:arg_=*\"/tmp/w/***\"\n"
      "sys/allow+unlink\n"
      "sys/trace+%file_wr:fault=EPERM\n");
  CHECK((l.ruleset.handled_fs & kRemoveFile) == 0);
  CHECK((l.ruleset.handled_fs & kWrite) != 0);
  CHECK(Notes(l).find("remove_file to syd alone: this rule lets unlink run "
                      "on any path") != std::string::npos);
  CHECK_FALSE(l.exact());
}

TEST_CASE("the default decides the calls no rule names") {
  const LandlockLayer none = Derive("sys/allow+getpid\n");
  CHECK(none.ruleset.handled_fs == 0);
  CHECK(Notes(none).find("the default lets") != std::string::npos);
  const LandlockLayer all = Derive("default/fault:error=EPERM\n");
  CHECK(all.ruleset.paths.empty());
  CHECK((all.ruleset.handled_fs & kMakeReg) != 0);
  CHECK((all.ruleset.handled_net & kernel::kLandlockNetBindTcp) != 0);
}

TEST_CASE("anchors: trees, files, widened globs and regexes") {
  const LandlockLayer l = Derive(
      "sys/trace+%file_wr:allow:arg_=*\"/a/tree/***\"\n"
      "sys/trace+%file_wr:allow:arg_=\"/b/file\"\n"
      "sys/trace+%file_wr:allow:arg_=*\"/c/tty*\"\n"
      "sys/trace+%file_wr:allow:arg_=~\"^/d/dir/\"\n"
      "sys/trace+%file_wr:allow:arg_=~\"^/e/(x|y)$\"\n"
      "sys/trace+%file_wr:allow:arg_=~\"^/proc/self/fd/\"\n"
      "sys/trace+%file_wr:fault=EPERM\n");
  const uint64_t all = l.ruleset.handled_fs;
  CHECK(At(l, "/a/tree") == all);
  // A file's own rights on it; its entry's on the directory holding it.
  CHECK((At(l, "/b/file") & kWrite) != 0);
  CHECK((At(l, "/b/file") & kMakeReg) == 0);
  CHECK((At(l, "/b") & kMakeReg) != 0);
  CHECK(At(l, "/c") == all);
  CHECK(At(l, "/d/dir") == all);
  CHECK(At(l, "/e") == all);
  const std::string notes = Notes(l);
  CHECK(notes.find("beneath /c, wider") != std::string::npos);
  CHECK(notes.find("beneath /e, wider") != std::string::npos);
  CHECK(notes.find("beneath /d/dir") == std::string::npos);
  CHECK(notes.find("beneath /a/tree") == std::string::npos);
}

// Every path the layer grants something at.
std::set<std::string> Granted(const LandlockLayer& l) {
  std::set<std::string> out;
  for (const LandlockRuleset::PathGrant& g : l.ruleset.paths)
    out.insert(g.path);
  return out;
}

TEST_CASE("in the kernel's trees a pattern grants only the names it matches") {
  // A grant of /dev or /proc would let any call the kernel reads again (a
  // raced open syd continued; every open under ptrace) reach /dev/sda or
  // /proc/sys/kernel/core_pattern: the paludis profile's rules get the
  // devices they name, and nothing for /proc/self.
  const LandlockLayer l = Derive(
      "sys/trace+%file_open_wr:allow:arg_=~\"^/dev/(null|zero|u?random)$\"\n"
      "sys/trace+%file_open_wr:allow:arg_=*\"/dev/tty*\"\n"
      "sys/trace+%file_open_wr:allow:arg_=*\"/dev/fd/***\"\n"
      "sys/trace+%file_wr:allow:arg_=~\"^/proc/self/(attr|fd|task)/.*$\"\n"
      "sys/trace+%file_wr:allow:arg_=\"/proc/self/attr/current\"\n"
      "sys/trace+%file_wr:fault=EPERM\n");
  const std::set<std::string> granted = Granted(l);
  CAPTURE(Notes(l));
  for (const char* dev :
       {"/dev/null", "/dev/zero", "/dev/random", "/dev/urandom"}) {
    CAPTURE(dev);
    CHECK((At(l, dev) & kWrite) != 0);
  }
  for (const std::string& path : granted) {
    CAPTURE(path);
    CHECK(path.rfind("/proc", 0) != 0);
    CHECK(path != "/dev");
    CHECK(path.rfind("/dev/fd", 0) != 0);
    const bool named = path.rfind("/dev/tty", 0) == 0 || path == "/dev/null" ||
                       path == "/dev/zero" || path == "/dev/random" ||
                       path == "/dev/urandom";
    if (path.rfind("/dev/", 0) == 0) CHECK(named);
  }
  // An open makes no device anew: /dev itself gets no make_reg.
  CHECK(At(l, "/dev") == 0);
  const std::string notes = Notes(l);
  CHECK(notes.find("the 4 names beneath /dev") != std::string::npos);
  CHECK(notes.find("grants nothing for this rule") != std::string::npos);
  CHECK(notes.find("beneath /proc, wider") == std::string::npos);
  CHECK(notes.find("beneath /dev, wider") == std::string::npos);
  // Making or removing a name is checked on its directory, where the
  // right would hold for every name: a rule that lets /dev/tty* be
  // removed gets the kernel's refusal instead.
  const LandlockLayer names = Derive(
      "sys/trace+%file_wr:allow:arg_=*\"/dev/tty*\"\n"
      "sys/trace+%file_wr:fault=EPERM\n");
  CHECK(At(names, "/dev") == 0);
  CHECK(Notes(names).find("no right to make or remove names in /dev ") !=
        std::string::npos);
}

TEST_CASE("an unanchored regex or a negated test allows everywhere") {
  for (const char* test :
       {"arg_=~\"/tmp/\"", "arg_=~\"(?i)^/tmp/\"", "arg_!*\"/etc/***\""}) {
    const LandlockLayer l = Derive(std::string("sys/trace+%file_wr:allow:") +
                                   test + "\nsys/trace+%file_wr:fault=EPERM\n");
    CAPTURE(test);
    CHECK((l.ruleset.handled_fs & kWrite) == 0);
  }
}

TEST_CASE("a refusal carved out of an allowed tree is syd's alone") {
  const LandlockLayer l =
      Derive("sys/trace+%file_wr:fault=EACCES:arg_=*\"/tmp/w/secret/***\"\n" +
             std::string(kWriteConfinement));
  CHECK(At(l, "/tmp/w") != 0);
  CHECK(Notes(l).find("cannot carry this refusal") != std::string::npos);
}

TEST_CASE("a read allow-list becomes the read rights") {
  constexpr uint64_t kRead =
      kernel::kLandlockFsReadFile | kernel::kLandlockFsReadDir;
  const LandlockLayer l = Derive(
      "sys/trace+%file_rd:allow:arg_=*\"/usr/***\"\n"
      "sys/trace+open,openat,openat2:allow:arg_=\"/etc/hosts\"\n"
      "sys/trace+%file_rd:fault=EACCES\n" +
      std::string(kWriteConfinement));
  CHECK((l.ruleset.handled_fs & kRead) == kRead);
  CHECK((At(l, "/usr") & kRead) == kRead);
  CHECK((At(l, "/etc/hosts") & kRead) == kRead);  // the file itself
  // A write open reads too where it opens O_RDWR.
  CHECK((At(l, "/tmp/w") & kRead) == kRead);
  CHECK((At(l, "/etc") & kRead) == 0);
  // Programs run anywhere, but the kernel reads what it runs.
  CHECK((l.ruleset.handled_fs & kernel::kLandlockFsExecute) == 0);
  CHECK(Notes(l).find("read_file on what an exec runs") != std::string::npos);
}

TEST_CASE(
    "reads allowed anywhere are left to the kernel, said with a refusal") {
  // The write confinement refuses write opens only: read-only opens of
  // the same names still run, and nothing about reads is said.
  const LandlockLayer w = Derive(kWriteConfinement);
  CHECK((w.ruleset.handled_fs & kernel::kLandlockFsReadFile) == 0);
  CHECK(Notes(w).find("read") == std::string::npos);
  const LandlockLayer deny = Derive(
      "sys/trace+open,openat,openat2:arg_=*\"/secret/***\":fault=EACCES\n");
  CHECK((deny.ruleset.handled_fs & kernel::kLandlockFsReadFile) == 0);
  CHECK(Notes(deny).find("Landlock leaves write_file, read_file, read_dir,") !=
        std::string::npos);
}

TEST_CASE("where reads and execs are both held, programs are readable") {
  // (Reads are held only where write opens are: O_RDWR reads.)
  const LandlockLayer l = Derive(
      "sys/trace+%exec:allow:arg_=*\"/usr/bin/***\"\n"
      "sys/trace+%exec:fault=EACCES\n"
      "sys/trace+%file_rd:allow:arg_=*\"/lib/***\"\n"
      "sys/trace+%file_rd:fault=EACCES\n" +
      std::string(kWriteConfinement));
  CHECK((At(l, "/usr/bin") & kernel::kLandlockFsReadFile) != 0);
  CHECK((At(l, "/usr/bin") & kernel::kLandlockFsReadDir) == 0);
  LandlockRuleset reads = Derive(
                              "sys/trace+%file_rd:allow:arg_=*\"/lib/***\"\n"
                              "sys/trace+%file_rd:fault=EACCES\n" +
                              std::string(kWriteConfinement))
                              .ruleset;
  GrantKernelExecutes("/bin/true", &reads);
  bool granted = false;
  for (const LandlockRuleset::PathGrant& g : reads.paths) {
    if (g.path == "/bin/true")
      granted = g.access == kernel::kLandlockFsReadFile;
  }
  CHECK(granted);
}

TEST_CASE("read-only opens do not widen the write rights") {
  const LandlockLayer l =
      Derive("sys/trace+%file_rd:allow\n" + std::string(kWriteConfinement));
  CHECK(At(l, "/tmp/w") != 0);
  CHECK((l.ruleset.handled_fs & kWrite) != 0);
}

TEST_CASE("TCP ports from address rules, within a bound") {
  const LandlockLayer l = Derive(
      "sys/trace+bind:allow:arg_@~\"LOOPBACK@8000-8010\"\n"
      "sys/trace+bind:allow:arg_@~\"unix:/tmp/w/***\"\n"
      "sys/trace+bind:fault=EPERM\n"
      "sys/trace+connect:allow:arg_@~\"inet://10.0.0.0/8@53\"\n"
      "sys/trace+connect:fault=ECONNREFUSED\n"
      "default/fault:error=EPERM\n");
  CHECK(l.ruleset.handled_net ==
        (kernel::kLandlockNetBindTcp | kernel::kLandlockNetConnectTcp));
  REQUIRE(l.ruleset.ports.size() == 2);
  CHECK(l.ruleset.ports[0].low == 8000);
  CHECK(l.ruleset.ports[0].high == 8010);
  CHECK(l.ruleset.ports[1].low == 53);
  // A unix bind makes a socket file where its rule allows.
  CHECK((At(l, "/tmp/w") & kernel::kLandlockFsMakeSock) != 0);
  const LandlockLayer wide = Derive(
      "sys/trace+bind:allow:arg_@~\"LOOPBACK@1024-65535\"\n"
      "sys/trace+bind:fault=EPERM\n");
  CHECK(wide.ruleset.handled_net == 0);
  CHECK(Notes(wide).find("more than 1024") != std::string::npos);
}

TEST_CASE("run-time changes and detaching rules get no file layer") {
  const Policy p = Load(kWriteConfinement);
  const LandlockLayer l = DeriveLandlockLayer(p, "the control socket /x");
  CHECK(l.ruleset.handled_fs == 0);
  CHECK(Notes(l).find("cannot grow after exec") != std::string::npos);
  CHECK(RuntimeChanges(p, "") == "");
  CHECK(RuntimeChanges(p, "/run/s").find("/run/s") != std::string::npos);
  const LandlockLayer d = Derive("sys/trace+execve:detach_process=0\n" +
                                 std::string(kWriteConfinement));
  CHECK(d.ruleset.handled_fs == 0);
}

TEST_CASE("the run-time envelope keeps a layer when rules can change") {
  const std::string envelope = "runtime/allow+%file_wr:arg_=*\"/tmp/e/***\"\n";
  const Policy p = Load(kWriteConfinement + envelope);
  REQUIRE(p.envelope().size() == 1);
  const LandlockLayer l = DeriveLandlockLayer(p, "the control socket /x");
  CHECK((l.ruleset.handled_fs & kWrite) != 0);
  CHECK(At(l, "/tmp/w") != 0);
  CHECK(At(l, "/tmp/e") != 0);
  // A rule added at run time must stay inside it.
  auto added = [](const std::string& rule) {
    return Load(rule).rules().front();
  };
  CHECK(OutsideEnvelope(
            p, added("sys/trace+%file_wr:allow:arg_=*\"/tmp/e/x/***\"")) == "");
  CHECK(OutsideEnvelope(p, added("sys/trace+%file_wr:fault=EPERM")) == "");
  const std::string out =
      OutsideEnvelope(p, added("sys/trace+%file_wr:allow:arg_=*\"/etc/***\""));
  CHECK(out.find("beneath /etc, outside the run-time envelope") !=
        std::string::npos);
  CHECK(out.find(":3:1: runtime/allow+%file_wr:arg_=*\"/tmp/e/***\"") !=
        std::string::npos);
  CHECK(OutsideEnvelope(p, added("sys/allow+unlink"))
            .find("remove_file run on any path") != std::string::npos);
  // Without an envelope, there is no layer to keep, and nothing to check.
  const Policy bare = Load(kWriteConfinement);
  CHECK(OutsideEnvelope(bare, added("sys/allow+unlink")) == "");
}

TEST_CASE("mounts, which any file layer refuses, are named") {
  const LandlockLayer l = Derive(kWriteConfinement);
  CHECK(Notes(l).find("refuses every mount") != std::string::npos);
}

}  // namespace
}  // namespace syd
