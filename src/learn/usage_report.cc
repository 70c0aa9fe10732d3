#include "src/learn/usage_report.h"

#include <map>
#include <set>
#include <string_view>

#include "src/base/escape.h"
#include "src/base/strcat.h"
#include "src/syscalls/syscall_sets.h"
#include "src/tracee/decode.h"

namespace syd::learn {
namespace {

// strace's classes, as the report groups the syscalls used.
constexpr std::string_view kClasses[] = {"file",    "desc",   "memory",
                                         "process", "signal", "network",
                                         "ipc",     "creds",  "clock"};

// How many calls of a list are named before "and N more".
constexpr size_t kShown = 12;

std::string Names(const std::set<std::string>& names) {
  std::string out;
  size_t n = 0;
  for (const std::string& name : names) {
    if (n++ == kShown) {
      StrAppend(&out, " and ", names.size() - kShown, " more");
      break;
    }
    StrAppend(&out, out.empty() ? "" : " ", EscapeBytes(name, false));
  }
  return out;
}

}  // namespace

std::string UsageReport(const Recording& recording,
                        const std::vector<NamedPolicy>& profiles) {
  const std::vector<Call>& calls = recording.calls();
  std::set<std::string> read, written;
  for (const Call& e : calls) {
    const SyscallInfo* s = FindSyscall(e.nr);
    if (s == nullptr) continue;
    const std::string label = FileLabel(*s, e);
    for (int i = 0; i < s->nargs; ++i) {
      if (!s->args[i].IsPath() || !e.strings[i]) continue;
      if (label == "file_rd") {
        read.insert(*e.strings[i]);
      } else if (label.starts_with("file_")) {
        written.insert(*e.strings[i]);
      }
    }
  }
  std::string out;
  StrAppend(&out, "files read: ", read.size(), "\n");
  StrAppend(&out, "files written, made, removed or changed: ", written.size(),
            written.empty() ? "" : " (" + Names(written) + ")", "\n");
  StrAppend(
      &out, "programs run: ", recording.execs().size(),
      recording.execs().empty() ? "" : " (" + Names(recording.execs()) + ")",
      "\n");
  std::set<std::string> addresses;
  for (const auto& [call, set] : recording.addresses())
    addresses.insert(set.begin(), set.end());
  StrAppend(&out, "addresses bound, connected or sent to: ", addresses.size(),
            addresses.empty() ? "" : " (" + Names(addresses) + ")", "\n");
  StrAppend(&out, "syscalls: ", recording.syscalls().size(), "\n");
  std::set<std::string> classed;
  for (std::string_view cls : kClasses) {
    const std::vector<SetMember>* members = ExpandSet(cls);
    std::set<std::string> used;
    for (const SetMember& m : *members) {
      const std::string name(FindSyscall(m.nr)->name);
      if (recording.syscalls().count(name) > 0) used.insert(name);
    }
    if (used.empty()) continue;
    classed.insert(used.begin(), used.end());
    StrAppend(&out, "  %", cls, ": ", Names(used), "\n");
  }
  std::set<std::string> rest;
  for (const auto& [name, count] : recording.syscalls()) {
    if (classed.count(name) == 0) rest.insert(name);
  }
  if (!rest.empty()) StrAppend(&out, "  other: ", Names(rest), "\n");

  // Which calls each profile allows, then the cover.
  std::vector<std::vector<bool>> allows(profiles.size());
  for (size_t p = 0; p < profiles.size(); ++p) {
    allows[p].resize(calls.size());
    for (size_t c = 0; c < calls.size(); ++c)
      allows[p][c] = Runs(Evaluate(*profiles[p].policy, calls[c]).verdict);
  }
  StrAppend(&out, "distinct calls: ", calls.size(),
            recording.calls_capped() ? " (more were left out)" : "",
            "; each built-in profile allows:");
  for (size_t p = 0; p < profiles.size(); ++p) {
    size_t n = 0;
    for (bool a : allows[p]) n += a;
    StrAppend(&out, " ", profiles[p].name, " ", n);
  }
  out += "\n";
  std::vector<bool> covered(calls.size(), false);
  std::vector<size_t> chosen;
  for (size_t round = 0; round < profiles.size(); ++round) {
    size_t best = profiles.size(), best_gain = 0;
    for (size_t p = 0; p < profiles.size(); ++p) {
      size_t gain = 0;
      for (size_t c = 0; c < calls.size(); ++c)
        gain += allows[p][c] && !covered[c];
      // The first profile is taken whatever it gains.
      if ((round == 0 && p == 0) || (round > 0 && gain > best_gain)) {
        best = p;
        best_gain = gain;
        if (round == 0) break;
      }
    }
    if (best == profiles.size()) break;
    chosen.push_back(best);
    for (size_t c = 0; c < calls.size(); ++c)
      covered[c] = covered[c] || allows[best][c];
  }
  out += "smallest set of built-in profiles:";
  for (size_t p : chosen) StrAppend(&out, " -p ", profiles[p].name);
  out += "\n";
  std::vector<size_t> left;
  for (size_t c = 0; c < calls.size(); ++c) {
    if (!covered[c]) left.push_back(c);
  }
  if (left.empty()) {
    out += "they allow every call the run made\n";
  } else {
    StrAppend(&out, "calls none of them allows: ", left.size(),
              " (rules of your own, before them, or the learned profile)\n");
    for (size_t i = 0; i < left.size() && i < kShown; ++i)
      StrAppend(&out, "  ", tracee::DescribeCall(calls[left[i]]), "\n");
    if (left.size() > kShown)
      StrAppend(&out, "  and ", left.size() - kShown, " more\n");
  }
  return out;
}

}  // namespace syd::learn
