#include "src/kernel/landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string_view>

#include "src/base/strcat.h"
#include "src/kernel/landlock_uapi.h"

namespace syd::kernel {
namespace {

struct RightInfo {
  uint64_t bit;
  std::string_view name;
  int abi;  // the ABI that brought it
};

// The one table of Landlock's rights: names, and the ABI of each.
constexpr RightInfo kFsRights[] = {
    {kLandlockFsExecute, "execute", 1},
    {kLandlockFsWriteFile, "write_file", 1},
    {kLandlockFsReadFile, "read_file", 1},
    {kLandlockFsReadDir, "read_dir", 1},
    {kLandlockFsRemoveDir, "remove_dir", 1},
    {kLandlockFsRemoveFile, "remove_file", 1},
    {kLandlockFsMakeChar, "make_char", 1},
    {kLandlockFsMakeDir, "make_dir", 1},
    {kLandlockFsMakeReg, "make_reg", 1},
    {kLandlockFsMakeSock, "make_sock", 1},
    {kLandlockFsMakeFifo, "make_fifo", 1},
    {kLandlockFsMakeBlock, "make_block", 1},
    {kLandlockFsMakeSym, "make_sym", 1},
    {kLandlockFsRefer, "refer", kLandlockAbiRefer},
    {kLandlockFsTruncate, "truncate", kLandlockAbiTruncate},
    {kLandlockFsIoctlDev, "ioctl_dev", kLandlockAbiIoctlDev},
};
constexpr RightInfo kNetRights[] = {
    {kLandlockNetBindTcp, "bind_tcp", kLandlockAbiNet},
    {kLandlockNetConnectTcp, "connect_tcp", kLandlockAbiNet},
};

// The rights a rule on a file (not a directory) may carry.
constexpr uint64_t kFileRights = kLandlockFsExecute | kLandlockFsWriteFile |
                                 kLandlockFsReadFile | kLandlockFsTruncate |
                                 kLandlockFsIoctlDev;

template <size_t N>
uint64_t RightsAt(const RightInfo (&table)[N], int abi) {
  uint64_t bits = 0;
  for (const RightInfo& r : table) {
    if (r.abi <= abi) bits |= r.bit;
  }
  return bits;
}

template <size_t N>
std::string Names(const RightInfo (&table)[N], uint64_t bits) {
  std::string out;
  for (const RightInfo& r : table) {
    if ((bits & r.bit) == 0) continue;
    if (!out.empty()) out += ", ";
    out += r.name;
  }
  return out;
}

// Whether open() failed because `path` cannot be reached (yet): missing,
// under a file, a symlink loop, unsearchable, too long. The kernel cannot
// reach it for the sandbox either.
bool Unreachable(int error) {
  return error == ENOENT || error == ENOTDIR || error == EACCES ||
         error == ELOOP || error == ENAMETOOLONG;
}

// An O_PATH descriptor of what a grant of `path` attaches to: the path, or
// its parent when the path cannot be reached yet (the rule that allows it
// may make it there). -1 with errno ENOENT when neither can: nothing the
// rules allow can make the path, so there is nothing to grant.
int OpenGrantTarget(const std::string& path) {
  int fd = open(path.c_str(), O_PATH | O_CLOEXEC);
  if (fd >= 0 || !Unreachable(errno)) return fd;
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos || path == "/" || InKernelTree(path)) {
    errno = ENOENT;
    return -1;
  }
  fd = open(slash == 0 ? "/" : path.substr(0, slash).c_str(),
            O_PATH | O_CLOEXEC);
  if (fd < 0 && Unreachable(errno)) errno = ENOENT;
  return fd;
}

}  // namespace

bool InKernelTree(const std::string& path) {
  for (std::string_view tree : {"/dev", "/proc", "/sys"}) {
    if (path.size() > tree.size() && path.compare(0, tree.size(), tree) == 0 &&
        path[tree.size()] == '/') {
      return true;
    }
  }
  return false;
}

namespace {

absl::Status AddPath(int ruleset, const LandlockRuleset::PathGrant& g,
                     uint64_t handled) {
  uint64_t access = g.access & handled;
  if (access == 0) return absl::OkStatus();
  const int fd = OpenGrantTarget(g.path);
  if (fd < 0 && errno == ENOENT) return absl::OkStatus();
  if (fd < 0) {
    return absl::InternalError(StrCat(
        "cannot open ", g.path, " for the Landlock domain: ", strerror(errno)));
  }
  struct stat st;
  if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode)) access &= kFileRights;
  long rc = 0;
  if (access != 0) {
    LandlockPathBeneathAttr attr{access, fd};
    rc = syscall(SYS_landlock_add_rule, ruleset, kLandlockRulePathBeneath,
                 &attr, 0);
  }
  const int error = errno;
  close(fd);
  // A pipe or socket (/dev/stdout may name one) has no place in the file
  // hierarchy: Landlock neither checks nor takes rules for it.
  if (rc != 0 && error == EBADFD) return absl::OkStatus();
  if (rc != 0) {
    return absl::InternalError(StrCat("cannot grant ", FsRightNames(access),
                                      " beneath ", g.path, ": ",
                                      strerror(error)));
  }
  return absl::OkStatus();
}

