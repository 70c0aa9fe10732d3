#include "src/trace/tracer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "src/trace/control.h"
#include "src/trace/decode.h"
#include "src/trace/listener.h"
#include "src/trace/memory.h"
#include "src/trace/procfs.h"
#include "syd/loader.h"
#include "syd/strcat.h"

namespace syd::trace {
namespace {

volatile sig_atomic_t g_pending_signal = 0;
// The terminal of the session syd leads has hung up.
volatile sig_atomic_t g_hangup = 0;
volatile sig_atomic_t g_dump_requested = 0;
// The command's pid while it lives, else 0.
volatile sig_atomic_t g_command = 0;

// Chains up to this long are evaluated from their start rather than asking
// the kernel where the filter stopped.
constexpr size_t kShortChain = 32;

// Signals a user sends to syd go on to the command. The terminal's own
// (SIGINT from ^C) reach the command anyway: the kernel sends them to the
// whole foreground process group. A hangup is the exception: the kernel
// sends SIGHUP to the session's leader alone, which passes it on to its
// jobs; when syd leads the session, syd must.
// The handler forwards to the command itself (kill is async-signal-safe),
// so a signal that arrives just before the loop blocks in waitpid is not
// held back; once the command is gone, the loop passes it to what is left.
void OnSignal(int sig, siginfo_t* info, void*) {
  const bool from_user = info->si_code == SI_USER || info->si_code == SI_QUEUE;
  const bool hangup = !from_user && sig == SIGHUP && getsid(0) == getpid();
  if (!from_user && !hangup) return;
  if (hangup) g_hangup = 1;
  if (g_command != 0) {
    kill(g_command, sig);
  } else {
    g_pending_signal = sig;
  }
}

// A stop from the terminal (Ctrl-Z) or a user. Under ptrace syd defers its
// own stop until the command's processes have stopped: stopped first, syd
// could not pass them the signal, and the SIGCONT of `fg` would reach them
// before their stop and be lost (a stop signal discards a pending
// SIGCONT), leaving a program that stops itself (vim, less) frozen.
volatile sig_atomic_t g_stop_requested = 0;
void OnStopSignal(int sig, siginfo_t* info, void*) {
  if ((info->si_code == SI_USER || info->si_code == SI_QUEUE) && g_command != 0)
    kill(g_command, sig);
  g_stop_requested = sig;
}

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1};
constexpr int kStopSignals[] = {SIGTSTP, SIGTTIN, SIGTTOU};

// A child of syd has ended: SuperviseUserNotif reaps (the signal is
// blocked but while it waits on the listener, which this interrupts).
volatile sig_atomic_t g_child_ended = 0;
void OnChild(int) { g_child_ended = 1; }

// SIGUSR2 is syd's own: it asks for the state dump.
void OnDumpSignal(int) { g_dump_requested = 1; }

int HostReadMemory(int pid, uint64_t addr, void* out, size_t size) {
  return ReadMemory(pid, addr, out, size) ? 0 : -1;
}

long HostReadString(int pid, uint64_t addr, char* out, size_t size) {
  if (size == 0) return -1;
  std::optional<std::string> s = ReadString(pid, addr, size - 1);
  if (!s) return -1;
  std::memcpy(out, s->c_str(), s->size() + 1);
  return static_cast<long>(s->size());
}

// The child: wait for syd, install the filter (with a listener for the
// user-notify backend), become the command.
[[noreturn]] void Child(const BpfProgram& prog, bool listener,
                        const std::string& path,
                        const std::vector<std::string>& args) {
  raise(SIGSTOP);
  std::vector<char*> argv;
  for (const std::string& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  sock_fprog fprog{static_cast<unsigned short>(prog.size()),
                   const_cast<sock_filter*>(prog.data())};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
              listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0, &fprog) < 0) {
    std::fprintf(stderr, "syd: cannot install the filter: %s\n",
                 strerror(errno));
    _exit(125);
  }
  execv(path.c_str(), argv.data());
  std::fprintf(stderr, "syd: cannot execute %s: %s\n", path.c_str(),
               strerror(errno));
  _exit(126);
}

