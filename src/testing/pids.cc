#include "src/testing/pids.h"

#include <dirent.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace syd::testing {
namespace {

struct Status {
  pid_t ppid = 0;
  std::vector<pid_t> nspid;
};

Status ReadStatus(pid_t pid) {
  Status out;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string key;
    fields >> key;
    if (key == "PPid:") fields >> out.ppid;
    if (key == "NSpid:") {
      for (pid_t p; fields >> p;) out.nspid.push_back(p);
    }
  }
  return out;
}

bool Below(pid_t pid, pid_t ancestor) {
  // Bounded: a chain deeper than this is not a test's.
  for (int depth = 0; depth < 64 && pid > 1; ++depth) {
    pid = ReadStatus(pid).ppid;
    if (pid == ancestor) return true;
  }
  return false;
}

}  // namespace

pid_t OuterPid(pid_t ancestor, pid_t inner) {
  DIR* dir = opendir("/proc");
  if (dir == nullptr) return 0;
  pid_t found = 0;
  while (dirent* e = readdir(dir)) {
    char* end = nullptr;
    const long pid = std::strtol(e->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    const Status s = ReadStatus(static_cast<pid_t>(pid));
    if (s.nspid.empty() || s.nspid.back() != inner) continue;
    if (!Below(static_cast<pid_t>(pid), ancestor)) continue;
    found = static_cast<pid_t>(pid);
    break;
  }
  closedir(dir);
  return found;
}

}  // namespace syd::testing
