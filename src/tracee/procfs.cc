#include "src/tracee/procfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <unordered_map>

#include "src/base/strcat.h"
#include "src/lang/loader.h"
#include "src/tracee/paths.h"

namespace syd::tracee {
namespace {

// The numeric entries of a /proc directory.
std::vector<pid_t> Numbered(const std::string& dir) {
  std::vector<pid_t> out;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    char* end = nullptr;
    const long n = std::strtol(e->d_name, &end, 10);
    if (n > 0 && *end == '\0') out.push_back(static_cast<pid_t>(n));
  }
  closedir(d);
  return out;
}

// Field `n` (1-based, n > 2) of a /proc/PID/stat file's contents, or 0.
// Fields are counted from the last ')': a command name may hold spaces and
// parentheses.
uint64_t StatField(const std::string& stat, int n) {
  size_t at = stat.rfind(')');
  if (at == std::string::npos) return 0;
  for (int field = 2; field < n; ++field) {  // `at` is before field+1
    at = stat.find(' ', at + 1);
    if (at == std::string::npos) return 0;
  }
  return std::strtoull(stat.c_str() + at + 1, nullptr, 10);
}

// /proc/PATH/stat, or "" when it cannot be read.
std::string ReadStat(const std::string& path) {
  std::string stat, error;
  if (!ReadFile(StrCat("/proc/", path, "/stat"), &stat, &error)) return "";
  return stat;
}

// The text of field `name` of a /proc/PID/status file's contents; "" when
// it is absent.
std::string Field(const std::string& status, std::string_view name) {
  const std::string key = StrCat(name, ":\t");
  size_t start = 0;
  if (status.compare(0, key.size(), key) == 0) {  // the first line (Name)
    start = key.size();
  } else {
    const size_t at = status.find(StrCat("\n", key));
    if (at == std::string::npos) return "";
    start = at + 1 + key.size();
  }
  return status.substr(start, status.find('\n', start) - start);
}

uint64_t StatusField(pid_t pid, const std::string& name, int base) {
  std::string status, error;
  if (!ReadFile(StrCat("/proc/", pid, "/status"), &status, &error)) return 0;
  return std::strtoull(Field(status, name).c_str(), nullptr, base);
}

}  // namespace

pid_t ParentOf(pid_t pid) {
  return static_cast<pid_t>(StatField(ReadStat(StrCat(pid)), 4));
}

ParentAndStart ParentAndStartOf(pid_t pid) {
  const std::string stat = ReadStat(StrCat(pid));
  return {static_cast<pid_t>(StatField(stat, 4)), StatField(stat, 22)};
}

