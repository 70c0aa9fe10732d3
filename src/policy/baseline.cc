#include "src/policy/baseline.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_replace.h"
#include "src/base/strcat.h"
#include "src/lang/parser.h"
#include "src/lang/source.h"
#include "src/policy/resolve.h"

namespace syd {

const BaselineItem* FindBaselineItem(std::string_view name) {
  for (const BaselineItem& item : kBaseline) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

bool Reopens(const RuleSet& rules, std::string_view name) {
  return std::any_of(rules.reopened.begin(), rules.reopened.end(),
                     [&](const ReopenedItem& r) { return r.item == name; });
}

bool AppliesTo(const BaselineItem& item, const BaselineFor& run) {
  switch (item.when) {
    case BaselineWhen::kAlways:
      return true;
    case BaselineWhen::kPtrace:
      return run.ptrace;
    case BaselineWhen::kSydNameable:
      return run.syd_pid != 0;
    case BaselineWhen::kPrivateMounts:
      return run.private_mounts;
  }
  return true;
}

absl::StatusOr<RuleSet> WithBaseline(RuleSet rules, const BaselineFor& run) {
  std::vector<Rule> front;
  for (const BaselineItem& item : kBaseline) {
    if (!AppliesTo(item, run)) continue;
    if (Reopens(rules, item.name)) continue;
    // Each item is a file of its own, so that a rule's location names it:
    // "baseline/io_uring:1".
    auto source = std::make_shared<SourceFile>(
        StrCat("baseline/", item.name),
        absl::StrReplaceAll(std::string(item.rules),
                            {{"${SYD_PID}", StrCat(run.syd_pid)}}));
    Diagnostics diags;
    RuleSet resolved = Resolve(Parse(source, diags).statements, diags);
    if (diags.has_errors() || !diags.all().empty()) {
      const Diagnostic& d = diags.all().front();
      return absl::InternalError(
          StrCat("the baseline does not resolve: ", d.location.ToString(), ": ",
                 d.message));
    }
    for (Rule& r : resolved.rules) {
      r.baseline = &item;
      front.push_back(std::move(r));
    }
  }
  rules.rules.insert(rules.rules.begin(),
                     std::make_move_iterator(front.begin()),
                     std::make_move_iterator(front.end()));
  return rules;
}

}  // namespace syd
