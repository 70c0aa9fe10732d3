// Folds an arithmetic expression to a number.
#ifndef SYD_LANG_EXPR_H_
#define SYD_LANG_EXPR_H_

#include <cstdint>
#include <optional>

#include "src/lang/ast.h"
#include "src/lang/source.h"

namespace syd {

// Evaluates `e` in 64-bit unsigned arithmetic (wrapping, as C's uint64_t);
// identifiers come from the generated tables. Reports unknown identifiers
// (with a suggestion) and shifts of 64 bits or more.
std::optional<uint64_t> EvaluateExpr(const Expr& e, Diagnostics& diags);

}  // namespace syd

#endif  // SYD_LANG_EXPR_H_
