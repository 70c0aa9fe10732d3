// File names as the kernel will resolve them for a tracee.
#ifndef SYD_TRACEE_PATHS_H_
#define SYD_TRACEE_PATHS_H_

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace syd::tracee {

// What the link `path` names; nothing when it cannot be read or is longer
// than PATH_MAX.
std::optional<std::string> ReadLink(const std::string& path);

// Whether a descriptor's link in /proc (`link`, which reads `target`)
// leads to a file by a name syd can walk: an absolute one, of a file not
// unlinked (or one syd cannot stat). A pipe, a socket, an anonymous inode
// or a deleted file is reached through the link alone.
bool LinkNamesFile(const std::string& link, const std::string& target);

// openat2(2), which glibc does not wrap: a descriptor, or -1 with errno.
int OpenAt2(int dirfd, const char* path, uint64_t flags, uint64_t resolve,
            uint64_t mode = 0);

// lstat(2) of `path` (absolute, resolved) in syd's view, or beneath
// `root_fd` when it is not -1 (a private root: the same name relative to
// it). 0, or -1 with errno.
int LstatIn(int root_fd, const std::string& path, struct stat* st);

// The directory a relative path starts from: the tracee's cwd for AT_FDCWD,
// else what its descriptor `dirfd` names. Nothing for a bad descriptor.
std::optional<std::string> BaseDirectory(pid_t pid, int dirfd);

// Makes `path` absolute against `base`, removes "." and "..", and resolves
// symlinks in every component but the last; the last is resolved when
// `follow_last` is set (a dangling one resolves to the file it would
// create). Components that do not exist are kept as written. Symlinks are
// read inside `root` (the tracee's root, "/" normally), and the result is
// in syd's view: `root` and the path beneath it, where the call lands. At
// most 40 links, as the kernel. /proc/self and /proc/thread-self mean the
// tracee `pid`, not syd. `resolve` holds openat2's RESOLVE_* flags: with
// RESOLVE_IN_ROOT, `base` is the root for absolute names and links and for
// ".."; RESOLVE_BENEATH, RESOLVE_NO_SYMLINKS, RESOLVE_NO_MAGICLINKS and
// RESOLVE_NO_XDEV (any mount crossed, by mount id) fail where the kernel
// would. Sets `*error` to the kernel's errno (ELOOP past 40 links or at a
// link the flags forbid, EXDEV out of the dirfd or across a mount), and
// stops there. `sandbox_proc`, when set, is where syd reads the /proc the
// tracee sees at /proc (its own procfs, in a pid namespace of syd's), so
// that /proc/PID is the tracee's PID; the result still spells /proc.
//
// `root_fd`, when given (>= 0) and `root` is syd's own "/", is a
// descriptor of the tracee's root, in its mount namespace: a name that
// reaches a file, or a missing last name in a directory that exists, is
// then resolved by the kernel (openat2 there, RESOLVE_IN_ROOT), and the
// walk above answers only what the kernel cannot answer in the tracee's
// place: failures and their errnos, links into procfs (its "self" would
// be syd), a dangling link followed at the end, openat2's `resolve` flags
// and a root the tracee changed. Both give the same answer (paths_test
// compares them).
//
// `view`, when not empty, is where syd reads the tracee's "/": a private
// root (isolate/bind=...) that syd reaches through a descriptor of its
// own, /proc/SYD/fd/N. Names are then the tracee's, read through `view`
// (and `root_fd` is that root).
std::string ResolvePath(pid_t pid, const std::string& root,
                        const std::string& base, const std::string& path,
                        bool follow_last, int* error = nullptr,
                        uint64_t resolve = 0,
                        const std::string& sandbox_proc = "", int root_fd = -1,
                        const std::string& view = "");

}  // namespace syd::tracee

#endif  // SYD_TRACEE_PATHS_H_
