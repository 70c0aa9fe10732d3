// Reports of refused and logged calls: text or JSON lines, to stderr, a
// descriptor or syslog, as the rule says.
#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "src/base/escape.h"
#include "src/base/strcat.h"
#include "src/lang/identifiers.h"
#include "src/policy/admitting_rule.h"
#include "src/supervise/supervisor.h"
#include "src/tracee/decode.h"
#include "src/tracee/paths.h"
#include "src/tracee/process.h"

namespace syd::supervise {

void Supervisor::Report(pid_t pid, const Call& e, const Decision& d) {
  const std::string comm =
      e.comm.empty() ? tracee::LiveProcess(pid).Comm() : e.comm;
  const std::string cwd = tracee::BaseDirectory(pid, AT_FDCWD).value_or("");
  std::string rule =
      d.rule ? RuleSourceText(*d.rule) : DefaultText(policy_.default_verdict());
  const Location& default_at = policy_.default_verdict().location;
  // A rule added at run time has no file: its source is the command.
  std::string where = d.rule            ? d.rule->location.ToString(false)
                      : default_at.file ? default_at.ToString(false)
                                        : "";
  // The sandbox names its files and processes, and a rule added at run
  // time is its text: none may forge a line or reach a terminal raw.
  rule = EscapeBytes(rule, /*exact=*/false);
  // For a refusal, the rule that would admit the call, to give before the
  // refusing rule's file (a -m comes before the -p or -c after it).
  std::optional<std::string> admit;
  if (Restrictiveness(d.verdict) >=
      Restrictiveness(Verdict{Verdict::Kind::kRetval, 0})) {
    admit = AdmittingRule(e);
  }
  std::string line;
  if (options_.json) {
    // Exact: the bytes can be read back from the escapes.
    nlohmann::json j = {
        {"pid", pid},
        {"comm", EscapeBytes(comm, /*exact=*/true)},
        {"cwd", EscapeBytes(cwd, /*exact=*/true)},
        {"syscall", FindSyscall(e.nr) ? std::string(FindSyscall(e.nr)->name)
                                      : StrCat("syscall_", e.nr)},
        {"call", tracee::DescribeCall(e)},
        {"decision", VerdictText(d.verdict)},
        {"rule", rule},
        {"location", where}};
    if (admit) j["admit"] = EscapeBytes(*admit, /*exact=*/false);
    line =
        j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else {
    line =
        StrCat("syd: ", VerdictText(d.verdict), " pid ", pid, " (",
               EscapeBytes(comm, /*exact=*/false), ") cwd ",
               EscapeBytes(cwd, /*exact=*/false), ": ", tracee::DescribeCall(e),
               " by ", where.empty() ? "the default" : where, ": ", rule, "\n");
    if (admit) {
      // Single-quoted for a shell; the sandbox's bytes escaped.
      std::string quoted;
      for (char c : *admit) {
        if (c == '\'') {
          quoted += "'\\''";
        } else {
          quoted += c;
        }
      }
      const std::string file =
          d.rule && d.rule->location.file ? d.rule->location.file->name() : "";
      StrAppend(&line, "syd:   to admit it: -m '",
                EscapeBytes(quoted, /*exact=*/false), "'",
                file.empty() ? "" : StrCat(" before ", file), "\n");
    }
  }
  Log(d.rule ? d.rule->log : policy_.default_verdict().log, line);
}

void Supervisor::Log(const LogTarget& target, const std::string& line) {
  if (target.kind == LogTarget::Kind::kSyslog) {
    syslog(LOG_WARNING, "%s", line.c_str());
    return;
  }
  if (target.kind == LogTarget::Kind::kNone && options_.messages) {
    options_.messages(line);
    return;
  }
  int fd = target.kind == LogTarget::Kind::kFd ? target.fd : STDERR_FILENO;
  if (write(fd, line.data(), line.size()) < 0) {
    // Nowhere better to say it.
  }
}

void Supervisor::Trace(pid_t pid, const Call& e, const Policy& policy,
                       uint32_t start, const Decision& d, const Outcome& out) {
  std::string line = StrCat("syd: debug: pid ", pid, ": ",
                            tracee::DescribeCall(e), ": from #", start);
  const std::vector<ChainEntry>& chain = policy.chain(e.nr);
  const uint32_t end =
      d.rule ? d.chain_pos : static_cast<uint32_t>(chain.size());
  if (start < end && end <= chain.size()) {
    StrAppend(&line, ", no match at");
    for (uint32_t i = start; i < end; ++i) {
      StrAppend(&line, " ",
                policy.rules()[chain[i].rule].location.ToString(false));
    }
  }
  StrAppend(&line, "; ",
            d.rule ? StrCat(d.rule->location.ToString(false), ": ",
                            RuleSourceText(*d.rule))
                   : DefaultText(policy.default_verdict()),
            " -> ", VerdictText(d.verdict), " -> ");
  if (out.run) {
    StrAppend(&line, "runs");
  } else if (out.ret < 0) {
    const std::optional<std::string_view> name =
        ErrnoName(static_cast<int>(-out.ret));
    StrAppend(&line, "returns -", name ? std::string(*name) : StrCat(-out.ret));
  } else {
    StrAppend(&line, "returns ", out.ret);
  }
  if (out.signal != 0) StrAppend(&line, ", signal ", out.signal);
  Log(LogTarget{}, line + "\n");
}

}  // namespace syd::supervise
