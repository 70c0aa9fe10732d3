#include <cerrno>
#include <cstdlib>
#include <string>
#include <utility>

#include "src/base/strcat.h"
#include "src/lang/parse_tree.h"
#include "src/lang/parser.h"

namespace syd::parse_tree {
namespace {

// Turns one line's parse tree into statements, reporting what the grammar
// leaves to it (malformed numbers, unknown actions, over-long strings).
class Converter {
 public:
  Converter(std::shared_ptr<const SourceFile> source, Diagnostics& diags)
      : source_(std::move(source)), diags_(diags) {}

  // n.begin() would build a pegtl::position that refers to the input's
  // source name, which is gone once the input is: read the iterator.
  Location Loc(const Node& n) const {
    return Location{source_, static_cast<int>(n.m_begin.line),
                    static_cast<int>(n.m_begin.column)};
  }

  bool ok() const { return ok_; }

  void Error(const Location& loc, std::string msg) {
    diags_.Error(loc, std::move(msg));
    ok_ = false;
  }

  std::optional<syd::Statement> ToStatement(const Node& n) {
    if (n.is_type<g::rule>()) return Rule(n);
    if (n.is_type<g::default_stmt>()) return Default(n);
    if (n.is_type<g::limit_stmt>() || n.is_type<g::isolate_stmt>()) {
      SettingStmt setting;
      setting.kind = n.is_type<g::limit_stmt>() ? SettingKind::kLimit
                                                : SettingKind::kIsolate;
      setting.location = Loc(n);
      setting.name = n.children.at(0)->string();
      setting.value = n.children.at(1)->string();
      setting.value_location = Loc(*n.children.at(1));
      return setting;
    }
    if (n.is_type<g::include_stmt>()) {
      IncludeStmt inc;
      inc.location = Loc(n);
      const Node& target = *n.children.front();
      inc.path =
          target.is_type<g::string_body>() ? Unescape(target) : target.string();
      return inc;
    }
    return std::nullopt;
  }

  std::optional<Expr> ExprFrom(const Node& n) {
    if (n.is_type<g::number>()) {
      Expr e = Expr::Number(NumberValue(n));
      e.location = Loc(n);
      return e;
    }
    if (n.is_type<g::expr_ident>()) {
      Expr e = Expr::Identifier(n.string());
      e.location = Loc(n);
      return e;
    }
    if (n.is_type<g::operand>()) {
      // unary_op* primary: apply the innermost operator first.
      std::optional<Expr> e = ExprFrom(*n.children.back());
      if (!e) return std::nullopt;
      if (n.children.size() - 1 > kMaxNesting) {
        Error(Loc(n),
              StrCat("more than ", kMaxNesting, " unary operators in a row"));
        return std::nullopt;
      }
      for (size_t i = n.children.size() - 1; i-- > 0;) {
        Location loc = Loc(*n.children[i]);
        Expr::Op op = n.children[i]->string_view() == "~" ? Expr::Op::kNot
                                                          : Expr::Op::kNeg;
        *e = Expr::Unary(op, std::move(*e));
        e->location = loc;
      }
      return e;
    }
    // expr: operand (op operand)*, grouped by precedence climbing.
    size_t next = 0;
    return Climb(n, &next, 0);
  }

 private:
  // Parses children[*next...] of an expr node as operands joined by
  // operators that bind tighter than `min`, left-associative.
  std::optional<Expr> Climb(const Node& n, size_t* next, int min) {
    std::optional<Expr> lhs = ExprFrom(*n.children[(*next)++]);
    while (lhs && *next + 1 < n.children.size()) {
      const Node& op_node = *n.children[*next];
      Expr::Op op = BinaryOp(op_node);
      int p = Expr::Precedence(op);
      if (p <= min) break;
      ++*next;
      std::optional<Expr> rhs = Climb(n, next, p);
      if (!rhs) return std::nullopt;
      *lhs = Expr::Binary(op, std::move(*lhs), std::move(*rhs));
      lhs->location = Loc(op_node);
    }
    return lhs;
  }

