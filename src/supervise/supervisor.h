// Runs a command under the policy: the kernel filter decides what it can,
// and every call it sends to syd is decoded, evaluated under the rules in
// force and decided, through one of two backends. Rules added at run time
// (magic stat, the control socket) and plugins decide here too.
//
// The work is split by job: supervisor.cc starts the run and holds the
// state; decider.cc decides a call (the one place an outcome is
// computed); a Backend (backend.h: PtraceBackend, UserNotifBackend) stops
// calls and applies outcomes; launch.cc starts the command; signals.cc
// handles syd's signals; report.cc reports; introspection.cc answers the
// dump and the control socket.
#ifndef SYD_SUPERVISE_SUPERVISOR_H_
#define SYD_SUPERVISE_SUPERVISOR_H_

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "src/base/held_name.h"
#include "src/compile/bpf.h"
#include "src/kernel/landlock.h"
#include "src/policy/policy.h"
#include "src/policy/variables.h"
#include "src/runtime/introspection.h"
#include "src/runtime/plugin_loader.h"
#include "src/runtime/process_locks.h"
#include "src/runtime/runtime.h"
#include "src/supervise/backend.h"
#include "src/supervise/bound_sockets.h"
#include "src/supervise/cgroup.h"
#include "src/supervise/outcome.h"
#include "src/supervise/performer.h"
#include "src/supervise/pid_namespace.h"

namespace syd::supervise {

// How syd stops the calls the kernel filter sends it (--backend).
enum class BackendChoice {
  kAuto,       // user notification where the run allows it, else ptrace
  kPtrace,     // SECCOMP_RET_TRACE: syd traces every process and thread
  kUserNotif,  // SECCOMP_RET_USER_NOTIF: no tracing, only stopped calls
};

struct Options {
  BackendChoice backend = BackendChoice::kAuto;
  bool json = false;    // violation reports as JSON lines
  bool stats = false;   // at the end: stops, refusals, syd's peak memory
  bool debug = false;   // a line per stopped call: how it was decided
  std::string control;  // --control PATH: the control socket, "" for none
  std::string dump;     // --dump PATH: where SIGUSR2 writes, "" for stderr
  // The Landlock domain the command enters (src/compile/landlock_layer.h).
  kernel::LandlockRuleset landlock;
  // --allow-stopped-calls: every call the filter stops is allowed, so a
  // test sees what the kernel layers hold alone. Never for real runs.
  bool allow_stopped_calls = false;
  // Whether the sandbox runs in a pid namespace of syd's, and dies with
  // syd (PlanPidNamespace's answer), or why not.
  PidNamespacePlan pid_namespace;
  Variables vars;  // ${NAME} in rules added at run time
  // Where messages about the run go, a line at a time (failures, --stats,
  // rule changes, --debug); stderr when unset. The CLI decides.
  std::function<void(const std::string& line)> messages;
  // Why the run fell back to ptrace (ChooseBackend), for --stats.
  std::string backend_fallback;
  // syd learn: each call syd would refuse is handed here first, and runs
  // as if allowed when this returns true (src/learn/recording.h). A call
  // the kernel would fail anyway is not: it gets the kernel's errno.
  std::function<bool(const Call& call, const Decision& d)> learn;
  // The command, open, to execute by this descriptor (ChildSetup::
  // exec_fd); -1 to execute it by name.
  int exec_fd = -1;
  // limit/: the child's resource limits, and the timeout that ends the
  // whole sandbox (Deadline).
  Limits limits;
};

// What a run ends with once limit/timeout has passed, as timeout(1).
inline constexpr int kExitTimedOut = 124;

// The backend a run of `policy` with `options` gets: resolves kAuto, and
// refuses an explicit choice the run or the kernel cannot serve. Never
// kAuto. Where kAuto falls back to ptrace, `fallback` says why. The
// baseline depends on it (src/policy/baseline.h), so the CLI asks before
// it compiles the filter.
absl::StatusOr<BackendChoice> ChooseBackend(const Policy& policy,
                                            const Options& options,
                                            std::string* fallback = nullptr);

class Supervisor {
 public:
  Supervisor(const Policy& policy, const BpfProgram& prog, Options options);
  ~Supervisor();

  // Loads the policy's plugins, forks, execs `path` with `argv` under the
  // filter and judges the calls it stops, in every process and thread the
  // command makes, until the last has gone. Returns the command's exit
  // status, 128+N if a signal N killed it, 126 when it could not be
  // executed, 125 when syd had to end the run; an error, and nothing run,
  // when the run could not be set up. A backend other than kAuto in the
  // options is taken as ChooseBackend's answer.
  absl::StatusOr<int> Run(const std::string& path,
                          const std::vector<std::string>& argv);

