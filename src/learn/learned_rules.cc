#include "src/learn/learned_rules.h"

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace syd::learn {
namespace {

bool IsWritePart(const std::string& label) {
  return std::find(kWriteParts.begin(), kWriteParts.end(), label) !=
         kWriteParts.end();
}

// The argument that says what a call does, where one syscall does many
// things (socket's family, prctl's option, ioctl's request, fcntl's
// command): an allow-list pins it to the values the run used, which the
// kernel tests on registers.
struct Selector {
  std::string_view syscall;
  int arg;
};
constexpr Selector kSelectors[] = {
    {"arch_prctl", 0}, {"fcntl", 1},  {"ioctl", 1},      {"personality", 0},
    {"prctl", 0},      {"socket", 0}, {"socketpair", 0},
};

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

LearnedRules Generalise(const Recording& recording, const Generalisation& g,
                        bool syscalls) {
  LearnedRules out;
  out.files = GeneralisePaths(recording.files_by_path(), g);
  for (auto& [pattern, labels] : out.files) {
    // A directory allowed whole is written to as a person would allow
    // it: every kind of change, whichever this run made (a file made
    // this time may be there already next time, and only be opened).
    if (pattern.ends_with("/***") &&
        std::any_of(labels.begin(), labels.end(), IsWritePart)) {
      for (const std::string_view part : kWriteParts)
        labels.insert(std::string(part));
    }
  }
  // Programs by name: a directory of them is not allowed whole however
  // many ran (a build runs dozens from /usr/bin, not all of it), nor a
  // temporary directory; a variable's directory is (a build runs what it
  // made).
  std::map<std::string, std::set<std::string>> exec_paths;
  for (const std::string& p : recording.execs()) exec_paths[p].insert("exec");
  Generalisation programs = g;
  programs.collapse_at = SIZE_MAX;
  programs.temps_whole = false;
  for (const auto& [pattern, labels] : GeneralisePaths(exec_paths, programs))
    out.programs.insert(pattern);
  for (const auto& [call, set] : recording.addresses()) {
    for (const std::string& a : set)
      out.addresses[AddressPattern(a, g)].insert(call);
  }
  out.plain_calls = recording.plain_calls();
  out.baseline = recording.baseline();
  if (syscalls) {
    std::set<std::string> selected;
    for (const Call& e : recording.calls()) {
      const SyscallInfo* s = FindSyscall(e.nr);
      if (s == nullptr) continue;
      for (const Selector& sel : kSelectors) {
        if (s->name != sel.syscall) continue;
        out.syscalls.insert(
            PlainCall{std::string(s->name),
                      {{sel.arg, e.args[sel.arg] & s->args[sel.arg].Mask()}}});
        selected.insert(std::string(s->name));
      }
    }
    for (const auto& [name, count] : recording.syscalls()) {
      if (selected.count(name) == 0) out.syscalls.insert(PlainCall{name, {}});
    }
    out.syscalls.insert(PlainCall{"execve", {}});
  }
  return out;
}

void Merge(const LearnedRules& from, LearnedRules* into) {
  for (const auto& [pattern, labels] : from.files)
    into->files[pattern].insert(labels.begin(), labels.end());
  into->programs.insert(from.programs.begin(), from.programs.end());
  for (const auto& [pattern, calls] : from.addresses)
    into->addresses[pattern].insert(calls.begin(), calls.end());
  into->plain_calls.insert(from.plain_calls.begin(), from.plain_calls.end());
  into->syscalls.insert(from.syscalls.begin(), from.syscalls.end());
}

}  // namespace syd::learn
