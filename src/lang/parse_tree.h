// The parse tree the grammar leaves for one line, and its conversion into
// the AST. Private to //src/lang: parser.cc parses, parse_tree_to_ast.cc
// converts.
#ifndef SYD_LANG_PARSE_TREE_H_
#define SYD_LANG_PARSE_TREE_H_

#include <memory>
#include <optional>
#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/parse_tree.hpp>
#include <vector>

#include "grammar/syd_grammar.h"
#include "src/lang/ast.h"
#include "src/lang/expr.h"
#include "src/lang/source.h"

namespace syd::parse_tree {

namespace pegtl = tao::pegtl;
namespace g = grammar;

// Parse-tree nodes come and go by the thousand per file: recycle them
// instead of asking malloc each time.
struct Node : pegtl::parse_tree::basic_node<Node> {
  static void* operator new(size_t size) {
    std::vector<void*>& pool = Pool();
    if (size != sizeof(Node) || pool.empty()) return ::operator new(size);
    void* p = pool.back();
    pool.pop_back();
    return p;
  }
  static void operator delete(void* p, size_t size) {
    std::vector<void*>& pool = Pool();
    if (size == sizeof(Node) && pool.size() < 4096) {
      pool.push_back(p);
    } else {
      ::operator delete(p);
    }
  }

 private:
  static std::vector<void*>& Pool() {
    // Intentionally leaked: nodes may be freed during thread exit.
    thread_local auto* pool = new std::vector<void*>;
    return *pool;
  }
};

template <typename Rule>
using Selector = pegtl::parse_tree::selector<
    Rule,
    pegtl::parse_tree::store_content::on<
        g::number, g::string_body, g::expr_ident, g::unary_op, g::binary_op,
        g::operand, g::expr, g::sys_set, g::sys_set_name, g::sys_regex_body,
        g::sys_number, g::sys_name, g::arg_expr, g::arg_ref, g::op_not_match,
        g::op_glob, g::op_not_glob, g::op_net_match, g::op_net_not_match,
        g::op_match, g::op_ne, g::op_mask_none, g::op_ge, g::op_le, g::op_eq,
        g::op_gt, g::op_lt, g::op_mask_any, g::option, g::option_key,
        g::option_bare, g::action_name, g::edit_add, g::edit_remove,
        g::edit_clear, g::rule, g::envelope_prefix, g::baseline_prefix,
        g::default_stmt, g::include_stmt, g::include_bare, g::limit_stmt,
        g::limit_name, g::limit_value, g::isolate_stmt, g::isolate_name,
        g::isolate_value>>;

// Appends the statements of one line's tree to `out`, each unless it had
// an error, which goes to `diags` (what the grammar leaves to the
// conversion: malformed numbers, unknown actions, over-long strings).
void AppendStatements(const Node& line,
                      const std::shared_ptr<const SourceFile>& source,
                      Diagnostics& diags, std::vector<Statement>* out);

// The expression tree `n`, or nothing after an error.
std::optional<Expr> ExprFrom(const Node& n,
                             const std::shared_ptr<const SourceFile>& source,
                             Diagnostics& diags);

}  // namespace syd::parse_tree

#endif  // SYD_LANG_PARSE_TREE_H_
