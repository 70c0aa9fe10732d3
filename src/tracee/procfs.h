// What /proc tells about the processes under syd: under user notification
// syd traces nothing and learns of no fork, so this is how it knows them.
#ifndef SYD_TRACEE_PROCFS_H_
#define SYD_TRACEE_PROCFS_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace syd::tracee {

// What /proc/PID/status and /proc/PID/cwd say of a process or thread.
struct ProcessInfo {
  pid_t pid = 0;
  pid_t tgid = 0;
  pid_t ppid = 0;
  std::string comm;
  std::string state;
  std::string cwd;
};

// Each of `pids` that has not gone.
std::vector<ProcessInfo> Processes(const std::vector<pid_t>& pids);

// The processes descended from `ancestor`, ascending. syd makes itself
// the sandbox's child subreaper, so orphans stay among its descendants.
// `prune` leaves out a process and everything below it.
std::vector<pid_t> Descendants(
    pid_t ancestor, const std::function<bool(pid_t)>& prune = nullptr);

// The parent of process `pid` (PPid), 0 when it has gone.
pid_t ParentOf(pid_t pid);

// ParentOf and StartTime of process `pid` from one read of /proc; zeros
// when it has gone.
struct ParentAndStart {
  pid_t parent = 0;
  uint64_t start = 0;
};
ParentAndStart ParentAndStartOf(pid_t pid);

// The threads of process `pid`, ascending.
std::vector<pid_t> ThreadsOf(pid_t pid);

// When thread `tid` started, in clock ticks after boot (/proc/TID/stat);
// 0 when it has gone. A pid with another start time is another process.
uint64_t StartTime(pid_t tid);

// Whether thread `tid` is stopped by a signal (state T in /proc/TID/stat),
// as in a group-stop; not a ptrace stop (t).
bool IsStopped(pid_t tid);

// Thread `tid`'s session and controlling terminal (/proc/TID/stat):
// terminal 0 when it has none; both 0 when /proc does not say.
struct SessionAndTerminal {
  pid_t session = 0;
  dev_t terminal = 0;
};
SessionAndTerminal SessionOf(pid_t tid);

// The process (thread group) thread `tid` belongs to; `tid` itself when
// /proc does not say.
pid_t ThreadGroup(pid_t tid);

// The pid tracing `pid` (TracerPid), or 0.
pid_t TracerOf(pid_t pid);

// The process (Tgid) of thread `tid` and how many threads it has
// (Threads), from one read of /proc/TID/status; zeros when it has gone.
struct ThreadGroupSize {
  pid_t tgid = 0;
  int threads = 0;
};
ThreadGroupSize ThreadGroupSizeOf(pid_t tid);

// The pid the kernel gave out last in syd's pid namespace (/proc/loadavg),
// which every new process or thread below it takes one in; 0 when /proc
// does not say.
pid_t LastPidGiven();

// What the kernel checks a thread's file calls as, and the umask its
// creates get (/proc/TID/status; the umask is the thread's fs_struct's).
struct Credentials {
  uid_t fsuid = 0;
  gid_t fsgid = 0;
  // What a unix socket's server reads of a client (SO_PEERCRED), with the
  // groups: taken where syd connects for the caller.
  uid_t euid = 0;
  gid_t egid = 0;
  std::vector<gid_t> groups;
  uint64_t effective = 0;  // capabilities, a bit per CAP_*
  mode_t umask = 0;
  bool operator==(const Credentials&) const = default;
};

// Thread `tid`'s credentials; nothing when it has gone.
std::optional<Credentials> CredentialsOf(pid_t tid);

}  // namespace syd::tracee

#endif  // SYD_TRACEE_PROCFS_H_