  // The state dump (SIGUSR2, the control socket's `dump`), as JSON.
  std::string Dump();

 private:
  // The backends stop the calls, hand them to Decide and keep the process
  // table (live_) and the counters of stops.
  friend class PtraceBackend;
  friend class UserNotifBackend;

  // What runs a load= rule of the policy.
  struct PluginSlot {
    std::unique_ptr<Plugin> plugin;  // a shared object, or
    bool magic = false;              // the built-in magic_stat
    bool readonly = false;
    bool initonly = false;
  };

  absl::Status LoadPlugins();
  // A message about the run ("syd: " is added), to Options::messages.
  void Message(const std::string& text);
  // The terminal of the session syd leads hung up: SIGHUP to the sandbox.
  void HangUp();
  // Decides the call in `e` (nr and args set) made by thread `pid`; nothing
  // when the call went away while syd read it (`still_waits` says whether
  // it still waits). Any number of threads may decide at once.
  std::optional<Outcome> Decide(pid_t pid, Call* e,
                                const std::function<bool()>& still_waits);
  // Decide's steps: reads the call's root (the sandbox's while
  // `same_root`) and memory into `call` (an outcome when they cannot be
  // read), without mu_; records a decided call (detached processes,
  // counters, reports, the root changing, a plugin's exit hook).
  std::optional<Outcome> Read(pid_t pid, const Policy& policy, bool same_root,
                              Call* call);
  // Magic stat's rule stops every stat of a path, and nearly none is
  // magic: for a call of `nr`, the chain position after its magic rules
  // where nothing else in its chain needs syd (0 where something does, or
  // there are none); with mu_ held.
  int32_t MagicEndOf(int nr, const RulesInForce& rules);
  // The decision, from `magic_end` on, of a call whose path, as written,
  // is not magic and which the kernel's rules then allow, unlogged;
  // nullopt to decide it in full. Without mu_: it reads the call's memory.
  std::optional<Decision> NotMagic(pid_t pid, const Call& call,
                                   const Policy& policy, int32_t magic_end);
  void Record(pid_t pid, const Call& call, const RulesInForce& rules,
              const Decision& d, const LogTarget& log,
              std::optional<PendingExit> exit);
  // Sends the outcome's signal, if it has one.
  void Signal(pid_t pid, const Outcome& o);
  // Sends `sig` to every process of the sandbox (Backend::Processes).
  void SignalSandbox(int sig);
  // Whether `pid` is a process syd inherited from its caller (one of
  // inherited_, the same process by its start time): not the sandbox's.
  bool Inherited(pid_t pid) const;
  // Whether process `pid` belongs to the sandbox (the control socket
  // refuses it): a tracee, a process in syd's pid namespace for it, or one
  // below syd that syd did not inherit.
  bool InSandbox(pid_t pid);
  // Kills every process of the sandbox after a failure that leaves syd
  // unable to judge its calls, or at the end of limit/timeout's grace,
  // saying why. Any thread.
  void EndSandbox(const std::string& why);
  // Resolves load= verdicts in `d`: a plugin decides, or passes on. Sets
  // `exit` when a plugin it called has an exit hook.
  void RunPlugins(pid_t pid, const Call& e, const RulesInForce& rules,
                  Decision* d, std::optional<PendingExit>* exit);
  // The slot of `rule`, a rule of `rules`; nullptr for one added at run
  // time.
  const PluginSlot* SlotOf(const RulesInForce& rules, const Rule* rule) const;
  void Report(pid_t pid, const Call& e, const Decision& d);
  // --debug: how the call was decided, from chain position `start`.
  void Trace(pid_t pid, const Call& e, const Policy& policy, uint32_t start,
             const Decision& d, const Outcome& out);
  void Log(const LogTarget& target, const std::string& line);
  bool Detached(pid_t pid);
  // Whether thread `pid`'s process, or one above it, made a Landlock
  // domain of its own (own_domains_). Under mu_.
  bool InOwnDomain(pid_t pid);
  void WriteDump();
  absl::Status Control(const std::string& command, std::string* reply);
  // The sandbox's state for introspection; call with mu_ held.
  SandboxView View() const;

