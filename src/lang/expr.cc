#include "src/lang/expr.h"

#include "src/base/strcat.h"
#include "src/lang/identifiers.h"
#include "src/lang/suggest.h"

namespace syd {
namespace {

const std::vector<std::string_view>& IdentifierNames() {
  static const auto* names = [] {
    auto* v = new std::vector<std::string_view>;
    for (const Identifier& id : AllIdentifiers()) v->push_back(id.name);
    return v;
  }();
  return *names;
}

}  // namespace

std::optional<uint64_t> EvaluateExpr(const Expr& e, Diagnostics& diags) {
  switch (e.kind) {
    case Expr::Kind::kNumber:
      return e.number;
    case Expr::Kind::kIdentifier: {
      const Identifier* id = FindIdentifier(e.name);
      if (id == nullptr) {
        diags.Error(e.location, StrCat("unknown identifier '", e.name, "'",
                                       DidYouMean(e.name, IdentifierNames())));
        return std::nullopt;
      }
      return static_cast<uint64_t>(id->value);
    }
    case Expr::Kind::kUnary: {
      std::optional<uint64_t> v = EvaluateExpr(e.operands[0], diags);
      if (!v) return std::nullopt;
      return e.op == Expr::Op::kNot ? ~*v : 0 - *v;
    }
    case Expr::Kind::kBinary: {
      std::optional<uint64_t> l = EvaluateExpr(e.operands[0], diags);
      std::optional<uint64_t> r = EvaluateExpr(e.operands[1], diags);
      if (!l || !r) return std::nullopt;
      switch (e.op) {
        case Expr::Op::kOr:
          return *l | *r;
        case Expr::Op::kXor:
          return *l ^ *r;
        case Expr::Op::kAnd:
          return *l & *r;
        case Expr::Op::kAdd:
          return *l + *r;
        case Expr::Op::kSub:
          return *l - *r;
        case Expr::Op::kShl:
        case Expr::Op::kShr:
          if (*r >= 64) {
            diags.Error(e.location, StrCat("shift by ", *r,
                                           " bits: shifts must be below 64"));
            return std::nullopt;
          }
          return e.op == Expr::Op::kShl ? *l << *r : *l >> *r;
        default:
          break;
      }
      break;
    }
  }
  return std::nullopt;
}

}  // namespace syd
