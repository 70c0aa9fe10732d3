// sydbox-1's magic commands (/dev/sydbox/core/..., whitelist/..., filter/...,
// exec/...), as Paludis's `esandbox` issues them, on syd's first-match
// rules (docs/language.md, "sydbox-1's API"). sydbox kept a list per
// category, last match wins, and switched each category's sandbox on and
// off; here that state becomes one block of rules added at run time,
// written again in a fixed order at each change: kill_if_match, then each
// category's whitelist while its sandbox is on, or an allow-all while it
// is off. filter/ patterns refuse nothing; they keep a refusal out of the
// reports.
#ifndef SYD_RUNTIME_SYDBOX_API_H_
#define SYD_RUNTIME_SYDBOX_API_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "src/lang/glob.h"
#include "src/lang/net_pattern.h"
#include "src/policy/policy.h"

namespace syd {

// Whether `command` (what follows "/dev/sydbox/", a trailing '?' included)
// is sydbox-1's rather than syd's own.
bool IsSydboxCommand(std::string_view command);

class SydboxApi {
 public:
  // What a command comes to.
  struct Effect {
    enum class Kind { kQuery, kLock, kChange, kNone };
    Kind kind = Kind::kNone;
    bool holds = false;  // kQuery: the answer
    std::string lock;    // kLock: syd's own command (lock:on ...)
  };

  // `network_on`: whether the network sandbox is on at the start. Paludis
  // switches it on around each phase but unpack and fetch_extra, so its
  // invocation starts with it off (load=magic_stat:net=off).
  explicit SydboxApi(bool network_on = true) : network_on_(network_on) {}

  // Runs `command` on this state. A malformed or refused command (the
  // message says why) changes nothing. kChange: Block() has the new rules,
  // which the caller must accept or undo by keeping a copy.
  absl::StatusOr<Effect> Run(std::string_view command);

  // The block of rules, in order, as rule statements.
  std::vector<std::string> Block() const;

  // Whether a refusal of `e` is kept out of the reports (filter/).
  bool Silences(const Call& e) const;

 private:
  absl::Status Edit(std::string_view list, char op, std::string_view value);

  bool write_on_ = true;
  bool exec_on_ = false;
  bool network_on_;
  std::vector<std::string> write_allow_, exec_allow_;    // globs
  std::vector<std::string> bind_allow_, connect_allow_;  // address patterns
  std::vector<std::string> kill_;                        // globs
  std::vector<std::shared_ptr<const Glob>> write_filter_, exec_filter_;
  std::vector<NetPattern> network_filter_;
};

}  // namespace syd

#endif  // SYD_RUNTIME_SYDBOX_API_H_
