// absl::StrCat that also takes std::string_view. Debian's Abseil is built
// with its own absl::string_view, which AlphaNum accepts and std's does not.
#ifndef SYD_BASE_STRCAT_H_
#define SYD_BASE_STRCAT_H_

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/str_cat.h"

namespace syd {
namespace strcat_internal {
template <typename T>
decltype(auto) Arg(const T& v) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    return absl::string_view(v.data(), v.size());
  } else {
    return (v);
  }
}
}  // namespace strcat_internal

template <typename... Args>
std::string StrCat(const Args&... args) {
  return absl::StrCat(strcat_internal::Arg(args)...);
}

template <typename... Args>
void StrAppend(std::string* out, const Args&... args) {
  absl::StrAppend(out, strcat_internal::Arg(args)...);
}

}  // namespace syd

#endif  // SYD_BASE_STRCAT_H_