double CpuSeconds(const rusage& u) {
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Whether `e` creates a name that already exists, which the kernel fails
// with EEXIST before it writes anything.
bool WouldExist(const Event& e) {
  const SyscallInfo* s = FindSyscall(e.nr);
  if (s == nullptr) return false;
  const std::optional<uint64_t> flags = OpenFlagsOf(*s, e);
  const bool excl_open =
      flags && (*flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL);
  static const std::string_view kCreators[] = {
      "mkdir",   "mkdirat",   "mknod", "mknodat",
      "symlink", "symlinkat", "link",  "linkat"};
  bool creator = std::find(std::begin(kCreators), std::end(kCreators),
                           s->name) != std::end(kCreators);
  if (!creator && !excl_open) return false;
  // The name it would create: the last path argument (link's new name).
  for (int i = s->nargs - 1; i >= 0; --i) {
    if (!s->args[i].IsPath() || !e.strings[i]) continue;
    struct stat st;
    return lstat(e.strings[i]->c_str(), &st) == 0;
  }
  return false;
}

// What syd exits with for the command's wait status.
int ExitCode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Both backends ptrace the child at first: say why that failed, and end
// the child.
void CannotFollow(pid_t child, const std::string& why) {
  // A traced process's children are traced too (strace -f, an outer syd
  // under ptrace), and a tracee has one tracer.
  const pid_t tracer = TracerOf(child);
  std::fprintf(stderr, "syd: cannot follow the command: %s%s\n", why.c_str(),
               tracer != 0 ? StrCat(" (pid ", tracer,
                                    " traces it already: an outer syd under "
                                    "ptrace, or strace -f?)")
                                 .c_str()
                           : "");
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
}

}  // namespace

Tracer::Tracer(const Policy& policy, const BpfProgram& prog, Options options)
    : policy_(policy),
      prog_(prog),
      options_(std::move(options)),
      runtime_(policy, options_.vars),
      host_{SYD_PLUGIN_ABI_VERSION, HostReadMemory, HostReadString} {}

Tracer::~Tracer() = default;

bool Tracer::LoadPlugins() {
  plugins_.resize(policy_.rules().size());
  for (size_t i = 0; i < policy_.rules().size(); ++i) {
    const Rule& r = policy_.rules()[i];
    if (!r.plugin) continue;
    const std::string where =
        StrCat(r.location.ToString(false), ": load=", r.plugin->path);
    PluginSlot& slot = plugins_[i];
    if (r.plugin->path == kMagicStat) {
      // The resolver checked the options: readonly and initonly, truthy
      // or not.
      slot.magic = true;
      for (const auto& [key, value] : r.plugin->options) {
        const bool on = value != "0" && value != "false" && value != "no";
        (key == "readonly" ? slot.readonly : slot.initonly) = on;
      }
      continue;
    }
    absl::StatusOr<std::unique_ptr<Plugin>> p = Plugin::Load(*r.plugin, &host_);
    if (!p.ok()) {
      std::fprintf(stderr, "syd: %s: %s; nothing was run\n", where.c_str(),
                   std::string(p.status().message()).c_str());
      return false;
    }
    slot.plugin = *std::move(p);
  }
  return true;
}

const Tracer::PluginSlot* Tracer::SlotOf(const RulesInForce& rules,
                                         const Rule* rule) const {
  size_t i = static_cast<size_t>(rule - rules.policy->rules().data());
  if (i < rules.added) return nullptr;  // no plugins at run time
  i -= rules.added;
  return i < plugins_.size() ? &plugins_[i] : nullptr;
}

void Tracer::Resume(pid_t pid, int sig) {
  ptrace(pending_exits_.count(pid) ? PTRACE_SYSCALL : PTRACE_CONT, pid, nullptr,
         reinterpret_cast<void*>(static_cast<long>(sig)));
}

bool Tracer::Detached(pid_t pid) {
  auto same = [](std::unordered_map<pid_t, uint64_t>& set, pid_t id) {
    auto it = set.find(id);
    if (it == set.end()) return false;
    if (StartTime(id) == it->second) return true;
    set.erase(it);  // gone; the pid is another's now
    return false;
  };
  if (!detached_threads_.empty() && same(detached_threads_, pid)) return true;
  return !detached_processes_.empty() &&
         same(detached_processes_, ThreadGroup(pid));
}

const std::string* Tracer::Root(pid_t pid) {
  if (same_root_) return &sandbox_root_;
  std::optional<std::string> root = RootOf(pid);
  if (!root) return nullptr;
  root_scratch_ = *std::move(root);
  return &root_scratch_;
}

void Tracer::EndSandbox(const std::string& why) {
  std::fprintf(stderr, "syd: %s; ending the sandbox\n", why.c_str());
  std::vector<pid_t> tasks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks = Tasks();
  }
  for (pid_t pid : tasks) kill(pid, SIGKILL);
}

std::string Tracer::PtraceReason() const {
  if (!options_.control.empty())
    return "--control adds rules at run time and can lock at exec";
  for (size_t i = 0; i < plugins_.size(); ++i) {
    if (plugins_[i].magic || plugins_[i].plugin) {
      const Rule& r = policy_.rules()[i];
      return StrCat(r.location.ToString(false), ": load=", r.plugin->path,
                    " runs in the tracer");
    }
  }
  return "";
}

