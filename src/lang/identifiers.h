// Named constants a rule may use: O_WRONLY, EPERM, SIGKILL, CAP_CHOWN ...
// generated from the system headers by tools/gen_identifiers.
#ifndef SYD_LANG_IDENTIFIERS_H_
#define SYD_LANG_IDENTIFIERS_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/types/span.h"

namespace syd {

// A capability (CAP_CHOWN) is its number, as capget(2) and prctl(2) take
// it.
enum class IdentifierKind : uint8_t { kConstant, kErrno, kSignal, kCapability };

struct Identifier {
  std::string_view name;
  int64_t value;
  IdentifierKind kind;
};

// Sorted by name.
absl::Span<const Identifier> AllIdentifiers();
const Identifier* FindIdentifier(std::string_view name);
// The errno or signal name for a value ("EPERM" for 1), for reports.
std::optional<std::string_view> ErrnoName(int value);
std::optional<std::string_view> SignalName(int value);

}  // namespace syd

#endif  // SYD_LANG_IDENTIFIERS_H_
