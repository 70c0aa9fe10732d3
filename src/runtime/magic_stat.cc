// /dev/sydbox: the sandboxed command learns that it is sandboxed, and
// changes the rules, through stat(2) on a path that does not exist.
#include "src/runtime/magic_stat.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "src/base/strcat.h"
#include "src/tracee/memory.h"

namespace syd {
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

// Success: answer as for /dev/null, so that a caller that looks at the
// buffer sees a character device rather than garbage. 0 or -EFAULT.
int64_t AnswerAsDevNull(pid_t pid, const Call& e, const SyscallInfo& s) {
  int arg = -1;
  switch (BufferOf(s.name, &arg)) {
    case Buffer::kStat: {
      struct stat st {};
      stat("/dev/null", &st);
      if (!tracee::WriteMemory(pid, e.args[arg], &st, sizeof st))
        return -EFAULT;
      break;
    }
    case Buffer::kStatx: {
      struct statx stx {};
      statx(AT_FDCWD, "/dev/null", 0, STATX_BASIC_STATS, &stx);
      if (!tracee::WriteMemory(pid, e.args[arg], &stx, sizeof stx))
        return -EFAULT;
      break;
    }
    case Buffer::kNone:
      break;
  }
  return 0;
}

}  // namespace

bool IsMagicPath(std::string_view path) {
  return path.starts_with(kMagic) &&
         (path.size() == kMagic.size() || path[kMagic.size()] == '/');
}

MagicAnswer MagicStat(pid_t pid, const Call& e, const MagicAccess& access,
                      RuntimeRules* rules) {
  MagicAnswer out;
  const SyscallInfo& s = *FindSyscall(e.nr);
  // The path as the program wrote it: a command holds slashes, dots and
  // quotes that resolving it as a file name would change.
  std::string path;
  for (int i = 0; i < s.nargs && path.empty(); ++i) {
    if (!s.args[i].IsPath() || s.args[i].from_fd) continue;
    std::optional<std::string> raw =
        tracee::ReadString(pid, e.args[i], PATH_MAX);
    if (raw) path = *std::move(raw);
  }
  if (!IsMagicPath(path)) return out;  // not ours: the next rule decides
  out.magic = true;
  std::string command = path.substr(std::min(path.size(), kMagic.size() + 1));
  absl::Status status = absl::OkStatus();
  if (!command.empty()) {
    const bool readonly =
        access.readonly || (access.initonly && !access.initial);
    status = rules->Execute(command, StrCat("magic stat (pid ", pid, ")"),
                            readonly, access.lock);
    if (!status.ok() && !absl::IsNotFound(status)) {
      out.message = std::string(status.message());
    } else if (status.ok() && command.back() != '?') {
      out.message = StrCat("pid ", pid, " changed the rules: ", command);
      out.changed = true;
    }
  }
  if (absl::IsNotFound(status)) {
    out.ret = -ENOENT;
  } else if (absl::IsPermissionDenied(status)) {
    out.ret = -EPERM;
  } else if (!status.ok()) {
    out.ret = -EINVAL;
  } else {
    out.ret = AnswerAsDevNull(pid, e, s);
  }
  return out;
}

}  // namespace syd
