// syd: a syscall sandbox. This file only dispatches to the subcommands.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "src/cli/commands.h"

namespace {

constexpr char kUsage[] =
    "usage: syd [-c FILE] [-m RULE] [-p PROFILE]... -- COMMAND [ARG]...\n"
    "                                      run COMMAND in the sandbox\n"
    "       syd check [--print] POLICY...  parse, resolve and lint rule files\n"
    "       syd compile POLICY... [--pfc | --disasm | --bpf OUT] [--stats]\n"
    "                                      write the seccomp filter\n"
    "       syd explain POLICY... 'CALL'   which rule decides a call, and "
    "where\n"
    "       syd profiles | syd profile NAME   list the profiles, or print one\n"
    "       syd sets [NAME]...             list syscall sets or their members\n"
    "       syd ctl SOCKET COMMAND...      talk to a running syd --control "
    "SOCKET\n"
    "       syd --help | --version\n"
    "POLICY is FILE, -c FILE, -m RULE or -p PROFILE. See man syd, "
    "docs/language.md.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
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
  if (cmd == "--help" || cmd == "-h") {
    std::fputs(kUsage, stdout);
    return syd::cli::kExitOk;
  }
  if (cmd == "--version") {
    std::puts("syd 0.1.0");
    return syd::cli::kExitOk;
  }
  if (cmd[0] == '-')
    return syd::cli::RunCommand(
        std::vector<std::string>(argv + 1, argv + argc));
  std::fprintf(stderr, "syd: unknown command '%s'\n%s", cmd.c_str(), kUsage);
  return syd::cli::kExitUsage;
}
