#include "src/compile/landlock_layer.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "absl/strings/str_join.h"
#include "src/base/strcat.h"
#include "src/kernel/landlock.h"
#include "src/kernel/landlock_uapi.h"
#include "src/lang/glob.h"
#include "src/syscalls/syscalls.h"

namespace syd {
namespace {

using kernel::LandlockRuleset;

constexpr uint64_t kMakeNode =
    kernel::kLandlockFsMakeReg | kernel::kLandlockFsMakeFifo |
    kernel::kLandlockFsMakeSock | kernel::kLandlockFsMakeChar |
    kernel::kLandlockFsMakeBlock;
constexpr uint64_t kMakeAny =
    kMakeNode | kernel::kLandlockFsMakeDir | kernel::kLandlockFsMakeSym;
constexpr uint64_t kRemoveAny =
    kernel::kLandlockFsRemoveFile | kernel::kLandlockFsRemoveDir;
constexpr uint64_t kWriteOpen = kernel::kLandlockFsWriteFile |
                                kernel::kLandlockFsTruncate |
                                kernel::kLandlockFsMakeReg;
constexpr uint64_t kReadOpen =
    kernel::kLandlockFsReadFile | kernel::kLandlockFsReadDir;
// Rights Landlock checks on the file itself (a directory read on the
// directory); the others on the directory that holds (or will hold) the
// entry.
constexpr uint64_t kFileRights = kernel::kLandlockFsExecute |
                                 kernel::kLandlockFsWriteFile |
                                 kernel::kLandlockFsTruncate | kReadOpen;

// What each path argument of a file syscall asks of Landlock, after the
// kernel's hooks: a rename removes from one directory and makes in
// another, and moving across directories needs REFER on both. The test
// checks that every create, remove and open argument of the schema, and
// truncate's, is here. An open has two rows: opening to write (which
// reads too, with O_RDWR) and opening read-only, each derived from the
// rules that let such an open run.
struct PathRights {
  std::string_view syscall;
  int arg;
  uint64_t fs;
};
constexpr PathRights kPathRights[] = {
    {"open", 0, kWriteOpen | kReadOpen},
    {"openat", 1, kWriteOpen | kReadOpen},
    {"openat2", 1, kWriteOpen | kReadOpen},
    {"open", 0, kReadOpen},
    {"openat", 1, kReadOpen},
    {"openat2", 1, kReadOpen},
    {"creat", 0, kWriteOpen},
    {"truncate", 0, kernel::kLandlockFsTruncate},
    {"mkdir", 0, kernel::kLandlockFsMakeDir},
    {"mkdirat", 1, kernel::kLandlockFsMakeDir},
    {"mknod", 0, kMakeNode},
    {"mknodat", 1, kMakeNode},
    {"symlink", 1, kernel::kLandlockFsMakeSym},
    {"symlinkat", 2, kernel::kLandlockFsMakeSym},
    {"unlink", 0, kernel::kLandlockFsRemoveFile},
    {"rmdir", 0, kernel::kLandlockFsRemoveDir},
    {"unlinkat", 1, kRemoveAny},
    {"rename", 0, kRemoveAny | kernel::kLandlockFsRefer},
    {"rename", 1, kMakeAny | kRemoveAny | kernel::kLandlockFsRefer},
    {"renameat", 1, kRemoveAny | kernel::kLandlockFsRefer},
    {"renameat", 3, kMakeAny | kRemoveAny | kernel::kLandlockFsRefer},
    // RENAME_EXCHANGE makes in the source's directory too.
    {"renameat2", 1, kMakeAny | kRemoveAny | kernel::kLandlockFsRefer},
    {"renameat2", 3, kMakeAny | kRemoveAny | kernel::kLandlockFsRefer},
    {"link", 0, kernel::kLandlockFsRefer},
    {"link", 1, kMakeAny | kernel::kLandlockFsRefer},
    {"linkat", 1, kernel::kLandlockFsRefer},
    {"linkat", 3, kMakeAny | kernel::kLandlockFsRefer},
    // The program an exec runs (the kernel also runs interpreters no rule
    // names: GrantKernelExecutes).
    {"execve", 0, kernel::kLandlockFsExecute},
    {"execveat", 1, kernel::kLandlockFsExecute},
};

// Calls a domain that handles any file right refuses outright (EPERM).
constexpr std::string_view kMountCalls[] = {"mount", "umount2", "pivot_root",
                                            "move_mount"};

// Above this many ports a TCP right is left to syd: Landlock takes one
// rule per port, and each costs a syscall before the command starts.
constexpr uint32_t kMaxPorts = 1024;

// Where a rule lets a call act: a path and, for a tree, all below it.
struct Anchor {
  std::string path;
  bool tree = false;
  bool widened = false;  // wider than the rule's own pattern
  // Beneath /proc/self, /proc/thread-self, /proc/PID or /dev/fd: another
  // directory in each process, which no grant made before exec can name.
  bool own_proc = false;
  // The pattern of a widened anchor, which the names granted in a tree of
  // the kernel's must match (one of the two).
  const Glob* glob = nullptr;
  const RE2* regex = nullptr;
};

// What calls of one syscall argument the rules can let run.
struct Reach {
  const Rule* everywhere_by = nullptr;  // a rule that allows them anywhere
  bool everywhere_by_default = false;
  std::vector<std::pair<const Rule*, Anchor>> anchors;
  std::vector<std::pair<uint32_t, uint32_t>> ports;
  std::vector<const Rule*> conditional_denies;  // before the end of the walk

