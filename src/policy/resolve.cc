#include "src/policy/resolve.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <map>

#include "src/base/strcat.h"
#include "src/lang/expr.h"
#include "src/lang/identifiers.h"
#include "src/lang/parser.h"
#include "src/lang/suggest.h"
#include "src/syscalls/syscalls.h"

namespace syd {
namespace {

constexpr std::string_view kRuleOptions[] = {
    "allow",         "fault",   "error",        "retval",      "log",
    "command",       "cmdline", "kill_process", "kill_thread", "detach_process",
    "detach_thread", "trap",    "load"};

// Every verdict the language names is an option of trace and user rules.
constexpr bool IsRuleOption(std::string_view name) {
  for (std::string_view o : kRuleOptions) {
    if (o == name) return true;
  }
  return false;
}
static_assert([] {
  for (std::string_view v : kVerdictKindNames) {
    if (v != "log" && !IsRuleOption(v)) return false;
  }
  return true;
}());

std::vector<std::string_view> Names(absl::Span<const std::string_view> names) {
  return std::vector<std::string_view>(names.begin(), names.end());
}

struct Member {
  int nr;
  OpenGuard guard;
  bool is_explicit;  // named, not from a set or regex
};

class Resolver {
 public:
  Resolver(Diagnostics& diags, const Variables& vars, RuleSet start)
      : diags_(diags), vars_(vars), out_(std::move(start)) {}

  void Statement(const syd::Statement& st) {
    if (const auto* r = std::get_if<RuleStmt>(&st)) {
      RuleStatement(*r);
    } else if (const auto* d = std::get_if<DefaultStmt>(&st)) {
      DefaultStatement(*d);
    }
  }

  RuleSet Take() { return std::move(out_); }

 private:
  void Error(const Location& loc, std::string msg) {
    diags_.Error(loc, std::move(msg));
    ok_ = false;
  }

  // ---- syscall sets ----

  // `where` maps a syscall number to its index in `members`, or -1.
  static void AddMember(std::vector<Member>* members, std::vector<int>* where,
                        Member m) {
    int& at = (*where)[m.nr];
    if (at >= 0) {
      Member& have = (*members)[at];
      // Named explicitly, or under both guards, a syscall is in the rule
      // whatever its flags.
      if (m.is_explicit || have.guard != m.guard) have.guard = OpenGuard::kNone;
      have.is_explicit |= m.is_explicit;
      return;
    }
    at = static_cast<int>(members->size());
    members->push_back(m);
  }

  void OtherAbiWarning(std::string_view name, const Location& loc) {
    for (Abi abi : {Abi::kI386, Abi::kX32}) {
      if (SyscallNumber(abi, name)) {
        diags_.Warning(loc,
                       StrCat("'", name, "' is an ", AbiName(abi),
                              " syscall; x86_64 has none of that name, and ",
                              AbiName(abi), " calls are killed"));
        return;
      }
    }
  }

