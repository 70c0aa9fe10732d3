// Syntax tree to canonical text: Parse(Print(x)) == x for every tree the
// parser can produce.
#ifndef SYD_LANG_PRINTER_H_
#define SYD_LANG_PRINTER_H_

#include <string>
#include <string_view>

#include "src/lang/ast.h"

namespace syd {

std::string PrintExpr(const Expr& e);
// A double-quoted string literal whose parse is `s`.
std::string QuoteString(std::string_view s);
std::string PrintOption(const Option& o);
std::string PrintStatement(const Statement& s);
// One statement per line.
std::string PrintFile(const ParsedFile& f);

}  // namespace syd

#endif  // SYD_LANG_PRINTER_H_
