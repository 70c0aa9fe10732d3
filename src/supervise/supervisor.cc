#include "src/supervise/supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_format.h"
#include "src/base/escape.h"
#include "src/base/strcat.h"
#include "src/runtime/control_server.h"
#include "src/supervise/deadline.h"
#include "src/supervise/isolate.h"
#include "src/supervise/launch.h"
#include "src/supervise/listener.h"
#include "src/supervise/output_capture.h"
#include "src/supervise/pid_namespace.h"
#include "src/supervise/ptrace_backend.h"
#include "src/supervise/signals.h"
#include "src/supervise/user_notif_backend.h"
#include "src/tracee/decode.h"
#include "src/tracee/memory.h"
#include "src/tracee/procfs.h"

namespace syd::supervise {
namespace {

int HostReadMemory(int pid, uint64_t addr, void* out, size_t size) {
  return tracee::ReadMemory(pid, addr, out, size) ? 0 : -1;
}

long HostReadString(int pid, uint64_t addr, char* out, size_t size) {
  if (size == 0) return -1;
  std::optional<std::string> s = tracee::ReadString(pid, addr, size - 1);
  if (!s) return -1;
  std::memcpy(out, s->c_str(), s->size() + 1);
  return static_cast<long>(s->size());
}

double CpuSeconds(const rusage& u) {
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

Supervisor::Supervisor(const Policy& policy, const BpfProgram& prog,
                       Options options)
    : policy_(policy),
      prog_(prog),
      options_(std::move(options)),
      runtime_(policy, options_.vars),
      host_{SYD_PLUGIN_ABI_VERSION, HostReadMemory, HostReadString},
      performer_(copies_, [this](const std::string& m) { Message(m); }) {
  for (const ReopenedItem& r : policy_.rule_set().reopened) {
    if (r.item == "namespaces") {
      no_performing_ =
          StrCat("the policy lets the sandbox make namespaces (",
                 r.location.ToString(false),
                 "), where syd cannot act as its processes: every call is "
                 "continued");
    }
  }
}

Supervisor::~Supervisor() {
  if (sandbox_proc_fd_ >= 0) close(sandbox_proc_fd_);
  if (sandbox_root_fd_ >= 0) close(sandbox_root_fd_);
}

absl::Status Supervisor::LoadPlugins() {
  plugins_.resize(policy_.rules().size());
  for (size_t i = 0; i < policy_.rules().size(); ++i) {
    const Rule& r = policy_.rules()[i];
    if (!r.plugin) continue;
    const std::string where =
        StrCat(r.location.ToString(false), ": load=", r.plugin->path);
    PluginSlot& slot = plugins_[i];
    if (r.IsMagicStat()) {
      // The resolver checked the options: readonly and initonly, truthy
      // or not; net is RuntimeRules'.
      slot.magic = true;
      for (const auto& [key, value] : r.plugin->options) {
        const bool on = value != "0" && value != "false" && value != "no";
        if (key == "readonly") slot.readonly = on;
        if (key == "initonly") slot.initonly = on;
      }
      continue;
    }
    absl::StatusOr<std::unique_ptr<Plugin>> p = Plugin::Load(*r.plugin, &host_);
    if (!p.ok()) {
      return absl::FailedPreconditionError(
          StrCat(where, ": ", p.status().message()));
    }
    slot.plugin = *std::move(p);
  }
  return absl::OkStatus();
}

const Supervisor::PluginSlot* Supervisor::SlotOf(const RulesInForce& rules,
                                                 const Rule* rule) const {
  size_t i = static_cast<size_t>(rule - rules.policy->rules().data());
  if (i < rules.added) return nullptr;  // no plugins at run time
  i -= rules.added;
  return i < plugins_.size() ? &plugins_[i] : nullptr;
}

namespace {

// A sandbox that fills memory must not have the OOM killer choose syd:
// under user notification the sandbox would run on unjudged. Lowering
// needs CAP_SYS_RESOURCE; without it syd keeps what it has. Called after
// the fork, so the command does not inherit it.
void ShieldFromOomKiller() {
  const int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  constexpr char kLowest[] = "-1000";
  if (write(fd, kLowest, sizeof kLowest - 1) < 0) {
    // Unprivileged: the score stays as it was.
  }
  close(fd);
}

// Why a run of `policy` needs ptrace, or "" when user notification serves
// it. A plugin's exit hook needs the call's result: under user
// notification the kernel runs the call after syd has answered. Plugins
// with an enter hook alone run under either.
std::string PtraceReason(const Policy& policy) {
  for (const Rule& r : policy.rules()) {
    if (r.plugin && !r.IsMagicStat() &&
        Plugin::ExportsExitHook(r.plugin->path)) {
      return StrCat(r.location.ToString(false), ": load=", r.plugin->path,
                    " has an exit hook, which needs the call's result: "
                    "ptrace");
    }
  }
  return "";
}

}  // namespace

absl::StatusOr<BackendChoice> ChooseBackend(const Policy& policy,
                                            const Options& options,
                                            std::string* fallback) {
  const std::string ptrace_reason = PtraceReason(policy);
  // Where another listener is above syd, syd cannot make its own, and the
  // outer USER_NOTIF outranks TRACE (seccomp takes the highest-precedence
  // return of all filters): calls both stop would never reach syd.
  std::string probe_failure;
  const ListenerSupport support = ProbeListener(&probe_failure);
  if (support == ListenerSupport::kProbeFailed) {
    return absl::FailedPreconditionError(
        StrCat("cannot tell whether this kernel gives syd a seccomp "
               "listener: ",
               probe_failure));
  }
  if (support == ListenerSupport::kListenerAbove) {
    return absl::FailedPreconditionError(
        "another seccomp listener is above syd, or a filter above refuses "
        "one (an outer syd's?); the calls this policy sends to syd would "
        "not reach it");
  }
  switch (options.backend) {
    case BackendChoice::kPtrace:
      break;
    case BackendChoice::kAuto:
      if (ptrace_reason.empty() && support == ListenerSupport::kYes)
        return BackendChoice::kUserNotif;
      if (fallback != nullptr) {
        *fallback = !ptrace_reason.empty()
                        ? ptrace_reason
                        : "this kernel cannot make a seccomp listener that "
                          "syd can use (Linux 5.19 or later needed)";
      }
      break;
    case BackendChoice::kUserNotif:
      if (!ptrace_reason.empty()) {
        return absl::FailedPreconditionError(StrCat(
            "--backend=user-notif: this run needs ptrace: ", ptrace_reason));
      }
      if (support != ListenerSupport::kYes) {
        return absl::FailedPreconditionError(
            "--backend=user-notif: this kernel cannot make a seccomp "
            "listener that syd can use (Linux 5.19 or later needed)");
      }
      return BackendChoice::kUserNotif;
  }
  return BackendChoice::kPtrace;
}

absl::StatusOr<int> Supervisor::Run(const std::string& path,
                                    const std::vector<std::string>& argv) {
  if (absl::Status s = LoadPlugins(); !s.ok()) return s;
  if (!runtime_.start().ok()) return runtime_.start();
  if (options_.backend == BackendChoice::kAuto) {
    absl::StatusOr<BackendChoice> chosen = ChooseBackend(policy_, options_);
    if (!chosen.ok()) return chosen.status();
    options_.backend = *chosen;
  }
  const bool user_notif = options_.backend == BackendChoice::kUserNotif;
  std::unique_ptr<ControlServer> control;
  if (!options_.control.empty()) {
    control = std::make_unique<ControlServer>(options_.control);
    if (absl::Status st = control->Listen(); !st.ok()) return st;
  }
  if (!options_.dump.empty()) {
    // Held from before the command runs: it cannot move where a dump goes.
    absl::StatusOr<HeldName> dump_to = HeldName::Open(options_.dump);
    if (!dump_to.ok()) {
      return absl::FailedPreconditionError(StrCat("cannot write the dump to ",
                                                  options_.dump, ": ",
                                                  dump_to.status().message()));
    }
    dump_to_ = *std::move(dump_to);
  }
  if (absl::Status s = InstallSignalHandlers(); !s.ok()) return s;

  std::optional<std::string> root = tracee::RootOf(getpid());
  if (!root) {
    return absl::FailedPreconditionError(
        StrCat("cannot read its own root (/proc/", getpid(),
               "/root): ", strerror(errno)));
  }
  sandbox_root_ = *root;
  BpfProgram notify_prog;
  if (user_notif) {
    notify_prog = TraceToUserNotif(prog_);
    // Orphans come to syd, not init: it reaps them, and finds them below
    // itself to dump or signal.
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
      return absl::FailedPreconditionError(
          StrCat("cannot become the sandbox's subreaper: ", strerror(errno)));
    }
    if (absl::Status s = InstallChildHandler(); !s.ok()) return s;
  }
  for (pid_t pid : tracee::Descendants(getpid()))
    inherited_.insert_or_assign(pid, tracee::StartTime(pid));
  const auto started = std::chrono::steady_clock::now();
  rusage at_start{};
  getrusage(RUSAGE_SELF, &at_start);
  const double cpu_at_start = CpuSeconds(at_start);
  // The cgroup before the pid namespace's init: where syd must move itself
  // to a leaf of its cgroup (cgroup v2), it must be alone there.
  if (SandboxCgroup::Wanted(options_.limits)) {
    absl::StatusOr<SandboxCgroup> made = SandboxCgroup::Make(options_.limits);
    if (!made.ok()) return made.status();
    cgroup_.emplace(*std::move(made));
  }
  const bool pid_ns_by_child =
      options_.pid_namespace.on && options_.pid_namespace.by_child;
  if (options_.pid_namespace.on) {
    absl::StatusOr<PidNamespace> ns =
        pid_ns_by_child ? PidNamespace::Prepare() : PidNamespace::Enter();
    if (!ns.ok()) {
      return absl::FailedPreconditionError(StrCat(
          "cannot make the sandbox's pid namespace: ", ns.status().message()));
    }
    pid_ns_.emplace(*std::move(ns));
  }
  const Isolation& isolation = policy_.rule_set().isolation;
  std::optional<OutputCapture> capture;
  if (!isolation.stdout_path.empty() || !isolation.stderr_path.empty()) {
    absl::StatusOr<OutputCapture> opened =
        OutputCapture::Open(isolation.stdout_path, isolation.stderr_path,
                            options_.limits.Get(kOutputLimit));
    if (!opened.ok()) return opened.status();
    capture.emplace(*std::move(opened));
  }
  std::optional<ListenerChannel> channel;
  if (user_notif) {
    absl::StatusOr<ListenerChannel> made = ListenerChannel::Make();
    if (!made.ok()) return made.status();
    channel.emplace(*std::move(made));
  }
  pid_t child = fork();
  if (child < 0)
    return absl::FailedPreconditionError(StrCat("fork: ", strerror(errno)));
  if (child == 0)
    RunCommandChild(
        user_notif ? notify_prog : prog_, options_.landlock,
        {pid_ns_.has_value(), isolation, options_.limits, options_.exec_fd,
         capture ? capture->ChildEnd(1) : -1,
         capture ? capture->ChildEnd(2) : -1, cgroup_ ? &*cgroup_ : nullptr,
         pid_ns_by_child ? pid_ns_->child_alive() : -1,
         pid_ns_by_child ? pid_ns_->child_pids() : -1,
         channel ? channel->child_end() : -1},
        path, argv);
  if (channel) channel->Forked();
  if (pid_ns_by_child) {
    // The child made the namespace and forked the command, syd's child.
    absl::StatusOr<pid_t> command = pid_ns_->Adopt(child);
    if (!command.ok()) return command.status();
    if (*command == 0) return 125;  // it said why
    child = *command;
  }
  command_pid_ = child;
  locks_.SetInitial(child);
  if (pid_ns_) {
    if (absl::Status left = pid_ns_->Leave(); !left.ok()) {
      kill(child, SIGKILL);
      waitpid(child, nullptr, 0);
      return left;
    }
  }
  // A thread is made only once syd is back in its own pid namespace.
  if (capture) capture->Start();
  ShieldFromOomKiller();
  SetCommand(child);
  {
    std::lock_guard<std::mutex> lock(mu_);
    live_.insert(child);
  }
  // Both backends take the child at its first stop, before it execs;
  // there, in a pid namespace, syd finds the /proc the sandbox sees.
  int first = 0;
  pid_t got;
  while ((got = waitpid(child, &first, WSTOPPED)) < 0 && errno == EINTR) {
  }
  if (got != child || !WIFSTOPPED(first)) {
    Message(CannotFollow(child, "it did not stop before exec"));
    return 125;
  }
  if (pid_ns_) {
    absl::StatusOr<int> proc = OpenSandboxProc(child);
    if (!proc.ok()) {
      Message(CannotFollow(child, std::string(proc.status().message())));
      return 125;
    }
    sandbox_proc_fd_ = *proc;
    sandbox_proc_ = StrCat("/proc/", getpid(), "/fd/", *proc);
  }
  // The command's root in its mount namespace, where the kernel resolves
  // its paths for syd. Without it syd walks them itself: slower on deep
  // names, the same answers.
  sandbox_root_fd_ = open(StrCat("/proc/", child, "/root").c_str(),
                          O_PATH | O_DIRECTORY | O_CLOEXEC);
  performer_.SetSandboxRoot(sandbox_root_fd_);
  // A private root is the sandbox's view, not syd's: syd reads and acts
  // beneath it, and judges the names as the sandbox sees them.
  if (isolation.private_root()) {
    if (sandbox_root_fd_ < 0) {
      Message(CannotFollow(child, "cannot open its private root"));
      return 125;
    }
    sandbox_view_ = StrCat("/proc/", getpid(), "/fd/", sandbox_root_fd_);
    private_root_fd_ = sandbox_root_fd_;
    performer_.SetPrivateRoot(sandbox_root_fd_);
  }
  // The command runs as another user, or with fewer capabilities: what syd
  // performs for it, it performs as the caller.
  if (isolation.uid || isolation.run_gid() || isolation.caps)
    performer_.IdentityMayDiffer();

  if (user_notif) {
    backend_ = std::make_unique<UserNotifBackend>(*this, *std::move(channel));
  } else {
    // An exec event stops every exec in the build. Only exit hooks that
    // must follow a thread through exec need it (lock:exec takes hold at
    // the execve call, which stops where rules change at run time).
    const bool exec_events = std::any_of(
        plugins_.begin(), plugins_.end(),
        [](const PluginSlot& p) { return p.plugin && p.plugin->has_exit(); });
    backend_ = std::make_unique<PtraceBackend>(*this, exec_events);
  }
  // Before the command runs: a Ctrl-Z that came before syd caught it
  // would stop syd at once, and the shell's `fg` could then continue the
  // sandbox before a program that stops itself from its handler (vim,
  // less) had stopped, which would stay stopped.
  if (absl::Status st = InstallStopHandlers(); !st.ok()) {
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    return st;
  }
  if (control) {
    absl::Status started = control->Start(
        [this](const std::string& command, std::string* reply) {
          return Control(command, reply);
        },
        [this](const std::string& message) { Message(message); },
        [this](pid_t pid) { return InSandbox(pid); });
    if (!started.ok()) {
      // Rules were to change through it: the command does not run
      // without it.
      kill(child, SIGKILL);
      waitpid(child, nullptr, 0);
      return started;
    }
  }
  std::optional<Deadline> deadline;
  if (const std::optional<uint64_t>& timeout =
          options_.limits.Get(kTimeoutLimit)) {
    const uint64_t grace =
        options_.limits.Get(kGraceLimit).value_or(kDefaultGraceMs);
    const std::string limit = LimitText(kTimeoutLimit, *timeout);
    deadline.emplace(
        std::chrono::milliseconds(*timeout), std::chrono::milliseconds(grace),
        [this, limit](int sig) {
          if (sig == SIGKILL) {
            EndSandbox(StrCat(limit, ": the grace period is over"));
            return;
          }
          Message(StrCat(limit, ": SIGTERM to the sandbox"));
          SignalSandbox(SIGTERM);
        });
  }
  int result = backend_->Supervise(child);
  performer_.PutOwnUmaskBack();
  RemoveStopHandlers();
  if (deadline) {
    deadline->Cancel();
    // Past the timeout the run's status is 124, as timeout(1)'s, whichever
    // signal it took and whatever the command made of it.
    if (deadline->sent() != 0) result = kExitTimedOut;
  }
  // Whatever is left in the namespace goes with its init.
  pid_ns_.reset();
  if (cgroup_) {
    for (const std::string& line : cgroup_->Finish()) Message(line);
  }
  if (capture) {
    for (const std::string& line : capture->Finish()) Message(line);
  }
  if (control) control->Stop();
  for (PluginSlot& slot : plugins_) {
    if (slot.plugin) slot.plugin->Finish(result);
  }
  if (options_.stats) {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    // How busy syd was: a share near 100% per deciding thread would mean
    // it throttles the calls that queue on it.
    const double cpu = CpuSeconds(usage) - cpu_at_start;
    const double wall = std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - started)
                            .count();
    Message(absl::StrFormat(
        "%llu calls stopped in syd (%s), %llu refused; %llu process event "
        "stops; syd busy %.2f s of %.2f s (%.1f%%); syd's peak RSS %ld KiB",
        static_cast<unsigned long long>(stops_),
        std::string(backend_->name()).c_str(),
        static_cast<unsigned long long>(refused_),
        static_cast<unsigned long long>(event_stops_), cpu, wall,
        wall > 0 ? 100 * cpu / wall : 0.0, usage.ru_maxrss));
    Message(!no_performing_.empty()
                ? no_performing_
                : absl::StrFormat(
                      "%llu calls performed by syd (%llu opens answered "
                      "while it went on), %llu left to the kernel, %llu "
                      "waited aside (for a FIFO's other end, room in a "
                      "server's queue or in a socket to send on); callers' "
                      "identities read %llu times",
                      static_cast<unsigned long long>(performer_.performed()),
                      static_cast<unsigned long long>(answered_aside_),
                      static_cast<unsigned long long>(performer_.continued()),
                      static_cast<unsigned long long>(waited_aside_),
                      static_cast<unsigned long long>(
                          performer_.identities_read())));
    if (deciding_threads_ > 0) {
      Message(absl::StrFormat(
          "%d %s calls, one per CPU, apart from the one that handles "
          "syd's signals",
          deciding_threads_,
          deciding_threads_ == 1 ? "thread decided" : "threads decided"));
    } else if (deciding_threads_ == 0) {
      Message(
          "the thread that handles syd's signals decided calls: no other "
          "could be started");
    }
    if (!options_.backend_fallback.empty())
      Message(
          StrCat("ptrace, not user notification: ", options_.backend_fallback));
    // The domain the command entered, a private root's addition included.
    Message(kernel::LandlockSummary(
        WithPrivateRootDomain(policy_.rule_set().isolation, options_.landlock),
        kernel::LandlockAbi()));
    Message(
        options_.pid_namespace.on
            ? StrCat("pid namespace: the sandbox's own",
                     options_.pid_namespace.by_child ? ", in its user namespace"
                                                     : "",
                     "; it dies with syd")
            : StrCat("pid namespace: none, ", options_.pid_namespace.why_not,
                     backend_->name() == "ptrace"
                         ? " (every tracee dies with syd)"
                         : " (if syd dies the sandbox runs on, its "
                           "calls to syd failing with ENOSYS)"));
  }
  return result;
}

bool Supervisor::Inherited(pid_t pid) const {
  auto it = inherited_.find(pid);
  return it != inherited_.end() && tracee::StartTime(pid) == it->second;
}

bool Supervisor::InSandbox(pid_t pid) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (live_.count(pid)) return true;  // a tracee
  }
  // In a pid namespace of syd's, every process of the sandbox is in it or
  // below it; syd's own is not.
  struct stat own, peer;
  if (pid_ns_ && stat("/proc/self/ns/pid", &own) == 0 &&
      (stat(StrCat("/proc/", pid, "/ns/pid").c_str(), &peer) != 0 ||
       peer.st_ino != own.st_ino || peer.st_dev != own.st_dev)) {
    return true;
  }
  // Below syd, but for what syd inherited from its caller (detached and
  // untraced processes too). Bounded: no process tree is this deep.
  for (int depth = 0; depth < 4096 && pid > 1; ++depth) {
    const pid_t parent = tracee::ParentOf(pid);
    if (parent == getpid()) return !Inherited(pid);
    pid = parent;
  }
  return false;
}

