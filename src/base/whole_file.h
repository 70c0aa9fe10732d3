// A file read or written whole: a reader never sees half of what syd
// writes (a learned profile, the state dump), and a kernel control file
// gets its text in one write.
#ifndef SYD_BASE_WHOLE_FILE_H_
#define SYD_BASE_WHOLE_FILE_H_

#include <sys/types.h>

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"

namespace syd {

// Appends the file at `path` to `text`; false, with errno, when it cannot
// be read.
bool ReadWholeFile(const std::string& path, std::string* text);

// A file syd replaces whole at some later time (a learned profile when the
// command ends, the state dump on request), in the directory that held
// its name when syd began: that directory stays open, and the file is
// made there under a new random name and renamed over the old. The
// directory may be one the sandbox writes to. Were the name looked up
// again at write time, a link planted at the temporary name, or the
// directory swapped for a link, would make syd, perhaps as root, write
// a file the sandbox cannot.
class WholeFileDestination {
 public:
  // Holds `path`'s directory, which must let syd make files in it.
  static absl::StatusOr<WholeFileDestination> Open(const std::string& path);

  WholeFileDestination(WholeFileDestination&& other) noexcept;
  WholeFileDestination& operator=(WholeFileDestination&& other) noexcept;
  WholeFileDestination(const WholeFileDestination&) = delete;
  WholeFileDestination& operator=(const WholeFileDestination&) = delete;
  ~WholeFileDestination();

  // Replaces the file with `text`, whole or not at all: written to a new
  // file beside it (mode `mode`, under the umask), synced and renamed
  // over it. False, with errno, when it could not be; nothing is then
  // left behind.
  bool Replace(std::string_view text, mode_t mode) const;

 private:
  WholeFileDestination(int dir, std::string name)
      : dir_(dir), name_(std::move(name)) {}

  int dir_ = -1;
  std::string name_;
};

// Writes `text` to the existing file at `path` in one write(2), as the
// kernel's control files want it (cgroupfs, /proc/self/uid_map): nothing
// is created or replaced. False, with errno, when it is not all taken.
bool WriteInOneWrite(const std::string& path, std::string_view text);

}  // namespace syd

#endif  // SYD_BASE_WHOLE_FILE_H_
