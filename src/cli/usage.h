// The command line, written once: `syd --help`, each subcommand's usage
// line, and the checks that the man page (docs/syd.1.md) says the same.
#ifndef SYD_CLI_USAGE_H_
#define SYD_CLI_USAGE_H_

#include <string>
#include <string_view>

namespace syd::cli {

struct CommandUsage {
  std::string_view command;  // "" for running a command in the sandbox
  std::string_view args;
  std::string_view what;
};

// The options of `syd [OPTION]... -- COMMAND`, as the synopsis lists them.
inline constexpr std::string_view kRunOptions[] = {
    "-c FILE",
    "-m RULE",
    "-p PROFILE",
    "-D NAME=VALUE",
    "--limit NAME=VALUE",
    "--log-format=text|json",
    "--stats",
    "--debug",
    "--allow-stopped-calls",
    "--strict",
    "--unshare-net",
    "--SETTING VALUE",
    "--backend=auto|ptrace|user-notif",
    "--control SOCKET",
    "--dump FILE",
};

inline constexpr CommandUsage kCommands[] = {
    {"", "-- COMMAND [ARG]...", "run COMMAND in the sandbox"},
    {"ctl", "SOCKET COMMAND...", "talk to a running syd --control SOCKET"},
    {"learn",
     "[-o FILE | --append FILE] [--syscalls] [--report] [POLICY]... -- "
     "COMMAND [ARG]...",
     "run COMMAND allowing everything, and write the profile it needed"},
    {"check", "[--print] POLICY...", "parse, resolve and lint rule files"},
    {"compile", "POLICY... [--pfc | --disasm | --bpf OUT] [--stats]",
     "write the seccomp filter"},
    {"explain", "POLICY... 'CALL'", "which rule decides a call, and where"},
    {"profiles", "", "list the profiles"},
    {"profile", "NAME", "print one profile"},
    {"sets", "[NAME]...", "list the syscall sets, or their members"},
};

// "syd [-c FILE] ... -- COMMAND [ARG]..." or "syd check [--print] POLICY...".
std::string Synopsis(std::string_view command);
// "usage: " and the synopsis, and a newline.
std::string UsageLine(std::string_view command);
// What `syd --help` prints.
std::string Help();

}  // namespace syd::cli

#endif  // SYD_CLI_USAGE_H_
