#include <algorithm>
#include <map>
#include <memory>
#include <unordered_map>

#include "src/base/strcat.h"
#include "src/compile/landlock_layer.h"
#include "src/lang/parser.h"
#include "src/policy/baseline.h"
#include "src/policy/resolve.h"
#include "src/runtime/runtime.h"

namespace syd {
namespace {

// One register test: what the kernel can check.
struct Test {
  int arg;
  CmpOp op;
  uint64_t value;  // already reduced to the argument's width
};

// The register tests of `r` on syscall `s`, with the set's guard as the
// test it stands for.
std::vector<Test> RegisterTests(const SyscallInfo& s, const Rule& r,
                                SetGuard guard) {
  std::vector<Test> out;
  for (const Condition& c : r.conditions) {
    if (c.kind != Condition::Kind::kArith) continue;
    out.push_back({c.arg, c.op, c.value & s.args[c.arg].Mask()});
  }
  if (const std::optional<Condition> g = GuardCondition(s, guard))
    out.push_back({g->arg, g->op, g->value & s.args[g->arg].Mask()});
  return out;
}

bool Holds(const Test& t, uint64_t x) { return ArithHolds(t.op, x, t.value); }

// The values of argument `arg` that the ordering tests of `tests` allow,
// as [lo, hi]; lo > hi when none.
std::pair<uint64_t, uint64_t> Interval(const std::vector<Test>& tests, int arg,
                                       uint64_t mask) {
  uint64_t lo = 0, hi = mask;
  for (const Test& t : tests) {
    if (t.arg != arg) continue;
    switch (t.op) {
      case CmpOp::kEq:
        lo = std::max(lo, t.value);
        hi = std::min(hi, t.value);
        break;
      case CmpOp::kGt:
        if (t.value == ~0ull) return {1, 0};
        lo = std::max(lo, t.value + 1);
        break;
      case CmpOp::kGe:
        lo = std::max(lo, t.value);
        break;
      case CmpOp::kLt:
        if (t.value == 0) return {1, 0};
        hi = std::min(hi, t.value - 1);
        break;
      case CmpOp::kLe:
        hi = std::min(hi, t.value);
        break;
      default:
        break;
    }
  }
  return {lo, hi};
}

// Whether no register state passes both `a` and `b`.
bool Disjoint(const SyscallInfo& s, const std::vector<Test>& a,
              const std::vector<Test>& b) {
  std::vector<Test> all = a;
  all.insert(all.end(), b.begin(), b.end());
  for (int arg = 0; arg < s.nargs; ++arg) {
    auto [lo, hi] = Interval(all, arg, s.args[arg].Mask());
    if (lo > hi) return true;
    // One value left: every other test must hold for it.
    const uint64_t only = lo;
    if (lo == hi && !std::all_of(all.begin(), all.end(), [&](const Test& t) {
          return t.arg != arg || Holds(t, only);
        })) {
      return true;
    }
  }
  for (const Test& x : all) {
    for (const Test& y : all) {
      // Some bit of m must be set, and no bit of n, where m is within n.
      if (x.arg == y.arg && x.op == CmpOp::kMaskAny &&
          y.op == CmpOp::kMaskNone && (x.value & ~y.value) == 0) {
        return true;
      }
    }
  }
  return false;
}

// Whether every state that passes `tests` (on argument `t.arg`) passes `t`.
bool Implies(const SyscallInfo& s, const std::vector<Test>& tests,
             const Test& t) {
  for (const Test& x : tests) {
    if (x.arg != t.arg) continue;
    if (x.op == t.op && x.value == t.value) return true;
    if (x.op == CmpOp::kMaskAny && t.op == CmpOp::kMaskAny &&
        (x.value & ~t.value) == 0) {
      return true;
    }
    if (x.op == CmpOp::kMaskNone && t.op == CmpOp::kMaskNone &&
        (t.value & ~x.value) == 0) {
      return true;
    }
  }
  auto [lo, hi] = Interval(tests, t.arg, s.args[t.arg].Mask());
  if (lo > hi) return true;  // nothing passes `tests`
  switch (t.op) {
    case CmpOp::kEq:
    case CmpOp::kMaskAny:
    case CmpOp::kMaskNone:
      return lo == hi && Holds(t, lo);
    case CmpOp::kNe:
      return t.value < lo || t.value > hi;
    default:  // an ordering test: the whole interval within it
      return Holds(t, lo) && Holds(t, hi);
  }
}

// The rule a `+` statement just added: Resolve appends it.
const Rule& Added(const RuleSet& set) { return set.rules.back(); }

}  // namespace

std::string WhyKernelDecides(const Policy& base, const Rule& rule) {
  // Calls the baseline refuses stay refused: the added rule applies to the
  // rest of its syscalls (%file_wr names move_mount), and is refused only
  // when nothing is left.
  std::string baseline_refuses;
  size_t left = 0;
  for (const RuleSyscall& rs : rule.syscalls) {
    const SyscallInfo& s = *FindSyscall(rs.nr);
    const std::vector<Test> mine = RegisterTests(s, rule, rs.guard);
    bool reaches = false;
    bool refused = false;
    for (const ChainEntry& entry : base.chain(rs.nr)) {
      const Rule& other = base.rules()[entry.rule];
      const std::vector<Test> theirs = RegisterTests(s, other, entry.guard);
      const bool all_theirs =
          std::all_of(theirs.begin(), theirs.end(),
                      [&](const Test& t) { return Implies(s, mine, t); });
      if (other.baseline != nullptr) {
        if (!all_theirs) continue;
        if (baseline_refuses.empty()) {
          baseline_refuses =
              StrCat(s.name, ": the baseline refuses these calls (",
                     other.location.ToString(false),
                     "); only the policy reopens an item (baseline/allow+",
                     other.baseline->name, ")");
        }
        refused = true;
        break;
      }
      // A watched call the kernel would let run stops in syd too (execs,
      // where rules change at run time).
      if (!base.KernelDecides(rs.nr, entry) ||
          base.StopsWatched(rs.nr, other.verdict)) {
        // The filter sends the calls this rule's registers pass to syd.
        if (all_theirs) {
          reaches = true;
          break;
        }
        continue;
      }
      if (!Disjoint(s, mine, theirs)) {
        return StrCat(s.name, ": the kernel decides some of these calls by ",
                      other.location.ToString(false), " (",
                      RuleSourceText(other), ")");
      }
    }
    if (refused) continue;
    ++left;
    if (!reaches && !base.default_verdict().log.Logs() &&
        !base.StopsWatched(rs.nr, base.default_verdict().verdict)) {
      return StrCat(s.name,
                    base.chain(rs.nr).empty()
                        ? ": no rule of the policy sends it to syd"
                        : ": some of these calls reach no rule that sends "
                          "them to syd",
                    ", so the kernel decides them by the default (",
                    DefaultText(base.default_verdict()), ")");
    }
  }
  return left == 0 ? baseline_refuses : "";
}

const char* LockText(RuntimeRules::Lock lock) {
  switch (lock) {
    case RuntimeRules::Lock::kOff:
      return "off";
    case RuntimeRules::Lock::kExec:
      return "exec";
    case RuntimeRules::Lock::kOn:
      return "on";
  }
  return "?";
}

namespace {

// The first error among `diags`, or nullptr.
const Diagnostic* FirstError(const Diagnostics& diags) {
  for (const Diagnostic& d : diags.all()) {
    if (d.severity == Severity::kError) return &d;
  }
  return nullptr;
}

// load=magic_stat:net=off: sydbox-1's network sandbox starts off.
bool SydboxNetworkOn(const Policy& base) {
  for (const Rule& r : base.rules()) {
    if (!r.IsMagicStat()) continue;
    for (const auto& [key, value] : r.plugin->options) {
      if (key == "net") return value != "off";
    }
  }
  return true;
}

}  // namespace

RuntimeRules::RuntimeRules(const Policy& base, Variables vars)
    : base_(base),
      vars_(std::move(vars)),
      // The base outlives this object: the snapshot only points at it.
      in_force_(std::make_shared<const RulesInForce>(RulesInForce{
          std::shared_ptr<const Policy>(std::shared_ptr<void>(), &base), 0})),
      hits_(base.rules().size()),
      sydbox_(SydboxNetworkOn(base)) {
  // sydbox-1's block as it stands before any command: empty, but for a
  // network sandbox that starts off.
  start_ = SetBlock(sydbox_.Block(), "load=magic_stat:net=off");
}

std::string RuntimeRules::WhyNot(const Rule& rule) const {
  if (rule.plugin) {
    return "load= rules come from the policy: a plugin is loaded and "
           "checked before the command starts";
  }
  if (std::string why = WhyKernelDecides(base_, rule); !why.empty()) {
    return StrCat(why,
                  "; the filter is sealed, so a rule added at run time "
                  "cannot change that");
  }
  if (std::string why = OutsideEnvelope(base_, rule); !why.empty())
    return StrCat("refused: ", why,
                  "; a Landlock domain cannot grow after exec");
  return "";
}

absl::Status RuntimeRules::SetBlock(const std::vector<std::string>& texts,
                                    absl::string_view origin) {
  RuleSet block;
  for (const std::string& text : texts) {
    auto source = std::make_shared<SourceFile>(std::string(origin), text);
    Diagnostics diags;
    ParsedFile parsed = Parse(source, diags);
    RuleSet one;
    if (!diags.has_errors()) one = Resolve(parsed.statements, diags);
    if (diags.has_errors() || one.rules.size() != 1) {
      const Diagnostic* error = FirstError(diags);
      return absl::InvalidArgumentError(
          StrCat(origin, ": becomes ", text, ", which syd cannot read: ",
                 error != nullptr ? error->message : "?"));
    }
    if (std::string why = WhyNot(one.rules[0]); !why.empty()) {
      return absl::InvalidArgumentError(
          StrCat(origin, ": becomes ", text, ": ", why));
    }
    block.rules.push_back(std::move(one.rules[0]));
  }
  Rebuild(added_, std::move(block));
  return absl::OkStatus();
}

absl::Status RuntimeRules::ExecuteSydbox(absl::string_view command,
                                         absl::string_view origin,
                                         bool readonly, Lock* own) {
  const std::string named = StrCat(origin, ": ", command);
  SydboxApi next = sydbox_;
  absl::StatusOr<SydboxApi::Effect> effect =
      next.Run(std::string_view(command.data(), command.size()));
  if (!effect.ok()) {
    return absl::Status(effect.status().code(),
                        StrCat(named, ": ", effect.status().message()));
  }
  using Kind = SydboxApi::Effect::Kind;
  switch (effect->kind) {
    case Kind::kNone:
      return absl::OkStatus();
    case Kind::kQuery:
      return effect->holds ? absl::OkStatus()
                           : absl::NotFoundError(StrCat(named, ": no"));
    case Kind::kLock:
      return Execute(effect->lock, named, readonly, own);
    case Kind::kChange:
      break;
  }
  if (readonly) {
    return absl::PermissionDeniedError(
        StrCat(named, ": read-only: only queries"));
  }
  if (Locked(own)) {
    return absl::PermissionDeniedError(
        StrCat(named, ": the sandbox is locked: no more changes"));
  }
  if (absl::Status s = SetBlock(next.Block(), named); !s.ok()) return s;
  sydbox_ = std::move(next);
  return absl::OkStatus();
}

void RuntimeRules::OnExec() {
  if (lock_ == Lock::kExec) lock_ = Lock::kOn;
}

void RuntimeRules::CountHit(const RulesInForce& at, const Rule* rule) {
  if (rule == nullptr) {
    ++default_hits_;
    return;
  }
  const std::vector<Rule>& rules = at.policy->rules();
  if (rule < rules.data() || rule >= rules.data() + rules.size()) return;
  const auto i = static_cast<size_t>(rule - rules.data());
  if (&at == in_force_.get()) {
    ++hits_[i];
  } else if (i >= at.added) {  // the policy's: the same rule, shifted
    ++hits_[i - at.added + added()];
  } else {  // added then; find it now by its text, if it is still there
    const std::string key = RuleText(*rule);
    for (size_t j = 0; j < added(); ++j) {
      if (RuleText(policy().rules()[j]) == key) {
        ++hits_[j];
        return;
      }
    }
  }
}

absl::Status RuntimeRules::Execute(absl::string_view command,
                                   absl::string_view origin, bool readonly,
                                   Lock* own) {
  if (IsSydboxCommand(std::string_view(command.data(), command.size())))
    return ExecuteSydbox(command, origin, readonly, own);
  const std::string named = StrCat(origin, ": ", command);
  const bool query = !command.empty() && command.back() == '?';
  if (query) command.remove_suffix(1);
  Lock& lock = own != nullptr ? *own : lock_;
  const bool locked = Locked(own);
  if (command.substr(0, 5) == "lock:") {
    if (query) {
      return StrCat("lock:", LockText(lock)) == command
                 ? absl::OkStatus()
                 : absl::NotFoundError(StrCat("the lock is ", LockText(lock)));
    }
    absl::string_view state = command.substr(5);
    Lock want;
    if (state == "on") {
      want = Lock::kOn;
    } else if (state == "off") {
      want = Lock::kOff;
    } else if (state == "exec") {
      want = Lock::kExec;
    } else {
      return absl::InvalidArgumentError(
          StrCat(named, ": lock takes on, off or exec, not '", state, "'"));
    }
    if (readonly) {
      return absl::PermissionDeniedError(
          StrCat(named, ": read-only: only queries"));
    }
    if (locked) {
      return absl::PermissionDeniedError(
          StrCat(named, ": the sandbox is locked"));
    }
    lock = want;
    return absl::OkStatus();
  }
  if (!query && readonly) {
    return absl::PermissionDeniedError(
        StrCat(named, ": read-only: only queries (a command ending in ?)"));
  }
  if (!query && locked) {
    return absl::PermissionDeniedError(
        StrCat(named, ": the sandbox is locked: no more changes"));
  }
  return ApplyRule(command, origin, query);
}

absl::Status RuntimeRules::ApplyRule(absl::string_view command,
                                     absl::string_view origin, bool query) {
  // Messages name the command as it was given; rules keep `origin`.
  const std::string named = StrCat(origin, ": ", command, query ? "?" : "");
  if (command.find('\n') != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        StrCat(named, ": one command at a time (no newline)"));
  }
  auto source =
      std::make_shared<SourceFile>(std::string(origin), std::string(command));
  Diagnostics diags;
  ParsedFile parsed = Parse(source, diags);
  // Named by the command, as a file's errors are by file:line:col.
  auto first_error = [&]() {
    const Diagnostic* d = FirstError(diags);
    return d != nullptr ? StrCat(named, ": column ", d->location.column, ": ",
                                 d->message)
                        : StrCat(named, ": ?");
  };
  if (diags.has_errors()) return absl::InvalidArgumentError(first_error());
  if (parsed.statements.size() == 1 &&
      std::holds_alternative<SettingStmt>(parsed.statements[0])) {
    const bool limit =
        std::get<SettingStmt>(parsed.statements[0]).kind == SettingKind::kLimit;
    return absl::InvalidArgumentError(StrCat(
        named, limit ? ": limits are fixed when the command starts: set them "
                       "in the policy or with --limit"
                     : ": isolation is fixed when the command starts: set it "
                       "in the policy or with its option (--unshare, --bind "
                       "...)"));
  }
  if (parsed.statements.size() != 1 ||
      !std::holds_alternative<RuleStmt>(parsed.statements[0])) {
    return absl::InvalidArgumentError(
        StrCat(named,
               ": expected one sys/ACTION+SET... rule, sys/ACTION-..., "
               "sys/ACTION^[SET], a query ending in ?, or lock:on|off|exec"));
  }
  const RuleStmt& st = std::get<RuleStmt>(parsed.statements[0]);
  if (st.prefix == RuleStmt::Prefix::kRuntime) {
    return absl::InvalidArgumentError(
        StrCat(named,
               ": the run-time envelope (runtime/allow+...) comes from the "
               "policy: the kernel's layers are built from it before the "
               "command starts"));
  }
  if (st.prefix == RuleStmt::Prefix::kBaseline) {
    return absl::InvalidArgumentError(
        StrCat(named,
               ": the baseline (baseline/allow+...) comes from the policy: "
               "the kernel enforces it before the command starts"));
  }
  if (query) {
    if (st.edit != Edit::kAdd) {
      return absl::InvalidArgumentError(
          StrCat(named, ": a query asks about a rule: sys/ACTION+...?"));
    }
    RuleSet one = Resolve(parsed.statements, diags, vars_);
    if (diags.has_errors()) return absl::InvalidArgumentError(first_error());
    if (one.rules.empty()) {
      return absl::InvalidArgumentError(StrCat(named, ": names no syscall"));
    }
    const std::string key = RuleText(Added(one));
    for (const Rule& r : policy().rules()) {
      if (RuleText(r) == key) return absl::OkStatus();
    }
    return absl::NotFoundError(StrCat(named, ": no such rule in force"));
  }
  const size_t before = added_.rules.size();
  RuleSet edited = Resolve(parsed.statements, diags, vars_, added_);
  if (diags.has_errors()) return absl::InvalidArgumentError(first_error());
  switch (st.edit) {
    case Edit::kAdd: {
      if (edited.rules.size() == before) {
        return absl::InvalidArgumentError(StrCat(named, ": names no syscall"));
      }
      if (std::string why = WhyNot(Added(edited)); !why.empty())
        return absl::InvalidArgumentError(StrCat(named, ": ", why));
      break;
    }
    case Edit::kRemove:
      if (edited.rules.size() == before) {
        RuleStmt as_add = st;
        as_add.edit = Edit::kAdd;
        Diagnostics ignored;
        RuleSet one = Resolve({as_add}, ignored, vars_);
        const std::string key = one.rules.empty() ? "" : RuleText(one.rules[0]);
        for (const Rule& r : base_.rules()) {
          if (RuleText(r) == key) {
            return absl::InvalidArgumentError(
                StrCat(named, ": that rule is the policy's (",
                       r.location.ToString(false),
                       "); only rules added at run time can be removed"));
          }
        }
        return absl::NotFoundError(
            StrCat(named, ": no rule added at run time is the same"));
      }
      break;
    case Edit::kClear:
      break;
  }
  Rebuild(std::move(edited), block_);
  return absl::OkStatus();
}

