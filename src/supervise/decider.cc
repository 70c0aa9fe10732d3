// The one place a stopped call's outcome is decided, whichever backend
// stopped it: decode, evaluate under the rules in force, plugins and
// magic stat, count, report.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "src/base/strcat.h"
#include "src/runtime/magic_stat.h"
#include "src/supervise/supervisor.h"
#include "src/tracee/decode.h"
#include "src/tracee/memory.h"
#include "src/tracee/paths.h"
#include "src/tracee/procfs.h"

namespace syd::supervise {
namespace {

// Chains up to this long are evaluated from their start rather than asking
// the kernel where the filter stopped.
constexpr size_t kShortChain = 32;

// lstat(2) for a path of any length: one longer than PATH_MAX (a build's
// deep trees) is walked a directory at a time, as the kernel walks it.
// `root_fd`, when not -1, is the "/" the path is in (a private root).
int LstatAnyLength(const std::string& path, struct stat* st, int root_fd) {
  if (path.size() < PATH_MAX) return tracee::LstatIn(root_fd, path, st);
  int dir = root_fd >= 0 ? fcntl(root_fd, F_DUPFD_CLOEXEC, 0)
                         : open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  size_t start = 1;
  while (dir >= 0) {
    const size_t slash =
        path.rfind('/', std::min(path.size(), start + PATH_MAX - 2));
    if (slash == std::string::npos || slash < start ||
        path.size() - start < PATH_MAX) {
      const int rc =
          fstatat(dir, path.size() > start ? path.c_str() + start : "", st,
                  AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH);
      const int saved = errno;
      close(dir);
      errno = saved;
      return rc;
    }
    const std::string chunk = path.substr(start, slash - start);
    const int next = openat(dir, chunk.c_str(),
                            O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    const int saved = errno;
    close(dir);
    errno = saved;
    dir = next;
    start = slash + 1;
  }
  return -1;
}

// Calls whose last path argument names an entry they make: the kernel
// fails them with EEXIST when it is there already (rename's target is
// replaced instead).
constexpr std::string_view kMakers[] = {"mkdir",   "mkdirat", "mknod",
                                        "mknodat", "symlink", "symlinkat",
                                        "link",    "linkat"};

// Whether syd can look up `path` in its own view for the kernel's answer:
// resolved (absolute), and not in the sandbox's own /proc (`own_proc`: a
// pid namespace of syd's), which is not what syd's shows there.
bool SydCanLookUp(const std::string& path, bool own_proc) {
  if (path.empty() || path[0] != '/') return false;
  return !own_proc || (path != "/proc" && !path.starts_with("/proc/"));
}

// For an absolute path in syd's view: ENOENT or ENOTDIR when its parent
// is missing or not a directory, else 0 (a directory, or syd cannot tell).
int ParentError(const std::string& path, int root_fd) {
  const size_t slash = path.find_last_of('/');
  struct stat st;
  if (LstatAnyLength(slash == 0 ? "/" : path.substr(0, slash), &st, root_fd) !=
      0)
    return errno == ENOENT || errno == ENOTDIR ? errno : 0;
  return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
}

// The errno the kernel fails a bind, connect or addressed send to the
// unix path of argument `i` with before it changes anything, or 0: a
// missing or non-directory parent (ENOENT, ENOTDIR); for a connect or send
// a missing socket file (ENOENT: clients probe for daemons that have not
// started, gpg for its agent); for a bind a name that exists (EADDRINUSE).
// sendmmsg is left out: the messages before the first address are sent.
int UnixPathWouldFail(const SyscallInfo& s, const Call& e, int i, bool own_proc,
                      int root_fd) {
  const ArgKind kind = s.args[i].kind;
  if ((kind != ArgKind::kSockaddr || s.args[i].from_fd) &&
      kind != ArgKind::kMsghdr) {
    return 0;
  }
  if (!e.addresses[i] || e.addresses[i]->family != AddressFamily::kUnix)
    return 0;
  const std::string& path = e.addresses[i]->path;
  if (!SydCanLookUp(path, own_proc)) return 0;
  if (const int err = ParentError(path, root_fd); err != 0) return err;
  struct stat st;
  const bool exists = LstatAnyLength(path, &st, root_fd) == 0;
  if (!exists && errno != ENOENT) return 0;
  if (s.name == "bind") return exists ? EADDRINUSE : 0;
  return exists ? 0 : ENOENT;
}

// The errno the kernel fails `e` with before it changes anything, when
// syd can tell from the file system, or 0: a missing or
// non-directory parent (ENOENT, ENOTDIR), a missing file the call needs
// (ENOENT), a name it would make that exists (EEXIST), a lookup the
// resolver saw fail (ELOOP, ENAMETOOLONG), or a socket descriptor that is
// not one (EBADF, ENOTSOCK). Paths are as syd resolved
// them, in its own view (a chroot's root included); with `own_proc` (a
// pid namespace of syd's) the sandbox's /proc is not syd's, and no path
// there is guessed at; `root_fd` is a private root's "/", or -1.
int KernelWouldFail(const Call& e, bool own_proc, int root_fd) {
  const SyscallInfo* s = FindSyscall(e.nr);
  // mount's source is a file only for bind and move mounts ("tmpfs"
  // names none): no guess.
  if (s == nullptr || s->name == "mount") return 0;
  const std::optional<uint64_t> flags = tracee::OpenFlagsOf(*s, e);
  const bool maker = std::find(std::begin(kMakers), std::end(kMakers),
                               s->name) != std::end(kMakers);
  int last_path = -1;
  for (int i = 0; i < s->nargs; ++i) {
    if (s->args[i].IsPath() && !s->args[i].from_fd && e.strings[i])
      last_path = i;
  }
  for (int i = 0; i < s->nargs; ++i) {
    // listen on a descriptor that is not an open socket.
    if (s->args[i].kind == ArgKind::kSockaddr && s->args[i].from_fd &&
        e.path_errors[i] != 0) {
      return e.path_errors[i];
    }
    if (const int err = UnixPathWouldFail(*s, e, i, own_proc, root_fd);
        err != 0)
      return err;
    // A descriptor's file is open: no lookup to fail.
    if (!s->args[i].IsPath() || s->args[i].from_fd || !e.strings[i]) continue;
    if (e.path_errors[i] != 0) return e.path_errors[i];
    const std::string& path = *e.strings[i];
    if (!SydCanLookUp(path, own_proc)) return 0;
    // Paths are in syd's view already (a chroot's root included).
    if (const int err = ParentError(path, root_fd); err != 0) return err;
    struct stat st;
    const bool exists = LstatAnyLength(path, &st, root_fd) == 0;
    if (!exists && errno != ENOENT) return 0;
    const PathAccess access = s->args[i].access;
    const bool creates =
        access == PathAccess::kCreate ||
        (access == PathAccess::kOpen && flags && (*flags & O_CREAT) != 0);
    if (!exists && !creates) return ENOENT;
    const bool excl_open =
        flags && (*flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL);
    if (exists && i == last_path && (maker || excl_open)) return EEXIST;
  }
  return 0;
}

// The errno of the first name in `e` that syd's lookup saw fail, or 0.
// mount's source is a file only for bind and move mounts, and
// fanotify_mark's FAN_MARK_FLUSH looks nothing up: no guess.
int LookupError(const Call& e) {
  const SyscallInfo* s = FindSyscall(e.nr);
  if (s == nullptr || s->name == "mount" || s->name == "fanotify_mark")
    return 0;
  for (int i = 0; i < s->nargs; ++i) {
    if (s->args[i].IsPath() && !s->args[i].from_fd && e.strings[i] &&
        e.path_errors[i] != 0) {
      return e.path_errors[i];
    }
  }
  return 0;
}

// Whether `set` holds process or thread `id` as the one that has that id
// now: by its start time (`start`, read when not given). An entry of one
// gone is erased: the id is another's now.
bool HoldsLive(std::unordered_map<pid_t, uint64_t>& set, pid_t id,
               std::optional<uint64_t> start = std::nullopt) {
  auto it = set.find(id);
  if (it == set.end()) return false;
  if (it->second == (start ? *start : tracee::StartTime(id))) return true;
  set.erase(it);
  return false;
}

}  // namespace

bool Supervisor::Detached(pid_t pid) {
  if (!detached_threads_.empty() && HoldsLive(detached_threads_, pid))
    return true;
  return !detached_processes_.empty() &&
         HoldsLive(detached_processes_, tracee::ThreadGroup(pid));
}

bool Supervisor::InOwnDomain(pid_t pid) {
  if (own_domains_.empty()) return false;
  // Up the parents to the command: a process made after its parent made
  // its domain has it too. One made before is taken to have it as well
  // (syd sees no fork under user notification), which only leaves more
  // to the kernel. A bounded walk: the chain ends at syd.
  pid_t p = tracee::ThreadGroup(pid);
  for (int depth = 0; depth < 256 && p > 1 && p != getpid(); ++depth) {
    const tracee::ParentAndStart ps = tracee::ParentAndStartOf(p);
    if (HoldsLive(own_domains_, p, ps.start)) return true;
    p = ps.parent;
  }
  return false;
}

std::optional<Outcome> Supervisor::Decide(
    pid_t pid, Call* call, const std::function<bool()>& still_waits) {
  Call& e = *call;
  std::unique_lock<std::mutex> lock(mu_);
  // Held to the end: magic stat may change the rules while this decides.
  const std::shared_ptr<const RulesInForce> rules = runtime_.InForce();
  const Policy& policy = *rules->policy;
  // The copy of a descriptor decode named its file by is the performer's
  // to take (and drop); closed here where nothing is performed, before
  // the call is answered.
  tracee::DescriptorCopies::DropOnExit drop_kept(copies_);
  ++stops_;
  // syd's own exec of the command is not the command's doing: rules may
  // detach or log it, but not refuse it.
  // RunCommandChild() makes one execv call: after it, the command either runs
  // or has exited, so the first exec stop of the command's pid is syd's own.
  const bool own_exec = pid == command_pid_ && !command_execed_ &&
                        (e.nr == SYS_execve || e.nr == SYS_execveat);
  if (own_exec) command_execed_ = true;
  if (Detached(pid)) return Outcome{};
  const int32_t magic_end = MagicEndOf(e.nr, *rules);
  const bool same_root = same_root_;
  // Reading the call and resolving its names is most of a stop's work, and
  // needs nothing the lock guards: calls are read on several threads at
  // once (user notification), and decided one at a time. A read may wait
  // long (a page that never arrives): the others go on meanwhile.
  lock.unlock();
  const std::optional<Decision> plain =
      magic_end > 0 ? NotMagic(pid, e, policy, magic_end) : std::nullopt;
  std::optional<Outcome> unread;
  if (!plain) unread = Read(pid, policy, same_root, &e);
  lock.lock();
  if (plain) {
    runtime_.CountHit(*rules, plain->rule);
    ++counts_[e.nr][static_cast<int>(plain->verdict.kind)];
    return Outcome{};
  }
  if (unread) return unread;
  // The filter's return data says where in the chain to resume. Rules
  // before it did not match these registers, so starting from the top
  // decides the same; for a short chain that is cheaper than the syscall.
  // Rules added at run time come first: start from the top. User
  // notification does not pass the data on.
  uint32_t start = 0;
  if (rules->added == 0 && policy.chain(e.nr).size() > kShortChain)
    start = backend_->ChainPosition(pid);
  // BOUND patterns ask about the caller's socket, its first argument.
  const BoundQuery bound(bound_, pid, static_cast<int>(e.args[0]));
  e.bound = &bound;
  struct Unset {
    Call& e;
    ~Unset() { e.bound = nullptr; }  // the query lives only here
  } unset{e};
  Decision d = Evaluate(policy, e, start);
  // --debug: each outcome from here on is traced with how it came about.
  auto traced = [&](const Outcome& o) {
    if (options_.debug) Trace(pid, e, policy, start, d, o);
    return o;
  };
  std::optional<PendingExit> exit;
  if (d.verdict.kind == Verdict::Kind::kPlugin)
    RunPlugins(pid, e, *rules, &d, &exit);
  if (options_.allow_stopped_calls && !Runs(d.verdict)) d = Decision{};
  const LogTarget& log = d.rule ? d.rule->log : policy.default_verdict().log;
  // The kernel drops an answer to a call that has gone, so a plain allow
  // needs no check that it still waits; what acts on the pid or is
  // recorded (a refusal, a signal, a detach, a report) does.
  if ((d.verdict.kind != Verdict::Kind::kAllow || log.Logs()) &&
      !still_waits()) {
    return std::nullopt;
  }
  runtime_.CountHit(*rules, d.rule);
  if (e.nr >= 0 && e.nr < kMaxSyscallNr)
    ++counts_[e.nr][static_cast<int>(d.verdict.kind)];
  if (own_exec &&
      Restrictiveness(d.verdict) >
          Restrictiveness(Verdict{Verdict::Kind::kDetachProcess, 0})) {
    return traced(Outcome{});
  }
  // A refused call that the kernel would fail anyway writes nothing
  // (mkdir -p on an existing parent, rm -f of a missing file): answer the
  // kernel's errno and report nothing. The call does not run, so nothing
  // can race the check.
  if (Restrictiveness(d.verdict) >=
          Restrictiveness(Verdict{Verdict::Kind::kRetval, 0}) &&
      d.verdict.kind != Verdict::Kind::kKillProcess &&
      d.verdict.kind != Verdict::Kind::kKillThread &&
      // A plugin's answer is its own (magic stat's paths do not exist).
      (d.rule == nullptr || !d.rule->plugin)) {
    if (const int err =
            KernelWouldFail(e, !sandbox_proc_.empty(), private_root_fd_);
        err != 0)
      return traced(Outcome{.run = false, .ret = -err});
  }
  // syd learn: the refusal is recorded, and the call runs as under a rule
  // that allowed it, reported nowhere.
  static const LogTarget kUnreported;
  const bool learned =
      options_.learn &&
      Restrictiveness(d.verdict) >=
          Restrictiveness(Verdict{Verdict::Kind::kRetval, 0}) &&
      options_.learn(e, d);
  if (learned) d = Decision{};
  using K = Verdict::Kind;
  // Only a kill or a trap signals the thread group: /proc is read for it
  // then, not at every stop.
  const bool to_group = d.verdict.kind == K::kKillProcess ||
                        d.verdict.kind == K::kKillThread ||
                        d.verdict.kind == K::kTrap;
  Outcome out =
      OutcomeOf(d.verdict, pid, to_group ? tracee::ThreadGroup(pid) : pid);
  // What syd allows is what happens: a call it may perform, it does (the
  // backend: ptrace performs no open). Not with its checks off, where the
  // test wants the kernel layers alone to act.
  //
  // A name syd could not resolve fails the kernel's lookup too (a missing
  // or non-directory component, too many links, too long), and a struct
  // the kernel refuses fails before it (openat2's, E2BIG): syd answers
  // the errno rather than let the kernel read the name again, which a
  // thread could have rewritten in between into one syd refuses.
  bool answered = false;
  if (d.verdict.kind == K::kAllow && !options_.allow_stopped_calls &&
      no_performing_.empty()) {
    const int err = e.struct_error != 0 ? e.struct_error : LookupError(e);
    if (err != 0 && !own_exec && (d.rule == nullptr || !d.rule->plugin)) {
      out = Outcome{.run = false, .ret = -err};
      answered = true;
    } else if (InOwnDomain(pid)) {
      performer_.LeftToKernelByBackend();
    } else {
      out.perform = CallToPerformOf(e, !sandbox_proc_.empty());
      drop_kept.HandOver(out.perform.has_value());
    }
  }
  if (e.nr == SYS_bind && out.run && e.addresses[1])
    bound_.Record(pid, static_cast<int>(e.args[0]), *e.addresses[1]);
  // lock:exec takes hold at the call, before the kernel runs it: an exec
  // that then fails has locked too (failing closed), and no exec event is
  // needed, so both backends do it here.
  if ((e.nr == SYS_execve || e.nr == SYS_execveat) && (out.run || answered) &&
      !own_exec) {
    runtime_.OnExec();
    locks_.OnExec(pid);
  }
  Record(pid, e, *rules, d, learned ? kUnreported : log, std::move(exit));
  return traced(out);
}

namespace {

// The position in `nr`'s chain after its magic stat rules when every other
// rule there is the kernel's to decide (so that a stop is for magic stat
// alone); 0 when there is none, or something else syd must judge.
int32_t MagicEnd(const Policy& policy, int nr) {
  const std::vector<ChainEntry>& chain = policy.chain(nr);
  int32_t end = 0;
  for (size_t i = 0; i < chain.size(); ++i) {
    const Rule& r = policy.rules()[chain[i].rule];
    if (r.IsMagicStat()) {
      end = static_cast<int32_t>(i + 1);
    } else if (!policy.KernelDecides(nr, chain[i])) {
      return 0;
    }
  }
  return end;
}

}  // namespace

int32_t Supervisor::MagicEndOf(int nr, const RulesInForce& rules) {
  if (nr < 0 || nr >= kMaxSyscallNr) return 0;
  if (magic_ends_of_ != rules.policy) {
    magic_ends_of_ = rules.policy;
    magic_ends_.assign(kMaxSyscallNr, -1);
  }
  int32_t& end = magic_ends_[nr];
  if (end < 0) end = MagicEnd(*rules.policy, nr);
  return end;
}

std::optional<Decision> Supervisor::NotMagic(pid_t pid, const Call& e,
                                             const Policy& policy,
                                             int32_t magic_end) {
  const SyscallInfo& s = *FindSyscall(e.nr);
  int arg = 0;
  while (arg < s.nargs && (!s.args[arg].IsPath() || s.args[arg].from_fd)) ++arg;
  if (arg == s.nargs) return std::nullopt;
  // Read as written; a magic path, or one that cannot be read (the
  // kernel's EFAULT), is decided in full.
  const std::optional<std::string> raw =
      tracee::ReadString(pid, e.args[arg], PATH_MAX);
  if (!raw || IsMagicPath(*raw)) return std::nullopt;
  // Past the magic rules, the kernel's rules decide on the registers.
  Decision d = Evaluate(policy, e, static_cast<uint32_t>(magic_end));
  const LogTarget& log = d.rule ? d.rule->log : policy.default_verdict().log;
  if (d.trace || d.verdict.kind != Verdict::Kind::kAllow || log.Logs())
    return std::nullopt;
  return d;
}

std::optional<Outcome> Supervisor::Read(pid_t pid, const Policy& policy,
                                        bool same_root, Call* call) {
  // Unreadable: the process has gone, or syd cannot tell how its paths
  // resolve or name a descriptor's file; either way the call does not run.
  std::optional<std::string> own_root;
  if (!same_root) {
    own_root = tracee::RootOf(pid);
    if (!own_root) return Outcome{.run = false, .ret = -EPERM};
  }
  // A call syd may perform on a descriptor is judged by the file of the
  // copy it then acts on (not a second look at what that names).
  const tracee::LiveProcess process(
      pid, &sandbox_proc_, same_root ? sandbox_root_fd_ : -1, &sandbox_view_,
      &copies_, MayPerform(*call));
  switch (tracee::Decode(process, same_root ? sandbox_root_ : *own_root, call,
                         policy.TestsProcessNames())) {
    case tracee::DecodeResult::kOk:
      break;
    case tracee::DecodeResult::kFault:
      return Outcome{.run = false, .ret = -EFAULT};
    case tracee::DecodeResult::kUnnamed:
      return Outcome{.run = false, .ret = -EPERM};
  }
  return std::nullopt;
}

void Supervisor::Record(pid_t pid, const Call& e, const RulesInForce& rules,
                        const Decision& d, const LogTarget& log,
                        std::optional<PendingExit> exit) {
  using K = Verdict::Kind;
  if (d.verdict.kind == K::kDetachProcess) {
    const pid_t tgid = tracee::ThreadGroup(pid);
    detached_processes_.insert_or_assign(tgid, tracee::StartTime(tgid));
  } else if (d.verdict.kind == K::kDetachThread) {
    detached_threads_.insert_or_assign(pid, tracee::StartTime(pid));
  }
  bool denied =
      Restrictiveness(d.verdict) >= Restrictiveness(Verdict{K::kRetval, 0});
  if (rules.policy->ChangesRoot(e.nr, d.verdict)) {
    same_root_ = false;
    performer_.SetSandboxRoot(-1);
  }
  if (rules.policy->ChangesIdentity(e.nr, d.verdict))
    performer_.SawIdentityCall(pid, FindSyscall(e.nr)->name, e.args);
  if (rules.policy->MakesDomain(e.nr, d.verdict)) {
    const pid_t tgid = tracee::ThreadGroup(pid);
    own_domains_.insert_or_assign(tgid, tracee::StartTime(tgid));
    if (!said_own_domain_) {
      said_own_domain_ = true;
      Message(StrCat("process ", tgid,
                     " makes a Landlock domain of its own: syd leaves its "
                     "calls, and those of the processes it makes, to the "
                     "kernel, which checks them in that domain (and in "
                     "syd's, where the policy has one)"));
    }
  }
  // Magic stat answers are not refusals; it logs its own failures.
  const PluginSlot* slot =
      d.rule && d.rule->plugin ? SlotOf(rules, d.rule) : nullptr;
  const bool magic = slot != nullptr && slot->magic;
  if (denied && !magic) ++refused_;
  // A refusal sydbox-1's filter/ names is counted, not reported.
  const bool silenced = denied && runtime_.Silenced(e);
  if (((denied && log.kind != LogTarget::Kind::kQuiet) || log.Logs()) &&
      !magic && !silenced) {
    Report(pid, e, d);
  }
  if (exit && !denied && d.verdict.kind != K::kDetachProcess &&
      d.verdict.kind != K::kDetachThread) {
    backend_->ExpectExit(pid, *std::move(exit));
  }
}

void Supervisor::RunPlugins(pid_t pid, const Call& e, const RulesInForce& rules,
                            Decision* d, std::optional<PendingExit>* exit) {
  const Policy& policy = *rules.policy;
  using K = Verdict::Kind;
  // Built for the first plugin; the same for every plugin the call meets.
  std::optional<syd_plugin_call> call;
  while (d->verdict.kind == K::kPlugin && d->rule != nullptr) {
    const PluginSlot* slot = SlotOf(rules, d->rule);
    std::optional<syd_plugin_verdict> v;
    if (slot != nullptr && slot->magic) {
      // Threads of the initial process count as it.
      const pid_t tgid = tracee::ThreadGroup(pid);
      const MagicAccess access{slot->readonly, slot->initonly,
                               tgid == command_pid_, locks_.Of(tgid)};
      const MagicAnswer answer = MagicStat(pid, e, access, &runtime_);
      if (!answer.message.empty() && (!answer.changed || d->rule->log.Logs())) {
        Log(d->rule->log, StrCat("syd: ", answer.message, "\n"));
      }
      if (answer.magic) {
        d->verdict = answer.ret == 0 ? Verdict{K::kRetval, 0}
                                     : Verdict{K::kErrno, -answer.ret};
        return;
      }
      v = syd_plugin_verdict{SYD_PLUGIN_PASS, 0};
    } else if (slot != nullptr && slot->plugin) {
      if (!call) {
        const SyscallInfo& s = *FindSyscall(e.nr);
        call.emplace();
        call->pid = pid;
        call->tgid = tracee::ThreadGroup(pid);
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
        Message(StrCat(d->rule->location.ToString(false),
                       ": the plugin returned verdict ", v->kind,
                       ", which ABI ", SYD_PLUGIN_ABI_VERSION,
                       " does not define; the call is refused"));
        d->verdict = {K::kErrno, EPERM};
        break;
    }
    return;
  }
}

}  // namespace syd::supervise
