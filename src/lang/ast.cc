#include "src/lang/ast.h"

#include <utility>

namespace syd {

std::string_view ActionName(Action a) {
  return kActionNames[static_cast<int>(a)];
}

std::optional<Action> ActionFromName(std::string_view name) {
  for (size_t i = 0; i < std::size(kActionNames); ++i) {
    if (kActionNames[i] == name) return static_cast<Action>(i);
  }
  return std::nullopt;
}

std::string_view CmpOpText(CmpOp op) {
  static constexpr std::string_view kText[] = {"=",  "!=", ">",  ">=", "<",
                                               "<=", "&",  "!&", "=~", "!~",
                                               "=*", "!*", "@~", "@!"};
  return kText[static_cast<int>(op)];
}

bool IsArithmeticOnly(CmpOp op) {
  return op == CmpOp::kGt || op == CmpOp::kGe || op == CmpOp::kLt ||
         op == CmpOp::kLe || op == CmpOp::kMaskAny || op == CmpOp::kMaskNone;
}

bool IsStringOnly(CmpOp op) {
  return op == CmpOp::kMatch || op == CmpOp::kNotMatch || op == CmpOp::kGlob ||
         op == CmpOp::kNotGlob;
}

bool IsNetwork(CmpOp op) {
  return op == CmpOp::kNetMatch || op == CmpOp::kNetNotMatch;
}

int Expr::Precedence(Op op) {
  switch (op) {
    case Op::kOr:
      return 1;
    case Op::kXor:
      return 2;
    case Op::kAnd:
      return 3;
    case Op::kShl:
    case Op::kShr:
      return 4;
    case Op::kAdd:
    case Op::kSub:
      return 5;
    default:
      return 6;
  }
}

Expr Expr::Number(uint64_t v) {
  Expr e;
  e.kind = Kind::kNumber;
  e.number = v;
  return e;
}

Expr Expr::Identifier(std::string name) {
  Expr e;
  e.kind = Kind::kIdentifier;
  e.name = std::move(name);
  return e;
}

Expr Expr::Unary(Op op, Expr operand) {
  Expr e;
  e.kind = Kind::kUnary;
  e.op = op;
  e.operands.push_back(std::move(operand));
  return e;
}

Expr Expr::Binary(Op op, Expr lhs, Expr rhs) {
  Expr e;
  e.kind = Kind::kBinary;
  e.op = op;
  e.operands.push_back(std::move(lhs));
  e.operands.push_back(std::move(rhs));
  return e;
}

bool operator==(const Expr& a, const Expr& b) {
  return a.kind == b.kind && a.op == b.op && a.number == b.number &&
         a.name == b.name && a.operands == b.operands;
}

bool operator==(const SyscallItem& a, const SyscallItem& b) {
  // A number's spelling (0x10 or 16) is not part of its meaning.
  if (a.kind == SyscallItem::Kind::kNumber)
    return b.kind == a.kind && a.number == b.number;
  return a.kind == b.kind && a.text == b.text;
}

bool operator==(const ArgExpr& a, const ArgExpr& b) {
  return a.arg == b.arg && a.op == b.op && a.is_string == b.is_string &&
         (a.is_string ? a.text == b.text : a.expr == b.expr);
}

bool operator==(const Option& a, const Option& b) {
  return a.key == b.key && a.value == b.value;
}

bool operator==(const RuleStmt& a, const RuleStmt& b) {
  return a.prefix == b.prefix && a.action == b.action && a.edit == b.edit &&
         a.syscalls == b.syscalls && a.args == b.args && a.options == b.options;
}

bool operator==(const DefaultStmt& a, const DefaultStmt& b) {
  return a.action == b.action && a.options == b.options;
}

bool operator==(const IncludeStmt& a, const IncludeStmt& b) {
  return a.path == b.path;
}

bool operator==(const SettingStmt& a, const SettingStmt& b) {
  return a.kind == b.kind && a.name == b.name && a.value == b.value;
}

}  // namespace syd
