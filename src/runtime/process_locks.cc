#include "src/runtime/process_locks.h"

#include <vector>

#include "src/tracee/procfs.h"

namespace syd {
namespace {

// Deeper than any process tree; a bound on the walk.
constexpr int kMaxDepth = 4096;
// Entries of gone processes are dropped after this many new ones.
constexpr size_t kPruneEvery = 4096;

}  // namespace

void ProcessLocks::SetInitial(pid_t command) {
  initial_ = command;
  known_.clear();
  known_[command] = Entry{tracee::StartTime(command), Lock::kOff};
}

ProcessLocks::Entry* ProcessLocks::Met(pid_t tgid) {
  auto it = known_.find(tgid);
  if (it == known_.end()) return nullptr;
  if (tracee::StartTime(tgid) != it->second.start) {
    known_.erase(it);  // gone, and the pid is another's now
    return nullptr;
  }
  return &it->second;
}

ProcessLocks::Lock* ProcessLocks::Of(pid_t tgid) {
  handed_out_ = true;
  return Lookup(tgid);
}

ProcessLocks::Lock* ProcessLocks::Lookup(pid_t tgid) {
  if (Entry* e = Met(tgid)) return &e->lock;
  // Up to the nearest process met before; each on the way inherits.
  std::vector<std::pair<pid_t, uint64_t>> chain;
  Lock inherited = Lock::kOn;
  for (pid_t p = tgid; p > 1 && chain.size() < kMaxDepth;) {
    const auto [parent, start] = tracee::ParentAndStartOf(p);
    if (start == 0) break;  // gone
    chain.emplace_back(p, start);
    // The parent must be older than the child, or the pid was reused.
    if (Entry* e = Met(parent); e != nullptr && e->start <= start) {
      inherited = e->lock;
      break;
    }
    p = parent;
  }
  if (chain.empty()) {
    broken_.lock = Lock::kOn;
    return &broken_.lock;
  }
  if (++since_pruned_ >= kPruneEvery) {
    since_pruned_ = 0;
    for (auto it = known_.begin(); it != known_.end();) {
      if (it->first != initial_ &&
          tracee::StartTime(it->first) != it->second.start) {
        it = known_.erase(it);
      } else {
        ++it;
      }
    }
  }
  // A locked-on-exec parent's child inherits lock:exec, and so on down.
  for (const auto& [pid, start] : chain) known_[pid] = Entry{start, inherited};
  return &known_[tgid].lock;
}

void ProcessLocks::OnExec(pid_t tid) {
  if (!handed_out_) return;
  Lock* lock = Lookup(tracee::ThreadGroup(tid));
  if (*lock == Lock::kExec) *lock = Lock::kOn;
}

}  // namespace syd
