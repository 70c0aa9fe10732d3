#include <fcntl.h>

#include <algorithm>

#include "src/syscalls/syscall_sets.h"
#include "src/syscalls/syscalls.h"

namespace syd {
namespace {

enum class SetKind {
  kClass,
  kFileRead,
  kFileWrite,
  // The parts of kFileWrite, one per kind of change (Landlock's rights
  // split them the same way): a profile can let a build write to a device
  // without letting it remove, rename or chmod it.
  kFileOpenWrite,
  kFileCreate,
  kFileRemove,
  kFileRename,
  kFileAttr,
  kExec,
  kNet
};

struct SetDef {
  SetInfo info;
  SetKind kind;
  uint32_t classes;  // for kClass
};

constexpr SetDef kSets[] = {
    {{"file", "syscalls that take a file name (strace's %file)"},
     SetKind::kClass,
     kClassFile},
    {{"process", "process management (strace's %process)"},
     SetKind::kClass,
     kClassProcess},
    {{"network", "network (strace's %network)"},
     SetKind::kClass,
     kClassNetwork},
    {{"signal", "signals (strace's %signal)"}, SetKind::kClass, kClassSignal},
    {{"ipc", "System V IPC (strace's %ipc)"}, SetKind::kClass, kClassIpc},
    {{"desc", "file descriptors (strace's %desc)"},
     SetKind::kClass,
     kClassDesc},
    {{"memory", "memory mapping (strace's %memory)"},
     SetKind::kClass,
     kClassMemory},
    {{"creds", "user and group ids, capabilities (strace's %creds)"},
     SetKind::kClass,
     kClassCreds},
    {{"clock", "reading or changing clocks (strace's %clock)"},
     SetKind::kClass,
     kClassClock},
    {{"stat",
      "stat(2) itself (strace's %stat; glibc's stat() uses newfstatat: see "
      "%%stat)"},
     SetKind::kClass,
     kClassStat},
    {{"lstat", "lstat(2) (strace's %lstat)"}, SetKind::kClass, kClassLstat},
    {{"fstat", "fstat and fstatat variants (strace's %fstat)"},
     SetKind::kClass,
     kClassFstat},
    {{"%stat", "every stat variant (strace's %%stat)"},
     SetKind::kClass,
     kClassStatAll},
    {{"statfs", "statfs(2) (strace's %statfs)"}, SetKind::kClass, kClassStatfs},
    {{"fstatfs", "fstatfs(2) (strace's %fstatfs)"},
     SetKind::kClass,
     kClassFstatfs},
    {{"%statfs", "every statfs variant (strace's %%statfs)"},
     SetKind::kClass,
     kClassStatfsAll},
    {{"pure",
      "syscalls that always succeed and take no arguments (strace's %pure)"},
     SetKind::kClass,
     kClassPure},
    {{"file_rd",
      "file-name syscalls that only read; open, openat, openat2 when their "
      "flags do not write"},
     SetKind::kFileRead,
     0},
    {{"file_wr",
      "file-name syscalls that write, create or remove; open, openat, openat2 "
      "when their flags write; ioctl's attribute requests (FS_IOC_SETFLAGS, "
      "FS_IOC_FSSETXATTR)"},
     SetKind::kFileWrite,
     0},
    {{"file_open_wr",
      "opening a file to write it (open, openat, openat2 when their flags "
      "write) and truncate"},
     SetKind::kFileOpenWrite,
     0},
    {{"file_create",
      "making a name: mkdir, mknod, symlink, link, creat and their *at forms"},
     SetKind::kFileCreate,
     0},
    {{"file_remove", "removing a name: unlink, unlinkat, rmdir"},
     SetKind::kFileRemove,
     0},
    {{"file_rename", "rename, renameat, renameat2"}, SetKind::kFileRename, 0},
    {{"file_attr",
      "changing a file's mode, owner, times, extended attributes or "
      "attribute flags (ioctl's FS_IOC_SETFLAGS, FS_IOC_FSSETXATTR)"},
     SetKind::kFileAttr,
     0},
    {{"exec", "execve and execveat"}, SetKind::kExec, 0},
    {{"net", "bind and connect"}, SetKind::kNet, 0},
};

constexpr std::array<SetInfo, std::size(kSets)> SetInfos() {
  std::array<SetInfo, std::size(kSets)> out{};
  for (size_t i = 0; i < out.size(); ++i) out[i] = kSets[i].info;
  return out;
}
constexpr auto kSetInfos = SetInfos();

// How a file-name syscall touches its files: open-like, writes, or reads.
enum class FileUse { kNone, kOpen, kWrite, kRead, kExec };

// The calls of %file_attr: what changes a file's metadata by name.
constexpr std::string_view kAttrCalls[] = {
    "chmod",       "fchmod",       "fchmodat",     "fchmodat2",
    "chown",       "fchown",       "lchown",       "fchownat",
    "utime",       "utimes",       "futimesat",    "utimensat",
    "setxattr",    "lsetxattr",    "fsetxattr",    "setxattrat",
    "removexattr", "lremovexattr", "fremovexattr", "removexattrat",
    "file_setattr"};

bool HasAccess(const SyscallInfo& s, PathAccess access) {
  for (int i = 0; i < s.nargs; ++i) {
    if (s.args[i].IsPath() && s.args[i].access == access) return true;
  }
  return false;
}

FileUse UseOf(const SyscallInfo& s) {
  bool any_path = false, open = false, write = false, exec = false;
  for (int i = 0; i < s.nargs; ++i) {
    if (!s.args[i].IsPath()) continue;
    // ioctl's descriptor is a path only for rules that name ioctl.
    if (s.args[i].from_fd && s.args[i].access == PathAccess::kNone) continue;
    any_path = true;
    switch (s.args[i].access) {
      case PathAccess::kOpen:
        open = true;
        break;
      case PathAccess::kWrite:
      case PathAccess::kCreate:
      case PathAccess::kDelete:
        write = true;
        break;
      case PathAccess::kExec:
        exec = true;
        break;
      default:
        break;
    }
  }
  if (!any_path) return FileUse::kNone;
  if (open) return FileUse::kOpen;
  if (write) return FileUse::kWrite;
  if (exec) return FileUse::kExec;
  return FileUse::kRead;
}

// ioctl, for the requests that change a file's attributes through a
// descriptor (chattr +a, +i): one member per request.
void AddAttrIoctls(const SyscallInfo& s, std::vector<SetMember>* out) {
  if (s.name != "ioctl") return;
  out->push_back({s.nr, SetGuard::kIoctlSetFlags});
  out->push_back({s.nr, SetGuard::kIoctlFsSetXattr});
}

std::vector<SetMember> Members(const SetDef* def) {
  std::vector<SetMember> out;
  for (const SyscallInfo& s : AllSyscalls()) {
    FileUse use = UseOf(s);
    switch (def->kind) {
      case SetKind::kClass:
        if (s.HasClass(def->classes)) out.push_back({s.nr});
        break;
      case SetKind::kFileRead:
        if (use == FileUse::kRead) out.push_back({s.nr});
        if (use == FileUse::kOpen) out.push_back({s.nr, SetGuard::kReadOnly});
        break;
      case SetKind::kFileWrite:
        if (use == FileUse::kWrite) out.push_back({s.nr});
        if (use == FileUse::kOpen) out.push_back({s.nr, SetGuard::kWrites});
        AddAttrIoctls(s, &out);
        break;
      case SetKind::kFileOpenWrite:
        if (use == FileUse::kOpen) out.push_back({s.nr, SetGuard::kWrites});
        if (s.name == "truncate") out.push_back({s.nr});
        break;
      case SetKind::kFileCreate:
        if (use != FileUse::kOpen && HasAccess(s, PathAccess::kCreate) &&
            !HasAccess(s, PathAccess::kDelete)) {
          out.push_back({s.nr});
        }
        break;
      case SetKind::kFileRemove:
        if (HasAccess(s, PathAccess::kDelete) &&
            !HasAccess(s, PathAccess::kCreate)) {
          out.push_back({s.nr});
        }
        break;
      case SetKind::kFileRename:
        if (HasAccess(s, PathAccess::kDelete) &&
            HasAccess(s, PathAccess::kCreate)) {
          out.push_back({s.nr});
        }
        break;
      case SetKind::kFileAttr:
        if (std::find(std::begin(kAttrCalls), std::end(kAttrCalls), s.name) !=
            std::end(kAttrCalls)) {
          out.push_back({s.nr});
        }
        AddAttrIoctls(s, &out);
        break;
      case SetKind::kExec:
        if (use == FileUse::kExec) out.push_back({s.nr});
        break;
      case SetKind::kNet:
        if (s.name == "bind" || s.name == "connect") out.push_back({s.nr});
        break;
    }
  }
  return out;
}

}  // namespace

uint64_t OpenWriteFlags() { return O_WRONLY | O_RDWR | O_CREAT | O_TRUNC; }

absl::Span<const SetInfo> AllSets() { return kSetInfos; }

const std::vector<SetMember>* ExpandSet(std::string_view name) {
  static const auto* members = [] {
    auto* all = new std::array<std::vector<SetMember>, std::size(kSets)>;
    for (size_t i = 0; i < std::size(kSets); ++i)
      (*all)[i] = Members(&kSets[i]);
    return all;
  }();
  for (size_t i = 0; i < std::size(kSets); ++i) {
    if (kSets[i].info.name == name) return &(*members)[i];
  }
  return nullptr;
}

}  // namespace syd
