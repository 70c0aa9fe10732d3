#include "src/supervise/isolate.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string>

#include "src/base/errno_status.h"
#include "src/base/strcat.h"
#include "src/base/whole_file.h"
#include "src/kernel/landlock.h"
#include "src/kernel/landlock_uapi.h"
#include "src/kernel/netns.h"
#include "src/supervise/pid_namespace.h"

namespace syd::supervise {
namespace {

// Where the private root is put together: the host's root is moved to
// kOldRoot beneath a scratch tmpfs, so that every bind source is read
// there whatever the mounts cover, and the new root is built at kNewRoot.
constexpr char kStage[] = "/tmp";
constexpr char kOldRoot[] = "/oldroot";
constexpr char kNewRoot[] = "/newroot";

absl::Status MountErr(const RootMount& m, const std::string& what) {
  const std::string spec =
      m.source.empty() ? m.target : StrCat(m.source, ":", m.target);
  return absl::FailedPreconditionError(
      StrCat("the private root: ", spec, ": ", what, ": ", strerror(errno)));
}

// Makes `path`'s missing directories, and the last as a directory or (for
// a file bind) an empty file. Only inside syd's own tmpfs (device `dev`):
// a mount point inside a bind would be made in the host's file system.
bool MakeMountPoint(const std::string& path, bool file, dev_t dev) {
  std::string at;
  size_t start = 1;
  while (true) {
    const size_t slash = path.find('/', start);
    const bool last = slash == std::string::npos;
    at = path.substr(0, last ? path.size() : slash);
    struct stat st;
    if (lstat(at.c_str(), &st) == 0) {
      if (S_ISLNK(st.st_mode)) {
        errno = ELOOP;
        return false;
      }
    } else if (errno != ENOENT) {
      return false;
    } else {
      const std::string parent = at.substr(0, at.rfind('/'));
      struct stat ps;
      if (stat(parent.empty() ? "/" : parent.c_str(), &ps) != 0) return false;
      if (ps.st_dev != dev) {
        errno = EROFS;  // not syd's to make: said by the caller
        return false;
      }
      const int rc =
          last && file
              ? close(open(at.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
                           0644))
              : mkdir(at.c_str(), 0755);
      if (rc != 0) return false;
    }
    if (last) return true;
    start = slash + 1;
  }
}

absl::Status Bind(const RootMount& m, dev_t dev) {
  const std::string source = StrCat(kOldRoot, m.source);
  const std::string target = StrCat(kNewRoot, m.target == "/" ? "" : m.target);
  struct stat st;
  if (stat(source.c_str(), &st) != 0) return MountErr(m, "the source");
  if (!MakeMountPoint(target, !S_ISDIR(st.st_mode), dev)) {
    return errno == EROFS
               ? absl::FailedPreconditionError(
                     StrCat("the private root: ", m.target,
                            ": its mount point is missing inside an earlier "
                            "bind, where syd makes none (bind the directory "
                            "that has it, or mount a tmpfs there first)"))
               : MountErr(m, "making the mount point");
  }
  if (mount(source.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC,
            nullptr) != 0) {
    return MountErr(m, "bind mount");
  }
  if (m.kind == RootMount::Kind::kBindRo) {
    // The mounts below the source too: one remount would leave them
    // writable.
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY;
    if (mount_setattr(AT_FDCWD, target.c_str(), AT_RECURSIVE, &attr,
                      sizeof attr) != 0) {
      return MountErr(m, "making it read-only");
    }
  }
  return absl::OkStatus();
}

// A /dev with the usual nodes, bound from the host's (the kernel makes
// devices only for CAP_MKNOD, and a bind keeps them the host's devices),
// its own pseudo-terminals and shared memory.
absl::Status MakeDev(const RootMount& m, dev_t dev) {
  const std::string at = StrCat(kNewRoot, m.target);
  if (!MakeMountPoint(at, false, dev))
    return MountErr(m, "making the mount point");
  if (mount("tmpfs", at.c_str(), "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755") !=
      0) {
    return MountErr(m, "tmpfs");
  }
  struct stat tmp;
  if (stat(at.c_str(), &tmp) != 0) return MountErr(m, "stat");
  for (const char* node :
       {"null", "zero", "full", "random", "urandom", "tty"}) {
    const std::string path = StrCat(at, "/", node);
    const std::string host = StrCat(kOldRoot, "/dev/", node);
    if (!MakeMountPoint(path, true, tmp.st_dev) ||
        mount(host.c_str(), path.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      return MountErr(m, StrCat("/dev/", node));
    }
  }
  const struct {
    const char* name;
    const char* target;
  } links[] = {{"fd", "/proc/self/fd"},
               {"stdin", "/proc/self/fd/0"},
               {"stdout", "/proc/self/fd/1"},
               {"stderr", "/proc/self/fd/2"},
               {"ptmx", "pts/ptmx"}};
  for (const auto& l : links) {
    if (symlink(l.target, StrCat(at, "/", l.name).c_str()) != 0)
      return MountErr(m, StrCat("/dev/", l.name));
  }
  const std::string pts = StrCat(at, "/pts");
  const std::string shm = StrCat(at, "/shm");
  if (mkdir(pts.c_str(), 0755) != 0 || mkdir(shm.c_str(), 01777) != 0)
    return MountErr(m, "/dev/pts, /dev/shm");
  if (mount("devpts", pts.c_str(), "devpts", MS_NOSUID | MS_NOEXEC,
            "newinstance,ptmxmode=0666,mode=620") != 0) {
    return MountErr(m, "devpts");
  }
  if (mount("tmpfs", shm.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") !=
      0) {
    return MountErr(m, "/dev/shm");
  }
  return absl::OkStatus();
}

absl::Status MountOne(const RootMount& m, dev_t dev) {
  const std::string at = StrCat(kNewRoot, m.target);
  switch (m.kind) {
    case RootMount::Kind::kBind:
    case RootMount::Kind::kBindRo:
      return Bind(m, dev);
    case RootMount::Kind::kDev:
      return MakeDev(m, dev);
    case RootMount::Kind::kTmpfs:
      // Anyone in the sandbox may write, as in /tmp: the command may run
      // as another user than syd.
      if (!MakeMountPoint(at, false, dev))
        return MountErr(m, "making the mount point");
      if (mount("tmpfs", at.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                "mode=1777") != 0) {
        return MountErr(m, "tmpfs");
      }
      return absl::OkStatus();
    case RootMount::Kind::kProc:
      break;
  }
  if (!MakeMountPoint(at, false, dev))
    return MountErr(m, "making the mount point");
  if (mount("proc", at.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
            nullptr) == 0) {
    return absl::OkStatus();
  }
  // In a user namespace of its own the command cannot mount a procfs of
  // a pid namespace it does not own (syd makes one only as root): the
  // host's, as it is, with the mounts below it.
  const std::string host = StrCat(kOldRoot, "/proc");
  if (errno != EPERM || mount(host.c_str(), at.c_str(), nullptr,
                              MS_BIND | MS_REC, nullptr) != 0) {
    return MountErr(m, "proc");
  }
  return absl::OkStatus();
}

absl::Status BuildRoot(const Isolation& isolation, bool own_proc) {
  char cwd[PATH_MAX];
  const bool had_cwd = getcwd(cwd, sizeof cwd) != nullptr;
  if (mount("tmpfs", kStage, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") != 0)
    return ErrnoStatus(StrCat("the private root: a tmpfs on ", kStage));
  if (chdir(kStage) != 0 || mkdir(kOldRoot + 1, 0700) != 0 ||
      mkdir(kNewRoot + 1, 0755) != 0) {
    return ErrnoStatus("the private root: its scratch directories");
  }
  if (syscall(SYS_pivot_root, ".", kOldRoot + 1) != 0)
    return ErrnoStatus("the private root: pivot_root to the scratch tmpfs");
  if (chdir("/") != 0) return ErrnoStatus("chdir");
  if (mount("tmpfs", kNewRoot, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") !=
      0) {
    return ErrnoStatus("the private root: its tmpfs");
  }
  struct stat root;
  if (stat(kNewRoot, &root) != 0) return ErrnoStatus("the private root: stat");
  bool has_proc = false;
  for (const RootMount& m : isolation.mounts) {
    if (absl::Status s = MountOne(m, root.st_dev); !s.ok()) return s;
    has_proc =
        has_proc || (m.kind == RootMount::Kind::kProc && m.target == "/proc");
  }
  // syd reads the sandbox's pids at its /proc.
  if (own_proc && !has_proc) {
    if (absl::Status s =
            MountOne({RootMount::Kind::kProc, "", "/proc"}, root.st_dev);
        !s.ok()) {
      return s;
    }
  }
  if (umount2(kOldRoot, MNT_DETACH) != 0)
    return ErrnoStatus("the private root: detaching the host's root");
  if (chdir(kNewRoot) != 0) return ErrnoStatus("the private root: chdir");
  if (isolation.root_switch == Isolation::RootSwitch::kChroot) {
    if (chroot(".") != 0) return ErrnoStatus("the private root: chroot");
  } else {
    // The new root over the scratch one, which is then detached from
    // beneath it: nothing of it, nor of the host's root, stays reachable.
    if (syscall(SYS_pivot_root, ".", ".") != 0)
      return ErrnoStatus("the private root: pivot_root");
    if (umount2(".", MNT_DETACH) != 0)
      return ErrnoStatus("the private root: detaching the scratch root");
  }
  if (chdir("/") != 0) return ErrnoStatus("chdir /");
  // Its own tmpfs read-only: what the command may write is what a bind or
  // a tmpfs gave it.
  if (mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) !=
      0) {
    return ErrnoStatus("the private root: making it read-only");
  }
  if (!isolation.chdir.empty()) {
    if (chdir(isolation.chdir.c_str()) != 0)
      return ErrnoStatus(StrCat("isolate/chdir=", isolation.chdir));
  } else if (had_cwd && chdir(cwd) != 0 && chdir("/") != 0) {
    return ErrnoStatus("chdir /");
  }
  return absl::OkStatus();
}

bool HasCapSysAdmin() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  return syscall(SYS_capget, &header, data) == 0 &&
         (data[0].effective & (1U << CAP_SYS_ADMIN)) != 0;
}

}  // namespace

absl::Status EnterOwnUserNamespace() {
  const uid_t uid = getuid();
  const gid_t gid = getgid();
  if (unshare(CLONE_NEWUSER) != 0) {
    return ErrnoStatus(
        "cannot make a user namespace, which the namespaces and the private "
        "root need without root (are unprivileged user namespaces off? "
        "/proc/sys/user/max_user_namespaces, or AppArmor's "
        "kernel.apparmor_restrict_unprivileged_userns)");
  }
  if (!WriteInOneWrite("/proc/self/setgroups", "deny") ||
      !WriteInOneWrite("/proc/self/uid_map", StrCat(uid, " ", uid, " 1\n")) ||
      !WriteInOneWrite("/proc/self/gid_map", StrCat(gid, " ", gid, " 1\n"))) {
    return ErrnoStatus("mapping syd's user into its user namespace");
  }
  return absl::OkStatus();
}

kernel::LandlockRuleset WithPrivateRootDomain(const Isolation& isolation,
                                              kernel::LandlockRuleset rules) {
  if (isolation.private_root())
    rules.handled_fs |= kernel::kLandlockFsMakeBlock;
  return rules;
}

absl::Status EnterIsolation(const Isolation& isolation, bool own_proc) {
  uint64_t flags =
      isolation.namespaces & ~uint64_t{CLONE_NEWPID | CLONE_NEWNET};
  if (own_proc || isolation.private_root()) flags |= CLONE_NEWNS;
  const bool own_userns =
      (flags != 0 || (isolation.namespaces & CLONE_NEWNET)) &&
      !HasCapSysAdmin();
  if (own_userns) {
    if (absl::Status s = EnterOwnUserNamespace(); !s.ok()) return s;
  }
  if (isolation.namespaces & CLONE_NEWNET) {
    if (absl::Status s = kernel::EnterNewNetworkNamespace(); !s.ok()) return s;
  }
  if (flags != 0 && unshare(static_cast<int>(flags)) != 0) {
    return ErrnoStatus(
        StrCat("cannot make the namespaces (", NamespaceNames(flags), ")"));
  }
  if (!isolation.hostname.empty() &&
      sethostname(isolation.hostname.data(), isolation.hostname.size()) != 0) {
    return ErrnoStatus(StrCat("isolate/hostname=", isolation.hostname));
  }
  if (flags & CLONE_NEWNS) {
    // A slave of syd's: mounts made here never show outside, and later
    // ones outside still show here (without a private root).
    if (mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0)
      return ErrnoStatus("making / a slave mount");
  }
  if (isolation.private_root()) {
    // Root without a pid namespace of syd's gets the host's processes in
    // its /proc, and CAP_SYS_PTRACE lets it follow their root out of the
    // private root: only a Landlock domain keeps it out of them. (In a
    // user namespace of its own it has no capability over them.)
    const bool host_proc = std::any_of(
        isolation.mounts.begin(), isolation.mounts.end(),
        [](const RootMount& m) { return m.kind == RootMount::Kind::kProc; });
    if (host_proc && !own_proc && !own_userns && kernel::LandlockAbi() < 2) {
      return absl::FailedPreconditionError(
          "isolate/proc: without a Landlock domain (ABI 2, Linux 5.19) and "
          "without a pid namespace of syd's, the host's processes in /proc "
          "would lead out of the private root (their root and cwd): leave "
          "/proc out, or run syd as root");
    }
    return BuildRoot(isolation, own_proc);
  }
  if (own_proc) {
    absl::Status s = MountSandboxProc();
    if (!s.ok()) {
      return absl::FailedPreconditionError(
          StrCat(s.message(),
                 " (SYD_PID_NAMESPACE=0 runs the sandbox without a pid "
                 "namespace)"));
    }
  }
  if (!isolation.chdir.empty() && chdir(isolation.chdir.c_str()) != 0)
    return ErrnoStatus(StrCat("isolate/chdir=", isolation.chdir));
  return absl::OkStatus();
}

absl::Status DropPrivileges(const Isolation& isolation,
                            std::initializer_list<int> syd_fds) {
  if (isolation.keep_fds) {
    // Closed in the ranges between the descriptors kept.
    std::vector<int> kept = *isolation.keep_fds;
    for (int fd : syd_fds) {
      if (fd > 2) kept.push_back(fd);
    }
    std::sort(kept.begin(), kept.end());
    unsigned first = 3;
    for (int fd : kept) {
      if (static_cast<unsigned>(fd) > first)
        syscall(SYS_close_range, first, static_cast<unsigned>(fd) - 1, 0);
      if (static_cast<unsigned>(fd) + 1 > first)
        first = static_cast<unsigned>(fd) + 1;
    }
    syscall(SYS_close_range, first, ~0U, 0);
  }
  // A user without root (in a user namespace syd made, its own ids alone
  // are mapped) cannot change them.
  auto ids_error = [](const std::string& what) {
    const int error = errno;
    return absl::FailedPreconditionError(
        StrCat(what, ": ", strerror(error),
               geteuid() != 0 ? " (only root runs the command as another "
                                "user or group)"
                              : ""));
  };
  const std::optional<gid_t> gid = isolation.run_gid();
  if (gid) {
    if (setgroups(1, &*gid) != 0) return ids_error("setgroups");
    if (setresgid(*gid, *gid, *gid) != 0)
      return ids_error(StrCat("setting the group to ", *gid));
  } else if (isolation.uid && setgroups(0, nullptr) != 0) {
    return ids_error("setgroups");
  }
  if (isolation.caps) {
    // Out of the bounding set first: nothing the command execs can gain
    // them back, setuid root or file capabilities alike.
    for (int cap = 0; cap <= CAP_LAST_CAP; ++cap) {
      if ((*isolation.caps & (uint64_t{1} << cap)) == 0 &&
          prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
        return ErrnoStatus("dropping the capabilities (PR_CAPBSET_DROP)");
      }
    }
    if (isolation.uid && *isolation.uid != 0 &&
        prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) {
      return ErrnoStatus("PR_SET_KEEPCAPS");
    }
  }
  if (isolation.uid &&
      setresuid(*isolation.uid, *isolation.uid, *isolation.uid) != 0) {
    return ids_error(StrCat("setting the user to ", *isolation.uid));
  }
  if (isolation.caps) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    for (int i = 0; i < 2; ++i) {
      const uint32_t bits = static_cast<uint32_t>(*isolation.caps >> (32 * i));
      data[i].effective = data[i].permitted = data[i].inheritable = bits;
    }
    if (syscall(SYS_capset, &header, data) != 0)
      return ErrnoStatus("setting the capabilities kept (capset)");
    // A user other than root keeps them across exec only as ambient ones.
    if (isolation.uid && *isolation.uid != 0) {
      for (int cap = 0; cap <= CAP_LAST_CAP; ++cap) {
        if ((*isolation.caps & (uint64_t{1} << cap)) &&
            prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) {
          return ErrnoStatus("keeping the capabilities across exec (ambient)");
        }
      }
    }
  }
  if (isolation.clearenv) clearenv();
  for (const std::string& e : isolation.setenv) {
    const size_t eq = e.find('=');
    if (setenv(e.substr(0, eq).c_str(), e.c_str() + eq + 1, 1) != 0)
      return ErrnoStatus(StrCat("isolate/setenv=", e));
  }
  return absl::OkStatus();
}

}  // namespace syd::supervise
