#include "src/policy/admitting_rule.h"

#include <memory>
#include <vector>

#include "src/base/strcat.h"
#include "src/lang/loader.h"
#include "src/lang/printer.h"
#include "src/policy/resolve.h"
#include "src/syscalls/syscalls.h"

namespace syd {

std::optional<std::string> AdmittingRule(const Call& e) {
  const SyscallInfo* s = FindSyscall(e.nr);
  if (s == nullptr) return std::nullopt;
  std::string tests;
  for (int i = 0; i < s->nargs; ++i) {
    if (s->args[i].IsPath() && e.strings[i]) {
      StrAppend(&tests, ":arg", i, "=", QuoteString(*e.strings[i]));
    } else if (s->args[i].kind != ArgKind::kSockaddrOut && e.addresses[i] &&
               e.more_addresses.empty()) {
      StrAppend(&tests, ":arg", i, "@~",
                QuoteString(e.addresses[i]->ToString()));
    }
  }
  if (tests.empty()) return std::nullopt;
  const std::string rule = StrCat("sys/trace+", s->name, tests, ":allow");
  Diagnostics diags;
  const std::vector<Statement> parsed =
      LoadInputs({{PolicyInput::Kind::kRule, rule}}, diags);
  RuleSet rules = Resolve(parsed, diags);
  if (diags.has_errors() || rules.rules.size() != 1) return std::nullopt;
  const Policy policy(std::move(rules));
  const Decision d = Evaluate(policy, e);
  if (d.rule == nullptr || d.verdict.kind != Verdict::Kind::kAllow)
    return std::nullopt;
  return rule;
}

}  // namespace syd
