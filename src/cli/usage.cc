#include "src/cli/usage.h"

#include <algorithm>

#include "src/base/strcat.h"
#include "src/policy/isolation.h"

namespace syd::cli {

std::string Synopsis(std::string_view command) {
  for (const CommandUsage& c : kCommands) {
    if (c.command != command) continue;
    std::string out = "syd";
    if (command.empty()) {
      for (std::string_view o : kRunOptions) StrAppend(&out, " [", o, "]");
    } else {
      StrAppend(&out, " ", command);
    }
    if (!c.args.empty()) StrAppend(&out, " ", c.args);
    return out;
  }
  return StrCat("syd ", command);
}

std::string UsageLine(std::string_view command) {
  return StrCat("usage: ", Synopsis(command), "\n");
}

std::string Help() {
  std::string out = "usage:\n";
  for (const CommandUsage& c : kCommands)
    StrAppend(&out, "  ", Synopsis(c.command), "\n      ", c.what, "\n");
  std::string settings;
  for (const IsolateInfo& i : kIsolateSettings) {
    std::string name(i.name);
    std::replace(name.begin(), name.end(), '_', '-');
    StrAppend(&settings, settings.empty() ? "" : ", ", name);
  }
  StrAppend(&out,
            "  syd --help | --version\n"
            "SETTING is one of isolate/'s: ",
            settings,
            " (--clearenv takes no VALUE).\n"
            "POLICY is FILE, -c FILE, -m RULE or -p PROFILE, in order. See "
            "man syd, man syd.syd.\n");
  return out;
}

}  // namespace syd::cli
