#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "src/lang/printer.h"

#include <doctest/doctest.h>

#include <random>

#include "src/lang/parser.h"

namespace syd {
namespace {

// Generates trees the parser can produce, so that the property is exact.
class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}

  int Int(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }
  bool Coin() { return Int(0, 1) == 1; }

  std::string Ident() {
    static const char* kNames[] = {"O_WRONLY", "EPERM", "x",        "_y9",
                                   "SIGKILL",  "load",  "readonly", "allow",
                                   "fault",    "key_2"};
    return kNames[Int(0, 9)];
  }

  std::string Bytes(int max) {
    std::string s;
    int n = Int(0, max);
    for (int i = 0; i < n; ++i) {
      char c = static_cast<char>(Int(1, 255));
      if (c == '\n') c = '"';
      s += c;
    }
    return s;
  }

  Expr MakeExpr(int depth) {
    int k = depth > 3 ? Int(0, 1) : Int(0, 3);
    if (k == 0) {
      uint64_t v = Coin() ? Int(0, 5000) : rng_();
      return Expr::Number(v);
    }
    if (k == 1) return Expr::Identifier(Ident());
    if (k == 2)
      return Expr::Unary(Coin() ? Expr::Op::kNot : Expr::Op::kNeg,
                         MakeExpr(depth + 1));
    static const Expr::Op kOps[] = {
        Expr::Op::kOr,  Expr::Op::kXor, Expr::Op::kAnd, Expr::Op::kShl,
        Expr::Op::kShr, Expr::Op::kAdd, Expr::Op::kSub};
    return Expr::Binary(kOps[Int(0, 6)], MakeExpr(depth + 1),
                        MakeExpr(depth + 1));
  }

  SyscallItem MakeSyscall() {
    SyscallItem s;
    switch (Int(0, 3)) {
      case 0:
        s.kind = SyscallItem::Kind::kName;
        s.text = Ident();
        break;
      case 1:
        s.kind = SyscallItem::Kind::kNumber;
        s.number = Int(0, 600);
        break;
      case 2:
        s.kind = SyscallItem::Kind::kRegex;
        s.text = Coin() ? "open(at)?" : "set.*id";
        break;
      default:
        s.kind = SyscallItem::Kind::kSet;
        s.text = Coin() ? "file_wr" : "%stat";
        break;
    }
    return s;
  }

  ArgExpr MakeArg() {
    ArgExpr a;
    a.arg = Int(-1, 5);
    a.op = static_cast<CmpOp>(Int(0, 13));
    bool string_op = IsStringOnly(a.op) || IsNetwork(a.op);
    bool either = a.op == CmpOp::kEq || a.op == CmpOp::kNe;
    a.is_string = string_op || (either && Coin());
    if (a.is_string) {
      a.text = Bytes(20);
    } else {
      a.expr = MakeExpr(0);
    }
    return a;
  }

  Option MakeOption() {
    Option o;
    o.key = Ident();
    if (Coin()) o.value = Coin() ? Ident() : Bytes(12);
    return o;
  }

  Statement MakeStatement() {
    int k = Int(0, 10);
    if (k == 0) return IncludeStmt{Bytes(15), {}};
    if (k == 10) {
      // The grammar takes any name and any value without space, '"' or
      // '#' (nor ':' in a limit's); the resolver judges them.
      const char* values[] = {"30s", "4G", "unlimited", "1/2",
                              "x=y", "-1", "/a:/b",     "A=B:C"};
      const bool isolate = Int(0, 1) == 1;
      return SettingStmt{isolate ? SettingKind::kIsolate : SettingKind::kLimit,
                         Ident(),
                         values[Int(0, isolate ? 7 : 5)],
                         {},
                         {}};
    }
    if (k == 1) {
      DefaultStmt d;
      d.action = static_cast<Action>(Int(0, 7));
      for (int i = Int(0, 2); i > 0; --i) d.options.push_back(MakeOption());
      return d;
    }
    RuleStmt r;
    // The grammar takes any action and set after each prefix.
    r.prefix = static_cast<RuleStmt::Prefix>(Int(0, 2));
    r.action = static_cast<Action>(Int(0, 7));
    r.edit = static_cast<Edit>(Int(0, 2));
    int nsys = r.edit == Edit::kClear ? Int(0, 2) : Int(1, 3);
    for (int i = 0; i < nsys; ++i) r.syscalls.push_back(MakeSyscall());
    if (r.edit != Edit::kClear || !r.syscalls.empty()) {
      for (int i = Int(0, 3); i > 0; --i) r.args.push_back(MakeArg());
      for (int i = Int(0, 3); i > 0; --i) r.options.push_back(MakeOption());
    }
    return r;
  }

 private:
  std::mt19937_64 rng_;
};

TEST_CASE("parse(print(ast)) == ast over generated trees") {
  const uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  Gen gen(seed);
  for (int i = 0; i < 3000; ++i) {
    ParsedFile f;
    for (int n = gen.Int(1, 4); n > 0; --n)
      f.statements.push_back(gen.MakeStatement());
    std::string text = PrintFile(f);
    Diagnostics diags;
    ParsedFile back = Parse(std::make_shared<SourceFile>("gen", text), diags);
    std::string first_error =
        diags.all().empty() ? "" : FormatDiagnostic(diags.all().front());
    REQUIRE_MESSAGE(!diags.has_errors(), text << "\n" << first_error);
    REQUIRE_MESSAGE(back.statements == f.statements, text);
  }
}

TEST_CASE("canonical text of the seed's samples") {
  const char* kText =
      "sys/allow+/openat:arg2!&O_WRONLY|O_RDWR|O_CREAT\n"
      "sys/trace+%file:arg_=~\"/home/[^/]+/\\.(gnupg|netrc).*\":fault=EPERM\n"
      "sys/trace+%%stat:arg_@~\"/dev/sydbox/"
      "?.*\":load=magic_stat:readonly=0:initonly=1\n"
      "default/fault:error=ENOSYS\n";
  Diagnostics diags;
  ParsedFile f = Parse(std::make_shared<SourceFile>("x", kText), diags);
  REQUIRE(!diags.has_errors());
  CHECK(PrintFile(f) == kText);
}

TEST_CASE("expressions print with the parentheses they need, no more") {
  Diagnostics diags;
  auto text =
      std::make_shared<SourceFile>("x",
                                   "sys/"
                                   "allow+a:arg0=(1|2)&3:arg1=1-(2-3):arg2=(1-"
                                   "2)-3:arg3=~(1|2):arg4=-(-1)\n");
  ParsedFile f = Parse(text, diags);
  REQUIRE(!diags.has_errors());
  CHECK(PrintFile(f) ==
        "sys/"
        "allow+a:arg0=(1|2)&3:arg1=1-(2-3):arg2=1-2-3:arg3=~(1|2):arg4=--1\n");
}

}  // namespace
}  // namespace syd
