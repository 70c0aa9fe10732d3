// Text the sandbox controls (file names, process names, magic commands),
// made safe to print: it must not forge a report line or reach the
// user's terminal as control sequences.
#ifndef SYD_BASE_ESCAPE_H_
#define SYD_BASE_ESCAPE_H_

#include <string>
#include <string_view>

namespace syd {

// `s` with every byte that is not printable text written as an escape:
// \t \n \r, and \NNN (three octal digits) for other control bytes, DEL,
// the C1 controls and bytes that are not UTF-8. Printable ASCII and UTF-8
// from U+00A0 up stay as they are. With `exact`, '\' and '"' are escaped
// too, so that the bytes can be read back (a quoted string in a report).
std::string EscapeBytes(std::string_view s, bool exact);

// "..." around EscapeBytes(s, true), as strace prints a string.
std::string QuoteBytes(std::string_view s);

}  // namespace syd

#endif  // SYD_BASE_ESCAPE_H_
