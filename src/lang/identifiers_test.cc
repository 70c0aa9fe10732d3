#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/lang/identifiers.h"

#include <doctest/doctest.h>

namespace syd {
namespace {

int64_t Value(const char* name) {
  const Identifier* id = FindIdentifier(name);
  REQUIRE_MESSAGE(id != nullptr, name);
  return id->value;
}

TEST_CASE("values come from the system headers") {
  CHECK(Value("O_WRONLY") == 1);
  CHECK(Value("O_RDWR") == 2);
  CHECK(Value("O_CREAT") == 0100);
  CHECK(Value("EPERM") == 1);
  CHECK(Value("ENOSYS") == 38);
  CHECK(Value("SIGKILL") == 9);
  CHECK(Value("AT_FDCWD") == -100);
  CHECK(Value("AF_INET6") == 10);
  CHECK(Value("CLONE_NEWUSER") == 0x10000000);
  CHECK(Value("RESOLVE_BENEATH") == 0x08);
  CHECK(Value("RENAME_NOREPLACE") == 1);
  CHECK(Value("PR_SET_NO_NEW_PRIVS") == 38);
  CHECK(Value("R_OK") == 4);
  CHECK(Value("SEEK_END") == 2);
  CHECK(Value("S_IFMT") == 0170000);
  CHECK(Value("PROT_EXEC") == 4);
  CHECK(Value("MAP_PRIVATE") == 2);
  CHECK(Value("F_GETFL") == 3);
  CHECK(Value("SOCK_STREAM") == 1);
}

TEST_CASE("kinds and reverse lookups") {
  CHECK(FindIdentifier("EPERM")->kind == IdentifierKind::kErrno);
  CHECK(FindIdentifier("SIGTERM")->kind == IdentifierKind::kSignal);
  CHECK(FindIdentifier("O_CREAT")->kind == IdentifierKind::kConstant);
  CHECK(FindIdentifier("EOF") == nullptr);       // stdio.h, not an errno
  CHECK(FindIdentifier("SIG_DFL") == nullptr);   // a pointer, not a number
  CHECK(FindIdentifier("SIGRTMIN") == nullptr);  // a function call in glibc
  CHECK(*ErrnoName(11) == "EAGAIN");
  CHECK(*SignalName(6) == "SIGABRT");
  CHECK(*SignalName(9) == "SIGKILL");
  CHECK(AllIdentifiers().size() > 500);
}

}  // namespace
}  // namespace syd
