#include "src/base/held_name.h"

#include <fcntl.h>
#include <unistd.h>

#include <utility>

#include "src/base/errno_status.h"
#include "src/base/strcat.h"

namespace syd {

absl::StatusOr<HeldName> HeldName::Open(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.empty() || name == "." || name == "..") {
    return absl::InvalidArgumentError(StrCat(path, " names no file"));
  }
  const int fd = open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(StrCat("cannot open ", dir));
  if (faccessat(fd, ".", W_OK | X_OK, 0) != 0) {
    absl::Status status = ErrnoStatus(StrCat("cannot make files in ", dir));
    close(fd);
    return status;
  }
  return HeldName(fd, std::move(name));
}

HeldName::HeldName(int dir, std::string name)
    : dir_(dir), name_(std::move(name)) {}

HeldName::HeldName(HeldName&& other) noexcept
    : dir_(std::exchange(other.dir_, -1)), name_(std::move(other.name_)) {}

HeldName& HeldName::operator=(HeldName&& other) noexcept {
  if (this != &other) {
    if (dir_ >= 0) close(dir_);
    dir_ = std::exchange(other.dir_, -1);
    name_ = std::move(other.name_);
  }
  return *this;
}

HeldName::~HeldName() {
  if (dir_ >= 0) close(dir_);
}

}  // namespace syd
