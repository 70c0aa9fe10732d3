#include "src/tracee/paths.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
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
                        bool follow_last, int* error) {
  // `host` is the path resolved so far as syd reads it: the tracee's root,
  // then the components. It grows and shrinks in place, so that each
  // component costs its own length, not the path's: a path made of 40
  // links of 4,000 bytes each is resolved in linear time, as the kernel
  // does.
  std::string host = root == "/" ? "" : root;
  const size_t root_len = host.size();
  if (path.empty() || path[0] != '/') {
    for (const std::string& d : Split(base)) (host += '/') += d;
  }
  // Components still to walk, the next one at the back.
  std::vector<std::string> todo = Split(path);
  std::vector<std::string> stack(todo.rbegin(), todo.rend());
  int links = 0;
  while (!stack.empty()) {
    std::string part = std::move(stack.back());
    stack.pop_back();
    if (part == ".") continue;
    if (part == "..") {
      if (host.size() > root_len) host.resize(host.rfind('/'));
      continue;
    }
    const bool last = stack.empty();
    const size_t before = host.size();
    (host += '/') += part;
    if (last && !follow_last) break;
    const std::string_view in_root = std::string_view(host).substr(root_len);
    // /proc/self stays spelt so (rules name it), but is read as the
    // tracee's, not syd's.
    if (in_root == "/proc/self" || in_root == "/proc/thread-self") continue;
    const bool proc = in_root.substr(0, 6) == "/proc/";
    const std::string proc_path =
        proc ? host.substr(0, root_len) + ProcOf(pid, std::string(in_root))
             : std::string();
    std::optional<std::string> target = ReadLink(proc ? proc_path : host);
    if (!target) continue;
    // A descriptor's link to a pipe, socket, anonymous inode, memfd or
    // unlinked file names no file: the kernel opens the object itself,
    // which no name reaches.
    if (proc && IsProcMagic(std::string(in_root))) {
      struct stat st;
      if (target->empty() || (*target)[0] != '/' ||
          (stat(proc_path.c_str(), &st) == 0 && st.st_nlink == 0)) {
        continue;
      }
    }
    // A 41st link: the kernel fails the lookup with ELOOP.
    if (++links > 40) {
      if (error != nullptr) *error = ELOOP;
      break;
    }
    host.resize(before);
    if (!target->empty() && (*target)[0] == '/') host.resize(root_len);
    std::vector<std::string> more = Split(*target);
    for (auto it = more.rbegin(); it != more.rend(); ++it) stack.push_back(*it);
  }
  std::string out = host.substr(root_len);
  return out.empty() ? "/" : out;
}

}  // namespace syd::tracee
