// A rule's options: its verdict, the verdict's value, log, command and
// cmdline, and load= with the plugin's own options.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "src/base/strcat.h"
#include "src/lang/expr.h"
#include "src/lang/parser.h"
#include "src/lang/suggest.h"
#include "src/policy/resolver.h"

namespace syd::resolve_internal {
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

}  // namespace

std::optional<int64_t> Resolver::Number(const Option& o) {
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
std::optional<int64_t> Resolver::Named(const Option& o, IdentifierKind kind,
                                       int64_t lo, int64_t hi,
                                       std::string_view what) {
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
    Error(
        o.value_location,
        StrCat("unknown ", kind == IdentifierKind::kErrno ? "errno" : "signal",
               " '", *o.value, "'", DidYouMean(*o.value, names)));
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

std::optional<int64_t> Resolver::Errno(const Option& o) {
  return Named(o, IdentifierKind::kErrno, 1, 4095,
               "an errno (EPERM or 1 to 4095)");
}
// SECCOMP_RET_TRAP carries 16 bits to the SIGSYS handler, as si_errno.
std::optional<int64_t> Resolver::TrapData(const Option& o) {
  return Named(o, IdentifierKind::kErrno, 0, 0xffff,
               "the SIGSYS handler's si_errno (an errno or 0 to 65535)");
}
std::optional<int64_t> Resolver::Signal(const Option& o, int64_t lo) {
  return Named(o, IdentifierKind::kSignal, lo, 64,
               lo == 0 ? "a signal (SIGTERM, or 0 for none)"
                       : "a signal (SIGKILL or 1 to 64)");
}

// log=syslog or log=FD.
std::optional<LogTarget> Resolver::Log(const Option& o) {
  if (!o.value) {
    Error(o.location, "log needs a value: log=syslog, log=FD or log=none");
    return std::nullopt;
  }
  if (*o.value == "syslog") return LogTarget{LogTarget::Kind::kSyslog, -1};
  if (*o.value == "none") return LogTarget{LogTarget::Kind::kQuiet, -1};
  std::optional<int64_t> fd = Number(o);
  if (!fd) return std::nullopt;
  if (*fd < 0 || *fd > 65535) {
    Error(o.value_location, "log= takes syslog or a file descriptor number");
    return std::nullopt;
  }
  return LogTarget{LogTarget::Kind::kFd, static_cast<int>(*fd)};
}

// Fills the verdict and the option fields of `rule`. `verdict_from`
// remembers which option set the verdict, for conflict messages.
void Resolver::Options(const RuleStmt& st, Rule* rule) {
  const bool traced = st.action == Action::kTrace || st.action == Action::kUser;
  std::optional<std::string> verdict_from;
  std::map<std::string, Location> seen;
  bool log_only = false;
  if (std::optional<Verdict> kernel = KernelVerdict(st.action))
    rule->verdict = *kernel;
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
      if (auto e = st.action == Action::kTrap ? TrapData(o) : Errno(o)) {
        rule->verdict.value = *e;
      }
      continue;
    }
    if (k == "retval" && st.action == Action::kTrap) {
      diags_.Warning(o.location,
                     "a trap's data is written error=N, as in default/trap "
                     "(trap=N on trace rules); retval= is the old spelling");
      if (auto v = TrapData(o)) rule->verdict.value = *v;
      continue;
    }
    // The rest choose the verdict of a trace or user rule.
    if (!traced) {
      Error(o.location, StrCat(k, (k == "allow" ? "" : "="),
                               " chooses the verdict of sys/trace and sys/user "
                               "rules; sys/",
                               ActionName(st.action), " decides by its action",
                               k == "fault" && st.action == Action::kFault
                                   ? " (write error=ERRNO)"
                                   : ""));
      continue;
    }
    if (verdict_from) {
      Error(o.location, StrCat("conflicting verdicts: ", *verdict_from, " and ",
                               k, "; a rule has one"));
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
      if (auto v = TrapData(o)) rule->verdict = {K::kTrap, *v};
    } else if (k == "kill_process" || k == "kill_thread") {
      if (auto s = Signal(o, 1)) {
        rule->verdict = {k == "kill_process" ? K::kKillProcess : K::kKillThread,
                         *s};
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
        Error(o.value_location, StrCat("no built-in module '", *o.value, "'",
                                       DidYouMean(*o.value, {kMagicStat}),
                                       "; a plugin file is named by its path, "
                                       "load=/path/to/plugin.so"));
      }
    }
  }
  if (traced && !verdict_from) {
    log_only = rule->log.Logs();
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

// magic_stat's options are syd's to check: readonly and initonly, each
// 0 or 1, and net, on or off (sydbox-1's network sandbox at the start); a
// plugin file checks its own when it is loaded.
void Resolver::CheckBuiltinOption(const PluginRef& plugin, const Option& o) {
  if (plugin.path != kMagicStat) return;
  static const char* kValues[] = {"", "0", "1", "true", "false", "yes", "no"};
  const std::string value = o.value.value_or("");
  if ((o.key == "readonly" || o.key == "initonly") &&
      std::find(std::begin(kValues), std::end(kValues), value) !=
          std::end(kValues)) {
    return;
  }
  if (o.key == "net" && (value == "on" || value == "off")) return;
  Error(o.location, StrCat(kMagicStat,
                           " takes readonly=0|1, initonly=0|1 and "
                           "net=on|off, not '",
                           o.key, o.value ? "=" + value : "", "'"));
}

}  // namespace syd::resolve_internal