int Tracer::Run(const std::string& path, const std::vector<std::string>& argv) {
  if (!LoadPlugins()) return 125;
  const std::string ptrace_reason = PtraceReason();
  // Where another listener is above syd, syd cannot make its own, and the
  // outer USER_NOTIF outranks TRACE (seccomp takes the highest-precedence
  // return of all filters): calls both stop would never reach syd.
  std::string probe_failure;
  const ListenerSupport support = ProbeListener(&probe_failure);
  if (support == ListenerSupport::kProbeFailed) {
    std::fprintf(stderr,
                 "syd: cannot tell whether this kernel gives syd a seccomp "
                 "listener: %s; nothing was run\n",
                 probe_failure.c_str());
    return 125;
  }
  if (support == ListenerSupport::kListenerAbove) {
    std::fprintf(stderr,
                 "syd: another seccomp listener is above syd (an outer "
                 "syd's?); it would answer the calls this policy sends to "
                 "syd before syd saw them; nothing was run\n");
    return 125;
  }
  bool user_notif = false;
  switch (options_.backend) {
    case Backend::kPtrace:
      break;
    case Backend::kAuto:
      user_notif = ptrace_reason.empty() && support == ListenerSupport::kYes;
      break;
    case Backend::kUserNotif:
      if (!ptrace_reason.empty()) {
        std::fprintf(stderr,
                     "syd: --backend=user-notif: this run needs ptrace: %s; "
                     "nothing was run\n",
                     ptrace_reason.c_str());
        return 125;
      }
      if (support != ListenerSupport::kYes) {
        std::fprintf(stderr,
                     "syd: --backend=user-notif: this kernel cannot make a "
                     "seccomp listener that syd can use (Linux 5.6 or later "
                     "needed); nothing was run\n");
        return 125;
      }
      user_notif = true;
      break;
  }
  std::unique_ptr<ControlServer> control;
  if (!options_.control.empty()) {
    control = std::make_unique<ControlServer>(options_.control);
    if (absl::Status st = control->Listen(); !st.ok()) {
      std::fprintf(stderr, "syd: %s; nothing was run\n",
                   std::string(st.message()).c_str());
      return 125;
    }
  }
  struct sigaction sa {};
  sa.sa_sigaction = OnSignal;
  sa.sa_flags = SA_SIGINFO;  // no SA_RESTART: waitpid returns to forward
  sigemptyset(&sa.sa_mask);
  bool handlers = true;
  for (int sig : kForwarded) handlers &= sigaction(sig, &sa, nullptr) == 0;
  struct sigaction dump {};
  dump.sa_handler = OnDumpSignal;
  sigemptyset(&dump.sa_mask);
  handlers &= sigaction(SIGUSR2, &dump, nullptr) == 0;
  if (!handlers) {
    std::fprintf(stderr, "syd: sigaction: %s; nothing was run\n",
                 strerror(errno));
    return 125;
  }

  std::optional<std::string> root = RootOf(getpid());
  if (!root) {
    std::fprintf(stderr,
                 "syd: cannot read its own root (/proc/%d/root): %s; "
                 "nothing was run\n",
                 getpid(), strerror(errno));
    return 125;
  }
  sandbox_root_ = *root;
  BpfProgram notify_prog;
  if (user_notif) {
    notify_prog = TraceToUserNotif(prog_);
    // Orphans come to syd, not init: it reaps them, and finds them below
    // itself to dump or signal.
    struct sigaction chld {};
    chld.sa_handler = OnChild;  // no SA_RESTART: ppoll returns to reap
    sigemptyset(&chld.sa_mask);
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0 ||
        sigaction(SIGCHLD, &chld, nullptr) != 0) {
      std::fprintf(stderr,
                   "syd: cannot become the sandbox's subreaper: %s; nothing "
                   "was run\n",
                   strerror(errno));
      return 125;
    }
  }
  const auto started = std::chrono::steady_clock::now();
  rusage at_start{};
  getrusage(RUSAGE_SELF, &at_start);
  const double cpu_at_start = CpuSeconds(at_start);
  pid_t child = fork();
  if (child < 0) {
    std::fprintf(stderr, "syd: fork: %s\n", strerror(errno));
    return 125;
  }
  if (child == 0)
    Child(user_notif ? notify_prog : prog_, user_notif, path, argv);
  command_pid_ = child;
  g_command = child;
  {
    std::lock_guard<std::mutex> lock(mu_);
    live_.insert(child);
  }

  int result = 125;
  if (user_notif) {
    result = SuperviseUserNotif(child);
  } else {
    // An exec event stops every exec in the build. Only lock:exec (set
    // through magic stat or the control socket) and exit hooks that must
    // follow a thread through exec need it: what makes a run need ptrace.
    const bool exec_events = !ptrace_reason.empty();
    if (control) {
      absl::Status started = control->Start(
          [this](const std::string& command, std::string* reply) {
            return Control(command, reply);
          });
      if (!started.ok()) {
        // Rules were to change through it: the command does not run
        // without it.
        std::fprintf(stderr, "syd: %s; nothing was run\n",
                     std::string(started.message()).c_str());
        kill(child, SIGKILL);
        waitpid(child, nullptr, 0);
        return 125;
      }
    }
    result = SupervisePtrace(child, exec_events);
  }
  if (control) control->Stop();
  for (PluginSlot& slot : plugins_) {
    if (slot.plugin) slot.plugin->Finish(result);
  }
  if (options_.stats) {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    // How busy syd's one thread was: every stopped call of every process
    // queues on it, so a share near 100% would mean it throttles them.
    const double cpu = CpuSeconds(usage) - cpu_at_start;
    const double wall = std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - started)
                            .count();
    std::fprintf(stderr,
                 "syd: %llu calls stopped in syd (%s), %llu refused; "
                 "%llu process event stops; syd busy %.2f s of %.2f s "
                 "(%.1f%%); syd's peak RSS %ld KiB\n",
                 static_cast<unsigned long long>(stops_),
                 user_notif ? "user notification" : "ptrace",
                 static_cast<unsigned long long>(refused_),
                 static_cast<unsigned long long>(event_stops_), cpu, wall,
                 wall > 0 ? 100 * cpu / wall : 0.0, usage.ru_maxrss);
  }
  return result;
}

