// Syntax tree to rules: names to numbers, identifiers to values, patterns
// compiled, every user mistake reported with its location.
#ifndef SYD_POLICY_RESOLVE_H_
#define SYD_POLICY_RESOLVE_H_

#include <vector>

#include "src/lang/ast.h"
#include "src/lang/source.h"
#include "src/policy/rules.h"
#include "src/policy/variables.h"

namespace syd {

// Applies the statements in order (+ adds, - removes the same rule, ^
// clears) and returns the rules that remain. Errors and warnings go to
// `diags`; a statement with an error is left out.
// ${NAME} in strings expands from `vars`. The edits apply to `start`:
// runtime changes edit the rules added at run time this way.
RuleSet Resolve(const std::vector<Statement>& statements, Diagnostics& diags,
                const Variables& vars = {}, RuleSet start = {});

// Warnings about rules that resolve but are likely wrong: allow rules with
// unanchored regexes, rules an earlier rule makes unreachable.
void Lint(const RuleSet& rules, Diagnostics& diags);

}  // namespace syd

#endif  // SYD_POLICY_RESOLVE_H_
