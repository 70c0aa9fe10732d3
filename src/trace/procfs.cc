#include "src/trace/procfs.h"

#include <dirent.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <unordered_map>

#include "syd/loader.h"
#include "syd/strcat.h"

namespace syd::trace {
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

// The parent in /proc/PID/stat: the field after the state, which follows
// the last ')' (a command name may hold spaces and parentheses).
pid_t ParentOf(pid_t pid) {
  std::string stat, error;
  if (!ReadFile(StrCat("/proc/", pid, "/stat"), &stat, &error)) return 0;
  const size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 4 >= stat.size()) return 0;
  return static_cast<pid_t>(std::atoi(stat.c_str() + close + 4));
}

}  // namespace

std::vector<pid_t> Descendants(pid_t ancestor) {
  std::unordered_multimap<pid_t, pid_t> children;
  for (pid_t pid : Numbered("/proc")) children.emplace(ParentOf(pid), pid);
  std::vector<pid_t> out;
  std::vector<pid_t> todo = {ancestor};
  while (!todo.empty()) {
    const pid_t parent = todo.back();
    todo.pop_back();
    auto [begin, end] = children.equal_range(parent);
    for (auto it = begin; it != end; ++it) {
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

bool CatchesSignal(pid_t pid, int sig) {
  std::string status, error;
  if (!ReadFile(StrCat("/proc/", pid, "/status"), &status, &error))
    return false;
  const size_t at = status.find("\nSigCgt:\t");
  if (at == std::string::npos) return false;
  const unsigned long long caught =
      std::strtoull(status.c_str() + at + 9, nullptr, 16);
  return sig >= 1 && sig <= 64 && ((caught >> (sig - 1)) & 1) != 0;
}

}  // namespace syd::trace