int Tracer::SupervisePtrace(pid_t child, bool exec_events) {
  int status = 0;
  while (waitpid(child, &status, WSTOPPED) < 0 && errno == EINTR) {
  }
  const long options = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK |
                       PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                       (exec_events ? PTRACE_O_TRACEEXEC : 0) |
                       PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD;
  if (!WIFSTOPPED(status) ||
      ptrace(PTRACE_SEIZE, child, nullptr, options) != 0) {
    CannotFollow(child, strerror(errno));
    return 125;
  }
  kill(child, SIGCONT);
  struct sigaction stop {};
  stop.sa_sigaction = OnStopSignal;
  stop.sa_flags = SA_SIGINFO;  // no SA_RESTART: waitpid returns to check
  sigemptyset(&stop.sa_mask);
  for (int sig : kStopSignals) sigaction(sig, &stop, nullptr);

  int result = 125;
  for (;;) {
    if (g_dump_requested) {
      g_dump_requested = 0;
      WriteDump();
    }
    if (g_stop_requested && CommandStopped()) StopLikeTheCommand();
    if (g_hangup) HangUp();
    pid_t pid = waitpid(-1, &status, __WALL);
    if (pid < 0) {
      if (errno == EINTR) {
        if (int sig = g_pending_signal) {
          g_pending_signal = 0;
          for (pid_t p : live_) kill(p, sig);  // what the command left behind
        }
        continue;
      }
      break;  // ECHILD: every tracee has gone
    }
    group_stopped_.erase(pid);
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        live_.erase(pid);
      }
      pending_exits_.erase(pid);
      if (pid == child) {
        g_command = 0;
        result = ExitCode(status);
      }
      continue;
    }
    if (!WIFSTOPPED(status)) continue;
    if (!live_.count(pid)) {
      std::lock_guard<std::mutex> lock(mu_);
      live_.insert(pid);
    }
    const int sig = WSTOPSIG(status);
    const int event = status >> 16;
    if (event == PTRACE_EVENT_SECCOMP) {
      OnSeccompStop(pid);
      continue;
    }
    if (sig == (SIGTRAP | 0x80)) {  // the syscall-exit stop a plugin asked for
      OnSyscallExit(pid);
      continue;
    }
    if (event != 0) ++event_stops_;
    if (event == PTRACE_EVENT_STOP) {
      // A group-stop keeps the tracee stopped until SIGCONT (PTRACE_LISTEN);
      // other event stops (a new child's first stop) just go on.
      if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
          sig == SIGTTOU) {
        group_stopped_.insert(pid);
        ptrace(PTRACE_LISTEN, pid, nullptr, nullptr);
      } else {
        ptrace(PTRACE_CONT, pid, nullptr, nullptr);
      }
      continue;
    }
    if (event == PTRACE_EVENT_EXEC) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        runtime_.OnExec();
      }
      // A thread that is not the leader took the leader's pid on exec.
      unsigned long former = 0;
      ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &former);
      auto it = pending_exits_.find(static_cast<pid_t>(former));
      if (it != pending_exits_.end() && static_cast<pid_t>(former) != pid) {
        PendingExit moved = it->second;
        moved.call.pid = pid;
        pending_exits_.erase(it);
        pending_exits_.insert_or_assign(pid, moved);
      }
    }
    if (event != 0) {  // fork, vfork, clone, exec
      Resume(pid, 0);
      continue;
    }
    // A signal on its way to the tracee: deliver it.
    Resume(pid, sig);
  }
  for (int sig : kStopSignals) signal(sig, SIG_DFL);
  return result;
}