  std::vector<Member> Syscalls(const std::vector<SyscallItem>& items) {
    std::vector<Member> members;
    std::vector<int>& where = member_index_;
    for (const SyscallItem& item : items) {
      switch (item.kind) {
        case SyscallItem::Kind::kName: {
          if (const SyscallInfo* s = FindSyscall(item.text)) {
            AddMember(&members, &where, {s->nr, OpenGuard::kNone, true});
          } else if (SyscallNumber(Abi::kI386, item.text) ||
                     SyscallNumber(Abi::kX32, item.text)) {
            OtherAbiWarning(item.text, item.location);
          } else {
            Error(item.location,
                  StrCat("unknown syscall '", item.text, "'",
                         DidYouMean(item.text,
                                    Names(SyscallNames(Abi::kX86_64)))));
          }
          break;
        }
        case SyscallItem::Kind::kNumber: {
          const SyscallInfo* s =
              item.number < kMaxSyscallNr
                  ? FindSyscall(static_cast<int>(item.number))
                  : nullptr;
          if (s == nullptr) {
            Error(item.location,
                  StrCat("no x86_64 syscall has number ", item.number));
          } else {
            AddMember(&members, &where, {s->nr, OpenGuard::kNone, true});
          }
          break;
        }
        case SyscallItem::Kind::kRegex: {
          RE2 re(StrCat("(?:", item.text, ")"), RE2::Quiet);
          if (!re.ok()) {
            Error(item.location,
                  StrCat("bad syscall regex /", item.text, ": ", re.error()));
            break;
          }
          size_t before = members.size();
          for (const SyscallInfo& s : AllSyscalls()) {
            if (RE2::FullMatch(re2::StringPiece(s.name.data(), s.name.size()),
                               re)) {
              AddMember(&members, &where, {s.nr, OpenGuard::kNone, false});
            }
          }
          if (members.size() == before) RegexMatchesNothing(item, re);
          break;
        }
        case SyscallItem::Kind::kSet: {
          const std::vector<SetMember>* set = ExpandSet(item.text);
          if (!set) {
            std::vector<std::string_view> names;
            for (const SetInfo& s : AllSets()) names.push_back(s.name);
            Error(item.location, StrCat("unknown syscall set '%", item.text,
                                        "'", DidYouMean(item.text, names),
                                        "; `syd sets` lists them"));
            break;
          }
          if (item.text == "stat") {
            diags_.Warning(item.location,
                           "%stat is strace's: only stat(2); glibc's stat() "
                           "calls newfstatat. "
                           "%%stat names every stat variant");
          }
          for (const SetMember& m : *set) {
            AddMember(&members, &where, {m.nr, m.guard, false});
          }
          break;
        }
      }
    }
    for (const Member& m : members) where[m.nr] = -1;
    std::sort(members.begin(), members.end(),
              [](const Member& a, const Member& b) { return a.nr < b.nr; });
    return members;
  }

  void RegexMatchesNothing(const SyscallItem& item, const RE2& re) {
    for (Abi abi : {Abi::kI386, Abi::kX32}) {
      std::vector<std::string_view> hits;
      for (std::string_view name : SyscallNames(abi)) {
        if (RE2::FullMatch(re2::StringPiece(name.data(), name.size()), re))
          hits.push_back(name);
      }
      if (!hits.empty()) {
        diags_.Warning(item.location,
                       StrCat("/", item.text, " matches no x86_64 syscall (on ",
                              AbiName(abi), " it matches ", hits.front(),
                              hits.size() > 1 ? " and others" : "",
                              "); the regex must match the whole name"));
        return;
      }
    }
    diags_.Warning(item.location,
                   StrCat("/", item.text,
                          " matches no syscall; the regex must match the whole "
                          "name"));
  }

  // ---- option values ----

  std::optional<int64_t> Number(const Option& o) {
    int64_t plain = 0;
    auto [end, ec] = std::from_chars(o.value->data(),
                                     o.value->data() + o.value->size(), plain);
    if (ec == std::errc() && end == o.value->data() + o.value->size() &&
        o.value->size() < 10 && (*o.value)[0] != '0') {
      return plain;
    }
    Diagnostics local;
    std::optional<Expr> e = ParseExpression(*o.value, o.value_location, local);
    std::optional<uint64_t> v = e ? EvaluateExpr(*e, local) : std::nullopt;
    for (const Diagnostic& d : local.all()) Error(d.location, d.message);
    if (!v) return std::nullopt;
    return static_cast<int64_t>(*v);
  }

  // A value that is a name of `kind` or a number in [lo, hi].
  std::optional<int64_t> Named(const Option& o, IdentifierKind kind, int64_t lo,
                               int64_t hi, std::string_view what) {
    if (!o.value) {
      Error(o.location, StrCat(o.key, "= needs ", what));
      return std::nullopt;
    }
    const Identifier* id = FindIdentifier(*o.value);
    std::optional<int64_t> v;
    if (id != nullptr && id->kind == kind) {
      v = id->value;
    } else if (id != nullptr) {
      Error(o.value_location,
            StrCat(o.key, "= needs ", what, "; ", *o.value, " is not one"));
      return std::nullopt;
    } else if (!o.value->empty() &&
               (std::isalpha(static_cast<unsigned char>((*o.value)[0])) ||
                (*o.value)[0] == '_')) {
      std::vector<std::string_view> names;
      for (const Identifier& i : AllIdentifiers()) {
        if (i.kind == kind) names.push_back(i.name);
      }
      Error(o.value_location,
            StrCat("unknown ",
                   kind == IdentifierKind::kErrno ? "errno" : "signal", " '",
                   *o.value, "'", DidYouMean(*o.value, names)));
      return std::nullopt;
    } else {
      v = Number(o);
      if (!v) return std::nullopt;
    }
    if (*v < lo || *v > hi) {
      Error(o.value_location, StrCat(o.key, "=", *o.value, " is out of range: ",
                                     what, " runs from ", lo, " to ", hi));
      return std::nullopt;
    }
    return v;
  }