  static Expr::Op BinaryOp(const Node& op) {
    std::string_view s = op.string_view();
    if (s == "|") return Expr::Op::kOr;
    if (s == "^") return Expr::Op::kXor;
    if (s == "&") return Expr::Op::kAnd;
    if (s == "<<") return Expr::Op::kShl;
    if (s == ">>") return Expr::Op::kShr;
    if (s == "+") return Expr::Op::kAdd;
    return Expr::Op::kSub;
  }

  // Decimal, 0x hex or 0 octal, as C writes them.
  uint64_t NumberValue(const Node& n) {
    std::string text = n.string();
    int base = 10;
    std::string digits = text;
    if (text.size() > 2 && text[0] == '0' &&
        (text[1] == 'x' || text[1] == 'X')) {
      base = 16;
      digits = text.substr(2);
    } else if (text.size() > 1 && text[0] == '0') {
      base = 8;
      digits = text.substr(1);
    }
    errno = 0;
    char* end = nullptr;
    unsigned long long v = std::strtoull(digits.c_str(), &end, base);
    if (digits.empty() || *end != '\0' || digits[0] == '-' ||
        digits[0] == '+') {
      Error(Loc(n), StrCat("malformed number '", text, "'"));
      return 0;
    }
    if (errno == ERANGE) {
      Error(Loc(n), StrCat("number '", text, "' does not fit in 64 bits"));
      return 0;
    }
    return v;
  }

  std::string Unescape(const Node& n) {
    std::string_view s = n.string_view();
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\\' && i + 1 < s.size() &&
          (s[i + 1] == '"' || s[i + 1] == '\\'))
        ++i;
      out += s[i];
    }
    if (out.size() > kMaxStringLength) {
      Error(Loc(n), StrCat("string of ", out.size(), " bytes is longer than ",
                           kMaxStringLength, " (PATH_MAX)"));
    }
    return out;
  }

  std::optional<Action> ActionFrom(const Node& n) {
    std::optional<Action> a = ActionFromName(n.string_view());
    if (!a) {
      Error(Loc(n),
            StrCat("unknown action '", n.string_view(),
                   "' (actions: kill_process, kill_thread, fault, trap, log, "
                   "allow, user, trace)"));
    }
    return a;
  }

  Option OptionFrom(const Node& n) {
    Option o;
    o.location = Loc(n);
    o.key = n.children[0]->string();
    if (n.children.size() > 1) {
      const Node& v = *n.children[1];
      o.value_location = Loc(v);
      o.value = v.is_type<g::string_body>() ? Unescape(v) : v.string();
    }
    return o;
  }

  static CmpOp OpFrom(const Node& n) {
    if (n.is_type<g::op_eq>()) return CmpOp::kEq;
    if (n.is_type<g::op_ne>()) return CmpOp::kNe;
    if (n.is_type<g::op_gt>()) return CmpOp::kGt;
    if (n.is_type<g::op_ge>()) return CmpOp::kGe;
    if (n.is_type<g::op_lt>()) return CmpOp::kLt;
    if (n.is_type<g::op_le>()) return CmpOp::kLe;
    if (n.is_type<g::op_mask_any>()) return CmpOp::kMaskAny;
    if (n.is_type<g::op_mask_none>()) return CmpOp::kMaskNone;
    if (n.is_type<g::op_match>()) return CmpOp::kMatch;
    if (n.is_type<g::op_not_match>()) return CmpOp::kNotMatch;
    if (n.is_type<g::op_glob>()) return CmpOp::kGlob;
    if (n.is_type<g::op_not_glob>()) return CmpOp::kNotGlob;
    if (n.is_type<g::op_net_match>()) return CmpOp::kNetMatch;
    return CmpOp::kNetNotMatch;
  }

  std::optional<ArgExpr> ArgFrom(const Node& n) {
    ArgExpr a;
    a.location = Loc(n);
    const Node& ref = *n.children[0];
    std::string_view which = ref.string_view().substr(3);
    if (which == "_") {
      a.arg = kArgAuto;
    } else if (which.size() == 1 && which[0] >= '0' && which[0] <= '5') {
      a.arg = which[0] - '0';
    } else {
      Error(Loc(ref),
            StrCat("'", ref.string_view(),
                   "': syscalls have six arguments, arg0 to arg5 (arg_ "
                   "names the path or address argument)"));
      return std::nullopt;
    }
    a.op = OpFrom(*n.children[1]);
    const Node& v = *n.children[2];
    a.value_location = Loc(v);
    if (v.is_type<g::string_body>()) {
      a.is_string = true;
      a.text = Unescape(v);
    } else {
      std::optional<Expr> e = ExprFrom(v);
      if (!e) return std::nullopt;
      a.expr = std::move(*e);
    }
    return a;
  }