absl::Status AddPorts(int ruleset, const LandlockRuleset::PortGrant& g,
                      uint64_t handled) {
  const uint64_t access = g.access & handled;
  if (access == 0) return absl::OkStatus();
  for (uint32_t port = g.low; port <= g.high; ++port) {
    LandlockNetPortAttr attr{access, port};
    if (syscall(SYS_landlock_add_rule, ruleset, kLandlockRuleNetPort, &attr,
                0) != 0) {
      return absl::InternalError(StrCat("cannot grant ", NetRightNames(access),
                                        " on port ", port, ": ",
                                        strerror(errno)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

int LandlockAbi() {
  const long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0,
                           kLandlockCreateRulesetVersion);
  if (abi < 0) return 0;  // ENOSYS, EOPNOTSUPP: none
  int cap = static_cast<int>(abi);
  if (const char* env = std::getenv("SYD_LANDLOCK_ABI")) {
    char* end = nullptr;
    const long want = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && want >= 0 && want < cap)
      cap = static_cast<int>(want);
  }
  return cap;
}

uint64_t FsRightsAt(int abi) {
  return abi < kLandlockAbiRefer ? 0 : RightsAt(kFsRights, abi);
}

uint64_t NetRightsAt(int abi) { return RightsAt(kNetRights, abi); }

std::string FsRightNames(uint64_t fs) { return Names(kFsRights, fs); }

std::string NetRightNames(uint64_t net) { return Names(kNetRights, net); }

absl::Status EnterDomain(const LandlockRuleset& rules, int abi) {
  LandlockRulesetAttr attr;
  attr.handled_access_fs = rules.handled_fs & FsRightsAt(abi);
  attr.handled_access_net = rules.handled_net & NetRightsAt(abi);
  if (abi >= kLandlockAbiScopes)
    attr.scoped = kLandlockScopeSignal | kLandlockScopeAbstractUnixSocket;
  if (attr.handled_access_fs == 0 && attr.handled_access_net == 0 &&
      attr.scoped == 0) {
    return absl::OkStatus();
  }
  const long fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (fd < 0) {
    return absl::InternalError(
        StrCat("cannot make the Landlock domain: ", strerror(errno)));
  }
  const int ruleset = static_cast<int>(fd);
  absl::Status status;
  for (const LandlockRuleset::PathGrant& g : rules.paths) {
    status = AddPath(ruleset, g, attr.handled_access_fs);
    if (!status.ok()) break;
  }
  for (const LandlockRuleset::PortGrant& g : rules.ports) {
    if (!status.ok()) break;
    status = AddPorts(ruleset, g, attr.handled_access_net);
  }
  if (status.ok() && syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) {
    status = absl::InternalError(
        StrCat("cannot enter the Landlock domain: ", strerror(errno)));
  }
  close(ruleset);
  return status;
}

std::string LandlockSummary(const LandlockRuleset& rules, int abi) {
  if (abi == 0)
    return "no Landlock: the sandbox's signals and ptrace reach out";
  const uint64_t fs = rules.handled_fs & FsRightsAt(abi);
  const uint64_t net = rules.handled_net & NetRightsAt(abi);
  std::string out = StrCat("Landlock ABI ", abi);
  if (fs != 0) {
    out +=
        StrCat("; files: ", FsRightNames(fs), " only beneath ",
               rules.paths.size(), " path", rules.paths.size() == 1 ? "" : "s");
  }
  if (net != 0) {
    const size_t ports = rules.PortCount();
    out += StrCat("; network: ", NetRightNames(net), " only on ", ports,
                  " port", ports == 1 ? "" : "s");
  }
  if (abi >= kLandlockAbiScopes) {
    out += "; signals, abstract unix sockets and ptrace scoped to the sandbox";
  } else if (fs != 0 || net != 0) {
    out += StrCat("; ptrace scoped to the sandbox (signals need ABI ",
                  kLandlockAbiScopes, ")");
  } else {
    out += StrCat(": signals and ptrace not scoped (scopes need ABI ",
                  kLandlockAbiScopes, ")");
  }
  return out;
}

}  // namespace syd::kernel