void Tracer::HangUp() {
  g_hangup = 0;
  // Without syd, the shell that led the session would get the SIGHUP and
  // pass it to all its jobs, running or stopped. Passed on by syd, it may
  // come after the shell has read end-of-file and left without doing so:
  // syd passes it to every process of the sandbox itself. Those that
  // ignore it (nohup) run on, as they would without syd.
  std::vector<pid_t> tasks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks = Tasks();
  }
  for (pid_t pid : tasks) {
    kill(pid, SIGHUP);
    // A stopped job needs SIGCONT to act on it. Under ptrace only those
    // in a group-stop get one: a SIGCONT that meets a traced process
    // while syd passes it the SIGHUP can cost it that SIGHUP.
    if (listener_ != nullptr || group_stopped_.count(pid)) kill(pid, SIGCONT);
  }
}

bool Tracer::CommandStopped() const {
  // The terminal stops the foreground process group: syd's. Processes
  // that left it (a job-control shell's jobs) stop on their own terms.
  const pid_t group = getpgrp();
  bool any = false;
  for (pid_t pid : live_) {
    if (getpgid(pid) != group) continue;
    if (!group_stopped_.count(pid)) return false;
    any = true;
  }
  return any;
}

void Tracer::StopLikeTheCommand() {
  const int sig = g_stop_requested;
  g_stop_requested = 0;
  // The default action, as the command took it; an orphaned process
  // group ignores it, as it would without syd.
  signal(sig, SIG_DFL);
  raise(sig);  // until SIGCONT
  struct sigaction stop {};
  stop.sa_sigaction = OnStopSignal;
  stop.sa_flags = SA_SIGINFO;
  sigemptyset(&stop.sa_mask);
  sigaction(sig, &stop, nullptr);
}

int Tracer::SuperviseUserNotif(pid_t child) {
  std::optional<int> exited;
  absl::StatusOr<int> fd = TakeListener(child, &exited);
  if (exited) {
    g_command = 0;
    return ExitCode(*exited);
  }
  if (!fd.ok()) {
    CannotFollow(child, std::string(fd.status().message()));
    return 125;
  }
  Listener listener(*fd);
  listener_ = &listener;
  // SIGCHLD is blocked but while syd waits on the listener, so that a child
  // that exits between the reaping and the wait is not missed.
  sigset_t chld, waiting;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &waiting);
  sigdelset(&waiting, SIGCHLD);
  int result = 125;
  int status = 0;
  auto command_ended = [&](int st) {
    g_command = 0;
    result = ExitCode(st);
    std::lock_guard<std::mutex> lock(mu_);
    live_.erase(child);
  };
  for (;;) {
    if (g_dump_requested) {
      g_dump_requested = 0;
      WriteDump();
    }
    // The command, for its status, and orphans (syd is their subreaper),
    // so that none stays a zombie.
    if (g_child_ended) {
      g_child_ended = 0;
      for (pid_t pid; (pid = waitpid(-1, &status, WNOHANG)) > 0;) {
        if (pid == child) command_ended(status);
      }
    }
    pollfd fds{listener.fd(), POLLIN, 0};
    if (ppoll(&fds, 1, nullptr, &waiting) < 0) {
      if (errno != EINTR) break;
      if (g_hangup) HangUp();
      // A signal for the command once it has gone: to what it left.
      if (int sig = g_pending_signal) {
        g_pending_signal = 0;
        for (pid_t pid : Descendants(getpid())) kill(pid, sig);
      }
      continue;
    }
    if (fds.revents & POLLIN) {
      absl::StatusOr<std::optional<seccomp_notif>> req = listener.Receive();
      absl::Status answered = req.status();
      if (req.ok() && *req) answered = OnUserNotif(**req);
      if (!answered.ok()) {
        EndSandbox(std::string(answered.message()));
        result = 125;
      }
      continue;
    }
    // POLLHUP: no process holds the filter any more; all have exited.
    if (fds.revents & POLLHUP) break;
    if (fds.revents & (POLLERR | POLLNVAL)) {
      // Calls would wait for syd forever, or run unjudged: end the run.
      EndSandbox("the seccomp listener failed");
      result = 125;
      break;
    }
  }
  // Collect what has exited, the command among it if it is still a zombie.
  for (;;) {
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid == child) command_ended(status);
    if (pid < 0 && errno != EINTR) break;  // ECHILD: none left
  }
  sigprocmask(SIG_UNBLOCK, &chld, nullptr);
  listener_ = nullptr;
  return result;
}

