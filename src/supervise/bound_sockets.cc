#include "src/supervise/bound_sockets.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "src/base/strcat.h"
#include "src/lang/loader.h"
#include "src/tracee/paths.h"
#include "src/tracee/procfs.h"
#include "src/tracee/socket_diag.h"

namespace syd::supervise {
namespace {

// The protocol of socket `fd` of thread `pid` (IPPROTO_TCP, IPPROTO_UDP
// ...), or -1 with errno set (the copy's EPERM where it is refused): from
// a copy of the descriptor, since /proc lists unbound sockets nowhere.
int SocketProtocol(tracee::DescriptorCopies& copies, pid_t pid, int fd) {
  const int copy = copies.Copy(pid, fd);
  if (copy < 0) {
    errno = -copy;
    return -1;
  }
  int protocol = -1;
  socklen_t len = sizeof protocol;
  const bool asked =
      getsockopt(copy, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) == 0;
  close(copy);
  if (!asked) {
    errno = ENOTSOCK;
    return -1;
  }
  return protocol;
}

// "0100007F:1F90" as /proc/net/tcp prints it: each 32-bit word of the
// address in the kernel's byte order, then the port.
bool ParseLocal(const std::string& text, SocketAddress* out) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos || (colon != 8 && colon != 32)) return false;
  out->family = colon == 8 ? AddressFamily::kInet : AddressFamily::kInet6;
  out->ip = {};
  for (size_t word = 0; word < colon / 8; ++word) {
    const uint32_t v = static_cast<uint32_t>(
        std::strtoul(text.substr(word * 8, 8).c_str(), nullptr, 16));
    std::memcpy(out->ip.data() + word * 4, &v, 4);
  }
  out->port = static_cast<uint16_t>(
      std::strtoul(text.c_str() + colon + 1, nullptr, 16));
  return true;
}

// IPv4 as its IPv4-mapped IPv6 form, so that both compare alike.
std::array<uint8_t, 16> Mapped(const SocketAddress& a) {
  if (a.family == AddressFamily::kInet6) return a.ip;
  std::array<uint8_t, 16> out{};
  out[10] = out[11] = 0xff;
  std::memcpy(out.data() + 12, a.ip.data(), 4);
  return out;
}

bool IsWildcard(const std::array<uint8_t, 16>& ip) {
  static constexpr std::array<uint8_t, 16> kAny{};
  static constexpr std::array<uint8_t, 16> kAny4{0, 0, 0, 0, 0,    0,
                                                 0, 0, 0, 0, 0xff, 0xff};
  return ip == kAny || ip == kAny4;
}

bool IsLoopback(const std::array<uint8_t, 16>& ip) {
  static constexpr std::array<uint8_t, 16> kLoopback6{0, 0, 0, 0, 0, 0, 0, 0,
                                                      0, 0, 0, 0, 0, 0, 0, 1};
  return ip == kLoopback6 || (ip[10] == 0xff && ip[11] == 0xff &&
                              std::all_of(ip.begin(), ip.begin() + 10,
                                          [](uint8_t b) { return b == 0; }) &&
                              ip[12] == 127);
}

// Whether a socket bound to `local` takes what is sent to `to`.
bool Covers(const SocketAddress& local, const SocketAddress& to) {
  if (local.port != to.port || local.port == 0) return false;
  const std::array<uint8_t, 16> l = Mapped(local);
  const std::array<uint8_t, 16> t = Mapped(to);
  return l == t || (IsWildcard(l) && IsLoopback(t));
}

std::vector<std::string> Fields(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string f; in >> f;) out.push_back(f);
  return out;
}

}  // namespace

void BoundSocketTable::Record(pid_t pid, int fd, const SocketAddress& to) {
  const uint64_t inode = tracee::SocketInode(pid, fd);
  if (inode == 0) return;
  Recorded& r = sockets_[inode];
  r = Recorded{};
  r.pid = pid;
  r.fd = fd;
  if (to.family == AddressFamily::kUnix) r.unix_path = to.path;
  if (to.family == AddressFamily::kUnixAbstract) r.unix_path = "@" + to.path;
}

bool BoundSocketTable::StillHeld(uint64_t inode, const Recorded& r) {
  return tracee::SocketInode(r.pid, r.fd) == inode;
}

