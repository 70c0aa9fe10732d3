// File names as the kernel will resolve them for a tracee.
#ifndef SYD_TRACEE_PATHS_H_
#define SYD_TRACEE_PATHS_H_

#include <sys/types.h>

#include <optional>
#include <string>

namespace syd::tracee {

// What the link `path` names; nothing when it cannot be read or is longer
// than PATH_MAX.
std::optional<std::string> ReadLink(const std::string& path);

// The directory a relative path starts from: the tracee's cwd for AT_FDCWD,
// else what its descriptor `dirfd` names. Nothing for a bad descriptor.
std::optional<std::string> BaseDirectory(pid_t pid, int dirfd);

// Makes `path` absolute against `base`, removes "." and "..", and resolves
// symlinks in every component but the last; the last is resolved when
// `follow_last` is set (a dangling one resolves to the file it would
// create). Components that do not exist are kept as written. Symlinks are
// read inside `root` (the tracee's root, "/" normally). At most 40 links,
// as the kernel. /proc/self and /proc/thread-self mean the tracee `pid`,
// not syd.
// Sets `*error` to ELOOP, and stops there, where the kernel would follow
// a 41st link.
std::string ResolvePath(pid_t pid, const std::string& root,
                        const std::string& base, const std::string& path,
                        bool follow_last, int* error = nullptr);

}  // namespace syd::tracee

#endif  // SYD_TRACEE_PATHS_H_
