#include "src/tracee/process.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "src/base/strcat.h"
#include "src/kernel/uapi.h"
#include "src/lang/loader.h"
#include "src/tracee/decode.h"
#include "src/tracee/memory.h"
#include "src/tracee/paths.h"
#include "src/tracee/procfs.h"
#include "src/tracee/socket_diag.h"

namespace syd::tracee {
namespace {

std::string ProcFile(pid_t pid, const char* name) {
  std::string text, error;
  ReadFile(StrCat("/proc/", pid, "/", name), &text, &error);
  return text;
}

}  // namespace

std::optional<SocketAddress> LiveProcess::SocketName(int fd) const {
  // Without the supervisor's copies (and their kept pidfds), a set of
  // this call's own.
  DescriptorCopies own;
  const int copy = (copies_ != nullptr ? *copies_ : own).Copy(pid_, fd);
  if (copy < 0) errno = -copy;
  if (copy < 0 && (errno == EPERM || errno == ENOSYS)) {
    // A seccomp profile (or a kernel before 5.6) refuses the copy: the
    // kernel's socket tables say where a bound socket is bound.
    const uint64_t inode = SocketInode(pid_, fd);
    if (inode == 0) return std::nullopt;  // EBADF or ENOTSOCK
    return DiagnosedSocketName(pid_, inode);
  }
  if (copy < 0) return std::nullopt;
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  const bool named =
      getsockname(copy, reinterpret_cast<sockaddr*>(&ss), &len) == 0;
  const int error = errno;
  close(copy);
  errno = error;
  if (!named) return std::nullopt;
  return DecodeSockaddr(reinterpret_cast<const uint8_t*>(&ss),
                        std::min<size_t>(len, sizeof ss));
}

int ReadStructArg(const Process& process, uint64_t addr, uint64_t size,
                  void* out, size_t known) {
  if (size < known) return EINVAL;
  if (size > kernel::kStructArgMax) return E2BIG;
  if (size > known) {
    std::string tail(size - known, '\0');
    if (!process.Read(addr + known, tail.data(), tail.size())) return EFAULT;
    if (tail.find_first_not_of('\0') != std::string::npos) return E2BIG;
  }
  return process.Read(addr, out, known) ? 0 : EFAULT;
}

bool LiveProcess::Read(uint64_t addr, void* out, size_t size) const {
  return ReadMemory(pid_, addr, out, size);
}

std::optional<std::string> LiveProcess::ReadString(uint64_t addr,
                                                   size_t max) const {
  return tracee::ReadString(pid_, addr, max);
}

std::optional<std::string> LiveProcess::BaseDirectory(int dirfd) const {
  return tracee::BaseDirectory(pid_, dirfd);
}

std::optional<std::string> LiveProcess::DescriptorFile(int fd) const {
  if (!name_by_copy_ || fd < 0) return BaseDirectory(fd);
  // Not open (the kernel's EBADF), or syd may not copy: /proc says.
  const int copy = copies_->Copy(pid_, fd);
  if (copy < 0) return BaseDirectory(fd);
  static const pid_t self = getpid();
  std::optional<std::string> name = tracee::BaseDirectory(self, copy);
  if (!name) {
    // ENOENT would say the caller's descriptor is not open; it was.
    const int error = errno == ENOENT ? EIO : errno;
    close(copy);
    errno = error;
    return std::nullopt;
  }
  copies_->Keep(pid_, fd, copy, *name);
  return name;
}

std::string LiveProcess::Comm() const {
  std::string comm = ProcFile(pid_, "comm");
  if (!comm.empty() && comm.back() == '\n') comm.pop_back();
  return comm;
}

std::string LiveProcess::Cmdline() const {
  std::string cmdline = ProcFile(pid_, "cmdline");
  while (!cmdline.empty() && cmdline.back() == '\0') cmdline.pop_back();
  for (char& c : cmdline) {
    if (c == '\0') c = ' ';
  }
  return cmdline;
}

}  // namespace syd::tracee
