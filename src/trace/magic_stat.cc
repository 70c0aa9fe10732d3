// /dev/sydbox: the sandboxed command learns that it is sandboxed, and
// changes the rules, through stat(2) on a path that does not exist.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "src/trace/decode.h"
#include "src/trace/memory.h"
#include "src/trace/procfs.h"
#include "src/trace/tracer.h"
#include "syd/strcat.h"

namespace syd::trace {
namespace {

constexpr std::string_view kMagic = "/dev/sydbox";

// Where the call wants its answer: the struct stat or statx buffer.
enum class Buffer { kNone, kStat, kStatx };

Buffer BufferOf(std::string_view name, int* arg) {
  if (name == "stat" || name == "lstat") {
    *arg = 1;
    return Buffer::kStat;
  }
  if (name == "newfstatat") {
    *arg = 2;
    return Buffer::kStat;
  }
  if (name == "statx") {
    *arg = 4;
    return Buffer::kStatx;
  }
  return Buffer::kNone;  // access, faccessat: the return value is the answer
}

}  // namespace

std::optional<int64_t> Tracer::MagicStat(pid_t pid, const Event& e,
                                         const PluginSlot& slot,
                                         const Rule& rule) {
  const SyscallInfo& s = *FindSyscall(e.nr);
  // The path as the program wrote it: a command holds slashes, dots and
  // quotes that resolving it as a file name would change.
  std::string path;
  for (int i = 0; i < s.nargs && path.empty(); ++i) {
    if (!s.args[i].IsPath()) continue;
    std::optional<std::string> raw = ReadString(pid, e.args[i], PATH_MAX);
    if (raw && raw->rfind(kMagic, 0) == 0) {
      path = *raw;
    } else if (e.strings[i]) {
      path = *e.strings[i];
    }
  }
  if (path.rfind(kMagic, 0) != 0 ||
      (path.size() > kMagic.size() && path[kMagic.size()] != '/')) {
    return std::nullopt;  // not ours: the next rule decides
  }
  std::string command = path.substr(std::min(path.size(), kMagic.size() + 1));
  absl::Status status = absl::OkStatus();
  if (!command.empty()) {
    // Threads of the initial process count as it.
    const bool initial = ThreadGroup(pid) == command_pid_;
    const bool readonly = slot.readonly || (slot.initonly && !initial);
    status = runtime_.Execute(command, StrCat("magic stat (pid ", pid, ")"),
                              readonly);
    if (!status.ok() && !absl::IsNotFound(status)) {
      Log(rule.log, StrCat("syd: ", status.message(), "\n"));
    } else if (status.ok() && command.back() != '?' &&
               rule.log.kind != LogTarget::Kind::kNone) {
      Log(rule.log,
          StrCat("syd: pid ", pid, " changed the rules: ", command, "\n"));
    }
  }
  if (absl::IsNotFound(status)) return -ENOENT;
  if (absl::IsPermissionDenied(status)) return -EPERM;
  if (!status.ok()) return -EINVAL;
  // Success: answer as for /dev/null, so that a caller that looks at the
  // buffer sees a character device rather than garbage.
  int arg = -1;
  switch (BufferOf(s.name, &arg)) {
    case Buffer::kStat: {
      struct stat st {};
      stat("/dev/null", &st);
      if (!WriteMemory(pid, e.args[arg], &st, sizeof st)) return -EFAULT;
      break;
    }
    case Buffer::kStatx: {
      struct statx stx {};
      statx(AT_FDCWD, "/dev/null", 0, STATX_BASIC_STATS, &stx);
      if (!WriteMemory(pid, e.args[arg], &stx, sizeof stx)) return -EFAULT;
      break;
    }
    case Buffer::kNone:
      break;
  }
  return 0;
}

}  // namespace syd::trace
