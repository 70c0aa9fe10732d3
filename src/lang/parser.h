// Text to syntax tree.
#ifndef SYD_LANG_PARSER_H_
#define SYD_LANG_PARSER_H_

#include <memory>
#include <optional>
#include <string_view>

#include "src/lang/ast.h"
#include "src/lang/source.h"

namespace syd {

// Limits that keep any input cheap to reject.
inline constexpr int kMaxNesting =
    64;  // parentheses or unary operators in a row
inline constexpr size_t kMaxStringLength = 4096;  // PATH_MAX

// Parses every line of `source`. A line with an error is reported to `diags`
// and left out; the other lines are still parsed, so one run shows every
// error. Never throws.
ParsedFile Parse(const std::shared_ptr<const SourceFile>& source,
                 Diagnostics& diags);

// Parses an arithmetic expression that stands alone (an option's value such
// as retval=-1). `loc` is where the text starts.
std::optional<Expr> ParseExpression(std::string_view text, const Location& loc,
                                    Diagnostics& diags);

}  // namespace syd

#endif  // SYD_LANG_PARSER_H_
