#include "src/tracee/paths.h"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <cstring>
#include <vector>

namespace syd::tracee {

std::optional<std::string> ReadLink(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  if (n < 0 || n >= static_cast<ssize_t>(sizeof buf)) return std::nullopt;
  return std::string(buf, static_cast<size_t>(n));
}

namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// "/proc/self/..." read as the tracee's own entry.
std::string ProcOf(pid_t pid, const std::string& path) {
  auto under = [&](const std::string& prefix) {
    return path.compare(0, prefix.size(), prefix) == 0 &&
           (path.size() == prefix.size() || path[prefix.size()] == '/');
  };
  if (under("/proc/self"))
    return "/proc/" + std::to_string(pid) + path.substr(10);
  if (under("/proc/thread-self")) {
    return "/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) +
           path.substr(17);
  }
  return path;
}

// /proc/PID/fd/N, /proc/PID/cwd, /proc/PID/root, /proc/PID/exe and the same
// under task/TID: links the kernel follows to an object, not a name.
bool IsProcMagic(const std::string& path) {
  if (path.compare(0, 6, "/proc/") != 0) return false;
  size_t fd = path.find("/fd/");
  if (fd != std::string::npos && path.find('/', fd + 4) == std::string::npos)
    return true;
  for (const char* leaf : {"/cwd", "/root", "/exe"}) {
    size_t n = std::strlen(leaf);
    if (path.size() > n && path.compare(path.size() - n, n, leaf) == 0)
      return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> BaseDirectory(pid_t pid, int dirfd) {
  std::string link = dirfd == AT_FDCWD ? "/proc/" + std::to_string(pid) + "/cwd"
                                       : "/proc/" + std::to_string(pid) +
                                             "/fd/" + std::to_string(dirfd);
  return ReadLink(link);
}

std::string ResolvePath(pid_t pid, const std::string& root,
                        const std::string& base, const std::string& path,
                        bool follow_last) {
  const std::string host_root = root == "/" ? "" : root;
  std::vector<std::string> todo = Split(path);
  std::vector<std::string> done =
      path.empty() || path[0] != '/' ? Split(base) : std::vector<std::string>();
  // Components are processed from the back of `todo` reversed into a stack.
  std::vector<std::string> stack(todo.rbegin(), todo.rend());
  int links = 0;
  while (!stack.empty()) {
    std::string part = std::move(stack.back());
    stack.pop_back();
    if (part == ".") continue;
    if (part == "..") {
      if (!done.empty()) done.pop_back();
      continue;
    }
    bool last = stack.empty();
    std::string candidate;
    for (const std::string& d : done) candidate += "/" + d;
    candidate += "/" + part;
    if (last && !follow_last) {
      done.push_back(part);
      break;
    }
    // /proc/self stays spelt so (rules name it), but is read as the
    // tracee's, not syd's.
    if (candidate == "/proc/self" || candidate == "/proc/thread-self") {
      done.push_back(part);
      continue;
    }
    std::optional<std::string> target;
    if (links < 40) target = ReadLink(host_root + ProcOf(pid, candidate));
    // A descriptor's link to a pipe, socket or anonymous inode names no
    // file: the kernel opens the object itself.
    if (!target ||
        (IsProcMagic(candidate) && (target->empty() || (*target)[0] != '/'))) {
      done.push_back(part);
      continue;
    }
    ++links;
    if (!target->empty() && (*target)[0] == '/') done.clear();
    std::vector<std::string> more = Split(*target);
    for (auto it = more.rbegin(); it != more.rend(); ++it) stack.push_back(*it);
  }
  std::string out;
  for (const std::string& d : done) out += "/" + d;
  return out.empty() ? "/" : out;
}

}  // namespace syd::tracee
