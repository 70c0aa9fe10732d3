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

// The kinds of change to a file, %file_wr without its administration
// (mount, swapon, acct).
constexpr std::string_view kWriteParts[] = {
    "file_open_wr", "file_create", "file_remove", "file_rename", "file_attr"};

bool IsWritePart(const std::string& label) {
  return std::find(std::begin(kWriteParts), std::end(kWriteParts), label) !=
         std::end(kWriteParts);
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

// A unix socket's path or an abstract name, generalised as a file's name.
std::string AddressPattern(const std::string& address,
                           const Generalisation& g) {
  if (address.starts_with("unix:")) {
    // One socket: its name, never its directory.
    Generalisation socket = g;
    socket.collapse_at = SIZE_MAX;
    socket.variables_whole = false;
    socket.temps_whole = false;
    return "unix:" +
           GeneralisePaths({{address.substr(5), {}}}, socket).begin()->first;
  }
  if (address.starts_with("unix-abstract:"))
    return "unix-abstract:" + GlobRandomRuns(address.substr(14));
  return address;
}

}  // namespace

std::string WriteProfile(const Recording& recording, const Generalisation& g,
                         const ProfileHeader& header) {
  const bool alone = header.bases.empty();
  std::string out;
  StrAppend(&out, "# Learned by syd learn ", header.version, " on ",
            header.date, " from:\n#   ", Command(header.command), "\n");
  if (!header.program.empty()) {
    StrAppend(
        &out, "# Program: ", EscapeBytes(header.program, false),
        header.sha256.empty() ? " (unreadable)" : " sha256:" + header.sha256,
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
  // Files, by pattern, with the sets each was used under.
  const std::map<std::string, std::set<std::string>> files =
      GeneralisePaths(recording.files_by_path(), g);
  if (!files.empty()) out += "\n# Files\n";
  for (auto [pattern, labels] : files) {
    // A directory allowed whole is written to as a person would allow
    // it: every kind of change, whichever this run made (a file made
    // this time may be there already next time, and only be opened).
    if (pattern.ends_with("/***") &&
        std::any_of(labels.begin(), labels.end(), IsWritePart)) {
      for (const std::string_view part : kWriteParts)
        labels.insert(std::string(part));
    }
    StrAppend(&out, "sys/trace+", SyscallList(labels), ":allow:arg_=*",
              QuoteString(pattern), "\n");
  }
  std::map<std::string, std::set<std::string>> exec_paths;
  for (const std::string& p : recording.execs()) exec_paths[p].insert("exec");
  // Programs by name: a directory of them is not allowed whole however
  // many ran (a build runs dozens from /usr/bin, not all of it), nor a
  // temporary directory; a variable's directory is (a build runs what it
  // made).
  Generalisation programs = g;
  programs.collapse_at = SIZE_MAX;
  programs.temps_whole = false;
  const std::map<std::string, std::set<std::string>> execs =
      GeneralisePaths(exec_paths, programs);
  if (!execs.empty()) out += "\n# Programs\n";
  for (const auto& [pattern, labels] : execs) {
    StrAppend(&out, "sys/trace+%exec:allow:arg_=*", QuoteString(pattern), "\n");
  }
  // Addresses, by pattern, with the calls that used each; sendto alone
  // tests that it names one, so that sends on connected sockets never
  // stop.
  std::map<std::string, std::set<std::string>> addresses;
  for (const auto& [call, set] : recording.addresses()) {
    for (const std::string& a : set)
      addresses[AddressPattern(a, g)].insert(call);
  }
  if (!addresses.empty()) out += "\n# Network\n";
  for (const auto& [pattern, calls] : addresses) {
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
  if (!recording.plain_calls().empty()) out += "\n# Other calls\n";
  for (const PlainCall& c : recording.plain_calls()) {
    StrAppend(&out, "sys/allow+", c.syscall);
    for (const auto& [arg, value] : c.args) {
      StrAppend(&out, ":arg", arg, "=", value);
    }
    out += "\n";
  }
  if (!recording.baseline().empty()) {
    out +=
        "\n# The command met the baseline, which stays (each item is "
        "reopened only by\n# baseline/allow+NAME, never by a learned "
        "rule):";
    for (const auto& [item, calls] : recording.baseline())
      StrAppend(&out, "\n#   ", item, ": ", calls,
                calls == 1 ? " call" : " calls");
    out += "\n";
  }
  if (alone) {
    StrAppend(&out, "\n# Everything else of these kinds is refused.\n",
              kRecordedCalls);
  }
  if (header.syscalls) {
    out +=
        "\n# The syscalls the run made (and execve, by which syd starts the "
        "command);\n# the rest fail with ENOSYS, as on a kernel without "
        "them.\n";
    std::set<std::string> names;
    for (const auto& [name, count] : recording.syscalls()) names.insert(name);
    names.insert("execve");
    std::string line;
    for (const std::string& name : names) {
      if (!line.empty() && line.size() + name.size() > 70) {
        StrAppend(&out, "sys/allow+", line, "\n");
        line.clear();
      }
      StrAppend(&line, line.empty() ? "" : ",", name);
    }
    StrAppend(&out, "sys/allow+", line, "\ndefault/fault:error=ENOSYS\n");
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