  std::optional<int64_t> Errno(const Option& o) {
    return Named(o, IdentifierKind::kErrno, 1, 4095,
                 "an errno (EPERM or 1 to 4095)");
  }
  std::optional<int64_t> Signal(const Option& o, int64_t lo) {
    return Named(o, IdentifierKind::kSignal, lo, 64,
                 lo == 0 ? "a signal (SIGTERM, or 0 for none)"
                         : "a signal (SIGKILL or 1 to 64)");
  }

  // log=syslog or log=FD.
  std::optional<LogTarget> Log(const Option& o) {
    if (!o.value) {
      Error(o.location, "log needs a value: log=syslog or log=FD");
      return std::nullopt;
    }
    if (*o.value == "syslog") return LogTarget{LogTarget::Kind::kSyslog, -1};
    std::optional<int64_t> fd = Number(o);
    if (!fd) return std::nullopt;
    if (*fd < 0 || *fd > 65535) {
      Error(o.value_location, "log= takes syslog or a file descriptor number");
      return std::nullopt;
    }
    return LogTarget{LogTarget::Kind::kFd, static_cast<int>(*fd)};
  }

  std::shared_ptr<const RE2> Regex(const std::string& pattern,
                                   const Location& loc) {
    auto re = std::make_shared<RE2>(pattern, RE2::Quiet);
    if (!re->ok()) {
      Error(loc, StrCat("bad regex \"", pattern, "\": ", re->error()));
      return nullptr;
    }
    return re;
  }

  // ---- options of a rule ----