void RuntimeRules::Rebuild(RuleSet added, RuleSet block) {
  // Hits follow their rules: the policy's by position, added ones (syd's
  // own commands' and sydbox-1's block) by text.
  const size_t old_added = this->added();
  std::unordered_multimap<std::string, uint64_t> added_hits;
  for (size_t i = 0; i < old_added; ++i)
    added_hits.emplace(RuleText(policy().rules()[i]), hits_[i]);
  added_ = std::move(added);
  block_ = std::move(block);
  RuleSet all;
  all.rules = added_.rules;
  all.rules.insert(all.rules.end(), block_.rules.begin(), block_.rules.end());
  const size_t new_added = all.rules.size();
  std::vector<uint64_t> hits(new_added + base_.rules().size());
  for (size_t i = 0; i < new_added; ++i) {
    auto it = added_hits.find(RuleText(all.rules[i]));
    if (it != added_hits.end()) {
      hits[i] = it->second;
      added_hits.erase(it);
    }
  }
  std::copy(hits_.begin() + static_cast<ptrdiff_t>(old_added), hits_.end(),
            hits.begin() + static_cast<ptrdiff_t>(new_added));
  hits_ = std::move(hits);
  all.rules.insert(all.rules.end(), base_.rules().begin(), base_.rules().end());
  all.default_verdict = base_.default_verdict();
  all.execs_stop = base_.rule_set().execs_stop;
  // A new snapshot; decisions still holding the old one keep it alive.
  in_force_ = std::make_shared<const RulesInForce>(
      RulesInForce{std::make_shared<const Policy>(std::move(all)), new_added});
}

}  // namespace syd
