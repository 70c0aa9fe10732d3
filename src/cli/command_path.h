// Where COMMAND is, found as execvp would find it, so that "not found" is
// reported before any filter is in place.
#ifndef SYD_CLI_COMMAND_PATH_H_
#define SYD_CLI_COMMAND_PATH_H_

#include <string>

namespace syd::cli {

// The file `cmd` names (itself when it has a '/', else the first
// executable regular file of that name in $PATH); `error` is 0, or the
// errno execvp would fail with (ENOENT, EACCES).
std::string FindCommand(const std::string& cmd, int* error);

}  // namespace syd::cli

#endif  // SYD_CLI_COMMAND_PATH_H_
