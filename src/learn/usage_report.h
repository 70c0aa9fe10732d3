// What a learning run with every call stopped used, by class, and the
// smallest set of built-in profiles that would run it (syd learn
// --report).
#ifndef SYD_LEARN_USAGE_REPORT_H_
#define SYD_LEARN_USAGE_REPORT_H_

#include <string>
#include <vector>

#include "src/learn/recording.h"
#include "src/policy/policy.h"

namespace syd::learn {

struct NamedPolicy {
  std::string name;  // as -p takes it
  const Policy* policy;
};

// The report, a line at a time. `profiles` are the candidates in the
// order they are offered; the first is always taken (stdio: every program
// needs it), then, while calls are left, the one that allows most of
// them.
std::string UsageReport(const Recording& recording,
                        const std::vector<NamedPolicy>& profiles);

}  // namespace syd::learn

#endif  // SYD_LEARN_USAGE_REPORT_H_
