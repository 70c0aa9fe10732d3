#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/lang/parser.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "src/lang/printer.h"

namespace syd {
namespace {

struct Result {
  ParsedFile file;
  Diagnostics diags;
};

Result ParseText(std::string text, const std::string& name = "t.syd") {
  Result r;
  r.file = Parse(std::make_shared<SourceFile>(name, std::move(text)), r.diags);
  return r;
}

std::string FirstError(const Result& r) {
  for (const Diagnostic& d : r.diags.all()) {
    if (d.severity == Severity::kError) return FormatDiagnostic(d);
  }
  return "";
}

const RuleStmt& OnlyRule(const Result& r) {
  REQUIRE_MESSAGE(!r.diags.has_errors(), FirstError(r));
  REQUIRE(r.file.statements.size() == 1);
  return std::get<RuleStmt>(r.file.statements[0]);
}

TEST_CASE("every sample line of the seed parses") {
  std::ifstream in("testdata/seed_samples.syd");
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  Result r = ParseText(ss.str(), "testdata/seed_samples.syd");
  CHECK_MESSAGE(!r.diags.has_errors(), FirstError(r));
  CHECK(r.file.statements.size() == 28);
}

TEST_CASE("a rule's parts land in the tree") {
  Result r = ParseText("sys/allow+/openat:arg2!&O_WRONLY|O_RDWR|O_CREAT\n");
  const RuleStmt& rule = OnlyRule(r);
  CHECK(rule.action == Action::kAllow);
  CHECK(rule.edit == Edit::kAdd);
  REQUIRE(rule.syscalls.size() == 1);
  CHECK(rule.syscalls[0].kind == SyscallItem::Kind::kRegex);
  CHECK(rule.syscalls[0].text == "openat");
  CHECK(rule.syscalls[0].location.column == 11);
  REQUIRE(rule.args.size() == 1);
  CHECK(rule.args[0].arg == 2);
  CHECK(rule.args[0].op == CmpOp::kMaskNone);
  CHECK(PrintExpr(rule.args[0].expr) == "O_WRONLY|O_RDWR|O_CREAT");
  CHECK(rule.args[0].location.column == 19);
}

TEST_CASE("=~ with a string is a regex match; =~ with a number is = ~N") {
  Result r_a = ParseText("sys/allow+write:arg0=~0\n");
  const RuleStmt& a = OnlyRule(r_a);
  CHECK(a.args[0].op == CmpOp::kEq);
  CHECK(PrintExpr(a.args[0].expr) == "~0");
  Result rb = ParseText("sys/trace+open:arg_=~\"^/tmp\":allow\n");
  const RuleStmt& b = OnlyRule(rb);
  CHECK(b.args[0].op == CmpOp::kMatch);
  CHECK(b.args[0].text == "^/tmp");
  CHECK(b.options[0].key == "allow");
}

TEST_CASE("strings keep backslashes that are not escapes") {
  Result r_r = ParseText(R"(sys/trace+open:arg_=~"a\.b\"c\\d":allow)");
  const RuleStmt& r = OnlyRule(r_r);
  CHECK(r.args[0].text == R"(a\.b"c\d)");
}

TEST_CASE("numbers: decimal, hex, octal, negative") {
  Result r_r =
      ParseText("sys/allow+write:arg0=10:arg1=0x1F:arg2=0644:arg3=-1\n");
  const RuleStmt& r = OnlyRule(r_r);
  CHECK(r.args[0].expr.number == 10);
  CHECK(r.args[1].expr.number == 31);
  CHECK(r.args[2].expr.number == 0644);
  CHECK(r.args[3].expr.kind == Expr::Kind::kUnary);
}

TEST_CASE("precedence follows C: a|b&c<<1+1") {
  Result r_r = ParseText("sys/allow+write:arg0=1|2&3<<1+1\n");
  const RuleStmt& r = OnlyRule(r_r);
  const Expr& e = r.args[0].expr;
  REQUIRE(e.kind == Expr::Kind::kBinary);
  CHECK(e.op == Expr::Op::kOr);
  CHECK(e.operands[1].op == Expr::Op::kAnd);
  CHECK(e.operands[1].operands[1].op == Expr::Op::kShl);
  CHECK(e.operands[1].operands[1].operands[1].op == Expr::Op::kAdd);
}

TEST_CASE("edits, default, include, comments, lists") {
  Result r = ParseText(
      "# a comment\n"
      "\n"
      "sys/allow-read,write,1 # trailing\n"
      "sys/allow^\n"
      "sys/trace^%file\n"
      "default/fault:error=ENOSYS\n"
      "include \"other file.syd\"\n"
      "include base.syd\n"
      "sys/trace+%%stat:load=magic_stat:readonly=0:initonly=1\n");
  REQUIRE_MESSAGE(!r.diags.has_errors(), FirstError(r));
  REQUIRE(r.file.statements.size() == 7);
  const auto& rm = std::get<RuleStmt>(r.file.statements[0]);
  CHECK(rm.edit == Edit::kRemove);
  CHECK(rm.syscalls.size() == 3);
  CHECK(rm.syscalls[2].kind == SyscallItem::Kind::kNumber);
  CHECK(std::get<RuleStmt>(r.file.statements[1]).syscalls.empty());
  CHECK(std::get<RuleStmt>(r.file.statements[2]).syscalls[0].text == "file");
  const auto& def = std::get<DefaultStmt>(r.file.statements[3]);
  CHECK(def.action == Action::kFault);
  CHECK(*def.options[0].value == "ENOSYS");
  CHECK(std::get<IncludeStmt>(r.file.statements[4]).path == "other file.syd");
  CHECK(std::get<IncludeStmt>(r.file.statements[5]).path == "base.syd");
  CHECK(std::get<RuleStmt>(r.file.statements[6]).syscalls[0].text == "%stat");
}

TEST_CASE("limit/NAME=VALUE keeps name and value as written") {
  Result r = ParseText("limit/timeout=30s # half a minute\nlimit/as=4G\n");
  REQUIRE_MESSAGE(!r.diags.has_errors(), FirstError(r));
  REQUIRE(r.file.statements.size() == 2);
  const auto& t = std::get<SettingStmt>(r.file.statements[0]);
  CHECK(t.kind == SettingKind::kLimit);
  CHECK(t.name == "timeout");
  CHECK(t.value == "30s");
  CHECK(t.value_location.column == 15);
  CHECK(PrintStatement(r.file.statements[1]) == "limit/as=4G");
  auto err = [](const char* text) { return FirstError(ParseText(text)); };
  CHECK(err("limit/").find("1:7: error: expected a limit's name") !=
        std::string::npos);
  CHECK(err("limit/timeout").find("1:14: error: expected '='") !=
        std::string::npos);
  CHECK(err("limit/timeout=").find("1:15: error: expected the limit's value") !=
        std::string::npos);
  CHECK(err("limit/timeout=1s:x").find("unexpected text") != std::string::npos);
}

TEST_CASE("isolate/NAME=VALUE keeps ':' and '=' in its value") {
  Result r = ParseText(
      "isolate/bind_ro=/usr:/usr # the system\nisolate/setenv=A=B:C\n");
  REQUIRE_MESSAGE(!r.diags.has_errors(), FirstError(r));
  REQUIRE(r.file.statements.size() == 2);
  const auto& b = std::get<SettingStmt>(r.file.statements[0]);
  CHECK(b.kind == SettingKind::kIsolate);
  CHECK(b.name == "bind_ro");
  CHECK(b.value == "/usr:/usr");
  CHECK(b.value_location.column == 17);
  CHECK(PrintStatement(r.file.statements[1]) == "isolate/setenv=A=B:C");
  auto err = [](const char* text) { return FirstError(ParseText(text)); };
  CHECK(err("isolate/").find("1:9: error: expected a setting's name") !=
        std::string::npos);
  CHECK(err("isolate/bind").find("1:13: error: expected '='") !=
        std::string::npos);
  CHECK(
      err("isolate/bind=").find("1:14: error: expected the setting's value") !=
      std::string::npos);
  CHECK(err("isolate/bind=/a b").find("unexpected text") != std::string::npos);
}

TEST_CASE("errors name file:line:col and show a caret") {
  Result r = ParseText("sys/allow+open\nsys/allow+open:arg0\n", "f.syd");
  std::string e = FirstError(r);
  CHECK(e.find("f.syd:2:20: error: expected a comparison") == 0);
  CHECK(e.find("\n  sys/allow+open:arg0\n                     ^\n") !=
        std::string::npos);
  // The good line still parsed.
  CHECK(r.file.statements.size() == 1);
}

TEST_CASE("specific errors") {
  auto err = [](const char* text) { return FirstError(ParseText(text)); };
  CHECK(err("sys/allow+open:arg6=1")
            .find("1:16: error: 'arg6': syscalls have six") !=
        std::string::npos);
  CHECK(err("sys/alow+open").find("unknown action 'alow'") !=
        std::string::npos);
  CHECK(err("sys/allow open").find("expected '+'") != std::string::npos);
  CHECK(err("sys/trace+open:arg_=~\"abc").find("unterminated string") !=
        std::string::npos);
  CHECK(err("sys/trace+open:arg_!~abc").find("needs a double-quoted string") !=
        std::string::npos);
  CHECK(err("sys/allow+open:arg0=08").find("malformed number '08'") !=
        std::string::npos);
  CHECK(err("sys/allow+open:arg0=99999999999999999999").find("does not fit") !=
        std::string::npos);
  CHECK(err("sys/allow+open:arg0=(1").find("expected ')'") !=
        std::string::npos);
  CHECK(err("sys/allow+open:arg0=1|")
            .find("expected a number, an identifier or '('") !=
        std::string::npos);
  CHECK(err("sys/allow+open x").find("unexpected text") != std::string::npos);
  CHECK(err("allow open").find("expected a statement") != std::string::npos);
  CHECK(err("sys/allow+open,").find("after ','") != std::string::npos);
  CHECK(err("sys/allow+open:").find("after ':'") != std::string::npos);
  CHECK(err("sys/allow+open:error=").find("expected a value after '='") !=
        std::string::npos);
}

TEST_CASE("hostile input is rejected without a crash") {
  std::string deep = "sys/allow+open:arg0=" + std::string(100000, '(') + "1";
  CHECK(FirstError(ParseText(deep)).find("nest deeper") != std::string::npos);
  std::string tildes = "sys/allow+open:arg0=" + std::string(100000, '~') + "1";
  CHECK(FirstError(ParseText(tildes)).find("unary operators") !=
        std::string::npos);
  CHECK(
      FirstError(ParseText(std::string("sys/allow+op\0en", 15))).find("NUL") !=
      std::string::npos);
  std::string long_string =
      "sys/trace+open:arg_=\"" + std::string(5000, 'a') + "\":allow";
  CHECK(FirstError(ParseText(long_string)).find("longer than 4096") !=
        std::string::npos);
  std::string huge(1 << 20, 'x');
  CHECK(ParseText(huge).diags.has_errors());
  CHECK(ParseText("sys/trace+open:arg_=\"\xff\xfe\":allow")
            .file.statements.size() == 1);
}

TEST_CASE("ParseExpression parses a lone value") {
  Diagnostics d;
  auto file = std::make_shared<SourceFile>("x", "");
  std::optional<Expr> e = ParseExpression("-1", Location{file, 1, 1}, d);
  REQUIRE(e);
  CHECK(PrintExpr(*e) == "-1");
  CHECK_FALSE(ParseExpression("1 +", Location{file, 1, 1}, d));
}

}  // namespace
}  // namespace syd
