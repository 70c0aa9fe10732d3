#include "src/cli/policy_args.h"

#include <dirent.h>
#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "src/lang/suggest.h"
#include "src/policy/isolation.h"
#include "src/policy/resolve.h"

namespace syd::cli {
namespace {

std::string SelfDir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string path(buf, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/'));
}

// The installed profiles' directory, PREFIX/share/syd/profiles beside
// PREFIX/bin/syd, named without the "bin/.." it is found through: reports
// and messages name profiles by this path. /proc/self/exe is canonical.
std::string InstalledProfileDir() {
  const std::string bin = SelfDir();
  return bin.substr(0, bin.rfind('/')) + "/share/syd/profiles";
}

bool Exists(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

// The isolate/ setting an option names ("--bind-ro=/a" is bind_ro), or
// nothing for another argument.
std::optional<std::string> IsolateSetting(const std::string& arg) {
  if (arg == "--unshare-net") return "unshare";
  if (!arg.starts_with("--")) return std::nullopt;
  std::string name = arg.substr(2, arg.find('=') - 2);
  std::replace(name.begin(), name.end(), '-', '_');
  for (const IsolateInfo& i : kIsolateSettings) {
    if (i.name == name) return name;
  }
  return std::nullopt;
}

}  // namespace

PolicyArgs ParsePolicyArgs(const std::vector<std::string>& args,
                           bool bare_files) {
  PolicyArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      out.command.assign(args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    // --limit NAME=VALUE is the statement limit/NAME=VALUE.
    if (a == "--limit" || a.starts_with("--limit=")) {
      if (a == "--limit" && i + 1 >= args.size()) {
        out.error = "--limit needs NAME=VALUE";
        return out;
      }
      const std::string value = a == "--limit" ? args[++i] : a.substr(8);
      out.inputs.push_back({PolicyInput::Kind::kRule, "limit/" + value});
      continue;
    }
    // --SETTING VALUE is the statement isolate/SETTING=VALUE (dashes for
    // underscores: --bind-ro); --clearenv takes no value, and
    // --unshare-net is --unshare net.
    if (std::optional<std::string> setting = IsolateSetting(a)) {
      std::string value;
      if (*setting == "clearenv") {
        value = "yes";
      } else if (a == "--unshare-net") {
        value = "net";
      } else if (const size_t eq = a.find('='); eq != std::string::npos) {
        value = a.substr(eq + 1);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        out.error = a + " needs a value";
        return out;
      }
      out.inputs.push_back(
          {PolicyInput::Kind::kRule, "isolate/" + *setting + "=" + value});
      continue;
    }
    bool flag = a.size() >= 2 && a[0] == '-' &&
                (a[1] == 'c' || a[1] == 'm' || a[1] == 'p' || a[1] == 'D');
    if (flag && a.size() == 2 && i + 1 >= args.size()) {
      out.error = a + " needs an argument";
      return out;
    }
    if (flag) {
      std::string value = a.size() > 2 ? a.substr(2) : args[++i];
      if (a[1] == 'D') {
        size_t eq = value.find('=');
        if (eq == std::string::npos || eq == 0) {
          out.error = "-D takes NAME=VALUE, not '" + value + "'";
          return out;
        }
        out.variables.defines[value.substr(0, eq)] = value.substr(eq + 1);
      } else if (a[1] == 'c') {
        out.inputs.push_back({PolicyInput::Kind::kFile, value});
      } else if (a[1] == 'm') {
        out.inputs.push_back({PolicyInput::Kind::kRule, value});
      } else if (std::optional<std::string> path = FindProfile(value)) {
        out.inputs.push_back({PolicyInput::Kind::kFile, *path});
      } else {
        const std::map<std::string, std::string> known = ProfilesByName();
        std::vector<std::string_view> names;
        for (const auto& [name, path] : known) names.push_back(name);
        out.error = "no profile named '" + value + "'" +
                    DidYouMean(value, names) +
                    " (`syd profiles` lists them; looked in $SYD_PROFILE_PATH "
                    "and " +
                    InstalledProfileDir() + ")";
        return out;
      }
    } else if (bare_files && !a.empty() && a[0] != '-') {
      out.inputs.push_back({PolicyInput::Kind::kFile, a});
    } else {
      out.rest.push_back(a);
    }
  }
  return out;
}

std::vector<std::string> ProfileDirs() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("SYD_PROFILE_PATH")) {
    std::string path = env;
    for (size_t start = 0; start <= path.size();) {
      size_t end = path.find(':', start);
      if (end == std::string::npos) end = path.size();
      if (end > start) dirs.push_back(path.substr(start, end - start));
      start = end + 1;
    }
  }
  dirs.push_back(InstalledProfileDir());
  return dirs;
}

std::map<std::string, std::string> ProfilesByName() {
  std::map<std::string, std::string> found;
  for (const std::string& dir : ProfileDirs()) {
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) continue;
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name.size() > 4 && name.compare(name.size() - 4, 4, ".syd") == 0)
        found.emplace(name.substr(0, name.size() - 4), dir + "/" + name);
    }
    closedir(d);
  }
  return found;
}

std::optional<std::string> FindProfile(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    return Exists(name) ? std::optional(name) : std::nullopt;
  }
  for (const std::string& d : ProfileDirs()) {
    std::string p = d + "/" + name + ".syd";
    if (Exists(p)) return p;
  }
  return std::nullopt;
}

std::optional<RuleSet> LoadRules(const PolicyArgs& args, const char* who) {
  Diagnostics diags;
  RuleSet rules =
      Resolve(LoadInputs(args.inputs, diags), diags, args.variables);
  for (const Diagnostic& d : diags.all()) {
    std::fputs(FormatDiagnostic(d).c_str(), stderr);
  }
  if (diags.has_errors()) {
    std::fprintf(stderr, "%s: %d error%s in the policy\n", who,
                 diags.error_count(), diags.error_count() == 1 ? "" : "s");
    return std::nullopt;
  }
  return rules;
}

std::optional<Compiled> Compile(RuleSet rules, const BaselineFor& run,
                                const char* who,
                                const std::function<void(RuleSet*)>& adjust) {
  absl::StatusOr<RuleSet> with_baseline = WithBaseline(std::move(rules), run);
  if (!with_baseline.ok()) {
    std::fprintf(stderr, "%s: %s\n", who,
                 std::string(with_baseline.status().message()).c_str());
    return std::nullopt;
  }
  if (adjust) adjust(&*with_baseline);
  Policy policy(*std::move(with_baseline));
  absl::StatusOr<BpfProgram> filter = CompileBpf(policy);
  if (!filter.ok()) {
    std::fprintf(stderr, "%s: %s\n", who,
                 std::string(filter.status().message()).c_str());
    return std::nullopt;
  }
  return Compiled{std::move(policy), std::move(*filter)};
}

std::optional<Compiled> LoadAndCompile(const PolicyArgs& args,
                                       const char* who) {
  std::optional<RuleSet> rules = LoadRules(args, who);
  if (!rules) return std::nullopt;
  return Compile(*std::move(rules), BaselineFor{}, who);
}

}  // namespace syd::cli
