// syd: a syscall sandbox. This file only dispatches to the subcommands.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "src/cli/commands.h"
#include "src/cli/usage.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(syd::cli::Help().c_str(), stderr);
    return syd::cli::kExitUsage;
  }
  std::string cmd = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (cmd == "check") return syd::cli::Check(args);
  if (cmd == "sets") return syd::cli::Sets(args);
  if (cmd == "compile") return syd::cli::Compile(args);
  if (cmd == "profiles") return syd::cli::Profiles(args);
  if (cmd == "profile") return syd::cli::Profile(args);
  if (cmd == "explain") return syd::cli::Explain(args);
  if (cmd == "ctl") return syd::cli::Ctl(args);
  if (cmd == "learn") return syd::cli::Learn(args);
  if (cmd == "--help" || cmd == "-h") {
    std::fputs(syd::cli::Help().c_str(), stdout);
    return syd::cli::kExitOk;
  }
  if (cmd == "--version") {
    return syd::cli::Version();
  }
  if (cmd[0] == '-')
    return syd::cli::RunCommand(
        std::vector<std::string>(argv + 1, argv + argc));
  std::fprintf(stderr, "syd: unknown command '%s'\n%s", cmd.c_str(),
               syd::cli::Help().c_str());
  return syd::cli::kExitUsage;
}
