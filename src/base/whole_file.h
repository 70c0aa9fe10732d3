// A file read or written whole: a reader never sees half of what syd
// writes (a learned profile, the state dump), and a kernel control file
// gets its text in one write.
#ifndef SYD_BASE_WHOLE_FILE_H_
#define SYD_BASE_WHOLE_FILE_H_

#include <sys/types.h>

#include <string>
#include <string_view>

#include "src/base/held_name.h"

namespace syd {

// Appends the file at `path` to `text`; false, with errno, when it cannot
// be read.
bool ReadWholeFile(const std::string& path, std::string* text);

// Replaces the file `at` names with `text`, whole or not at all: written
// to a new file in its directory (mode `mode`, under the umask), synced
// and renamed over it, which replaces a link at the name rather than
// following it. False, with errno, when it could not be; nothing is then
// left behind.
bool ReplaceWholeFile(const HeldName& at, std::string_view text, mode_t mode);

// Writes `text` to the existing file at `path` in one write(2), as the
// kernel's control files want it (cgroupfs, /proc/self/uid_map): nothing
// is created or replaced. False, with errno, when it is not all taken.
bool WriteInOneWrite(const std::string& path, std::string_view text);

}  // namespace syd

#endif  // SYD_BASE_WHOLE_FILE_H_
