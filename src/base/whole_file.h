// A file read or written whole: a reader never sees half of what syd
// writes (a learned profile, the state dump), and a kernel control file
// gets its text in one write.
#ifndef SYD_BASE_WHOLE_FILE_H_
#define SYD_BASE_WHOLE_FILE_H_

#include <sys/types.h>

#include <string>
#include <string_view>

namespace syd {

// Appends the file at `path` to `text`; false, with errno, when it cannot
// be read.
bool ReadWholeFile(const std::string& path, std::string* text);

// Replaces the file at `path` with `text`, whole or not at all: written
// to a temporary file beside it (mode `mode`), synced, renamed over it.
// False, with errno, when it could not be, and nothing is left behind.
bool WriteWholeFile(const std::string& path, std::string_view text,
                    mode_t mode);

// Writes `text` to the existing file at `path` in one write(2), as the
// kernel's control files want it (cgroupfs, /proc/self/uid_map): nothing
// is created or replaced. False, with errno, when it is not all taken.
bool WriteInOneWrite(const std::string& path, std::string_view text);

}  // namespace syd

#endif  // SYD_BASE_WHOLE_FILE_H_
