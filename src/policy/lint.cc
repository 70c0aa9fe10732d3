#include <map>
#include <string>

#include "syd/resolve.h"
#include "syd/strcat.h"
#include "syd/syscalls.h"

namespace syd {
namespace {

void WarnUnanchored(const Rule& r, Diagnostics& diags) {
  if (r.verdict.kind != Verdict::Kind::kAllow) return;
  for (const Condition& c : r.conditions) {
    if (c.kind == Condition::Kind::kRegex && c.op == CmpOp::kMatch &&
        (c.text.empty() || c.text[0] != '^')) {
      diags.Warning(c.location,
                    StrCat("the regex \"", c.text, "\" of an allow rule is not anchored: =~ "
                           "searches the whole path, so \"/tmp/\" would also allow "
                           "/home/u/tmp/x; start it with ^"));
    }
  }
}

// A key that is equal for two rules exactly when they test the same things.
std::string TestKey(const Rule& r, OpenGuard guard) {
  std::string key = StrCat(static_cast<int>(guard), "|", r.command_pattern, "|",
                           r.cmdline_pattern, "|", r.command ? 1 : 0, r.cmdline ? 1 : 0);
  for (const Condition& c : r.conditions) {
    StrAppend(&key, "|", c.arg, CmpOpText(c.op), c.value, "\"", c.text, "\"",
              c.net ? c.net->ToString() : "");
  }
  return key;
}

bool Unconditional(const Rule& r, OpenGuard guard) {
  // A plugin may pass the call on to the next rule.
  return r.conditions.empty() && guard == OpenGuard::kNone && !r.command && !r.cmdline &&
         r.verdict.kind != Verdict::Kind::kPlugin;
}

}  // namespace

void Lint(const RuleSet& rules, Diagnostics& diags) {
  std::map<int, const Rule*> catch_all;                      // by syscall
  std::map<std::pair<int, std::string>, const Rule*> same;  // by syscall and tests
  for (const Rule& r : rules.rules) {
    WarnUnanchored(r, diags);
    const Rule* shadow = nullptr;
    int shadowed_nr = -1;
    bool reachable = false;
    for (const RuleSyscall& s : r.syscalls) {
      auto all = catch_all.find(s.nr);
      auto dup = same.find({s.nr, TestKey(r, s.guard)});
      const Rule* first = all != catch_all.end() ? all->second
                          : dup != same.end()    ? dup->second
                                                 : nullptr;
      if (first == nullptr) {
        reachable = true;
      } else if (shadow == nullptr) {
        shadow = first;
        shadowed_nr = s.nr;
      }
    }
    if (!reachable && shadow != nullptr) {
      diags.Warning(r.location,
                    StrCat("this rule never decides a call: the rule at ",
                           shadow->location.ToString(false), " (", VerdictText(shadow->verdict),
                           ") matches every ", FindSyscall(shadowed_nr)->name,
                           " call it would, and the first match wins"));
    }
    for (const RuleSyscall& s : r.syscalls) {
      if (Unconditional(r, s.guard)) catch_all.emplace(s.nr, &r);
      same.emplace(std::make_pair(s.nr, TestKey(r, s.guard)), &r);
    }
  }
}

}  // namespace syd
