// Path globs (=* and !*).
#ifndef SYD_GLOB_H_
#define SYD_GLOB_H_

#include <string>
#include <string_view>

namespace syd {

// Translates a glob to an anchored RE2 pattern that matches whole paths:
//   *    any run of characters within one path component
//   **   any run of characters, '/' included
//   /*** at the end: the directory itself and everything below it
//   ?    one character other than '/'
//   [..] a character class, [!..] or [^..] negated
// Everything else matches itself.
std::string GlobToRegex(std::string_view glob);

}  // namespace syd

#endif  // SYD_GLOB_H_
