#include "src/learn/learn_policy.h"

#include <utility>

#include "src/syscalls/syscalls.h"

namespace syd::learn {

void RefuseInSyd(RuleSet* rules) {
  for (Rule& r : rules->rules) {
    if (!Runs(r.verdict) && r.action != Action::kTrace &&
        r.action != Action::kUser) {
      r.action = Action::kTrace;
    }
    if (r.baseline != nullptr) r.log.kind = LogTarget::Kind::kQuiet;
  }
  const DefaultVerdict& d = rules->default_verdict;
  if (Runs(d.verdict)) return;
  Rule every;
  every.action = Action::kTrace;
  every.verdict = d.verdict;
  every.log = d.log;
  every.location = d.location;
  for (const SyscallInfo& s : AllSyscalls()) every.syscalls.push_back({s.nr});
  rules->rules.push_back(std::move(every));
}

}  // namespace syd::learn