void Supervisor::Signal(pid_t pid, const Outcome& o) {
  if (o.signal == 0) return;
  if (o.signal_thread) {
    syscall(SYS_tgkill, o.signal_to, pid, o.signal);
  } else {
    kill(o.signal_to, o.signal);
  }
}

void Supervisor::Message(const std::string& text) {
  // "syd: " and a newline around it, written whole. A message may quote
  // what the sandbox wrote (a magic command): no control bytes pass.
  const std::string line =
      StrCat("syd: ", EscapeBytes(text, /*exact=*/false), "\n");
  if (options_.messages) {
    options_.messages(line);
  } else if (write(STDERR_FILENO, line.data(), line.size()) < 0) {
    // Nowhere better to say it.
  }
}

void Supervisor::SignalSandbox(int sig) {
  std::vector<pid_t> pids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pids = backend_->Processes();
  }
  for (pid_t pid : pids) kill(pid, sig);
}

void Supervisor::EndSandbox(const std::string& why) {
  Message(StrCat(why, "; ending the sandbox"));
  SignalSandbox(SIGKILL);
  // The init's death takes every process of the namespace at once, those
  // made since syd listed them too.
  std::lock_guard<std::mutex> lock(end_mu_);
  if (cgroup_) cgroup_->Kill();
  if (pid_ns_) pid_ns_->Kill();
}

void Supervisor::HangUp() {
  // Without syd, the shell that led the session would get the SIGHUP and
  // pass it to all its jobs, running or stopped. Passed on by syd, it may
  // come after the shell has read end-of-file and left without doing so:
  // syd passes it to every process of the sandbox itself. Those that
  // ignore it (nohup) run on, as they would without syd.
  SignalSandbox(SIGHUP);
  // A stopped job needs SIGCONT to act on it.
  backend_->ContinueStopped();
}

}  // namespace syd::supervise
