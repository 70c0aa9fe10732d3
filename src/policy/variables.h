// ${NAME} in rule strings: the build and image directories of a package
// build come in from the environment or from -D NAME=VALUE, so profiles need
// no editing.
#ifndef SYD_POLICY_VARIABLES_H_
#define SYD_POLICY_VARIABLES_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace syd {

struct Variables {
  std::map<std::string, std::string> defines;  // -D NAME=VALUE, first
  bool environment = true;                     // then the environment

  std::optional<std::string> Lookup(const std::string& name) const;
};

// Replaces each ${NAME} in `text` by its value passed through `quote` (so
// that a value is literal text in a regex or a glob); "$${" is a literal
// "${". Returns nothing and sets `error` (and `error_offset`, the byte in
// `text`) for an unset, empty or malformed variable: a pattern with an
// empty value in it matches more than its author meant.
std::optional<std::string> ExpandVariables(
    std::string_view text, const Variables& vars,
    const std::function<std::string(std::string_view)>& quote,
    std::string* error, size_t* error_offset);

// Escapes glob metacharacters so that the text matches only itself.
std::string QuoteGlob(std::string_view text);

}  // namespace syd

#endif  // SYD_POLICY_VARIABLES_H_
