// The world the command starts in (isolate/NAME=VALUE): namespaces of its
// own, a private root built from mounts, the user it runs as, the
// capabilities it keeps, the descriptors it inherits, its environment and
// where its output goes. One table names the settings; the CLI's options
// (--unshare, --bind ...) are the same names. All are fixed when the
// command starts. Where two profiles set one: a set (namespaces, mounts,
// variables) grows, the capabilities and descriptors kept are those both
// keep, and a single value (the user, the hostname ...) may not be set to
// two different ones.
#ifndef SYD_POLICY_ISOLATION_H_
#define SYD_POLICY_ISOLATION_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace syd {

enum class IsolateSetting : uint8_t {
  kUnshare,
  kHostname,
  kBind,
  kBindRo,
  kTmpfs,
  kDev,
  kProc,
  kRoot,
  kChdir,
  kUser,
  kGroup,
  kCaps,
  kKeepFds,
  kClearenv,
  kSetenv,
  kStdout,
  kStderr,
};

// What each setting means is in docs/language.md ("Isolation") and syd.1
// (ISOLATION); `value` is what the value is, for errors and --help.
struct IsolateInfo {
  std::string_view name;
  IsolateSetting setting;
  std::string_view value;
};

inline constexpr IsolateInfo kIsolateSettings[] = {
    {"unshare", IsolateSetting::kUnshare,
     "namespaces: mount, pid, net, ipc, uts, cgroup, comma separated"},
    {"hostname", IsolateSetting::kHostname, "a host name (implies uts)"},
    {"bind", IsolateSetting::kBind, "SOURCE[:TARGET], absolute paths"},
    {"bind_ro", IsolateSetting::kBindRo, "SOURCE[:TARGET], absolute paths"},
    {"tmpfs", IsolateSetting::kTmpfs, "an absolute path"},
    {"dev", IsolateSetting::kDev, "an absolute path (usually /dev)"},
    {"proc", IsolateSetting::kProc, "an absolute path (usually /proc)"},
    {"root", IsolateSetting::kRoot, "pivot_root or chroot"},
    {"chdir", IsolateSetting::kChdir, "an absolute path in the command's view"},
    {"user", IsolateSetting::kUser, "a user name or uid"},
    {"group", IsolateSetting::kGroup, "a group name or gid"},
    {"caps", IsolateSetting::kCaps,
     "none, or the capabilities kept: CAP_NET_BIND_SERVICE,CAP_CHOWN ..."},
    {"keep_fds", IsolateSetting::kKeepFds,
     "none, or the descriptors above 2 kept: 3,4 ..."},
    {"clearenv", IsolateSetting::kClearenv, "yes"},
    {"setenv", IsolateSetting::kSetenv, "NAME=VALUE"},
    {"stdout", IsolateSetting::kStdout, "a file syd writes"},
    {"stderr", IsolateSetting::kStderr, "a file syd writes"},
};

// A mount of the private root, in the order written: later ones land on
// earlier ones.
struct RootMount {
  enum class Kind : uint8_t { kBind, kBindRo, kTmpfs, kDev, kProc };
  Kind kind = Kind::kBind;
  std::string source;  // binds only
  std::string target;  // in the command's view

  friend bool operator==(const RootMount&, const RootMount&) = default;
};

struct Isolation {
  // CLONE_NEW* of the namespaces asked for. syd's own pid namespace
  // (src/supervise/pid_namespace.h) is there without asking where syd can
  // make it; asking for pid makes it a requirement.
  uint64_t namespaces = 0;
  std::string hostname;
  // A private root when not empty: a tmpfs with these mounts, entered by
  // pivot_root (or chroot), read-only once they are made.
  std::vector<RootMount> mounts;
  enum class RootSwitch : uint8_t { kDefault, kPivotRoot, kChroot };
  RootSwitch root_switch = RootSwitch::kDefault;  // kDefault: pivot_root
  std::string chdir;
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;       // isolate/group
  std::optional<gid_t> user_gid;  // the user's own group, without a group
  std::optional<uint64_t> caps;   // bit N: capability N is kept
  std::optional<std::vector<int>> keep_fds;  // sorted
  bool clearenv = false;
  std::vector<std::string> setenv;  // NAME=VALUE, applied in order
  std::string stdout_path;
  std::string stderr_path;

  // Whether the command gets a root of its own.
  bool private_root() const { return !mounts.empty(); }
  // The group the command runs as, when it changes.
  std::optional<gid_t> run_gid() const { return gid ? gid : user_gid; }
  // The settings as isolate/NAME=VALUE statements, for syd check --print.
  std::vector<std::string> Statements() const;
};

// Applies isolate/`name`=`value` to `out`; an error says what is wrong:
// NotFound for a name not in the table (with a "did you mean"),
// InvalidArgument for a value.
absl::Status ApplyIsolate(std::string_view name, std::string_view value,
                          Isolation* out);

// The namespaces of CLONE_NEW* bits `flags` as unshare= writes them
// ("mount,net").
std::string NamespaceNames(uint64_t flags);

}  // namespace syd

#endif  // SYD_POLICY_ISOLATION_H_
