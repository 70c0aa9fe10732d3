#include "src/learn/profile_writer.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include "src/base/escape.h"
#include "src/base/strcat.h"
#include "src/lang/printer.h"
#include "src/learn/learn_policy.h"

namespace syd::learn {
namespace {

// A label's place in a rule's syscall list: the file sets in kFileSets'
// order, then syscall names.
size_t LabelRank(const std::string& label) {
  const auto* it = std::find(std::begin(kFileSets), std::end(kFileSets), label);
  return static_cast<size_t>(it - std::begin(kFileSets));
}

// "sys/allow+NAME:argN=V...".
std::string PlainRule(const PlainCall& c) {
  std::string out = StrCat("sys/allow+", c.syscall);
  for (const auto& [arg, value] : c.args)
    StrAppend(&out, ":arg", arg, "=", value);
  return out;
}

std::string SyscallList(const std::set<std::string>& labels) {
  std::vector<std::string> sorted(labels.begin(), labels.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const std::string& a, const std::string& b) {
                     return LabelRank(a) < LabelRank(b);
                   });
  std::string out;
  for (const std::string& l : sorted) {
    const bool set = LabelRank(l) < std::size(kFileSets);
    StrAppend(&out, out.empty() ? "" : ",", set ? "%" : "", l);
  }
  return out;
}

// A word for a comment line, quoted for a shell where it needs to be, its
// bytes escaped (a newline would end the comment).
std::string ShellWord(const std::string& word) {
  const bool plain =
      !word.empty() && word.find_first_not_of(
                           "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvw"
                           "xyz0123456789_./=:,+-@%") == std::string::npos;
  if (plain) return word;
  std::string quoted = "'";
  for (char c : word)
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return EscapeBytes(quoted + "'", /*exact=*/false);
}

std::string Command(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words)
    StrAppend(&out, out.empty() ? "" : " ", ShellWord(w));
  return out;
}

}  // namespace

std::string WriteProfile(const LearnedRules& rules,
                         const ProfileHeader& header) {
  const bool alone = header.bases.empty();
  std::string out;
  StrAppend(&out, "# Learned by syd learn ", header.version, " on ",
            header.date, " from:\n#   ", Command(header.command), "\n");
  if (!header.program.empty()) {
    StrAppend(&out, kProgramLine, EscapeBytes(header.program, false),
              header.sha256.empty() ? std::string(" (unreadable)")
                                    : StrCat(kDigestMark, header.sha256),
              "\n");
  }
  if (alone) {
    StrAppend(&out, "# Use: syd -c THIS_FILE -- ", Command(header.command),
              "\n");
  } else {
    StrAppend(
        &out, "# Use: syd -c THIS_FILE ", Command(header.bases), " -- ",
        Command(header.command),
        "\n# These rules allow what the base refused; they go before it.\n");
  }
  if (!rules.files.empty()) out += "\n" + std::string(kFilesSection) + "\n";
  for (const auto& [pattern, labels] : rules.files) {
    StrAppend(&out, "sys/trace+", SyscallList(labels), ":allow:arg_=*",
              QuoteString(pattern), "\n");
  }
  if (!rules.programs.empty())
    out += "\n" + std::string(kProgramsSection) + "\n";
  for (const std::string& pattern : rules.programs) {
    StrAppend(&out, "sys/trace+%exec:allow:arg_=*", QuoteString(pattern), "\n");
  }
  // Addresses, by pattern, with the calls that used each; sendto alone
  // tests that it names one, so that sends on connected sockets never
  // stop.
  if (!rules.addresses.empty())
    out += "\n" + std::string(kNetworkSection) + "\n";
  for (const auto& [pattern, calls] : rules.addresses) {
    std::set<std::string> others = calls;
    const bool sendto = others.erase("sendto") > 0;
    if (!others.empty()) {
      StrAppend(&out, "sys/trace+", SyscallList(others), ":allow:arg_@~",
                QuoteString(pattern), "\n");
    }
    if (sendto) {
      StrAppend(&out, "sys/trace+sendto:arg4!=0:allow:arg_@~",
                QuoteString(pattern), "\n");
    }
  }
  if (!rules.plain_calls.empty())
    out += "\n" + std::string(kOtherCallsSection) + "\n";
  for (const PlainCall& c : rules.plain_calls)
    StrAppend(&out, PlainRule(c), "\n");
  if (!rules.baseline.empty()) {
    out +=
        "\n# The command met the baseline, which stays (each item is "
        "reopened only by\n# baseline/allow+NAME, never by a learned "
        "rule):";
    for (const auto& [item, calls] : rules.baseline)
      StrAppend(&out, "\n#   ", item, ": ", calls,
                calls == 1 ? " call" : " calls");
    out += "\n";
  }
  if (alone) {
    StrAppend(&out, "\n# Everything else of these kinds is refused.\n",
              kRecordedCalls);
  }
  if (!rules.syscalls.empty()) {
    StrAppend(&out, "\n", kSyscallsSection,
              " (and execve, by which syd starts the command);\n# the rest "
              "fail with ENOSYS, as on a kernel without them.\n");
    std::string line;
    for (const PlainCall& c : rules.syscalls) {
      if (!c.args.empty()) continue;
      if (!line.empty() && line.size() + c.syscall.size() > 70) {
        StrAppend(&out, "sys/allow+", line, "\n");
        line.clear();
      }
      StrAppend(&line, line.empty() ? "" : ",", c.syscall);
    }
    if (!line.empty()) StrAppend(&out, "sys/allow+", line, "\n");
    for (const PlainCall& c : rules.syscalls) {
      if (!c.args.empty()) StrAppend(&out, PlainRule(c), "\n");
    }
    StrAppend(&out, kSyscallsDefault, "\n");
  }
  return out;
}

size_t CountRules(const std::string& profile) {
  size_t n = 0;
  size_t start = 0;
  while (start < profile.size()) {
    size_t end = profile.find('\n', start);
    if (end == std::string::npos) end = profile.size();
    const std::string_view line(profile.data() + start, end - start);
    if (!line.empty() && line[0] != '#') ++n;
    start = end + 1;
  }
  return n;
}

}  // namespace syd::learn