  std::optional<SyscallItem> SyscallFrom(const Node& n) {
    SyscallItem s;
    s.location = Loc(n);
    if (n.is_type<g::sys_set>()) {
      s.kind = SyscallItem::Kind::kSet;
      // %%stat keeps its second '%' in the name.
      s.text = n.string_view()[1] == '%' ? "%" + n.children[0]->string()
                                         : n.children[0]->string();
    } else if (n.is_type<g::sys_regex_body>()) {
      s.kind = SyscallItem::Kind::kRegex;
      s.location.column -= 1;  // point at the '/'
      s.text = n.string();
    } else if (n.is_type<g::sys_number>()) {
      s.kind = SyscallItem::Kind::kNumber;
      s.number = static_cast<int64_t>(NumberValue(n));
      s.text = n.string();
    } else {
      s.kind = SyscallItem::Kind::kName;
      s.text = n.string();
    }
    return s;
  }

  std::optional<syd::Statement> Rule(const Node& n) {
    RuleStmt r;
    r.location = Loc(n);
    size_t first = 0;
    if (n.children[0]->is_type<g::envelope_prefix>()) {
      r.prefix = RuleStmt::Prefix::kRuntime;
      first = 1;
    } else if (n.children[0]->is_type<g::baseline_prefix>()) {
      r.prefix = RuleStmt::Prefix::kBaseline;
      first = 1;
    }
    std::optional<Action> action = ActionFrom(*n.children[first]);
    if (!action) return std::nullopt;
    r.action = *action;
    for (size_t i = first + 1; i < n.children.size(); ++i) {
      const Node& c = *n.children[i];
      if (c.is_type<g::edit_add>()) {
        r.edit = Edit::kAdd;
      } else if (c.is_type<g::edit_remove>()) {
        r.edit = Edit::kRemove;
      } else if (c.is_type<g::edit_clear>()) {
        r.edit = Edit::kClear;
      } else if (c.is_type<g::arg_expr>()) {
        std::optional<ArgExpr> a = ArgFrom(c);
        if (!a) return std::nullopt;
        r.args.push_back(std::move(*a));
      } else if (c.is_type<g::option>()) {
        r.options.push_back(OptionFrom(c));
      } else {
        std::optional<SyscallItem> s = SyscallFrom(c);
        if (!s) return std::nullopt;
        r.syscalls.push_back(std::move(*s));
      }
    }
    return r;
  }

  std::optional<syd::Statement> Default(const Node& n) {
    DefaultStmt d;
    d.location = Loc(n);
    std::optional<Action> action = ActionFrom(*n.children[0]);
    if (!action) return std::nullopt;
    d.action = *action;
    for (size_t i = 1; i < n.children.size(); ++i)
      d.options.push_back(OptionFrom(*n.children[i]));
    return d;
  }

  std::shared_ptr<const SourceFile> source_;
  Diagnostics& diags_;
  bool ok_ = true;
};

}  // namespace

void AppendStatements(const Node& line,
                      const std::shared_ptr<const SourceFile>& source,
                      Diagnostics& diags, std::vector<Statement>* out) {
  Converter conv(source, diags);
  for (const auto& child : line.children) {
    std::optional<Statement> st = conv.ToStatement(*child);
    if (st && conv.ok()) out->push_back(std::move(*st));
  }
}

std::optional<Expr> ExprFrom(const Node& n,
                             const std::shared_ptr<const SourceFile>& source,
                             Diagnostics& diags) {
  Converter conv(source, diags);
  std::optional<Expr> e = conv.ExprFrom(n);
  if (!conv.ok()) return std::nullopt;
  return e;
}

}  // namespace syd::parse_tree