  // Fills the verdict and the option fields of `rule`. `verdict_from`
  // remembers which option set the verdict, for conflict messages.
  void Options(const RuleStmt& st, Rule* rule) {
    const bool traced =
        st.action == Action::kTrace || st.action == Action::kUser;
    std::optional<std::string> verdict_from;
    std::map<std::string, Location> seen;
    bool log_only = false;
    switch (st.action) {
      case Action::kAllow:
        rule->verdict = {Verdict::Kind::kAllow, 0};
        break;
      case Action::kLog:
        rule->verdict = {Verdict::Kind::kLog, 0};
        break;
      case Action::kKillProcess:
        rule->verdict = {Verdict::Kind::kKillProcess, 0};
        break;
      case Action::kKillThread:
        rule->verdict = {Verdict::Kind::kKillThread, 0};
        break;
      case Action::kFault:
        rule->verdict = {Verdict::Kind::kErrno, ENOSYS};
        break;
      case Action::kTrap:
        rule->verdict = {Verdict::Kind::kTrap, 0};
        break;
      case Action::kTrace:
      case Action::kUser:
        break;
    }
    for (const Option& o : st.options) {
      if (rule->plugin) {  // everything after load= is the plugin's
        rule->plugin->options.emplace_back(o.key, o.value.value_or(""));
        CheckBuiltinOption(*rule->plugin, o);
        continue;
      }
      auto [it, fresh] = seen.emplace(o.key, o.location);
      if (!fresh) {
        Error(o.location, StrCat("option ", o.key, " is given twice (first at ",
                                 it->second.ToString(), ")"));
        continue;
      }
      const std::string& k = o.key;
      if (std::find(std::begin(kRuleOptions), std::end(kRuleOptions), k) ==
          std::end(kRuleOptions)) {
        std::string hint =
            (k == "readonly" || k == "initonly")
                ? StrCat("; ", k,
                         "= is an option of a plugin: put it after load=")
                : DidYouMean(k, Names(kRuleOptions));
        Error(o.location, StrCat("unknown option '", k, "'", hint));
        continue;
      }
      if (k == "allow" && o.value) {
        Error(o.value_location, "allow takes no value");
        continue;
      }
      if (k != "allow" && !o.value) {
        Error(o.location, StrCat(k, " needs a value: ", k, "=..."));
        continue;
      }
      if (k == "log") {
        if (auto log = Log(o)) rule->log = *log;
        continue;
      }
      if (k == "command" || k == "cmdline") {
        std::optional<std::string> pattern =
            Expand(*o.value, o.value_location, [](std::string_view v) {
              return RE2::QuoteMeta(re2::StringPiece(v.data(), v.size()));
            });
        if (!pattern) continue;
        (k == "command" ? rule->command : rule->cmdline) =
            Regex(*pattern, o.value_location);
        (k == "command" ? rule->command_pattern : rule->cmdline_pattern) =
            *pattern;
        continue;
      }
      if (k == "error") {
        if (st.action != Action::kFault && st.action != Action::kTrap) {
          Error(o.location,
                StrCat("error= belongs to sys/fault and sys/trap; sys/",
                       ActionName(st.action),
                       traced ? " rules fail a call with fault=ERRNO"
                              : " takes none"));
          continue;
        }
        if (auto e = Errno(o)) rule->verdict.value = *e;
        continue;
      }
      if (k == "retval" && st.action == Action::kTrap) {
        if (auto v = Number(o)) rule->verdict.value = *v;
        continue;
      }
      // The rest choose the verdict of a trace or user rule.
      if (!traced) {
        Error(o.location,
              StrCat(k, (k == "allow" ? "" : "="),
                     " chooses the verdict of sys/trace and sys/user "
                     "rules; sys/",
                     ActionName(st.action), " decides by its action",
                     k == "fault" && st.action == Action::kFault
                         ? " (write error=ERRNO)"
                         : ""));
        continue;
      }
      if (verdict_from) {
        Error(o.location, StrCat("conflicting verdicts: ", *verdict_from,
                                 " and ", k, "; a rule has one"));
        continue;
      }
      verdict_from = k;
      using K = Verdict::Kind;
      if (k == "allow") {
        rule->verdict = {K::kAllow, 0};
      } else if (k == "fault") {
        if (auto e = Errno(o)) rule->verdict = {K::kErrno, *e};
      } else if (k == "retval") {
        if (auto v = Number(o)) rule->verdict = {K::kRetval, *v};
      } else if (k == "trap") {
        const Identifier* id = FindIdentifier(*o.value);
        std::optional<int64_t> v =
            id ? std::optional<int64_t>(id->value) : Number(o);
        if (v) rule->verdict = {K::kTrap, *v};
      } else if (k == "kill_process" || k == "kill_thread") {
        if (auto s = Signal(o, 1)) {
          rule->verdict = {
              k == "kill_process" ? K::kKillProcess : K::kKillThread, *s};
        }
      } else if (k == "detach_process" || k == "detach_thread") {
        if (auto s = Signal(o, 0)) {
          rule->verdict = {
              k == "detach_process" ? K::kDetachProcess : K::kDetachThread, *s};
        }
      } else if (k == "load") {
        rule->verdict = {K::kPlugin, 0};
        rule->plugin = PluginRef{*o.value, {}};
        // A plugin file is named by its path; a bare name is built in.
        if (o.value->find('/') == std::string::npos && *o.value != kMagicStat) {
          Error(o.value_location,
                StrCat("no built-in module '", *o.value, "'",
                       DidYouMean(*o.value, {kMagicStat}),
                       "; a plugin file is named by its path, "
                       "load=/path/to/plugin.so"));
        }
      }
    }
    if (traced && !verdict_from) {
      log_only = rule->log.kind != LogTarget::Kind::kNone;
      if (log_only) {
        rule->verdict = {Verdict::Kind::kAllow, 0};
      } else {
        Error(st.location,
              StrCat("sys/", ActionName(st.action),
                     " rule has no verdict: add allow, fault=ERRNO, retval=N, "
                     "kill_process=SIG, kill_thread=SIG, detach_process=SIG, "
                     "detach_thread=SIG, trap=N, load=PLUGIN or log=TARGET"));
      }
    }
  }

  // ---- argument conditions ----