std::vector<ProcessInfo> Processes(const std::vector<pid_t>& pids) {
  std::vector<ProcessInfo> out;
  for (pid_t pid : pids) {
    std::string status, error;
    if (!ReadFile(StrCat("/proc/", pid, "/status"), &status, &error))
      continue;  // gone
    ProcessInfo p;
    p.pid = pid;
    p.comm = Field(status, "Name");
    p.state = Field(status, "State");
    p.tgid = static_cast<pid_t>(std::atoi(Field(status, "Tgid").c_str()));
    p.ppid = static_cast<pid_t>(std::atoi(Field(status, "PPid").c_str()));
    p.cwd = BaseDirectory(pid, AT_FDCWD).value_or("");
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<pid_t> Descendants(pid_t ancestor,
                               const std::function<bool(pid_t)>& prune) {
  std::unordered_multimap<pid_t, pid_t> children;
  for (pid_t pid : Numbered("/proc")) children.emplace(ParentOf(pid), pid);
  std::vector<pid_t> out;
  std::vector<pid_t> todo = {ancestor};
  while (!todo.empty()) {
    const pid_t parent = todo.back();
    todo.pop_back();
    auto [begin, end] = children.equal_range(parent);
    for (auto it = begin; it != end; ++it) {
      if (prune && prune(it->second)) continue;
      todo.push_back(it->second);
      out.push_back(it->second);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<pid_t> ThreadsOf(pid_t pid) {
  std::vector<pid_t> out = Numbered(StrCat("/proc/", pid, "/task"));
  std::sort(out.begin(), out.end());
  return out;
}

uint64_t StartTime(pid_t tid) {
  // /proc/TID/stat works for any thread, not only for leaders.
  return StatField(ReadStat(StrCat(tid)), 22);
}

bool IsStopped(pid_t tid) {
  std::string stat, error;
  if (!ReadFile(StrCat("/proc/", tid, "/stat"), &stat, &error)) return false;
  const size_t at = stat.rfind(')');
  return at != std::string::npos && at + 2 < stat.size() && stat[at + 2] == 'T';
}

SessionAndTerminal SessionOf(pid_t tid) {
  const std::string stat = ReadStat(StrCat(tid));
  // Field 6 is the session, 7 the terminal (tty_nr: the kernel's
  // new_encode_dev, minor bits 0-7 and 20-31, major 8-19).
  const uint64_t nr = StatField(stat, 7);
  SessionAndTerminal out;
  out.session = static_cast<pid_t>(StatField(stat, 6));
  if (nr != 0) {
    out.terminal =
        makedev((nr >> 8) & 0xfff, (nr & 0xff) | ((nr >> 12) & 0xfff00));
  }
  return out;
}

pid_t ThreadGroup(pid_t tid) {
  const auto tgid = static_cast<pid_t>(StatusField(tid, "Tgid", 10));
  return tgid != 0 ? tgid : tid;
}

pid_t TracerOf(pid_t pid) {
  return static_cast<pid_t>(StatusField(pid, "TracerPid", 10));
}

ThreadGroupSize ThreadGroupSizeOf(pid_t tid) {
  std::string status, error;
  if (!ReadFile(StrCat("/proc/", tid, "/status"), &status, &error)) return {};
  return {static_cast<pid_t>(std::atoi(Field(status, "Tgid").c_str())),
          std::atoi(Field(status, "Threads").c_str())};
}

pid_t LastPidGiven() {
  std::string loadavg, error;
  if (!ReadFile("/proc/loadavg", &loadavg, &error)) return 0;
  const size_t space = loadavg.find_last_of(' ');
  if (space == std::string::npos) return 0;
  return static_cast<pid_t>(
      std::strtol(loadavg.c_str() + space + 1, nullptr, 10));
}

std::optional<Credentials> CredentialsOf(pid_t tid) {
  std::string status, error;
  if (!ReadFile(StrCat("/proc/", tid, "/status"), &status, &error))
    return std::nullopt;
  // Field `n` (1-4) of "Uid:" and "Gid:" (real, effective, saved, file
  // system).
  auto nth = [&](std::string_view name, int n) -> std::optional<uint32_t> {
    const std::string ids = Field(status, name);
    const char* p = ids.c_str();
    char* end = nullptr;
    uint64_t id = 0;
    for (int i = 0; i < n; ++i, p = end) {
      id = std::strtoull(p, &end, 10);
      if (end == p) return std::nullopt;
    }
    return static_cast<uint32_t>(id);
  };
  const std::optional<uint32_t> fsuid = nth("Uid", 4);
  const std::optional<uint32_t> fsgid = nth("Gid", 4);
  const std::optional<uint32_t> euid = nth("Uid", 2);
  const std::optional<uint32_t> egid = nth("Gid", 2);
  const std::string eff = Field(status, "CapEff");
  const std::string umask = Field(status, "Umask");
  if (!fsuid || !fsgid || !euid || !egid || eff.empty() || umask.empty())
    return std::nullopt;
  Credentials c;
  c.fsuid = *fsuid;
  c.fsgid = *fsgid;
  c.euid = *euid;
  c.egid = *egid;
  c.effective = std::strtoull(eff.c_str(), nullptr, 16);
  c.umask = static_cast<mode_t>(std::strtoul(umask.c_str(), nullptr, 8));
  const std::string groups = Field(status, "Groups");
  const char* p = groups.c_str();
  for (char* end = nullptr;; p = end) {
    const uint64_t g = std::strtoull(p, &end, 10);
    if (end == p) break;
    c.groups.push_back(static_cast<gid_t>(g));
  }
  return c;
}

}  // namespace syd::tracee
