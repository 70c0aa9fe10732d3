// syd learn [-o FILE | --append FILE] [--syscalls] [--report] [POLICY]...
//     -- COMMAND [ARG]...
//
// Runs COMMAND with every call it makes allowed, and recorded where a
// policy would have refused it: with no POLICY, each file written, each
// program run and each address bound, connected or sent to; with one (the
// base), what the base refuses. Then writes the profile that allows what
// was recorded (src/learn/profile_writer.h). The baseline stays: what the
// command met of it is counted, and refused as in any run.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "src/base/whole_file.h"
#include "src/cli/command_path.h"
#include "src/cli/commands.h"
#include "src/cli/policy_args.h"
#include "src/cli/program_check.h"
#include "src/cli/run_setup.h"
#include "src/cli/usage.h"
#include "src/learn/generalise.h"
#include "src/learn/learn_policy.h"
#include "src/learn/learned_rules.h"
#include "src/learn/profile_reader.h"
#include "src/learn/profile_writer.h"
#include "src/learn/recording.h"
#include "src/learn/usage_report.h"
#include "src/policy/baseline.h"
#include "src/supervise/supervisor.h"

namespace syd::cli {
namespace {

// The day the profile is dated: $SOURCE_DATE_EPOCH's when set, so that a
// reproducible build learns the same file.
std::string LearnDate() {
  time_t when = time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(epoch, &end, 10);
    if (errno == 0 && end != epoch && *end == '\0' && v >= 0)
      when = static_cast<time_t>(v);
  }
  struct tm tm;
  gmtime_r(&when, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// The policy options as given (-p NAME, -c FILE, -m RULE), for the
// profile's header.
std::vector<std::string> PolicyWords(const std::vector<std::string>& args) {
  std::vector<std::string> words;
  for (size_t i = 0; i < args.size() && args[i] != "--"; ++i) {
    const std::string& a = args[i];
    if (a == "-p" || a == "-c" || a == "-m") {
      words.push_back(a);
      if (i + 1 < args.size()) words.push_back(args[++i]);
    } else if (a.size() > 2 && (a.starts_with("-p") || a.starts_with("-c") ||
                                a.starts_with("-m"))) {
      words.push_back(a.substr(0, 2));
      words.push_back(a.substr(2));
    }
  }
  return words;
}

// The built-in profiles --report offers, stdio first (every program
// needs it).
constexpr const char* kReportProfiles[] = {
    "stdio", "rpath", "wpath", "cpath", "inet", "unix", "dns", "proc", "exec"};

// The profiles --report offers, loaded; nothing when one cannot be (said
// on stderr). Loaded before the command runs: a long run must not end
// with no report.
std::optional<std::vector<Policy>> ReportProfiles() {
  std::vector<Policy> policies;
  policies.reserve(std::size(kReportProfiles));
  for (const char* name : kReportProfiles) {
    const std::optional<std::string> path = FindProfile(name);
    if (!path) {
      std::fprintf(stderr,
                   "syd learn: --report needs the profile '%s' "
                   "($SYD_PROFILE_PATH, or the installed ones)\n",
                   name);
      return std::nullopt;
    }
    PolicyArgs args;
    args.inputs.push_back({PolicyInput::Kind::kFile, *path});
    std::optional<RuleSet> rules = LoadRules(args, "syd learn");
    if (!rules) return std::nullopt;
    policies.emplace_back(*std::move(rules));
  }
  return policies;
}

}  // namespace

int Learn(const std::vector<std::string>& args) {
  PolicyArgs pa = ParsePolicyArgs(args, /*bare_files=*/false);
  supervise::Options options;
  std::string output;
  std::string append;
  bool report = false;
  bool syscalls = false;
  for (size_t i = 0; i < pa.rest.size(); ++i) {
    const std::string& a = pa.rest[i];
    if (a == "-o" && i + 1 < pa.rest.size()) {
      output = pa.rest[++i];
    } else if (a.starts_with("--output=")) {
      output = a.substr(9);
    } else if (a == "--append" && i + 1 < pa.rest.size()) {
      append = pa.rest[++i];
    } else if (a == "--report") {
      report = true;
    } else if (a == "--syscalls") {
      syscalls = true;
    } else if (TakeBackendFlag(a, &options, &pa.error)) {
      continue;
    } else if (pa.error.empty()) {
      pa.error = a == "-o" || a == "--append" ? a + " needs a file"
                                              : "unknown option '" + a + "'";
    }
  }
  if (!pa.error.empty() || pa.command.empty()) {
    std::fprintf(stderr, "syd learn: %s\n%s",
                 pa.error.empty() ? "no command given" : pa.error.c_str(),
                 UsageLine("learn").c_str());
    return kExitCommandUsage;
  }
  const std::vector<std::string> bases = PolicyWords(args);
  if ((report || syscalls) && !bases.empty()) {
    std::fprintf(stderr,
                 "syd learn: %s learns every call the command makes, for a "
                 "profile that stands alone: give it no policy\n%s",
                 report ? "--report" : "--syscalls",
                 UsageLine("learn").c_str());
    return kExitCommandUsage;
  }
  // Every call stops, so that every syscall is seen.
  const bool every_call = report || syscalls;
  std::optional<std::vector<Policy>> report_profiles;
  if (report && !(report_profiles = ReportProfiles())) return kExitCommandUsage;
  // The profile to merge into is read first: a build is long, and one that
  // cannot be merged should not run.
  learn::LearnedRules earlier;
  if (!append.empty()) {
    if (!output.empty()) {
      std::fprintf(stderr,
                   "syd learn: --append writes the file it reads: no -o\n%s",
                   UsageLine("learn").c_str());
      return kExitCommandUsage;
    }
    output = append;
    std::string text;
    if (!ReadWholeFile(append, &text)) {
      std::fprintf(stderr, "syd learn: cannot read %s: %s\n", append.c_str(),
                   strerror(errno));
      return kExitCommandUsage;
    }
    absl::StatusOr<learn::LearnedRules> read =
        learn::ReadProfile(text, append, bases.empty(), syscalls);
    if (!read.ok()) {
      std::fprintf(stderr, "syd learn: %s\n",
                   std::string(read.status().message()).c_str());
      return kExitCommandUsage;
    }
    earlier = *std::move(read);
  }
  // Opened before the command runs: a run is not lost to a profile that
  // cannot be written, and the command cannot move where it goes.
  std::optional<HeldName> destination;
  if (!output.empty() && output != "-") {
    absl::StatusOr<HeldName> opened = HeldName::Open(output);
    if (!opened.ok()) {
      std::fprintf(stderr, "syd learn: cannot write %s: %s; nothing was run\n",
                   output.c_str(),
                   std::string(opened.status().message()).c_str());
      return kExitCommandUsage;
    }
    destination = *std::move(opened);
  }
  // With no policy (a --limit is none), what is recorded.
  if (bases.empty()) {
    for (std::string_view rule : learn::RecordedCallRules())
      pa.inputs.push_back({PolicyInput::Kind::kRule, std::string(rule)});
  }
  std::optional<RuleSet> rules = LoadRules(pa, "syd learn");
  if (!rules) return kExitCommandUsage;
  options.limits = rules->limits;
  const Policy without_baseline(*rules, SIZE_MAX);
  const std::optional<BaselineFor> baseline =
      PlanSupervisedRun(without_baseline, &options, "syd learn");
  if (!baseline) return kExitCommandUsage;
  std::optional<Compiled> compiled = Compile(
      *std::move(rules), *baseline, "syd learn", [every_call](RuleSet* rules) {
        learn::RefuseInSyd(rules);
        if (every_call) learn::StopEveryCall(rules);
      });
  if (!compiled) return kExitCommandUsage;
  int error = 0;
  const std::string path = FindCommand(pa.command[0], &error);
  if (error != 0) {
    std::fprintf(stderr, "syd learn: %s: %s\n", pa.command[0].c_str(),
                 strerror(error));
    return error == ENOENT ? kExitNotFound : kExitCannotRun;
  }
  // Hashed before it runs, and run by the descriptor hashed: the header
  // names the file that ran.
  std::string sha256;
  options.exec_fd = OpenForExec(path, &sha256);
  learn::Recording recording(compiled->policy, every_call);
  options.learn = [&recording](const Call& call, const Decision& d) {
    return recording.Add(call, d);
  };
  options.vars = pa.variables;
  absl::StatusOr<int> status =
      supervise::Supervisor(compiled->policy, compiled->filter,
                            std::move(options))
          .Run(path, pa.command);
  if (!status.ok()) {
    std::fprintf(stderr, "syd learn: %s; nothing was run\n",
                 std::string(status.status().message()).c_str());
    return kExitCommandUsage;
  }
  if (report) {
    std::vector<learn::NamedPolicy> named;
    for (size_t i = 0; i < report_profiles->size(); ++i)
      named.push_back({kReportProfiles[i], &(*report_profiles)[i]});
    std::fputs(learn::UsageReport(recording, named).c_str(), stdout);
    // The profile only where asked for: standard output is the report's.
    if (output.empty()) return *status;
  }
  const learn::ProfileHeader header{pa.command,  path,        sha256,
                                    LearnDate(), kSydVersion, bases};
  learn::LearnedRules learned = learn::Generalise(
      recording, learn::GeneralisationFrom(pa.variables.defines), syscalls);
  learn::Merge(earlier, &learned);
  const std::string profile = learn::WriteProfile(learned, header);
  if (output.empty() || output == "-") {
    std::fputs(profile.c_str(), stdout);
  } else if (!ReplaceWholeFile(*destination, profile, 0644)) {
    std::fprintf(stderr, "syd learn: cannot write %s: %s\n", output.c_str(),
                 strerror(errno));
    return kExitCommandUsage;
  }
  std::fprintf(stderr,
               "syd learn: %zu rules%s%s; %zu files, %zu programs, %zu "
               "addresses recorded; the command exited %d\n",
               learn::CountRules(profile),
               output.empty() || output == "-" ? "" : " written to ",
               output == "-" ? "" : output.c_str(),
               recording.files_by_path().size(), recording.execs().size(),
               recording.AddressCount(), *status);
  for (const auto& [item, calls] : recording.baseline()) {
    // An item that answers ENOSYS is one programs fall back from (glibc's
    // clone3, libmount's descriptor API): not a failure of the run.
    const BaselineItem* b = FindBaselineItem(item);
    const bool absent =
        b != nullptr && b->rules.find("error=ENOSYS") != std::string_view::npos;
    std::fprintf(stderr,
                 "syd learn: the baseline refused %s %llu time%s%s "
                 "(baseline/allow+%s reopens it)\n",
                 item.c_str(), static_cast<unsigned long long>(calls),
                 calls == 1 ? "" : "s",
                 absent ? ", with ENOSYS as a kernel without it does: "
                          "programs fall back"
                        : "",
                 item.c_str());
  }
  return *status;
}

}  // namespace syd::cli
