// syd profiles; syd profile NAME
#include <algorithm>
#include <cstdio>
#include <map>

#include "src/cli/commands.h"
#include "src/cli/policy_args.h"
#include "src/cli/usage.h"
#include "src/lang/loader.h"

namespace syd::cli {
namespace {

// A profile's first line is "# NAME: what it is for".
std::string Summary(const std::string& path) {
  std::string text, error;
  if (!ReadFile(path, &text, &error)) return "";
  std::string first = text.substr(0, text.find('\n'));
  size_t colon = first.find(": ");
  return first.rfind("# ", 0) == 0 && colon != std::string::npos
             ? first.substr(colon + 2)
             : "";
}

}  // namespace

int Profiles(const std::vector<std::string>& args) {
  if (!args.empty()) {
    std::fputs(UsageLine("profiles").c_str(), stderr);
    return kExitUsage;
  }
  const std::map<std::string, std::string> found = ProfilesByName();
  if (found.empty()) {
    std::fprintf(stderr,
                 "syd profiles: none found in $SYD_PROFILE_PATH or %s\n",
                 ProfileDirs().back().c_str());
    return kExitErrors;
  }
  size_t width = 0;
  for (const auto& [name, path] : found) width = std::max(width, name.size());
  for (const auto& [name, path] : found) {
    std::printf("%-*s  %s\n", static_cast<int>(width), name.c_str(),
                Summary(path).c_str());
  }
  return kExitOk;
}

int Profile(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::fputs(UsageLine("profile").c_str(), stderr);
    return kExitUsage;
  }
  std::optional<std::string> path = FindProfile(args[0]);
  std::string text, error;
  if (!path || !ReadFile(*path, &text, &error)) {
    std::fprintf(
        stderr,
        "syd profile: no profile named '%s' (syd profiles lists them)\n",
        args[0].c_str());
    return kExitErrors;
  }
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

}  // namespace syd::cli
