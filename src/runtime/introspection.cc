#include "src/runtime/introspection.h"

#include <nlohmann/json.hpp>

#include "src/base/strcat.h"

namespace syd {
namespace {

std::string NameOf(int nr) {
  const SyscallInfo* s = FindSyscall(nr);
  return s ? std::string(s->name) : StrCat("syscall_", nr);
}

}  // namespace

std::string DumpJson(const SandboxView& view) {
  nlohmann::json processes = nlohmann::json::array();
  for (const tracee::ProcessInfo& p : view.processes) {
    processes.push_back({{"pid", p.pid},
                         {"tgid", p.tgid},
                         {"ppid", p.ppid},
                         {"comm", p.comm},
                         {"cwd", p.cwd},
                         {"state", p.state}});
  }
  const RuntimeRules& rt = *view.rules;
  const Policy& policy = rt.policy();
  nlohmann::json rules = nlohmann::json::array();
  for (size_t i = 0; i < policy.rules().size(); ++i) {
    const Rule& r = policy.rules()[i];
    // The kernel decides the baseline: no hits to show (syd check --print
    // lists it).
    if (r.baseline != nullptr) continue;
    // An added rule's location names its origin ("control:1").
    rules.push_back({{"rule", RuleSourceText(r)},
                     {"location", r.location.ToString(false)},
                     {"added_at_run_time", i < rt.added()},
                     {"hits", rt.hits(i)}});
  }
  nlohmann::json counters = nlohmann::json::object();
  for (int nr = 0; nr < static_cast<int>(view.counters->size()); ++nr) {
    nlohmann::json per = nlohmann::json::object();
    for (int k = 0; k < kVerdictKinds; ++k) {
      if (uint64_t n = (*view.counters)[nr][k]) per[kVerdictKindNames[k]] = n;
    }
    if (!per.empty()) counters[NameOf(nr)] = per;
  }
  nlohmann::json dump = {
      {"syd", {{"pid", view.syd_pid}, {"command_pid", view.command_pid}}},
      {"lock", LockText(rt.lock())},
      {"processes", processes},
      {"rules", rules},
      {"default",
       {{"rule", DefaultText(policy.default_verdict())},
        {"hits", rt.default_hits()}}},
      {"stops", view.stops},
      {"refused", view.refused},
      {"counters", counters}};
  return dump.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
         "\n";
}

std::string RuleList(const RuntimeRules& rt) {
  std::string out;
  const Policy& policy = rt.policy();
  for (size_t i = 0; i < policy.rules().size(); ++i) {
    const Rule& r = policy.rules()[i];
    StrAppend(&out, r.location.ToString(false),
              i < rt.added() ? " (run time)" : "", " hits=", rt.hits(i), " ",
              RuleSourceText(r), "\n");
  }
  StrAppend(&out, "default hits=", rt.default_hits(), " ",
            DefaultText(policy.default_verdict()), "\n");
  return out;
}

std::string ProcessTable(const std::vector<tracee::ProcessInfo>& processes) {
  std::string out = "PID TGID PPID STATE COMM CWD\n";
  for (const tracee::ProcessInfo& p : processes) {
    StrAppend(&out, p.pid, " ", p.tgid, " ", p.ppid, " ", p.state.substr(0, 1),
              " ", p.comm, " ", p.cwd, "\n");
  }
  return out;
}

std::string CounterText(const SandboxView& view) {
  std::string out = StrCat("stops ", view.stops, "\nrefused ", view.refused,
                           "\nlock ", LockText(view.rules->lock()), "\n");
  for (int nr = 0; nr < static_cast<int>(view.counters->size()); ++nr) {
    std::string line;
    for (int k = 0; k < kVerdictKinds; ++k) {
      if (uint64_t n = (*view.counters)[nr][k])
        StrAppend(&line, " ", kVerdictKindNames[k], "=", n);
    }
    if (!line.empty()) StrAppend(&out, NameOf(nr), line, "\n");
  }
  return out;
}

}  // namespace syd
