#include "src/learn/learn_policy.h"

#include <errno.h>

#include <memory>
#include <utility>

#include "src/syscalls/syscalls.h"

namespace syd::learn {
namespace {

// StopEveryCall's rule comes from here: its location names this file.
const std::shared_ptr<const SourceFile>& EveryCallSource() {
  static const auto* source = new std::shared_ptr<const SourceFile>(
      std::make_shared<const SourceFile>("<syd learn: every call>", ""));
  return *source;
}

// A trace rule for every syscall with verdict `v`.
Rule EverySyscall(const Verdict& v, const LogTarget& log,
                  const Location& location) {
  Rule every;
  every.action = Action::kTrace;
  every.verdict = v;
  every.log = log;
  every.location = location;
  for (const SyscallInfo& s : AllSyscalls()) every.syscalls.push_back({s.nr});
  return every;
}

}  // namespace

std::vector<std::string_view> RecordedCallRules() {
  std::vector<std::string_view> lines;
  for (std::string_view rest = kRecordedCalls; !rest.empty();) {
    const size_t nl = rest.find('\n');
    lines.push_back(rest.substr(0, nl));
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
  }
  return lines;
}

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
  rules->rules.push_back(EverySyscall(d.verdict, d.log, d.location));
}

void StopEveryCall(RuleSet* rules) {
  LogTarget quiet;
  quiet.kind = LogTarget::Kind::kQuiet;
  rules->rules.push_back(EverySyscall(Verdict{Verdict::Kind::kErrno, ENOSYS},
                                      quiet,
                                      Location{EveryCallSource(), 0, 0}));
}

bool IsEveryCallRule(const Rule& rule) {
  return rule.location.file == EveryCallSource();
}

}  // namespace syd::learn
