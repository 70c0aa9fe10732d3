// The subcommands of `syd`. Each takes the arguments after its name and
// returns the process exit status.
#ifndef SYD_CLI_COMMANDS_H_
#define SYD_CLI_COMMANDS_H_

#include <string>
#include <vector>

namespace syd::cli {

// The release, as --version and learned profiles give it.
inline constexpr char kSydVersion[] = "0.1.0";

// Exit statuses of the tools (not of a sandboxed command).
inline constexpr int kExitOk = 0;
inline constexpr int kExitErrors = 1;
inline constexpr int kExitUsage = 2;

// Exit statuses of `syd ... -- COMMAND` when COMMAND never ran, as
// env(1) and timeout(1) use them; otherwise COMMAND's own status passes
// through (128+N when a signal N killed it).
inline constexpr int kExitCommandUsage = 125;
inline constexpr int kExitCannotRun = 126;
inline constexpr int kExitNotFound = 127;

int Check(const std::vector<std::string>& args);
int Sets(const std::vector<std::string>& args);
int Compile(const std::vector<std::string>& args);
int Profiles(const std::vector<std::string>& args);
int Profile(const std::vector<std::string>& args);
int Explain(const std::vector<std::string>& args);
// syd ctl SOCKET COMMAND...: one command to a running syd --control SOCKET.
int Ctl(const std::vector<std::string>& args);
// syd --version: the release, and what this kernel gives syd.
int Version();
// syd learn [-o FILE] [--report] [POLICY]... -- COMMAND [ARG]...
int Learn(const std::vector<std::string>& args);
// syd POLICY... -- COMMAND [ARG]...
int RunCommand(const std::vector<std::string>& args);

}  // namespace syd::cli

#endif  // SYD_CLI_COMMANDS_H_
