// The subcommands of `syd`. Each takes the arguments after its name and
// returns the process exit status.
#ifndef SYD_CLI_COMMANDS_H_
#define SYD_CLI_COMMANDS_H_

#include <string>
#include <vector>

namespace syd::cli {

// Exit statuses of the tools (not of a sandboxed command).
inline constexpr int kExitOk = 0;
inline constexpr int kExitErrors = 1;
inline constexpr int kExitUsage = 2;

int Check(const std::vector<std::string>& args);
int Sets(const std::vector<std::string>& args);

}  // namespace syd::cli

#endif  // SYD_CLI_COMMANDS_H_
