// A profile syd learn wrote, read back into its learned rules, so that
// another run can be merged into it (syd learn --append).
#ifndef SYD_LEARN_PROFILE_READER_H_
#define SYD_LEARN_PROFILE_READER_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "src/learn/learned_rules.h"

namespace syd::learn {

// The rules of `text`, a profile WriteProfile wrote for a run like this
// one (`alone`: with no base; `syscalls`: with an allow-list of
// syscalls). An error names what does not fit, or the line, as
// `name`:LINE, that is not one syd learn writes.
absl::StatusOr<LearnedRules> ReadProfile(const std::string& text,
                                         const std::string& name, bool alone,
                                         bool syscalls);

// The program a learned profile was made for, as its header names it.
struct LearnedProgram {
  std::string path;    // as written (its bytes escaped)
  std::string sha256;  // lower-case hex
};

// The program line of the header of `text` (before its first rule), if
// syd learn wrote one with a digest.
std::optional<LearnedProgram> ReadLearnedProgram(const std::string& text);

}  // namespace syd::learn

#endif  // SYD_LEARN_PROFILE_READER_H_
