// What syd can tell about a running sandbox: the state dump (SIGUSR2 and
// the control socket's `dump`) and the control socket's commands.
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "src/supervise/supervisor.h"
#include "src/tracee/procfs.h"
#include "syd/loader.h"
#include "syd/strcat.h"

namespace syd::supervise {
namespace {

struct ProcessInfo {
  pid_t pid = 0;
  pid_t tgid = 0;
  pid_t ppid = 0;
  std::string comm;
  std::string state;
  std::string cwd;
};

// Reads /proc/PID/status; false when the process has gone.
bool ReadProcess(pid_t pid, ProcessInfo* out) {
  std::string status, error;
  if (!ReadFile(StrCat("/proc/", pid, "/status"), &status, &error))
    return false;
  out->pid = pid;
  status.insert(0, "\n");  // every field then follows a newline
  auto field = [&](std::string_view name) {
    const std::string key = StrCat("\n", name, ":\t");
    size_t at = status.find(key);
    if (at == std::string::npos) return std::string();
    size_t start = at + key.size();
    return status.substr(start, status.find('\n', start) - start);
  };
  out->comm = field("Name");
  out->state = field("State");
  out->tgid = static_cast<pid_t>(std::atoi(field("Tgid").c_str()));
  out->ppid = static_cast<pid_t>(std::atoi(field("PPid").c_str()));
  char buf[4096];
  ssize_t n = readlink(StrCat("/proc/", pid, "/cwd").c_str(), buf, sizeof buf);
  if (n > 0) out->cwd.assign(buf, static_cast<size_t>(n));
  return true;
}

std::vector<ProcessInfo> Processes(const std::vector<pid_t>& pids) {
  std::vector<ProcessInfo> out;
  for (pid_t pid : pids) {
    ProcessInfo p;
    if (ReadProcess(pid, &p)) out.push_back(std::move(p));
  }
  return out;
}

std::string NameOf(int nr) {
  const SyscallInfo* s = FindSyscall(nr);
  return s ? std::string(s->name) : StrCat("syscall_", nr);
}

}  // namespace

std::string Supervisor::Dump() {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json processes = nlohmann::json::array();
  for (const ProcessInfo& p : Processes(Tasks())) {
    processes.push_back({{"pid", p.pid},
                         {"tgid", p.tgid},
                         {"ppid", p.ppid},
                         {"comm", p.comm},
                         {"cwd", p.cwd},
                         {"state", p.state}});
  }
  nlohmann::json rules = nlohmann::json::array();
  const Policy& policy = runtime_.policy();
  for (size_t i = 0; i < policy.rules().size(); ++i) {
    const Rule& r = policy.rules()[i];
    const bool added = i < runtime_.added();
    // An added rule's location names its origin ("control:1").
    rules.push_back({{"rule", RuleSourceText(r)},
                     {"location", r.location.ToString(false)},
                     {"added_at_run_time", added},
                     {"hits", runtime_.hits(i)}});
  }
  nlohmann::json counters = nlohmann::json::object();
  for (int nr = 0; nr < kMaxSyscallNr; ++nr) {
    nlohmann::json per = nlohmann::json::object();
    for (int k = 0; k < kVerdictKinds; ++k) {
      if (counts_[nr][k]) per[kVerdictKindNames[k]] = counts_[nr][k];
    }
    if (!per.empty()) counters[NameOf(nr)] = per;
  }
  nlohmann::json dump = {
      {"syd", {{"pid", getpid()}, {"command_pid", command_pid_}}},
      {"lock", LockText(runtime_.lock())},
      {"processes", processes},
      {"rules", rules},
      {"default",
       {{"rule", DefaultText(policy.default_verdict())},
        {"hits", runtime_.default_hits()}}},
      {"stops", stops_},
      {"refused", refused_},
      {"counters", counters}};
  return dump.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
         "\n";
}

void Supervisor::WriteDump() {
  std::string text = Dump();
  if (options_.dump.empty()) {
    if (write(STDERR_FILENO, text.data(), text.size()) < 0) {
      // Nowhere better to say it.
    }
    return;
  }
  // Whole or not at all: a reader never sees half a dump.
  std::string tmp = options_.dump + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && write(fd, text.data(), text.size()) ==
                           static_cast<ssize_t>(text.size());
  if (fd >= 0) close(fd);
  if (!ok || rename(tmp.c_str(), options_.dump.c_str()) != 0) {
    std::fprintf(stderr, "syd: cannot write the dump to %s: %s\n",
                 options_.dump.c_str(), strerror(errno));
    unlink(tmp.c_str());
  }
}

std::vector<pid_t> Supervisor::Tasks() const {
  if (listener_ == nullptr) {
    std::vector<pid_t> out(live_.begin(), live_.end());
    std::sort(out.begin(), out.end());
    return out;
  }
  std::vector<pid_t> out;
  for (pid_t pid : tracee::Descendants(getpid())) {
    for (pid_t tid : tracee::ThreadsOf(pid)) out.push_back(tid);
  }
  return out;
}

std::string Supervisor::ProcessList() {
  std::string out = "PID TGID PPID STATE COMM CWD\n";
  for (const ProcessInfo& p : Processes(Tasks())) {
    StrAppend(&out, p.pid, " ", p.tgid, " ", p.ppid, " ", p.state.substr(0, 1),
              " ", p.comm, " ", p.cwd, "\n");
  }
  return out;
}

std::string Supervisor::Counters() {
  std::string out = StrCat("stops ", stops_, "\nrefused ", refused_, "\nlock ",
                           LockText(runtime_.lock()), "\n");
  for (int nr = 0; nr < kMaxSyscallNr; ++nr) {
    std::string line;
    for (int k = 0; k < kVerdictKinds; ++k) {
      if (counts_[nr][k])
        StrAppend(&line, " ", kVerdictKindNames[k], "=", counts_[nr][k]);
    }
    if (!line.empty()) StrAppend(&out, NameOf(nr), line, "\n");
  }
  return out;
}

absl::Status Supervisor::Control(const std::string& command,
                                 std::string* reply) {
  if (command == "dump") {
    *reply = Dump();
    return absl::OkStatus();
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (command == "list") {
    const Policy& policy = runtime_.policy();
    for (size_t i = 0; i < policy.rules().size(); ++i) {
      const Rule& r = policy.rules()[i];
      const bool added = i < runtime_.added();
      StrAppend(reply, r.location.ToString(false), added ? " (run time)" : "",
                " hits=", runtime_.hits(i), " ", RuleSourceText(r), "\n");
    }
    StrAppend(reply, "default hits=", runtime_.default_hits(), " ",
              DefaultText(policy.default_verdict()), "\n");
    return absl::OkStatus();
  }
  if (command == "ps") {
    *reply = ProcessList();
    return absl::OkStatus();
  }
  if (command == "stats") {
    *reply = Counters();
    return absl::OkStatus();
  }
  absl::Status s = runtime_.Execute(command, "control", /*readonly=*/false);
  if (s.ok() && command.back() != '?') {
    std::fprintf(stderr, "syd: the control socket changed the rules: %s\n",
                 command.c_str());
  }
  return s;
}

}  // namespace syd::supervise