  // Why `s` cannot take condition `c`, or "" when it can.
  static std::string Misfit(const SyscallInfo& s, const Condition& c) {
    if (c.arg == kArgAuto) {
      for (int i = 0; i < s.nargs; ++i) {
        if (c.kind == Condition::Kind::kNet ? s.args[i].IsAddress()
                                            : s.args[i].IsPath()) {
          return "";
        }
      }
      return StrCat(s.name, " has no ",
                    c.kind == Condition::Kind::kNet ? "socket address" : "path",
                    " argument");
    }
    if (c.arg >= s.nargs) {
      return StrCat(
          s.name, " takes ", s.nargs, " argument", s.nargs == 1 ? "" : "s",
          s.nargs == 0 ? "" : StrCat(" (arg0..arg", s.nargs - 1, ")"));
    }
    const ArgSpec& a = s.args[c.arg];
    if (c.kind == Condition::Kind::kNet && !a.IsAddress()) {
      return StrCat("arg", c.arg, " of ", s.name, " is not a socket address");
    }
    if (c.kind != Condition::Kind::kArith && c.kind != Condition::Kind::kNet &&
        !a.IsPath() && a.kind != ArgKind::kString) {
      return StrCat("arg", c.arg, " of ", s.name, " is not a string; ",
                    CmpOpText(c.op), " compares strings");
    }
    if (c.kind == Condition::Kind::kArith && a.width == 32) {
      uint64_t v = c.value;
      bool fits = v <= 0xffffffffull || v >= 0xffffffff80000000ull;
      if (!fits) {
        return StrCat("arg", c.arg, " of ", s.name, " is a 32-bit integer; ", v,
                      " does not fit in it");
      }
    }
    return "";
  }

  std::optional<Condition> MakeCondition(const ArgExpr& a,
                                         const std::vector<Member>& members) {
    Condition c;
    c.arg = a.arg;
    c.op = a.op;
    c.location = a.location;
    if (!a.is_string) {
      if (a.arg == kArgAuto) {
        Error(a.location,
              "arg_ stands for the path or address argument: compare it with a "
              "double-quoted "
              "string, or name the argument (arg0..arg5) to compare numbers");
        return std::nullopt;
      }
      std::optional<uint64_t> v = EvaluateExpr(a.expr, diags_);
      if (!v) {
        ok_ = false;
        return std::nullopt;
      }
      c.kind = Condition::Kind::kArith;
      c.value = *v;
      return c;
    }
    const bool glob = a.op == CmpOp::kGlob || a.op == CmpOp::kNotGlob;
    const bool regex = a.op == CmpOp::kMatch || a.op == CmpOp::kNotMatch;
    auto quote = [&](std::string_view v) -> std::string {
      if (glob) return QuoteGlob(v);
      if (regex) return RE2::QuoteMeta(re2::StringPiece(v.data(), v.size()));
      return std::string(v);
    };
    std::optional<std::string> text = Expand(a.text, a.value_location, quote);
    if (!text) return std::nullopt;
    c.text = *text;
    if (IsNetwork(a.op)) {
      // The seed writes `%stat:arg_@~"/dev/sydbox/?.*"`: a network operator
      // on paths. Where no member has an address, read it as a regex match.
      bool any_address = false, any_path = false;
      for (const Member& m : members) {
        const SyscallInfo* s = FindSyscall(m.nr);
        for (int i = 0; i < s->nargs; ++i) {
          if (a.arg != kArgAuto && a.arg != i) continue;
          any_address |= s->args[i].IsAddress();
          any_path |= s->args[i].IsPath();
        }
      }
      if (!any_address && any_path) {
        c.op = a.op == CmpOp::kNetMatch ? CmpOp::kMatch : CmpOp::kNotMatch;
        diags_.Warning(a.location,
                       StrCat(CmpOpText(a.op),
                              " compares socket addresses; on a "
                              "path it is read as ",
                              CmpOpText(c.op), " (a regex match): write ",
                              CmpOpText(c.op)));
      } else {
        absl::StatusOr<NetPattern> p = NetPattern::Parse(c.text);
        if (!p.ok()) {
          Error(a.value_location, std::string(p.status().message()));
          return std::nullopt;
        }
        c.kind = Condition::Kind::kNet;
        c.net = std::make_shared<NetPattern>(*p);
        return c;
      }
    }
    if (c.op == CmpOp::kEq || c.op == CmpOp::kNe) {
      c.kind = Condition::Kind::kString;
      return c;
    }
    if (c.op == CmpOp::kGlob || c.op == CmpOp::kNotGlob) {
      c.kind = Condition::Kind::kGlob;
      c.glob = std::make_shared<Glob>(c.text);
      return c;
    }
    c.kind = Condition::Kind::kRegex;
    c.regex = Regex(c.text, a.value_location);
    if (!c.regex) return std::nullopt;
    return c;
  }

