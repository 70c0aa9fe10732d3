#include "src/learn/profile_reader.h"

#include <algorithm>
#include <string_view>
#include <variant>
#include <vector>

#include "src/base/strcat.h"
#include "src/lang/loader.h"
#include "src/learn/learn_policy.h"
#include "src/learn/profile_writer.h"

namespace syd::learn {
namespace {

enum class Section { kNone, kFiles, kPrograms, kNetwork, kOther, kSyscalls };

// The section a comment line opens, or `now` when it opens none.
Section SectionOf(std::string_view line, Section now) {
  if (line == kFilesSection) return Section::kFiles;
  if (line == kProgramsSection) return Section::kPrograms;
  if (line == kNetworkSection) return Section::kNetwork;
  if (line == kOtherCallsSection) return Section::kOther;
  if (line.starts_with(kSyscallsSection)) return Section::kSyscalls;
  return now;
}

bool IsEnding(std::string_view line) {
  const std::vector<std::string_view> endings = RecordedCallRules();
  return std::find(endings.begin(), endings.end(), line) != endings.end();
}

// Adds the allow rule `rule` of `section` to `rules`; false when it is
// not one the writer makes there.
bool AddRule(const RuleStmt& rule, Section section, LearnedRules* rules) {
  // sys/allow+..., or sys/trace+...:allow.
  bool allows = rule.action == Action::kAllow && rule.options.empty();
  for (const Option& o : rule.options) {
    allows |= rule.action == Action::kTrace && o.key == "allow" && !o.value;
  }
  if (rule.prefix != RuleStmt::Prefix::kSys || rule.edit != Edit::kAdd ||
      !allows || rule.syscalls.empty()) {
    return false;
  }
  std::set<std::string> names;
  for (const SyscallItem& item : rule.syscalls) {
    if (item.kind != SyscallItem::Kind::kName &&
        item.kind != SyscallItem::Kind::kSet) {
      return false;
    }
    names.insert(item.text);
  }
  std::string pattern;
  PlainCall plain{*names.begin(), {}};
  for (const ArgExpr& a : rule.args) {
    if (a.arg == kArgAuto && a.is_string &&
        (a.op == CmpOp::kGlob || a.op == CmpOp::kNetMatch)) {
      pattern = a.text;
    } else if (!a.is_string && a.op == CmpOp::kEq &&
               a.expr.kind == Expr::Kind::kNumber) {
      plain.args.emplace_back(a.arg, a.expr.number);
    } else if (!(section == Section::kNetwork && a.arg == 4 &&
                 a.op == CmpOp::kNe)) {
      return false;  // sendto's arg4!=0 is the only other test
    }
  }
  switch (section) {
    case Section::kFiles:
      if (pattern.empty()) return false;
      rules->files[pattern].insert(names.begin(), names.end());
      return true;
    case Section::kPrograms:
      if (pattern.empty()) return false;
      rules->programs.insert(pattern);
      return true;
    case Section::kNetwork:
      if (pattern.empty()) return false;
      rules->addresses[pattern].insert(names.begin(), names.end());
      return true;
    case Section::kOther:
      if (!pattern.empty() || names.size() != 1) return false;
      rules->plain_calls.insert(std::move(plain));
      return true;
    case Section::kSyscalls:
      if (!pattern.empty() || (!plain.args.empty() && names.size() != 1))
        return false;
      if (!plain.args.empty()) {
        rules->syscalls.insert(std::move(plain));
        return true;
      }
      for (const std::string& n : names)
        rules->syscalls.insert(PlainCall{n, {}});
      return true;
    case Section::kNone:
      break;
  }
  return false;
}

}  // namespace

absl::StatusOr<LearnedRules> ReadProfile(const std::string& text,
                                         const std::string& name, bool alone,
                                         bool syscalls) {
  LearnedRules read;
  Section section = Section::kNone;
  bool endings = false;
  bool enosys = false;
  int number = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    if (line.empty()) continue;
    if (line[0] == '#') {
      section = SectionOf(line, section);
      continue;
    }
    if (IsEnding(line)) {
      endings = true;
      continue;
    }
    if (line == kSyscallsDefault) {
      enosys = true;
      continue;
    }
    Diagnostics diags;
    const std::vector<Statement> parsed =
        LoadInputs({{PolicyInput::Kind::kRule, line}}, diags);
    if (diags.has_errors() || parsed.size() != 1 ||
        !std::holds_alternative<RuleStmt>(parsed[0]) ||
        !AddRule(std::get<RuleStmt>(parsed[0]), section, &read)) {
      return absl::InvalidArgumentError(
          StrCat(name, ":", number, ": not a rule syd learn writes: ", line));
    }
  }
  if (endings != alone) {
    return absl::InvalidArgumentError(StrCat(
        name, " was learned ", endings ? "with no policy" : "with a policy",
        "; --append merges only a run of the same kind"));
  }
  if (enosys != syscalls) {
    return absl::InvalidArgumentError(
        StrCat(name, " was learned ", enosys ? "with" : "without",
               " --syscalls; --append merges only a run of the same kind"));
  }
  return read;
}

std::optional<LearnedProgram> ReadLearnedProgram(const std::string& text) {
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    if (line[0] != '#') break;  // the header is over
    if (!line.starts_with(kProgramLine)) continue;
    const std::string_view rest = line.substr(kProgramLine.size());
    const size_t mark = rest.rfind(kDigestMark);
    if (mark == std::string_view::npos) return std::nullopt;
    const std::string_view hex = rest.substr(mark + kDigestMark.size());
    if (hex.size() != 64 ||
        hex.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
      return std::nullopt;
    }
    return LearnedProgram{std::string(rest.substr(0, mark)), std::string(hex)};
  }
  return std::nullopt;
}

}  // namespace syd::learn
