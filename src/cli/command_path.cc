#include "src/cli/command_path.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

namespace syd::cli {

std::string FindCommand(const std::string& cmd, int* error) {
  if (cmd.find('/') != std::string::npos) {
    *error = access(cmd.c_str(), X_OK) == 0 ? 0 : errno;
    return cmd;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  *error = ENOENT;
  for (size_t start = 0; start <= dirs.size();) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = end > start ? dirs.substr(start, end - start) : ".";
    std::string candidate = dir + "/" + cmd;
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      if (access(candidate.c_str(), X_OK) == 0) {
        *error = 0;
        return candidate;
      }
      *error = EACCES;
    }
    start = end + 1;
  }
  return cmd;
}

}  // namespace syd::cli
