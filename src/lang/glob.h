// Path globs (=* and !*).
#ifndef SYD_LANG_GLOB_H_
#define SYD_LANG_GLOB_H_

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "re2/re2.h"

namespace syd {

// Translates a glob to an anchored RE2 pattern that matches whole paths:
//   *    any run of characters within one path component
//   **   any run of characters, '/' included
//   /*** at the end: the directory itself and everything below it
//   ?    one character other than '/'
//   [..] a character class, [!..] or [^..] negated
//   \c   the character c itself
// Everything else matches itself. The result is always a valid pattern.
std::string GlobToRegex(std::string_view glob);

// A glob, compiled on first use: a translated glob cannot fail to compile,
// so loading a policy need not pay for the ones that never run.
class Glob {
 public:
  explicit Glob(std::string glob) : glob_(std::move(glob)) {}

  const std::string& text() const { return glob_; }
  bool Matches(std::string_view path) const;

 private:
  std::string glob_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<RE2> re_;
};

}  // namespace syd

#endif  // SYD_LANG_GLOB_H_