  // ---- statements ----

  bool BuildRule(const RuleStmt& st, Rule* rule) {
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

  void RuleStatement(const RuleStmt& st) {
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
    rules.erase(
        std::remove_if(rules.begin(), rules.end(),
                       [&](const Rule& r) { return RuleText(r) == key; }),
        rules.end());
    if (rules.size() == before) {
      diags_.Warning(
          st.location,
          "no earlier rule is the same as this one: nothing to remove");
    }
  }

  // magic_stat's options are syd's to check: readonly and initonly, each
  // 0 or 1 (a plugin file checks its own when it is loaded).
  void CheckBuiltinOption(const PluginRef& plugin, const Option& o) {
    if (plugin.path != kMagicStat) return;
    static const char* kValues[] = {"", "0", "1", "true", "false", "yes", "no"};
    const std::string value = o.value.value_or("");
    if ((o.key == "readonly" || o.key == "initonly") &&
        std::find(std::begin(kValues), std::end(kValues), value) !=
            std::end(kValues)) {
      return;
    }
    Error(o.location, StrCat(kMagicStat,
                             " takes readonly=0|1 and "
                             "initonly=0|1, not '",
                             o.key, o.value ? "=" + value : "", "'"));
  }

  void Clear(const RuleStmt& st) {
    ok_ = true;
    if (!st.args.empty() || !st.options.empty()) {
      Error(st.location,
            StrCat(
                "sys/", ActionName(st.action),
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

  void DefaultStatement(const DefaultStmt& st) {
    ok_ = true;
    Verdict v;
    switch (st.action) {
      case Action::kAllow:
        v = {Verdict::Kind::kAllow, 0};
        break;
      case Action::kLog:
        v = {Verdict::Kind::kLog, 0};
        break;
      case Action::kKillProcess:
        v = {Verdict::Kind::kKillProcess, 0};
        break;
      case Action::kKillThread:
        v = {Verdict::Kind::kKillThread, 0};
        break;
      case Action::kFault:
        v = {Verdict::Kind::kErrno, ENOSYS};
        break;
      case Action::kTrap:
        v = {Verdict::Kind::kTrap, 0};
        break;
      case Action::kTrace:
      case Action::kUser:
        Error(st.location,
              StrCat("default/", ActionName(st.action),
                     " is not a default: the default is decided by the kernel "
                     "(allow, log, fault, trap, kill_process, kill_thread)"));
        return;
    }
    LogTarget log;
    for (const Option& o : st.options) {
      if (o.key == "error" &&
          (st.action == Action::kFault || st.action == Action::kTrap)) {
        if (auto e = Errno(o)) v.value = *e;
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

  // `text` with ${NAME} expanded; `quote` makes a value literal where it
  // lands. `loc` is where the text starts.
  std::optional<std::string> Expand(
      const std::string& text, const Location& loc,
      const std::function<std::string(std::string_view)>& quote) {
    if (text.find("${") == std::string::npos) return text;
    std::string error;
    size_t offset = 0;
    std::optional<std::string> out =
        ExpandVariables(text, vars_, quote, &error, &offset);
    if (!out) {
      Location at = loc;
      at.column += static_cast<int>(offset);
      Error(at, error);
    }
    return out;
  }

  Diagnostics& diags_;
  const Variables& vars_;
  RuleSet out_;
  bool ok_ = true;
  std::vector<int> member_index_ =
      std::vector<int>(kMaxSyscallNr, -1);  // see AddMember
};

}  // namespace

RuleSet Resolve(const std::vector<Statement>& statements, Diagnostics& diags,
                const Variables& vars, RuleSet start) {
  Resolver r(diags, vars, std::move(start));
  for (const Statement& st : statements) r.Statement(st);
  RuleSet rules = r.Take();
  return rules;
}

}  // namespace syd
