#include "src/policy/resolve.h"

#include <algorithm>

#include "src/base/strcat.h"
#include "src/lang/suggest.h"
#include "src/policy/baseline.h"
#include "src/policy/resolver.h"

namespace syd {
namespace resolve_internal {

std::optional<Verdict> KernelVerdict(Action action) {
  using K = Verdict::Kind;
  switch (action) {
    case Action::kAllow:
      return Verdict{K::kAllow, 0};
    case Action::kLog:
      return Verdict{K::kLog, 0};
    case Action::kKillProcess:
      return Verdict{K::kKillProcess, 0};
    case Action::kKillThread:
      return Verdict{K::kKillThread, 0};
    case Action::kFault:
      return Verdict{K::kErrno, ENOSYS};
    case Action::kTrap:
      return Verdict{K::kTrap, 0};
    case Action::kTrace:
    case Action::kUser:
      break;
  }
  return std::nullopt;
}

void Resolver::Statement(const syd::Statement& st) {
  if (const auto* r = std::get_if<RuleStmt>(&st)) {
    RuleStatement(*r);
  } else if (const auto* d = std::get_if<DefaultStmt>(&st)) {
    DefaultStatement(*d);
  } else if (const auto* s = std::get_if<SettingStmt>(&st)) {
    if (s->kind == SettingKind::kLimit) {
      LimitStatement(*s);
    } else {
      IsolateStatement(*s);
    }
  }
}

void Resolver::IsolateStatement(const SettingStmt& st) {
  // Paths may come from -D or the environment: isolate/bind=${HOME}.
  const std::optional<std::string> value =
      Expand(st.value, st.value_location,
             [](std::string_view v) { return std::string(v); });
  if (!value) return;
  const absl::Status s = ApplyIsolate(st.name, *value, &out_.isolation);
  if (!s.ok()) {
    Error(absl::IsNotFound(s) ? st.location : st.value_location,
          std::string(s.message()));
  }
}

void Resolver::LimitStatement(const SettingStmt& st) {
  const absl::StatusOr<size_t> index = FindLimit(st.name);
  if (!index.ok()) {
    Error(st.location, std::string(index.status().message()));
    return;
  }
  const absl::StatusOr<uint64_t> value = ParseLimitValue(*index, st.value);
  if (!value.ok()) {
    Error(st.value_location, std::string(value.status().message()));
    return;
  }
  out_.limits.Tighten(*index, *value);
}

bool Resolver::BuildRule(const RuleStmt& st, Rule* rule) {
  ok_ = true;
  rule->action = st.action;
  rule->location = st.location;
  std::vector<Member> members = Syscalls(st.syscalls);
  Options(st, rule);
  const bool had_members = !members.empty();
  for (const ArgExpr& a : st.args) {
    std::optional<Condition> c = MakeCondition(a, members);
    if (!c) continue;
    std::vector<Member> kept;
    std::string first_misfit;
    for (const Member& m : members) {
      std::string why = Misfit(*FindSyscall(m.nr), *c);
      if (why.empty()) {
        kept.push_back(m);
      } else if (m.is_explicit) {
        Error(a.location, why);
      } else if (first_misfit.empty()) {
        first_misfit = why;
      }
    }
    if (kept.empty() && !members.empty() && ok_) {
      Error(a.location,
            StrCat("no syscall of the set fits this test: ", first_misfit));
    }
    members = std::move(kept);
    rule->conditions.push_back(std::move(*c));
  }
  if (!ok_) return false;
  // Every way to an empty set (a regex that matches nothing, a name of
  // another ABI) has been warned about already.
  if (!had_members) return false;
  for (const Member& m : members) rule->syscalls.push_back({m.nr, m.guard});
  return true;
}

void Resolver::RuleStatement(const RuleStmt& st) {
  switch (st.prefix) {
    case RuleStmt::Prefix::kSys:
      break;
    case RuleStmt::Prefix::kRuntime:
      EnvelopeStatement(st);
      return;
    case RuleStmt::Prefix::kBaseline:
      BaselineStatement(st);
      return;
  }
  if (st.edit == Edit::kClear) {
    Clear(st);
    return;
  }
  Rule rule;
  if (!BuildRule(st, &rule)) return;
  if (st.edit == Edit::kAdd) {
    out_.rules.push_back(std::move(rule));
    return;
  }
  const std::string key = RuleText(rule);
  auto& rules = out_.rules;
  size_t before = rules.size();
  rules.erase(std::remove_if(rules.begin(), rules.end(),
                             [&](const Rule& r) { return RuleText(r) == key; }),
              rules.end());
  if (rules.size() == before) {
    diags_.Warning(
        st.location,
        "no earlier rule is the same as this one: nothing to remove");
  }
}

void Resolver::EnvelopeStatement(const RuleStmt& st) {
  ok_ = true;
  if (st.action != Action::kAllow || st.edit != Edit::kAdd ||
      !st.options.empty()) {
    Error(st.location,
          "the run-time envelope is written runtime/allow+SYSCALLS[:tests]: "
          "what rules added at run time may allow (no other action, edit or "
          "option)");
    return;
  }
  Rule rule;
  if (BuildRule(st, &rule)) out_.envelope.push_back(std::move(rule));
}

void Resolver::BaselineStatement(const RuleStmt& st) {
  ok_ = true;
  if (st.action != Action::kAllow || st.edit != Edit::kAdd ||
      !st.args.empty() || !st.options.empty()) {
    Error(st.location,
          "a baseline item is reopened with baseline/allow+NAME[,NAME...] "
          "(no other action, edit, test or option)");
    return;
  }
  std::vector<std::string_view> names;
  for (const BaselineItem& item : kBaseline) names.push_back(item.name);
  for (const SyscallItem& s : st.syscalls) {
    if (s.kind != SyscallItem::Kind::kName || !FindBaselineItem(s.text)) {
      Error(s.location, StrCat("no baseline item is called '", s.text, "'",
                               DidYouMean(s.text, names),
                               "; syd check --print lists them"));
      continue;
    }
    out_.reopened.push_back({s.text, s.location});
  }
}

void Resolver::Clear(const RuleStmt& st) {
  ok_ = true;
  if (!st.args.empty() || !st.options.empty()) {
    Error(
        st.location,
        StrCat("sys/", ActionName(st.action),
               "^ clears rules: it takes a syscall set, no tests or options"));
    return;
  }
  std::vector<Member> members = Syscalls(st.syscalls);
  if (!ok_) return;
  auto& rules = out_.rules;
  for (Rule& r : rules) {
    if (r.action != st.action) continue;
    if (st.syscalls.empty()) {
      r.syscalls.clear();
      continue;
    }
    std::erase_if(r.syscalls, [&](const RuleSyscall& s) {
      return std::any_of(members.begin(), members.end(),
                         [&](const Member& m) { return m.nr == s.nr; });
    });
  }
  std::erase_if(rules, [](const Rule& r) { return r.syscalls.empty(); });
}

void Resolver::DefaultStatement(const DefaultStmt& st) {
  ok_ = true;
  std::optional<Verdict> kernel = KernelVerdict(st.action);
  if (!kernel) {
    Error(st.location,
          StrCat("default/", ActionName(st.action),
                 " is not a default: the default is decided by the kernel "
                 "(allow, log, fault, trap, kill_process, kill_thread)"));
    return;
  }
  Verdict v = *kernel;
  LogTarget log;
  for (const Option& o : st.options) {
    if (o.key == "error" &&
        (st.action == Action::kFault || st.action == Action::kTrap)) {
      if (auto e = st.action == Action::kTrap ? TrapData(o) : Errno(o)) {
        v.value = *e;
      }
    } else if (o.key == "log") {
      if (auto l = Log(o)) log = *l;
    } else {
      Error(o.location,
            StrCat("default/", ActionName(st.action), " takes ",
                   st.action == Action::kFault || st.action == Action::kTrap
                       ? "error=ERRNO and log=TARGET"
                       : "only log=TARGET"));
    }
  }
  if (ok_) out_.default_verdict = {v, st.location, log};
}

}  // namespace resolve_internal

RuleSet Resolve(const std::vector<Statement>& statements, Diagnostics& diags,
                const Variables& vars, RuleSet start) {
  resolve_internal::Resolver r(diags, vars, std::move(start));
  for (const Statement& st : statements) r.Statement(st);
  return r.Take();
}

}  // namespace syd
