#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "src/base/strcat.h"
#include "src/policy/resolve.h"
#include "src/syscalls/syscalls.h"

namespace syd {
namespace {

void WarnUnanchored(const Rule& r, Diagnostics& diags) {
  if (r.verdict.kind != Verdict::Kind::kAllow) return;
  for (const Condition& c : r.conditions) {
    if (c.kind == Condition::Kind::kRegex && c.op == CmpOp::kMatch &&
        (c.text.empty() || c.text[0] != '^')) {
      diags.Warning(
          c.location,
          StrCat("the regex \"", c.text,
                 "\" of an allow rule is not anchored: =~ "
                 "searches the whole path, so \"/tmp/\" would also allow "
                 "/home/u/tmp/x; start it with ^"));
    }
  }
}

// A key that is equal for two rules exactly when they test the same things
// (the open-flags guard aside, which is per syscall).
std::string TestKey(const Rule& r) {
  std::string key = StrCat(r.command_pattern, "|", r.cmdline_pattern, "|",
                           r.command ? 1 : 0, r.cmdline ? 1 : 0);
  for (const Condition& c : r.conditions) {
    StrAppend(&key, "|", c.arg, CmpOpText(c.op), c.value, "\"", c.text, "\"",
              c.net ? c.net->ToString() : "");
  }
  return key;
}

bool Unconditional(const Rule& r, OpenGuard guard) {
  // A plugin may pass the call on to the next rule.
  return r.conditions.empty() && guard == OpenGuard::kNone && !r.command &&
         !r.cmdline && r.verdict.kind != Verdict::Kind::kPlugin;
}

// (syscall, guard, tests) packed in one integer: test keys are interned.
uint64_t Slot(int nr, OpenGuard guard, uint64_t tests) {
  return tests << 12 | static_cast<uint64_t>(guard) << 10 |
         static_cast<uint64_t>(nr);
}

}  // namespace

void Lint(const RuleSet& rules, Diagnostics& diags) {
  static_assert(kMaxSyscallNr <= 1024,
                "Slot() packs syscall numbers in 10 bits");
  absl::flat_hash_map<std::string, uint64_t> test_ids;
  absl::flat_hash_map<int, const Rule*> catch_all;  // by syscall
  absl::flat_hash_map<uint64_t, const Rule*> same;  // by Slot()
  for (const Rule& r : rules.rules) {
    WarnUnanchored(r, diags);
    uint64_t tests =
        test_ids.try_emplace(TestKey(r), test_ids.size()).first->second;
    const Rule* shadow = nullptr;
    int shadowed_nr = -1;
    bool reachable = false;
    for (const RuleSyscall& s : r.syscalls) {
      auto all = catch_all.find(s.nr);
      auto dup = same.find(Slot(s.nr, s.guard, tests));
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
                           shadow->location.ToString(false), " (",
                           VerdictText(shadow->verdict), ") matches every ",
                           FindSyscall(shadowed_nr)->name,
                           " call it would, and the first match wins"));
    }
    for (const RuleSyscall& s : r.syscalls) {
      if (Unconditional(r, s.guard)) catch_all.emplace(s.nr, &r);
      same.emplace(Slot(s.nr, s.guard, tests), &r);
    }
  }
}

}  // namespace syd
