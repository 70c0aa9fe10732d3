// A name in a directory that syd opened when it was given the name. Files
// syd makes or removes after the sandbox has started (the dump, a learned
// profile, the control socket) may be in a directory the sandbox writes
// to: looked up again, a link put in place of the directory, or of the
// file, would turn syd's write or removal, perhaps as root, to a file the
// sandbox cannot reach. Through the held directory it goes where the
// user named it, wherever that directory has moved since.
#ifndef SYD_BASE_HELD_NAME_H_
#define SYD_BASE_HELD_NAME_H_

#include <string>

#include "absl/status/statusor.h"

namespace syd {

class HeldName {
 public:
  // Opens `path`'s directory (O_PATH), in which syd must be able to make
  // files.
  static absl::StatusOr<HeldName> Open(const std::string& path);

  HeldName(HeldName&& other) noexcept;
  HeldName& operator=(HeldName&& other) noexcept;
  HeldName(const HeldName&) = delete;
  HeldName& operator=(const HeldName&) = delete;
  ~HeldName();

  int dir() const { return dir_; }
  const std::string& name() const { return name_; }

 private:
  HeldName(int dir, std::string name);

  int dir_ = -1;
  std::string name_;
};

}  // namespace syd

#endif  // SYD_BASE_HELD_NAME_H_
