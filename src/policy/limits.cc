#include "src/policy/limits.h"

#include <sys/resource.h>

#include <charconv>
#include <vector>

#include "absl/types/span.h"
#include "src/base/strcat.h"
#include "src/lang/suggest.h"

namespace syd {
namespace {

// The table's rlimit numbers are written as numbers so that the header
// needs no system one: checked here.
static_assert(kLimits[2].resource == RLIMIT_AS);
static_assert(kLimits[3].resource == RLIMIT_NOFILE);
static_assert(kLimits[4].resource == RLIMIT_NPROC);
static_assert(kLimits[5].resource == RLIMIT_CPU);
static_assert(kLimits[6].resource == RLIMIT_FSIZE);
static_assert(kLimits[7].resource == RLIMIT_CORE);
static_assert(kLimits[kTimeoutLimit].name == "timeout");
static_assert(kLimits[kGraceLimit].name == "grace");
static_assert(kLimits[kOutputLimit].name == "output");
static_assert(kLimits[kMemoryLimit].name == "memory");
static_assert(kLimits[kPidsLimit].name == "pids");
static_assert(kLimits[kCpuQuotaLimit].name == "cpu_quota");

struct Suffix {
  std::string_view text;
  uint64_t factor;
};
constexpr Suffix kDurationSuffixes[] = {
    {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"", 1000}};
constexpr Suffix kSecondSuffixes[] = {
    {"s", 1}, {"m", 60}, {"h", 3600}, {"", 1}};
constexpr Suffix kByteSuffixes[] = {{"K", 1ULL << 10},
                                    {"M", 1ULL << 20},
                                    {"G", 1ULL << 30},
                                    {"T", 1ULL << 40},
                                    {"", 1}};
constexpr Suffix kCountSuffixes[] = {{"", 1}};
constexpr Suffix kPercentSuffixes[] = {{"%", 1}, {"", 1}};

absl::Span<const Suffix> SuffixesOf(LimitUnit unit) {
  switch (unit) {
    case LimitUnit::kDuration:
      return kDurationSuffixes;
    case LimitUnit::kSeconds:
      return kSecondSuffixes;
    case LimitUnit::kBytes:
      return kByteSuffixes;
    case LimitUnit::kPercent:
      return kPercentSuffixes;
    case LimitUnit::kCount:
      break;
  }
  return kCountSuffixes;
}

std::string_view Expected(LimitUnit unit) {
  switch (unit) {
    case LimitUnit::kDuration:
      return "a duration: a number with ms, s, m or h (seconds if bare)";
    case LimitUnit::kSeconds:
      return "CPU seconds: a number with s, m or h (seconds if bare)";
    case LimitUnit::kBytes:
      return "a size in bytes: a number with K, M, G or T (powers of 1024)";
    case LimitUnit::kPercent:
      return "a share of one CPU: 50%, 150% (percent if bare)";
    case LimitUnit::kCount:
      break;
  }
  return "a number";
}

}  // namespace

absl::StatusOr<size_t> FindLimit(std::string_view name) {
  std::vector<std::string_view> names;
  for (size_t i = 0; i < std::size(kLimits); ++i) {
    if (kLimits[i].name == name) return i;
    names.push_back(kLimits[i].name);
  }
  std::string all;
  for (std::string_view n : names) StrAppend(&all, all.empty() ? "" : ", ", n);
  return absl::InvalidArgumentError(StrCat("unknown limit '", name, "'",
                                           DidYouMean(name, names),
                                           "; the limits: ", all));
}

absl::StatusOr<uint64_t> ParseLimitValue(size_t index, std::string_view text) {
  const LimitInfo& info = kLimits[index];
  if (text == "unlimited") {
    if (info.resource < 0) {
      return absl::InvalidArgumentError(
          StrCat("limit/", info.name, " cannot be unlimited: leave it out"));
    }
    return kUnlimited;
  }
  uint64_t number = 0;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), number);
  const std::string_view suffix(end, text.data() + text.size() - end);
  if (ec == std::errc() && end != text.data()) {
    for (const Suffix& s : SuffixesOf(info.unit)) {
      if (s.text != suffix) continue;
      if (number > kUnlimited / s.factor || number * s.factor == kUnlimited)
        return absl::InvalidArgumentError(
            StrCat("limit/", info.name, ": '", text, "' is too large"));
      if (number == 0 && info.resource < 0) {
        return absl::InvalidArgumentError(
            StrCat("limit/", info.name, " must be more than 0"));
      }
      return number * s.factor;
    }
  }
  return absl::InvalidArgumentError(StrCat("limit/", info.name, ": '", text,
                                           "' is not ", Expected(info.unit)));
}

std::string LimitText(size_t index, uint64_t value) {
  const LimitInfo& info = kLimits[index];
  std::string out = StrCat("limit/", info.name, "=");
  if (value == kUnlimited) return out + "unlimited";
  // The largest unit that writes the value exactly; the bare form last.
  const Suffix* best = nullptr;
  for (const Suffix& s : SuffixesOf(info.unit)) {
    if (s.text.empty() || value % s.factor != 0) continue;
    if (best == nullptr || s.factor > best->factor) best = &s;
  }
  if (best == nullptr || value == 0) return StrCat(out, value);
  return StrCat(out, value / best->factor, best->text);
}

void Limits::Tighten(size_t index, uint64_t value) {
  std::optional<uint64_t>& v = values_[index];
  if (!v || value < *v) v = value;
}

}  // namespace syd