  const Policy& policy_;
  const BpfProgram& prog_;
  Options options_;
  // Guards what the deciding threads and the control socket's thread read
  // or change: the runtime rules, the live set, the counters.
  std::mutex mu_;
  RuntimeRules runtime_;
  // Magic stat's lock, per process of the sandbox.
  ProcessLocks locks_;
  std::vector<PluginSlot> plugins_;  // per rule of policy_
  syd_plugin_host host_;
  // While Run runs: the backend it chose.
  std::unique_ptr<Backend> backend_;
  // Every tracee under ptrace; the command alone under user notification,
  // where nothing is traced (the backends keep it).
  std::unordered_set<pid_t> live_;
  // Processes below syd before it forked the command, with their start
  // times: not the sandbox's, and not waited for or signalled.
  std::unordered_map<pid_t, uint64_t> inherited_;
  // Detached threads and thread groups, with their start times: a pid
  // that has gone and been reused is not detached (under user
  // notification no exit event says it has gone).
  std::unordered_map<pid_t, uint64_t> detached_threads_;
  std::unordered_map<pid_t, uint64_t> detached_processes_;
  // Processes that made a Landlock domain of their own (Policy::
  // MakesDomain), with their start times. syd performs nothing for them
  // or for a process below them (InOwnDomain): what it did would not be
  // checked against that domain, and a program that sandboxes a part of
  // itself would find that part free of it.
  std::unordered_map<pid_t, uint64_t> own_domains_;
  bool said_own_domain_ = false;
  // The root every process of the sandbox has (syd's own, which the
  // command inherits) until one changes it. Only a watched syscall
  // (Policy::Watched) can, and each stops in syd: after the first is
  // allowed, each call's root is read from /proc.
  std::string sandbox_root_;
  // --dump's file, or none for stderr.
  std::optional<HeldName> dump_to_;
  bool same_root_ = true;
  pid_t command_pid_ = -1;
  bool command_execed_ = false;
  uint64_t stops_ = 0;
  uint64_t refused_ = 0;
  // Stops that are not syscalls: fork, vfork, clone and exec events, each
  // new thread's first stop, and group-stops. ptrace costs these even when
  // no call stops.
  uint64_t event_stops_ = 0;
  // Calls decided here, per syscall and verdict kind.
  CallCounters counts_ = CallCounters(kMaxSyscallNr);
  // NotMagic's chain positions after the magic rules, per syscall, for
  // the rules in force of `magic_ends_of_`: -1 not known yet, 0 none.
  // Held, so that a later policy cannot be made at the same address.
  std::shared_ptr<const Policy> magic_ends_of_;
  std::vector<int32_t> magic_ends_;
  // A private root (isolate/bind=...): where syd reads the sandbox's "/"
  // (tracee::ResolvePath's view), and its descriptor; empty and -1
  // without one.
  std::string sandbox_view_;
  int private_root_fd_ = -1;
  // limit/memory, pids, cpu_quota: the sandbox's cgroup.
  std::optional<SandboxCgroup> cgroup_;
  // The pid namespace, while the sandbox runs; the /proc the sandbox sees
  // (tracee::ResolvePath's sandbox_proc), empty without one.
  std::optional<PidNamespace> pid_ns_;
  // EndSandbox's kill of the namespace, from the loop or the Deadline's
  // thread.
  std::mutex end_mu_;
  // Copies of the sandbox's descriptors, for decisions and the performer.
  tracee::DescriptorCopies copies_;
  // The sockets whose binds syd let run, for BOUND patterns.
  BoundSocketTable bound_{copies_};
  // Allowed calls syd does itself (user notification), unless the policy
  // lets the sandbox make namespaces: in its own user or mount namespace
  // a process is not what syd would be in its place. Then why not.
  Performer performer_;
  // Performed opens answered on DescriptorAnswers' thread while the
  // deciding one went on to the next call.
  std::atomic<uint64_t> answered_aside_ = 0;
  // Opens of a FIFO that waited for its other end, unix connects that
  // waited for room in a server's queue, and sends that waited for room,
  // on a thread of their own (WaitingOpens).
  std::atomic<uint64_t> waited_aside_ = 0;
  // The threads that decide calls apart from the one that handles syd's
  // signals (user notification): 0 where that one decides them, -1 under
  // ptrace.
  int deciding_threads_ = -1;
  std::string no_performing_;
  int sandbox_proc_fd_ = -1;
  std::string sandbox_proc_;
  // The command's root (/proc/CHILD/root), for tracee::ResolvePath's
  // root_fd while no process of the sandbox has changed its root.
  int sandbox_root_fd_ = -1;
};

}  // namespace syd::supervise

#endif  // SYD_SUPERVISE_SUPERVISOR_H_