bool BoundSocketTable::Reaches(pid_t pid, int fd, const SocketAddress& to) {
  if (sockets_.empty()) return false;
  const bool unix_family = to.family == AddressFamily::kUnix ||
                           to.family == AddressFamily::kUnixAbstract;
  const std::string want_path =
      to.family == AddressFamily::kUnixAbstract ? "@" + to.path : to.path;
  // The protocols whose sockets could take the call: unix (0), or the
  // calling socket's. Where syd cannot copy the socket to ask (a
  // container's profile refuses pidfd_getfd) and it is not bound, no
  // table lists it: both are looked at, and a foreign socket in either
  // refuses.
  std::vector<int> protocols = {0};
  if (!unix_family) {
    if (to.family != AddressFamily::kInet && to.family != AddressFamily::kInet6)
      return false;
    const int protocol = SocketProtocol(copies_, pid, fd);
    if (protocol == IPPROTO_TCP || protocol == IPPROTO_UDP) {
      protocols = {protocol};
    } else if (protocol < 0 && (errno == EPERM || errno == ENOSYS)) {
      protocols = {IPPROTO_TCP, IPPROTO_UDP};
    } else {
      return false;
    }
  }
  auto wanted = [&](int protocol) {
    return std::find(protocols.begin(), protocols.end(), protocol) !=
           protocols.end();
  };
  // Bindings the tables confirmed, still held where they were made.
  for (const auto& [inode, r] : sockets_) {
    if (!r.local || !wanted(r.protocol) || r.shared) continue;
    const bool hit =
        unix_family ? r.unix_path == want_path : Covers(*r.local, to);
    if (hit && StillHeld(inode, r)) return true;
  }
  const std::string net = StrCat("/proc/", pid, "/net/");
  struct Table {
    const char* name;
    int protocol;
  };
  std::vector<Table> tables;
  size_t inode_field = 9;  // tcp and udp: sl local rem st ... inode
  if (unix_family) {
    tables = {{"unix", 0}};
    inode_field = 6;  // Num RefCount Protocol Flags Type St Inode Path
  }
  if (wanted(IPPROTO_TCP))
    tables.insert(tables.end(), {{"tcp", IPPROTO_TCP}, {"tcp6", IPPROTO_TCP}});
  if (wanted(IPPROTO_UDP))
    tables.insert(tables.end(), {{"udp", IPPROTO_UDP}, {"udp6", IPPROTO_UDP}});
  bool reached = false;
  // A socket syd did not record that takes what is sent to `to` too: one
  // of the host's bound with SO_REUSEPORT (which the sandbox, of the same
  // uid, may join), or a more specific one beside a wildcard bind. The
  // kernel may hand the packet to it; only listeners count on TCP (an
  // accepted connection has the server's address too).
  bool foreign = false;
  for (const auto& [table, protocol] : tables) {
    std::string text, error;
    if (!ReadFile(net + table, &text, &error)) continue;
    std::istringstream lines(text);
    std::string line;
    std::getline(lines, line);  // the header
    while (std::getline(lines, line)) {
      const std::vector<std::string> f = Fields(line);
      if (f.size() <= inode_field) continue;
      auto it =
          sockets_.find(std::strtoull(f[inode_field].c_str(), nullptr, 10));
      SocketAddress local;
      if (it == sockets_.end()) {
        constexpr std::string_view kListen = "0A";
        foreign |= !unix_family &&
                   (protocol == IPPROTO_UDP || f[3] == kListen) &&
                   ParseLocal(f[1], &local) && Covers(local, to);
        continue;
      }
      Recorded& r = it->second;
      if (unix_family) {
        // Listed with a name: the bind succeeded. An abstract name shows
        // as @name.
        if (f.size() <= inode_field + 1 || r.unix_path.empty()) continue;
        local.family = AddressFamily::kUnix;
        local.path = r.unix_path;
        r.local = local;
        r.protocol = 0;
        reached |= r.unix_path == want_path;
        continue;
      }
      if (!ParseLocal(f[1], &local) || local.port == 0) continue;
      r.local = local;
      r.protocol = protocol;
      reached |= Covers(local, to);
    }
  }
  if (foreign) {
    // Not from the cache either, while both are bound.
    for (auto& [inode, r] : sockets_) {
      if (r.local && wanted(r.protocol) && Covers(*r.local, to))
        r.shared = true;
    }
  }
  return reached && !foreign;
}

}  // namespace syd::supervise
