// syd learn [-o FILE] [--report] [POLICY]... -- COMMAND [ARG]...
//
// Runs COMMAND with every call it makes allowed, and recorded where a
// policy would have refused it: with no POLICY, each file written, each
// program run and each address bound, connected or sent to; with one (the
// base), what the base refuses. Then writes the profile that allows what
// was recorded (src/learn/profile_writer.h). The baseline stays: what the
// command met of it is counted, and refused as in any run.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "src/base/sha256.h"
#include "src/cli/command_path.h"
#include "src/cli/commands.h"
#include "src/cli/policy_args.h"
#include "src/cli/run_setup.h"
#include "src/cli/usage.h"
#include "src/learn/generalise.h"
#include "src/learn/learn_policy.h"
#include "src/learn/profile_writer.h"
#include "src/learn/recording.h"
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

// `text` to `path`, whole or not at all: a temporary file beside it,
// renamed over it.
bool WriteWhole(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  const int fd =
      open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const bool ok = done == text.size() && fsync(fd) == 0;
  const int saved = errno;
  close(fd);
  if (ok && rename(tmp.c_str(), path.c_str()) == 0) return true;
  unlink(tmp.c_str());
  errno = ok ? errno : saved;
  return false;
}

}  // namespace

int Learn(const std::vector<std::string>& args) {
  PolicyArgs pa = ParsePolicyArgs(args, /*bare_files=*/false);
  supervise::Options options;
  std::string output;
  for (size_t i = 0; i < pa.rest.size(); ++i) {
    const std::string& a = pa.rest[i];
    if (a == "-o" && i + 1 < pa.rest.size()) {
      output = pa.rest[++i];
    } else if (a.starts_with("--output=")) {
      output = a.substr(9);
    } else if (TakeBackendFlag(a, &options, &pa.error)) {
      continue;
    } else if (pa.error.empty()) {
      pa.error = a == "-o" ? "-o needs a file" : "unknown option '" + a + "'";
    }
  }
  if (!pa.error.empty() || pa.command.empty()) {
    std::fprintf(stderr, "syd learn: %s\n%s",
                 pa.error.empty() ? "no command given" : pa.error.c_str(),
                 UsageLine("learn").c_str());
    return kExitCommandUsage;
  }
  const std::vector<std::string> bases = PolicyWords(args);
  if (pa.inputs.empty()) {
    for (std::string_view rest = learn::kRecordedCalls; !rest.empty();) {
      const size_t nl = rest.find('\n');
      pa.inputs.push_back(
          {PolicyInput::Kind::kRule, std::string(rest.substr(0, nl))});
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    }
  }
  std::optional<RuleSet> rules = LoadRules(pa, "syd learn");
  if (!rules) return kExitCommandUsage;
  options.limits = rules->limits;
  const Policy without_baseline(*rules, SIZE_MAX);
  const std::optional<BaselineFor> baseline =
      PlanSupervisedRun(without_baseline, &options, "syd learn");
  if (!baseline) return kExitCommandUsage;
  std::optional<Compiled> compiled =
      Compile(*std::move(rules), *baseline, "syd learn", learn::RefuseInSyd);
  if (!compiled) return kExitCommandUsage;
  int error = 0;
  const std::string path = FindCommand(pa.command[0], &error);
  if (error != 0) {
    std::fprintf(stderr, "syd learn: %s: %s\n", pa.command[0].c_str(),
                 strerror(error));
    return error == ENOENT ? kExitNotFound : kExitCannotRun;
  }
  // Hashed before it runs: the program cannot change what was learned
  // for it.
  std::string sha256;
  if (const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
    sha256 = Sha256OfFd(fd).value_or("");
    close(fd);
  }
  learn::Recording recording(compiled->policy);
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
  const learn::ProfileHeader header{pa.command,  path,        sha256,
                                    LearnDate(), kSydVersion, bases};
  const std::string profile = learn::WriteProfile(
      recording, learn::GeneralisationFrom(pa.variables.defines), header);
  if (output.empty() || output == "-") {
    std::fputs(profile.c_str(), stdout);
  } else if (!WriteWhole(output, profile)) {
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
    std::fprintf(stderr,
                 "syd learn: the baseline refused %s %llu time%s "
                 "(baseline/allow+%s reopens it)\n",
                 item.c_str(), static_cast<unsigned long long>(calls),
                 calls == 1 ? "" : "s", item.c_str());
  }
  return *status;
}

}  // namespace syd::cli
