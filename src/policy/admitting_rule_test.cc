#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/policy/admitting_rule.h"

#include <doctest/doctest.h>

#include "src/policy/call.h"

namespace syd {
namespace {

std::optional<std::string> For(const char* call) {
  absl::StatusOr<Call> e = ParseCall(call);
  REQUIRE_MESSAGE(e.ok(), e.status().message());
  return AdmittingRule(*e);
}

TEST_CASE("the rule names the call's syscall and each path, exactly") {
  CHECK(For("openat(AT_FDCWD, \"/etc/x\", O_WRONLY|O_CREAT)") ==
        "sys/trace+openat:arg1=\"/etc/x\":allow");
  CHECK(For("renameat(AT_FDCWD, \"/a\", AT_FDCWD, \"/b c\")") ==
        "sys/trace+renameat:arg1=\"/a\":arg3=\"/b c\":allow");
  CHECK(For("connect(3, \"inet://10.1.2.3@80\", 16)") ==
        "sys/trace+connect:arg1@~\"inet://10.1.2.3@80\":allow");
  // Quotes are the language's to escape; a backslash before another
  // byte is kept as it is.
  CHECK(For("unlink(\"/x\\\"y\\\\z\")") ==
        "sys/trace+unlink:arg0=\"/x\\\"y\\z\":allow");
}

TEST_CASE("nothing where no path or address says what to admit") {
  CHECK_FALSE(For("getppid()").has_value());
  CHECK_FALSE(For("kill(1, SIGKILL)").has_value());
}

}  // namespace
}  // namespace syd
