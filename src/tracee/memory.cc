#include "src/tracee/memory.h"

#include <fcntl.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace syd::tracee {
namespace {

bool PeekData(pid_t pid, uint64_t addr, void* out, size_t size) {
  auto* dst = static_cast<uint8_t*>(out);
  uint64_t aligned = addr & ~7ull;
  size_t skip = addr - aligned;
  for (size_t done = 0; done < size; aligned += 8) {
    errno = 0;
    long word = ptrace(PTRACE_PEEKDATA, pid, aligned, nullptr);
    if (errno != 0) return false;
    size_t n = std::min(size - done, 8 - skip);
    std::memcpy(dst + done, reinterpret_cast<uint8_t*>(&word) + skip, n);
    done += n;
    skip = 0;
  }
  return true;
}

// Through /proc/PID/mem, which a seccomp profile cannot refuse as it
// refuses process_vm_readv (container profiles without CAP_SYS_PTRACE):
// the kernel's access check is the same. `write`: into the memory.
bool ThroughProcMem(pid_t pid, uint64_t addr, void* buf, size_t size,
                    bool write) {
  char path[32];
  std::snprintf(path, sizeof path, "/proc/%d/mem", pid);
  const int fd = open(path, (write ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return false;
  const auto at = static_cast<off_t>(addr);
  const ssize_t n =
      write ? pwrite(fd, buf, size, at) : pread(fd, buf, size, at);
  close(fd);
  return n == static_cast<ssize_t>(size);
}

}  // namespace

bool ReadMemory(pid_t pid, uint64_t addr, void* out, size_t size) {
  if (addr == 0) return false;
  iovec local{out, size};
  iovec remote{reinterpret_cast<void*>(addr), size};
  ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
  if (n == static_cast<ssize_t>(size)) return true;
  if (n < 0 && errno != EPERM && errno != ENOSYS) return false;
  return ThroughProcMem(pid, addr, out, size, /*write=*/false) ||
         PeekData(pid, addr, out, size);
}

bool WriteMemory(pid_t pid, uint64_t addr, const void* data, size_t size) {
  if (addr == 0) return false;
  iovec local{const_cast<void*>(data), size};
  iovec remote{reinterpret_cast<void*>(addr), size};
  ssize_t n = process_vm_writev(pid, &local, 1, &remote, 1, 0);
  if (n == static_cast<ssize_t>(size)) return true;
  if (n < 0 && (errno == EPERM || errno == ENOSYS) &&
      ThroughProcMem(pid, addr, const_cast<void*>(data), size, /*write=*/true))
    return true;
  // process_vm_writev honours page protections; POKEDATA, as a debugger,
  // does not, and works where the first is refused.
  const auto* src = static_cast<const uint8_t*>(data);
  uint64_t aligned = addr & ~7ull;
  size_t skip = addr - aligned;
  for (size_t done = 0; done < size; aligned += 8) {
    long word = 0;
    size_t n_here = std::min(size - done, 8 - skip);
    if (n_here < 8 && !PeekData(pid, aligned, &word, 8)) return false;
    std::memcpy(reinterpret_cast<uint8_t*>(&word) + skip, src + done, n_here);
    if (ptrace(PTRACE_POKEDATA, pid, aligned, word) != 0) return false;
    done += n_here;
    skip = 0;
  }
  return true;
}

std::optional<std::string> ReadString(pid_t pid, uint64_t addr, size_t max) {
  if (addr == 0) return std::nullopt;
  std::string out;
  char buf[4096];
  size_t chunk = 256;  // most paths are short: start small, then double
  while (out.size() <= max) {
    // Never read across a page boundary in one go: the next page may not
    // exist although the string ends before it.
    size_t room = 4096 - ((addr + out.size()) & 4095);
    size_t want = std::min({room, sizeof buf, chunk});
    chunk *= 2;
    if (!ReadMemory(pid, addr + out.size(), buf, want)) return std::nullopt;
    const char* nul = static_cast<const char*>(std::memchr(buf, '\0', want));
    if (nul != nullptr) {
      out.append(buf, static_cast<size_t>(nul - buf));
      return out.size() <= max ? std::optional(out) : std::nullopt;
    }
    out.append(buf, want);
  }
  return std::nullopt;
}

}  // namespace syd::tracee
