#include "src/tracee/paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "src/base/strcat.h"
#include "src/tracee/procfs.h"

namespace syd::tracee {

std::optional<std::string> ReadLink(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  if (n >= static_cast<ssize_t>(sizeof buf)) errno = ENAMETOOLONG;
  if (n < 0 || n >= static_cast<ssize_t>(sizeof buf)) return std::nullopt;
  return std::string(buf, static_cast<size_t>(n));
}

bool LinkNamesFile(const std::string& link, const std::string& target) {
  if (target.empty() || target[0] != '/') return false;
  struct stat st;
  return stat(link.c_str(), &st) != 0 || st.st_nlink > 0;
}

int OpenAt2(int dirfd, const char* path, uint64_t flags, uint64_t resolve,
            uint64_t mode) {
  open_how how{};
  how.flags = flags;
  how.mode = mode;
  how.resolve = resolve;
  return static_cast<int>(syscall(SYS_openat2, dirfd, path, &how, sizeof how));
}

int LstatIn(int root_fd, const std::string& path, struct stat* st) {
  if (root_fd < 0) return lstat(path.c_str(), st);
  const size_t skip = path.find_first_not_of('/');
  return fstatat(root_fd, skip == std::string::npos ? "" : path.c_str() + skip,
                 st, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH);
}

namespace {

// The id of the mount `path` is on (a mount point: the mounted one), as
// syd reads it, following no link at the end; nothing where there is no
// such file.
std::optional<uint64_t> MountIdOf(const std::string& path, bool follow) {
  struct statx stx {};
  const int flags = AT_NO_AUTOMOUNT | (follow ? 0 : AT_SYMLINK_NOFOLLOW);
  if (statx(AT_FDCWD, path.empty() ? "/" : path.c_str(), flags, STATX_MNT_ID,
            &stx) != 0 ||
      (stx.stx_mask & STATX_MNT_ID) == 0) {
    return std::nullopt;
  }
  return stx.stx_mnt_id;
}

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// Whether `dir` (as syd reads it) is the root of a procfs mount, wherever
// it is mounted: its "self" is the process that looks.
bool IsProcRoot(const std::string& dir) {
  struct statfs fs;
  struct stat st;
  constexpr ino_t kProcRootIno = 1;
  return statfs(dir.empty() ? "/" : dir.c_str(), &fs) == 0 &&
         fs.f_type == PROC_SUPER_MAGIC &&
         stat(dir.empty() ? "/" : dir.c_str(), &st) == 0 &&
         st.st_ino == kProcRootIno;
}

// PID/fd/N, PID/ns/NAME, PID/map_files/RANGE, PID/cwd, PID/root, PID/exe
// and the same under task/TID, given below a procfs root: links the kernel
// follows to an object, not a name (ns/net reads "net:[4026531833]").
bool IsProcMagic(std::string_view rel) {
  const size_t slash = rel.rfind('/');
  if (slash == std::string_view::npos) return false;
  const std::string_view dir = rel.substr(0, slash);
  for (std::string_view parent : {"/fd", "/ns", "/map_files"}) {
    if (dir.ends_with(parent)) return true;
  }
  for (std::string_view leaf : {"/cwd", "/root", "/exe"}) {
    if (rel.size() > leaf.size() && rel.ends_with(leaf)) return true;
  }
  return false;
}

// The entry of directory `parent` that is the directory `child` (its
// device and inode), or nothing. A mount point's entry shows the inode
// beneath the mount, so entries are compared by what they are.
std::optional<std::string> EntryNamed(int parent, const struct stat& child) {
  const int listing = openat(parent, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (listing < 0) return std::nullopt;
  DIR* dir = fdopendir(listing);
  if (dir == nullptr) {
    close(listing);
    return std::nullopt;
  }
  std::optional<std::string> found;
  while (dirent* e = readdir(dir)) {
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) continue;
    struct stat st;
    if (fstatat(parent, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        st.st_dev == child.st_dev && st.st_ino == child.st_ino) {
      found = std::string(name);
      break;
    }
  }
  closedir(dir);
  return found;
}

// The name of the directory the magic link `link` refers to, found by
// walking up from it as getcwd(3) does: /proc shows no name longer than
// PATH_MAX, and builds make deeper trees (coreutils', tar's and gnulib's
// tests do).
std::optional<std::string> LongDirectoryName(const std::string& link) {
  int cur = open(link.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (cur < 0) return std::nullopt;
  std::vector<std::string> names;
  bool ok = false;
  // Bounded: a name of PATH_MAX components of one byte is deeper than any
  // tree a build makes.
  for (int depth = 0; depth < 2 * PATH_MAX; ++depth) {
    struct stat here;
    struct stat up;
    const int parent = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (parent < 0 || fstat(cur, &here) != 0 || fstat(parent, &up) != 0) {
      if (parent >= 0) close(parent);
      break;
    }
    if (here.st_dev == up.st_dev && here.st_ino == up.st_ino) {  // the root
      close(parent);
      ok = true;
      break;
    }
    std::optional<std::string> name = EntryNamed(parent, here);
    close(cur);
    cur = parent;
    if (!name) break;
    names.push_back(*std::move(name));
  }
  close(cur);
  if (!ok) return std::nullopt;
  std::string out;
  for (auto it = names.rbegin(); it != names.rend(); ++it) (out += '/') += *it;
  return out.empty() ? "/" : out;
}

}  // namespace

std::optional<std::string> BaseDirectory(pid_t pid, int dirfd) {
  std::string link = dirfd == AT_FDCWD ? "/proc/" + std::to_string(pid) + "/cwd"
                                       : "/proc/" + std::to_string(pid) +
                                             "/fd/" + std::to_string(dirfd);
  std::optional<std::string> name = ReadLink(link);
  if (!name && errno == ENAMETOOLONG) return LongDirectoryName(link);
  return name;
}

namespace {

// The walk: syd's own resolution, a component at a time (ResolvePath's
// contract, without `root_fd`).
std::string WalkPath(pid_t pid, const std::string& root,
                     const std::string& base, const std::string& path,
                     bool follow_last, int* error, uint64_t resolve,
                     const std::string& sandbox_proc, const std::string& view) {
  const bool in_root = (resolve & RESOLVE_IN_ROOT) != 0;
  const bool beneath = (resolve & RESOLVE_BENEATH) != 0;
  const bool no_symlinks = (resolve & RESOLVE_NO_SYMLINKS) != 0;
  const bool no_magiclinks =
      no_symlinks || (resolve & RESOLVE_NO_MAGICLINKS) != 0;
  const bool no_xdev = (resolve & RESOLVE_NO_XDEV) != 0;
  // The kernel's lookup fails at the first component that fails: the
  // first error is the one it answers.
  auto fail = [&](int errno_value) {
    if (error != nullptr && *error == 0) *error = errno_value;
  };
  // `host` is the path resolved so far as syd reads it: the tracee's root,
  // then the components. It grows and shrinks in place, so that each
  // component costs its own length, not the path's: a path made of 40
  // links of 4,000 bytes each is resolved in linear time, as the kernel
  // does.
  const std::string root_prefix = root == "/" ? "" : root;
  std::string host = root_prefix;
  size_t root_len = host.size();
  // `base` (the cwd or a dirfd, as /proc shows it to syd) is already a
  // path as syd reads it. One outside the root (a chroot without chdir)
  // has no name in the tracee's view: judge it in syd's.
  const bool relative = path.empty() || path[0] != '/';
  if (relative || in_root || beneath) {
    if (root_len != 0 && (base.compare(0, root_len, host) != 0 ||
                          (base.size() > root_len && base[root_len] != '/'))) {
      root_len = 0;
    }
    host.clear();
    for (const std::string& d : Split(base)) (host += '/') += d;
  }
  if (beneath && !relative) {
    fail(EXDEV);
    return path;
  }
  // RESOLVE_IN_ROOT and RESOLVE_BENEATH: nothing above the dirfd.
  const size_t floor = in_root || beneath ? host.size() : root_len;
  // A prefix of `host` that syd reads elsewhere: host[0, alias_end) reads
  // as `alias_read`. Two kinds: a procfs's "self" or "thread-self", which
  // stays spelt so (rules name /proc/self) but reads as the tracee's pid in
  // syd's /proc; and the sandbox's own /proc (a pid namespace of syd's),
  // mounted where syd's /proc is in syd's view, which reads through
  // `sandbox_proc` so that /proc/PID is the sandbox's PID.
  constexpr std::string_view kProc = "/proc";
  size_t alias_end = std::string::npos;
  bool alias_self = false;
  std::string alias_read;
  auto at_sandbox_proc = [&] {
    if (!sandbox_proc.empty() && host.compare(0, kProc.size(), kProc) == 0 &&
        (host.size() == kProc.size() || host[kProc.size()] == '/')) {
      alias_end = kProc.size();
      alias_self = false;
      alias_read = sandbox_proc;
    }
  };
  auto forget_alias = [&] {
    if (alias_end != std::string::npos && host.size() < alias_end)
      alias_end = std::string::npos;
  };
  std::string read_path;
  // What syd reads for host[0, upto).
  auto read_of = [&](size_t upto) -> const std::string& {
    if (alias_end == std::string::npos || upto < alias_end) {
      read_path.assign(view);
      read_path.append(host, 0, upto);
    } else {
      read_path = alias_read;
      read_path.append(host, alias_end, upto - alias_end);
    }
    return read_path;
  };
  at_sandbox_proc();
  // RESOLVE_NO_XDEV: the lookup stays on the mount it starts from (the
  // dirfd's, or the root's for an absolute name); every place it reaches
  // that exists is checked, as the kernel fails each crossing, down into a
  // mount, up out of one, or by a link's jump. The components of a magic
  // link's target are not walked by the kernel (it jumps to the object):
  // only the object is checked, and `unchecked` skips the rest.
  // (A mount id and a flag, not an optional: GCC's -O2 warns about the
  // optional's value inside the lambda.)
  uint64_t start_mount = 0;
  bool check_mounts = false;
  if (no_xdev) {
    if (const std::optional<uint64_t> m =
            MountIdOf(read_of(host.size()), false)) {
      start_mount = *m;
      check_mounts = true;
    }
  }
  size_t unchecked = 0;
  auto crossed = [&](bool follow = false) {
    if (!check_mounts) return false;
    const std::optional<uint64_t> here =
        MountIdOf(read_of(host.size()), follow);
    return here.has_value() && *here != start_mount;
  };
  // Components still to walk, the next one at the back.
  std::vector<std::string> todo = Split(path);
  std::vector<std::string> stack(todo.rbegin(), todo.rend());
  int links = 0;
  // The component just walked exists and is not a link, so it may be a
  // file that ".." cannot leave (the kernel's ENOTDIR).
  bool maybe_file = false;
  while (!stack.empty()) {
    std::string part = std::move(stack.back());
    stack.pop_back();
    const bool check_mount = unchecked == 0;
    if (unchecked > 0) --unchecked;
    if (part == ".") continue;
    if (part == "..") {
      struct stat st;
      if (maybe_file && stat(read_of(host.size()).c_str(), &st) == 0 &&
          !S_ISDIR(st.st_mode)) {
        fail(ENOTDIR);
      }
      maybe_file = false;
      if (host.size() > floor) {
        host.resize(host.rfind('/'));
      } else if (beneath) {
        fail(EXDEV);
        break;
      }
      forget_alias();
      if (check_mount && crossed()) {
        fail(EXDEV);
        break;
      }
      continue;
    }
    const bool last = stack.empty();
    maybe_file = false;
    const size_t before = host.size();
    (host += '/') += part;
    if (before == 0 && part == kProc.substr(1)) at_sandbox_proc();
    // A mount point is crossed whether or not a link at the end is
    // followed.
    if (check_mount && crossed()) {
      fail(EXDEV);
      break;
    }
    if (last && !follow_last) break;
    // The sandbox's /proc itself: a directory, though syd reaches it
    // through a link of its own.
    if (!alias_self && alias_end == host.size()) continue;
    if (!alias_self && (part == "self" || part == "thread-self") &&
        IsProcRoot(read_of(before))) {
      // /proc/self is the thread group, /proc/thread-self the thread: in
      // syd's /proc, the same process whichever procfs named it.
      const pid_t tgid = ThreadGroup(pid);
      alias_end = host.size();
      alias_self = true;
      alias_read = StrCat(kProc, "/", tgid);
      if (part == "thread-self") alias_read += StrCat("/task/", pid);
      continue;
    }
    const bool proc = alias_end != std::string::npos ||
                      std::string_view(host).substr(root_len, 6) == "/proc/";
    const std::string& link = read_of(host.size());
    std::optional<std::string> target = ReadLink(link);
    maybe_file = !target && errno == EINVAL;
    if (!target) {
      // Components are kept as written where the lookup fails (reports
      // name the whole path), but the kernel fails it there whatever
      // follows, ".." included: a missing directory (a missing last name
      // is one the call may make) or a file taken for one.
      if (errno == ENOTDIR || (errno == ENOENT && !last)) fail(errno);
      continue;
    }
    // A descriptor's link to a pipe, socket, anonymous inode, memfd or
    // unlinked file names no file: the kernel opens the object itself,
    // which no name reaches.
    const bool magic = proc && IsProcMagic(link);
    if (magic && no_magiclinks) {
      fail(ELOOP);
      break;
    }
    if (magic) {
      if (!LinkNamesFile(link, *target)) continue;
      if (crossed(/*follow=*/true)) {
        fail(EXDEV);
        break;
      }
    }
    // A 41st link, or any with RESOLVE_NO_SYMLINKS: the kernel fails the
    // lookup with ELOOP.
    if (++links > 40 || no_symlinks) {
      fail(ELOOP);
      break;
    }
    const bool absolute = !target->empty() && (*target)[0] == '/';
    if (absolute && beneath && !magic) {
      fail(EXDEV);
      break;
    }
    host.resize(before);
    // A magic link's target is the object's name in syd's view; another
    // absolute link starts again from the root (the dirfd, in the root or
    // beneath it).
    if (magic) {
      host.clear();
    } else if (absolute && (in_root || beneath)) {
      host.resize(floor);
    } else if (absolute) {
      host = root_prefix;
    }
    forget_alias();
    // An absolute link jumps to the root (the dirfd, in the root or
    // beneath it): on another mount, the kernel's EXDEV.
    if (!magic && absolute && crossed()) {
      fail(EXDEV);
      break;
    }
    std::vector<std::string> more = Split(*target);
    if (magic && check_mounts) unchecked = more.size();
    for (auto it = more.rbegin(); it != more.rend(); ++it) stack.push_back(*it);
  }
  // The reference view, syd's: a path under a chroot the tracee made is
  // judged where it lands.
  return host.empty() ? "/" : host;
}

// `path` (absolute) with "." and ".." taken away and no empty component,
// ".." stopping at "/": what the kernel's lookup makes of a name with no
// link in it.
std::string Lexical(const std::string& path) {
  std::string out;
  for (const std::string& part : Split(path)) {
    if (part == ".") continue;
    if (part == "..") {
      out.resize(out.empty() ? 0 : out.rfind('/'));
      continue;
    }
    (out += '/') += part;
  }
  return out.empty() ? "/" : out;
}

// The name syd's /proc gives the file open at `fd`, which the kernel
// reached through links: nothing for a name syd could not judge as the
// tracee's (not absolute, an unlinked file's, too long), or for a file on
// a procfs, where a link ("self", "thread-self", "mounts") may have been
// read as syd's.
std::optional<std::string> NameReached(int fd) {
  struct statfs fs;
  if (fstatfs(fd, &fs) != 0 || fs.f_type == PROC_SUPER_MAGIC)
    return std::nullopt;
  // /proc/self/fd opened once: the lookup of its three components costs
  // more than the link's own read.
  static const int fds =
      open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
  char buf[PATH_MAX];
  const ssize_t n =
      readlinkat(fds, std::to_string(fd).c_str(), buf, sizeof buf);
  std::optional<std::string> name;
  if (n > 0 && n < static_cast<ssize_t>(sizeof buf))
    name.emplace(buf, static_cast<size_t>(n));
  constexpr std::string_view kDeleted = " (deleted)";
  if (!name || name->empty() || (*name)[0] != '/' ||
      std::string_view(*name).ends_with(kDeleted)) {
    return std::nullopt;
  }
  return name;
}

// The kernel's resolution of `path` (absolute, in the tracee's view) from
// the tracee's root `root_fd`, with no magic link: first with no link at
// all, where the name is the path itself once "." and ".." are gone (the
// common case, and the cheapest: one openat2, no name read back); else
// following the links, named by what was opened. `directory` asks for a
// directory, and `*opened`, when given, keeps the descriptor. Nothing,
// with errno, where the kernel fails it or the name cannot be judged as
// the tracee's.
std::optional<std::string> KernelName(int root_fd, const std::string& path,
                                      bool follow_last, bool directory,
                                      int* opened = nullptr) {
  const uint64_t flags = O_PATH | O_CLOEXEC | (follow_last ? 0 : O_NOFOLLOW) |
                         (directory ? O_DIRECTORY : 0);
  std::optional<std::string> name;
  int fd = OpenAt2(root_fd, path.c_str(), flags,
                   RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
  if (fd >= 0) {
    name = Lexical(path);
  } else if (errno == ELOOP) {
    fd = OpenAt2(root_fd, path.c_str(), flags,
                 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    if (fd >= 0) name = NameReached(fd);
  }
  if (fd < 0) return std::nullopt;
  if (name && opened != nullptr) {
    *opened = fd;
  } else {
    close(fd);
  }
  if (!name) errno = EPERM;
  return name;
}

// ResolvePath through the kernel (see `root_fd` there): nothing where the
// walk must answer.
std::optional<std::string> KernelResolve(int root_fd, const std::string& base,
                                         const std::string& path,
                                         bool follow_last) {
  const std::string full =
      path[0] == '/' ? path
                     : StrCat(base, base.ends_with('/') ? "" : "/", path);
  if (full.size() >= PATH_MAX) return std::nullopt;
  std::optional<std::string> name =
      KernelName(root_fd, full, follow_last, /*directory=*/false);
  if (name || errno != ENOENT) return name;
  // A missing last name, which the call may make: its directory resolved,
  // the name kept as written. A dangling link there (followed, it leads
  // elsewhere) is the walk's.
  const size_t end = full.find_last_not_of('/');
  if (end == std::string::npos) return std::nullopt;
  const size_t slash = full.rfind('/', end);
  const std::string last = full.substr(slash + 1, end - slash);
  if (last == "." || last == "..") return std::nullopt;
  const std::string dir_path = full.substr(0, slash + 1);
  int dir_fd = -1;
  std::optional<std::string> dir = KernelName(
      root_fd, dir_path, /*follow_last=*/true, /*directory=*/true, &dir_fd);
  if (!dir) return std::nullopt;
  struct stat st;
  const bool missing =
      fstatat(dir_fd, last.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 &&
      errno == ENOENT;
  close(dir_fd);
  if (!missing) return std::nullopt;
  return StrCat(*dir == "/" ? "" : *dir, "/", last);
}

}  // namespace

std::string ResolvePath(pid_t pid, const std::string& root,
                        const std::string& base, const std::string& path,
                        bool follow_last, int* error, uint64_t resolve,
                        const std::string& sandbox_proc, int root_fd,
                        const std::string& view) {
  // A trailing slash makes the kernel follow a link at the end (and want
  // a directory), whatever the call asks: lchown("link/") changes the
  // directory the link names.
  if (path.size() > 1 && path.back() == '/') follow_last = true;
  // The walk costs a readlink per component, the kernel's lookup about
  // four of them whatever the depth (bench/resolve_bench): short names are
  // walked.
  constexpr size_t kWalkedComponents = 2;
  if (root_fd >= 0 && root == "/" && resolve == 0 && !path.empty() &&
      static_cast<size_t>(std::count(path.begin(), path.end(), '/')) +
              (path[0] == '/' ? 0 : 1) >
          kWalkedComponents) {
    if (std::optional<std::string> name =
            KernelResolve(root_fd, base, path, follow_last)) {
      return *std::move(name);
    }
  }
  return WalkPath(pid, root, base, path, follow_last, error, resolve,
                  sandbox_proc, view);
}

}  // namespace syd::tracee
