// The limits a policy or the command line puts on the command
// (limit/NAME=VALUE): resource limits it starts with, limits of the
// cgroup it runs in, and a wall-clock timeout for the whole sandbox. One table
// names them all; they are fixed when the command starts, and where two
// profiles set one the stricter (smaller) value holds.
#ifndef SYD_POLICY_LIMITS_H_
#define SYD_POLICY_LIMITS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace syd {

enum class LimitUnit : uint8_t {
  kDuration,  // milliseconds; written 500ms, 30s, 5m, 2h (bare: seconds)
  kSeconds,   // written 30s, 5m, 2h (bare: seconds)
  kBytes,     // written 512, 64K, 4M, 2G, 1T (powers of 1024)
  kCount,
  kPercent,  // of one CPU; written 50%, 150% (bare: percent)
};

// What each limit means is in docs/language.md ("Resource limits and the
// timeout") and syd.1 (LIMITS).
struct LimitInfo {
  std::string_view name;
  int resource;  // RLIMIT_*, kNotRlimit for syd's own, or kCgroupLimit
  LimitUnit unit;
};

inline constexpr int kNotRlimit = -1;
// A limit of the cgroup syd makes for the sandbox (src/supervise/cgroup.h).
inline constexpr int kCgroupLimit = -2;
// A limit's value for "unlimited" (rlimits only).
inline constexpr uint64_t kUnlimited = UINT64_MAX;

inline constexpr LimitInfo kLimits[] = {
    {"timeout", kNotRlimit, LimitUnit::kDuration},
    {"grace", kNotRlimit, LimitUnit::kDuration},
    {"as", 9 /* RLIMIT_AS */, LimitUnit::kBytes},
    {"nofile", 7 /* RLIMIT_NOFILE */, LimitUnit::kCount},
    {"nproc", 6 /* RLIMIT_NPROC */, LimitUnit::kCount},
    {"cpu", 0 /* RLIMIT_CPU */, LimitUnit::kSeconds},
    {"fsize", 1 /* RLIMIT_FSIZE */, LimitUnit::kBytes},
    {"core", 4 /* RLIMIT_CORE */, LimitUnit::kBytes},
    {"output", kNotRlimit, LimitUnit::kBytes},
    {"memory", kCgroupLimit, LimitUnit::kBytes},
    {"pids", kCgroupLimit, LimitUnit::kCount},
    {"cpu_quota", kCgroupLimit, LimitUnit::kPercent},
};
inline constexpr size_t kTimeoutLimit = 0;
inline constexpr size_t kGraceLimit = 1;
// What syd writes of each captured stream (isolate/stdout=, stderr=).
inline constexpr size_t kOutputLimit = 8;
inline constexpr size_t kMemoryLimit = 9;
inline constexpr size_t kPidsLimit = 10;
inline constexpr size_t kCpuQuotaLimit = 11;
inline constexpr uint64_t kDefaultGraceMs = 10'000;

// The index of limit `name` in kLimits, with a "did you mean" in the
// error.
absl::StatusOr<size_t> FindLimit(std::string_view name);
// `text` read as limit `index`'s value, in its unit's base (ms, s, bytes).
absl::StatusOr<uint64_t> ParseLimitValue(size_t index, std::string_view text);
// The value as `limit/NAME=VALUE` writes it, in its largest exact unit.
std::string LimitText(size_t index, uint64_t value);

class Limits {
 public:
  // Sets limit `index` to `value` unless it is set lower already.
  void Tighten(size_t index, uint64_t value);
  const std::optional<uint64_t>& Get(size_t index) const {
    return values_[index];
  }

 private:
  std::array<std::optional<uint64_t>, std::size(kLimits)> values_;
};

}  // namespace syd

#endif  // SYD_POLICY_LIMITS_H_
