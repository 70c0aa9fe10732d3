#include "src/base/whole_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "src/base/strcat.h"

namespace syd {

bool ReadWholeFile(const std::string& path, std::string* text) {
  std::FILE* f = std::fopen(path.c_str(), "re");
  if (f == nullptr) return false;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text->append(buf, n);
  const bool ok = std::ferror(f) == 0;
  std::fclose(f);
  return ok;
}

bool ReplaceWholeFile(const HeldName& at, std::string_view text, mode_t mode) {
  // O_EXCL: whatever is at the name (a link, a file linked elsewhere) is
  // not opened. The name is random so that nothing can be planted there
  // ahead; a few tries cover the names that are.
  std::string tmp;
  int fd = -1;
  for (int tries = 0; fd < 0 && tries < 8; ++tries) {
    uint64_t random = 0;
    if (getrandom(&random, sizeof random, 0) != sizeof random) return false;
    tmp = StrCat(".", at.name(), ".", absl::Hex(random));
    fd = openat(at.dir(), tmp.c_str(),
                O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0 && errno != EEXIST) return false;
  }
  if (fd < 0) return false;
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const bool ok = done == text.size() && fsync(fd) == 0;
  int saved = errno;
  close(fd);
  if (ok && renameat(at.dir(), tmp.c_str(), at.dir(), at.name().c_str()) == 0)
    return true;
  if (ok) saved = errno;
  unlinkat(at.dir(), tmp.c_str(), 0);
  errno = saved;
  return false;
}

bool WriteInOneWrite(const std::string& path, std::string_view text) {
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const ssize_t n = write(fd, text.data(), text.size());
  const int saved = errno;
  close(fd);
  errno = saved;
  return n == static_cast<ssize_t>(text.size());
}

}  // namespace syd
