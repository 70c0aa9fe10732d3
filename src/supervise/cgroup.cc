#include "src/supervise/cgroup.h"

#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sstream>
#include <string_view>
#include <thread>
#include <utility>

#include "src/base/split.h"
#include "src/base/strcat.h"
#include "src/base/whole_file.h"

namespace syd::supervise {
namespace {

// What each cgroup limit needs, and where it writes.
struct Controller {
  size_t limit;  // index in kLimits
  const char* name;
};
constexpr Controller kControllers[] = {
    {kMemoryLimit, "memory"},
    {kPidsLimit, "pids"},
    {kCpuQuotaLimit, "cpu"},
};

// The scheduler's period for cpu_quota: the quota is a share of it.
constexpr uint64_t kCpuPeriodUs = 100'000;

// The text of a cgroup or /proc file, "" where it cannot be read.
std::string ReadFile(const std::string& path) {
  std::string text;
  ReadWholeFile(path, &text);
  return text;
}

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

bool HasWord(std::string_view list, std::string_view word, char sep) {
  for (std::string_view w : Split(list, sep)) {
    if (w == word) return true;
  }
  return false;
}

// The value after `key` in a flat keyed file (pids.events: "max 3").
uint64_t KeyedValue(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  for (std::string k; in >> k;) {
    uint64_t v = 0;
    if (!(in >> v)) break;
    if (k == key) return v;
  }
  return 0;
}

}  // namespace

namespace cgroup_internal {

bool ListsController(std::string_view list, std::string_view name) {
  // Written "cpu memory pids\n": the last name ends at the newline.
  while (!list.empty() && list.back() == '\n') list.remove_suffix(1);
  return HasWord(list, name, ' ');
}

Hierarchies FindHierarchies(const std::string& cgroup,
                            const std::string& mountinfo) {
  // /proc/self/cgroup: "ID:CONTROLLERS:PATH", "0::PATH" for v2.
  std::vector<std::pair<std::string, std::string>> paths;
  {
    std::istringstream in(cgroup);
    for (std::string line; std::getline(in, line);) {
      const size_t a = line.find(':');
      const size_t b = line.find(':', a + 1);
      if (a == std::string::npos || b == std::string::npos) continue;
      paths.emplace_back(line.substr(a + 1, b - a - 1), line.substr(b + 1));
    }
  }
  Hierarchies out;
  // /proc/self/mountinfo: "ID PARENT DEV ROOT MOUNTPOINT OPTS ... - TYPE
  // SOURCE SUPEROPTS". A mount of a subtree (ROOT) takes that off the path.
  std::istringstream in(mountinfo);
  for (std::string line; std::getline(in, line);) {
    const std::vector<std::string_view> f = Split(line, ' ');
    size_t dash = 0;
    while (dash < f.size() && f[dash] != "-") ++dash;
    if (f.size() < 5 || dash + 3 >= f.size()) continue;
    const std::string_view type = f[dash + 1];
    if (type != "cgroup" && type != "cgroup2") continue;
    const std::string root(f[3]);
    const std::string mount(f[4]);
    for (const auto& [controllers, path] : paths) {
      const bool v2 = controllers.empty();
      if (v2 != (type == "cgroup2")) continue;
      if (!v2 && !HasWord(f[dash + 3], Split(controllers, ',').front(), ','))
        continue;
      std::string rel = path;
      if (root != "/") {
        if (rel.rfind(root, 0) != 0) continue;
        rel = rel.substr(root.size());
      }
      const std::string dir = mount + (rel == "/" ? "" : rel);
      if (v2) {
        out.unified = dir;
      } else {
        out.v1.emplace_back(controllers, dir);
      }
    }
  }
  return out;
}

}  // namespace cgroup_internal

bool SandboxCgroup::Wanted(const Limits& limits) {
  for (const Controller& c : kControllers) {
    if (limits.Get(c.limit)) return true;
  }
  return false;
}

absl::StatusOr<SandboxCgroup> SandboxCgroup::Make(const Limits& limits) {
  SandboxCgroup out;
  out.limits_ = limits;
  const cgroup_internal::Hierarchies h = cgroup_internal::FindHierarchies(
      ReadFile("/proc/self/cgroup"), ReadFile("/proc/self/mountinfo"));
  const std::string leaf = StrCat("syd-", getpid());
  // The directory made in `parent`, once.
  auto make = [&](const std::string& parent) -> absl::StatusOr<std::string> {
    const std::string dir = StrCat(parent, "/", leaf);
    for (const std::string& d : out.dirs_) {
      if (d == dir) return dir;
    }
    if (mkdir(dir.c_str(), 0755) != 0) {
      return absl::FailedPreconditionError(StrCat(
          "cannot make the sandbox's cgroup ", dir, ": ", strerror(errno),
          errno == EACCES || errno == EROFS
              ? " (syd needs to write its own cgroup: root, or a cgroup "
                "delegated to its user)"
              : ""));
    }
    out.dirs_.push_back(dir);
    out.procs_files_.push_back(dir + "/cgroup.procs");
    return dir;
  };
  for (const Controller& c : kControllers) {
    const std::optional<uint64_t>& value = limits.Get(c.limit);
    if (!value) continue;
    const std::string limit = LimitText(c.limit, *value);
    std::string dir;
    bool v2 = false;
    if (!h.unified.empty() &&
        cgroup_internal::ListsController(
            ReadFile(h.unified + "/cgroup.controllers"), c.name)) {
      if (absl::Status enabled =
              out.EnableForChildren(h.unified, c.name, limit);
          !enabled.ok()) {
        return enabled;
      }
      absl::StatusOr<std::string> made = make(h.unified);
      if (!made.ok()) return made.status();
      dir = *made;
      v2 = true;
      out.kill_file_ = dir + "/cgroup.kill";
    } else {
      for (const auto& [controllers, parent] : h.v1) {
        if (!HasWord(controllers, c.name, ',')) continue;
        absl::StatusOr<std::string> made = make(parent);
        if (!made.ok()) return made.status();
        dir = *made;
      }
    }
    if (dir.empty()) {
      return absl::FailedPreconditionError(
          StrCat(limit, ": no cgroup hierarchy of this system has the ", c.name,
                 " controller"));
    }
    // The limit's files, in the order the kernel accepts them.
    std::vector<std::pair<std::string, std::string>> files;
    switch (c.limit) {
      case kMemoryLimit:
        if (v2) {
          files = {{"memory.max", StrCat(*value)}};
          // No swap: the limit is on memory, not on memory the kernel can
          // push out and bring back.
          if (Exists(dir + "/memory.swap.max"))
            files.emplace_back("memory.swap.max", "0");
        } else {
          files = {{"memory.limit_in_bytes", StrCat(*value)}};
          if (Exists(dir + "/memory.memsw.limit_in_bytes"))
            files.emplace_back("memory.memsw.limit_in_bytes", StrCat(*value));
        }
        break;
      case kPidsLimit:
        files = {{"pids.max", StrCat(*value)}};
        break;
      default: {
        const uint64_t quota = *value * kCpuPeriodUs / 100;
        files =
            v2 ? std::vector<
                     std::pair<std::string, std::string>>{{"cpu.max",
                                                           StrCat(
                                                               quota, " ",
                                                               kCpuPeriodUs)}}
               : std::vector<std::pair<std::string, std::string>>{
                     {"cpu.cfs_period_us", StrCat(kCpuPeriodUs)},
                     {"cpu.cfs_quota_us", StrCat(quota)}};
        break;
      }
    }
    for (const auto& [file, text] : files) {
      if (!WriteInOneWrite(StrCat(dir, "/", file), text)) {
        return absl::FailedPreconditionError(StrCat(
            limit, ": cannot write ", dir, "/", file, ": ", strerror(errno)));
      }
    }
  }
  return out;
}

absl::Status SandboxCgroup::EnableForChildren(const std::string& cgroup,
                                              const char* name,
                                              const std::string& limit) {
  const std::string subtree = cgroup + "/cgroup.subtree_control";
  if (cgroup_internal::ListsController(ReadFile(subtree), name))
    return absl::OkStatus();
  // Only the root cgroup may hold processes and enable controllers for its
  // children (it alone has no cgroup.type). Elsewhere the kernel refuses
  // memory (EBUSY), and would take pids and cpu, threaded controllers, by
  // making syd's cgroup a thread root, where memory is then refused
  // (EOPNOTSUPP). So syd leaves its cgroup for a leaf of it first, if no
  // other process is there to leave behind.
  if (self_leaf_.empty() && Exists(cgroup + "/cgroup.type")) {
    std::vector<std::string> others;
    std::istringstream procs(ReadFile(cgroup + "/cgroup.procs"));
    for (pid_t pid; procs >> pid;) {
      if (pid == getpid()) continue;
      std::string comm = ReadFile(StrCat("/proc/", pid, "/comm"));
      if (!comm.empty() && comm.back() == '\n') comm.pop_back();
      others.push_back(StrCat(pid, comm.empty() ? "" : " ", comm));
    }
    if (!others.empty()) {
      std::string named;
      for (size_t i = 0; i < others.size() && i < 3; ++i)
        named += StrCat(i ? ", " : "", others[i]);
      if (others.size() > 3) named += ", ...";
      return absl::FailedPreconditionError(StrCat(
          limit, ": syd's cgroup ", cgroup, " holds other processes (", named,
          "), and cgroup v2 enables controllers only for a cgroup's "
          "children where it holds none: run syd alone in a cgroup "
          "delegated to it, as systemd-run [--user] --scope -p "
          "Delegate=yes gives"));
    }
    const std::string leaf = StrCat(cgroup, "/syd-", getpid(), "-supervisor");
    if (mkdir(leaf.c_str(), 0755) != 0) {
      return absl::FailedPreconditionError(
          StrCat(limit, ": cannot make syd's own leaf cgroup ", leaf, ": ",
                 strerror(errno),
                 errno == EACCES || errno == EROFS
                     ? " (syd needs to write its own cgroup: root, or a "
                       "cgroup delegated to its user)"
                     : ""));
    }
    if (!WriteInOneWrite(leaf + "/cgroup.procs", "0")) {
      const int error = errno;
      rmdir(leaf.c_str());
      return absl::FailedPreconditionError(
          StrCat(limit, ": cannot move syd to its own leaf cgroup ", leaf, ": ",
                 strerror(error)));
    }
    home_ = cgroup;
    self_leaf_ = leaf;
  }
  if (!WriteInOneWrite(subtree, StrCat("+", name))) {
    return absl::FailedPreconditionError(
        StrCat(limit, ": cannot enable the ", name, " controller in ", subtree,
               " (", strerror(errno),
               "): the controller must be delegated to syd's cgroup, as "
               "systemd-run [--user] --scope -p Delegate=yes gives"));
  }
  if (!self_leaf_.empty()) enabled_.push_back(name);
  return absl::OkStatus();
}

SandboxCgroup::SandboxCgroup(SandboxCgroup&& other) noexcept
    : dirs_(std::exchange(other.dirs_, {})),
      procs_files_(std::exchange(other.procs_files_, {})),
      kill_file_(std::move(other.kill_file_)),
      home_(std::exchange(other.home_, {})),
      self_leaf_(std::exchange(other.self_leaf_, {})),
      enabled_(std::exchange(other.enabled_, {})),
      limits_(other.limits_),
      finished_(std::exchange(other.finished_, true)) {}

SandboxCgroup::~SandboxCgroup() {
  if (!finished_) Finish();
}

bool SandboxCgroup::Enter() const {
  // No allocation: the paths exist, and "0" is a literal.
  for (const std::string& procs : procs_files_) {
    if (!WriteInOneWrite(procs, "0")) return false;
  }
  return true;
}

void SandboxCgroup::Kill() const {
  if (!kill_file_.empty() && WriteInOneWrite(kill_file_, "1")) return;
  // v1 has no cgroup.kill: each process listed, until none is left (a
  // fork between the read and the kill shows in the next round).
  for (int round = 0; round < 100 && !dirs_.empty(); ++round) {
    std::istringstream in(ReadFile(dirs_.front() + "/cgroup.procs"));
    bool any = false;
    for (pid_t pid; in >> pid;) {
      kill(pid, SIGKILL);
      any = true;
    }
    if (!any) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::vector<std::string> SandboxCgroup::Finish() {
  finished_ = true;
  Kill();
  std::vector<std::string> said;
  for (const std::string& dir : dirs_) {
    if (const std::optional<uint64_t>& pids = limits_.Get(kPidsLimit);
        pids && Exists(dir + "/pids.events")) {
      if (const uint64_t n = KeyedValue(ReadFile(dir + "/pids.events"), "max"))
        said.push_back(StrCat(LimitText(kPidsLimit, *pids), ": ", n,
                              n == 1 ? " fork" : " forks", " refused"));
    }
    if (const std::optional<uint64_t>& memory = limits_.Get(kMemoryLimit);
        memory) {
      const std::string file = Exists(dir + "/memory.events")
                                   ? dir + "/memory.events"
                                   : dir + "/memory.oom_control";
      if (const uint64_t n = KeyedValue(ReadFile(file), "oom_kill")) {
        said.push_back(StrCat(LimitText(kMemoryLimit, *memory), ": ", n,
                              n == 1 ? " process" : " processes",
                              " killed by the kernel for memory"));
      }
    }
  }
  // Emptied by the kill: the last processes are gone once reaped, which
  // takes a moment. Bounded: a directory left is said, not waited for.
  for (const std::string& dir : dirs_) {
    bool removed = false;
    for (int tries = 0; tries < 200 && !removed; ++tries) {
      removed = rmdir(dir.c_str()) == 0 || errno == ENOENT;
      if (!removed) {
        if (errno != EBUSY) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    if (!removed)
      said.push_back(StrCat("cannot remove the sandbox's cgroup ", dir, ": ",
                            strerror(errno)));
  }
  dirs_.clear();
  // syd's cgroup as syd found it: the controllers it enabled off again (it
  // holds no other child that uses them), syd back in, its leaf removed.
  if (!self_leaf_.empty()) {
    for (const std::string& name : enabled_) {
      if (!WriteInOneWrite(home_ + "/cgroup.subtree_control", "-" + name))
        said.push_back(StrCat("cannot disable the ", name, " controller in ",
                              home_, " again: ", strerror(errno)));
    }
    if (!WriteInOneWrite(home_ + "/cgroup.procs", "0")) {
      said.push_back(StrCat("cannot move syd back to its cgroup ", home_, ": ",
                            strerror(errno)));
    } else if (rmdir(self_leaf_.c_str()) != 0) {
      said.push_back(StrCat("cannot remove syd's leaf cgroup ", self_leaf_,
                            ": ", strerror(errno)));
    }
    self_leaf_.clear();
    enabled_.clear();
  }
  return said;
}

}  // namespace syd::supervise
