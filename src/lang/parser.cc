#include "src/lang/parser.h"

#include <string>
#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/parse_tree.hpp>

#include "grammar/syd_grammar.h"
#include "src/base/strcat.h"
#include "src/lang/parse_tree.h"

namespace syd {
namespace {

namespace pegtl = tao::pegtl;
namespace g = grammar;
using parse_tree::Node;
using parse_tree::Selector;

// What a failed `must<Rule>` says. Rules not listed here never fail a must.
template <typename Rule>
constexpr const char* kMessage = "syntax error";
template <>
constexpr const char* kMessage<g::statement> =
    "expected a statement: sys/ACTION+SYSCALLS..., default/ACTION, "
    "runtime/allow+SYSCALLS..., baseline/allow+ITEMS, limit/NAME=VALUE, "
    "isolate/NAME=VALUE or include FILE";
template <>
constexpr const char* kMessage<g::limit_name> =
    "expected a limit's name after 'limit/' (timeout, nofile, as ...)";
template <>
constexpr const char* kMessage<g::isolate_name> =
    "expected a setting's name after 'isolate/' (unshare, bind, user ...)";
template <>
constexpr const char* kMessage<g::limit_equals> =
    "expected '=' and a value after the name";
template <>
constexpr const char* kMessage<g::isolate_value> =
    "expected the setting's value after '=' (net,ipc, /usr:/usr, nobody)";
template <>
constexpr const char* kMessage<g::limit_value> =
    "expected the limit's value after '=' (30s, 4G, 1024, unlimited)";
template <>
constexpr const char* kMessage<g::action_name> =
    "expected an action name after '/' (kill_process, kill_thread, fault, "
    "trap, log, allow, "
    "user, trace)";
template <>
constexpr const char* kMessage<g::rule_body> =
    "expected '+' (add), '-' (remove) or '^' (clear) and a syscall set after "
    "the action";
template <>
constexpr const char* kMessage<g::syscall_set> =
    "expected a syscall set: a name, a number, /regex or %class";
template <>
constexpr const char* kMessage<g::sys_item> =
    "expected a syscall name, number, /regex or %class after ','";
template <>
constexpr const char* kMessage<g::sys_set_name> =
    "expected a set name after '%'";
template <>
constexpr const char* kMessage<g::sys_regex_body> =
    "expected a regex after '/'";
template <>
constexpr const char* kMessage<g::item> =
    "expected an argument test (arg0..arg5 or arg_) or an option after ':'";
template <>
constexpr const char* kMessage<g::option> = "expected an option after ':'";
template <>
constexpr const char* kMessage<g::option_value> = "expected a value after '='";
template <>
constexpr const char* kMessage<g::arg_cmp> =
    "expected a comparison: = != > >= < <= & !& (numbers), = != =~ !~ =* !* "
    "(strings), "
    "@~ @! (addresses)";
template <>
constexpr const char* kMessage<g::string_operand> =
    "this operator needs a double-quoted string";
template <>
constexpr const char* kMessage<g::value> =
    "expected a value: a number, an identifier, an expression or a "
    "double-quoted string";
template <>
constexpr const char* kMessage<g::primary> =
    "expected a number, an identifier or '('";
template <>
constexpr const char* kMessage<g::operand> =
    "expected a number, an identifier or '(' after the operator";
template <>
constexpr const char* kMessage<g::expr> = "expected an expression after '('";
template <>
constexpr const char* kMessage<g::paren_close> = "expected ')'";
template <>
constexpr const char* kMessage<g::string_close> =
    "unterminated string: expected a closing '\"'";
template <>
constexpr const char* kMessage<g::include_target> =
    "expected a file name after include";
template <>
constexpr const char* kMessage<g::end_of_line> =
    "unexpected text after the statement (separate arguments and options with "
    "':')";

template <typename Rule>
struct Control : pegtl::normal<Rule> {
  template <typename Input, typename... States>
  [[noreturn]] static void raise(const Input& in, States&&...) {
    throw pegtl::parse_error(kMessage<Rule>, in);
  }
};

// Checks that PEGTL's recursion stays shallow and that no NUL byte hides in
// the line, before the grammar sees it. Returns the column of the first
// problem, or 0.
int PrescanLine(std::string_view line, std::string* why) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\0') {
      *why = "NUL byte in the rule text";
      return static_cast<int>(i) + 1;
    }
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '#') {
      break;
    } else if (c == '(') {
      if (++depth > kMaxNesting) {
        *why = StrCat("parentheses nest deeper than ", kMaxNesting);
        return static_cast<int>(i) + 1;
      }
    } else if (c == ')') {
      --depth;
    }
  }
  return 0;
}

template <typename Rule>
std::unique_ptr<Node> ParseFragment(std::string_view text, const Location& loc,
                                    Diagnostics& diags) {
  std::string why;
  if (int col = PrescanLine(text, &why)) {
    diags.Error(Location{loc.file, loc.line, loc.column + col - 1}, why);
    return nullptr;
  }
  // The source name is only read for errors, which Location reports.
  pegtl::memory_input<pegtl::tracking_mode::eager, pegtl::eol::lf_crlf,
                      const char*>
      in(text.data(), text.data() + text.size(), "", 0,
         static_cast<size_t>(loc.line), static_cast<size_t>(loc.column));
  try {
    return pegtl::parse_tree::parse<Rule, Node, Selector, pegtl::nothing,
                                    Control>(in);
  } catch (const pegtl::parse_error& e) {
    const pegtl::position& p = e.positions().front();
    diags.Error(Location{loc.file, static_cast<int>(p.line),
                         static_cast<int>(p.column)},
                std::string(e.message()));
  }
  return nullptr;
}

struct ExpressionOnly : pegtl::seq<g::ws, pegtl::must<g::expr>, g::ws,
                                   pegtl::must<g::end_of_line>> {};

}  // namespace

ParsedFile Parse(const std::shared_ptr<const SourceFile>& source,
                 Diagnostics& diags) {
  ParsedFile out;
  out.source = source;
  for (int line = 1; line <= source->line_count(); ++line) {
    std::string_view text = source->Line(line);
    std::unique_ptr<Node> root =
        ParseFragment<g::line>(text, Location{source, line, 1}, diags);
    if (!root) continue;
    parse_tree::AppendStatements(*root, source, diags, &out.statements);
  }
  return out;
}

std::optional<Expr> ParseExpression(std::string_view text, const Location& loc,
                                    Diagnostics& diags) {
  std::unique_ptr<Node> root = ParseFragment<ExpressionOnly>(text, loc, diags);
  if (!root || root->children.empty()) return std::nullopt;
  return parse_tree::ExprFrom(*root->children.front(), loc.file, diags);
}

}  // namespace syd