  bool everywhere() const {
    return everywhere_by != nullptr || everywhere_by_default;
  }
  bool any() const {
    return everywhere() || !anchors.empty() || !ports.empty();
  }
};

// What a walk looks at in the argument.
enum class Want : uint8_t {
  kPath,          // a file name
  kWriteOpen,     // a file name opened to write (open guards apply)
  kReadOnlyOpen,  // a file name opened read-only (open guards apply)
  kUnixPath,      // an address, as the file a unix socket makes
  kTcpPort,       // an address, as a TCP port
  kCall,          // nothing: whether the call can run at all
};

// "/proc/self/...", "/proc/1234/...": another process's, or one that does
// not exist yet, cannot be named before the command runs.
bool UnderProcPid(const std::string& path) {
  if (path == "/dev/fd" || path.rfind("/dev/fd/", 0) == 0) return true;
  if (path.rfind("/proc/", 0) != 0) return false;
  std::string_view rest = std::string_view(path).substr(6);
  rest = rest.substr(0, rest.find('/'));
  if (rest == "self" || rest == "thread-self") return true;
  return !rest.empty() && std::all_of(rest.begin(), rest.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

std::string Dir(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return path.substr(0, slash);
}

Anchor Tidy(Anchor a) {
  if (a.path.empty() || a.path[0] != '/') return {"/", true, true};
  if (UnderProcPid(a.path)) return {"/proc", true, true, true};
  return a;
}

// The anchor of a glob: its literal head, a tree when it ends in /*** (or
// /**), else the directory the head reaches, widened.
Anchor GlobAnchor(const std::string& glob) {
  std::string literal;
  size_t i = 0;
  for (; i < glob.size(); ++i) {
    const char c = glob[i];
    if (c == '*' || c == '?' || c == '[') break;
    if (c == '\\' && i + 1 < glob.size()) ++i;
    literal += glob[i];
  }
  if (i == glob.size()) return Tidy({literal, false, false});
  const std::string_view rest = std::string_view(glob).substr(i);
  if (!literal.empty() && literal.back() == '/' &&
      (rest == "***" || rest == "**")) {
    literal.pop_back();
    return Tidy({literal.empty() ? "/" : literal, true, false});
  }
  return Tidy({Dir(literal.empty() ? "" : literal + "x"), true, true});
}

// The anchor of a regex (=~ searches): the directory that the prefix
// every match shares reaches. RE2's range is for whole matches, so only
// its common prefix is used, and only for a regex anchored with ^: it
// counts one copy of a repetition, which can only shorten that prefix.
Anchor RegexAnchor(const RE2& re) {
  std::string min, max;
  if (re.pattern().rfind('^', 0) != 0 ||
      !re.PossibleMatchRange(&min, &max, 256)) {
    return {"/", true, true};
  }
  size_t n = 0;
  while (n < min.size() && n < max.size() && min[n] == max[n]) ++n;
  const std::string prefix = min.substr(0, n);
  const bool plain =
      re.pattern() == "^" + prefix && !prefix.empty() && prefix.back() == '/';
  return Tidy({Dir(prefix + "x"), true, !plain});
}

// Above this many entries looked at, a pattern's names in a kernel tree
// are not granted one by one: none are.
constexpr size_t kMaxKernelTreeNames = 4096;

// The names beneath `a`'s directory that its pattern matches, two levels
// deep on that directory's own file system (not /dev/shm or /dev/pts,
// mounted there), symlinks not followed (a grant would attach where one
// leads, and syd judges that name); nullopt past kMaxKernelTreeNames
// entries.
std::optional<std::vector<std::string>> ExistingMatches(const Anchor& a) {
  std::vector<std::string> out;
  struct stat top;
  if (lstat(a.path.c_str(), &top) != 0 || !S_ISDIR(top.st_mode)) return out;
  size_t seen = 0;
  std::vector<std::pair<std::string, int>> todo = {{a.path, 0}};
  while (!todo.empty()) {
    const auto [dir, depth] = todo.back();
    todo.pop_back();
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) continue;
    while (const dirent* e = readdir(d)) {
      const std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      if (++seen > kMaxKernelTreeNames) {
        closedir(d);
        return std::nullopt;
      }
      const std::string path = StrCat(dir, "/", name);
      struct stat st;
      if (lstat(path.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) continue;
      const bool matches =
          a.glob != nullptr
              ? a.glob->Matches(path)
              : RE2::PartialMatch(re2::StringPiece(path.data(), path.size()),
                                  *a.regex);
      if (matches) out.push_back(path);
      if (S_ISDIR(st.st_mode) && depth == 0 && st.st_dev == top.st_dev)
        todo.emplace_back(path, depth + 1);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool AppliesTo(const Condition& c, int arg) {
  return c.arg == kArgAuto || c.arg == arg;
}

// Regex anchors already found: one rule's regex is met in the chain of
// each of its syscalls, and RE2 builds a DFA to find its range.
using RegexAnchors = std::map<const RE2*, Anchor>;

// Walks the chain of `nr` in first-match order: what any rule can let
// run, until a rule that refuses every such call, or the default.
Reach Walk(const Policy& policy, int nr, int arg, Want want,
           RegexAnchors* regexes) {
  Reach reach;
  for (const ChainEntry& entry : policy.chain(nr)) {
    if (want == Want::kWriteOpen && entry.guard == SetGuard::kReadOnly)
      continue;
    if (want == Want::kReadOnlyOpen && entry.guard == SetGuard::kWrites)
      continue;
    const Rule& rule = policy.rules()[entry.rule];
    bool never = false;  // the rule cannot match this kind of call
    std::optional<Anchor> anchor;
    std::optional<std::pair<uint32_t, uint32_t>> ports;
    for (const Condition& c : rule.conditions) {
      if (!AppliesTo(c, arg) || c.negated() || anchor || ports) continue;
      if (want == Want::kPath || want == Want::kWriteOpen ||
          want == Want::kReadOnlyOpen) {
        if (c.kind == Condition::Kind::kString && c.op == CmpOp::kEq) {
          anchor = Tidy({c.text, false, false});
        } else if (c.kind == Condition::Kind::kGlob) {
          anchor = GlobAnchor(c.glob->text());
          anchor->glob = c.glob.get();
        } else if (c.kind == Condition::Kind::kRegex) {
          auto [it, added] = regexes->try_emplace(c.regex.get());
          if (added) it->second = RegexAnchor(*c.regex);
          anchor = it->second;
          anchor->regex = c.regex.get();
        }
      } else if (c.kind == Condition::Kind::kNet && c.net) {
        const NetPattern& p = *c.net;
        if (p.bound && want == Want::kTcpPort) {
          // Any port the sandbox binds: no port list holds it.
          ports = std::make_pair(uint32_t{0}, uint32_t{65535});
        } else if (want == Want::kUnixPath &&
                   p.family == AddressFamily::kUnix) {
          anchor = GlobAnchor(p.path);
        } else if (want == Want::kTcpPort &&
                   (p.family == AddressFamily::kInet ||
                    p.family == AddressFamily::kInet6)) {
          ports = std::make_pair(uint32_t{p.port_low}, uint32_t{p.port_high});
        } else if (want != Want::kCall) {
          never = true;
        }
      }
    }
    if (never) continue;
    if (Runs(rule.verdict)) {
      if (anchor && !(anchor->tree && anchor->path == "/")) {
        reach.anchors.emplace_back(&rule, *anchor);
      } else if (ports) {
        reach.ports.push_back(*ports);
      } else {
        reach.everywhere_by = &rule;
        return reach;
      }
      continue;
    }
    const bool covers =
        entry.guard == SetGuard::kNone ||
        (entry.guard == SetGuard::kWrites && want == Want::kWriteOpen) ||
        (entry.guard == SetGuard::kReadOnly && want == Want::kReadOnlyOpen);
    if (rule.conditions.empty() && !rule.command && !rule.cmdline && covers)
      return reach;
    // The filter carries the baseline's refusals exactly: Landlock need not.
    if (rule.baseline == nullptr) reach.conditional_denies.push_back(&rule);
  }
  if (Runs(policy.default_verdict().verdict))
    reach.everywhere_by_default = true;
  return reach;
}

// What the notes about one rule (nullptr: the default) will say; they are
// gathered per rule and written in rule order.
struct Findings {
  uint64_t fs_left = 0;
  uint64_t net_left = 0;
  std::set<std::string> calls;
  std::set<std::string> widened_to;
  bool own_proc = false;                         // granted nothing for it
  std::map<std::string, size_t> matched_in;      // kernel tree: names granted
  std::set<std::string> too_many_in;             // kernel tree: none granted
  std::set<std::string> entries_in_kernel_tree;  // make, remove: none
  uint64_t denied_fs = 0;
  std::set<std::string> mounts;
  std::string other;
};

class Deriver {
 public:
  explicit Deriver(const Policy& policy) : policy_(policy) {}

  LandlockLayer Run(const std::string& runtime_changes) {
    for (const Rule& r : policy_.rules()) {
      if (r.verdict.kind == Verdict::Kind::kDetachProcess ||
          r.verdict.kind == Verdict::Kind::kDetachThread) {
        found_[&r].other =
            "Landlock handles no file or network right: this rule detaches "
            "processes, and a detached process is judged by nothing";
        return Finish();
      }
    }
    if (!runtime_changes.empty() && policy_.envelope().empty()) {
      LandlockLayer layer;
      layer.notes.push_back(
          {Severity::kNote, Location{},
           StrCat("Landlock handles no file or network right: rules can "
                  "change while the command runs (",
                  runtime_changes,
                  "), a Landlock domain cannot grow after exec, and no "
                  "runtime/allow+... statement says how far they may go")});
      return layer;
    }
    for (const PathRights& pr : kPathRights) {
      const SyscallInfo* info = FindSyscall(pr.syscall);
      if (info == nullptr) continue;
      const Want want = pr.fs == kReadOpen ? Want::kReadOnlyOpen
                        : info->args[pr.arg].access == PathAccess::kOpen
                            ? Want::kWriteOpen
                            : Want::kPath;
      Add(pr.fs, info, Walk(policy_, info->nr, pr.arg, want, &regexes_));
    }
    if (const SyscallInfo* bind = FindSyscall("bind")) {
      const int arg = bind->ArgOfKind(ArgKind::kSockaddr);
      Add(kernel::kLandlockFsMakeSock, bind,
          Walk(policy_, bind->nr, arg, Want::kUnixPath, &regexes_));
      AddPorts(kernel::kLandlockNetBindTcp, bind,
               Walk(policy_, bind->nr, arg, Want::kTcpPort, &regexes_));
    }
    if (const SyscallInfo* connect = FindSyscall("connect")) {
      AddPorts(
          kernel::kLandlockNetConnectTcp, connect,
          Walk(policy_, connect->nr, connect->ArgOfKind(ArgKind::kSockaddr),
               Want::kTcpPort, &regexes_));
    }
    return Finish();
  }

 private:
  Findings& At(const Reach& r) { return found_[r.everywhere_by]; }

  // A grant of an anchor, made narrower than the anchor in the kernel's
  // trees.
  struct Granted {
    std::string path;
    bool tree = false;
    bool widened = false;
    bool in_kernel_tree = false;
    bool exists = false;
  };

  void Add(uint64_t rights, const SyscallInfo* info, const Reach& reach) {
    // Programs run and files are read anywhere unless a rule says
    // otherwise: execute or reads left open are named only where a
    // refusal is then syd's alone.
    if (reach.everywhere() &&
        (rights == kernel::kLandlockFsExecute || rights == kReadOpen) &&
        reach.conditional_denies.empty()) {
      everywhere_fs_ |= rights;
      return;
    }
    if (reach.everywhere()) {
      Findings& f = At(reach);
      f.fs_left |= rights;
      f.calls.emplace(info->name);
      everywhere_fs_ |= rights;
      return;
    }
    // Each anchor's grants once (in a kernel tree they look at the file
    // system), then each right on them.
    std::vector<std::pair<const Rule*, std::vector<Granted>>> granted;
    for (const auto& [rule, anchor] : reach.anchors)
      granted.emplace_back(rule, GrantsFor(rule, anchor));
    for (uint64_t bit = 1; bit != 0 && bit <= rights; bit <<= 1) {
      if ((rights & bit) == 0) continue;
      for (const auto& [rule, grants] : granted) {
        for (const Granted& a : grants) {
          // Entry rights are checked on the directory that holds the
          // entry, where in a kernel tree they would hold for every name
          // (unlink /dev/sda): not granted. An open makes no existing
          // device anew, so its make_reg is not missed.
          const bool on_file = (bit & kFileRights) != 0;
          if (!on_file && a.in_kernel_tree && !a.tree) {
            if (!(a.exists && bit == kernel::kLandlockFsMakeReg))
              found_[rule].entries_in_kernel_tree.insert(Dir(a.path));
            continue;
          }
          const std::string path = a.tree || on_file ? a.path : Dir(a.path);
          grants_[path] |= bit;
          if (a.widened) found_[rule].widened_to.insert(a.path);
        }
      }
      for (const Rule* deny : reach.conditional_denies)
        denies_.emplace_back(deny, bit);
    }
    handled_fs_ |= rights;
  }

  // What `a`, an anchor of `rule`, is granted as. Outside the kernel's
  // trees, itself. Inside them a grant wider than the rule would reach
  // the host's devices and settings through any call the kernel reads
  // again (a raced open syd continued, or any open under ptrace): a
  // process's own /proc directory gets nothing (syd makes those calls
  // itself under user notification), and a pattern gets the names that
  // match it now, not their directory.
  std::vector<Granted> GrantsFor(const Rule* rule, const Anchor& a) {
    Findings& f = found_[rule];
    if (a.own_proc) {
      f.own_proc = true;
      return {};
    }
    // "/dev/": the tree's top is in it too.
    const bool kernel_tree = kernel::InKernelTree(StrCat(a.path, "/"));
    if (!kernel_tree) return {{a.path, a.tree, a.widened}};
    if (!a.widened || (a.glob == nullptr && a.regex == nullptr)) {
      struct stat st;
      const bool exists = lstat(a.path.c_str(), &st) == 0;
      return {{a.path, a.tree, a.widened, true, exists}};
    }
    const void* pattern =
        a.glob != nullptr ? static_cast<const void*>(a.glob) : a.regex;
    auto [it, added] = existing_.try_emplace(pattern);
    if (added) it->second = ExistingMatches(a);
    if (!it->second) {
      f.too_many_in.insert(a.path);
      return {};
    }
    f.matched_in[a.path] = it->second->size();
    std::vector<Granted> out;
    for (const std::string& path : *it->second)
      out.push_back({path, false, false, true, true});
    return out;
  }

  void AddPorts(uint64_t right, const SyscallInfo* info, const Reach& reach) {
    if (reach.everywhere()) {
      Findings& f = At(reach);
      f.net_left |= right;
      f.calls.emplace(info->name);
      return;
    }
    std::vector<std::pair<uint32_t, uint32_t>> ranges = reach.ports;
    std::sort(ranges.begin(), ranges.end());
    std::vector<std::pair<uint32_t, uint32_t>> merged;
    uint32_t count = 0;
    for (const auto& r : ranges) {
      if (!merged.empty() && r.first <= merged.back().second + 1) {
        merged.back().second = std::max(merged.back().second, r.second);
      } else {
        merged.push_back(r);
      }
    }
    for (const auto& r : merged) count += r.second - r.first + 1;
    if (count > kMaxPorts) {
      too_many_ports_.emplace_back(
          right, StrCat(info->name, " allows ", count, " ports, more than ",
                        kMaxPorts, " (Landlock takes one rule per port)"));
      return;
    }
    handled_net_ |= right;
    for (const auto& r : merged) {
      ports_.push_back({static_cast<uint16_t>(r.first),
                        static_cast<uint16_t>(r.second), right});
    }
  }

  LandlockLayer Finish() {
    LandlockLayer layer;
    const uint64_t handled = handled_fs_ & ~everywhere_fs_;
    layer.ruleset.handled_fs = handled;
    layer.ruleset.handled_net = handled_net_;
    constexpr uint64_t kRead = kernel::kLandlockFsReadFile;
    for (auto [path, access] : grants_) {
      // The kernel reads what it executes (an exec opens the file to
      // read): where reads are held, every program granted is readable.
      if ((access & kernel::kLandlockFsExecute) != 0) access |= kRead;
      if ((access & handled) != 0)
        layer.ruleset.paths.push_back({path, access & handled});
    }
    layer.ruleset.ports = ports_;
    // A refusal inside a granted tree is syd's alone.
    for (const auto& [deny, bit] : denies_) {
      if ((handled & bit) != 0) found_[deny].denied_fs |= bit;
    }
    if (handled != 0) {
      for (std::string_view name : kMountCalls) {
        const SyscallInfo* info = FindSyscall(name);
        if (info == nullptr) continue;
        const Reach r = Walk(policy_, info->nr, -1, Want::kCall, &regexes_);
        if (!r.any()) continue;
        const Rule* by = r.everywhere()      ? r.everywhere_by
                         : r.anchors.empty() ? nullptr
                                             : r.anchors.front().first;
        found_[by].mounts.emplace(name);
      }
    }
    auto emit = [&](const Rule* rule, const Findings& f) {
      const Location where =
          rule ? rule->location : policy_.default_verdict().location;
      const std::string who = rule ? "this rule" : "the default";
      auto note = [&](std::string text) {
        layer.notes.push_back({Severity::kNote, where, std::move(text)});
      };
      if (!f.other.empty()) note(f.other);
      if (f.fs_left != 0 || f.net_left != 0) {
        note(StrCat("Landlock leaves ", kernel::FsRightNames(f.fs_left),
                    f.fs_left != 0 && f.net_left != 0 ? ", " : "",
                    kernel::NetRightNames(f.net_left), " to syd alone: ", who,
                    " lets ", absl::StrJoin(f.calls, ", "), " run on any ",
                    f.fs_left != 0 ? "path" : "port"));
      }
      for (const std::string& to : f.widened_to) {
        note(StrCat("Landlock grants beneath ", to,
                    ", wider than this rule: syd alone refuses the rest"));
      }
      if (f.own_proc) {
        note(
            "Landlock grants nothing for this rule: /proc/self (and "
            "/dev/fd) is another directory in each process, which no grant "
            "can name. syd makes these calls itself under user "
            "notification; under ptrace the kernel judges where a "
            "descriptor's link leads (a pipe, a granted file) and refuses "
            "the rest (EACCES: /proc/self/attr/...)");
      }
      for (const auto& [dir, n] : f.matched_in) {
        note(StrCat("Landlock grants the ", n, " name", n == 1 ? "" : "s",
                    " beneath ", dir,
                    " that this rule matches now, not the directory (a "
                    "kernel tree): one made there later is refused by the "
                    "kernel"));
      }
      for (const std::string& dir : f.entries_in_kernel_tree) {
        note(StrCat("Landlock grants no right to make or remove names in ", dir,
                    " for this rule: in a kernel tree it would hold for "
                    "every name there; the kernel refuses those calls "
                    "(EACCES)"));
      }
      for (const std::string& dir : f.too_many_in) {
        note(StrCat("Landlock grants nothing beneath ", dir,
                    " for this rule: more than ", kMaxKernelTreeNames,
                    " names there to match, and the directory itself (a "
                    "kernel tree) is not granted; the kernel refuses what "
                    "it allows"));
      }
      if (f.denied_fs != 0) {
        note(StrCat("Landlock cannot carry this refusal (",
                    kernel::FsRightNames(f.denied_fs),
                    " are granted around it): syd alone refuses it"));
      }
      if (!f.mounts.empty()) {
        note(StrCat(who, " lets ", absl::StrJoin(f.mounts, ", "),
                    " run, but a Landlock domain that handles files refuses "
                    "every mount (EPERM)"));
      }
    };
    for (const Rule& r : policy_.rules()) {
      auto it = found_.find(&r);
      if (it != found_.end()) emit(&r, it->second);
    }
    if (auto it = found_.find(nullptr); it != found_.end())
      emit(nullptr, it->second);
    for (const auto& [right, why] : too_many_ports_) {
      layer.notes.push_back(
          {Severity::kNote, Location{},
           StrCat("Landlock leaves ", kernel::NetRightNames(right),
                  " to syd alone: ", why)});
    }
    if ((handled & kRead) != 0 && (handled & kernel::kLandlockFsExecute) == 0) {
      layer.notes.push_back(
          {Severity::kNote, Location{},
           "Landlock checks read_file on what an exec runs (the kernel reads "
           "the program): a program runs only where a rule lets it be read "
           "(EACCES otherwise), besides the command and the system's ELF "
           "interpreters, which syd grants"});
    }
    if ((handled & kernel::kLandlockFsExecute) != 0) {
      layer.notes.push_back(
          {Severity::kNote, Location{},
           "Landlock checks the execute right on what the kernel runs "
           "itself too: syd grants it on the command, the interpreter its "
           "#! line names and the system's ELF interpreters (so `ld.so "
           "PROGRAM` runs a program no exec rule allows); a #! script run "
           "later needs a rule that lets its interpreter run as well "
           "(EACCES otherwise), and a file with no path (a memfd) is not "
           "checked"});
    }
    return layer;
  }

  const Policy& policy_;
  RegexAnchors regexes_;
  // A pattern's existing names in a kernel tree, by its Glob or RE2.
  std::map<const void*, std::optional<std::vector<std::string>>> existing_;
  std::map<const Rule*, Findings> found_;
  uint64_t handled_fs_ = 0;
  uint64_t everywhere_fs_ = 0;
  uint64_t handled_net_ = 0;
  std::map<std::string, uint64_t> grants_;
  std::vector<LandlockRuleset::PortGrant> ports_;
  std::vector<std::pair<const Rule*, uint64_t>> denies_;
  std::vector<std::pair<uint64_t, std::string>> too_many_ports_;
};

}  // namespace

LandlockLayer DeriveLandlockLayer(const Policy& policy,
                                  const std::string& runtime_changes) {
  if (policy.envelope().empty()) return Deriver(policy).Run(runtime_changes);
  // What rules added at run time may allow comes first: they go above
  // the policy's.
  RuleSet widest = policy.rule_set();
  widest.rules.insert(widest.rules.begin(), widest.envelope.begin(),
                      widest.envelope.end());
  const Policy with_envelope(std::move(widest));
  return Deriver(with_envelope).Run(runtime_changes);
}

namespace {

bool Beneath(const std::string& path, const std::string& dir) {
  return dir == "/" || path == dir ||
         (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
          path[dir.size()] == '/');
}

// What `to` grants that `from` does not, as a clause; "" when nothing.
std::string Widening(const LandlockRuleset& from, const LandlockRuleset& to) {
  for (uint64_t bit = 1; bit != 0 && bit <= from.handled_fs; bit <<= 1) {
    if ((from.handled_fs & bit) == 0) continue;
    if ((to.handled_fs & bit) == 0) {
      return StrCat("it lets ", kernel::FsRightNames(bit), " run on any path");
    }
    for (const LandlockRuleset::PathGrant& g : to.paths) {
      if ((g.access & bit) == 0) continue;
      const bool covered =
          std::any_of(from.paths.begin(), from.paths.end(),
                      [&](const LandlockRuleset::PathGrant& f) {
                        return (f.access & bit) != 0 && Beneath(g.path, f.path);
                      });
      if (!covered) {
        return StrCat("it allows ", kernel::FsRightNames(bit), " beneath ",
                      g.path);
      }
    }
  }
  for (uint64_t bit = 1; bit != 0 && bit <= from.handled_net; bit <<= 1) {
    if ((from.handled_net & bit) == 0) continue;
    if ((to.handled_net & bit) == 0) {
      return StrCat("it lets ", kernel::NetRightNames(bit), " reach any port");
    }
    for (const LandlockRuleset::PortGrant& g : to.ports) {
      if ((g.access & bit) == 0) continue;
      for (uint32_t port = g.low; port <= g.high; ++port) {
        const bool covered = std::any_of(
            from.ports.begin(), from.ports.end(),
            [&](const LandlockRuleset::PortGrant& f) {
              return (f.access & bit) != 0 && f.low <= port && port <= f.high;
            });
        if (!covered) {
          return StrCat("it allows ", kernel::NetRightNames(bit), " on port ",
                        port);
        }
      }
    }
  }
  return "";
}

}  // namespace

std::string OutsideEnvelope(const Policy& base, const Rule& added) {
  if (base.envelope().empty()) return "";
  const LandlockLayer now = DeriveLandlockLayer(base, "");
  RuleSet with = base.rule_set();
  with.rules.insert(with.rules.begin(), added);
  const LandlockLayer then = DeriveLandlockLayer(Policy(std::move(with)), "");
  const std::string widening = Widening(now.ruleset, then.ruleset);
  if (widening.empty()) return "";
  std::string envelope;
  for (const Rule& r : base.envelope()) {
    StrAppend(&envelope, envelope.empty() ? "" : "; ", r.location.ToString(),
              ": ", RuleSourceText(r));
  }
  return StrCat(widening,
                ", outside the run-time envelope, which the kernel's "
                "Landlock layer was built from (",
                envelope, ")");
}

std::optional<std::string> ScriptInterpreterOf(int fd) {
  // "#!INTERPRETER [ARG]" (BINPRM_BUF_SIZE bounds the line).
  char line[256] = {};
  const ssize_t n = pread(fd, line, sizeof line - 1, 0);
  if (n < 2 || line[0] != '#' || line[1] != '!') return std::nullopt;
  std::string_view rest(line + 2, static_cast<size_t>(n) - 2);
  rest.remove_prefix(std::min(rest.find_first_not_of(" \t"), rest.size()));
  rest = rest.substr(0, rest.find_first_of(" \t\n"));
  if (rest.empty()) return std::nullopt;
  return std::string(rest);
}

std::optional<std::string> ScriptInterpreter(const std::string& path) {
  // A regular file only, opened without waiting: the name may be the
  // sandbox's, and a FIFO or a device there would hold syd.
  const int fd =
      open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st;
  std::optional<std::string> interpreter;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
    interpreter = ScriptInterpreterOf(fd);
  close(fd);
  return interpreter;
}

void GrantKernelExecutes(const std::string& command,
                         kernel::LandlockRuleset* ruleset) {
  // The kernel opens what it executes to read it as well.
  const uint64_t rights = ruleset->handled_fs & (kernel::kLandlockFsExecute |
                                                 kernel::kLandlockFsReadFile);
  if (rights == 0) return;
  std::vector<std::string> files = {command};
  // The kernel runs a script's interpreter in its place.
  if (std::optional<std::string> interpreter = ScriptInterpreter(command))
    files.push_back(*std::move(interpreter));
  // The ELF interpreters of x86_64, i386 and x32, glibc's and musl's:
  // every dynamic program needs one, and no exec rule names it.
  for (const char* loader :
       {"/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux.so.2",
        "/libx32/ld-linux-x32.so.2", "/lib/ld-musl-x86_64.so.1",
        "/lib/ld-musl-i386.so.1"}) {
    files.emplace_back(loader);
  }
  // Only those there: a grant on a missing file would go to its directory.
  for (std::string& file : files) {
    if (access(file.c_str(), F_OK) == 0) {
      ruleset->paths.push_back({std::move(file), rights});
    }
  }
}

uint64_t PathArgRights(std::string_view syscall, int arg) {
  uint64_t rights = 0;
  for (const PathRights& pr : kPathRights) {
    if (pr.syscall == syscall && pr.arg == arg) rights |= pr.fs;
  }
  return rights;
}

std::string RuntimeChanges(const Policy& policy, const std::string& control) {
  if (!control.empty()) return StrCat("the control socket ", control);
  for (const Rule& r : policy.rules()) {
    if (r.IsMagicStat())
      return StrCat("load=magic_stat at ", r.location.ToString());
  }
  return "";
}

}  // namespace syd
