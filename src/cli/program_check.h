// The program a learned profile was made for. syd learn writes its
// SHA-256 in the profile's header (src/learn/profile_writer.h); a run
// with that profile and that program compares it with the file's. Both
// hash the descriptor they then execute, so that the file hashed is the
// file that runs.
#ifndef SYD_CLI_PROGRAM_CHECK_H_
#define SYD_CLI_PROGRAM_CHECK_H_

#include <optional>
#include <string>
#include <vector>

#include "src/lang/loader.h"

namespace syd::cli {

// Opens `path` to execute it by descriptor and sets `sha256` to the
// digest of what it opened ("" when unreadable). Returns the descriptor
// (close-on-exec), or -1 for a #! script, which is hashed but executed
// by name (by descriptor the interpreter would read it as /dev/fd/N, and
// its $0 would change), and for a file that cannot be opened.
int OpenForExec(const std::string& path, std::string* sha256);

// For command `path`: when a file among `inputs` is a profile syd learn
// made for that program, the descriptor to execute it by, its digest
// compared; -1 when none is. A digest that differs is said on stderr
// (after `who`), and with `strict` is an error: nothing is returned, and
// the caller runs nothing.
std::optional<int> CheckLearnedProgram(const std::string& path,
                                       const std::vector<PolicyInput>& inputs,
                                       bool strict, const char* who);

}  // namespace syd::cli

#endif  // SYD_CLI_PROGRAM_CHECK_H_