void Tracer::OnSeccompStop(pid_t pid) {
  user_regs_struct regs;
  if (ptrace(PTRACE_GETREGS, pid, nullptr, &regs) != 0)
    return;  // it died meanwhile
  Event e;
  e.nr = static_cast<int>(regs.orig_rax);
  e.args = {regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9};
  const std::optional<Outcome> o = Decide(pid, &e);
  if (o && !o->run) {
    regs.orig_rax = static_cast<unsigned long long>(-1);
    regs.rax = static_cast<unsigned long long>(o->ret);
    // A refusal that cannot be written would let the call run: the
    // process dies instead (ESRCH: it is dying already).
    if (ptrace(PTRACE_SETREGS, pid, nullptr, &regs) != 0 && errno != ESRCH) {
      std::fprintf(stderr,
                   "syd: cannot refuse a call of pid %d (PTRACE_SETREGS: "
                   "%s); killing it\n",
                   pid, strerror(errno));
      kill(ThreadGroup(pid), SIGKILL);
    }
  }
  if (o) Signal(pid, *o);
  Resume(pid, 0);
}

absl::Status Tracer::OnUserNotif(const seccomp_notif& req) {
  Event e;
  e.nr = req.data.nr;
  for (int i = 0; i < 6; ++i) e.args[i] = req.data.args[i];
  notif_id_ = req.id;
  const auto pid = static_cast<pid_t>(req.pid);
  const std::optional<Outcome> o = Decide(pid, &e);
  if (!o) return absl::OkStatus();
  // A signal interrupts the wait for syd's answer. One the process does
  // not catch goes first, so that it acts before the process runs on (a
  // kill verdict kills at the call, as under ptrace). One it catches goes
  // after the answer: sent first, it would restart the call (SA_RESTART)
  // into the same verdict, again and again.
  const bool after = o->signal != 0 && CatchesSignal(pid, o->signal);
  if (!after) Signal(pid, *o);
  // With FLAG_CONTINUE the kernel reads the arguments again: the same
  // window as ptrace leaves between syd's read and the kernel's
  // (docs/architecture.md).
  absl::Status sent =
      o->run ? listener_->Continue(req.id) : listener_->Return(req.id, o->ret);
  if (after) Signal(pid, *o);
  return sent;
}

void Tracer::Signal(pid_t pid, const Outcome& o) {
  if (o.signal == 0) return;
  if (o.signal_thread) {
    syscall(SYS_tgkill, o.signal_to, pid, o.signal);
  } else {
    kill(o.signal_to, o.signal);
  }
}

