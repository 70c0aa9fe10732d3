#include "src/tracee/decode.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "absl/strings/str_format.h"
#include "src/base/escape.h"
#include "src/base/strcat.h"
#include "src/kernel/uapi.h"
#include "src/lang/identifiers.h"
#include "src/tracee/paths.h"

namespace syd::tracee {

bool FollowsLast(const SyscallInfo& s, const Call& e, int i) {
  const ArgSpec& a = s.args[i];
  const int at = s.ArgOfKind(ArgKind::kAtFlags);
  const int at_flags = at >= 0 ? static_cast<int>(e.args[at]) : -1;
  const std::optional<uint64_t> open = OpenFlagsOf(s, e);
  const int open_flags = open ? static_cast<int>(*open) : -1;
  if (s.name == "linkat" && at_flags >= 0)
    return (at_flags & AT_SYMLINK_FOLLOW) != 0;
  if (a.nofollow) return false;
  if (open_flags >= 0) {
    if (open_flags & O_NOFOLLOW) return false;
    // O_CREAT|O_EXCL fails on any existing name, symlinks included.
    if ((open_flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) return false;
    return true;
  }
  if (at_flags >= 0) return (at_flags & AT_SYMLINK_NOFOLLOW) == 0;
  return true;
}

std::optional<uint64_t> OpenFlagsOf(const SyscallInfo& s, const Call& e) {
  if (int i = s.ArgOfKind(ArgKind::kOpenFlags); i >= 0)
    return e.args[i] & 0xffffffffu;
  if (s.ArgOfKind(ArgKind::kOpenHow) >= 0) return e.open_how_flags;
  return std::nullopt;
}

SocketAddress DecodeSockaddr(const uint8_t* data, size_t len) {
  SocketAddress a;
  if (len < sizeof(sa_family_t)) return a;
  sa_family_t family;
  std::memcpy(&family, data, sizeof family);
  a.raw_family = family;
  if (family == AF_UNIX) {
    const size_t off = offsetof(sockaddr_un, sun_path);
    if (len > off && data[off] == '\0') {
      a.family = AddressFamily::kUnixAbstract;
      a.path.assign(reinterpret_cast<const char*>(data + off + 1),
                    len - off - 1);
    } else {
      a.family = AddressFamily::kUnix;
      const char* p = reinterpret_cast<const char*>(data + off);
      a.path.assign(p, strnlen(p, len > off ? len - off : 0));
    }
  } else if (family == AF_INET && len >= sizeof(sockaddr_in)) {
    sockaddr_in in;
    std::memcpy(&in, data, sizeof in);
    a.family = AddressFamily::kInet;
    std::memcpy(a.ip.data(), &in.sin_addr, 4);
    a.port = ntohs(in.sin_port);
  } else if (family == AF_INET6 &&
             len >= offsetof(sockaddr_in6, sin6_scope_id)) {
    // The kernel takes one without its scope id: RFC 2133's 24 bytes
    // (SIN6_LEN_RFC2133), as older programs still pass.
    sockaddr_in6 in6{};
    std::memcpy(&in6, data, std::min(len, sizeof in6));
    a.family = AddressFamily::kInet6;
    std::memcpy(a.ip.data(), &in6.sin6_addr, 16);
    a.port = ntohs(in6.sin6_port);
  }
  return a;
}

std::optional<std::string> RootOf(pid_t pid) {
  return ReadLink(StrCat("/proc/", pid, "/root"));
}

DecodeResult Decode(const Process& process, const std::string& root, Call* e,
                    bool want_process_names) {
  e->decoded = true;
  const SyscallInfo* s = FindSyscall(e->nr);
  if (s == nullptr) return DecodeResult::kOk;
  // openat2's struct open_how: the flags, and how the path resolves.
  uint64_t resolve = 0;
  for (int i = 0; i < s->nargs; ++i) {
    if (s->args[i].kind == ArgKind::kOpenHow) {
      open_how how{};
      const size_t size = i + 1 < s->nargs ? e->args[i + 1] : 0;
      const int err =
          ReadStructArg(process, e->args[i], size, &how, sizeof how);
      if (err == EFAULT) return DecodeResult::kFault;
      if (err == EINVAL) {
        // Too small: the kernel's EINVAL; the flags still judge the call.
        if (!process.Read(e->args[i], &how.flags, sizeof how.flags))
          return DecodeResult::kFault;
      } else {
        // E2BIG comes before the kernel looks anything up, and before it
        // reads the struct: what syd can read of it still judges the call.
        if (err == E2BIG) {
          e->struct_error = E2BIG;
          if (!process.Read(e->args[i], &how, sizeof how)) how = open_how{};
        }
        resolve = how.resolve;
        e->open_how_mode = how.mode;
        e->open_how_resolve = how.resolve;
      }
      e->open_how_flags = how.flags;
    }
  }
  for (int i = 0; i < s->nargs; ++i) {
    const ArgSpec& a = s->args[i];
    // The file a descriptor refers to, as /proc shows it; nothing for a
    // descriptor that is not open (no such link: the kernel's EBADF). A
    // file syd cannot name is not judged unnamed, where a rule on its name
    // could not match: false, and the call is refused.
    auto name_descriptor = [&](int fd) {
      errno = 0;
      if (std::optional<std::string> file = process.DescriptorFile(fd)) {
        e->strings[i] = *file;
        return true;
      }
      return errno == ENOENT;
    };
    // A unix socket's path resolves as a file's: from the cwd, through
    // "..", links and the sandbox's /proc (connect and sendto follow a
    // link at the end; bind makes the socket there, following none).
    auto resolve_unix = [&](SocketAddress* addr) {
      if (addr->family != AddressFamily::kUnix || addr->path.empty())
        return true;
      errno = 0;
      std::optional<std::string> base = addr->path[0] == '/'
                                            ? std::optional<std::string>("/")
                                            : process.BaseDirectory(AT_FDCWD);
      if (!base) return errno == ENOENT;
      addr->path = ResolvePath(
          process.pid(), root, *base, addr->path, s->name != "bind", nullptr, 0,
          process.SandboxProc(), process.RootDescriptor(), process.View());
      return true;
    };
    // The socket address of `len` bytes at `ptr`, decoded and a unix path
    // resolved, into `*out`.
    auto read_address = [&](uint64_t ptr, size_t len, SocketAddress* out,
                            std::string* bytes = nullptr) {
      uint8_t buf[sizeof(sockaddr_storage)] = {};
      len = std::min(len, sizeof buf);
      if (!process.Read(ptr, buf, len)) return DecodeResult::kFault;
      *out = DecodeSockaddr(buf, len);
      if (bytes != nullptr) bytes->assign(reinterpret_cast<char*>(buf), len);
      return resolve_unix(out) ? DecodeResult::kOk : DecodeResult::kUnnamed;
    };
    if (a.from_fd && a.IsPath()) {
      const int fd = static_cast<int>(e->args[i]);
      if (fd >= 0 && !name_descriptor(fd)) return DecodeResult::kUnnamed;
      continue;
    }
    if (a.IsPath()) {
      // utimensat(fd, NULL, ...) (futimens) and futimesat(fd, NULL, ...)
      // work on the descriptor's file: judge that file. Other NULL paths
      // fault.
      if (e->args[i] == 0 &&
          (s->name == "utimensat" || s->name == "futimesat")) {
        if (!name_descriptor(static_cast<int>(e->args[a.dirfd])))
          return DecodeResult::kUnnamed;
        continue;
      }
      std::optional<std::string> raw = process.ReadString(e->args[i], PATH_MAX);
      if (!raw) {
        // PATH_MAX readable bytes without a NUL: the kernel's ENAMETOOLONG;
        // otherwise its EFAULT.
        std::string probe(PATH_MAX, '\0');
        if (!process.Read(e->args[i], probe.data(), probe.size()))
          return DecodeResult::kFault;
        e->path_errors[i] = ENAMETOOLONG;
        e->strings[i] = "";
        continue;
      }
      int dirfd = a.dirfd >= 0 ? static_cast<int>(e->args[a.dirfd]) : AT_FDCWD;
      if (raw->size() > 1 && raw->back() == '/')
        e->trailing_slash |= static_cast<uint8_t>(1u << i);
      {
        const size_t end = raw->find_last_not_of('/');
        const size_t start =
            end == std::string::npos ? 0 : raw->find_last_of('/', end) + 1;
        const std::string_view last =
            end == std::string::npos
                ? std::string_view()
                : std::string_view(*raw).substr(start, end + 1 - start);
        if (last == "." || last == "..")
          e->dots_last |= static_cast<uint8_t>(1u << i);
        if (last == "..") e->dotdot_last |= static_cast<uint8_t>(1u << i);
      }
      if (raw->empty()) {
        // AT_EMPTY_PATH names the descriptor itself; otherwise ENOENT.
        e->empty_name |= static_cast<uint8_t>(1u << i);
        if (!name_descriptor(dirfd)) return DecodeResult::kUnnamed;
        if (!e->strings[i]) e->strings[i] = "";
        continue;
      }
      // RESOLVE_IN_ROOT and RESOLVE_BENEATH start from the dirfd even for
      // an absolute name.
      const bool from_dirfd =
          (*raw)[0] != '/' ||
          (resolve & (RESOLVE_IN_ROOT | RESOLVE_BENEATH)) != 0;
      errno = 0;
      std::optional<std::string> base = from_dirfd
                                            ? process.BaseDirectory(dirfd)
                                            : std::optional<std::string>("/");
      if (!base) {
        // A dirfd that is not open: the kernel's EBADF, which syd answers
        // for an allowed call (left to the kernel, a descriptor put there
        // since would be the one it starts from). One syd cannot name is
        // refused, as for a descriptor's own file.
        if (errno != ENOENT) return DecodeResult::kUnnamed;
        e->strings[i] = *raw;
        e->path_errors[i] = EBADF;
        continue;
      }
      // A name made or removed is its parent's entry, which the kernel
      // never follows, a trailing '/' or not (mkdir("link/") is EEXIST,
      // rmdir("link/") ENOTDIR); the resolver would follow a link there.
      std::string_view name = *raw;
      if (a.nofollow && (a.access == PathAccess::kCreate ||
                         a.access == PathAccess::kDelete)) {
        while (name.size() > 1 && name.back() == '/') name.remove_suffix(1);
      }
      e->strings[i] = ResolvePath(process.pid(), root, *base, std::string(name),
                                  FollowsLast(*s, *e, i), &e->path_errors[i],
                                  resolve, process.SandboxProc(),
                                  process.RootDescriptor(), process.View());
    } else if (a.kind == ArgKind::kString) {
      e->strings[i] = process.ReadString(e->args[i], 4096);
    } else if (a.kind == ArgKind::kSockaddr && a.from_fd) {
      // Not a socket, or not open: the kernel's error, no address. A
      // socket syd could not look at is refused, not judged unnamed.
      errno = 0;
      e->addresses[i] = process.SocketName(static_cast<int>(e->args[i]));
      if (!e->addresses[i] && errno != EBADF && errno != ENOTSOCK)
        return DecodeResult::kUnnamed;
      if (!e->addresses[i]) e->path_errors[i] = errno;
      if (e->addresses[i] && !resolve_unix(&*e->addresses[i]))
        return DecodeResult::kUnnamed;
    } else if (a.kind == ArgKind::kSockaddr) {
      if (e->args[i] == 0) continue;  // sendto on a connected socket
      const size_t len =
          i + 1 < s->nargs ? static_cast<uint32_t>(e->args[i + 1]) : 0;
      SocketAddress addr;
      if (const DecodeResult r =
              read_address(e->args[i], len, &addr, &e->address_bytes);
          r != DecodeResult::kOk) {
        return r;
      }
      e->addresses[i] = std::move(addr);
    } else if (a.kind == ArgKind::kMsghdr || a.kind == ArgKind::kMmsghdr) {
      // sendmmsg: every message's address, as many as the kernel sends
      // (vlen, at most UIO_MAXIOV).
      constexpr uint64_t kMaxMessages = 1024;
      const uint64_t count =
          a.kind == ArgKind::kMsghdr
              ? 1
              : std::min<uint64_t>(static_cast<uint32_t>(e->args[i + 1]),
                                   kMaxMessages);
      const size_t stride =
          a.kind == ArgKind::kMsghdr ? sizeof(msghdr) : sizeof(mmsghdr);
      for (uint64_t k = 0; k < count; ++k) {
        msghdr m;
        if (!process.Read(e->args[i] + k * stride, &m, sizeof m))
          return DecodeResult::kFault;
        std::string& bytes = e->message_names.emplace_back();
        if (m.msg_name == nullptr || m.msg_namelen == 0) continue;
        SocketAddress addr;
        if (const DecodeResult r =
                read_address(reinterpret_cast<uint64_t>(m.msg_name),
                             m.msg_namelen, &addr, &bytes);
            r != DecodeResult::kOk) {
          return r;
        }
        if (!e->addresses[i]) {
          e->addresses[i] = std::move(addr);
        } else {
          e->more_addresses.push_back(std::move(addr));
        }
      }
    }
  }
  if (want_process_names) {
    e->comm = process.Comm();
    e->cmdline = process.Cmdline();
  }
  return DecodeResult::kOk;
}

namespace {

// Names joined by |, each a single bit or a field of `value`, in this
// order; what no name covers is shown in hex. Values come from the
// identifier table (the system headers), so the names are all there is
// here.
std::string FlagsText(uint64_t value,
                      absl::Span<const std::string_view> names) {
  std::string out;
  for (std::string_view name : names) {
    const Identifier* id = FindIdentifier(name);
    if (id == nullptr || id->value == 0) continue;
    const auto bits = static_cast<uint64_t>(id->value);
    if ((value & bits) != bits) continue;
    StrAppend(&out, out.empty() ? "" : "|", name);
    value &= ~bits;
  }
  if (value != 0 || out.empty())
    StrAppend(&out, out.empty() ? "" : "|", absl::StrFormat("%#x", value));
  return out;
}

}  // namespace

// open(2)'s flags as strace shows them: the access mode first. O_TMPFILE
// and O_SYNC include other bits, so they come before those.
std::string OpenFlagsText(uint64_t flags) {
  static constexpr std::string_view kAccess[] = {"O_RDONLY", "O_WRONLY",
                                                 "O_RDWR"};
  static constexpr std::string_view kFlags[] = {
      "O_TMPFILE", "O_SYNC",      "O_CREAT",     "O_EXCL",     "O_NOCTTY",
      "O_TRUNC",   "O_APPEND",    "O_NONBLOCK",  "O_DSYNC",    "O_ASYNC",
      "O_DIRECT",  "O_LARGEFILE", "O_DIRECTORY", "O_NOFOLLOW", "O_NOATIME",
      "O_CLOEXEC", "O_PATH"};
  const uint64_t access = flags & O_ACCMODE;
  std::string out = access < std::size(kAccess)
                        ? std::string(kAccess[access])
                        : absl::StrFormat("%#x", access);
  if (const uint64_t rest = flags & ~uint64_t{O_ACCMODE})
    StrAppend(&out, "|", FlagsText(rest, kFlags));
  return out;
}

// A mode: the file type by name where there is one, then the permission
// bits in octal (S_IFIFO|0644, 0666).
std::string ModeText(uint64_t mode) {
  static constexpr std::string_view kTypes[] = {
      "S_IFSOCK", "S_IFLNK", "S_IFREG", "S_IFBLK",
      "S_IFDIR",  "S_IFCHR", "S_IFIFO"};
  std::string out;
  if (const uint64_t type = mode & S_IFMT) {
    for (std::string_view name : kTypes) {
      const Identifier* id = FindIdentifier(name);
      if (id != nullptr && static_cast<uint64_t>(id->value) == type) {
        out = StrCat(name, "|");
        break;
      }
    }
    if (out.empty()) out = absl::StrFormat("%#o|", type);
  }
  return out + absl::StrFormat("0%03o", mode & ~uint64_t{S_IFMT});
}

std::string DescribeCall(const Call& e) {
  const SyscallInfo* s = FindSyscall(e.nr);
  if (s == nullptr) return StrCat("syscall_", e.nr, "()");
  std::string out = StrCat(s->name, "(");
  for (int i = 0; i < s->nargs; ++i) {
    if (i > 0) out += ", ";
    const ArgSpec& a = s->args[i];
    if (e.strings[i] && a.from_fd) {
      // strace -y's form: the descriptor and its file.
      out += StrCat(static_cast<int>(e.args[i]), "<",
                    EscapeBytes(*e.strings[i], /*exact=*/true), ">");
    } else if (e.strings[i]) {
      out += QuoteBytes(*e.strings[i]);
    } else if (e.addresses[i]) {
      // A unix socket's name is the sandbox's to choose.
      const std::string addr =
          EscapeBytes(e.addresses[i]->ToString(), /*exact=*/false);
      out += a.from_fd ? StrCat(static_cast<int>(e.args[i]), "<", addr, ">")
                       : addr;
    } else if (a.kind == ArgKind::kDirFd &&
               static_cast<int>(e.args[i]) == AT_FDCWD) {
      out += "AT_FDCWD";
    } else if (a.kind == ArgKind::kOpenFlags) {
      out += OpenFlagsText(static_cast<uint32_t>(e.args[i]));
    } else if (a.kind == ArgKind::kMode) {
      out += ModeText(static_cast<uint32_t>(e.args[i]));
    } else if (a.width == 32) {
      uint32_t v = static_cast<uint32_t>(e.args[i]);
      out += (a.kind == ArgKind::kFd || a.kind == ArgKind::kDirFd ||
              a.kind == ArgKind::kPid)
                 ? StrCat(static_cast<int32_t>(v))
                 : absl::StrFormat("%#x", v);
    } else {
      out += absl::StrFormat("%#x", e.args[i]);
    }
  }
  return out + ")";
}

}  // namespace syd::tracee
