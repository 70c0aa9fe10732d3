// sydbox-1's commands as Paludis's esandbox (API 1) emits them: the test
// vectors of docs/language.md, "sydbox-1's API".
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/runtime/sydbox_api.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "src/syscalls/syscalls.h"

namespace syd {
namespace {

using Kind = SydboxApi::Effect::Kind;

Kind KindOf(SydboxApi& api, const std::string& command) {
  absl::StatusOr<SydboxApi::Effect> e = api.Run(command);
  REQUIRE_MESSAGE(e.ok(), command << ": " << e.status().message());
  return e->kind;
}

bool Has(const std::vector<std::string>& block, const std::string& rule) {
  return std::find(block.begin(), block.end(), rule) != block.end();
}

TEST_CASE("the commands esandbox emits are sydbox-1's") {
  for (const char* c : {"1",
                        "core/trace/magic_lock:on",
                        "core/trace/magic_lock:exec",
                        "core/trace/exit_wait_all:true",
                        "core/trace/exit_wait_all:false",
                        "core/sandbox/write?",
                        "core/sandbox/write:deny",
                        "core/sandbox/write:off",
                        "core/sandbox/exec?",
                        "core/sandbox/network:off",
                        "whitelist/write+/x",
                        "whitelist/write-/x",
                        "whitelist/exec+/x",
                        "whitelist/network/bind+LOOPBACK@0",
                        "whitelist/network/connect-inet:127.0.0.1@80",
                        "filter/write+/x",
                        "filter/exec-/x",
                        "filter/network+unix:/dev/log",
                        "exec/kill_if_match+/x",
                        "exec/resume_if_match+/x"}) {
    CHECK_MESSAGE(IsSydboxCommand(c), c);
  }
  for (const char* c : {"", "sys/trace+mkdir:allow", "lock:on", "2"})
    CHECK_MESSAGE(!IsSydboxCommand(c), c);
}

TEST_CASE("sandboxes switch on and off, and say so") {
  SydboxApi api(/*network_on=*/false);
  CHECK(KindOf(api, "1") == Kind::kNone);
  auto holds = [&](const std::string& q) { return api.Run(q)->holds; };
  CHECK(holds("core/sandbox/write?"));
  CHECK_FALSE(holds("core/sandbox/exec?"));
  CHECK_FALSE(holds("core/sandbox/network?"));
  // Off: an allow-all for the category, first-match.
  CHECK(Has(api.Block(), "sys/trace+connect,sendmsg,sendmmsg:allow"));
  CHECK(Has(api.Block(), "sys/trace+sendto:arg4!=0:allow"));
  CHECK(Has(api.Block(), "sys/trace+bind,listen:allow"));
  CHECK(KindOf(api, "core/sandbox/network:deny") == Kind::kChange);
  CHECK(holds("core/sandbox/network?"));
  CHECK(api.Block().empty());  // the policy's network rules decide
  CHECK(KindOf(api, "core/sandbox/write:off") == Kind::kChange);
  CHECK(Has(api.Block(), "sys/trace+%file_wr:allow"));
  CHECK(!api.Run("core/sandbox/read:off").ok());
  CHECK(!api.Run("core/sandbox/write:allow").ok());
}

TEST_CASE("whitelists become allow rules ahead of the category's catch-all") {
  SydboxApi api;
  CHECK(KindOf(api, "whitelist/write+/var/cache/ccache") == Kind::kChange);
  CHECK(Has(api.Block(),
            "sys/trace+%file_wr:allow:arg_=*\"/var/cache/ccache/***\""));
  // A glob stays a glob; a trailing slash goes.
  KindOf(api, "whitelist/write+/tmp/x*");
  CHECK(Has(api.Block(), "sys/trace+%file_wr:allow:arg_=*\"/tmp/x*\""));
  KindOf(api, "whitelist/write-/var/cache/ccache/");
  CHECK(!Has(api.Block(),
             "sys/trace+%file_wr:allow:arg_=*\"/var/cache/ccache/***\""));
  CHECK(absl::IsNotFound(api.Run("whitelist/write-/nowhere").status()));
  CHECK(!api.Run("whitelist/write+relative").ok());
  // Exec: the whitelist only while the sandbox is on, before its refusal.
  KindOf(api, "whitelist/exec+/opt/helper");
  CHECK(api.Block().size() == 1);
  KindOf(api, "core/sandbox/exec:deny");
  const std::vector<std::string> b = api.Block();
  auto at = [&](const std::string& r) {
    return std::find(b.begin(), b.end(), r) - b.begin();
  };
  CHECK(at("sys/trace+execve,execveat:allow:arg_=*\"/opt/helper/***\"") <
        at("sys/trace+execve,execveat:fault=EPERM"));
  KindOf(api, "exec/kill_if_match+/opt/evil");
  CHECK(
      api.Block().front() ==
      "sys/trace+execve,execveat:kill_process=SIGKILL:arg_=*\"/opt/evil/***\"");
}

TEST_CASE("addresses as sydbox writes them") {
  SydboxApi api;
  KindOf(api, "whitelist/network/connect+inet:127.0.0.1@80");
  KindOf(api, "whitelist/network/bind+LOOPBACK6@1024-65535");
  KindOf(api, "whitelist/network/connect+unix:/run/x.sock");
  KindOf(api, "whitelist/network/connect+unix-abstract:/tmp/.X11-unix/X0");
  KindOf(api, "whitelist/network/connect+inet6:::1@631");
  const std::vector<std::string> b = api.Block();
  CHECK(Has(b,
            "sys/trace+connect,sendmsg,sendmmsg:allow:arg_@~"
            "\"inet://127.0.0.1@80\""));
  CHECK(Has(b, "sys/trace+sendto:arg4!=0:allow:arg_@~\"inet://127.0.0.1@80\""));
  CHECK(Has(b, "sys/trace+bind,listen:allow:arg_@~\"LOOPBACK6@1024-65535\""));
  CHECK(Has(b,
            "sys/trace+connect,sendmsg,sendmmsg:allow:arg_@~"
            "\"unix:/run/x.sock\""));
  CHECK(Has(b,
            "sys/trace+connect,sendmsg,sendmmsg:allow:arg_@~"
            "\"inet6://::1@631\""));
  CHECK(!api.Run("whitelist/network/connect+ftp://x").ok());
  CHECK(!api.Run("whitelist/network/connect+BOUND").ok());
}

TEST_CASE("escapes and the run's own processes are refused with a reason") {
  SydboxApi api;
  for (const char* c : {"exec/resume_if_match+/bin/sh", "cmd/exec!/bin/sh",
                        "core/trace/exit_wait_all:false", "frobnicate/x+y",
                        "core/trace/magic_lock:maybe"}) {
    absl::StatusOr<SydboxApi::Effect> e = api.Run(c);
    CHECK_MESSAGE(absl::IsInvalidArgument(e.status()), c);
    CHECK_MESSAGE(!e.status().message().empty(), c);
  }
  CHECK(api.Run("core/trace/magic_lock:exec")->lock == "lock:exec");
  // A path that names a variable of syd's is text, not a variable.
  KindOf(api, "whitelist/write+/a/${IMAGE}");
  CHECK(
      Has(api.Block(), "sys/trace+%file_wr:allow:arg_=*\"/a/$${IMAGE}/***\""));
}

TEST_CASE("filters keep a refusal out of the reports, per category") {
  SydboxApi api;
  KindOf(api, "filter/write+/etc");
  KindOf(api, "filter/network+unix:/dev/log");
  CHECK(api.Block().empty());  // they refuse nothing
  Call w;
  w.nr = FindSyscall("mkdir")->nr;
  w.strings[0] = "/etc/x";
  CHECK(api.Silences(w));
  w.strings[0] = "/var/x";
  CHECK_FALSE(api.Silences(w));
  Call x;
  x.nr = FindSyscall("execve")->nr;
  x.strings[0] = "/etc/x";
  CHECK_FALSE(api.Silences(x));  // a write filter, not an exec one
  Call c;
  c.nr = FindSyscall("connect")->nr;
  SocketAddress log;
  log.family = AddressFamily::kUnix;
  log.path = "/dev/log";
  c.addresses[1] = log;
  CHECK(api.Silences(c));
  KindOf(api, "filter/network-unix:/dev/log");
  CHECK_FALSE(api.Silences(c));
}

}  // namespace
}  // namespace syd
