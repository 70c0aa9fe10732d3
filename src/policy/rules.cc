#include "src/policy/rules.h"

#include <linux/fs.h>

#include "absl/strings/str_format.h"
#include "src/base/strcat.h"
#include "src/lang/identifiers.h"
#include "src/lang/printer.h"
#include "src/syscalls/syscalls.h"

namespace syd {
namespace {

std::string ErrnoText(int64_t e) {
  std::optional<std::string_view> n = ErrnoName(static_cast<int>(e));
  return n ? std::string(*n) : StrCat(e);
}

std::string SignalText(int64_t s) {
  std::optional<std::string_view> n =
      s > 0 ? SignalName(static_cast<int>(s)) : std::nullopt;
  return n ? std::string(*n) : StrCat(s);
}

std::string Value(uint64_t v) {
  return v < 4096 ? StrCat(v) : absl::StrFormat("%#x", v);
}

std::string Mask(uint64_t v) { return absl::StrFormat("%#x", v); }

}  // namespace

std::optional<Condition> GuardCondition(const SyscallInfo& s, SetGuard guard) {
  Condition c;
  switch (guard) {
    case SetGuard::kNone:
      return std::nullopt;
    case SetGuard::kWrites:
    case SetGuard::kReadOnly:
      c.arg = s.ArgOfKind(ArgKind::kOpenFlags);
      if (c.arg < 0) return std::nullopt;
      c.op = guard == SetGuard::kWrites ? CmpOp::kMaskAny : CmpOp::kMaskNone;
      c.value = OpenWriteFlags();
      return c;
    case SetGuard::kIoctlSetFlags:
    case SetGuard::kIoctlFsSetXattr:
      c.arg = 1;
      c.value = guard == SetGuard::kIoctlSetFlags ? FS_IOC_SETFLAGS
                                                  : FS_IOC_FSSETXATTR;
      return c;
  }
  return std::nullopt;
}

bool OpenGuardHolds(SetGuard guard, uint64_t flags) {
  const bool writes = (flags & 0xffffffffu & OpenWriteFlags()) != 0;
  return writes == (guard == SetGuard::kWrites);
}

namespace {

std::string ConditionText(const Condition& c) {
  std::string out = c.arg == kArgAuto ? "arg_" : StrCat("arg", c.arg);
  StrAppend(&out, CmpOpText(c.op));
  switch (c.kind) {
    case Condition::Kind::kArith:
      StrAppend(&out, c.op == CmpOp::kMaskAny || c.op == CmpOp::kMaskNone
                          ? Mask(c.value)
                          : Value(c.value));
      break;
    case Condition::Kind::kNet:
      StrAppend(&out, QuoteString(c.net->ToString()));
      break;
    default:
      StrAppend(&out, QuoteString(c.text));
      break;
  }
  return out;
}

// The options of a rule after its tests: verdict, log, process conditions.
std::string OptionsText(const Rule& r) {
  std::string out;
  using K = Verdict::Kind;
  const bool traced = r.action == Action::kTrace || r.action == Action::kUser;
  const Verdict& v = r.verdict;
  if (traced) {
    switch (v.kind) {
      case K::kAllow:
        StrAppend(&out, ":allow");
        break;
      case K::kErrno:
        StrAppend(&out, ":fault=", ErrnoText(v.value));
        break;
      case K::kRetval:
        StrAppend(&out, ":retval=", v.value);
        break;
      case K::kKillProcess:
        StrAppend(&out, ":kill_process=", SignalText(v.value));
        break;
      case K::kKillThread:
        StrAppend(&out, ":kill_thread=", SignalText(v.value));
        break;
      case K::kDetachProcess:
        StrAppend(&out, ":detach_process=", SignalText(v.value));
        break;
      case K::kDetachThread:
        StrAppend(&out, ":detach_thread=", SignalText(v.value));
        break;
      case K::kTrap:
        StrAppend(&out, ":trap=", v.value);
        break;
      case K::kLog:
        break;
      case K::kPlugin:
        break;  // load= below
    }
  } else if (v.kind == K::kErrno) {
    StrAppend(&out, ":error=", ErrnoText(v.value));
  } else if (v.kind == K::kTrap && v.value != 0) {
    StrAppend(&out, ":error=", v.value);
  }
  if (r.log.kind == LogTarget::Kind::kSyslog) StrAppend(&out, ":log=syslog");
  if (r.log.kind == LogTarget::Kind::kFd) StrAppend(&out, ":log=", r.log.fd);
  if (r.log.kind == LogTarget::Kind::kQuiet) StrAppend(&out, ":log=none");
  if (r.command) StrAppend(&out, ":command=", QuoteString(r.command_pattern));
  if (r.cmdline) StrAppend(&out, ":cmdline=", QuoteString(r.cmdline_pattern));
  if (r.plugin) {
    Option load{"load", r.plugin->path, {}, {}};
    StrAppend(&out, ":", PrintOption(load));
    for (const auto& [k, val] : r.plugin->options) {
      StrAppend(&out, ":", PrintOption(Option{k, val, {}, {}}));
    }
  }
  return out;
}

}  // namespace

std::string VerdictText(const Verdict& v) {
  using K = Verdict::Kind;
  const std::string_view name = VerdictKindName(v.kind);
  switch (v.kind) {
    case K::kAllow:
    case K::kLog:
      return std::string(name);
    case K::kErrno:
      return StrCat(name, "=", ErrnoText(v.value));
    case K::kRetval:
    case K::kTrap:
      return StrCat(name, "=", v.value);
    case K::kKillProcess:
    case K::kKillThread:
      return v.value ? StrCat(name, "=", SignalText(v.value))
                     : std::string(name);
    case K::kDetachProcess:
    case K::kDetachThread:
      return StrCat(name, "=", SignalText(v.value));
    case K::kPlugin:
      return std::string(name);
  }
  return "?";
}

std::string DefaultText(const DefaultVerdict& d) {
  const Verdict& v = d.verdict;
  std::string out;
  switch (v.kind) {
    case Verdict::Kind::kErrno:
      out = StrCat("default/fault:error=", ErrnoText(v.value));
      break;
    case Verdict::Kind::kTrap:
      out = v.value ? StrCat("default/trap:error=", v.value)
                    : std::string("default/trap");
      break;
    default:
      out = StrCat("default/", VerdictText(v));
      break;
  }
  if (d.log.kind == LogTarget::Kind::kSyslog) StrAppend(&out, ":log=syslog");
  if (d.log.kind == LogTarget::Kind::kFd) StrAppend(&out, ":log=", d.log.fd);
  if (d.log.kind == LogTarget::Kind::kQuiet) StrAppend(&out, ":log=none");
  return out;
}
std::string RuleSourceText(const Rule& r) {
  if (!r.location.file || r.location.line == 0) return RuleText(r);
  std::string_view line = r.location.file->Line(r.location.line);
  size_t from = std::min(
      line.size(), static_cast<size_t>(std::max(r.location.column - 1, 0)));
  std::string text(line.substr(from));
  // Drop a trailing comment and blanks.
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && quoted) {
      ++i;
    } else if (text[i] == '"') {
      quoted = !quoted;
    } else if (text[i] == '#' && !quoted) {
      text.resize(i);
      break;
    }
  }
  while (!text.empty() &&
         (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

bool Rule::NeedsUserSpace() const {
  if (action == Action::kTrace || action == Action::kUser) return true;
  if (log.Logs() || command || cmdline || plugin) return true;
  for (const Condition& c : conditions) {
    if (c.kind != Condition::Kind::kArith) return true;
  }
  return false;
}

std::string EnvelopeText(const Rule& r) {
  std::string text = RuleText(r);
  // RuleText starts "sys/"; a guarded open adds lines, each a rule.
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    if (line.rfind("sys/", 0) == 0) line.remove_prefix(4);
    StrAppend(&out, out.empty() ? "" : "\n", "runtime/", line);
    start = end + 1;
  }
  return out;
}

std::string RuleText(const Rule& r) {
  std::string tests;
  for (const Condition& c : r.conditions)
    StrAppend(&tests, ":", ConditionText(c));
  std::string options = OptionsText(r);
  const std::string head = StrCat("sys/", ActionName(r.action), "+");
  // Unguarded syscalls share one line; a guarded one gets its guard as a
  // test on a register, or a comment where the open flags are in memory.
  std::string plain, out;
  for (const RuleSyscall& s : r.syscalls) {
    const SyscallInfo* info = FindSyscall(s.nr);
    if (s.guard == SetGuard::kNone) {
      StrAppend(&plain, plain.empty() ? "" : ",", info->name);
      continue;
    }
    const std::optional<Condition> guard = GuardCondition(*info, s.guard);
    StrAppend(&out, head, info->name,
              guard ? StrCat(":", ConditionText(*guard)) : "", tests, options,
              guard ? ""
                    : StrCat("  # and open_how.flags",
                             s.guard == SetGuard::kWrites ? "&" : "!&",
                             Mask(OpenWriteFlags())),
              "\n");
  }
  if (!plain.empty()) out = StrCat(head, plain, tests, options, "\n", out);
  if (!out.empty()) out.pop_back();
  return out;
}

}  // namespace syd
static_assert(std::is_nothrow_move_constructible_v<syd::Rule>);
