// The profile a learning run writes: a header, then its learned rules,
// sorted so that the same run always gives the same text.
#ifndef SYD_LEARN_PROFILE_WRITER_H_
#define SYD_LEARN_PROFILE_WRITER_H_

#include <string>
#include <string_view>
#include <vector>

#include "src/learn/learned_rules.h"

namespace syd::learn {

// The comment lines that open the profile's sections: the reader
// (profile_reader.h) knows a rule's kind by its section.
inline constexpr std::string_view kFilesSection = "# Files";
inline constexpr std::string_view kProgramsSection = "# Programs";
inline constexpr std::string_view kNetworkSection = "# Network";
inline constexpr std::string_view kOtherCallsSection = "# Other calls";
inline constexpr std::string_view kSyscallsSection =
    "# The syscalls the run made";
inline constexpr std::string_view kSyscallsDefault =
    "default/fault:error=ENOSYS";
// The header's line that names the program and its digest:
// "# Program: PATH sha256:HEX" (syd checks it: profile_reader.h).
inline constexpr std::string_view kProgramLine = "# Program: ";
inline constexpr std::string_view kDigestMark = " sha256:";

struct ProfileHeader {
  std::vector<std::string> command;  // as given after "--"
  std::string program;               // the file executed, after PATH lookup
  std::string sha256;                // its digest; "" when unreadable
  std::string date;                  // YYYY-MM-DD
  std::string version;               // syd's
  // The policy options the run was given (-p NAME, -c FILE, -m RULE), in
  // order; none for a profile that stands alone.
  std::vector<std::string> bases;
};

// The profile. Without a base, each kind of call recorded ends in
// kRecordedCalls' refusals; with one, the rules go before the base's and
// allow only what it refused. With rules.syscalls, it ends in their
// allow-list and default/fault:error=ENOSYS.
std::string WriteProfile(const LearnedRules& rules,
                         const ProfileHeader& header);

// How many rules a profile's text holds (its statements).
size_t CountRules(const std::string& profile);

}  // namespace syd::learn

#endif  // SYD_LEARN_PROFILE_WRITER_H_