std::optional<Tracer::Outcome> Tracer::Decide(pid_t pid, Event* call) {
  Event& e = *call;
  std::lock_guard<std::mutex> lock(mu_);
  // Held to the end: magic stat may change the rules while this decides.
  const std::shared_ptr<const RulesInForce> rules = runtime_.InForce();
  const Policy& policy = *rules->policy;
  ++stops_;
  // syd's own exec of the command is not the command's doing: rules may
  // detach or log it, but not refuse it.
  // Child() makes one execv call: after it, the command either runs or
  // has exited, so the first exec stop of the command's pid is syd's own.
  const bool own_exec = pid == command_pid_ && !command_execed_ &&
                        (e.nr == SYS_execve || e.nr == SYS_execveat);
  if (own_exec) command_execed_ = true;
  if (Detached(pid)) return Outcome{};
  // Unreadable: the process has gone, or syd cannot tell how its paths
  // resolve; either way the call does not run.
  const std::string* root = Root(pid);
  if (root == nullptr) return Outcome{false, -EPERM};
  if (Decode(pid, *root, &e, policy.TestsProcessNames()) ==
      DecodeResult::kFault) {
    return Outcome{false, -EFAULT};
  }
  // The filter's return data says where in the chain to resume. Rules
  // before it did not match these registers, so starting from the top
  // decides the same; for a short chain that is cheaper than the syscall.
  // Rules added at run time come first: start from the top. User
  // notification does not pass the data on.
  uint32_t start = 0;
  if (listener_ == nullptr && rules->added == 0 &&
      policy.chain(e.nr).size() > kShortChain) {
    unsigned long data = 0;
    ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &data);
    if (data != SECCOMP_RET_DATA) start = static_cast<uint32_t>(data);
  }
  Decision d = Evaluate(policy, e, start);
  std::optional<PendingExit> exit;
  if (d.verdict.kind == Verdict::Kind::kPlugin)
    RunPlugins(pid, e, *rules, &d, &exit);
  const LogTarget& log = d.rule ? d.rule->log : policy.default_verdict().log;
  // Under user notification the call is not held by syd: it may have gone,
  // and its pid been reused, while syd read memory and /proc. The kernel
  // drops an answer to a call that has gone, so a plain allow needs no
  // check; what acts on the pid or is recorded (a refusal, a signal, a
  // detach, a report) does.
  if (listener_ != nullptr &&
      (d.verdict.kind != Verdict::Kind::kAllow ||
       log.kind != LogTarget::Kind::kNone) &&
      !listener_->Waiting(notif_id_)) {
    return std::nullopt;
  }
  runtime_.CountHit(*rules, d.rule);
  if (e.nr >= 0 && e.nr < kMaxSyscallNr)
    ++counts_[e.nr][static_cast<int>(d.verdict.kind)];
  if (own_exec && Severity(d.verdict) >
                      Severity(Verdict{Verdict::Kind::kDetachProcess, 0})) {
    return Outcome{};
  }
  // A refused call that the kernel would fail with EEXIST anyway (mkdir -p
  // on an existing parent, O_CREAT|O_EXCL on an existing file) writes
  // nothing: answer EEXIST, as the kernel would, and report nothing. The
  // call does not run, so nothing can race the check.
  if (Severity(d.verdict) >= Severity(Verdict{Verdict::Kind::kRetval, 0}) &&
      d.verdict.kind != Verdict::Kind::kKillProcess &&
      d.verdict.kind != Verdict::Kind::kKillThread && WouldExist(e)) {
    return Outcome{false, -EEXIST};
  }
  using K = Verdict::Kind;
  Outcome out;
  const int sig = static_cast<int>(d.verdict.value);
  switch (d.verdict.kind) {
    case K::kAllow:
    case K::kLog:
      break;
    case K::kErrno:
      out = {false, -d.verdict.value};
      break;
    case K::kRetval:
      out = {false, d.verdict.value};
      break;
    case K::kKillProcess:
      out = {false, -EPERM, sig ? sig : SIGKILL, ThreadGroup(pid)};
      break;
    case K::kKillThread:
      out = {false, -EPERM, sig ? sig : SIGKILL, ThreadGroup(pid), true};
      break;
    case K::kTrap:
      out = {false, -ENOSYS, SIGSYS, ThreadGroup(pid), true};
      break;
    case K::kDetachProcess:
    case K::kDetachThread:
      if (d.verdict.kind == K::kDetachProcess) {
        const pid_t tgid = ThreadGroup(pid);
        detached_processes_.insert_or_assign(tgid, StartTime(tgid));
      } else {
        detached_threads_.insert_or_assign(pid, StartTime(pid));
      }
      out.signal = sig;
      out.signal_to = pid;
      break;
    case K::kPlugin:
      break;  // RunPlugins decided
  }
  bool denied = Severity(d.verdict) >= Severity(Verdict{K::kRetval, 0});
  if (policy.Watched(e.nr) && !denied) same_root_ = false;
  // Magic stat answers are not refusals; it logs its own failures.
  const PluginSlot* slot =
      d.rule && d.rule->plugin ? SlotOf(*rules, d.rule) : nullptr;
  const bool magic = slot != nullptr && slot->magic;
  if (denied && !magic) ++refused_;
  if ((denied || log.kind != LogTarget::Kind::kNone) && !magic)
    Report(pid, e, d);
  if (exit && !denied && d.verdict.kind != K::kDetachProcess &&
      d.verdict.kind != K::kDetachThread) {
    pending_exits_.insert_or_assign(pid, *std::move(exit));
  }
  return out;
}

void Tracer::OnSyscallExit(pid_t pid) {
  auto it = pending_exits_.find(pid);
  if (it == pending_exits_.end()) {
    ptrace(PTRACE_CONT, pid, nullptr, nullptr);
    return;
  }
  PendingExit p = std::move(it->second);
  pending_exits_.erase(it);
  user_regs_struct regs;
  if (ptrace(PTRACE_GETREGS, pid, nullptr, &regs) == 0) {
    p.call.retval = static_cast<int64_t>(regs.rax);
    for (int i = 0; i < 6; ++i)
      p.call.paths[i] = p.paths[i] ? p.paths[i]->c_str() : nullptr;
    std::lock_guard<std::mutex> lock(mu_);
    p.plugin->Exit(p.call);
  }
  ptrace(PTRACE_CONT, pid, nullptr, nullptr);
}

