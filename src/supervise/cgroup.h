// The cgroup syd makes for the sandbox when a policy sets limit/memory,
// limit/pids or limit/cpu_quota: a child of syd's own cgroup, with those
// limits, that the command's process enters before anything else and that
// every process of the sandbox is then born into. syd kills what is left
// in it and removes it at the end. Each controller is taken from the
// unified (v2) hierarchy where it is there, else from its v1 hierarchy
// (hybrid systems bind memory, pids and cpu to v1). On v2 a cgroup that
// holds processes cannot enable controllers for its children: syd, alone
// in its cgroup (a systemd scope with Delegate=yes), first moves itself to
// a leaf of it; where others share its cgroup, it refuses with a message.
// docs/architecture.md, "Isolation".
#ifndef SYD_SUPERVISE_CGROUP_H_
#define SYD_SUPERVISE_CGROUP_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "src/policy/limits.h"

namespace syd::supervise {

class SandboxCgroup {
 public:
  // Whether `limits` sets a cgroup limit.
  static bool Wanted(const Limits& limits);
  // Makes the cgroup (one directory per hierarchy used) with `limits`'
  // cgroup limits. An error names the controller that is missing or not
  // delegated to syd's cgroup, and what to do; nothing is left made.
  static absl::StatusOr<SandboxCgroup> Make(const Limits& limits);
  SandboxCgroup(SandboxCgroup&& other) noexcept;
  SandboxCgroup& operator=(SandboxCgroup&&) = delete;
  ~SandboxCgroup();

  // In the command's child, first: moves it in, with open and write
  // alone.
  bool Enter() const;
  // Kills every process in it (cgroup.kill; on v1, each one listed, until
  // none is left or a bounded number of rounds has passed). Any thread.
  void Kill() const;
  // At the end: kills what is left, says what the limits held back (forks
  // refused, processes the kernel killed for memory), a line each, and
  // removes the directories.
  std::vector<std::string> Finish();

 private:
  SandboxCgroup() = default;
  // v2: `name` enabled in `cgroup`'s subtree_control, moving syd to a leaf
  // first where that needs it.
  absl::Status EnableForChildren(const std::string& cgroup, const char* name,
                                 const std::string& limit);

  std::vector<std::string> dirs_;  // one per hierarchy, made by syd
  // Their cgroup.procs, named before the fork: the child allocates
  // nothing to enter them.
  std::vector<std::string> procs_files_;
  std::string kill_file_;  // v2's cgroup.kill, "" on v1 alone
  // On v2, where syd's cgroup is not the root: syd moves itself from it
  // (home_) to a leaf of its own (self_leaf_) to enable controllers there
  // (enabled_), and puts everything back at the end.
  std::string home_;
  std::string self_leaf_;
  std::vector<std::string> enabled_;
  Limits limits_;
  bool finished_ = false;
};

namespace cgroup_internal {

// Where syd's own cgroup is, per hierarchy: the unified one (v2), and each
// v1 hierarchy with the controllers mounted in it; from the texts of
// /proc/self/cgroup and /proc/self/mountinfo.
struct Hierarchies {
  std::string unified;  // syd's cgroup directory in the v2 hierarchy, or ""
  std::vector<std::pair<std::string, std::string>> v1;  // controllers, dir
};
Hierarchies FindHierarchies(const std::string& cgroup,
                            const std::string& mountinfo);
// Whether `list`, a cgroup.controllers or cgroup.subtree_control text,
// names controller `name`.
bool ListsController(std::string_view list, std::string_view name);

}  // namespace cgroup_internal

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_CGROUP_H_
