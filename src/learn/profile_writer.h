// The profile a learning run writes: a header, then rules for what it
// recorded, written as a person would (generalise.h), sorted so that the
// same run always gives the same text.
#ifndef SYD_LEARN_PROFILE_WRITER_H_
#define SYD_LEARN_PROFILE_WRITER_H_

#include <string>
#include <vector>

#include "src/learn/generalise.h"
#include "src/learn/recording.h"

namespace syd::learn {

struct ProfileHeader {
  std::vector<std::string> command;  // as given after "--"
  std::string program;               // the file executed, after PATH lookup
  std::string sha256;                // its digest; "" when unreadable
  std::string date;                  // YYYY-MM-DD
  std::string version;               // syd's
  // The policy options the run was given (-p NAME, -c FILE, -m RULE), in
  // order; none for a profile that stands alone.
  std::vector<std::string> bases;
  // --syscalls: end in an allow-list of the syscalls the run made and a
  // default that fails the rest with ENOSYS.
  bool syscalls = false;
};

// The profile. Without a base, each kind of call recorded ends in
// kRecordedCalls' refusals; with one, the rules go before the base's and
// allow only what it refused.
std::string WriteProfile(const Recording& recording, const Generalisation& g,
                         const ProfileHeader& header);

// How many rules WriteProfile's text holds (its statements).
size_t CountRules(const std::string& profile);

}  // namespace syd::learn

#endif  // SYD_LEARN_PROFILE_WRITER_H_
