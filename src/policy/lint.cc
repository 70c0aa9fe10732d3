#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "src/base/strcat.h"
#include "src/policy/resolve.h"
#include "src/syscalls/syscalls.h"

namespace syd {
namespace {

// Whether `re` has a '|' outside every group and class: "^/a|/b$" anchors
// neither alternative at both ends.
bool TopLevelAlternation(std::string_view re) {
  int depth = 0;
  bool in_class = false;
  for (size_t i = 0; i < re.size(); ++i) {
    const char c = re[i];
    if (c == '\\') {
      ++i;
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < re.size() && re[i + 1] == ']') ++i;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == '|' && depth == 0) {
      return true;
    }
  }
  return false;
}

// Whether `re` ends in an unescaped '$'.
bool EndAnchored(std::string_view re) {
  if (re.empty() || re.back() != '$') return false;
  size_t backslashes = 0;
  for (size_t i = re.size() - 1; i > 0 && re[i - 1] == '\\'; --i) ++backslashes;
  return backslashes % 2 == 0;
}

// An allow rule's path regex should say where the path ends: "^/tmp"
// also allows /tmpfoo, and "^/proc/self/fd/" everything below it, which a
// reader of the rule may not see.
void WarnUnanchored(const Rule& r, Diagnostics& diags) {
  if (r.verdict.kind != Verdict::Kind::kAllow) return;
  for (const Condition& c : r.conditions) {
    if (c.kind != Condition::Kind::kRegex || c.op != CmpOp::kMatch) continue;
    const std::string& re = c.text;
    if (re.empty() || re[0] != '^') {
      diags.Warning(
          c.location,
          StrCat("the regex \"", re,
                 "\" of an allow rule is not anchored: =~ "
                 "searches the whole path, so \"/tmp/\" would also allow "
                 "/home/u/tmp/x; start it with ^ and end it with $"));
    } else if (TopLevelAlternation(re)) {
      diags.Warning(c.location,
                    StrCat("the regex \"", re,
                           "\" of an allow rule has a | outside any group, so "
                           "^ and $ anchor only the first and last "
                           "alternative; write ^(a|b)$"));
    } else if (!EndAnchored(re)) {
      diags.Warning(
          c.location,
          StrCat("the regex \"", re,
                 "\" of an allow rule is not anchored at its end: it also "
                 "allows every path that continues it (\"^/tmp\" allows "
                 "/tmpfoo); end it with $, with .*$ where a prefix is "
                 "meant, or write a glob (=*\"/dir/***\")"));
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

// Whether `r` decides every call of a syscall it names that passes its
// open-flags guard. A plugin may pass the call on to the next rule.
bool Unconditional(const Rule& r) {
  return r.conditions.empty() && !r.command && !r.cmdline &&
         r.verdict.kind != Verdict::Kind::kPlugin;
}

// A catch-all's key: its syscall and guard. One with no guard catches
// every call; one with a guard (%file_wr's opens that write) the calls
// that pass it.
int CatchAllKey(int nr, SetGuard guard) {
  return nr << kSetGuardBits | static_cast<int>(guard);
}

// (syscall, guard, tests) packed in one integer: test keys are interned.
uint64_t Slot(int nr, SetGuard guard, uint64_t tests) {
  return tests << (10 + kSetGuardBits) | static_cast<uint64_t>(guard) << 10 |
         static_cast<uint64_t>(nr);
}

}  // namespace

void Lint(const RuleSet& rules, Diagnostics& diags) {
  static_assert(kMaxSyscallNr <= 1024,
                "Slot() packs syscall numbers in 10 bits");
  absl::flat_hash_map<std::string, uint64_t> test_ids;
  absl::flat_hash_map<int, const Rule*> catch_all;  // by CatchAllKey()
  absl::flat_hash_map<uint64_t, const Rule*> same;  // by Slot()
  for (const Rule& r : rules.rules) {
    WarnUnanchored(r, diags);
    uint64_t tests =
        test_ids.try_emplace(TestKey(r), test_ids.size()).first->second;
    const Rule* shadow = nullptr;
    int shadowed_nr = -1;
    bool reachable = false;
    for (const RuleSyscall& s : r.syscalls) {
      auto all = catch_all.find(CatchAllKey(s.nr, SetGuard::kNone));
      if (all == catch_all.end() && s.guard != SetGuard::kNone)
        all = catch_all.find(CatchAllKey(s.nr, s.guard));
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
      if (Unconditional(r)) catch_all.emplace(CatchAllKey(s.nr, s.guard), &r);
      same.emplace(Slot(s.nr, s.guard, tests), &r);
    }
  }
}

}  // namespace syd
