// What a learning run (syd learn) saw: every call its policy would have
// refused, by what it did and to which file, program or address. syd
// records it as it decides, then allows the call; the profile writer
// (profile_writer.h) turns it into rules.
#ifndef SYD_LEARN_RECORDING_H_
#define SYD_LEARN_RECORDING_H_

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "src/policy/policy.h"
#include "src/syscalls/syscalls.h"

namespace syd::learn {

// The sets a file is learned under, in the order rules list them: the
// parts of %file_wr but its administration (mount, swapon, acct), then the
// reads (file_rd, learned only where a base profile refuses them).
inline constexpr std::string_view kFileSets[] = {"file_open_wr", "file_create",
                                                 "file_remove",  "file_rename",
                                                 "file_attr",    "file_rd"};
// The kinds of change to a file: kFileSets but the reads.
inline constexpr std::span<const std::string_view> kWriteParts(
    kFileSets, std::size(kFileSets) - 1);

// The first set of kFileSets call `e` is in, else its syscall's name.
std::string FileLabel(const SyscallInfo& s, const Call& e);

// A refused call that names no path and no address (a socket of a family
// the base profile refuses): its syscall, and the values of the arguments
// the policy's rules for it test on registers, which the learned rule
// pins.
struct PlainCall {
  std::string syscall;
  std::vector<std::pair<int, uint64_t>> args;  // argument index, value
  friend bool operator<(const PlainCall& a, const PlainCall& b) {
    return std::tie(a.syscall, a.args) < std::tie(b.syscall, b.args);
  }
};

class Recording {
 public:
  // `policy` is the learning run's: its rules say which arguments a
  // kernel rule of a syscall tests (PlainCall::args). With `every_call`
  // (StopEveryCall), each distinct call is kept (calls()), and what that
  // rule refuses was used, not refused.
  Recording(const Policy& policy, bool every_call)
      : policy_(&policy), every_call_(every_call) {}

  // Records call `e`, which decision `d` refuses. Returns whether the call
  // may run: false for a baseline item's refusal, which is counted (every
  // run gets it; a profile reopens it only by naming it) and stays.
  bool Add(const Call& e, const Decision& d);

  // Each path, with what was done to it: a set of kFileSets or, for a
  // call in none of them, the syscall's name (mount).
  const std::map<std::string, std::set<std::string>>& files_by_path() const {
    return files_;
  }
  // Programs executed (execve, execveat), and each one's #! interpreter,
  // which the kernel executes in its place.
  const std::set<std::string>& execs() const { return execs_; }
  // Addresses in pattern syntax (SocketAddress::ToString) by syscall
  // name: bind, connect, listen, sendto, sendmsg, sendmmsg.
  const std::map<std::string, std::set<std::string>>& addresses() const {
    return addresses_;
  }
  // How many addresses, over every syscall.
  size_t AddressCount() const;
  const std::set<PlainCall>& plain_calls() const { return plain_calls_; }
  // Baseline items the command met, with how many calls each refused.
  const std::map<std::string, uint64_t>& baseline() const { return baseline_; }
  // Every syscall recorded, by name, with how many calls.
  const std::map<std::string, uint64_t>& syscalls() const { return syscalls_; }
  // With every call stopped: each distinct call (its syscall, paths,
  // addresses and register values), up to kMaxCalls (about 1 KiB each);
  // whether more were left out.
  static constexpr size_t kMaxCalls = 50000;
  const std::vector<Call>& calls() const { return calls_; }
  bool calls_capped() const { return calls_capped_; }

 private:
  // The arguments of syscall `nr` that the policy's rules test on
  // registers, by index.
  std::vector<int> TestedArgs(int nr) const;

  // Keeps `e` in calls_ unless a call like it is there.
  void Keep(const Call& e, const SyscallInfo& s);

  const Policy* policy_;
  bool every_call_;
  std::vector<Call> calls_;
  std::set<std::string> call_keys_;
  bool calls_capped_ = false;
  std::map<std::string, std::set<std::string>> files_;
  std::set<std::string> execs_;
  std::map<std::string, std::set<std::string>> addresses_;
  std::set<PlainCall> plain_calls_;
  std::map<std::string, uint64_t> baseline_;
  std::map<std::string, uint64_t> syscalls_;
};

}  // namespace syd::learn

#endif  // SYD_LEARN_RECORDING_H_
