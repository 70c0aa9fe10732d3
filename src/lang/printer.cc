#include "src/lang/printer.h"

#include "absl/strings/str_format.h"
#include "src/base/strcat.h"

namespace syd {
namespace {

std::string_view OpText(Expr::Op op) {
  switch (op) {
    case Expr::Op::kOr:
      return "|";
    case Expr::Op::kXor:
      return "^";
    case Expr::Op::kAnd:
      return "&";
    case Expr::Op::kShl:
      return "<<";
    case Expr::Op::kShr:
      return ">>";
    case Expr::Op::kAdd:
      return "+";
    case Expr::Op::kSub:
    case Expr::Op::kNeg:
      return "-";
    case Expr::Op::kNot:
      return "~";
    case Expr::Op::kNone:
      break;
  }
  return "?";
}

void AppendExpr(const Expr& e, std::string* out) {
  switch (e.kind) {
    case Expr::Kind::kNumber:
      StrAppend(out, e.number < 4096 ? StrCat(e.number)
                                     : absl::StrFormat("%#x", e.number));
      return;
    case Expr::Kind::kIdentifier:
      StrAppend(out, e.name);
      return;
    case Expr::Kind::kUnary: {
      StrAppend(out, OpText(e.op));
      const Expr& x = e.operands[0];
      bool paren = x.kind == Expr::Kind::kBinary;
      if (paren) out->push_back('(');
      AppendExpr(x, out);
      if (paren) out->push_back(')');
      return;
    }
    case Expr::Kind::kBinary: {
      int p = Expr::Precedence(e.op);
      const Expr& l = e.operands[0];
      const Expr& r = e.operands[1];
      // Left-associative: a right operand of equal precedence needs
      // parentheses.
      bool lp = l.kind == Expr::Kind::kBinary && Expr::Precedence(l.op) < p;
      bool rp = r.kind == Expr::Kind::kBinary && Expr::Precedence(r.op) <= p;
      if (lp) out->push_back('(');
      AppendExpr(l, out);
      if (lp) out->push_back(')');
      StrAppend(out, OpText(e.op));
      if (rp) out->push_back('(');
      AppendExpr(r, out);
      if (rp) out->push_back(')');
      return;
    }
  }
}

bool IsBare(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v) {
    if (c == ':' || c == ' ' || c == '\t' || c == '"' || c == '#' ||
        c == '\n' || c == '\0') {
      return false;
    }
  }
  return true;
}

std::string PrintSyscalls(const std::vector<SyscallItem>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    const SyscallItem& s = items[i];
    switch (s.kind) {
      case SyscallItem::Kind::kName:
        out += s.text;
        break;
      case SyscallItem::Kind::kNumber:
        StrAppend(&out, s.number);
        break;
      case SyscallItem::Kind::kRegex:
        StrAppend(&out, "/", s.text);
        break;
      case SyscallItem::Kind::kSet:
        StrAppend(&out, "%", s.text);
        break;
    }
  }
  return out;
}

std::string PrintArg(const ArgExpr& a) {
  std::string out = a.arg == kArgAuto ? "arg_" : StrCat("arg", a.arg);
  StrAppend(&out, CmpOpText(a.op));
  if (a.is_string) {
    StrAppend(&out, QuoteString(a.text));
  } else {
    AppendExpr(a.expr, &out);
  }
  return out;
}

}  // namespace

std::string PrintExpr(const Expr& e) {
  std::string out;
  AppendExpr(e, &out);
  return out;
}

std::string QuoteString(std::string_view s) {
  // A backslash is escaped only where the parser would read it as an escape:
  // before '"' or '\\', or at the end. Regexes keep their \. and \d as written.
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool escape = c == '"' ||
                  (c == '\\' &&
                   (i + 1 == s.size() || s[i + 1] == '"' || s[i + 1] == '\\'));
    if (escape) out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string_view PrefixText(RuleStmt::Prefix p) {
  switch (p) {
    case RuleStmt::Prefix::kSys:
      break;
    case RuleStmt::Prefix::kRuntime:
      return "runtime/";
    case RuleStmt::Prefix::kBaseline:
      return "baseline/";
  }
  return "sys/";
}

std::string PrintOption(const Option& o) {
  if (!o.value) return o.key;
  return StrCat(o.key, "=",
                IsBare(*o.value) ? *o.value : QuoteString(*o.value));
}

std::string PrintStatement(const Statement& st) {
  if (const auto* r = std::get_if<RuleStmt>(&st)) {
    char edit = r->edit == Edit::kAdd      ? '+'
                : r->edit == Edit::kRemove ? '-'
                                           : '^';
    std::string out = StrCat(PrefixText(r->prefix), ActionName(r->action),
                             std::string(1, edit), PrintSyscalls(r->syscalls));
    for (const ArgExpr& a : r->args) StrAppend(&out, ":", PrintArg(a));
    for (const Option& o : r->options) StrAppend(&out, ":", PrintOption(o));
    return out;
  }
  if (const auto* d = std::get_if<DefaultStmt>(&st)) {
    std::string out = StrCat("default/", ActionName(d->action));
    for (const Option& o : d->options) StrAppend(&out, ":", PrintOption(o));
    return out;
  }
  if (const auto* l = std::get_if<SettingStmt>(&st)) {
    return StrCat(l->kind == SettingKind::kLimit ? "limit/" : "isolate/",
                  l->name, "=", l->value);
  }
  return StrCat("include ", QuoteString(std::get<IncludeStmt>(st).path));
}

std::string PrintFile(const ParsedFile& f) {
  std::string out;
  for (const Statement& s : f.statements)
    StrAppend(&out, PrintStatement(s), "\n");
  return out;
}

}  // namespace syd