void Tracer::RunPlugins(pid_t pid, const Event& e, const RulesInForce& rules,
                        Decision* d, std::optional<PendingExit>* exit) {
  const Policy& policy = *rules.policy;
  using K = Verdict::Kind;
  // Built for the first plugin; the same for every plugin the call meets.
  std::optional<syd_plugin_call> call;
  while (d->verdict.kind == K::kPlugin && d->rule != nullptr) {
    const PluginSlot* slot = SlotOf(rules, d->rule);
    std::optional<syd_plugin_verdict> v;
    if (slot != nullptr && slot->magic) {
      if (std::optional<int64_t> ret = MagicStat(pid, e, *slot, *d->rule)) {
        d->verdict =
            *ret == 0 ? Verdict{K::kRetval, 0} : Verdict{K::kErrno, -*ret};
        return;
      }
      v = syd_plugin_verdict{SYD_PLUGIN_PASS, 0};
    } else if (slot != nullptr && slot->plugin) {
      if (!call) {
        const SyscallInfo& s = *FindSyscall(e.nr);
        call.emplace();
        call->pid = pid;
        call->tgid = ThreadGroup(pid);
        call->nr = e.nr;
        call->name = s.name.data();
        for (int i = 0; i < 6; ++i) {
          call->args[i] = e.args[i];
          call->paths[i] = i < s.nargs && s.args[i].IsPath() && e.strings[i]
                               ? e.strings[i]->c_str()
                               : nullptr;
        }
      }
      v = slot->plugin->Enter(*call);
      if (slot->plugin->has_exit()) {
        // The exit hook runs after `e` is gone: keep the paths.
        PendingExit& p = exit->emplace();
        p.plugin = slot->plugin.get();
        p.call = *call;
        for (int i = 0; i < 6; ++i) {
          if (call->paths[i]) p.paths[i] = call->paths[i];
        }
      }
    }
    if (!v || v->kind == SYD_PLUGIN_PASS) {
      *d = Evaluate(policy, e, d->chain_pos + 1);
      continue;
    }
    switch (v->kind) {
      case SYD_PLUGIN_ALLOW:
        d->verdict = {K::kAllow, 0};
        break;
      case SYD_PLUGIN_DENY:
        d->verdict = {K::kErrno, v->value > 0 ? v->value : EPERM};
        break;
      case SYD_PLUGIN_KILL:
        d->verdict = {K::kKillProcess, v->value};
        break;
      default:  // a verdict this ABI does not know: refuse, say so
        std::fprintf(stderr,
                     "syd: %s: the plugin returned verdict %d, which ABI %u "
                     "does not define; the call is refused\n",
                     d->rule->location.ToString(false).c_str(), v->kind,
                     SYD_PLUGIN_ABI_VERSION);
        d->verdict = {K::kErrno, EPERM};
        break;
    }
    return;
  }
}

void Tracer::Report(pid_t pid, const Event& e, const Decision& d) {
  std::string comm = e.comm;
  std::string cwd;
  if (comm.empty()) {
    std::string error;
    ReadFile(StrCat("/proc/", pid, "/comm"), &comm, &error);
    if (!comm.empty() && comm.back() == '\n') comm.pop_back();
  }
  char buf[4096];
  ssize_t n = readlink(StrCat("/proc/", pid, "/cwd").c_str(), buf, sizeof buf);
  if (n > 0) cwd.assign(buf, static_cast<size_t>(n));
  std::string rule =
      d.rule ? RuleSourceText(*d.rule) : DefaultText(policy_.default_verdict());
  const Location& default_at = policy_.default_verdict().location;
  // A rule added at run time has no file: its source is the command.
  std::string where = d.rule            ? d.rule->location.ToString(false)
                      : default_at.file ? default_at.ToString(false)
                                        : "";
  std::string line;
  if (options_.json) {
    nlohmann::json j = {
        {"pid", pid},
        {"comm", comm},
        {"cwd", cwd},
        {"syscall", FindSyscall(e.nr) ? std::string(FindSyscall(e.nr)->name)
                                      : StrCat("syscall_", e.nr)},
        {"call", DescribeCall(e)},
        {"decision", VerdictText(d.verdict)},
        {"rule", rule},
        {"location", where}};
    line =
        j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else {
    line = StrCat("syd: ", VerdictText(d.verdict), " pid ", pid, " (", comm,
                  ") cwd ", cwd, ": ", DescribeCall(e), " by ",
                  where.empty() ? "the default" : where, ": ", rule, "\n");
  }
  Log(d.rule ? d.rule->log : policy_.default_verdict().log, line);
}

void Tracer::Log(const LogTarget& target, const std::string& line) {
  if (target.kind == LogTarget::Kind::kSyslog) {
    syslog(LOG_WARNING, "%s", line.c_str());
    return;
  }
  int fd = target.kind == LogTarget::Kind::kFd ? target.fd : STDERR_FILENO;
  if (write(fd, line.data(), line.size()) < 0) {
    // Nowhere better to say it.
  }
}

}  // namespace syd::trace
