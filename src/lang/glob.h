// Path globs (=* and !*): rsync's wildmatch, on bytes.
#ifndef SYD_LANG_GLOB_H_
#define SYD_LANG_GLOB_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "re2/re2.h"

namespace syd {

// The options every pattern on paths, globs and process names is compiled
// with: Latin-1, so that a character is a byte and any byte string can
// match (a file name need not be UTF-8); `.` matches a newline, which a
// file name may hold; errors are returned, not logged.
RE2::Options PatternOptions();

// Translates a glob to an anchored RE2 pattern (for PatternOptions()) that
// matches whole paths, as rsync's wildmatch does:
//   *    any run of bytes within one path component
//   **   any run of bytes, '/' included
//   /*** at the end: the directory itself and everything below it (rsync's
//        filter rules, not wildmatch)
//   ?    one byte other than '/'
//   [..] a bracket expression, [!..] or [^..] negated: bytes, ranges a-z,
//        classes [:alpha:] (ASCII), \c for c itself, a leading ] a member.
//        Unlike rsync's, it never matches '/'.
//   \c   the byte c itself
// Everything else matches itself. A malformed glob (an unclosed '[', an
// unknown class, a trailing '\') is an error, with the byte where it is.
std::optional<std::string> GlobToRegex(std::string_view glob,
                                       std::string* error = nullptr,
                                       size_t* error_offset = nullptr);

// A glob, compiled on first use: loading a policy need not pay for the
// ones that never run. Make it from a glob GlobToRegex accepts; a
// malformed one matches nothing.
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
